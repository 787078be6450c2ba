"""`storytrace backup` (issue 11, item 6): SQLite's online backup, safe during another's writes.

The writer is a second process committing batches of articles as fast as it can, the way
``ingest`` does (``BEGIN IMMEDIATE``, a batch, ``COMMIT``). Each copy taken meanwhile must pass
``PRAGMA integrity_check`` and hold whole batches only (a snapshot as of one commit), later copies
never fewer than earlier ones, and the writer must never fail on a lock.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storytrace.backup import backup
from storytrace.cli import app
from storytrace.errors import StoreError
from storytrace.store import Store

BATCH = 40
# Commits batches of BATCH articles (16 KiB of raw bytes each) until the stop file appears.
WRITER = """
import os, sqlite3, sys, time
db, stop = sys.argv[1], sys.argv[2]
connection = sqlite3.connect(db, isolation_level=None)
connection.execute("PRAGMA busy_timeout = 5000")
batch = 0
while not os.path.exists(stop):
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(
        "INSERT INTO articles (id, origin, format, raw, ingested_at) VALUES (?, ?, ?, ?, ?)",
        [(f"{batch:06d}-{i:03d}", "w.jsonl", "text", os.urandom(16384), "2024-01-01T00:00:00")
         for i in range(int(sys.argv[3]))],
    )
    connection.execute("COMMIT")
    batch += 1
print(batch)
"""


def _articles(db: Path) -> int:
    with closing(sqlite3.connect(db)) as connection:
        return int(connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0])


def test_backups_taken_while_another_process_writes_are_whole(tmp_path: Path) -> None:
    db, stop = tmp_path / "live.db", tmp_path / "stop"
    Store(db).close()  # schema in place, WAL mode
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), str(stop), str(BATCH)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    counts = []
    try:
        deadline = time.monotonic() + 20
        while _articles(db) < 10 * BATCH and time.monotonic() < deadline:
            time.sleep(0.05)
        for number in range(5):
            report = backup(db, tmp_path / f"copy-{number}.db")
            with closing(sqlite3.connect(report.out)) as copy:
                assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                counts.append(int(copy.execute("SELECT COUNT(*) FROM articles").fetchone()[0]))
                assert copy.execute("PRAGMA user_version").fetchone()[0] == Store(db).schema_version
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=30)
    assert writer.returncode == 0, err  # the writer never saw "database is locked"
    assert all(count % BATCH == 0 for count in counts), counts  # whole transactions only
    assert counts == sorted(counts) and counts[0] >= 10 * BATCH
    assert int(out) * BATCH == _articles(db) >= counts[-1]
    assert not list(tmp_path.glob(".copy-*"))  # no partial files left beside the copies


def test_backup_refuses_a_missing_store_and_an_existing_copy(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such store"):
        backup(tmp_path / "missing.db", tmp_path / "copy.db")
    Store(tmp_path / "s.db").close()
    (tmp_path / "copy.db").write_bytes(b"keep me")
    with pytest.raises(StoreError, match=r"copy\.db: already exists"):
        backup(tmp_path / "s.db", tmp_path / "copy.db")
    assert (tmp_path / "copy.db").read_bytes() == b"keep me"
    with pytest.raises(StoreError, match="is the store itself"):
        backup(tmp_path / "s.db", tmp_path / "s.db", replace=True)


def test_backup_command(filled_store: Store, tmp_path: Path) -> None:
    filled_store.close()
    runner = CliRunner()
    out = tmp_path / "copy.db"
    result = runner.invoke(app, ["backup", str(out), "--db", str(filled_store.path)])
    assert result.exit_code == 0, result.stderr
    assert "integrity ok" in result.stdout
    with Store(out, readonly=True) as copy:
        assert [a.id for a in copy.articles()] == ["aaaa000000000001", "bbbb000000000002"]
        assert copy.stories() and copy.findings()
    again = runner.invoke(app, ["backup", str(out), "--db", str(filled_store.path)])
    assert again.exit_code == 1
    assert again.stderr.strip() == f"error: {out}: already exists (use --force to replace it)"
    forced = runner.invoke(app, ["backup", str(out), "--db", str(filled_store.path), "--force"])
    assert forced.exit_code == 0, forced.stderr
