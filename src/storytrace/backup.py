"""``storytrace backup``: a consistent copy of a store, taken while other commands use it.

Copying the file with ``cp`` while ``ingest`` writes can catch the main file and its WAL at two
different moments, and a copy without the WAL loses every transaction not yet checkpointed.
SQLite's online backup API (:meth:`sqlite3.Connection.backup`) reads the pages through a normal
read transaction instead, so the copy is exactly the store as of one commit.

The copy is taken in one step. An incremental backup restarts from the first page whenever
another connection writes in between two steps, so on a store that is being written to it may
never finish; one step holds a single read transaction, which in WAL mode does not block the
writer (it only keeps the WAL from being checkpointed past that point until the copy is done).
The source is opened read-only, the copy is written under a temporary name beside ``out`` and
renamed into place once it passed ``PRAGMA integrity_check``, so ``out`` is never half written.
"""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from .errors import StoreError


@dataclass(frozen=True, slots=True)
class BackupReport:
    out: Path
    pages: int
    size_bytes: int
    seconds: float


def backup(db: str | Path, out: str | Path, *, replace: bool = False) -> BackupReport:
    """Copy the store at ``db`` to ``out`` with SQLite's online backup; checks the copy.

    Raises :class:`StoreError` (one line naming the file) when ``db`` is missing or unreadable,
    ``out`` exists and ``replace`` is false, or the copy fails its integrity check.
    """
    source_path, out_path = Path(db), Path(out)
    if not source_path.is_file():
        raise StoreError(f"{source_path}: no such store")
    if out_path.exists() and not replace:
        raise StoreError(f"{out_path}: already exists (use --force to replace it)")
    if out_path.exists() and out_path.resolve() == source_path.resolve():
        raise StoreError(f"{out_path}: is the store itself; back up to another file")
    partial = out_path.with_name(f".{out_path.name}.partial-{os.getpid()}")
    started = time.perf_counter()
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        uri = f"{source_path.resolve().as_uri()}?mode=ro"
        with (
            closing(sqlite3.connect(uri, uri=True)) as source,
            closing(sqlite3.connect(partial)) as copy,
        ):
            # A writer's commit or a WAL recovery in another process is waited for, not an error.
            source.execute("PRAGMA busy_timeout = 10000")
            source.backup(copy)  # pages=-1: the whole store in one step, one read transaction
            pages = int(copy.execute("PRAGMA page_count").fetchone()[0])
            problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise StoreError(f"{out_path}: copy failed its integrity check: {problems[0]}")
            # The copy carries the source's WAL flag; fold everything into the one file.
            copy.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        os.replace(partial, out_path)
    except sqlite3.Error as exc:
        raise StoreError(f"{source_path}: cannot back up to {out_path}: {exc}") from exc
    except OSError as exc:
        raise StoreError(f"{out_path}: cannot write the backup: {exc.strerror or exc}") from exc
    finally:
        for leftover in (partial, *(Path(f"{partial}{s}") for s in ("-wal", "-shm", "-journal"))):
            leftover.unlink(missing_ok=True)
    return BackupReport(out_path, pages, out_path.stat().st_size, time.perf_counter() - started)
