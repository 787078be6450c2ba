"""The live fetcher's own SQLite file, ``<db stem>-live.sqlite`` beside the store.

The store's schema belongs to the pipeline; what only fetching needs lives here instead, so
either can change without migrating the other. Deleting this file forgets feed health, seen
entries and validators (the next poll refetches everything once: ids are content hashes, so
nothing is stored twice). Tables:

``urls``     per canonical URL: last fetch time, HTTP status, one-line error, the ETag and
             Last-Modified validators for conditional GET, and the WARC origin of the last page
``feeds``    per feed URL as given: title, last poll, last success, last error, consecutive
             failures, entries seen in all, entries in the last document (``storytrace feeds``)
``entries``  per feed, the keys of entries already handled (``id:<entry id>``,
             ``url:<canonical link>``), with attempts so a page that keeps failing is dropped
``robots``   per origin, the robots.txt status and body with the time it was fetched
``warcs``    every WARC file written and whether it has been ingested, so a run interrupted
             between fetching and ingesting is finished by the next one

One connection in autocommit mode with WAL: every update is its own small transaction, cheap
without a sync per commit, and a crash loses at most the statement in flight.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS urls (
    url TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    status INTEGER,
    error TEXT,
    etag TEXT,
    last_modified TEXT,
    archived TEXT
);
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY,
    title TEXT,
    first_polled TEXT NOT NULL,
    last_polled TEXT NOT NULL,
    last_success TEXT,
    last_error TEXT,
    last_error_at TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    items_seen INTEGER NOT NULL DEFAULT 0,
    entries_last INTEGER
);
CREATE TABLE IF NOT EXISTS entries (
    feed TEXT NOT NULL,
    key TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    done INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    PRIMARY KEY (feed, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS robots (
    origin TEXT PRIMARY KEY,
    status INTEGER NOT NULL,
    body BLOB NOT NULL,
    fetched_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS warcs (
    path TEXT PRIMARY KEY,
    written_at TEXT NOT NULL,
    ingested_at TEXT
);
"""


def live_paths(db_path: str | Path) -> tuple[Path, Path]:
    """The state file and the WARC folder that belong to the store at ``db_path``.

    Absolute, so that a WARC noted as pending by one run is found by the next from any folder.
    """
    db = Path(db_path).absolute()
    return db.with_name(f"{db.stem}-live.sqlite"), db.with_name(f"{db.stem}-warc")


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class FeedRow:
    """One row of ``feeds`` as stored."""

    url: str
    title: str | None
    first_polled: str
    last_polled: str
    last_success: str | None
    last_error: str | None
    last_error_at: str | None
    consecutive_failures: int
    items_seen: int
    entries_last: int | None


class LiveState:
    """Open (creating if needed) the live state file; every method is one small statement."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=10000")
        self._db.executescript(_SCHEMA)
        self._db.execute(
            "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
        )

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> LiveState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Several updates in one transaction (one commit instead of one each)."""
        self._db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- conditional GET and per-URL outcomes ----------------------------------------------

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """The ETag and Last-Modified last seen on a 200 for canonical ``url``."""
        row = self._db.execute(
            "SELECT etag, last_modified FROM urls WHERE url = ?", (url,)
        ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def record_url(
        self,
        url: str,
        kind: str,
        status: int | None,
        error: str | None,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        archived: str | None = None,
    ) -> None:
        """Record a fetch of canonical ``url``; validators are replaced only by a 200's own."""
        self._db.execute(
            """
            INSERT INTO urls (url, kind, fetched_at, status, error, etag, last_modified, archived)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (url) DO UPDATE SET
                kind = excluded.kind, fetched_at = excluded.fetched_at,
                status = excluded.status, error = excluded.error,
                etag = CASE WHEN excluded.status = 200 THEN excluded.etag ELSE urls.etag END,
                last_modified = CASE WHEN excluded.status = 200
                    THEN excluded.last_modified ELSE urls.last_modified END,
                archived = COALESCE(excluded.archived, urls.archived)
            """,
            (url, kind, now_iso(), status, error, etag, last_modified, archived),
        )

    def forget_validators(self, url: str) -> None:
        """Make the next GET of canonical ``url`` unconditional (to see its entries again)."""
        self._db.execute("UPDATE urls SET etag = NULL, last_modified = NULL WHERE url = ?", (url,))

    def page_fetched(self, url: str) -> bool:
        """Whether canonical ``url`` was fetched as a page with success before."""
        row = self._db.execute(
            "SELECT 1 FROM urls WHERE url = ? AND kind = 'page' AND status IN (200, 304)", (url,)
        ).fetchone()
        return row is not None

    def url_errors(self, limit: int = 100) -> list[tuple[str, str, str]]:
        """The latest failures: (canonical URL, time, one-line error), newest first."""
        rows = self._db.execute(
            "SELECT url, fetched_at, error FROM urls WHERE error IS NOT NULL "
            "ORDER BY fetched_at DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [(str(r[0]), str(r[1]), str(r[2])) for r in rows]

    # -- feeds and their entries -----------------------------------------------------------

    def record_poll(
        self,
        feed: str,
        *,
        error: str | None,
        title: str | None = None,
        new_items: int = 0,
        entries: int | None = None,
    ) -> None:
        """Update a feed's health after one poll (``error`` None: a success, 304 included)."""
        stamp = now_iso()
        self._db.execute(
            "INSERT OR IGNORE INTO feeds (url, first_polled, last_polled) VALUES (?, ?, ?)",
            (feed, stamp, stamp),
        )
        if error is None:
            self._db.execute(
                """
                UPDATE feeds SET last_polled = ?, last_success = ?, consecutive_failures = 0,
                    title = COALESCE(?, title), items_seen = items_seen + ?,
                    entries_last = COALESCE(?, entries_last)
                WHERE url = ?
                """,
                (stamp, stamp, title, new_items, entries, feed),
            )
        else:
            self._db.execute(
                """
                UPDATE feeds SET last_polled = ?, last_error = ?, last_error_at = ?,
                    consecutive_failures = consecutive_failures + 1
                WHERE url = ?
                """,
                (stamp, error, stamp, feed),
            )

    def feeds(self) -> list[FeedRow]:
        rows = self._db.execute(
            "SELECT url, title, first_polled, last_polled, last_success, last_error, "
            "last_error_at, consecutive_failures, items_seen, entries_last FROM feeds ORDER BY url"
        ).fetchall()
        return [FeedRow(*row) for row in rows]

    def entry_known(self, feed: str, keys: Iterable[str], max_attempts: int) -> bool:
        """Whether an entry with any of ``keys`` was handled, or tried ``max_attempts`` times."""
        keys = list(keys)
        if not keys:
            return True
        marks = ",".join("?" * len(keys))
        row = self._db.execute(
            f"SELECT 1 FROM entries WHERE feed = ? AND key IN ({marks}) "
            "AND (done = 1 OR attempts >= ?) LIMIT 1",
            (feed, *keys, max_attempts),
        ).fetchone()
        return row is not None

    def mark_entry(self, feed: str, keys: Iterable[str], *, done: bool) -> None:
        """Record an attempt at an entry: ``done`` when its page got a final answer."""
        stamp = now_iso()
        self._db.executemany(
            """
            INSERT INTO entries (feed, key, first_seen, done, attempts) VALUES (?, ?, ?, ?, 1)
            ON CONFLICT (feed, key) DO UPDATE SET
                done = MAX(entries.done, excluded.done), attempts = entries.attempts + 1
            """,
            [(feed, key, stamp, int(done)) for key in keys],
        )

    # -- robots.txt ------------------------------------------------------------------------

    def robots(self, origin: str, newer_than: float) -> tuple[int, bytes] | None:
        row = self._db.execute(
            "SELECT status, body FROM robots WHERE origin = ? AND fetched_at > ?",
            (origin, newer_than),
        ).fetchone()
        return (int(row[0]), bytes(row[1])) if row else None

    def save_robots(self, origin: str, status: int, body: bytes, fetched_at: float) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO robots VALUES (?, ?, ?, ?)", (origin, status, body, fetched_at)
        )

    # -- WARC files ------------------------------------------------------------------------

    def add_warc(self, path: Path) -> None:
        self._db.execute(
            "INSERT OR IGNORE INTO warcs (path, written_at) VALUES (?, ?)", (str(path), now_iso())
        )

    def pending_warcs(self) -> list[Path]:
        """WARC files written but not yet ingested, oldest first."""
        rows = self._db.execute(
            "SELECT path FROM warcs WHERE ingested_at IS NULL ORDER BY written_at, path"
        ).fetchall()
        return [Path(r[0]) for r in rows]

    def mark_ingested(self, paths: Iterable[Path]) -> None:
        stamp = now_iso()
        self._db.executemany(
            "UPDATE warcs SET ingested_at = ? WHERE path = ?", [(stamp, str(p)) for p in paths]
        )
