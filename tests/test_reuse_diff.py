"""Differences between two copies of a passage."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from storytrace.reuse_diff import differences


def test_changed_inserted_and_dropped_words_are_marked() -> None:
    a = "The ferry struck a sandbank about 400 metres from the entrance."
    b = "The big ferry hit a sandbank about 400 metres from the entrance"
    spans_a, spans_b = differences(a, b)
    assert [a[s:e] for s, e in spans_a] == ["struck"]
    assert [b[s:e] for s, e in spans_b] == ["big", "hit"]


def test_typography_is_not_a_difference() -> None:
    assert differences("“It can’t wait,” she said", '"It CAN\'T wait," she said') == ([], [])


@given(st.text(), st.text())
def test_spans_stay_inside_each_text(a: str, b: str) -> None:
    spans_a, spans_b = differences(a, b)
    assert all(0 <= s < e <= len(a) for s, e in spans_a)
    assert all(0 <= s < e <= len(b) for s, e in spans_b)
