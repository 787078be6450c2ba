"""Which quotes (and reported claims) of a story are the same words, whoever carries them.

Outlets trim a quotation, join two of its sentences or drop a clause, so "the same words" is
near-containment: the shorter text, of at least ``min_words`` words, shares at least half of
its distinct words with the longer one and lies inside it at a rapidfuzz ``partial_ratio`` of
at least ``min_ratio`` (containment scores 100). Short texts never match: two- and three-word
phrases ("cannot be ignored") recur in unrelated quotes.

Grouping is first-fit in the mentions' order: each mention joins the first group whose first
member it matches, else starts a group. A story of thousands of articles holds thousands of
quotes, and comparing each with every group would take minutes, so candidates come from two
word indexes that cannot miss a match (the word-share condition is part of the rule):

- when the new text is the shorter, a group matches only if its head holds at least half of
  the new text's words, so it holds one of any ``n - ceil(n/2) + 1`` of them: the head index
  is looked up for that many of the new text's rarest words;
- when the head is the shorter, it holds one of the new text's words among any
  ``m - ceil(m/2) + 1`` of its own ``m`` words: each head is indexed under that many of its
  longest words, looked up for every word of the new text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz

from .model import Mention

_WORDS = re.compile(r"\w+")


def _needed(words: frozenset[str]) -> int:
    """How many of ``words`` another text must hold: at least half."""
    return (len(words) + 1) // 2


def same_words(a: str, b: str, min_words: int, min_ratio: float) -> bool:
    """True when the shorter text (``min_words`` words or more) lies (nearly) inside the other."""
    first, second = _Text(a), _Text(b)
    return first.matches(second, min_words, min_ratio)


class _Text:
    """A text with what the rule reads of it, computed once: its words and their count."""

    __slots__ = ("count", "text", "words")

    def __init__(self, text: str) -> None:
        found = _WORDS.findall(text)
        self.text = text
        self.count = len(found)
        self.words = frozenset(w.casefold() for w in found)

    def matches(self, other: _Text, min_words: int, min_ratio: float) -> bool:
        """:func:`same_words` of this text (first) and ``other``."""
        short, long = (other, self) if len(other.text) < len(self.text) else (self, other)
        if short.count < min_words or len(short.words & long.words) < _needed(short.words):
            return False
        if f" {short.text} " in f" {long.text} ":
            return True
        return fuzz.partial_ratio(short.text, long.text) >= min_ratio


def group_by_words(
    mentions: Iterable[Mention], min_words: int, min_ratio: float
) -> list[list[Mention]]:
    """Mentions grouped by :func:`same_words` on their values, first fit, in input order.

    The same groups as comparing each mention with every group's first member in turn
    (tests/test_statements.py checks it against that plain loop; bench/statements.py times
    both)."""
    groups: list[list[Mention]] = []
    heads: list[_Text] = []
    holding: dict[str, list[int]] = {}  # word -> groups whose head holds it
    sampled: dict[str, list[int]] = {}  # word -> groups whose head is indexed under it
    for mention in mentions:
        new = _Text(mention.value)
        words = new.words
        # Groups that could hold half of this text's words: one of its rarest words at least.
        rarest = sorted(words, key=lambda w: (len(holding.get(w, ())), w))
        candidates: set[int] = set()
        for word in rarest[: len(words) - _needed(words) + 1]:
            candidates.update(holding.get(word, ()))
        # Groups whose head could have half of its words in this text.
        for word in words:
            candidates.update(sampled.get(word, ()))
        chosen = next(
            (g for g in sorted(candidates) if heads[g].matches(new, min_words, min_ratio)), -1
        )
        if chosen >= 0:
            groups[chosen].append(mention)
            continue
        number = len(groups)
        groups.append([mention])
        heads.append(new)
        for word in words:
            holding.setdefault(word, []).append(number)
        longest = sorted(words, key=lambda w: (-len(w), w))
        for word in longest[: len(words) - _needed(words) + 1]:
            sampled.setdefault(word, []).append(number)
    return groups
