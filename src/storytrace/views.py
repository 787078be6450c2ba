"""Read-side queries shared by every shell (terminal, static report, later the web UI).

The shells format; this module decides what a story list or a story page contains, so the
terminal and the HTML pages cannot drift apart.
"""

from __future__ import annotations

import calendar
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any, Literal

from .compare import independent_sources
from .errors import StorytraceError
from .model import Article, Family, Finding, FindingValue, Mention, Story
from .reuse_graph import UNKNOWN_OUTLET
from .statements import Statement, story_statements
from .store import Store

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_KIND_ORDER = {"disagree": 0, "variant": 1, "agree": 2}
_WEEKDAY = re.compile(r"^-W-([1-7])$")
_PARTIAL_DATE = re.compile(r"^(?:(?P<year>\d{4})|-)-(?P<month>\d{2})(?:-(?P<day>\d{2}))?$")


@dataclass(frozen=True, slots=True)
class StoryRow:
    story_id: str
    title: str
    articles: int
    outlets: tuple[str, ...]
    first_seen: str | None
    last_seen: str | None
    disagreements: int


@dataclass(frozen=True, slots=True)
class StoryDetail:
    story: Story
    articles: tuple[Article, ...]
    families: tuple[Family, ...]
    findings: tuple[Finding, ...]
    key_names: tuple[tuple[str, str, int], ...] = ()  # (name, kind, articles naming it)
    statements: tuple[Statement, ...] = ()  # who said what, best corroborated first

    def article(self, article_id: str) -> Article:
        return next(a for a in self.articles if a.id == article_id)


SortKey = Literal["size", "recent", "outlets", "disagreements"]


@dataclass(frozen=True, slots=True)
class StoryFilter:
    """What ``storytrace stories`` (and later the web UI) narrows and orders the list by.

    Dates compare with a story's first/last seen (a story with no known date passes a date
    filter only when none is given); ``outlet`` is a case-insensitive substring of an outlet
    name; ``query`` is an FTS5 query over article titles and texts.
    """

    since: date | None = None
    until: date | None = None
    outlet: str | None = None
    query: str | None = None
    min_size: int = 1
    sort: SortKey = "size"


def story_rows(store: Store, filters: StoryFilter = StoryFilter()) -> list[StoryRow]:
    """Stories with their sizes and outlets, filtered and sorted (ties: by id)."""
    # Topics in disagreement, as the story page shows them (see merge_disagreements).
    disagreements = store.disagreement_counts()
    sources = {
        article_id: source or UNKNOWN_OUTLET
        for article_id, source in store.article_sources().items()
    }
    matching = None
    if filters.query:
        try:
            matching = set(store.search(filters.query, limit=100_000))
        except sqlite3.OperationalError as exc:
            raise StorytraceError(f"--query {filters.query!r}: not a valid search: {exc}") from exc
    rows = []
    for story in store.stories():
        if len(story.article_ids) < filters.min_size:
            continue
        if matching is not None and not matching.intersection(story.article_ids):
            continue
        if filters.since and (story.last_seen is None or story.last_seen.date() < filters.since):
            continue
        if filters.until and (story.first_seen is None or story.first_seen.date() > filters.until):
            continue
        outlets = tuple(sorted({sources[i] for i in story.article_ids if i in sources}))
        if filters.outlet and not any(filters.outlet.casefold() in o.casefold() for o in outlets):
            continue
        rows.append(
            StoryRow(
                story.id,
                story.title,
                len(story.article_ids),
                outlets,
                story.first_seen.date().isoformat() if story.first_seen else None,
                story.last_seen.date().isoformat() if story.last_seen else None,
                disagreements.get(story.id, 0),
            )
        )
    rows.sort(key=_SORTS[filters.sort])
    return rows


def _recent_first(row: StoryRow) -> tuple[int, str, str]:
    # ISO dates sort as text; inverting the characters sorts them newest first.
    last = row.last_seen or ""
    return (0 if last else 1, "".join(chr(0x10FFFF - ord(c)) for c in last), row.story_id)


_SORTS: dict[str, Callable[[StoryRow], Any]] = {
    "size": lambda r: (-r.articles, -len(r.outlets), r.story_id),
    "recent": _recent_first,
    "outlets": lambda r: (-len(r.outlets), -r.articles, r.story_id),
    "disagreements": lambda r: (-r.disagreements, -r.articles, r.story_id),
}


def story_detail(store: Store, story_id: str) -> StoryDetail | None:
    story = store.story(story_id)
    if story is None:
        return None
    articles = tuple(
        sorted(
            store.articles(story.article_ids),
            # by the instant, not the text: "10:00+05:00" is before "06:00+00:00"
            key=lambda a: (a.published is None, a.published or _EPOCH, a.id),
        )
    )
    members = set(story.article_ids)
    families = tuple(
        f
        for f in store.families(story.article_ids)
        if sum(p.article_id in members for p in f.passages) >= 2
    )
    by_id = {a.id: a for a in articles}

    def count_sources(values: tuple[FindingValue, ...]) -> int:
        return independent_sources(values, by_id, families)

    findings = tuple(
        sorted(
            merge_disagreements(store.findings(story_id), count_sources),
            key=lambda f: (_KIND_ORDER.get(f.kind, 9), f.topic),
        )
    )
    mentions = store.mentions(story.article_ids)
    return StoryDetail(
        story,
        articles,
        families,
        findings,
        key_names(mentions),
        story_statements(mentions, articles, families),
    )


def merge_disagreements(
    findings: Sequence[Finding],
    count_sources: Callable[[tuple[FindingValue, ...]], int] | None = None,
) -> list[Finding]:
    """One disagreement per topic for reading: "2, 3 or 4 people were treated" once.

    The compare stage records a disagreement per clashing pair of articles (exact, and what
    the export keeps); a reader wants each topic once, with every value and who gives it. Values
    equal as stored are joined; ``count_sources`` recounts the independent sources of the
    joined values (without it, the largest count of the pairs is kept).
    """
    merged: list[Finding] = []
    by_topic: dict[str, int] = {}
    for finding in findings:
        if finding.kind != "disagree":
            merged.append(finding)
            continue
        if finding.topic not in by_topic:
            by_topic[finding.topic] = len(merged)
            merged.append(finding)
            continue
        first = merged[by_topic[finding.topic]]
        values: dict[str, tuple[set[str], dict[tuple[str, int, int], Mention]]] = {}
        for value in (*first.values, *finding.values):
            ids, evidence = values.setdefault(value.value, (set(), {}))
            ids.update(value.article_ids)
            evidence.update({(m.article_id, m.start, m.end): m for m in value.evidence})
        joined = tuple(
            FindingValue(value, tuple(sorted(ids)), tuple(evidence[k] for k in sorted(evidence)))
            for value, (ids, evidence) in sorted(values.items())
        )
        sources = (
            count_sources(joined)
            if count_sources is not None
            else max(first.independent_sources, finding.independent_sources)
        )
        merged[by_topic[finding.topic]] = replace(first, values=joined, independent_sources=sources)
    return merged


def key_names(mentions: Sequence[Mention], limit: int = 12) -> tuple[tuple[str, str, int], ...]:
    """The people, organisations and places most articles of a story name.

    Counted per article (a name repeated in one article counts once), spelled as most often
    written, ties broken by name; names only one article uses are left out when the story has
    several articles.
    """
    # One name, one entry: the rule-based kinds can differ between sentences for one name.
    articles_of: dict[str, set[str]] = {}
    spellings: dict[str, Counter[str]] = {}
    kinds: dict[str, Counter[str]] = {}
    for m in mentions:
        if m.kind not in ("person", "org", "place"):
            continue
        key = " ".join(m.value.casefold().split())
        articles_of.setdefault(key, set()).add(m.article_id)
        spellings.setdefault(key, Counter())[m.value] += 1
        kinds.setdefault(key, Counter())[m.kind] += 1
    several = len({m.article_id for m in mentions}) > 1
    ranked = sorted(
        (
            (_most_common(spellings[key]), _most_common(kinds[key]), len(ids))
            for key, ids in articles_of.items()
            if len(ids) > 1 or not several
        ),
        key=lambda item: (-item[2], item[0]),
    )
    return tuple(ranked[:limit])


def _most_common(counts: Counter[str]) -> str:
    """The most frequent item, ties broken alphabetically (deterministic)."""
    return min(counts, key=lambda item: (-counts[item], item))


def display_value(value: FindingValue) -> str:
    """A finding value as a reader says it: dates in words, an unknown year said so.

    Stored values stay normalized (``2017-03``, ``--04`` for "April, year unknown") so that
    exports compare exactly; only the shells show this form.
    """
    if not value.evidence or value.evidence[0].kind != "date":
        return value.value
    weekday = _WEEKDAY.match(value.value)
    if weekday is not None:
        return f"{calendar.day_name[int(weekday[1]) - 1]} (week not stated)"
    match = _PARTIAL_DATE.match(value.value)
    if match is None:
        return value.value
    month = int(match["month"])
    if not 1 <= month <= 12:
        return value.value
    words = calendar.month_name[month]
    if match["day"]:
        words = f"{int(match['day'])} {words}"
    return f"{words} {match['year']}" if match["year"] else f"{words} (year not stated)"


def evidence_sentence(
    text: str, sentences: Sequence[tuple[int, int]], start: int, end: int, limit: int = 400
) -> tuple[str, str, str]:
    """The sentence(s) holding ``text[start:end]``, cut around it: (before, evidence, after).

    A reader checks a finding against the whole sentence, not a window of characters; a very
    long "sentence" (a list, a table flattened to one line) is cut to ``limit`` characters on
    each side. Without sentences, a window of ``limit`` // 4 characters is used.
    """
    first, last = max(0, start - limit // 4), min(len(text), end + limit // 4)
    covering = [(s, e) for s, e in sentences if s < end and start < e]
    if covering:
        first = max(covering[0][0], start - limit)
        last = min(covering[-1][1], end + limit)
    before = ("…" if first > 0 and not covering else "") + text[first:start]
    after = text[end:last] + ("…" if last < len(text) and not covering else "")
    return before, text[start:end], after
