"""Word view of an article, hashed word n-grams, and the token-level alignment of two articles.

The reuse stage compares articles on their *words* only: punctuation, quote style and number
grouping differ between outlets that copy the same text, so they must not break a match. Every
hash here is computed from a fixed, unkeyed hash (blake2b) and fixed arithmetic mod 2**64, so
fingerprints written by one machine are found by another.

Alignment works from exact seeds (shared n-grams) rather than a full dynamic programme over
both texts: seeds on one diagonal form maximal matching runs, and runs separated by a few
changed, inserted or deleted words are chained into one passage. That is linear in the number
of shared n-grams, which is small for any pair that is not a near duplicate.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from hashlib import blake2b
from itertools import compress
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .model import Passage, ReuseKind, ReuseLink, Segmentation
from .segment import token_columns

if TYPE_CHECKING:
    from .reuse import ReuseSettings

IntArray = npt.NDArray[np.int64]

# Odd 64-bit multipliers: the polynomial base of the rolling hash and the splitmix64 finalizer
# (the finalizer spreads the bits so that "minimum hash in a window" is an unbiased choice).
_BASE = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_DIGIT_GROUPING = re.compile(r"(?<=\d),(?=\d)")
# A passage may end on the sentence mark that follows its last word when both texts have it.
_SENTENCE_END = frozenset({".", "!", "?"})
# Past a passage's last seed, a run this long after a small gap still belongs to it; shorter
# runs only when they take the passage to the end of both sentences.
_MIN_TAIL_RUN = 3
# Most changed words at either edge of a passage taken in to reach a shared sentence boundary.
_MAX_CHANGED_EDGE = 2


@lru_cache(maxsize=1 << 17)
def word_form(norm: str) -> str | None:
    """The form a token is compared on in reuse, or None for punctuation.

    ``1,000`` and ``1000`` are one number, ``U.S`` and ``US`` one name: outlets restyle both
    when they copy.
    """
    if not any(ch.isalnum() for ch in norm):
        return None
    if norm[0].isdigit():
        return _DIGIT_GROUPING.sub("", norm)
    return norm.replace(".", "")


@lru_cache(maxsize=1 << 17)
def token_hash(form: str) -> int:
    """A stable 64-bit hash of one word form (never Python's salted ``hash``)."""
    return int.from_bytes(blake2b(form.encode("utf-8"), digest_size=8).digest(), "little")


@dataclass(frozen=True, slots=True)
class Words:
    """The word tokens of one article as plain arrays: what alignment compares, where each word
    sits, and the sentence edges around it.

    No token objects, so an article prepared in another process crosses back cheaply.
    ``keys`` are the words' hashes as Python ints, compared in place of the forms (two distinct
    forms share a 64-bit hash with odds of about 2**-64). ``closing[k]`` is the code of the
    sentence mark (".", "!" or "?") right after word k with no space between, 0 if none;
    ``opens[k]`` is 1 when word k opens a sentence (an opening quote mark before it allowed).
    """

    article_id: str
    keys: list[int]
    starts: IntArray
    ends: IntArray
    hashes: npt.NDArray[np.uint64]
    closing: bytes
    opens: bytes

    def __len__(self) -> int:
        return len(self.keys)


def words_of(segmentation: Segmentation) -> Words:
    """Word view of a segmentation; punctuation tokens are skipped."""
    starts, ends, norms = token_columns(segmentation.tokens)
    every = list(map(word_form, norms))
    # A form is never empty, so "not None" is truthiness: both filters run in C.
    positions = list(compress(range(len(every)), every))
    count = len(positions)
    hashes = np.fromiter(map(token_hash, filter(None, every)), np.uint64, count)

    def word_at(token: int) -> int:
        """The word that token ``token`` is, or -1 (punctuation or out of range)."""
        word = bisect_left(positions, token)
        return word if word < count and positions[word] == token else -1

    closing = bytearray(count)
    # A mark token is one character, right after its word when it starts where the word ends.
    for mark in compress(range(len(norms)), map(_SENTENCE_END.__contains__, norms)):
        word = word_at(mark - 1)
        if word >= 0 and starts[mark] == ends[mark - 1]:
            closing[word] = ord(norms[mark])
    opens = bytearray(count)
    for start in {0, *(sentence.start for sentence in segmentation.sentences)}:
        token = bisect_left(starts, start)  # the token a sentence starts with
        if token >= len(norms) or (starts[token] != start and token > 0):
            continue
        word = word_at(token)
        if word < 0 and norms[token] == '"':
            word = word_at(token + 1)
        if word >= 0:
            opens[word] = 1
    take = np.array(positions, dtype=np.int64)
    return Words(
        article_id=segmentation.article_id,
        keys=hashes.tolist(),
        starts=np.array(starts, dtype=np.int64)[take],
        ends=np.array(ends, dtype=np.int64)[take],
        hashes=hashes,
        closing=bytes(closing),
        opens=bytes(opens),
    )


def ngram_hashes(words: Words, n: int) -> IntArray:
    """64-bit hash of every run of ``n`` consecutive words (index = first word), as int64.

    A polynomial over the per-word hashes mod 2**64 (numpy's uint64 arithmetic wraps), then a
    splitmix64 finalizer.
    """
    count = len(words) - n + 1
    if count <= 0:
        return np.zeros(0, dtype=np.int64)
    token = words.hashes
    acc = np.zeros(count, dtype=np.uint64)
    for k in range(n):
        acc = acc * _BASE + token[k : k + count]
    acc ^= acc >> np.uint64(30)
    acc *= _MIX1
    acc ^= acc >> np.uint64(27)
    acc *= _MIX2
    acc ^= acc >> np.uint64(31)
    return acc.view(np.int64)


@dataclass(frozen=True, slots=True)
class _Run:
    """``length`` words equal in both articles, from word ``i`` of a and word ``j`` of b."""

    i: int
    j: int
    length: int


@dataclass(slots=True)
class _Chain:
    runs: list[_Run]

    @property
    def i_start(self) -> int:
        return self.runs[0].i

    @property
    def j_start(self) -> int:
        return self.runs[0].j

    @property
    def i_end(self) -> int:
        return self.runs[-1].i + self.runs[-1].length

    @property
    def j_end(self) -> int:
        return self.runs[-1].j + self.runs[-1].length


def _seed_runs(ha: IntArray, hb: IntArray, n: int, max_repeat: int) -> list[_Run]:
    """Maximal runs of equal words, found from the n-grams the two articles share.

    An n-gram repeated more than ``max_repeat`` times inside one article is boilerplate (a
    dateline, a sign-off) and seeds nothing.
    """
    if len(ha) == 0 or len(hb) == 0:
        return []
    values_a, counts_a = np.unique(ha, return_counts=True)
    frequent = values_a[counts_a > max_repeat]
    order = np.argsort(hb, kind="stable")
    sorted_b = hb[order]
    lo = np.searchsorted(sorted_b, ha, side="left")
    hi = np.searchsorted(sorted_b, ha, side="right")
    count = hi - lo
    keep = (count > 0) & (count <= max_repeat) & ~np.isin(ha, frequent)
    if not keep.any():
        return []
    kept_count = count[keep]
    i_idx = np.repeat(np.flatnonzero(keep), kept_count)
    first = np.repeat(np.cumsum(kept_count) - kept_count, kept_count)
    j_idx = order[np.repeat(lo[keep], kept_count) + (np.arange(len(i_idx)) - first)]
    diagonal = j_idx - i_idx
    sort = np.lexsort((i_idx, diagonal))
    i_idx, diagonal = i_idx[sort], diagonal[sort]
    breaks = np.flatnonzero((np.diff(diagonal) != 0) | (np.diff(i_idx) != 1)) + 1
    run_first = np.concatenate(([0], breaks))
    run_last = np.concatenate((breaks - 1, [len(i_idx) - 1]))
    runs = [
        _Run(int(i_idx[f]), int(i_idx[f] + diagonal[f]), int(i_idx[last] - i_idx[f]) + n)
        for f, last in zip(run_first, run_last, strict=True)
    ]
    runs.sort(key=lambda r: (r.i, r.j))
    return runs


def _chain_runs(runs: list[_Run], max_gap: int) -> list[_Chain]:
    """Chain runs that follow each other in both articles with at most ``max_gap`` words between.

    Runs come sorted by position in a; each joins the open chain it continues most closely
    (overlapping words are trimmed off its front), or starts a chain of its own.
    """
    chains: list[_Chain] = []
    for run in runs:
        best: tuple[int, int, _Run] | None = None
        absorbed = False
        for number, chain in enumerate(chains):
            overlap = max(chain.i_end - run.i, chain.j_end - run.j, 0)
            if overlap >= run.length:
                if run.i >= chain.i_start and run.j >= chain.j_start:
                    absorbed = True
                    break
                continue
            trimmed = _Run(run.i + overlap, run.j + overlap, run.length - overlap)
            gap_a = trimmed.i - chain.i_end
            gap_b = trimmed.j - chain.j_end
            if gap_a > max_gap or gap_b > max_gap:
                continue
            cost = gap_a + gap_b
            if best is None or cost < best[0]:
                best = (cost, number, trimmed)
        if absorbed:
            continue
        if best is None:
            chains.append(_Chain([run]))
        else:
            chains[best[1]].runs.append(best[2])
    return chains


def _common_words(a: Sequence[int], b: Sequence[int]) -> int:
    """Length of the longest common subsequence of two short word lists (the gap between runs)."""
    if not a or not b:
        return 0
    previous = [0] * (len(b) + 1)
    for word in a:
        current = [0]
        for k, other in enumerate(b):
            current.append(previous[k] + 1 if word == other else max(previous[k + 1], current[k]))
        previous = current
    return previous[-1]


def _closing_mark(words: Words, last: int) -> int:
    """The code of the sentence mark right after word ``last`` (no space between), else 0."""
    return words.closing[last] if last >= 0 else 0


def _same_sentence_end(a: Words, last_a: int, b: Words, last_b: int) -> bool:
    mark = _closing_mark(a, last_a)
    return mark != 0 and mark == _closing_mark(b, last_b)


def _sentence_initial(words: Words, first: int) -> bool:
    """Whether word ``first`` opens a sentence, an opening quote mark before it allowed."""
    return 0 <= first < len(words) and words.opens[first] == 1


def _run_length(a: Words, i: int, b: Words, j: int) -> int:
    """Number of equal words from word ``i`` of a and word ``j`` of b on."""
    k = 0
    while i + k < len(a) and j + k < len(b) and a.keys[i + k] == b.keys[j + k]:
        k += 1
    return k


def _run_length_back(a: Words, i: int, b: Words, j: int) -> int:
    """Number of equal words ending just before word ``i`` of a and word ``j`` of b."""
    k = 0
    while i - k > 0 and j - k > 0 and a.keys[i - k - 1] == b.keys[j - k - 1]:
        k += 1
    return k


@dataclass(slots=True)
class _Bounds:
    """Word ranges ``[i0, i1)`` of a and ``[j0, j1)`` of b, and how many words match."""

    i0: int
    i1: int
    j0: int
    j1: int
    matched: int


def _extend_forward(a: Words, b: Words, bounds: _Bounds, max_gap: int) -> None:
    """Take in what n-gram seeds cannot see after a passage: a run of fewer than n words past a
    small gap, or changed last words up to where both sentences end on the same mark."""
    while True:
        best: tuple[int, int, int] | None = None
        for gap_a in range(max_gap + 1):
            for gap_b in range(max_gap + 1):
                if gap_a == gap_b == 0:
                    continue
                k = _run_length(a, bounds.i1 + gap_a, b, bounds.j1 + gap_b)
                if k >= _MIN_TAIL_RUN and (best is None or k - gap_a - gap_b > best[0]):
                    best = (k - gap_a - gap_b, gap_a, gap_b)
        if best is None:
            break
        _score, gap_a, gap_b = best
        k = _run_length(a, bounds.i1 + gap_a, b, bounds.j1 + gap_b)
        bounds.i1, bounds.j1 = bounds.i1 + gap_a + k, bounds.j1 + gap_b + k
        bounds.matched += k
    if _same_sentence_end(a, bounds.i1 - 1, b, bounds.j1 - 1):
        return
    for total in range(1, 2 * _MAX_CHANGED_EDGE + 1):
        for gap_a in range(max(0, total - _MAX_CHANGED_EDGE), min(total, _MAX_CHANGED_EDGE) + 1):
            gap_b = total - gap_a
            last_a, last_b = bounds.i1 + gap_a - 1, bounds.j1 + gap_b - 1
            if last_a < len(a) and last_b < len(b) and _same_sentence_end(a, last_a, b, last_b):
                bounds.i1, bounds.j1 = last_a + 1, last_b + 1
                return


def _extend_backward(a: Words, b: Words, bounds: _Bounds, max_gap: int) -> None:
    """The mirror of :func:`_extend_forward` before a passage, up to where both sentences open."""
    while True:
        best: tuple[int, int, int] | None = None
        for gap_a in range(max_gap + 1):
            for gap_b in range(max_gap + 1):
                if gap_a == gap_b == 0:
                    continue
                if bounds.i0 - gap_a < 0 or bounds.j0 - gap_b < 0:
                    continue
                k = _run_length_back(a, bounds.i0 - gap_a, b, bounds.j0 - gap_b)
                if k >= _MIN_TAIL_RUN and (best is None or k - gap_a - gap_b > best[0]):
                    best = (k - gap_a - gap_b, gap_a, gap_b)
        if best is None:
            break
        _score, gap_a, gap_b = best
        k = _run_length_back(a, bounds.i0 - gap_a, b, bounds.j0 - gap_b)
        bounds.i0, bounds.j0 = bounds.i0 - gap_a - k, bounds.j0 - gap_b - k
        bounds.matched += k
    if _sentence_initial(a, bounds.i0) and _sentence_initial(b, bounds.j0):
        return
    for total in range(1, 2 * _MAX_CHANGED_EDGE + 1):
        for gap_a in range(max(0, total - _MAX_CHANGED_EDGE), min(total, _MAX_CHANGED_EDGE) + 1):
            gap_b = total - gap_a
            first_a, first_b = bounds.i0 - gap_a, bounds.j0 - gap_b
            if _sentence_initial(a, first_a) and _sentence_initial(b, first_b):
                bounds.i0, bounds.j0 = first_a, first_b
                return


def _chain_bounds(a: Words, b: Words, chain: _Chain) -> _Bounds:
    matched = chain.runs[0].length
    for before, after in zip(chain.runs, chain.runs[1:], strict=False):
        gap_a = a.keys[before.i + before.length : after.i]
        gap_b = b.keys[before.j + before.length : after.j]
        matched += after.length + _common_words(gap_a, gap_b)
    return _Bounds(chain.i_start, chain.i_end, chain.j_start, chain.j_end, matched)


def align(
    a: Words, ha: IntArray, b: Words, hb: IntArray, settings: ReuseSettings
) -> list[ReuseLink]:
    """Passages shared by articles ``a`` and ``b`` (``ha``/``hb``: their n-gram hashes).

    Callers pass the two articles in a fixed order (by id), so the result never depends on
    which of the two arrived first.
    """
    runs = _seed_runs(ha, hb, settings.ngram_words, settings.max_seed_repeat)
    links: list[ReuseLink] = []
    for chain in _chain_runs(runs, settings.max_gap_words):
        bounds = _chain_bounds(a, b, chain)
        # Only what the seeds found decides whether a passage is reuse; the edges are then
        # extended, so a stock five-word phrase cannot grow into a passage.
        if min(bounds.i1 - bounds.i0, bounds.j1 - bounds.j0) < settings.min_words:
            continue
        _extend_forward(a, b, bounds, settings.max_gap_words)
        _extend_backward(a, b, bounds, settings.max_gap_words)
        length_a, length_b = bounds.i1 - bounds.i0, bounds.j1 - bounds.j0
        end_a, end_b = int(a.ends[bounds.i1 - 1]), int(b.ends[bounds.j1 - 1])
        if _same_sentence_end(a, bounds.i1 - 1, b, bounds.j1 - 1):
            end_a, end_b = end_a + 1, end_b + 1  # the mark is one character
        verbatim = bounds.matched == length_a == length_b
        kind: ReuseKind = "verbatim" if verbatim else "edited"
        links.append(
            ReuseLink(
                a=Passage(a.article_id, int(a.starts[bounds.i0]), end_a),
                b=Passage(b.article_id, int(b.starts[bounds.j0]), end_b),
                similarity=round(bounds.matched / max(length_a, length_b), 4),
                kind=kind,
            )
        )
    return links
