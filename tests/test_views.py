"""Read-side views: what the shells show."""

from __future__ import annotations

from pathlib import Path

import pytest

from storytrace.model import Finding, FindingValue, Mention
from storytrace.store import Store
from storytrace.views import (
    display_value,
    evidence_sentence,
    merge_disagreements,
    story_detail,
    story_rows,
)


def _value(value: str, kind: str = "date") -> FindingValue:
    return FindingValue(value, ("a",), (Mention("a", 0, 1, kind, value),))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value, shown",
    [
        ("2017-03", "March 2017"),
        ("--04", "April (year not stated)"),
        ("2024-03-12", "12 March 2024"),
        ("--03-12", "12 March (year not stated)"),
        ("2017", "2017"),
        ("--13", "--13"),
        ("-W-2", "Tuesday (week not stated)"),
        ("-W-9", "-W-9"),
    ],
)
def test_dates_are_shown_in_words(value: str, shown: str) -> None:
    assert display_value(_value(value)) == shown


def test_other_values_are_shown_as_stored() -> None:
    assert display_value(_value("approx 40", "number")) == "approx 40"


def test_story_rows_and_detail(filled_store: Store) -> None:
    [row] = story_rows(filled_store)
    assert row.articles == 2
    assert row.outlets == ("one.example", "two.example")
    assert row.disagreements == 1
    detail = story_detail(filled_store, "s1")
    assert detail is not None
    assert [a.id for a in detail.articles] == ["aaaa000000000001", "bbbb000000000002"]
    assert len(detail.families) == 1
    assert story_detail(filled_store, "nope") is None


def test_story_filters(filled_store: Store) -> None:
    from datetime import date

    from storytrace.views import StoryFilter

    def ids(**kwargs: object) -> list[str]:
        return [r.story_id for r in story_rows(filled_store, StoryFilter(**kwargs))]  # type: ignore[arg-type]

    assert ids() == ["s1"]
    assert ids(query="flooded") == ["s1"]
    assert ids(query="volcano") == []
    assert ids(outlet="TWO.EX") == ["s1"]
    assert ids(outlet="three") == []
    assert ids(min_size=3) == []
    assert ids(since=date(2021, 3, 1), until=date(2021, 3, 31)) == ["s1"]
    assert ids(since=date(2022, 1, 1)) == []
    assert ids(until=date(2020, 1, 1)) == []
    for sort in ("size", "recent", "outlets", "disagreements"):
        assert ids(sort=sort) == ["s1"]
    assert ids(query='"') == []  # not FTS5 syntax: searched as a word, found nowhere


def test_recent_sort_puts_newest_first_and_undated_last() -> None:
    from storytrace.views import StoryRow, _recent_first

    rows = [
        StoryRow("a", "", 1, (), None, None, 0),
        StoryRow("b", "", 1, (), "2020-01-01", "2020-01-02", 0),
        StoryRow("c", "", 1, (), "2021-05-01", "2021-05-03", 0),
    ]
    assert [r.story_id for r in sorted(rows, key=_recent_first)] == ["c", "b", "a"]


def test_story_articles_are_ordered_by_instant_across_time_zones(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta, timezone

    from storytrace.model import Article, Story

    store = Store(tmp_path / "tz.db")
    early = Article(
        id="z",
        origin="z",
        format="text",
        raw=b"z",
        text="x",
        published=datetime(2024, 3, 3, 10, tzinfo=timezone(timedelta(hours=5))),
    )
    late = Article(
        id="a",
        origin="a",
        format="text",
        raw=b"a",
        text="y",
        published=datetime(2024, 3, 3, 6, tzinfo=UTC),
    )
    store.add_articles([early, late])
    store.save_cleaned([(early, [], []), (late, [], [])])
    store.save_stories([Story("s", "t", None, None, ("a", "z"))])
    detail = story_detail(store, "s")
    assert detail is not None
    assert [a.id for a in detail.articles] == ["z", "a"]


def test_key_names_count_articles_not_repetitions() -> None:
    from storytrace.model import Mention
    from storytrace.views import key_names

    def m(article: str, value: str, kind: str = "person") -> Mention:
        return Mention(article, 0, 1, kind, value)  # type: ignore[arg-type]

    mentions = [
        m("a", "Ingrid Solvang"),
        m("a", "Ingrid Solvang"),
        m("b", "ingrid solvang"),
        m("c", "Ingrid Solvang"),
        m("a", "Port Halvard", "place"),
        m("b", "Port Halvard", "place"),
        m("c", "Only Once"),
        m("a", "40", "number"),
        m("b", "40", "number"),
    ]
    assert key_names(mentions) == (("Ingrid Solvang", "person", 3), ("Port Halvard", "place", 2))
    assert key_names([m("a", "Solo Name")]) == (("Solo Name", "person", 1),)


def test_key_names_merge_one_name_given_two_kinds() -> None:
    from storytrace.model import Mention
    from storytrace.views import key_names

    mentions = [
        Mention("a", 0, 1, "place", "Port Halvard"),
        Mention("b", 0, 1, "place", "Port Halvard"),
        Mention("c", 0, 1, "org", "Port Halvard"),
    ]
    assert key_names(mentions) == (("Port Halvard", "place", 3),)


def test_evidence_is_the_whole_sentence_around_the_mention() -> None:
    text = "First sentence here. Police said 40 homes flooded in March. Last one."
    sentences = [(0, 20), (21, 59), (60, 69)]
    start = text.index("March")
    before, marked, after = evidence_sentence(text, sentences, start, start + 5)
    assert (before, marked, after) == ("Police said 40 homes flooded in ", "March", ".")
    before, marked, after = evidence_sentence(text, [], start, start + 5, limit=40)
    assert before.startswith("…") and marked == "March"


def test_disagreements_on_one_topic_are_shown_once_with_every_value() -> None:
    def mention(article_id: str, value: str) -> Mention:
        return Mention(article_id, 0, 1, "number", value, "people|treated")

    def pair(first: tuple[str, str], second: tuple[str, str], fid: str) -> Finding:
        values = tuple(
            FindingValue(value, (article_id,), (mention(article_id, value),))
            for article_id, value in (first, second)
        )
        return Finding("s", "disagree", "people treated", values, 2, fid)

    agree = Finding("s", "agree", "other", (), 2, "f0")
    findings = [pair(("a", "2"), ("b", "3"), "f1"), pair(("a", "2"), ("c", "3"), "f2"), agree]
    merged = merge_disagreements(findings, lambda values: 3)
    assert [f.id for f in merged] == ["f1", "f0"]
    assert [(v.value, v.article_ids) for v in merged[0].values] == [
        ("2", ("a",)),
        ("3", ("b", "c")),
    ]
    assert merged[0].independent_sources == 3
