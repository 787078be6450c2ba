"""Who said what in a story: its quotes and reported claims, grouped, with their sources.

A fact-checker reading a story asks of each statement: who said it, which outlets carry it,
and whether more than one of them reported it independently. A *statement* is one thing
someone said as the story's articles carry it: the direct quotes and reported claims whose
words match (``compare_quotes``: a quote and an outlet's reported version of it fall together
when one lies nearly inside the other), each article's wording kept as evidence.

Its independent sources are counted as for findings (``compare.independent_sources``):
outlets, with articles whose evidence lies inside one reuse family counting once, so three
outlets running one wire paragraph are one source. A statement resting on one source is
flagged ``single_source``: the story then depends on one report of it, however many outlets
repeat it.

Computed when a story is read, not stored: it is a view of the facts and reuse stages'
output, so it needs no migration and is never stale.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .compare import CompareSettings, independent_sources
from .compare_quotes import group_by_words
from .model import Article, Family, FindingValue, Mention

_SPEECH = ("quote", "claim")
_DEFAULT_SETTINGS = CompareSettings()


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement of a story: who said it, and every article's words for it."""

    # The speaker most of its evidence names; "" when no article names one.
    speaker: str
    # Quotes and claims, in the story's article order, then by position in the article.
    evidence: tuple[Mention, ...]
    independent_sources: int

    @property
    def article_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.article_id for m in self.evidence))

    @property
    def lead(self) -> Mention:
        """The wording to show first: a direct quote before a reported claim, then the
        longest (the most complete), then the earliest article's."""
        return min(
            self.evidence,
            key=lambda m: (m.kind != "quote", -(m.end - m.start)),
        )

    @property
    def single_source(self) -> bool:
        return self.independent_sources <= 1


def story_statements(
    mentions: Sequence[Mention],
    articles: Sequence[Article],
    families: Sequence[Family],
    settings: CompareSettings = _DEFAULT_SETTINGS,
) -> tuple[Statement, ...]:
    """The statements of a story whose ``articles`` are given in reading (timeline) order.

    Order: most independent sources first, then most articles, then first appearance; so the
    best corroborated statements lead and the single-source ones follow.
    """
    order = {article.id: position for position, article in enumerate(articles)}
    speech = sorted(
        (m for m in mentions if m.kind in _SPEECH and m.article_id in order),
        key=lambda m: (order[m.article_id], m.start, m.end),
    )
    by_id = {a.id: a for a in articles}
    statements = []
    for members in group_by_words(
        speech, settings.quote_min_words, settings.quote_min_partial_ratio
    ):
        ids = tuple(sorted({m.article_id for m in members}))
        value = FindingValue(members[0].value, ids, tuple(members))
        statements.append(
            Statement(
                _speaker(members),
                tuple(members),
                independent_sources([value], by_id, families),
            )
        )
    first_seen = {id(s): order[s.evidence[0].article_id] for s in statements}
    statements.sort(
        key=lambda s: (
            -s.independent_sources,
            -len(s.article_ids),
            first_seen[id(s)],
            s.evidence[0].start,
        )
    )
    return tuple(statements)


def _speaker(members: Sequence[Mention]) -> str:
    """The speaker most members name (ties: the first named), or "" if none names one."""
    named = Counter(m.key for m in members if m.key)
    if not named:
        return ""
    best = max(named.values())
    return next(m.key for m in members if m.key and named[m.key] == best)
