"""Name variants: one person, organisation or place spelled differently by different sources.

The danger is calling two people one ("John Smith", "Jane Smith"), so a variant must differ in
exactly one word, and that word must differ the way a misspelling or an adjectival form
does, not the way two names do:

- one edit in a word of at least four letters, but a substitution only in words of six or
  more, and never a vowel added or changed at the end ("Eric"/"Erica", "Christina"/
  "Christine", "Petrov"/"Petrova" are different people);
- two edits only in words of nine letters or more;
- or, when the last word (the head, "Network") is the same, a shorter word that is a prefix of
  at least five letters of the longer one, a few letters shorter ("Russia"/"Russian");
- or a first name and its short form before one surname ("Sam"/"Samuel Dalembert").

A last word that is a prefix of the other ("West German"/"West Germany") is an adjective and
its country: the same thing, not a spelling variant.

On top of that the whole names must stay close (rapidfuzz ratio). Case, punctuation and
typographic differences are not variants at all: "YouTube" and "Youtube" are one spelling.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Levenshtein

from .model import Mention

_VOWELS = frozenset("aeiou")
_NON_ALNUM = re.compile(r"[^\w\s]+")
_SPACE = re.compile(r"\s+")
NAME_KINDS = frozenset({"person", "org", "place"})


@dataclass(frozen=True, slots=True)
class NameRules:
    """Thresholds for name variants (taken from ``CompareSettings``)."""

    min_ratio: float
    prefix_min_chars: int
    prefix_max_extra: int


@dataclass(frozen=True, slots=True)
class Spelling:
    """All mentions of one spelling: ``form`` is its most frequent surface form."""

    key: str
    form: str
    mentions: tuple[Mention, ...]


@dataclass(frozen=True, slots=True)
class VariantGroup:
    """Spellings judged to name the same thing; ``spellings[0]`` is the canonical one."""

    spellings: tuple[Spelling, ...]


def spelling_key(value: str) -> str:
    """What counts as the same spelling: case-folded, punctuation dropped, spaces collapsed."""
    return _SPACE.sub(" ", _NON_ALNUM.sub("", value.casefold())).strip()


def _end_vowel_edit(a: str, b: str) -> bool:
    """True when a and b differ only by a vowel added, dropped or changed at the end."""
    short, long = sorted((a, b), key=len)
    if len(long) == len(short) + 1 and long.startswith(short):
        return long[-1] in _VOWELS
    if len(a) == len(b) and a[:-1] == b[:-1]:
        return a[-1] in _VOWELS or b[-1] in _VOWELS
    return False


def _word_variant(a: str, b: str) -> bool:
    """True when two different words look like one word misspelled."""
    shortest = min(len(a), len(b))
    if shortest < 4 or _end_vowel_edit(a, b):
        return False
    distance = Levenshtein.distance(a, b)
    if distance == 1:
        return shortest >= 6 or abs(len(a) - len(b)) == 1
    if OSA.distance(a, b) == 1:
        return shortest >= 5  # a swap of two neighbouring letters
    return distance == 2 and shortest >= 9


def _short_first_name(a: str, b: str) -> bool:
    """ "Sam"/"Samuel", "Lou"/"Louis", "Stan"/"Stanley": a first name and its short form (a
    prefix of three letters or more, at most three letters shorter, not a vowel ending)."""
    short, long = sorted((a, b), key=len)
    return (
        len(short) >= 3
        and long.startswith(short)
        and 0 < len(long) - len(short) <= 3
        and not _end_vowel_edit(a, b)
    )


def _prefix_variant(a: str, b: str, rules: NameRules) -> bool:
    short, long = sorted((a, b), key=len)
    return (
        len(short) >= rules.prefix_min_chars
        and long.startswith(short)
        and len(long) - len(short) <= rules.prefix_max_extra
    )


def is_variant(a: str, b: str, rules: NameRules) -> bool:
    """True when spelling keys a and b (already different) name the same thing."""
    words_a, words_b = a.split(), b.split()
    if len(words_a) != len(words_b) or fuzz.ratio(a, b) < rules.min_ratio:
        return False
    differing = [i for i, (x, y) in enumerate(zip(words_a, words_b, strict=True)) if x != y]
    if len(differing) != 1:
        return False
    i = differing[0]
    x, y = words_a[i], words_b[i]
    if _end_vowel_edit(x, y):
        return False  # "Helen"/"Helena", "Petrov"/"Petrova": two people
    if i == len(words_a) - 1 and len(words_a) > 1 and _prefix_variant(x, y, rules):
        return False  # "West German"/"West Germany": an adjective and its country, not a typo
    if i == 0 and len(words_a) > 1 and _short_first_name(x, y):
        return True  # "Sam Dalembert"/"Samuel Dalembert": one person, short first name
    if len(words_a) == 1:  # "Russia"/"Russian" name two things; a one-word typo needs length
        prefix = x.startswith(y) or y.startswith(x)
        return not prefix and min(len(x), len(y)) >= 6 and _word_variant(x, y)
    if i < len(words_a) - 1 and _prefix_variant(x, y, rules):
        return True
    return _word_variant(x, y)


def _spellings(mentions: Sequence[Mention]) -> list[Spelling]:
    by_key: dict[str, list[Mention]] = {}
    for mention in mentions:
        by_key.setdefault(spelling_key(mention.value), []).append(mention)
    spellings = []
    for key, group in by_key.items():
        counts: dict[str, int] = {}
        for mention in group:
            counts[mention.value] = counts.get(mention.value, 0) + 1
        form = min(counts, key=lambda v: (-counts[v], v))
        ordered = tuple(sorted(group, key=lambda m: (m.article_id, m.start, m.end)))
        spellings.append(Spelling(key, form, ordered))
    return spellings


def find_variant_groups(mentions: Sequence[Mention], rules: NameRules) -> list[VariantGroup]:
    """Groups of two or more spellings of one name, used by at least two articles.

    Grouping is greedy against each group's canonical spelling (the most used one), not
    transitive, so a chain of small differences never joins two unrelated names.
    """
    spellings = _spellings([m for m in mentions if m.kind in NAME_KINDS and m.value])
    spellings.sort(
        key=lambda s: (-len(s.mentions), -len({m.article_id for m in s.mentions}), s.key)
    )
    groups: list[list[Spelling]] = []
    for spelling in spellings:
        for group in groups:
            if is_variant(group[0].key, spelling.key, rules):
                group.append(spelling)
                break
        else:
            groups.append([spelling])
    result = []
    for group in groups:
        articles = {m.article_id for s in group for m in s.mentions}
        if len(group) >= 2 and len(articles) >= 2:
            result.append(VariantGroup(tuple(group)))
    return result
