"""Cross-article furniture: keys, counting, and the decision."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from hypothesis import given
from hypothesis import strategies as st

from storytrace.clean_repeats import countable_keys, line_key, mark_repeated
from storytrace.clean_text import Block, TextCleaning


class FakeCounts:
    def __init__(self, total: int, lines: dict[str, int]) -> None:
        self.total = total
        self.lines = {line_key(text): n for text, n in lines.items()}

    def outlet_articles(self, source: str) -> int:
        return self.total

    def line_articles(self, source: str, keys: Iterable[int]) -> Mapping[int, int]:
        return {k: self.lines[k] for k in keys if k in self.lines}


def _cleaning(*lines: str) -> TextCleaning:
    blocks, start = [], 0
    for line in lines:
        blocks.append(Block(line, start, None))
        start += len(line) + 1
    return TextCleaning(tuple(blocks))


def _mark(
    cleaning: TextCleaning, counts: FakeCounts, source: str | None = "outlet"
) -> TextCleaning:
    return mark_repeated(cleaning, source, counts, min_articles=3, min_share=0.2, max_words=25)


def test_keys_ignore_case_spacing_and_numbers() -> None:
    assert line_key("Updated 3 March 2024  ") == line_key("updated 14 march 2025")
    assert line_key("Follow us") != line_key("Follow them")
    assert 0 <= line_key("x") < 2**63


def test_only_short_lines_are_counted() -> None:
    long_line = " ".join(["word"] * 30)
    assert countable_keys(f"Share this\n\n{long_line}\n", max_words=25) == {line_key("Share this")}


def test_lines_carried_by_many_of_the_outlets_articles_are_removed() -> None:
    cleaning = _cleaning("A body paragraph about the harbour.", "Subscribe to our briefing today")
    counts = FakeCounts(
        10, {"Subscribe to our briefing today": 9, "A body paragraph about the harbour.": 1}
    )
    marked = _mark(cleaning, counts)
    assert [b.reason for b in marked.blocks] == [None, "repeated"]
    assert marked.body == "A body paragraph about the harbour."


def test_rare_lines_small_outlets_and_unknown_outlets_are_left_alone() -> None:
    cleaning = _cleaning("Subscribe to our briefing today")
    assert _mark(cleaning, FakeCounts(100, {"Subscribe to our briefing today": 5})) == cleaning
    assert _mark(cleaning, FakeCounts(2, {"Subscribe to our briefing today": 2})) == cleaning
    assert (
        _mark(cleaning, FakeCounts(10, {"Subscribe to our briefing today": 10}), None) == cleaning
    )


@given(st.lists(st.text(min_size=1), max_size=8), st.integers(0, 50))
def test_marking_never_changes_text_or_offsets(lines: list[str], total: int) -> None:
    cleaning = _cleaning(*lines)
    marked = _mark(cleaning, FakeCounts(total, dict.fromkeys(lines, total)))
    assert [(b.text, b.start) for b in marked.blocks] == [
        (b.text, b.start) for b in cleaning.blocks
    ]
