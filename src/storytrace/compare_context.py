"""Same statement, different value: pairing mentions by the sentence they sit in.

Keys (the counted thing and event of a number, the subject and verb of a date) often come out
empty or worded apart, yet two outlets that tell the same thing mostly tell it in nearly the
same sentence: "killing at least 10 people" against "killing at least 27 people". So a number,
date or place of one article is paired with one of another article when

- their sentences share most of their content words (Jaccard over words other than numbers,
  the mention itself and function words), and
- the words right around them are the same (what the value fills in the sentence),

and each mention is paired with at most one mention per other article (the mutual best
match). The pairing decides only *that* two values are about the same slot; the compare stage
then says agree or disagree. Explicit years in the sentences must not differ ("the 2003 quake
killed ..." is not the same statement as "the quake killed ..." with another year), which
keeps a story's history apart from its news.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from .facts_names import wordset
from .model import Article, Mention

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_SENTENCE_BREAK = re.compile(r"\n+|(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z])")
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
_NUMBER_WORDS = wordset(
    """
    zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty
    ninety hundred thousand million billion trillion dozen bn mn"""
)
_FUNCTION_WORDS = wordset(
    """
    a an the of in on at to for from by with and or but as that this these those it its is
    was were are be been being has have had will would could should can may might do does
    did not no so than then there their his her he she they we you i who which what when
    where while after before about into over under up out some all any each more most other
    also just only very said says say told according"""
)
LOCAL_WORDS = 3


@dataclass(frozen=True, slots=True)
class Context:
    """What a mention's sentence says around it: content words, neighbours, explicit years."""

    words: frozenset[str]
    local: frozenset[tuple[str, int]]
    years: frozenset[str]
    before: str


class ContextReader:
    """Contexts of mentions, reading each article's text once (sentences found by a regex:
    the compare stage has no segmentation, and only sentence-level words are needed)."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self._texts = {a.id: a.text for a in articles}
        self._starts: dict[str, list[int]] = {}
        self._cache: dict[Mention, Context | None] = {}

    def _sentence(self, article_id: str, start: int, end: int) -> tuple[int, int] | None:
        text = self._texts.get(article_id, "")
        if not text or end > len(text):
            return None
        starts = self._starts.get(article_id)
        if starts is None:
            starts = [0, *(m.end() for m in _SENTENCE_BREAK.finditer(text))]
            self._starts[article_id] = starts
        k = bisect_right(starts, start) - 1
        s_end = starts[k + 1] if k + 1 < len(starts) else len(text)
        return starts[k], max(s_end, end)

    def frame(self, mention: Mention) -> str:
        """A readable topic: the words around the mention with "…" for its value."""
        bounds = self._sentence(mention.article_id, mention.start, mention.end)
        if bounds is None:
            return mention.value
        text = self._texts[mention.article_id]
        left = _WORD.findall(text[bounds[0] : mention.start])[-LOCAL_WORDS:]
        right = _WORD.findall(text[mention.end : bounds[1]])[:LOCAL_WORDS]
        return " ".join([*left, "…", *right]).casefold()

    def context(self, mention: Mention) -> Context | None:
        """The mention's context, or None when its article's text is not at hand."""
        if mention in self._cache:
            return self._cache[mention]
        bounds = self._sentence(mention.article_id, mention.start, mention.end)
        found: Context | None = None
        if bounds is not None:
            text = self._texts[mention.article_id]
            left = [w.casefold() for w in _WORD.findall(text[bounds[0] : mention.start])]
            right = [w.casefold() for w in _WORD.findall(text[mention.end : bounds[1]])]
            found = _make_context(left, right)
        self._cache[mention] = found
        return found


def _is_number(word: str) -> bool:
    return word[:1].isdigit() or word in _NUMBER_WORDS


def _make_context(left: list[str], right: list[str]) -> Context:
    words = frozenset(w for w in (*left, *right) if not _is_number(w) and w not in _FUNCTION_WORDS)
    near_left = [w for w in left if not _is_number(w)][-LOCAL_WORDS:]
    near_right = [w for w in right if not _is_number(w)][:LOCAL_WORDS]
    local = frozenset(
        [(w, -(len(near_left) - i)) for i, w in enumerate(near_left)]
        + [(w, i + 1) for i, w in enumerate(near_right)]
    )
    years = frozenset(w for w in (*left, *right) if _YEAR.match(w))
    return Context(words, local, years, left[-1] if left else "")


_T = TypeVar("_T")


def jaccard(a: frozenset[_T], b: frozenset[_T]) -> float:
    """Shared over all: 1.0 for the same set, 0.0 for disjoint (or two empty) sets."""
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True, slots=True)
class PairRule:
    """When two mentions count as the same slot: both similarities at least these, and
    ``same`` (a kind-specific test, e.g. the same counted thing) true."""

    min_sentence: float
    min_local: float
    min_content_words: int
    same: Callable[[Mention, Mention], bool]


def same_slot_pairs(
    mentions: Sequence[Mention], reader: ContextReader, rule: PairRule
) -> list[tuple[Mention, Mention]]:
    """Mutual-best pairs (a, b) of mentions of different articles that fill the same slot."""
    contexts = {m: reader.context(m) for m in mentions}
    by_article: dict[str, list[Mention]] = {}
    for m in mentions:
        if contexts[m] is not None:
            by_article.setdefault(m.article_id, []).append(m)
    ids = sorted(by_article)
    # Two mentions can only pair when their local contexts share a word at the same offset
    # (min_local > 0), so each article's mentions are indexed by those (word, offset) items
    # and only mentions sharing one are scored: the same pairs as scoring all of them.
    by_local: dict[str, dict[tuple[str, int], list[Mention]]] = {}
    for article_id, members in by_article.items():
        index = by_local.setdefault(article_id, {})
        for m in members:
            cm = contexts[m]
            assert cm is not None
            for item in cm.local:
                index.setdefault(item, []).append(m)
    pairs: list[tuple[Mention, Mention]] = []
    for x, a in enumerate(ids):
        for b in ids[x + 1 :]:
            scored: list[tuple[float, Mention, Mention]] = []
            index_b = by_local[b]
            for m in by_article[a]:
                cm = contexts[m]
                assert cm is not None
                candidates: dict[Mention, None] = {}
                if rule.min_local <= 0:  # the index proves nothing then: score them all
                    candidates = dict.fromkeys(by_article[b])
                for item in cm.local:
                    candidates.update(dict.fromkeys(index_b.get(item, ())))
                for n in candidates:
                    cn = contexts[n]
                    assert cn is not None
                    score = _score(cm, cn, rule)
                    if score is not None and rule.same(m, n):
                        scored.append((score, m, n))
            scored.sort(key=lambda s: (-s[0], s[1].start, s[2].start))
            used: set[Mention] = set()
            for _, m, n in scored:
                if m not in used and n not in used:
                    used.update((m, n))
                    pairs.append((m, n))
    return pairs


def _score(a: Context, b: Context, rule: PairRule) -> float | None:
    if a.years != b.years:
        return None  # "in 2003" on one side only, or other years: another event's figure
    if min(len(a.words), len(b.words)) < rule.min_content_words:
        return None  # too short a sentence to tell the slot
    sentence = jaccard(a.words, b.words)
    local = jaccard(a.local, b.local)
    if sentence < rule.min_sentence or local < rule.min_local:
        return None
    return sentence + local
