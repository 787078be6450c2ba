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
from datetime import date

from .compare_context import ContextReader, PairRule, same_slot_pairs
from .compare_names import NameRules, find_variant_groups, is_variant, spelling_key
from .compare_quotes import group_by_words
from .facts_dates import KEY_ADVERBS
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
# Counted heads that all count people: "five people injured" and "two villagers injured" are
# one toll told with two nouns.
_PERSON_NOUNS = frozenset(
    {
        "person",
        "villager",
        "resident",
        "civilian",
        "inhabitant",
        "passenger",
        "individual",
        "victim",
    }
)
_PREPOSITIONS = {"into": "in", "onto": "on"}
# Event stems that name one outcome: a toll of the dead, a toll of the injured.
_EVENT_CLASSES = {
    "dead": "kil",  # the stem of "killed", "killing"
    "died": "kil",
    "die": "kil",
    "death": "kil",
    "hurt": "injur",  # the stem of "injured", "injuring"
    "wound": "injur",
    "injury": "injur",
}
# Two ages of one person told at different times differ by a few years; two ages further
# apart under one surname are of two people (a victim and his son).
_AGE_MAX_GAP = 5.0
_CASUALTY_EVENTS = frozenset({"kil", "injur"})
_DATE_VALUE = re.compile(r"^(?:(\d{4})|-)-?(\d{2})?(?:-(\d{2}))?$")
_WEEKDAY_VALUE = re.compile(r"^-W-([1-7])$")
# Whether two mentions of one topic can both be true.
_Compat = Callable[[Mention, Mention], bool]


@dataclass(frozen=True, slots=True)
class CompareSettings:
    """Options of the compare stage.

    Name thresholds: ``name_min_ratio`` (rapidfuzz ratio of the whole names),
    ``name_prefix_min_chars``/``name_prefix_max_extra`` for adjectival forms ("Russia"/
    "Russian"). Numbers: an ``approx`` value covers +/- ``number_approx_fraction`` of itself,
    at least ``number_approx_absolute``. Quotes of at least ``quote_min_words`` words match
    at ``quote_min_partial_ratio`` or by containment. Same-sentence pairing (see
    ``compare_context``): sentences share at least ``context_min_sentence`` of their content
    words (``context_min_sentence_place`` for places), the words around the values at least
    ``context_min_local``, and each sentence has ``context_min_words`` content words.
    """

    name_min_ratio: float = 88.0
    name_prefix_min_chars: int = 5
    name_prefix_max_extra: int = 3
    number_approx_fraction: float = 0.2
    number_approx_absolute: float = 2.0
    quote_min_words: int = 4
    quote_min_partial_ratio: float = 90.0
    context_min_sentence: float = 0.5
    context_min_sentence_place: float = 0.6
    context_min_local: float = 0.5
    context_min_words: int = 3


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


def _split(
    topic: str,
    mentions: Sequence[Mention],
    test: _Compat,
    label: dict[Mention, str] | None = None,
    comparable: _Compat | None = None,
) -> list[_Draft]:
    """Findings for mentions about one topic, judged per pair of values, not per group.

    Mentions of different articles with compatible values are joined (connected components);
    each component spanning two or more articles is one agreement, holding only those
    mentions. Every pair of articles with no compatible value at all is its own disagreement,
    holding only those two articles' mentions (when ``comparable`` is given, only pairs it
    accepts count at all). So a third source with another figure never
    turns two sources that agree into a disagreement, and a figure both sources repeat (a
    historical toll) never hides that their figures for today's event differ.
    """
    per_article = _by_article(mentions)
    if len(per_article) < 2:
        return []
    ids = sorted(per_article)
    parent = {m: m for m in mentions}

    def find(m: Mention) -> Mention:
        while parent[m] != m:
            m = parent[m]
        return m

    clashes: list[tuple[str, str]] = []
    for x, a in enumerate(ids):
        for b in ids[x + 1 :]:
            compatible = False
            compared = False
            for m in per_article[a]:
                for n in per_article[b]:
                    if comparable is not None and not comparable(m, n):
                        continue
                    compared = True
                    if test(m, n):
                        compatible = True
                        parent[find(n)] = find(m)
            if compared and not compatible:
                clashes.append((a, b))
    drafts = []
    components: dict[Mention, list[Mention]] = {}
    for m in mentions:
        components.setdefault(find(m), []).append(m)
    for group in components.values():
        if len({m.article_id for m in group}) >= 2:
            drafts.append(_Draft("agree", topic, _values(group, label)))
    for a, b in clashes:
        members = [*per_article[a], *per_article[b]]
        drafts.append(_Draft("disagree", topic, _values(members, label)))
    return drafts


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


def _weekday(value: str) -> int | None:
    """ISO weekday (1 = Monday) of a weekday value ("-W-2") or of a full date, else None."""
    match = _WEEKDAY_VALUE.match(value)
    if match:
        return int(match.group(1))
    year, month, day = _date_parts(value)
    if year is None or month is None or day is None:
        return None
    try:
        return date(year, month, day).isoweekday()
    except ValueError:
        return None


def _dates_compatible(a: Mention, b: Mention) -> bool:
    """Dates agree when every part both give (year, month, day, weekday) is the same."""
    if _WEEKDAY_VALUE.match(a.value) or _WEEKDAY_VALUE.match(b.value):
        x, y = _weekday(a.value), _weekday(b.value)
        return x is None or y is None or x == y
    return all(
        x is None or y is None or x == y
        for x, y in zip(_date_parts(a.value), _date_parts(b.value), strict=True)
    )


def _date_event(key: str) -> tuple[frozenset[str], str]:
    """A date key as (subject words, verb stem): "bettie page died" -> ({bettie, page}, kill)."""
    words = key.split()
    stem = _stem(words[-1])
    subject = frozenset(w for w in words[:-1] if w not in KEY_ADVERBS)
    adverbs = " ".join(sorted(w for w in words[:-1] if w in KEY_ADVERBS))
    return subject, f"{_EVENT_CLASSES.get(stem, stem)} {adverbs}".strip()


def _same_date_event(a: tuple[frozenset[str], str], b: tuple[frozenset[str], str]) -> bool:
    """One event: the same verb (by stem, with the same adverbs: "first reported" is not
    "reported") and subjects that share a word ("Page died", "Bettie Page died")."""
    return a[1] == b[1] and bool(a[0] & b[0])


def _date_drafts(mentions: Sequence[Mention]) -> list[_Draft]:
    groups: list[tuple[tuple[frozenset[str], str], str, list[Mention]]] = []
    for mention in mentions:
        if mention.kind != "date" or not mention.key:
            continue
        event = _date_event(mention.key)
        for rep, _, members in groups:
            if rep == event or _same_date_event(rep, event):
                members.append(mention)
                break
        else:
            groups.append((event, mention.key, [mention]))
    drafts = []
    for _, key, members in sorted(groups, key=lambda g: g[1]):
        drafts += _split(key, members, _dates_compatible)
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


def _head(word: str) -> str:
    """The counted head's class: its singular, and "person" for any noun that counts people."""
    lemma = _lemma(word)
    return "person" if lemma in _PERSON_NOUNS else lemma


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


def _event_words(event: str) -> tuple[str, ...]:
    """An event as compared: stems, with "dead"/"killed" and "hurt"/"injured" one class each;
    a year anchor ("@2003", see ``facts_numbers``) is kept as it is."""
    words = []
    for word in event.split():
        if word.startswith("@"):
            words.append(word)
            continue
        stem = _stem(_PREPOSITIONS.get(word, word))
        words.append(_EVENT_CLASSES.get(stem, stem))
    return tuple(words)


def _counted(key: str) -> _Counted | None:
    thing, _, event = key.partition("|")
    words = [_lemma(w) for w in thing.split()]
    stems = _event_words(event)
    if not [w for w in stems if not w.startswith("@")]:
        return None  # without the event, two counts of "people" may be of anything
    if not words:
        if not set(stems) & _CASUALTY_EVENTS:
            return None
        words = ["person"]  # "five hurt": five people hurt
    return _Counted(_head(words[-1]), frozenset(words[:-1]), stems, f"{thing} {event}".strip())


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
            spread = self._spread(value)
            return value - spread, value + spread
        return value, value

    def _spread(self, value: float) -> float:
        return max(
            value * self.settings.number_approx_fraction, self.settings.number_approx_absolute
        )

    def __call__(self, a: Mention, b: Mention) -> bool:
        if a.qualifier == b.qualifier and a.qualifier in ("min", "max"):
            # "at least 10 killed" and "at least 27 killed" are two reports of a toll, not
            # one: bounds in the same direction agree only when they are about as large.
            x, y = float(a.value), float(b.value)
            return abs(x - y) <= self._spread(max(x, y))
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
        labels = {m: _number_label(m) for m in members}
        drafts += _split(rep.label, members, overlap, labels, _ages_comparable)
    return drafts


def _ages_comparable(a: Mention, b: Mention) -> bool:
    if not (a.key.startswith("age|") and b.key.startswith("age|")):
        return True
    return abs(float(a.value) - float(b.value)) <= _AGE_MAX_GAP


def _thing_head(mention: Mention) -> str:
    words = mention.key.partition("|")[0].split()
    return _head(words[-1]) if words else ""


def _events_differ(a: Mention, b: Mention) -> bool:
    x, y = a.key.partition("|")[2], b.key.partition("|")[2]
    if not x or not y:
        return False
    return _event_words(x) != _event_words(y)


def _places_compatible(a: Mention, b: Mention, rules: NameRules) -> bool:
    """One place told two ways: the same spelling, a variant, or one name inside the other
    ("Qeshm" and "Qeshm Island"); anything else is another place."""
    x, y = spelling_key(a.value), spelling_key(b.value)
    if x == y or is_variant(x, y, rules):
        return True
    short, long = sorted((x.split(), y.split()), key=len)
    return any(long[i : i + len(short)] == short for i in range(len(long) - len(short) + 1))


def _context_drafts(
    mentions: Sequence[Mention],
    articles: Sequence[Article],
    settings: CompareSettings,
    known: Sequence[_Draft],
) -> list[_Draft]:
    """Numbers, dates and places that fill the same slot of nearly the same sentence in two
    articles (see ``compare_context``), unless a keyed finding already says the same of them.

    Places only ever disagree here (an agreement on a place name is no news), and only when
    the word before them is the same ("struck near X" against "struck near Y").
    """
    reader = ContextReader(articles)
    together: dict[bool, set[tuple[Mention, Mention]]] = {True: set(), False: set()}
    for draft in known:
        evidence = [m for v in draft.values for m in v.evidence]
        together[draft.kind == "agree"].update((m, n) for m in evidence for n in evidence)
    rules = _name_rules(settings)

    def same_place_role(a: Mention, b: Mention) -> bool:
        ca, cb = reader.context(a), reader.context(b)
        return ca is not None and cb is not None and ca.before == cb.before and bool(ca.before)

    number_rule = PairRule(
        settings.context_min_sentence,
        settings.context_min_local,
        settings.context_min_words,
        lambda a, b: _thing_head(a) == _thing_head(b) and not _events_differ(a, b),
    )
    date_rule = PairRule(
        settings.context_min_sentence,
        settings.context_min_local,
        settings.context_min_words,
        lambda a, b: True,
    )
    place_rule = PairRule(
        settings.context_min_sentence_place,
        settings.context_min_local,
        settings.context_min_words,
        same_place_role,
    )
    overlap = _RangesOverlap(settings)
    drafts: list[_Draft] = []
    for kinds, rule, test in (
        (("number",), number_rule, overlap),
        (("date",), date_rule, _dates_compatible),
        (("place",), place_rule, lambda a, b: _places_compatible(a, b, rules)),
    ):
        chosen = [m for m in mentions if m.kind in kinds]
        for a, b in same_slot_pairs(chosen, reader, rule):
            # Skip what a key already concluded; but a clash inside an agreement stays news:
            # "Saturday 20 May" / "Monday 20 May" agree on the date, not on the weekday.
            if (a, b) in together[test(a, b)]:
                continue
            if kinds == ("place",) and test(a, b):
                continue
            if kinds == ("number",) and not _ages_comparable(a, b):
                continue
            label = {m: _number_label(m) for m in (a, b)} if kinds == ("number",) else None
            drafts += _split(reader.frame(a), (a, b), test, label)
    return drafts


def _quote_drafts(mentions: Sequence[Mention], settings: CompareSettings) -> list[_Draft]:
    quotes = [m for m in mentions if m.kind == "quote"]
    drafts = []
    for members in group_by_words(
        quotes, settings.quote_min_words, settings.quote_min_partial_ratio
    ):
        if len({m.article_id for m in members}) >= 2:
            topic = min((m.value for m in members), key=lambda v: (len(v), v))
            drafts.append(_Draft("agree", topic, _values(members)))
    return drafts


def _name_rules(settings: CompareSettings) -> NameRules:
    return NameRules(
        settings.name_min_ratio, settings.name_prefix_min_chars, settings.name_prefix_max_extra
    )


def _name_drafts(mentions: Sequence[Mention], settings: CompareSettings) -> list[_Draft]:
    rules = _name_rules(settings)
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


def finding_id_of(story_id: str, kind: str, topic: str) -> str:
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
    keyed = [*_date_drafts(ordered), *_number_drafts(ordered, settings)]
    drafts = [
        *keyed,
        *_context_drafts(ordered, list(by_id.values()), settings, keyed),
        *_quote_drafts(ordered, settings),
        *_name_drafts(ordered, settings),
    ]
    drafts.sort(key=lambda d: (_KIND_ORDER[d.kind], d.topic, [v.value for v in d.values]))
    findings = []
    seen: set[str] = set()
    for draft in drafts:
        finding_id = finding_id_of(story.id, draft.kind, draft.topic)
        n = 1
        while finding_id in seen:  # two groups with one topic: keep ids distinct and stable
            n += 1
            finding_id = finding_id_of(story.id, draft.kind, f"{draft.topic}#{n}")
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
