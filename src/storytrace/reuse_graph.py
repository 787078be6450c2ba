"""What the reuse families mean for outlets and articles: who took text from whom, how much.

Pure functions over model objects, shared by the export, the terminal and the report. Only
``copy`` families with a known origin say who took from whom; a ``quote`` family is the same
speaker quoted twice, and a family whose origin dates cannot decide says only that text is
shared. An outlet reusing its own text is not counted as taking from another.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from .model import Article, Family, OutletEdge, Passage, ReuseLink

Direction = Literal["took", "gave", "shared"]
UNKNOWN_OUTLET = "unknown outlet"


@dataclass(frozen=True, slots=True)
class PassageReuse:
    """One passage of an article that another article shares, seen from the article."""

    kind: str  # the kind of the family the passage belongs to: copy or quote
    direction: Direction  # took from the other, gave to it, or shared with direction unknown
    passage: Passage
    other: Passage


def _outlet(articles: Mapping[str, Article], article_id: str) -> str:
    article = articles.get(article_id)
    return (article.source if article is not None else None) or UNKNOWN_OUTLET


def _merged_length(spans: Iterable[tuple[int, int]]) -> int:
    """Characters covered by possibly overlapping spans."""
    total, end = 0, -1
    for start, stop in sorted(spans):
        if stop <= end:
            continue
        total += stop - max(start, end)
        end = stop
    return total


def _family_kind(passage: Passage, families: Sequence[Family]) -> str:
    for family in families:
        for p in family.passages:
            if (
                p.article_id == passage.article_id
                and p.start < passage.end
                and passage.start < p.end
            ):
                return family.kind
    return "copy"


def _direction(mine: Article | None, other: Article | None) -> Direction:
    """Who published first, when both dates are known and differ; else unknown."""
    if mine is None or other is None or mine.published is None or other.published is None:
        return "shared"
    if other.published < mine.published:
        return "took"
    if mine.published < other.published:
        return "gave"
    return "shared"


def article_reuse(
    article_id: str,
    links: Sequence[ReuseLink],
    families: Sequence[Family],
    articles: Mapping[str, Article],
) -> list[PassageReuse]:
    """Each passage this article shares with another one, with exact spans on both sides.

    Direction comes from the two articles' publication dates (a quote is the speaker's words,
    so a shared quote is never "taken").
    """
    found = []
    for link in links:
        if link.a.article_id == article_id:
            mine, other = link.a, link.b
        elif link.b.article_id == article_id:
            mine, other = link.b, link.a
        else:
            continue
        kind = _family_kind(mine, families)
        direction = _direction(articles.get(article_id), articles.get(other.article_id))
        if kind == "quote":
            direction = "shared"
        found.append(PassageReuse(kind, direction, mine, other))
    found.sort(key=lambda r: (r.passage.start, r.other.article_id, r.other.start))
    return found


def reused_share(
    article: Article,
    links: Sequence[ReuseLink],
    families: Sequence[Family],
    articles: Mapping[str, Article],
) -> float:
    """Share of the article's text taken from another outlet's earlier article (0.0 to 1.0).

    Quotes, passages shared with the article's own outlet, and passages whose direction the
    dates cannot decide are not counted as taken.
    """
    if not article.text:
        return 0.0
    own_outlet = _outlet(articles, article.id)
    spans = [
        (r.passage.start, r.passage.end)
        for r in article_reuse(article.id, links, families, articles)
        if r.direction == "took" and _outlet(articles, r.other.article_id) != own_outlet
    ]
    return round(_merged_length(spans) / len(article.text), 4)


def outlet_graph(families: Sequence[Family], sources: Mapping[str, str | None]) -> list[OutletEdge]:
    """Edges from the outlet that published a passage first to each outlet that reused it.

    ``sources`` maps article ids to their outlets (``Store.article_sources``): the graph needs
    no article text, and loading every article of a large store only for its outlet took most
    of the outlets page's time.
    """
    passages: dict[tuple[str, str], int] = defaultdict(int)
    characters: dict[tuple[str, str], int] = defaultdict(int)
    for family in families:
        origin = family.origin_article_id
        if family.kind != "copy" or origin is None:
            continue
        from_source = sources.get(origin) or UNKNOWN_OUTLET
        for p in family.passages:
            if p.article_id == origin:
                continue
            to_source = sources.get(p.article_id) or UNKNOWN_OUTLET
            if to_source == from_source:
                continue  # an outlet reusing its own text is not copying
            passages[(from_source, to_source)] += 1
            characters[(from_source, to_source)] += p.end - p.start
    return [
        OutletEdge(from_source, to_source, passages[(from_source, to_source)], chars)
        for (from_source, to_source), chars in sorted(characters.items())
    ]


def heaviest_edges(edges: Sequence[OutletEdge], count: int) -> list[OutletEdge]:
    """The ``count`` edges with the most characters reused (ties: by the outlets' names)."""
    return sorted(edges, key=lambda e: (-e.characters, e.from_source, e.to_source))[:count]
