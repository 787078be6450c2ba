"""storytrace's reuse stage run over a corpus as the pipeline runs it, with texts held in
memory or read from their JSONL file on demand (for corpora too large to hold).

The pipeline segments articles in its analysis processes while the main process finds the
reuse of the batches already segmented; here ``workers`` processes split sentences and
prepare each article (``reuse.prepare``: words, n-gram hashes, fingerprints) while the main
process runs ``find_reuse_prepared`` batch by batch in ``published`` order. Older articles
are reloaded like the pipeline reloads them from its store: kept sentence spans, tokens remade
(``tokenize_columns``), an LRU of 1,024, and one ``PreparedCache`` for the run.
"""

from __future__ import annotations

import json
import os
import time
from array import array
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from reuse_metrics import Doc, parse_date

BATCH = 200
# Batches handed to the workers ahead of the one the main process is on: enough to keep
# them busy, few enough that the texts in flight stay small.
AHEAD = 4


class CorpusTexts:
    """Texts of a JSONL corpus read from the file when asked for, as a store serves them.

    A million generated articles are about 2.5 GB of text; holding them would put the memory
    the stage needs out of sight. Only each line's offset and length stay in memory.
    """

    def __init__(self, path: Path) -> None:
        self.docs: list[Doc] = []
        self._where: dict[str, tuple[int, int]] = {}
        offset = 0
        with path.open("rb") as lines:
            for line in lines:
                record = json.loads(line)
                article_id = str(record["id"])
                self.docs.append(
                    Doc(article_id, record["source"], parse_date(record["published"]), "", "")
                )
                self._where[article_id] = (offset, len(line))
                offset += len(line)
        self._file = os.open(path, os.O_RDONLY)

    def __call__(self, article_id: str) -> str:
        offset, length = self._where[article_id]
        return str(json.loads(os.pread(self._file, length, offset))["text"])

    def close(self) -> None:
        os.close(self._file)


Made = tuple[array, Any]  # sentence spans, then the prepared article


def segmentation_of(article_id: str, text: str, spans: array[int]) -> Any:
    """The article's segmentation from its flat sentence spans (``[start, end, ...]``), tokens
    remade, as the pipeline rebuilds one from its store."""
    from storytrace.model import Segmentation, Sentence
    from storytrace.segment import tokenize_columns

    sentences = tuple(
        Sentence(article_id, i, start, end)
        for i, (start, end) in enumerate(zip(spans[0::2], spans[1::2], strict=True))
    )
    return Segmentation(article_id, sentences, tokenize_columns(text))


def prepare_texts(items: Sequence[tuple[str, str]]) -> list[Made]:
    """A worker's task: each ``(id, text)``'s sentence spans (flat ``[start, end, ...]``) and
    the article prepared for reuse (``reuse.prepare``: plain arrays, cheap to send back)."""
    from storytrace.reuse import ReuseSettings, prepare
    from storytrace.segment import split_sentences

    settings = ReuseSettings()
    made: list[Made] = []
    for article_id, text in items:
        spans = array("i", [x for span in split_sentences(text) for x in span])
        made.append((spans, prepare(segmentation_of(article_id, text, spans), settings)))
    return made


class _LazyArticles(Mapping[str, Any]):
    """Articles by id for ``build_families``, which reads their dates and, once an article, its
    text (to tell quotes from copies): the text is read from the corpus when asked for, so the
    texts of the half a million linked articles of a 10**6 corpus are never held at once."""

    def __init__(self, docs: Sequence[Doc], text_of: Callable[[str], str]) -> None:
        self._docs = {d.id: d for d in docs}
        self._text_of = text_of

    def __getitem__(self, article_id: str) -> Any:
        return _LazyArticle(self._docs[article_id], self._text_of)

    def __iter__(self) -> Iterator[str]:
        return iter(self._docs)

    def __len__(self) -> int:
        return len(self._docs)


class _LazyArticle:
    """The two fields of an article that ``build_families`` reads; the text read on use."""

    __slots__ = ("_doc", "_text_of")

    def __init__(self, doc: Doc, text_of: Callable[[str], str]) -> None:
        self._doc, self._text_of = doc, text_of

    @property
    def published(self) -> Any:
        return self._doc.published

    @property
    def text(self) -> str:
        return self._text_of(self._doc.id)


def article_of(doc: Doc, text: str) -> Any:
    """The storytrace article of a benchmark document."""
    from storytrace.model import Article

    return Article(
        id=doc.id, origin="bench", format="text", raw=b"", text=text,
        published=doc.published, source=doc.source,
    )  # fmt: skip


def run_storytrace_stage(
    docs: Sequence[Doc], text_of: Callable[[str], str] | None = None, workers: int = 0
) -> tuple[list[Any], list[Any], dict[str, float]]:
    """The reuse stage from raw texts to families: links, families and times.

    ``text_of`` reads an article's text (default: the docs' own ``text``); ``workers``:
    processes that split sentences and prepare the articles (0: done in this process).
    ``segment_s`` is this process's time waiting for them (or, without workers, splitting and
    preparing); the rest is ``reuse_s``.
    """
    from storytrace.reuse import (
        MemoryFingerprintIndex,
        PreparedCache,
        build_families,
        find_reuse_prepared,
    )

    if text_of is None:
        own = {d.id: d.text for d in docs}
        text_of = own.__getitem__
    start = time.perf_counter()
    ordered = sorted(docs, key=lambda d: (d.published, d.id))
    spans: dict[str, array[int]] = {}

    @lru_cache(maxsize=1024)
    def load(article_id: str) -> tuple[Any, Any]:
        text = text_of(article_id)
        return article_of(by_id[article_id], text), segmentation_of(
            article_id, text, spans[article_id]
        )

    by_id = {d.id: d for d in ordered}
    index = MemoryFingerprintIndex()
    prepared = PreparedCache()  # as the pipeline keeps one for its run
    links: list[Any] = []
    segment_s = 0.0
    batches = (ordered[first : first + BATCH] for first in range(0, len(ordered), BATCH))
    with _Workers(workers) as pool:
        for batch, made in pool.prepare(batches, text_of):
            mark = time.perf_counter()
            new = {}
            for doc, (bounds, ready) in zip(batch, made, strict=True):
                spans[doc.id] = bounds
                new[doc.id] = ready
            segment_s += time.perf_counter() - mark + pool.waited
            links.extend(find_reuse_prepared(new, index, load, cache=prepared))
    families = build_families(links, _LazyArticles(ordered, text_of))
    seconds = time.perf_counter() - start
    return (
        links,
        list(families),
        {"seconds": seconds, "segment_s": segment_s, "reuse_s": seconds - segment_s},
    )


class _Workers:
    """Segmenting and preparing the batches, in ``workers`` processes a few batches ahead of
    the caller or (no workers) in line. ``waited``: seconds the last batch was waited for."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.waited = 0.0
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> _Workers:
        if self.workers > 0:
            # Spawned, not forked: a worker needs none of the caller's memory.
            self._pool = ProcessPoolExecutor(self.workers, mp_context=get_context("spawn"))
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def prepare(
        self, batches: Iterator[list[Doc]], text_of: Callable[[str], str]
    ) -> Iterator[tuple[list[Doc], list[Made]]]:
        pending: deque[tuple[list[Doc], Future[list[Made]]]] = deque()
        for batch in batches:
            items = [(d.id, text_of(d.id)) for d in batch]
            if self._pool is None:
                mark = time.perf_counter()
                made = prepare_texts(items)
                self.waited = time.perf_counter() - mark
                yield batch, made
                continue
            pending.append((batch, self._pool.submit(prepare_texts, items)))
            if len(pending) > AHEAD:
                yield self._next(pending)
        while pending:
            yield self._next(pending)

    def _next(
        self, pending: deque[tuple[list[Doc], Future[list[Made]]]]
    ) -> tuple[list[Doc], list[Made]]:
        batch, future = pending.popleft()
        mark = time.perf_counter()
        made = future.result()
        self.waited = time.perf_counter() - mark
        return batch, made
