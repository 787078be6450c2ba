"""Who took text from whom: directions, shares and the outlet graph."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storytrace.model import Article, Family, OutletEdge, Passage, ReuseLink
from storytrace.reuse_graph import article_reuse, outlet_graph, reused_share

DAY = datetime(2024, 3, 12, tzinfo=UTC)


def _article(
    article_id: str, source: str | None, days: int | None, text: str = "x" * 100
) -> Article:
    published = DAY + timedelta(days=days) if days is not None else None
    return Article(
        id=article_id,
        origin=article_id,
        format="text",
        raw=b"",
        source=source,
        published=published,
        text=text,
    )


ARTICLES = {
    "a": _article("a", "wire.example", 0),
    "b": _article("b", "daily.example", 1),
    "c": _article("c", "daily.example", 2),
    "d": _article("d", None, None),
}
LINKS = [
    ReuseLink(Passage("a", 0, 40), Passage("b", 10, 50), 1.0, "verbatim"),
    ReuseLink(Passage("b", 10, 50), Passage("c", 0, 40), 1.0, "verbatim"),
    ReuseLink(Passage("a", 50, 70), Passage("b", 60, 80), 1.0, "verbatim"),
    ReuseLink(Passage("b", 80, 95), Passage("d", 0, 15), 0.9, "edited"),
    ReuseLink(Passage("b", 0, 5), Passage("c", 90, 95), 1.0, "verbatim"),
]
FAMILIES = [
    Family("f1", "copy", (Passage("a", 0, 40), Passage("b", 10, 50), Passage("c", 0, 40)), "a"),
    Family("f2", "quote", (Passage("a", 50, 70), Passage("b", 60, 80)), "a"),
    Family("f3", "copy", (Passage("b", 80, 95), Passage("d", 0, 15)), None),
    Family("f4", "copy", (Passage("b", 0, 5), Passage("c", 90, 95)), "b"),
]


def test_directions_come_from_the_two_dates() -> None:
    seen = {
        (r.other.article_id, r.passage.start): (r.direction, r.kind)
        for r in article_reuse("b", LINKS, FAMILIES, ARTICLES)
    }
    assert seen[("a", 10)] == ("took", "copy")
    assert seen[("c", 10)] == ("gave", "copy")
    assert seen[("a", 60)] == ("shared", "quote")  # a quote is the speaker's, never "taken"
    assert seen[("d", 80)] == ("shared", "copy")  # d has no date: unknown
    passages = [r.passage.start for r in article_reuse("b", LINKS, FAMILIES, ARTICLES)]
    assert passages == sorted(passages)


def test_reused_share_counts_earlier_copies_from_other_outlets_only() -> None:
    assert reused_share(ARTICLES["a"], LINKS, FAMILIES, ARTICLES) == 0.0
    assert reused_share(ARTICLES["b"], LINKS, FAMILIES, ARTICLES) == 0.4  # 40 chars of the wire
    # c took from b, but b is its own outlet: not someone else's text
    assert reused_share(ARTICLES["c"], LINKS, FAMILIES, ARTICLES) == 0.0
    assert reused_share(_article("e", "x", 0, ""), LINKS, FAMILIES, ARTICLES) == 0.0


def test_overlapping_passages_are_not_counted_twice() -> None:
    twice = [*LINKS, ReuseLink(Passage("a", 0, 30), Passage("b", 30, 60), 1.0, "verbatim")]
    assert reused_share(ARTICLES["b"], twice, FAMILIES, ARTICLES) == 0.5


def test_outlet_graph_edges_from_origin_to_copier() -> None:
    sources = {article_id: article.source for article_id, article in ARTICLES.items()}
    assert outlet_graph(FAMILIES, sources) == [OutletEdge("wire.example", "daily.example", 2, 80)]
