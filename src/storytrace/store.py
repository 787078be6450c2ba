"""The SQLite store: the only shared state between stages, readable by any SQLite tool.

One file, WAL mode, foreign keys on, numbered migrations tracked with ``PRAGMA user_version``
(each applied with its version bump in one transaction). One writer commits a batch per
transaction, so an interrupted run resumes and loses nothing committed. Every value is bound
with ``?``; rows are written in sorted order so runs are repeatable. Row <-> model mapping lives
here, not on the model.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .errors import StoreError
from .model import (
    Article,
    Family,
    Finding,
    FindingValue,
    Mention,
    Passage,
    RemovedBlock,
    ReuseLink,
    Sentence,
    Story,
)
from .reuse import Postings
from .schema import MIGRATIONS, statements

# Article progress through the pipeline; each stage picks up the articles one step behind it.
STAGE_INGESTED = 0
STAGE_CLEANED = 1  # clean + segment + facts done
STAGE_REUSE = 2  # fingerprints indexed, links found
STAGE_CLUSTERED = 3

# The fingerprint index's levels (schema migration 7; ``Store.add`` explains the layout): level
# 0 holds up to _LEVEL0_ROWS rows (about 500 articles), each next level _LEVEL_GROWTH times
# more; the last level takes whatever reaches it.
FINGERPRINT_LEVELS = 8
_LEVEL0_ROWS = 1 << 17
_LEVEL_GROWTH = 8


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """One SQLite file. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        try:
            if readonly:
                # A read-only store may move between threads: the web server opens it in one
                # worker thread and runs the request in another (never two at once).
                uri = f"{self.path.resolve().as_uri()}?mode=ro"
                self._db = sqlite3.connect(
                    uri, uri=True, isolation_level=None, check_same_thread=False
                )
            else:
                self._db = sqlite3.connect(self.path, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA busy_timeout = 5000")
            self._db.execute("PRAGMA foreign_keys = ON")
            if not readonly:
                self._db.execute("PRAGMA journal_mode = WAL")
                # Said, not left to the build: some SQLite builds default WAL to NORMAL, which
                # can lose the last commits (not consistency) on a power cut. A commit per batch
                # makes the extra fsync cheap.
                self._db.execute("PRAGMA synchronous = FULL")
                self._migrate()
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open store: {exc}") from exc

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{self.path}: store schema {version} is newer than this storytrace "
                f"({len(MIGRATIONS)}); upgrade storytrace"
            )
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.transaction():
                for statement in statements(script):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number:d}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``, or a savepoint when nested; rolls back on error.

        Nesting lets a pipeline step wrap several store calls (fingerprints, links, stage
        marks) into the one transaction of its batch.
        """
        if self._db.in_transaction:
            self._db.execute("SAVEPOINT nested")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK TO nested")
                self._db.execute("RELEASE nested")
                raise
            self._db.execute("RELEASE nested")
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """One read transaction: every query inside sees the store as of a single commit.

        A page reads a story, then its articles, findings and families, in several queries; a
        writer committing between two of them (``serve`` while ``analyze`` runs) would otherwise
        show a story with findings of another clustering. In WAL mode the open read does not
        block the writer. Inside a transaction already, this is a no-op.
        """
        if self._db.in_transaction:
            yield
            return
        self._db.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            self._db.execute("COMMIT")  # ends the read; a read transaction has nothing to write

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    # -- runs and errors --------------------------------------------------------------------

    def start_run(self, command: str, settings: dict[str, Any], algorithms: dict[str, str]) -> int:
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO runs (command, started, settings, algorithms) VALUES (?, ?, ?, ?)",
                (command, _now(), json.dumps(settings, sort_keys=True), json.dumps(algorithms)),
            )
        return int(cursor.lastrowid or 0)

    def finish_run(self, run_id: int, summary: dict[str, Any]) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE runs SET finished = ?, summary = ? WHERE id = ?",
                (_now(), json.dumps(summary, sort_keys=True), run_id),
            )

    def record_errors(self, run_id: int | None, errors: Sequence[tuple[str, str]]) -> None:
        if not errors:
            return
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO input_errors (run_id, origin, cause) VALUES (?, ?, ?)",
                [(run_id, origin, cause) for origin, cause in errors],
            )

    # -- articles ---------------------------------------------------------------------------

    def add_articles(self, articles: Sequence[Article]) -> int:
        """Insert new articles in one transaction; returns how many were new (ids are hashes)."""
        rows = [
            (
                a.id,
                a.external_id,
                a.origin,
                a.format,
                zlib.compress(a.raw, 6),
                a.source,
                a.url,
                a.title,
                _iso(a.published),
                a.author,
                a.lang,
                _now(),
            )
            for a in sorted(articles, key=lambda a: a.id)
        ]
        with self.transaction() as db:
            before = db.total_changes
            db.executemany(
                "INSERT INTO articles (id, external_id, origin, format, raw, source, url, title,"
                " published, author, lang, ingested_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
                rows,
            )
            return db.total_changes - before

    def _article_from_row(self, row: sqlite3.Row, removed: Sequence[RemovedBlock]) -> Article:
        return Article(
            id=row["id"],
            origin=row["origin"],
            format=row["format"],
            raw=zlib.decompress(row["raw"]),
            external_id=row["external_id"],
            source=row["source"],
            url=row["url"],
            title=row["title"],
            published=_parse_iso(row["published"]),
            author=row["author"],
            lang=row["lang"],
            text=row["text"] or "",
            removed=tuple(removed),
        )

    def _removed_for(self, ids: Sequence[str]) -> dict[str, list[RemovedBlock]]:
        removed: dict[str, list[RemovedBlock]] = {i: [] for i in ids}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for row in self._db.execute(
                f"SELECT article_id, start, reason, text FROM removed_blocks"
                f" WHERE article_id IN ({marks}) ORDER BY article_id, idx",
                chunk,
            ):
                removed[row["article_id"]].append(
                    RemovedBlock(row["text"], row["reason"], row["start"])
                )
        return removed

    def articles(self, ids: Sequence[str] | None = None) -> list[Article]:
        """Articles by id (all when ``ids`` is None), in id order."""
        if ids is None:
            rows = list(self._db.execute("SELECT * FROM articles ORDER BY id"))
        else:
            rows = []
            for chunk in _chunks(sorted(set(ids))):
                marks = ",".join("?" * len(chunk))
                rows.extend(
                    self._db.execute(f"SELECT * FROM articles WHERE id IN ({marks})", chunk)
                )
            rows.sort(key=lambda r: r["id"])
        removed = self._removed_for([r["id"] for r in rows])
        return [self._article_from_row(r, removed[r["id"]]) for r in rows]

    def article_sources(self) -> dict[str, str | None]:
        """Every article's outlet, without loading (and decompressing) the articles."""
        return {r[0]: r[1] for r in self._db.execute("SELECT id, source FROM articles")}

    def article(self, article_id: str) -> Article | None:
        found = self.articles([article_id])
        return found[0] if found else None

    def find_article_ids(self, prefix: str) -> list[str]:
        """Ids starting with ``prefix`` (users type short ids), or matching an external id."""
        rows = self._db.execute(
            "SELECT id FROM articles WHERE id LIKE ? ESCAPE '\\' OR external_id = ? ORDER BY id",
            (_like_prefix(prefix), prefix),
        )
        return [r[0] for r in rows]

    def article_ids_at_stage(self, stage: int) -> list[str]:
        rows = self._db.execute("SELECT id FROM articles WHERE stage = ? ORDER BY id", (stage,))
        return [r[0] for r in rows]

    def count_articles(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def save_cleaned(
        self, results: Sequence[tuple[Article, Sequence[Sentence], Sequence[Mention]]]
    ) -> None:
        """Store the clean, segment and facts results of a batch in one transaction."""
        with self.transaction() as db:
            for article, sentences, mentions in sorted(results, key=lambda r: r[0].id):
                # The old full-text row is found through the rowid the article keeps (its
                # article_id column is not indexed, so a lookup by id would scan the index).
                db.execute(
                    "DELETE FROM articles_fts WHERE rowid ="
                    " (SELECT fts_rowid FROM articles WHERE id = ?)",
                    (article.id,),
                )
                fts_rowid = db.execute(
                    "INSERT INTO articles_fts (article_id, title, text) VALUES (?, ?, ?)",
                    (article.id, article.title or "", article.text),
                ).lastrowid
                db.execute(
                    "UPDATE articles SET text = ?, title = ?, author = ?, published = ?,"
                    " lang = ?, source = ?, stage = ?, fts_rowid = ? WHERE id = ?",
                    (
                        article.text,
                        article.title,
                        article.author,
                        _iso(article.published),
                        article.lang,
                        article.source,
                        STAGE_CLEANED,
                        fts_rowid,
                        article.id,
                    ),
                )
                for table in ("removed_blocks", "sentences", "mentions"):
                    db.execute(f"DELETE FROM {table} WHERE article_id = ?", (article.id,))
                db.executemany(
                    "INSERT INTO removed_blocks (article_id, idx, start, reason, text)"
                    " VALUES (?, ?, ?, ?, ?)",
                    [
                        (article.id, i, b.start, b.reason, b.text)
                        for i, b in enumerate(article.removed)
                    ],
                )
                db.executemany(
                    'INSERT INTO sentences (article_id, idx, start, "end") VALUES (?, ?, ?, ?)',
                    [(s.article_id, s.index, s.start, s.end) for s in sentences],
                )
                db.executemany(
                    'INSERT INTO mentions (idx, article_id, start, "end", kind, value, key,'
                    " qualifier, canonical_id, speaker_start, speaker_end)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (i, *_mention_fields(m), m.canonical_id, m.speaker_start, m.speaker_end)
                        for i, m in enumerate(mentions)
                    ],
                )

    def set_stage(self, article_ids: Sequence[str], stage: int) -> None:
        with self.transaction() as db:
            db.executemany(
                "UPDATE articles SET stage = ? WHERE id = ?", [(stage, i) for i in article_ids]
            )

    def sentences(self, article_id: str) -> list[Sentence]:
        rows = self._db.execute(
            'SELECT idx, start, "end" FROM sentences WHERE article_id = ? ORDER BY idx',
            (article_id,),
        )
        return [Sentence(article_id, r["idx"], r["start"], r["end"]) for r in rows]

    def mentions(self, article_ids: Sequence[str]) -> list[Mention]:
        found: list[Mention] = []
        for chunk in _chunks(sorted(set(article_ids))):
            marks = ",".join("?" * len(chunk))
            found.extend(
                _with_speaker(_mention_from(r, r["canonical_id"]), r)
                for r in self._db.execute(
                    f"SELECT * FROM mentions WHERE article_id IN ({marks})"
                    " ORDER BY article_id, idx",
                    chunk,
                )
            )
        return found

    def search(self, query: str, limit: int = 50) -> list[str]:
        """Article ids matching an FTS5 query, best first.

        Text that is not FTS5 syntax ("0.1.0", an unbalanced quote, "U.S.-led") is what people
        type most often, so it is searched again as plain words, each one quoted (all must
        occur); only a query that fails both ways is an error.
        """
        sql = "SELECT article_id FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?"
        try:
            rows = self._db.execute(sql, (query, limit)).fetchall()
        except sqlite3.OperationalError as exc:
            words = query.split()
            if not words or "locked" in str(exc) or "busy" in str(exc):
                raise
            plain = " ".join('"' + word.replace('"', '""') + '"' for word in words)
            rows = self._db.execute(sql, (plain, limit)).fetchall()
        return [r[0] for r in rows]

    # -- outlet line counts (clean_repeats.LineCounts) ----------------------------------------

    def outlet_articles(self, source: str) -> int:
        row = self._db.execute(
            "SELECT articles FROM outlet_articles WHERE source = ?", (source,)
        ).fetchone()
        return int(row[0]) if row else 0

    def line_articles(self, source: str, keys: Iterable[int]) -> dict[int, int]:
        found: dict[int, int] = {}
        for chunk in _chunks(sorted(set(keys))):
            marks = ",".join("?" * len(chunk))
            found.update(
                (int(r[0]), int(r[1]))
                for r in self._db.execute(
                    f"SELECT line_key, articles FROM outlet_lines"
                    f" WHERE source = ? AND line_key IN ({marks})",
                    (source, *chunk),
                )
            )
        return found

    def add_line_counts(
        self, articles: Mapping[str, int], lines: Mapping[str, Mapping[int, int]]
    ) -> None:
        """Add a batch's counts: articles per outlet, and per outlet articles per line."""
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO outlet_articles (source, articles) VALUES (?, ?)"
                " ON CONFLICT(source) DO UPDATE SET articles = articles + excluded.articles",
                sorted(articles.items()),
            )
            db.executemany(
                "INSERT INTO outlet_lines (source, line_key, articles) VALUES (?, ?, ?)"
                " ON CONFLICT(source, line_key) DO UPDATE"
                " SET articles = articles + excluded.articles",
                [
                    (source, key, n)
                    for source, counts in sorted(lines.items())
                    for key, n in sorted(counts.items())
                ],
            )

    # -- reuse ------------------------------------------------------------------------------

    def add(
        self, article_id: str, hashes: npt.NDArray[np.int64], positions: npt.NDArray[np.int32]
    ) -> None:
        """FingerprintIndex.add: the fingerprints of one article (committed with its links).

        Fingerprint hashes are random, so one index over all of them took each new row at a
        random place: once the index outgrew SQLite's page cache, every batch rewrote most of
        its pages into the WAL, and a 100k-article store grew slower with every batch. The
        index is a log-structured merge instead: rows go into a small level 0 (cached); a level
        holding more than its limit (``_LEVEL0_ROWS`` times ``_LEVEL_GROWTH`` per level) is
        merged into the next in key order, a sequential write. Lookups ask each non-empty
        level. bench/fingerprint_store.py: 2.1x faster on 40k articles' fingerprints.
        """
        rows = sorted(
            zip(hashes.tolist(), [article_id] * len(hashes), positions.tolist(), strict=True)
        )
        added = self._db.executemany(
            "INSERT OR IGNORE INTO fingerprint_level_0 (hash, article_id, pos) VALUES (?, ?, ?)",
            rows,
        ).rowcount
        self._db.execute(
            "UPDATE fingerprint_levels SET rows = rows + ? WHERE level = 0", (max(added, 0),)
        )
        self._merge_fingerprint_levels()

    def _merge_fingerprint_levels(self) -> None:
        sizes = dict(self._db.execute("SELECT level, rows FROM fingerprint_levels"))
        limit = _LEVEL0_ROWS
        for level in range(FINGERPRINT_LEVELS - 1):
            if sizes[level] <= limit:
                return
            moved = self._db.execute(
                f"INSERT OR IGNORE INTO fingerprint_level_{level + 1:d} (hash, article_id, pos)"
                f" SELECT hash, article_id, pos FROM fingerprint_level_{level:d}"
                " ORDER BY hash, article_id, pos"
            ).rowcount
            self._db.execute(f"DELETE FROM fingerprint_level_{level:d}")
            sizes[level + 1] += moved
            self._db.executemany(
                "UPDATE fingerprint_levels SET rows = ? WHERE level = ?",
                [(0, level), (sizes[level + 1], level + 1)],
            )
            limit *= _LEVEL_GROWTH

    def lookup(
        self, hashes: npt.NDArray[np.int64], max_holders: int | None = None
    ) -> Iterator[tuple[int, str, int]]:
        """FingerprintIndex.lookup. An article's rows all sit in one level (a merge moves a
        whole level), so ``max_holders + 1`` holders a level are enough for the cap."""
        unique = sorted(set(hashes.tolist()))
        levels = [
            level
            for level, rows in self._db.execute(
                "SELECT level, rows FROM fingerprint_levels ORDER BY level"
            )
            if rows > 0
        ]
        for level in levels:
            for chunk in _chunks(unique):
                marks = ",".join("?" * len(chunk))
                query = (
                    f"SELECT hash, article_id, pos FROM fingerprint_level_{level:d}"
                    f" WHERE hash IN ({marks})"
                )
                params: list[int] = list(chunk)
                if max_holders is not None:
                    query = (
                        "SELECT hash, article_id, pos FROM (SELECT hash, article_id, pos,"
                        " DENSE_RANK() OVER (PARTITION BY hash ORDER BY article_id) AS holder"
                        f" FROM ({query})) WHERE holder <= ?"
                    )
                    params.append(max_holders + 1)
                for row in self._db.execute(query, params):
                    yield int(row[0]), str(row[1]), int(row[2])

    def postings(self, hashes: npt.NDArray[np.int64], max_holders: int | None = None) -> Postings:
        """FingerprintIndex.postings: the rows of ``lookup`` as arrays."""
        names: dict[str, int] = {}
        values: list[int] = []
        holders: list[int] = []
        for value, article_id, _position in self.lookup(hashes, max_holders):
            values.append(value)
            holders.append(names.setdefault(article_id, len(names)))
        return Postings(
            np.array(values, dtype=np.int64), np.array(holders, dtype=np.int64), list(names)
        )

    def save_links(self, links: Iterable[ReuseLink]) -> None:
        self._db.executemany(
            "INSERT INTO reuse_links (a_article, a_start, a_end, b_article, b_start, b_end,"
            " similarity, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [
                (
                    link.a.article_id,
                    link.a.start,
                    link.a.end,
                    link.b.article_id,
                    link.b.start,
                    link.b.end,
                    link.similarity,
                    link.kind,
                )
                for link in links
            ],
        )

    def links(self) -> list[ReuseLink]:
        return self._links("", ())

    def _links(self, where: str, params: tuple[str, ...]) -> list[ReuseLink]:
        rows = self._db.execute(
            f"SELECT * FROM reuse_links {where} ORDER BY a_article, a_start, b_article, b_start",
            params,
        )
        return [
            ReuseLink(
                Passage(r["a_article"], r["a_start"], r["a_end"]),
                Passage(r["b_article"], r["b_start"], r["b_end"]),
                r["similarity"],
                r["kind"],
            )
            for r in rows
        ]

    def links_of(self, article_id: str) -> list[ReuseLink]:
        """The links with a passage in ``article_id``."""
        return [
            link
            for link in self._links(
                "WHERE a_article = ? OR b_article = ?", (article_id, article_id)
            )
        ]

    def links_touching(self, article_ids: Sequence[str]) -> dict[str, list[ReuseLink]]:
        """The links of each of ``article_ids`` (a link appears under both its articles)."""
        found: dict[str, list[ReuseLink]] = {article_id: [] for article_id in article_ids}
        seen: set[tuple[str, int, str, int]] = set()
        for chunk in _chunks(sorted(set(article_ids))):
            marks = ",".join("?" * len(chunk))
            params = (*chunk, *chunk)
            where = f"WHERE a_article IN ({marks}) OR b_article IN ({marks})"
            for link in self._links(where, params):
                key = (link.a.article_id, link.a.start, link.b.article_id, link.b.start)
                if key in seen:
                    continue
                seen.add(key)
                for side in (link.a.article_id, link.b.article_id):
                    if side in found:
                        found[side].append(link)
        return found

    def replace_families(self, families: Sequence[Family]) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM family_passages")
            db.execute("DELETE FROM families")
            db.executemany(
                "INSERT INTO families (id, kind, origin_article_id) VALUES (?, ?, ?)",
                [(f.id, f.kind, f.origin_article_id) for f in families],
            )
            db.executemany(
                'INSERT INTO family_passages (family_id, article_id, start, "end")'
                " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(f.id, p.article_id, p.start, p.end) for f in families for p in f.passages],
            )

    def family(self, family_id: str) -> Family | None:
        row = self._db.execute(
            "SELECT id, kind, origin_article_id FROM families WHERE id = ?", (family_id,)
        ).fetchone()
        if row is None:
            return None
        passages = tuple(
            Passage(r[0], r[1], r[2])
            for r in self._db.execute(
                'SELECT article_id, start, "end" FROM family_passages WHERE family_id = ?'
                " ORDER BY article_id, start",
                (family_id,),
            )
        )
        return Family(row["id"], row["kind"], passages, row["origin_article_id"])

    def families(self, article_ids: Sequence[str] | None = None) -> list[Family]:
        """All families, or those with a passage in one of ``article_ids``."""
        if article_ids is None:
            family_ids = [r[0] for r in self._db.execute("SELECT id FROM families ORDER BY id")]
        else:
            found_ids: set[str] = set()
            for chunk in _chunks(sorted(set(article_ids))):
                marks = ",".join("?" * len(chunk))
                found_ids.update(
                    r[0]
                    for r in self._db.execute(
                        f"SELECT family_id FROM family_passages WHERE article_id IN ({marks})",
                        chunk,
                    )
                )
            family_ids = sorted(found_ids)
        families: list[Family] = []
        for chunk in _chunks(family_ids):
            marks = ",".join("?" * len(chunk))
            passages: dict[str, list[Passage]] = {}
            for r in self._db.execute(
                f'SELECT family_id, article_id, start, "end" FROM family_passages'
                f" WHERE family_id IN ({marks}) ORDER BY family_id, article_id, start",
                chunk,
            ):
                passages.setdefault(r[0], []).append(Passage(r[1], r[2], r[3]))
            families.extend(
                Family(r["id"], r["kind"], tuple(passages.get(r["id"], ())), r["origin_article_id"])
                for r in self._db.execute(
                    f"SELECT id, kind, origin_article_id FROM families WHERE id IN ({marks})"
                    " ORDER BY id",
                    chunk,
                )
            )
        return families

    # -- stories ----------------------------------------------------------------------------

    def assignments(self) -> dict[str, str]:
        rows = self._db.execute("SELECT article_id, story_id FROM story_articles")
        return {r[0]: r[1] for r in rows}

    def open_assignments(self, since: datetime | None, max_articles: int) -> dict[str, str]:
        """Article -> story for the stories still open to new articles: active at or after
        ``since`` (by their latest dated member) or never dated, the most recently created
        first, up to about ``max_articles`` members; all stories when ``since`` is None.

        The cluster stage compares new articles with these only, so a run over a large store
        reads the active window, not the whole corpus (``StoryIndex`` keeps the same window).
        """
        rows = self._db.execute(
            "SELECT sa.article_id, sa.story_id FROM story_articles sa"
            " JOIN stories s ON s.id = sa.story_id"
            " WHERE ? IS NULL OR s.last_seen IS NULL OR s.last_seen >= ?"
            " ORDER BY s.rowid DESC, sa.article_id",
            (_iso(since), _iso(since)),
        )
        found: dict[str, str] = {}
        stories: set[str] = set()
        for article_id, story_id in rows:
            if story_id not in stories:
                if len(found) >= max_articles:
                    break
                stories.add(story_id)
            found[article_id] = story_id
        return found

    def latest_story_date(self) -> datetime | None:
        """The latest date any story was active: the clock of the stream of stored stories."""
        row = self._db.execute("SELECT MAX(last_seen) FROM stories").fetchone()
        return _parse_iso(row[0])

    def save_stories(self, stories: Sequence[Story]) -> None:
        """Insert or update stories and their memberships (article -> one story)."""
        with self.transaction() as db:
            for story in sorted(stories, key=lambda s: s.id):
                db.execute(
                    "INSERT INTO stories (id, title, first_seen, last_seen) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT(id) DO UPDATE SET title = excluded.title,"
                    " first_seen = excluded.first_seen, last_seen = excluded.last_seen",
                    (story.id, story.title, _iso(story.first_seen), _iso(story.last_seen)),
                )
                db.executemany(
                    "INSERT INTO story_articles (article_id, story_id) VALUES (?, ?)"
                    " ON CONFLICT(article_id) DO UPDATE SET story_id = excluded.story_id",
                    [(article_id, story.id) for article_id in story.article_ids],
                )

    def stories(self) -> list[Story]:
        members: dict[str, list[str]] = {}
        for r in self._db.execute(
            "SELECT story_id, article_id FROM story_articles ORDER BY story_id, article_id"
        ):
            members.setdefault(r[0], []).append(r[1])
        return [
            Story(
                r["id"],
                r["title"],
                _parse_iso(r["first_seen"]),
                _parse_iso(r["last_seen"]),
                tuple(members.get(r["id"], ())),
            )
            for r in self._db.execute("SELECT * FROM stories ORDER BY id")
        ]

    def story(self, story_id: str) -> Story | None:
        row = self._db.execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            return None
        members = self._db.execute(
            "SELECT article_id FROM story_articles WHERE story_id = ? ORDER BY article_id",
            (story_id,),
        )
        return Story(
            row["id"],
            row["title"],
            _parse_iso(row["first_seen"]),
            _parse_iso(row["last_seen"]),
            tuple(r[0] for r in members),
        )

    def story_of(self, article_id: str) -> Story | None:
        """The story an article belongs to, or None before clustering."""
        row = self._db.execute(
            "SELECT story_id FROM story_articles WHERE article_id = ?", (article_id,)
        ).fetchone()
        return None if row is None else self.story(row[0])

    def find_story_ids(self, prefix: str) -> list[str]:
        rows = self._db.execute(
            "SELECT id FROM stories WHERE id LIKE ? ESCAPE '\\' ORDER BY id",
            (_like_prefix(prefix),),
        )
        return [r[0] for r in rows]

    # -- findings ---------------------------------------------------------------------------

    # -- what the pipeline still owes (so an interrupted run catches up) ---------------------

    def state(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM pipeline_state WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_state(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO pipeline_state (key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def link_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM reuse_links").fetchone()[0])

    def flag_for_compare(self, story_ids: Iterable[str]) -> None:
        """Mark stories whose findings must be recomputed (cleared by replace_findings)."""
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO stories_to_compare (story_id) VALUES (?) ON CONFLICT DO NOTHING",
                [(story_id,) for story_id in sorted(set(story_ids))],
            )

    def stories_to_compare(self) -> list[str]:
        rows = self._db.execute("SELECT story_id FROM stories_to_compare ORDER BY story_id")
        return [r[0] for r in rows]

    def replace_findings(self, story_id: str, findings: Sequence[Finding]) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM stories_to_compare WHERE story_id = ?", (story_id,))
            db.execute("DELETE FROM findings WHERE story_id = ?", (story_id,))
            for rank, finding in enumerate(findings):
                db.execute(
                    "INSERT INTO findings (id, story_id, rank, kind, topic, independent_sources)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        finding.id,
                        story_id,
                        rank,
                        finding.kind,
                        finding.topic,
                        finding.independent_sources,
                    ),
                )
                for v_idx, value in enumerate(finding.values):
                    db.execute(
                        "INSERT INTO finding_values (finding_id, idx, value, article_ids)"
                        " VALUES (?, ?, ?, ?)",
                        (finding.id, v_idx, value.value, json.dumps(list(value.article_ids))),
                    )
                    db.executemany(
                        "INSERT INTO finding_evidence (finding_id, value_idx, idx, article_id,"
                        ' start, "end", kind, value, key, qualifier)'
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [
                            (finding.id, v_idx, e_idx, *_mention_fields(m))
                            for e_idx, m in enumerate(value.evidence)
                        ],
                    )

    def disagreement_counts(self) -> dict[str, int]:
        """Per story, how many topics its sources disagree on (stories with none left out).

        The story list shows this for every story; loading every finding with its evidence to
        count them cost two queries per finding (about a second per request at 7k findings).
        """
        rows = self._db.execute(
            "SELECT story_id, COUNT(DISTINCT topic) FROM findings WHERE kind = 'disagree'"
            " GROUP BY story_id"
        )
        return {r[0]: int(r[1]) for r in rows}

    def findings(self, story_id: str | None = None) -> list[Finding]:
        where, params = ("WHERE story_id = ?", (story_id,)) if story_id else ("", ())
        rows = list(
            self._db.execute(f"SELECT * FROM findings {where} ORDER BY story_id, rank", params)
        )
        found = []
        for r in rows:
            evidence: dict[int, list[Mention]] = {}
            for e in self._db.execute(
                "SELECT * FROM finding_evidence WHERE finding_id = ? ORDER BY value_idx, idx",
                (r["id"],),
            ):
                evidence.setdefault(e["value_idx"], []).append(_mention_from(e))
            values = tuple(
                FindingValue(
                    v["value"],
                    tuple(json.loads(v["article_ids"])),
                    tuple(evidence.get(v["idx"], ())),
                )
                for v in self._db.execute(
                    "SELECT * FROM finding_values WHERE finding_id = ? ORDER BY idx", (r["id"],)
                )
            )
            found.append(
                Finding(
                    r["story_id"], r["kind"], r["topic"], values, r["independent_sources"], r["id"]
                )
            )
        return found

    def input_errors(self) -> list[tuple[str, str]]:
        rows = self._db.execute("SELECT origin, cause FROM input_errors ORDER BY rowid")
        return [(r[0], r[1]) for r in rows]


def _mention_fields(m: Mention) -> tuple[str, int, int, str, str, str, str]:
    """A mention's columns in table order (article_id, start, end, kind, value, key, qualifier)."""
    return (m.article_id, m.start, m.end, m.kind, m.value, m.key, m.qualifier)


def _mention_from(row: sqlite3.Row, canonical_id: str | None = None) -> Mention:
    return Mention(
        row["article_id"],
        row["start"],
        row["end"],
        row["kind"],
        row["value"],
        row["key"],
        row["qualifier"],
        canonical_id,
    )


def _with_speaker(mention: Mention, row: sqlite3.Row) -> Mention:
    if row["speaker_start"] is None:
        return mention
    return replace(mention, speaker_start=row["speaker_start"], speaker_end=row["speaker_end"])


def _chunks(items: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    """Slices small enough for SQLite's bound-variable limit."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _like_prefix(prefix: str) -> str:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"
