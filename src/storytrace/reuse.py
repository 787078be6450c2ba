"""Reuse stage: passages shared between articles, exact spans, families and their origin.

Algorithm ``reuse.winnow.v2`` (MOSS / Passim style; v2: two shared fingerprints per pair, from
windows of two n-grams, where v1 aligned on one from windows of four):

1. each article's word tokens (punctuation skipped, number grouping and dots dropped, see
   :func:`storytrace.reuse_align.word_form`) are hashed as overlapping word n-grams;
2. winnowing keeps the minimum hash of every window of ``winnow_window`` n-grams, which
   guarantees that any shared run of ``ngram_words + 2 * winnow_window - 1`` words yields at
   least two shared fingerprints while storing only a fraction of the n-grams;
3. the :class:`FingerprintIndex` answers which articles hold a fingerprint; fingerprints held
   by more than ``max_df`` articles are common phrases, not reuse, and are ignored;
4. an article sharing ``min_shared_fingerprints`` or more with another is aligned with it word
   by word (:mod:`storytrace.reuse_align`) to exact character spans.

Families join the linked passages (overlapping passages of one article are one passage), say
whether they are a speaker's quote or copied text, and name the origin only when every
article's date is known: an unknown date could be the earliest, so it never is guessed.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from hashlib import blake2b
from typing import Protocol

import numpy as np
import numpy.typing as npt

from .model import Article, Family, FamilyKind, Passage, ReuseLink, Segmentation
from .reuse_align import Words, align, ngram_hashes, words_of


@dataclass(frozen=True, slots=True)
class ReuseSettings:
    """Options of the reuse stage (defaults measured on the reuse-synthetic set)."""

    # Words per hashed n-gram; shorter n-grams find more short copies and more noise.
    ngram_words: int = 5
    # n-grams per winnowing window. Two disjoint windows fit in any run of
    # ngram_words + 2 * winnow_window - 1 words (= min_words), so every copy of min_words words
    # shares at least two fingerprints.
    winnow_window: int = 2
    # A fingerprint held by more articles than this is a stock phrase and proposes no pair.
    max_df: int = 100
    # Distinct shared fingerprints needed before two articles are aligned. One chance five-word
    # match between unrelated articles is common in a large corpus (the pairs it proposes grew
    # as N^1.6); two on the same pair are rare, and a real copy always has two (see above).
    min_shared_fingerprints: int = 2
    # Shortest passage, in words, reported as reuse.
    min_words: int = 8
    # Most changed, inserted or deleted words between two matching runs of one passage.
    max_gap_words: int = 5
    # An n-gram repeated more often inside one article is boilerplate and seeds no alignment.
    max_seed_repeat: int = 8
    # Share of a passage's characters inside double quotes for it to count as quoted.
    quote_min_fraction: float = 0.8
    # Passages of one article join one family when they overlap by this share of the longer
    # (so by at least this share of each): they are then the same text.
    family_min_overlap: float = 0.5


@dataclass(frozen=True, slots=True)
class Postings:
    """Who holds which fingerprint, as arrays: ``names[holders[k]]`` holds ``hashes[k]``.

    Arrays, not a row per posting: the postings of a batch grow with the corpus (every chance
    five-word match adds some until its hash reaches the cap), and a Python tuple for each was
    most of the lookup at 100k articles.
    """

    hashes: npt.NDArray[np.int64]
    holders: npt.NDArray[np.int64]
    names: Sequence[str]

    def rows(self) -> list[tuple[int, str]]:
        """``(hash, article_id)`` of every posting (for tests and small answers)."""
        names = self.names
        return [
            (value, names[holder])
            for value, holder in zip(self.hashes.tolist(), self.holders.tolist(), strict=True)
        ]


class FingerprintIndex(Protocol):
    """Where fingerprints of every analysed article live (the store implements it)."""

    def add(
        self, article_id: str, hashes: npt.NDArray[np.int64], positions: npt.NDArray[np.int32]
    ) -> None: ...

    def postings(self, hashes: npt.NDArray[np.int64], max_holders: int | None = None) -> Postings:
        """Stored holders of the hashes in ``hashes``, in no particular order.

        With ``max_holders``, a hash held by more articles gives the postings of only some
        of them, but of more than ``max_holders``: enough to show it is a stock phrase,
        whose holders grow with the corpus (reading them all for every batch would make the
        stage quadratic).
        """
        ...


# Once the memory index holds this many fingerprints it keeps a filter of them: a bit per
# slot of 2**FILTER_BITS slots (256 MB), set for each hash held (a one-hash Bloom filter).
# Most hashes of a new article are held by no other article, and each query hash that misses
# the filter needs no binary search in any run: a batch's 60k sorted queries take 31.5 ms in
# one run of 2**26 rows, a 10**6-article index has several such runs, and the searches went
# from 3.0 to 0.8 s per 10k articles at 50k (bench/RESULTS.md, "Scale").
FILTER_MIN_ROWS = 1 << 22
FILTER_BITS = 31
# The largest run the memory index merges into: a merge needs the two runs and the result in
# memory at once, so at 12 bytes a fingerprint this bounds the extra memory to about 1.6 GB,
# at the cost of one more run to search for every 2**26 fingerprints (~190,000 articles).
MAX_RUN_ROWS = 1 << 26


class MemoryFingerprintIndex:
    """An in-memory :class:`FingerprintIndex`: sorted numpy runs, 12 bytes a fingerprint.

    A dict of Python lists costs about ten times as much (6 GB at 100k articles). New
    fingerprints wait in a small buffer; a lookup first sorts the buffer into a run, and runs
    of similar size are merged (a log-structured merge, up to ``MAX_RUN_ROWS``), so there are
    O(log n) runs to search, plus one per ``MAX_RUN_ROWS``. An article holds each hash once,
    so a hash's postings count its holders, and an article is added once. Positions are not
    kept: nothing reads them, and they were a quarter of the memory.
    """

    def __init__(
        self,
        max_run_rows: int = MAX_RUN_ROWS,
        filter_min_rows: int = FILTER_MIN_ROWS,
        filter_bits: int = FILTER_BITS,
    ) -> None:
        self.max_run_rows = max_run_rows
        self.filter_min_rows = filter_min_rows
        self.filter_bits = filter_bits
        self._filter: npt.NDArray[np.uint8] | None = None
        self._ids: list[str] = []
        self._known: set[str] = set()
        self._buffer: list[tuple[npt.NDArray[np.int64], int]] = []
        # Each run: (hashes sorted, article numbers), aligned arrays.
        self._runs: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int32]]] = []

    def add(
        self, article_id: str, hashes: npt.NDArray[np.int64], positions: npt.NDArray[np.int32]
    ) -> None:
        if article_id in self._known:
            return
        self._buffer.append((sorted_unique(hashes), len(self._ids)))
        self._ids.append(article_id)
        self._known.add(article_id)

    def postings(self, hashes: npt.NDArray[np.int64], max_holders: int | None = None) -> Postings:
        self._flush()
        query = sorted_unique(hashes)
        if self._filter is not None:
            where, bit = self._slots(query)
            query = query[(self._filter[where] & bit) != 0]
        # Per run, the rows [low, high) of each query hash; a capped hash keeps only as many
        # rows as it has left of max_holders + 1 after the earlier runs.
        left = np.full(
            len(query), np.iinfo(np.int64).max if max_holders is None else max_holders + 1
        )
        found_hashes: list[npt.NDArray[np.int64]] = []
        found_numbers: list[npt.NDArray[np.int32]] = []
        for run_hashes, numbers in self._runs:
            if len(run_hashes) == 0:
                continue
            # Few query hashes are in a run: find where each would go, and the end of the
            # equal rows only for those that are there (half the binary searches).
            low = np.searchsorted(run_hashes, query, side="left")
            there = run_hashes[np.minimum(low, len(run_hashes) - 1)] == query
            counts = np.zeros(len(query), dtype=np.int64)
            counts[there] = np.searchsorted(run_hashes, query[there], side="right") - low[there]
            counts = np.minimum(counts, left)
            left -= counts
            hit = counts > 0
            if not hit.any():
                continue
            rows = _spans(low[hit], counts[hit])
            found_hashes.append(run_hashes[rows])
            found_numbers.append(numbers[rows])
        if not found_hashes:
            return Postings(np.zeros(0, np.int64), np.zeros(0, np.int64), self._ids)
        return Postings(
            np.concatenate(found_hashes),
            np.concatenate(found_numbers).astype(np.int64),
            self._ids,
        )

    def _flush(self) -> None:
        if not self._buffer:
            return
        hashes = np.concatenate([h for h, _ in self._buffer])
        numbers = np.concatenate(
            [np.full(len(h), number, dtype=np.int32) for h, number in self._buffer]
        )
        self._buffer.clear()
        order = np.argsort(hashes, kind="stable")
        self._runs.append((hashes[order], numbers[order]))
        if self._filter is not None:
            self._mark(hashes)
        elif sum(len(run_hashes) for run_hashes, _ in self._runs) >= self.filter_min_rows:
            self._filter = np.zeros(1 << max(self.filter_bits - 3, 0), dtype=np.uint8)
            for run_hashes, _ in self._runs:
                self._mark(run_hashes)
        while len(self._runs) > 1:
            older, newer = self._runs[-2], self._runs[-1]
            size = len(older[0]) + len(newer[0])
            if len(older[0]) > 2 * len(newer[0]) or size > self.max_run_rows:
                break
            self._runs[-2:] = [_merge_runs(older, newer)]

    def _slots(
        self, hashes: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.uint8]]:
        """Each hash's byte in the filter and its bit there (from the hash's top bits, which
        the finalizer of ``ngram_hashes`` spreads evenly)."""
        top = hashes.view(np.uint64) >> np.uint64(64 - max(self.filter_bits, 3))
        return (top >> np.uint64(3)).astype(np.intp), np.left_shift(
            np.uint8(1), (top & np.uint64(7)).astype(np.uint8)
        )

    def _mark(self, hashes: npt.NDArray[np.int64]) -> None:
        assert self._filter is not None
        where, bit = self._slots(hashes)
        np.bitwise_or.at(self._filter, where, bit)


def _merge_runs(
    older: tuple[npt.NDArray[np.int64], npt.NDArray[np.int32]],
    newer: tuple[npt.NDArray[np.int64], npt.NDArray[np.int32]],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int32]]:
    """Two sorted runs as one, the older run's rows first among equal hashes.

    Each newer row's place is found by binary search: no sort, and no index array as long as
    both runs (an argsort of the two took twice the memory of the result).
    """
    old_hashes, old_numbers = older
    new_hashes, new_numbers = newer
    places = np.searchsorted(old_hashes, new_hashes, side="right")
    places += np.arange(len(new_hashes))
    size = len(old_hashes) + len(new_hashes)
    from_newer = np.zeros(size, dtype=bool)
    from_newer[places] = True
    from_older = ~from_newer
    hashes = np.empty(size, dtype=np.int64)
    numbers = np.empty(size, dtype=np.int32)
    hashes[places], numbers[places] = new_hashes, new_numbers
    hashes[from_older], numbers[from_older] = old_hashes, old_numbers
    return hashes, numbers


def sorted_unique(values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """``np.unique(values)`` by a sort: numpy 2's hash-based ``unique`` takes about four times
    as long on an article's few hundred fingerprints, once per article per batch."""
    ordered = np.sort(values)
    keep = np.empty(len(ordered), dtype=bool)
    keep[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def _spans(starts: npt.NDArray[np.int64], sizes: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The indices of the ranges ``[start, start + size)``, concatenated in order."""
    return np.repeat(starts - np.cumsum(sizes) + sizes, sizes) + np.arange(sizes.sum())


def fingerprints(
    ngrams: npt.NDArray[np.int64], window: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int32]]:
    """Winnowed fingerprints of an article's n-gram hashes: ``(hashes, positions)``.

    The rightmost minimum of each window is kept (robust winnowing), each position once; a
    position is the index of the n-gram's first word. A text shorter than one window keeps its
    single minimum.
    """
    if len(ngrams) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
    width = min(window, len(ngrams))
    windows = np.lib.stride_tricks.sliding_window_view(ngrams, width)
    rightmost = width - 1 - np.argmin(windows[:, ::-1], axis=1)
    # The rightmost minimum never moves left as the window slides, so each position's
    # repeats are adjacent: keep the first of each run (no sort needed).
    chosen = np.arange(len(windows)) + rightmost
    positions = chosen[np.concatenate(([True], chosen[1:] != chosen[:-1]))]
    return ngrams[positions], positions.astype(np.int32)


@dataclass(frozen=True, slots=True)
class Prepared:
    """One article made ready for comparison: its words, all n-grams, and fingerprints.

    Plain arrays, so an article prepared in another process crosses back cheaply."""

    words: Words
    ngrams: npt.NDArray[np.int64]
    hashes: npt.NDArray[np.int64]
    positions: npt.NDArray[np.int32]


def prepare(segmentation: Segmentation, settings: ReuseSettings) -> Prepared:
    """An article's words, n-gram hashes and winnowed fingerprints."""
    words = words_of(segmentation)
    ngrams = ngram_hashes(words, settings.ngram_words)
    hashes, positions = fingerprints(ngrams, settings.winnow_window)
    return Prepared(words, ngrams, hashes, positions)


def _candidate_pairs(
    batch: Mapping[str, Prepared], index: FingerprintIndex, settings: ReuseSettings
) -> tuple[list[tuple[str, str]], list[str]]:
    """Pairs of articles to align (each as ``(lower id, higher id)``, sorted) and the batch
    articles the index already holds (those are not added a second time).

    A pair shares ``min_shared_fingerprints`` hashes each held by at most ``max_df`` articles
    (indexed or in the batch). Counted in numpy over (hash, holder) rows: a hash's postings
    grow with the corpus until it reaches the cap, and counting them in Python dicts took a
    fifth of the stage at 30k articles (bench/RESULTS.md, "Scale").
    """
    ids = sorted(batch)
    if not ids:
        return [], []
    numbers: dict[str, int] = {article_id: n for n, article_id in enumerate(ids)}
    own = [sorted_unique(batch[article_id].hashes) for article_id in ids]
    found = index.postings(sorted_unique(np.concatenate(own)), settings.max_df)
    # The index's holders renumbered: batch articles keep their numbers, others come after.
    distinct = sorted_unique(found.holders)
    renumbered = np.fromiter(
        (numbers.setdefault(found.names[k], len(numbers)) for k in distinct.tolist()),
        np.int64,
        len(distinct),
    )
    found_hashes = found.hashes
    found_holders = renumbered[np.searchsorted(distinct, found.holders)]
    indexed = [ids[n] for n in np.sort(renumbered[renumbered < len(ids)]).tolist()]
    batch_hashes = np.concatenate(own)
    batch_holders = np.repeat(np.arange(len(ids)), [len(h) for h in own])
    # Every (hash, holder) once, sorted by hash, then each hash's holder count.
    hashes = np.concatenate((found_hashes, batch_hashes))
    holders = np.concatenate((found_holders, batch_holders))
    order = np.lexsort((holders, hashes))
    hashes, holders = hashes[order], holders[order]
    distinct = np.ones(len(hashes), dtype=bool)
    distinct[1:] = (hashes[1:] != hashes[:-1]) | (holders[1:] != holders[:-1])
    hashes, holders = hashes[distinct], holders[distinct]
    values, first, counts = np.unique(hashes, return_index=True, return_counts=True)
    # Each batch article's rare hashes joined with their holders: (article, other) rows.
    group = np.searchsorted(values, batch_hashes)
    rare = counts[group] <= settings.max_df
    group, articles = group[rare], batch_holders[rare]
    sizes = counts[group]
    row = _spans(first[group], sizes)
    articles, others = np.repeat(articles, sizes), holders[row]
    keep = articles != others
    keys, shared = np.unique(articles[keep] * len(numbers) + others[keep], return_counts=True)
    keys = keys[shared >= settings.min_shared_fingerprints]
    names = sorted(numbers, key=numbers.__getitem__)
    pairs = {
        (min(names[a], names[b]), max(names[a], names[b]))
        for a, b in zip(
            (keys // len(numbers)).tolist(), (keys % len(numbers)).tolist(), strict=True
        )
    }
    return sorted(pairs), indexed


def link_key(link: ReuseLink) -> tuple[str, int, int, str, int, int]:
    """The order links are stored and compared in (the Spark job sorts by it too)."""
    return (
        link.a.article_id,
        link.a.start,
        link.a.end,
        link.b.article_id,
        link.b.start,
        link.b.end,
    )


class PreparedCache:
    """Stored articles made ready for alignment, kept across batches of one run.

    Sources copied by many later articles are aligned again in every batch; re-deriving their
    words and n-grams each time was a third of the reuse stage. Keyed by article id, so valid
    while the articles' texts do not change (one analyze run); least recently used dropped.
    """

    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self._items: OrderedDict[str, Prepared] = OrderedDict()

    def put(self, article_id: str, prepared: Prepared) -> None:
        self._items[article_id] = prepared
        self._items.move_to_end(article_id)
        if len(self._items) > self.size:
            self._items.popitem(last=False)

    def get(self, article_id: str, make: Callable[[], Prepared]) -> Prepared:
        found = self._items.get(article_id)
        if found is None:
            found = make()
        self.put(article_id, found)
        return found


def find_reuse(
    new: Sequence[tuple[Article, Segmentation]],
    index: FingerprintIndex,
    load: Callable[[str], tuple[Article, Segmentation]],
    settings: ReuseSettings = ReuseSettings(),
    cache: PreparedCache | None = None,
) -> tuple[ReuseLink, ...]:
    """Links between the new articles and everything in ``index`` (and among the new ones).

    Adds the new articles' fingerprints to ``index``, each article once (an article given twice,
    or already indexed by an earlier run, is not added again). Each link has
    ``a.article_id < b.article_id``; links are sorted by their passages. ``cache`` keeps the
    stored articles prepared for alignment across calls (one is made for this call if None).
    """
    batch: dict[str, Prepared] = {}
    for _article, segmentation in new:
        if segmentation.article_id not in batch:
            batch[segmentation.article_id] = prepare(segmentation, settings)
    return find_reuse_prepared(batch, index, load, settings, cache)


def find_reuse_prepared(
    batch: Mapping[str, Prepared],
    index: FingerprintIndex,
    load: Callable[[str], tuple[Article, Segmentation]],
    settings: ReuseSettings = ReuseSettings(),
    cache: PreparedCache | None = None,
) -> tuple[ReuseLink, ...]:
    """:func:`find_reuse` for new articles already prepared (by id), for callers that prepare
    them elsewhere, such as in the processes that segment them."""
    pairs, indexed = _candidate_pairs(batch, index, settings)
    stored = cache if cache is not None else PreparedCache()

    def prepared(article_id: str) -> Prepared:
        if article_id in batch:
            return batch[article_id]
        return stored.get(article_id, lambda: prepare(load(article_id)[1], settings))

    links: list[ReuseLink] = []
    for first, second in pairs:
        a, b = prepared(first), prepared(second)
        links.extend(align(a.words, a.ngrams, b.words, b.ngrams, settings))
    for article_id in sorted(batch):
        if article_id not in indexed:
            index.add(article_id, batch[article_id].hashes, batch[article_id].positions)
        # Copies mostly take from recent articles: keep this batch ready for the next ones.
        stored.put(article_id, batch[article_id])
    return tuple(sorted(links, key=link_key))


_DOUBLE_QUOTE = re.compile(r"[\"“”„«»]")
_OPENING = frozenset("“„«")
_CLOSING = frozenset("”»")


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` inside double quotation marks (straight or curly), marks included.

    Quotes are paired within a line: news style reopens a quote on each paragraph it runs over,
    and an unbalanced mark must not turn the rest of the article into a quote.
    """
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    line_end = -1
    for match in _DOUBLE_QUOTE.finditer(text):
        position = match.start()
        if position > line_end:
            opened = None
            newline = text.find("\n", position)
            line_end = len(text) if newline < 0 else newline
        mark = match.group()
        if opened is None and mark not in _CLOSING:
            opened = position
        elif opened is not None and mark not in _OPENING:
            spans.append((opened, position + 1))
            opened = None
    return spans


def _quoted_fraction(passage: Passage, spans: Sequence[tuple[int, int]]) -> float:
    length = passage.end - passage.start
    if length <= 0:
        return 0.0
    inside = sum(max(0, min(end, passage.end) - max(start, passage.start)) for start, end in spans)
    return inside / length


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, first: int, second: int) -> None:
        root_a, root_b = self.find(first), self.find(second)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)


def _family_id(passages: Sequence[Passage]) -> str:
    text = ";".join(f"{p.article_id}:{p.start}:{p.end}" for p in passages)
    return blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def _origin(passages: Sequence[Passage], articles: Mapping[str, Article]) -> str | None:
    """The article published strictly first, if every article's date is known."""
    dates: list[tuple[datetime, str]] = []
    for article_id in dict.fromkeys(passage.article_id for passage in passages):
        article = articles.get(article_id)
        if article is None or article.published is None:
            return None
        dates.append((article.published, article_id))
    dates.sort()
    if len(dates) > 1 and dates[0][0] == dates[1][0]:
        return None
    return dates[0][1]


def build_families(
    links: Sequence[ReuseLink],
    articles: Mapping[str, Article],
    settings: ReuseSettings = ReuseSettings(),
) -> tuple[Family, ...]:
    """Group linked passages into families and name each family's origin (or None).

    Overlapping passages of one article are merged into one passage covering them, so a text
    copied along a chain of outlets is one family. A family is a ``quote`` when in every
    article its passage lies mostly inside double quotes (the same words of a speaker, which
    outlets report independently), else a ``copy``. Families are sorted by id.
    """
    nodes = sorted({(p.article_id, p.start, p.end) for link in links for p in (link.a, link.b)})
    number = {node: position for position, node in enumerate(nodes)}
    union = _UnionFind(len(nodes))
    for link in links:
        union.union(
            number[(link.a.article_id, link.a.start, link.a.end)],
            number[(link.b.article_id, link.b.start, link.b.end)],
        )
    # Two passages of one article are the same text when they overlap by at least
    # ``family_min_overlap`` of the longer one, that is of both. A mere touch is not enough
    # (a paragraph copied from one source and the next sentence copied from another would
    # chain both sources into one family with one origin), and neither is containment: when
    # outlet B took a paragraph from A and C took one sentence of it from B, B's sentence and
    # B's paragraph are different passages, and C's family names B, the article C's words
    # match, not A's paragraph family. Nodes are sorted by (article, start).
    for position, (article_id, start, end) in enumerate(nodes):
        for other in range(position - 1, -1, -1):
            other_article, other_start, other_end = nodes[other]
            if other_article != article_id:
                break
            overlap = min(end, other_end) - start
            longer = max(end - start, other_end - other_start)
            if overlap > 0 and overlap >= settings.family_min_overlap * longer:
                union.union(other, position)
    groups: dict[int, list[tuple[str, int, int]]] = {}
    for position, node in enumerate(nodes):
        groups.setdefault(union.find(position), []).append(node)
    quoted_cache: dict[str, list[tuple[int, int]]] = {}
    families: list[Family] = []
    for members in groups.values():
        passages = _merge_overlaps(members)
        families.append(
            Family(
                id=_family_id(passages),
                kind=_family_kind(passages, articles, quoted_cache, settings),
                passages=passages,
                origin_article_id=_origin(passages, articles),
            )
        )
    return tuple(sorted(families, key=lambda family: family.id))


def _merge_overlaps(members: Sequence[tuple[str, int, int]]) -> tuple[Passage, ...]:
    """Passages of one family, overlapping ones of an article joined, sorted by (article, start)."""
    merged: list[Passage] = []
    for article_id, start, end in sorted(members):
        last = merged[-1] if merged else None
        if last is not None and last.article_id == article_id and start < last.end:
            merged[-1] = Passage(article_id, last.start, max(last.end, end))
        else:
            merged.append(Passage(article_id, start, end))
    return tuple(merged)


def _family_kind(
    passages: Sequence[Passage],
    articles: Mapping[str, Article],
    quoted_cache: dict[str, list[tuple[int, int]]],
    settings: ReuseSettings,
) -> FamilyKind:
    for passage in passages:
        article = articles.get(passage.article_id)
        if article is None:
            return "copy"
        if passage.article_id not in quoted_cache:
            quoted_cache[passage.article_id] = quoted_spans(article.text)
        fraction = _quoted_fraction(passage, quoted_cache[passage.article_id])
        if fraction < settings.quote_min_fraction:
            return "copy"
    return "quote"
