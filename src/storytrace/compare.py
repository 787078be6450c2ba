"""Compare stage: per story, what the sources agree on, disagree on, or spell differently.

Mentions from the facts stage are grouped by what they are about, and only mentions about the
same thing are ever compared: dates by their event key, numbers by counted thing and event,
quotes by their text, names by spelling. Precision first: a pair the rules cannot tell to be
about the same thing gives no finding, because "sources disagree" is the claim a reader acts
on. Concretely:

- dates with the same event key: values whose known parts (year, month, day) all match agree
  ("--04" and "2017-04-12" agree); a pair of articles with no matching value disagrees;
- numbers with the same counted head noun, compatible modifiers and the same non-empty event:
  values become ranges from their hedge (approx: +/- a fraction, min: [n, inf), max: [0, n])
  and overlapping ranges agree; a pair of articles with no overlap disagrees;
- quotes whose normalized texts contain one another, or nearly (partial ratio), agree;
- names spelled differently for the same thing are variants (see ``compare_names``).

``independent_sources`` counts outlets, where articles whose evidence lies in passages of one
reuse family count once (a copied paragraph is one source, however often it is copied).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from .compare_names import NameRules, find_variant_groups
from .model import Article, Family, Finding, FindingKind, FindingValue, Mention, Story

ALGORITHM = "compare.rules.v1"
_KIND_ORDER = {"disagree": 0, "variant": 1, "agree": 2}
_IRREGULAR_PLURALS = {
    "men": "man",
    "women": "woman",
    "people": "person",
    "persons": "person",
    "children": "child",
    "police": "police",
    "news": "news",
}
_PREPOSITIONS = {"into": "in", "onto": "on"}
_DATE_VALUE = re.compile(r"^(?:(\d{4})|-)-?(\d{2})?(?:-(\d{2}))?$")
_WORDS = re.compile(r"\w+")
# Whether two mentions of one topic can both be true.
_Compat = Callable[[Mention, Mention], bool]


@dataclass(frozen=True, slots=True)
class CompareSettings:
    """Options of the compare stage.

    Name thresholds: ``name_min_ratio`` (rapidfuzz ratio of the whole names),
    ``name_prefix_min_chars``/``name_prefix_max_extra`` for adjectival forms ("Russia"/
    "Russian"). Numbers: an ``approx`` value covers +/- ``number_approx_fraction`` of itself,
    at least ``number_approx_absolute``. Quotes of at least ``quote_min_words`` words match
    at ``quote_min_partial_ratio`` or by containment.
    """

    name_min_ratio: float = 88.0
    name_prefix_min_chars: int = 5
    name_prefix_max_extra: int = 3
    number_approx_fraction: float = 0.2
    number_approx_absolute: float = 2.0
    quote_min_words: int = 4
    quote_min_partial_ratio: float = 90.0


@dataclass(frozen=True, slots=True)
class _Draft:
    kind: FindingKind
    topic: str
    values: tuple[FindingValue, ...]


def _values(
    mentions: Iterable[Mention], label: dict[Mention, str] | None = None
) -> tuple[FindingValue, ...]:
    """Mentions grouped by value (or by ``label`` when given), in value order."""
    grouped: dict[str, list[Mention]] = {}
    for mention in mentions:
        grouped.setdefault(label[mention] if label else mention.value, []).append(mention)
    result = []
    for value in sorted(grouped):
        evidence = tuple(sorted(grouped[value], key=lambda m: (m.article_id, m.start, m.end)))
        result.append(
            FindingValue(value, tuple(sorted({m.article_id for m in evidence})), evidence)
        )
    return tuple(result)


def _by_article(mentions: Iterable[Mention]) -> dict[str, list[Mention]]:
    grouped: dict[str, list[Mention]] = {}
    for mention in mentions:
        grouped.setdefault(mention.article_id, []).append(mention)
    return grouped


def _pairwise_kind(mentions: Sequence[Mention], test: _Compat) -> FindingKind | None:
    """agree/disagree over articles: disagree when some two articles share no compatible value."""
    per_article = _by_article(mentions)
    if len(per_article) < 2:
        return None
    ids = sorted(per_article)
    for x, a in enumerate(ids):
        for b in ids[x + 1 :]:
            if not any(test(m, n) for m in per_article[a] for n in per_article[b]):
                return "disagree"
    return "agree"


def _date_parts(value: str) -> tuple[int | None, int | None, int | None]:
    match = _DATE_VALUE.match(value)
    if not match:
        return (None, None, None)
    year, month, day = match.groups()
    return (
        int(year) if year else None,
        int(month) if month else None,
        int(day) if day else None,
    )


def _dates_compatible(a: Mention, b: Mention) -> bool:
    """Dates agree when every part both give (year, month, day) is the same."""
    return all(
        x is None or y is None or x == y
        for x, y in zip(_date_parts(a.value), _date_parts(b.value), strict=True)
    )


def _date_drafts(mentions: Sequence[Mention]) -> list[_Draft]:
    by_key: dict[str, list[Mention]] = {}
    for mention in mentions:
        if mention.kind == "date" and mention.key:
            by_key.setdefault(mention.key, []).append(mention)
    drafts = []
    for key in sorted(by_key):
        kind = _pairwise_kind(by_key[key], _dates_compatible)
        if kind is not None:
            drafts.append(_Draft(kind, key, _values(by_key[key])))
    return drafts


def _lemma(word: str) -> str:
    """Crude singular: "men" -> "man", "visas" -> "visa", "cities" -> "city"."""
    if word in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _stem(word: str) -> str:
    """Crude verb stem, so "rounded up" and "round up", "hiding" and "hide" compare equal."""
    for suffix in ("ing", "ed", "es", "s", "e"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]
    return word


@dataclass(frozen=True, slots=True)
class _Counted:
    head: str
    modifiers: frozenset[str]
    event: tuple[str, ...]
    label: str


def _counted(key: str) -> _Counted | None:
    thing, _, event = key.partition("|")
    words = [_lemma(w) for w in thing.split()]
    if not words or not event:
        return None  # without the event, two counts of "people" may be of anything
    return _Counted(
        words[-1],
        frozenset(words[:-1]),
        tuple(_stem(_PREPOSITIONS.get(w, w)) for w in event.split()),
        f"{thing} {event}".strip(),
    )


def _same_count(a: _Counted, b: _Counted) -> bool:
    return (
        a.head == b.head
        and a.event == b.event
        and (a.modifiers <= b.modifiers or b.modifiers <= a.modifiers)
    )


class _RangesOverlap:
    """Numbers agree when the ranges their hedges allow overlap."""

    def __init__(self, settings: CompareSettings) -> None:
        self.settings = settings

    def range(self, mention: Mention) -> tuple[float, float]:
        value = float(mention.value)
        if mention.qualifier == "min":
            return value, math.inf
        if mention.qualifier == "max":
            return 0.0, value
        if mention.qualifier == "approx":
            spread = max(
                value * self.settings.number_approx_fraction, self.settings.number_approx_absolute
            )
            return value - spread, value + spread
        return value, value

    def __call__(self, a: Mention, b: Mention) -> bool:
        low_a, high_a = self.range(a)
        low_b, high_b = self.range(b)
        return low_a <= high_b and low_b <= high_a


def _number_label(mention: Mention) -> str:
    prefix = {"approx": "approx ", "min": "min ", "max": "max "}.get(mention.qualifier, "")
    return prefix + mention.value


def _number_drafts(mentions: Sequence[Mention], settings: CompareSettings) -> list[_Draft]:
    groups: list[tuple[_Counted, list[Mention]]] = []
    for mention in mentions:
        if mention.kind != "number":
            continue
        counted = _counted(mention.key)
        if counted is None:
            continue
        for rep, members in groups:
            if _same_count(rep, counted):
                members.append(mention)
                break
        else:
            groups.append((counted, [mention]))
    overlap = _RangesOverlap(settings)
    drafts = []
    for rep, members in groups:
        kind = _pairwise_kind(members, overlap)
        if kind is not None:
            labels = {m: _number_label(m) for m in members}
            drafts.append(_Draft(kind, rep.label, _values(members, labels)))
    return drafts


def _quotes_match(a: str, b: str, settings: CompareSettings) -> bool:
    short, long = sorted((a, b), key=len)
    if len(_WORDS.findall(short)) < settings.quote_min_words:
        return False
    if f" {short} " in f" {long} ":
        return True
    return fuzz.partial_ratio(short, long) >= settings.quote_min_partial_ratio


def _quote_drafts(mentions: Sequence[Mention], settings: CompareSettings) -> list[_Draft]:
    groups: list[list[Mention]] = []
    for mention in mentions:
        if mention.kind != "quote":
            continue
        for members in groups:
            if _quotes_match(members[0].value, mention.value, settings):
                members.append(mention)
                break
        else:
            groups.append([mention])
    drafts = []
    for members in groups:
        if len({m.article_id for m in members}) >= 2:
            topic = min((m.value for m in members), key=lambda v: (len(v), v))
            drafts.append(_Draft("agree", topic, _values(members)))
    return drafts


def _name_drafts(mentions: Sequence[Mention], settings: CompareSettings) -> list[_Draft]:
    rules = NameRules(
        settings.name_min_ratio, settings.name_prefix_min_chars, settings.name_prefix_max_extra
    )
    drafts = []
    for group in find_variant_groups(mentions, rules):
        values = []
        for spelling in group.spellings:
            ids = tuple(sorted({m.article_id for m in spelling.mentions}))
            values.append(FindingValue(spelling.form, ids, spelling.mentions))
        values.sort(key=lambda v: v.value)
        drafts.append(_Draft("variant", group.spellings[0].form, tuple(values)))
    return drafts


def independent_sources(
    values: Sequence[FindingValue], articles: dict[str, Article], families: Sequence[Family]
) -> int:
    """Distinct outlets behind ``values``; articles holding copies from one family count once."""
    ids = sorted({a for v in values for a in v.article_ids})
    parent = {a: a for a in ids}

    def find(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a: str, b: str) -> None:
        parent[find(b)] = find(a)

    by_outlet: dict[str, str] = {}
    for a in ids:
        article = articles.get(a)
        outlet = article.source if article is not None and article.source else a
        if outlet in by_outlet:
            union(by_outlet[outlet], a)
        else:
            by_outlet[outlet] = a
    evidence = [m for v in values for m in v.evidence]
    for family in families:
        inside = sorted(
            {
                m.article_id
                for m in evidence
                for p in family.passages
                if p.article_id == m.article_id and p.start <= m.start and m.end <= p.end
            }
        )
        for a in inside[1:]:
            union(inside[0], a)
    return len({find(a) for a in ids})


def _finding_id(story_id: str, kind: str, topic: str) -> str:
    digest = hashlib.sha256("\x1f".join((story_id, kind, topic)).encode("utf-8"))
    return digest.hexdigest()[:16]


def compare(
    story: Story,
    articles: Sequence[Article],
    mentions: Sequence[Mention],
    families: Sequence[Family],
    settings: CompareSettings = CompareSettings(),
) -> tuple[Finding, ...]:
    """Findings for one story, disagreements first, in a deterministic order.

    Mentions of articles outside the story are ignored. Findings are ordered disagree,
    variant, agree, then by topic; ``id`` is a hash of story, kind and topic.
    """
    members = set(story.article_ids)
    ordered = sorted(
        (m for m in mentions if m.article_id in members),
        key=lambda m: (m.article_id, m.start, m.end, m.kind, m.value, m.key),
    )
    by_id = {a.id: a for a in articles if a.id in members}
    drafts = [
        *_date_drafts(ordered),
        *_number_drafts(ordered, settings),
        *_quote_drafts(ordered, settings),
        *_name_drafts(ordered, settings),
    ]
    drafts.sort(key=lambda d: (_KIND_ORDER[d.kind], d.topic, [v.value for v in d.values]))
    findings = []
    seen: set[str] = set()
    for draft in drafts:
        finding_id = _finding_id(story.id, draft.kind, draft.topic)
        n = 1
        while finding_id in seen:  # two groups with one topic: keep ids distinct and stable
            n += 1
            finding_id = _finding_id(story.id, draft.kind, f"{draft.topic}#{n}")
        seen.add(finding_id)
        findings.append(
            Finding(
                story.id,
                draft.kind,
                draft.topic,
                draft.values,
                independent_sources(draft.values, by_id, families),
                finding_id,
            )
        )
    return tuple(findings)
