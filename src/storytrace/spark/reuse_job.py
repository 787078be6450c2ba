"""Reuse on Spark: fingerprints grouped by hash, candidate pairs, alignment, families.

The local path (``pipeline._ReuseStep``) takes the cleaned articles in id order, in batches,
and an article is compared with everything indexed before its batch and with its own batch.
A fingerprint held by more than ``max_df`` of those articles is a stock phrase and proposes
no pair. Here every fingerprint is grouped by hash with the batch numbers of its holders, so
the cap is applied to exactly the holders the local path would see: for a pair of articles,
a shared hash counts when at most ``max_df`` articles of batches up to the later one's hold
it. Pairs with ``min_shared_fingerprints`` counted hashes are aligned with the local
:func:`storytrace.reuse_align.align`, the lower id first. Families are built by the local
:func:`storytrace.reuse.build_families`, once per connected component of the link graph (two
passages can only share a family when their articles are connected).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import replace
from operator import add
from typing import TYPE_CHECKING, Any

import numpy as np

from ..export import family_record
from ..model import Family, OutletEdge, ReuseLink
from ..reuse import ReuseSettings, build_families, fingerprints, link_key
from ..reuse_align import Words, align, ngram_hashes, words_of
from ..reuse_graph import outlet_graph
from .cleaning import numbered_batches
from .components import connected_components
from .rows import Cleaned, Stub, freeze_imports

if TYPE_CHECKING:
    from pyspark import RDD

IntArray = Any
# Articles kept prepared (words, n-grams) per task while aligning its pairs.
_PREPARED_CACHE = 512


def _hashes(cleaned: Cleaned, settings: ReuseSettings) -> list[int]:
    words = words_of(cleaned.segmentation())
    hashes, _positions = fingerprints(
        ngram_hashes(words, settings.ngram_words), settings.winnow_window
    )
    return sorted(set(np.asarray(hashes).tolist()))


def _pairs_of_hash(
    item: tuple[int, Iterable[tuple[int, str]]], max_df: int
) -> Iterator[tuple[tuple[str, str], int]]:
    """Pairs one fingerprint proposes: holders ``(batch, id)`` seen by the later of the two.

    An article sees the holders of earlier batches and of its own; the fingerprint counts for
    the article when those are at most ``max_df``. Holders sorted by batch, the count only
    grows, so the walk stops at the first article past the cap.
    """
    _hash, holders = item
    ordered = sorted(holders)
    seen_through: dict[int, int] = {}
    for position, (batch, _id) in enumerate(ordered):
        seen_through[batch] = position + 1
    for position, (batch, article_id) in enumerate(ordered):
        if seen_through[batch] > max_df:
            break
        # Holders before this one: earlier batches, and earlier ids of its own batch (a pair
        # within one batch is seen from both sides with the same count: emitted once).
        for _other_batch, other in ordered[:position]:
            yield ((min(article_id, other), max(article_id, other)), 1)


class _Prepared:
    """One article's words and n-gram hashes, made once per task (an LRU of them)."""

    def __init__(self, settings: ReuseSettings) -> None:
        self.settings = settings
        self._items: OrderedDict[str, tuple[Words, IntArray]] = OrderedDict()

    def get(self, cleaned: Cleaned) -> tuple[Words, IntArray]:
        key = cleaned.article.id
        found = self._items.get(key)
        if found is None:
            words = words_of(cleaned.segmentation())
            found = (words, ngram_hashes(words, self.settings.ngram_words))
            self._items[key] = found
            if len(self._items) > _PREPARED_CACHE:
                self._items.popitem(last=False)
        else:
            self._items.move_to_end(key)
        return found


def _align_partition(
    part: Iterable[tuple[Cleaned, Cleaned]], settings: ReuseSettings
) -> Iterator[ReuseLink]:
    prepared = _Prepared(settings)
    for first, second in part:
        words_a, ngrams_a = prepared.get(first)
        words_b, ngrams_b = prepared.get(second)
        yield from align(words_a, ngrams_a, words_b, ngrams_b, settings)


def find_links(cleaned: RDD[Any], batch_size: int, settings: ReuseSettings) -> RDD[Any]:
    """Every reuse link between the cleaned articles, as the local path finds them."""
    by_id = cleaned.map(lambda c: (c.article.id, _light(c)))
    numbered = numbered_batches(by_id, batch_size)
    holders = numbered.flatMap(
        lambda kv: [(h, (kv[1][0], kv[0])) for h in _hashes(kv[1][1], settings)]
    )
    max_df, least = settings.max_df, settings.min_shared_fingerprints
    pairs = (
        holders.groupByKey()
        .flatMap(lambda item: _pairs_of_hash(item, max_df))
        .reduceByKey(add)
        .filter(lambda kv: kv[1] >= least)
        .keys()
    )
    sides = pairs.join(by_id).map(lambda kv: (kv[1][0], kv[1][1])).join(by_id).map(lambda kv: kv[1])
    # Pairs sharing their first article sit together, so its preparation is reused.
    ordered = sides.sortBy(lambda pair: (pair[0].article.id, pair[1].article.id))
    return ordered.mapPartitions(lambda part: _align_partition(part, settings))


def _light(cleaned: Cleaned) -> Cleaned:
    """What alignment reads (id, text, sentences): mentions and removed blocks stay home."""
    return Cleaned(replace(cleaned.article, removed=()), cleaned.sentences, ())


FamilyBlock = tuple[list[Family], list[OutletEdge], list[dict[str, Any]]]


def families_by_component(links: RDD[Any], stubs: RDD[Any], settings: ReuseSettings) -> RDD[Any]:
    """Per connected component of the link graph: its families, their outlet-graph edges and
    their export records (``family_record``, passage texts included)."""
    labels = connected_components(links.map(lambda ln: (ln.a.article_id, ln.b.article_id)))
    labelled_links = (
        links.map(lambda ln: (ln.a.article_id, ln))
        .join(labels)
        .map(lambda kv: (kv[1][1], kv[1][0]))
    )
    labelled_stubs = stubs.join(labels).map(lambda kv: (kv[1][1], kv[1][0]))
    grouped = labelled_links.groupByKey().join(labelled_stubs.groupByKey())
    return grouped.map(lambda kv: _families_of(kv[1][0], kv[1][1], settings))


def _families_of(
    links: Iterable[ReuseLink], stubs: Iterable[Stub], settings: ReuseSettings
) -> FamilyBlock:
    articles = {s.id: s.article() for s in stubs}
    families = build_families(sorted(links, key=link_key), articles, settings)
    texts = {article_id: article.text for article_id, article in articles.items()}
    records = [family_record(family, texts) for family in families]
    sources = {article_id: article.source for article_id, article in articles.items()}
    return list(families), outlet_graph(families, sources), records


freeze_imports()
