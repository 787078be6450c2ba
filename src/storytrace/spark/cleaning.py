"""Clean, segment and facts on the executors, with the outlet line counts of the local path.

The cleaner's one cross-article signal is how many of an outlet's articles carry a line
(``clean_repeats``). The local path cleans articles in id order, in batches of
``pipeline.batch_size``, and judges each article by the counts of every earlier batch plus its
own. The same counts are computed here as a cumulative sum over batch numbers per
(outlet, line) and handed to each article, so both paths remove the same ``repeated`` lines.
The clean, segment and facts step is the local one (``pipeline.analyse_article``), called per
partition.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from operator import add
from typing import TYPE_CHECKING, Any

from ..clean import decode
from ..clean_repeats import countable_keys
from ..pipeline import analyse_article
from ..settings import Settings
from .rows import Cleaned, freeze_imports

if TYPE_CHECKING:
    from pyspark import RDD

    from ..model import Article


class ArticleLineCounts:
    """``LineCounts`` for one article: its outlet's counts as of the article's batch.

    Holds the counts of the article's own countable lines, which are the lines the cleaner asks
    about (a kept block is a line of the raw text).
    """

    def __init__(self, outlet_articles: int, lines: Mapping[int, int]) -> None:
        self._outlet_articles = outlet_articles
        self._lines = lines

    def outlet_articles(self, source: str) -> int:
        return self._outlet_articles

    def line_articles(self, source: str, keys: Iterable[int]) -> dict[int, int]:
        return {k: self._lines[k] for k in keys if k in self._lines}


def numbered_batches(ids: RDD[Any], batch_size: int) -> RDD[Any]:
    """``(id, (batch number, value))``: batches of ``batch_size`` in id order, as the pipeline."""
    return (
        ids.sortByKey()
        .zipWithIndex()
        .map(lambda item: (item[0][0], (item[1] // batch_size, item[0][1])))
    )


def _cumulative(item: tuple[Any, Iterable[tuple[int, int]]]) -> Iterator[tuple[Any, int]]:
    """Running totals over batch numbers: ``((key, batch), articles in batches <= batch)``."""
    key, per_batch = item
    total = 0
    for batch, count in sorted(per_batch):
        total += count
        yield ((key, batch), total)


def clean_all(articles: RDD[Any], settings: Settings) -> tuple[RDD[Any], RDD[Any]]:
    """Every article cleaned, segmented and with its facts; and the per-article errors."""
    batch_size = settings.pipeline.batch_size
    max_words = settings.clean.repeat_max_words
    numbered = numbered_batches(articles.map(lambda a: (a.id, a)), batch_size)
    numbered.cache()
    counted = numbered.filter(lambda kv: kv[1][1].format == "text" and bool(kv[1][1].source))
    keys = counted.flatMap(
        lambda kv: [
            ((kv[1][1].source, key, kv[1][0]), kv[0])
            for key in countable_keys(decode(kv[1][1].raw), max_words)
        ]
    )
    keys.cache()
    line_totals = (
        keys.map(lambda kv: (kv[0], 1))
        .reduceByKey(add)
        .map(lambda kv: ((kv[0][0], kv[0][1]), (kv[0][2], kv[1])))
        .groupByKey()
        .flatMap(_cumulative)
        .map(lambda kv: ((kv[0][0][0], kv[0][0][1], kv[0][1]), kv[1]))
    )
    lines_of = (
        keys.join(line_totals)
        .map(lambda kv: (kv[1][0], (kv[0][1], kv[1][1])))
        .groupByKey()
        .mapValues(dict)
    )
    outlet_totals = (
        counted.map(lambda kv: ((kv[1][1].source, kv[1][0]), 1))
        .reduceByKey(add)
        .map(lambda kv: (kv[0][0], (kv[0][1], kv[1])))
        .groupByKey()
        .flatMap(_cumulative)
    )
    outlet_of: RDD[Any] = (
        counted.map(lambda kv: ((kv[1][1].source, kv[1][0]), kv[0]))
        .join(outlet_totals)
        .map(lambda kv: (kv[1][0], kv[1][1]))
    )
    joined = (
        numbered.map(lambda kv: (kv[0], kv[1][1]))
        .leftOuterJoin(outlet_of)
        .leftOuterJoin(lines_of)
        .map(lambda kv: (kv[1][0][0], kv[1][0][1] or 0, kv[1][1] or {}))
    )
    results = joined.mapPartitions(lambda part: _clean_partition(part, settings))
    results.cache()
    cleaned = results.filter(lambda r: isinstance(r, Cleaned))
    errors = results.filter(lambda r: isinstance(r, str))
    return cleaned, errors


def _clean_partition(
    part: Iterable[tuple[Article, Any, dict[int, int]]], settings: Settings
) -> Iterator[Cleaned | str]:
    for article, outlet_articles, lines in part:
        analysed = analyse_article(article, settings, ArticleLineCounts(outlet_articles, lines))
        if isinstance(analysed, str):
            yield analysed
            continue
        cleaned, segmentation, mentions = analysed
        yield Cleaned(replace(cleaned, raw=b""), segmentation.sentences, tuple(mentions))


freeze_imports()
