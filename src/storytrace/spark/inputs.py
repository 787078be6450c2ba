"""Reading the input on the executors: one task per file, records streamed by the readers.

The files are listed on the driver the way ``storytrace ingest`` walks folders (sorted names,
a corpus's README and scripts passed over), then each task reads one file with the same
readers as the local path (:func:`storytrace.ingest.read_paths`: sniffing, gzip, JSONL, WARC,
feeds, HTML, text). Parquet files hold the same records as JSONL lines, one per row, and go
through the JSONL record parser. Paths other than local ones (``s3a://``, ``hdfs://``) are
read with Spark's own file system layer into a temporary local file first.

The local path keeps the first copy of an article ingested twice (ids are content hashes);
here too: the copy with the lowest (file number, record number) wins.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..ingest import read_paths, skipped_in_folder
from ..ingest.jsonl import RecordError, parse_record
from ..ingest.source import FileContext
from ..model import Article

if TYPE_CHECKING:
    from pyspark import RDD, SparkContext

_REMOTE_PREFIXES = ("s3a://", "s3://", "s3n://", "hdfs://", "gs://", "abfs://", "abfss://")
_PARQUET_SUFFIXES = (".parquet", ".parq")
# Rows of a Parquet file decoded at a time (memory stays bounded for any file size).
_PARQUET_BATCH_ROWS = 1024


@dataclass(frozen=True, slots=True)
class ReadItem:
    """One record read: an article or an error, and where it stands in the reading order."""

    file_number: int
    record_number: int
    article: Article | None
    # (origin, cause): an InputError does not survive pickling between JVM and workers.
    error: tuple[str, str] | None


def is_remote(path: str) -> bool:
    return path.startswith(_REMOTE_PREFIXES)


def list_inputs(paths: Sequence[str]) -> tuple[list[str], list[InputError]]:
    """The files to read, in the local path's order; missing paths are errors."""
    files: list[str] = []
    errors: list[InputError] = []
    for given in paths:
        if is_remote(given):
            files.append(given)  # listed by Spark's file system layer in the task
            continue
        path = Path(given)
        if path.is_dir():
            files.extend(_walk(str(path)))
        elif path.exists():
            files.append(str(path))
        else:
            errors.append(InputError(str(path), "no such file or directory"))
    return files, errors


def _walk(folder: str) -> Iterator[str]:
    """Files under ``folder`` in name order, skipping what ``storytrace ingest`` skips."""
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if skipped_in_folder(entry.name):
            continue
        child = os.path.join(folder, entry.name)
        if entry.is_dir():
            yield from _walk(child)
        else:
            yield child


def read_file(file_number: int, path: str) -> Iterator[ReadItem]:
    """Every record of one file, in order, errors included (never raises for bad input)."""
    if path.lower().endswith(_PARQUET_SUFFIXES):
        items = _read_parquet(path)
    else:
        errors: list[InputError] = []
        articles = read_paths([path], errors.append)
        items = _with_errors(articles, errors)
    for record_number, item in enumerate(items):
        if isinstance(item, InputError):
            yield ReadItem(file_number, record_number, None, (item.origin, item.cause))
        else:
            yield ReadItem(file_number, record_number, item, None)


def _with_errors(
    articles: Iterator[Article], errors: list[InputError]
) -> Iterator[Article | InputError]:
    """Interleave the errors the reader reported with its articles, in reading order."""
    for article in articles:
        while errors:
            yield errors.pop(0)
        yield article
    yield from errors


def _read_parquet(path: str) -> Iterator[Article | InputError]:
    """Rows of a Parquet file with JSONL's fields (text or html, id, title, url, ...)."""
    import pyarrow.parquet as pq

    ctx = FileContext.for_path(path, Path(path))
    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for damaged files
        yield InputError(path, f"unreadable Parquet file: {type(exc).__name__}: {exc}")
        return
    number = 0
    for batch in parquet.iter_batches(batch_size=_PARQUET_BATCH_ROWS):
        for row in batch.to_pylist():
            number += 1
            origin = f"{path}#R{number}"
            record = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in row.items()}
            try:
                line = json.dumps(record, ensure_ascii=False).encode("utf-8")
                yield parse_record(line, origin, ctx)
            except (RecordError, TypeError) as exc:
                yield InputError(origin, str(exc))


def _read_remote(file_number: int, path: str, data: bytes) -> Iterator[ReadItem]:
    """A remote file's bytes, read through a temporary local copy with the same readers."""
    name = os.path.basename(path.rstrip("/")) or "input"
    with tempfile.TemporaryDirectory() as folder:
        local = os.path.join(folder, name)
        with open(local, "wb") as handle:
            handle.write(data)
        for item in read_file(file_number, local):
            yield _renamed(item, local, path)


def _renamed(item: ReadItem, local: str, remote: str) -> ReadItem:
    """Origins name the remote file, not the temporary copy."""
    if item.article is not None:
        article = replace(item.article, origin=item.article.origin.replace(local, remote, 1))
        return replace(item, article=article)
    if item.error is not None:
        origin, cause = item.error
        return replace(item, error=(origin.replace(local, remote, 1), cause))
    return item


def _read_remote_item(file_number: int, item: tuple[str, bytes]) -> Iterator[ReadItem]:
    return _read_remote(file_number, item[0], item[1])


def read_inputs(sc: SparkContext, paths: Sequence[str]) -> RDD[Any]:
    """All records of all inputs: one partition per local file, streamed by its reader."""
    files, errors = list_inputs(paths)
    local = [(n, f) for n, f in enumerate(files) if not is_remote(f)]
    parts: list[RDD[Any]] = []
    if local:
        parts.append(
            sc.parallelize(local, len(local)).flatMap(lambda item: read_file(item[0], item[1]))
        )
    for number, remote in ((n, f) for n, f in enumerate(files) if is_remote(f)):
        parts.append(sc.binaryFiles(remote).flatMap(partial(_read_remote_item, number)))
    if errors:
        missing = [ReadItem(-1, i, None, (e.origin, e.cause)) for i, e in enumerate(errors)]
        parts.append(sc.parallelize(missing, 1))
    if not parts:
        return sc.emptyRDD()
    return sc.union(parts)


def first_copies(items: RDD[Any]) -> RDD[Any]:
    """One article per id: the first read, as ``storytrace ingest`` keeps it."""

    def earlier(a: tuple[tuple[int, int], Article], b: tuple[tuple[int, int], Article]) -> Any:
        return a if a[0] <= b[0] else b

    return (
        items.filter(lambda item: item.article is not None)
        .map(lambda item: (item.article.id, ((item.file_number, item.record_number), item.article)))
        .reduceByKey(earlier)
        .map(lambda kv: kv[1][1])
    )
