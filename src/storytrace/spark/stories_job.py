"""Stories on Spark: blocks of articles that can meet, then the local assignment rule per block.

The local path calls :func:`storytrace.cluster.assign_stories` once over all articles: the IDF
is fitted on the whole collection and articles are taken one at a time in publication order.
Here the document frequencies are summed over the partitions (a fixed-size table), and the
articles are cut into blocks that cannot influence each other much: the connected components
of the graph joining articles to their *rare* terms (held by at most ``block_max_df``
articles) and to the articles they share a reuse link with. Each block then runs the very same
engine (:class:`storytrace.cluster.StoryIndex`, as ``assign_stories`` does), preloaded with
the frequencies of the rest of the corpus so that its vectors equal the local path's.

Order effects: within a block the assignment is the local one. Two articles of different
blocks share only common terms; they could still have met locally if those terms alone pushed
their similarity past the threshold, and then the two paths differ. The tests measure the
agreement (B-cubed F1) on the shared corpora.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import numpy as np

from ..cluster import ClusterSettings, StoryIndex
from ..cluster_features import DocumentFrequencies, count_features
from ..model import Article, ReuseLink, Story
from ..pipeline import story_summary
from .components import connected_components, label_all
from .rows import freeze_imports

if TYPE_CHECKING:
    from pyspark import RDD, Broadcast

Frequencies = tuple[int, Any]  # (documents, counts per hashed term)


def _partition_frequencies(part: Iterable[Article], settings: ClusterSettings) -> Iterator[Any]:
    articles = list(part)
    frequencies = DocumentFrequencies()
    if articles:
        frequencies.observe(count_features(articles, settings))
    yield (frequencies.documents, frequencies.counts)


def _sum(a: Frequencies, b: Frequencies) -> Frequencies:
    return (a[0] + b[0], a[1] + b[1])


def _term_edges(
    part: Iterable[Article], settings: ClusterSettings, counts: Broadcast[Any], block_max_df: int
) -> Iterator[tuple[tuple[str, Any], tuple[str, Any]]]:
    articles = list(part)
    if not articles:
        return
    matrix = count_features(articles, settings)
    table = counts.value
    for row, article in enumerate(articles):
        columns = matrix.indices[matrix.indptr[row] : matrix.indptr[row + 1]]
        held = table[columns]
        for column in columns[(held >= 2) & (held <= block_max_df)].tolist():
            yield (("a", article.id), ("t", column))


def _assign_block(
    articles: list[Article], links: list[ReuseLink], settings: ClusterSettings, total: Frequencies
) -> dict[str, str]:
    """The local engine on one block, with the corpus-wide document frequencies."""
    articles.sort(key=lambda a: a.id)
    own = DocumentFrequencies()
    own.observe(count_features(articles, settings))
    index = StoryIndex(settings, evict=False)
    # StoryIndex.add observes the block's own counts; preloading the rest of the corpus makes
    # its IDF the corpus-wide one, as assign_stories fits it locally.
    index.frequencies.documents = total[0] - own.documents
    index.frequencies.counts = (total[1] - own.counts).astype(np.int32)
    return index.add(articles, links)


def assign_all(
    articles: RDD[Any],
    links: RDD[Any],
    settings: ClusterSettings,
    block_max_df: int,
) -> tuple[RDD[Any], dict[str, int]]:
    """``(article id, story id)`` for every article, and figures about the blocks."""
    sc = articles.context
    total: Frequencies = articles.mapPartitions(
        lambda part: _partition_frequencies(part, settings)
    ).treeReduce(_sum)
    counts = sc.broadcast(total[1])
    min_chars = settings.min_link_chars
    edges = articles.mapPartitions(
        lambda part: _term_edges(part, settings, counts, block_max_df)
    ).union(
        links.filter(lambda ln: min(ln.a.end - ln.a.start, ln.b.end - ln.b.start) >= min_chars).map(
            lambda ln: (("a", ln.a.article_id), ("a", ln.b.article_id))
        )
    )
    labels = label_all(articles.map(lambda a: ("a", a.id)), connected_components(edges))
    block_of = labels.map(lambda kv: (kv[0][1], kv[1]))
    block_of.cache()
    block_articles = (
        articles.map(lambda a: (a.id, a)).join(block_of).map(lambda kv: (kv[1][1], kv[1][0]))
    )
    block_links = (
        links.map(lambda ln: (ln.a.article_id, ln))
        .join(block_of)
        .map(lambda kv: (kv[1][1], kv[1][0]))
    )
    blocks = block_articles.groupByKey().leftOuterJoin(block_links.groupByKey())
    assigned = blocks.flatMap(
        lambda kv: _assign_block(list(kv[1][0]), list(kv[1][1] or ()), settings, total).items()
    )
    sizes = block_of.map(lambda kv: (kv[1], 1)).reduceByKey(lambda a, b: a + b).values()
    figures = {"blocks": sizes.count(), "largest_block": sizes.max() if not sizes.isEmpty() else 0}
    counts.unpersist()
    return assigned, figures


def summarise(members: Iterable[tuple[str, Article]]) -> Iterator[Story]:
    """Story records from ``(story id, article)`` pairs, by the local summary rule."""
    by_story: dict[str, list[Article]] = {}
    for story_id, article in members:
        by_story.setdefault(story_id, []).append(article)
    for story_id, group in sorted(by_story.items(), key=itemgetter(0)):
        yield story_summary(story_id, group)


freeze_imports()
