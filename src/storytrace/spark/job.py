"""One Spark run: read -> clean/segment/facts -> reuse -> families -> stories -> compare ->
export tables. Each step is a module of this package calling the local stage functions."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..export import article_record, families_by_article, mention_record, quote_record, story_record
from ..model import Article, Family, ReuseLink
from ..reuse import link_key
from ..reuse_graph import reused_share
from ..settings import Settings
from .cleaning import clean_all
from .compare_job import compare_all
from .inputs import first_copies, read_inputs
from .reuse_job import families_by_component, find_links
from .rows import Cleaned, Stub, freeze_imports
from .stories_job import assign_all, summarise
from .tables import flatten, keyed, write_table

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.sql import SparkSession

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SparkSettings:
    """Options of the Spark path only (the stages' settings are the shared ``Settings``)."""

    # Terms held by at most this many articles join articles into one clustering block
    # (stories_job); larger blocks follow the local path more closely and parallelise less.
    block_max_df: int = 50


@dataclass
class SparkReport:
    read: int = 0
    articles: int = 0
    cleaned: int = 0
    reuse_links: int = 0
    families: int = 0
    stories: int = 0
    findings: int = 0
    blocks: int = 0
    largest_block: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


def run_job(
    spark: SparkSession,
    inputs: Sequence[str],
    out: Path | str,
    settings: Settings | None = None,
    spark_settings: SparkSettings | None = None,
) -> SparkReport:
    """Analyse ``inputs`` on ``spark`` and write the export tables under ``out``."""
    settings = settings or Settings()
    spark_settings = spark_settings or SparkSettings()
    started = time.perf_counter()
    report = SparkReport()
    sc = spark.sparkContext
    items = read_inputs(sc, inputs).cache()
    input_errors = items.filter(lambda i: i.error is not None)
    report.read = items.filter(lambda i: i.article is not None).count()
    log.info("spark: read done after %.1f s", time.perf_counter() - started)
    articles = first_copies(items)
    cleaned, clean_errors = clean_all(articles, settings)
    by_id = cleaned.map(lambda c: (c.article.id, c)).cache()
    report.cleaned = by_id.count()
    log.info("spark: cleaned done after %.1f s", time.perf_counter() - started)

    links = find_links(cleaned, settings.pipeline.batch_size, settings.reuse).cache()
    report.reuse_links = links.count()
    log.info("spark: links done after %.1f s", time.perf_counter() - started)
    stubs = cleaned.map(lambda c: (c.article.id, Stub.of(c.article)))
    blocks = families_by_component(links, stubs, settings.reuse).cache()
    families: RDD[Any] = blocks.flatMap(lambda b: b[0]).cache()
    report.families = families.count()
    log.info("spark: families done after %.1f s", time.perf_counter() - started)

    plain = cleaned.map(lambda c: c.article)
    assigned, figures = assign_all(plain, links, settings.cluster, spark_settings.block_max_df)
    story_of = assigned.cache()
    report.blocks, report.largest_block = figures["blocks"], figures["largest_block"]
    stories = (
        story_of.join(plain.map(lambda a: (a.id, a)))
        .map(lambda kv: (kv[1][0], kv[1][1]))
        .groupByKey()
        .flatMap(lambda kv: summarise((kv[0], a) for a in kv[1]))
        .cache()
    )
    report.stories = stories.count()
    log.info("spark: stories done after %.1f s", time.perf_counter() - started)
    members = story_of.join(by_id).map(lambda kv: kv[1])
    compared = compare_all(stories, members, families, story_of, settings.compare).cache()

    _write_articles(spark, out, by_id, links, families)
    write_table(
        spark, out, "stories", stories.flatMap(lambda s: keyed(_story_rows(s, "stories"), "id"))
    )
    write_table(
        spark,
        out,
        "story_articles",
        stories.flatMap(
            lambda s: keyed(_story_rows(s, "story_articles"), "story_id", "article_id")
        ),
    )
    records = blocks.flatMap(lambda b: b[2])
    write_table(spark, out, "reuse_families", records.flatMap(_family_rows("reuse_families")))
    write_table(spark, out, "reuse_passages", records.flatMap(_family_rows("reuse_passages")))
    edges = (
        blocks.flatMap(lambda b: b[1])
        .map(lambda e: ((e.from_source, e.to_source), (e.passages, e.characters)))
        .reduceByKey(lambda x, y: (x[0] + y[0], x[1] + y[1]))
        .map(
            lambda kv: (
                kv[0],
                {
                    "from_source": kv[0][0],
                    "to_source": kv[0][1],
                    "passages": kv[1][0],
                    "characters": kv[1][1],
                },
            )
        )
    )
    write_table(spark, out, "outlet_graph", edges)
    findings = (
        compared.filter(lambda c: not isinstance(c, str)).sortByKey().values().zipWithIndex()
    ).cache()
    report.findings = findings.count()
    log.info("spark: findings done after %.1f s", time.perf_counter() - started)
    write_table(spark, out, "findings", findings.flatMap(_finding_rows("findings")))
    write_table(spark, out, "finding_evidence", findings.flatMap(_finding_rows("finding_evidence")))
    write_table(spark, out, "reuse_links", links.map(lambda ln: (link_key(ln), _link_row(ln))))
    errors = input_errors.map(
        lambda i: ((i.file_number, i.record_number), {"origin": i.error[0], "cause": i.error[1]})
    )
    write_table(spark, out, "input_errors", errors)

    report.errors = [
        f"{origin}: {cause}" for origin, cause in input_errors.map(lambda i: i.error).collect()
    ]
    report.errors += sorted(clean_errors.collect())
    report.errors += sorted(c for c in compared.filter(lambda c: isinstance(c, str)).collect())
    report.articles = articles.count()
    report.seconds = round(time.perf_counter() - started, 2)
    for cached in (items, by_id, links, blocks, families, story_of, stories, compared, findings):
        cached.unpersist()
    return report


def _story_rows(story: Any, table: str) -> list[dict[str, Any]]:
    return flatten(stories=[story_record(story)])[table]


def _family_rows(table: str) -> Any:
    def rows(record: dict[str, Any]) -> list[tuple[Any, dict[str, Any]]]:
        flat = flatten(reuse=[record])[table]
        return [((record["id"], position), row) for position, row in enumerate(flat)]

    return rows


def _finding_rows(table: str) -> Any:
    """Rows of a finding; its id is ``story:index`` over all findings, as the export numbers."""

    def rows(item: tuple[dict[str, Any], int]) -> list[tuple[Any, dict[str, Any]]]:
        record, index = item
        flat = flatten(findings=[record])[table]
        finding_id = f"{record['story_id']}:{index}"
        return [((index, p), row | {"finding_id": finding_id}) for p, row in enumerate(flat)]

    return rows


def _link_row(link: ReuseLink) -> dict[str, Any]:
    return {
        "a_article": link.a.article_id,
        "a_start": link.a.start,
        "a_end": link.a.end,
        "b_article": link.b.article_id,
        "b_start": link.b.start,
        "b_end": link.b.end,
        "similarity": link.similarity,
        "kind": link.kind,
    }


def _write_articles(
    spark: SparkSession,
    out: Path | str,
    by_id: RDD[Any],
    links: RDD[Any],
    families: RDD[Any],
) -> None:
    """Articles (with their reused share), removed blocks, mentions and quotes."""
    link_rows = links.flatMap(lambda ln: [(ln.a.article_id, ln), (ln.b.article_id, ln)])
    # Each article needs the outlet and date of the articles it shares a link with.
    stubs = by_id.mapValues(lambda c: Stub.of(replace_text(c.article)))
    neighbours = (
        links.flatMap(
            lambda ln: [(ln.b.article_id, ln.a.article_id), (ln.a.article_id, ln.b.article_id)]
        )
        .join(stubs)
        .map(lambda kv: (kv[1][0], kv[1][1]))
    )
    family_rows = families.flatMap(
        lambda f: [(a, f) for a in sorted({p.article_id for p in f.passages})]
    )
    grouped = by_id.groupWith(link_rows, neighbours, family_rows)
    rows = grouped.flatMap(lambda kv: _article_rows(*kv[1])).cache()
    for table in ("articles", "removed_blocks", "mentions", "quotes"):
        write_table(spark, out, table, rows.filter(partial(_in_table, table)).values())
    rows.unpersist()


def _in_table(table: str, row: tuple[str, Any]) -> bool:
    return row[0] == table


def replace_text(article: Article) -> Article:
    """The article without its text (a neighbour's outlet and date are all that is read)."""
    from dataclasses import replace

    return replace(article, text="", removed=())


def _article_rows(
    cleaned: Iterable[Cleaned],
    links: Iterable[ReuseLink],
    neighbours: Iterable[Stub],
    families: Iterable[Family],
) -> Iterator[tuple[str, tuple[Any, dict[str, Any]]]]:
    (one,) = list(cleaned)
    article = one.article
    known = {s.id: s.article() for s in neighbours} | {article.id: article}
    ordered_families = sorted(families, key=lambda f: f.id)
    article_links = sorted(links, key=link_key)
    share = reused_share(
        article, article_links, families_by_article(ordered_families).get(article.id, []), known
    )
    texts = {article.id: article.text}
    flat = flatten(
        articles=[article_record(article, share)],
        mentions=[mention_record(m, texts) for m in one.mentions],
        quotes=[quote_record(m, texts) for m in one.mentions if m.kind == "quote"],
    )
    yield ("articles", ((article.id,), flat["articles"][0]))
    for position, row in enumerate(flat["removed_blocks"]):
        yield ("removed_blocks", ((article.id, position), row))
    for position, row in enumerate(flat["mentions"]):
        yield ("mentions", ((article.id, position), row))
    for position, row in enumerate(flat["quotes"]):
        yield ("quotes", ((article.id, position), row))


freeze_imports()
