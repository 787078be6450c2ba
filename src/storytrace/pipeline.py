"""Runs the stages over the store in batches and persists their results.

Stages are plain functions without a database; this module is the only place that moves their
inputs out of the store and their outputs back in. Each batch is one transaction and each
article records how far it got (``articles.stage``), so an interrupted run resumes where it
stopped and a second run over the same store only does the new work.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path
from typing import Protocol

from . import store as st
from .byline import parse_byline
from .clean import clean, decode
from .clean_repeats import LineCounts, countable_keys
from .cluster import assign_stories
from .compare import compare
from .errors import InputError
from .facts import extract_facts
from .ingest import read_paths
from .model import Article, Mention, Segmentation, Sentence, Story
from .reuse import PreparedCache, build_families, find_reuse
from .segment import segment, tokenize_columns
from .settings import ALGORITHMS, PipelineSettings, Settings
from .store import Store

log = logging.getLogger(__name__)
FAMILIES_LINKS_STATE = "families_built_from_links"


class Progress(Protocol):
    """Told how far a step has got; ``total`` is 0 when unknown. The CLI draws a bar."""

    def __call__(self, step: str, done: int, total: int) -> None: ...


def _no_progress(step: str, done: int, total: int) -> None:
    return None


@dataclass
class IngestReport:
    read: int = 0
    new: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class AnalyzeReport:
    cleaned: int = 0
    reuse_checked: int = 0
    reuse_links: int = 0
    families: int = 0
    clustered: int = 0
    stories_touched: int = 0
    findings: int = 0
    errors: list[str] = field(default_factory=list)
    # Which variant of a stage ran where several exist (optional models are not installed, so
    # today always the lexical and rule-based ones); shown to the user with the counts.
    modes: dict[str, str] = field(
        default_factory=lambda: {
            "stories": "lexical (words, names, numbers, reuse links; no embedding model)",
            "facts": "rule-based (no spaCy model)",
        }
    )


def ingest(
    store: Store,
    paths: Iterable[str | Path],
    settings: Settings,
    progress: Progress = _no_progress,
) -> IngestReport:
    """Read every path into the store, a batch per transaction; bad input is reported, skipped."""
    report = IngestReport()
    run_id = store.start_run("ingest", settings.as_dict(), ALGORITHMS)
    errors: list[InputError] = []

    def on_error(error: InputError) -> None:
        log.info("%s", error)
        errors.append(error)
        report.errors.append(str(error))

    batch: list[Article] = []
    for article in read_paths(paths, on_error, settings.ingest):
        batch.append(article)
        report.read += 1
        if len(batch) >= settings.pipeline.batch_size:
            report.new += store.add_articles(batch)
            batch.clear()
            progress("ingest", report.read, 0)
    if batch:
        report.new += store.add_articles(batch)
    progress("ingest", report.read, report.read)
    store.record_errors(run_id, [(e.origin, e.cause) for e in errors])
    store.finish_run(run_id, {"read": report.read, "new": report.new, "errors": len(errors)})
    return report


def analyze(store: Store, settings: Settings, progress: Progress = _no_progress) -> AnalyzeReport:
    """Bring every stored article through all stages: clean ... compare. Only new work is done."""
    report = AnalyzeReport()
    run_id = store.start_run("analyze", settings.as_dict(), ALGORITHMS)
    _clean_segment_facts_and_find_reuse(store, settings, report, progress)
    _rebuild_families(store, settings, report)
    _cluster(store, settings, report, progress)
    # Stories are flagged in the same transactions that change them, so a run cut short
    # anywhere leaves the flags for the next run to compare.
    _compare(store, settings, store.stories_to_compare(), report, progress)
    store.finish_run(
        run_id,
        {k: v for k, v in vars(report).items() if k != "errors"} | {"errors": len(report.errors)},
    )
    return report


def _batches(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _clean_segment_facts_and_find_reuse(
    store: Store, settings: Settings, report: AnalyzeReport, progress: Progress
) -> None:
    """Clean, segment and extract facts batch by batch, and find the reuse of each cleaned
    batch while the workers analyse the next one.

    The reuse step runs in this process (it reads and writes the store) and used to wait for
    the whole corpus to be analysed, leaving a core idle; overlapping the two keeps both busy.
    Its batches are those it would take alone, after the analysis (see ``_ReuseStep``).
    """
    pending = store.article_ids_at_stage(st.STAGE_INGESTED)
    reuse = _ReuseStep(store, settings, report, progress)
    reuse.add(store.article_ids_at_stage(st.STAGE_CLEANED))
    reuse.total = len(reuse.waiting) + len(pending)
    done = 0
    with _AnalysisPool(_worker_count(settings.pipeline, len(pending))) as pool:
        for ids in _batches(pending, settings.pipeline.batch_size):
            articles = store.articles(ids)
            line_keys = {
                a.id: countable_keys(decode(a.raw), settings.clean.repeat_max_words)
                for a in articles
                if a.format == "text" and a.source
            }
            counts = _BatchLineCounts(store, articles, line_keys)
            analysing = pool.submit(articles, settings, counts.snapshot(line_keys))
            # Every article up to the previous batch's last is cleaned (or failed) by now.
            reuse.run_full_batches()
            results = []
            for analysed in analysing.results():
                if isinstance(analysed, str):
                    report.errors.append(analysed)  # the CLI prints the line
                    continue
                results.append(analysed)
            saved = _BatchLineCounts(store, [r[0] for r in results], line_keys)
            with store.transaction():
                store.save_cleaned(results)
                # Only the articles that made it count: a failed one is retried, not counted
                # twice.
                store.add_line_counts(saved.articles, saved.lines)
            reuse.add([r[0].id for r in results], frontier=ids[-1])
            report.cleaned += len(results)
            done += len(ids)
            progress("clean", done, len(pending))
    reuse.run_all()


def analyse_article(
    article: Article, settings: Settings, counts: LineCounts | None
) -> tuple[Article, Segmentation, tuple[Mention, ...]] | str:
    """Clean, segment and extract the facts of one article, or the one-line reason it failed.

    The local pipeline and the Spark job both call this, so an article is analysed, and a
    failure worded, the same on either path; one pathological article must not stop the rest.
    """
    try:
        cleaned = clean(article, settings.clean, counts)
        segmentation = segment(cleaned)
        return cleaned, segmentation, extract_facts(cleaned, segmentation, settings.facts)
    except Exception as exc:
        message = f"{article.origin}: cannot analyse: {type(exc).__name__}: {exc}"
        log.debug("%s", message, exc_info=True)
        return message


Analysed = tuple[Article, tuple[Sentence, ...], tuple[Mention, ...]] | str


def _analyse_all(
    job: tuple[Sequence[Article], Settings, LineCounts | None],
) -> list[Analysed]:
    """analyse_article over a slice of a batch, keeping what the store saves (the sentences,
    not the tokens, which are remade more cheaply than they cross between processes)."""
    articles, settings, counts = job
    results: list[Analysed] = []
    for article in articles:
        analysed = analyse_article(article, settings, counts)
        if isinstance(analysed, str):
            results.append(analysed)
        else:
            cleaned, segmentation, mentions = analysed
            results.append((cleaned, segmentation.sentences, mentions))
    return results


def _worker_count(settings: PipelineSettings, pending: int) -> int:
    if pending < max(settings.parallel_min_articles, 2) or sys.platform != "linux":
        return 1
    if settings.workers > 0:
        return settings.workers
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    # More would split a batch (200 articles by default) into slices of a few articles.
    return min(cores or 1, _MAX_AUTO_WORKERS)


_MAX_AUTO_WORKERS = 16


def _die_with_parent(parent: int) -> None:
    """Worker initializer: Linux kills the worker when the parent process dies.

    A forked worker holds both ends of its task queue, so it never sees the queue close: if the
    parent is killed (SIGKILL, SIGTERM, out of memory), the worker would otherwise wait forever.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # no prctl: the check below still catches a dead parent
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


_PR_SET_PDEATHSIG = 1


class _AnalysisPool:
    """Per-article analysis in ``workers`` processes, or in this one when ``workers`` is 1.

    Workers are forked (Linux only): a fresh interpreter ("spawn") would import the caller's
    script again, and a script without a ``__main__`` guard would then run its own ingest in
    every worker. A forked worker only runs the analysis functions and never touches the
    parent's SQLite connection or progress thread. Articles go out in slices and come back in
    order, so the results are those of the sequential loop. A worker that dies (killed, out
    of memory) costs only speed: the batch and the rest of the run are analysed here.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        if workers > 1:
            self._pool = ProcessPoolExecutor(
                workers,
                mp_context=get_context("fork"),
                initializer=_die_with_parent,
                initargs=(os.getpid(),),
            )

    def __enter__(self) -> _AnalysisPool:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def submit(
        self, articles: Sequence[Article], settings: Settings, counts: LineCounts | None
    ) -> _PendingAnalysis:
        """Start analysing ``articles`` in the workers (or, without workers, do it now)."""
        if self._pool is not None:
            size = -(-len(articles) // (2 * self.workers))
            jobs = [
                (articles[i : i + size], settings, counts) for i in range(0, len(articles), size)
            ]
            return _PendingAnalysis(self, jobs, self._pool.map(_analyse_all, jobs))
        return _PendingAnalysis(self, [], iter([_analyse_all((articles, settings, counts))]))

    def _give_up_workers(self, exc: BaseException) -> None:
        log.warning("analysis workers stopped (%s); going on in one process", exc)
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


class _PendingAnalysis:
    """A batch being analysed by the workers; ``results`` waits for it, in article order."""

    def __init__(
        self,
        pool: _AnalysisPool,
        jobs: list[tuple[Sequence[Article], Settings, LineCounts | None]],
        parts: Iterator[list[Analysed]],
    ) -> None:
        self._pool = pool
        self._jobs = jobs
        self._parts = parts

    def results(self) -> list[Analysed]:
        try:
            return [result for part in self._parts for result in part]
        except BrokenProcessPool as exc:
            self._pool._give_up_workers(exc)
            return [result for job in self._jobs for result in _analyse_all(job)]


class _BatchLineCounts:
    """The store's outlet line counts plus those of the batch being cleaned.

    Adding the batch lets an outlet's furniture be recognised within the first batch of its
    articles; each article counts each of its lines once.
    """

    def __init__(
        self, store: Store, articles: Sequence[Article], line_keys: dict[str, set[int]]
    ) -> None:
        self.store = store
        self.articles: Counter[str] = Counter()
        self.lines: dict[str, Counter[int]] = {}
        self._sources: dict[str, str] = {}
        for article in articles:
            if article.source and article.id in line_keys:
                self._sources[article.id] = article.source
                self.articles[article.source] += 1
                self.lines.setdefault(article.source, Counter()).update(line_keys[article.id])

    def outlet_articles(self, source: str) -> int:
        return self.store.outlet_articles(source) + self.articles[source]

    def line_articles(self, source: str, keys: Iterable[int]) -> dict[int, int]:
        wanted = list(keys)
        stored = self.store.line_articles(source, wanted)
        batch = self.lines.get(source, Counter())
        return {k: stored.get(k, 0) + batch[k] for k in wanted if k in stored or k in batch}

    def snapshot(self, line_keys: dict[str, set[int]]) -> _LineCountsSnapshot:
        """The counts of every line the batch's articles can ask about (their countable
        lines), read now, so that worker processes need no store."""
        wanted: dict[str, set[int]] = {}
        for article_id, keys in line_keys.items():
            source = self._sources[article_id]
            wanted.setdefault(source, set()).update(keys)
        return _LineCountsSnapshot(
            {source: self.outlet_articles(source) for source in wanted},
            {source: self.line_articles(source, sorted(keys)) for source, keys in wanted.items()},
        )


@dataclass(frozen=True)
class _LineCountsSnapshot:
    """LineCounts read ahead for one batch (see _BatchLineCounts.snapshot)."""

    outlets: dict[str, int]
    lines: dict[str, dict[int, int]]

    def outlet_articles(self, source: str) -> int:
        return self.outlets.get(source, 0)

    def line_articles(self, source: str, keys: Iterable[int]) -> dict[int, int]:
        counts = self.lines.get(source, {})
        return {key: counts[key] for key in keys if key in counts}


class _ReuseStep:
    """Finds the reuse of cleaned articles, in id order and in batches of ``batch_size``.

    An article is compared with everything indexed before its batch and with its own batch,
    so the batches decide the answers (the Spark job reproduces them, see
    ``spark.reuse_job``): they are the sorted cleaned articles cut from the first, as if all
    were cleaned before the first batch. Articles are cleaned in id order, so once the cleaning
    has passed an id (``frontier``), every cleaned article up to it is known and the full
    batches among them can run before the cleaning ends.
    """

    def __init__(
        self, store: Store, settings: Settings, report: AnalyzeReport, progress: Progress
    ) -> None:
        self.store = store
        self.settings = settings
        self.report = report
        self.progress = progress
        self.waiting: list[str] = []
        self.frontier = ""
        self.total = 0
        self.done = 0
        self.prepared = PreparedCache()
        self.load = lru_cache(maxsize=1024)(self._load)

    def _load(self, article_id: str) -> tuple[Article, Segmentation]:
        # The sentences were stored by the clean step; tokens are cheap to remake, the sentence
        # splitter is not, so an article is never split twice.
        article = self.store.article(article_id)
        if article is None:
            raise KeyError(article_id)
        sentences = tuple(self.store.sentences(article_id))
        return article, Segmentation(article_id, sentences, tokenize_columns(article.text))

    def add(self, cleaned: Iterable[str], frontier: str = "") -> None:
        """Queue cleaned articles; ``frontier``: the cleaning is done up to this id."""
        self.waiting = sorted([*self.waiting, *cleaned])
        self.frontier = max(self.frontier, frontier)

    def run_full_batches(self) -> None:
        """Run every full batch whose articles are all at or before the frontier."""
        size = self.settings.pipeline.batch_size
        while len(self.waiting) >= size and self.waiting[size - 1] <= self.frontier:
            self._run(self.waiting[:size])
            del self.waiting[:size]

    def run_all(self) -> None:
        """Run what is left, in batches (the last one may be short)."""
        for ids in _batches(self.waiting, self.settings.pipeline.batch_size):
            self._run(ids)
        self.waiting = []

    def _run(self, ids: Sequence[str]) -> None:
        batch = [self.load(article_id) for article_id in ids]
        with self.store.transaction():
            links = find_reuse(batch, self.store, self.load, self.settings.reuse, self.prepared)
            self.store.save_links(links)
            self.store.set_stage(list(ids), st.STAGE_REUSE)
        self.report.reuse_links += len(links)
        self.done += len(ids)
        self.report.reuse_checked = self.done
        self.progress("reuse", self.done, max(self.total, self.done))


def _rebuild_families(store: Store, settings: Settings, report: AnalyzeReport) -> None:
    """Regroup all links into families when links were added since the last grouping.

    The link count at the last grouping is kept in the store, so a run interrupted between
    saving links and grouping them regroups on the next run.
    """
    count = store.link_count()
    if store.state(FAMILIES_LINKS_STATE) == str(count):
        return
    all_links = store.links()
    ids_in_links = sorted({p.article_id for link in all_links for p in (link.a, link.b)})
    articles = {a.id: a for a in store.articles(ids_in_links)}
    families = build_families(all_links, articles, settings.reuse)
    assignments = store.assignments()
    with store.transaction():
        store.replace_families(families)
        store.set_state(FAMILIES_LINKS_STATE, str(count))
        store.flag_for_compare({assignments[i] for i in ids_in_links if i in assignments})
    report.families = len(families)


def _cluster(store: Store, settings: Settings, report: AnalyzeReport, progress: Progress) -> None:
    pending = store.article_ids_at_stage(st.STAGE_REUSE)
    if not pending:
        return
    new = store.articles(pending)
    assigned = store.open_assignments(
        _window_start(new, store.latest_story_date(), settings.cluster.window_days),
        settings.cluster.max_active_articles,
    )
    articles = {a.id: a for a in new} | {a.id: a for a in store.articles(sorted(assigned))}
    links = {
        (link.a.article_id, link.a.start, link.b.article_id, link.b.start): link
        for found in store.links_touching(pending).values()
        for link in found
    }
    mapping = assign_stories(
        new, assigned, articles, [links[k] for k in sorted(links)], settings.cluster
    )
    members: dict[str, list[str]] = {}
    for article_id, story_id in (assigned | mapping).items():
        members.setdefault(story_id, []).append(article_id)
    touched = sorted(set(mapping.values()))
    stories = [
        story_summary(story_id, [articles[i] for i in members[story_id]]) for story_id in touched
    ]
    with store.transaction():
        store.save_stories(stories)
        store.set_stage(pending, st.STAGE_CLUSTERED)
        store.flag_for_compare(touched)
    report.clustered = len(pending)
    report.stories_touched = len(touched)
    progress("cluster", len(pending), len(pending))


def _window_start(
    new: Sequence[Article], clock: datetime | None, window_days: float
) -> datetime | None:
    """Stories idle since before this date are closed to the new articles.

    As in a streaming ``StoryIndex``: a story takes new members for ``window_days`` after its
    latest dated member, counted back from the earliest new article's date (or from the latest
    stored story date when no new article is dated). None (every story open) when nothing is
    dated at all.
    """
    dates = [a.published for a in new if a.published is not None]
    start = min(dates) if dates else clock
    return None if start is None else start - timedelta(days=window_days)


def story_summary(story_id: str, members: Sequence[Article]) -> Story:
    """A story's summary: the earliest article with a headline names it; dates span the known
    ones. A title that is only a date or a byline ("June 06, 2013", as some feeds fill it) is
    passed over for a later member's headline, and used only when no member has one."""
    dates = sorted(a.published for a in members if a.published is not None)
    ordered = sorted(members, key=_publication_order)
    titles = [a.title for a in ordered if a.title]
    title = (
        next((t for t in titles if parse_byline(t) is None), None)
        or next(iter(titles), None)
        or _first_words(ordered[0].text)
    )
    return Story(
        story_id,
        title,
        dates[0] if dates else None,
        dates[-1] if dates else None,
        tuple(sorted(a.id for a in members)),
    )


def _publication_order(article: Article) -> tuple[int, datetime | None, str]:
    """Known dates first, earliest first; unknown dates after, by id (never guessed)."""
    if article.published is None:
        return (1, None, article.id)
    return (0, article.published, article.id)


def _first_words(text: str, limit: int = 12) -> str:
    words = text.split()
    return " ".join(words[:limit]) + (" …" if len(words) > limit else "")


def _compare(
    store: Store,
    settings: Settings,
    story_ids: Sequence[str],
    report: AnalyzeReport,
    progress: Progress,
) -> None:
    for done, story_id in enumerate(story_ids, start=1):
        story = store.story(story_id)
        if story is None:
            continue
        articles = store.articles(story.article_ids)
        mentions = store.mentions(story.article_ids)
        families = store.families(story.article_ids)
        try:
            findings = compare(story, articles, mentions, families, settings.compare)
        except Exception as exc:  # one pathological story must not stop the others
            message = f"story {story_id}: cannot compare: {type(exc).__name__}: {exc}"
            log.debug("%s", message, exc_info=True)  # the CLI prints the line
            report.errors.append(message)
            continue  # stays flagged: tried again next run
        store.replace_findings(story_id, findings)
        report.findings += len(findings)
        progress("compare", done, len(story_ids))
