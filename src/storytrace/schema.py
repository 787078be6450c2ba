"""The store's schema as numbered migrations: tables, indexes, full-text index, readable views.

A shipped migration is never edited; a change adds the next one. :class:`storytrace.store.Store`
applies the missing ones on open, each with its ``PRAGMA user_version`` bump in one transaction.
"""

from __future__ import annotations

# Numbered migrations; a shipped migration is never edited, later changes add a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        command TEXT NOT NULL,
        started TEXT NOT NULL,
        finished TEXT,
        settings TEXT NOT NULL,
        algorithms TEXT NOT NULL,
        summary TEXT
    );
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        external_id TEXT,
        origin TEXT NOT NULL,
        format TEXT NOT NULL,
        raw BLOB NOT NULL,              -- zlib-compressed original bytes
        source TEXT,
        url TEXT,
        title TEXT,
        published TEXT,                 -- ISO 8601 with offset, NULL when unknown
        author TEXT,
        lang TEXT,
        text TEXT,                      -- clean body, NULL until cleaned
        stage INTEGER NOT NULL DEFAULT 0,
        ingested_at TEXT NOT NULL
    );
    CREATE INDEX articles_stage ON articles(stage);
    CREATE TABLE removed_blocks (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        start INTEGER NOT NULL,
        reason TEXT NOT NULL,
        text TEXT NOT NULL,
        PRIMARY KEY (article_id, idx)
    );
    CREATE TABLE sentences (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        PRIMARY KEY (article_id, idx)
    );
    CREATE TABLE mentions (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        key TEXT NOT NULL,
        qualifier TEXT NOT NULL,
        canonical_id TEXT,
        PRIMARY KEY (article_id, idx)
    );
    CREATE TABLE fingerprints (
        hash INTEGER NOT NULL,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        pos INTEGER NOT NULL
    );
    CREATE INDEX fingerprints_hash ON fingerprints(hash);
    CREATE TABLE reuse_links (
        a_article TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        a_start INTEGER NOT NULL,
        a_end INTEGER NOT NULL,
        b_article TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        b_start INTEGER NOT NULL,
        b_end INTEGER NOT NULL,
        similarity REAL NOT NULL,
        kind TEXT NOT NULL,
        PRIMARY KEY (a_article, a_start, a_end, b_article, b_start, b_end)
    );
    CREATE TABLE families (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        origin_article_id TEXT REFERENCES articles(id)
    );
    CREATE TABLE family_passages (
        family_id TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        PRIMARY KEY (family_id, article_id, start)
    );
    CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        first_seen TEXT,
        last_seen TEXT
    );
    CREATE TABLE story_articles (
        article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        story_id TEXT NOT NULL REFERENCES stories(id)
    );
    CREATE INDEX story_articles_story ON story_articles(story_id);
    CREATE TABLE findings (
        id TEXT PRIMARY KEY,
        story_id TEXT NOT NULL REFERENCES stories(id),
        rank INTEGER NOT NULL,
        kind TEXT NOT NULL,
        topic TEXT NOT NULL,
        independent_sources INTEGER NOT NULL
    );
    CREATE INDEX findings_story ON findings(story_id);
    CREATE TABLE finding_values (
        finding_id TEXT NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        value TEXT NOT NULL,
        article_ids TEXT NOT NULL,      -- JSON array
        PRIMARY KEY (finding_id, idx)
    );
    CREATE TABLE finding_evidence (
        finding_id TEXT NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
        value_idx INTEGER NOT NULL,
        idx INTEGER NOT NULL,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        key TEXT NOT NULL,
        qualifier TEXT NOT NULL,
        PRIMARY KEY (finding_id, value_idx, idx)
    );
    CREATE TABLE input_errors (
        run_id INTEGER REFERENCES runs(id),
        origin TEXT NOT NULL,
        cause TEXT NOT NULL
    );
    CREATE VIRTUAL TABLE articles_fts USING fts5(article_id UNINDEXED, title, text);

    -- Views with readable names for sqlite3 / Datasette users.
    CREATE VIEW story_overview AS
        SELECT s.id AS story_id, s.title, s.first_seen, s.last_seen,
               COUNT(sa.article_id) AS articles,
               COUNT(DISTINCT a.source) AS outlets,
               (SELECT COUNT(*) FROM findings f
                 WHERE f.story_id = s.id AND f.kind = 'disagree') AS disagreements
        FROM stories s
        JOIN story_articles sa ON sa.story_id = s.id
        JOIN articles a ON a.id = sa.article_id
        GROUP BY s.id;
    CREATE VIEW reused_passages AS
        SELECT fp.family_id, f.kind AS family_kind, f.origin_article_id, fp.article_id,
               a.source, fp.start, fp."end",
               substr(a.text, fp.start + 1, fp."end" - fp.start) AS passage
        FROM family_passages fp
        JOIN families f ON f.id = fp.family_id
        JOIN articles a ON a.id = fp.article_id;
    CREATE VIEW finding_evidence_text AS
        SELECT f.story_id, f.kind, f.topic, v.value, e.article_id, a.source,
               substr(a.text, e.start + 1, e."end" - e.start) AS evidence
        FROM findings f
        JOIN finding_values v ON v.finding_id = f.id
        JOIN finding_evidence e ON e.finding_id = f.id AND e.value_idx = v.idx
        JOIN articles a ON a.id = e.article_id;
    """,
    """
    CREATE TABLE outlet_articles (
        source TEXT PRIMARY KEY,
        articles INTEGER NOT NULL
    );
    CREATE TABLE outlet_lines (
        source TEXT NOT NULL,
        line_key INTEGER NOT NULL,
        articles INTEGER NOT NULL,
        PRIMARY KEY (source, line_key)
    ) WITHOUT ROWID;
    """,
    """
    CREATE TABLE pipeline_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE stories_to_compare (
        story_id TEXT PRIMARY KEY REFERENCES stories(id)
    );
    """,
    # 4: where a quote's speaker is named (offsets into the article's text, NULL if unknown).
    """
    ALTER TABLE mentions ADD COLUMN speaker_start INTEGER;
    ALTER TABLE mentions ADD COLUMN speaker_end INTEGER
    """,
    # 5: the pages ask for one article's links and families; without these indexes each ask
    # scanned the whole table (a_article is the primary key's first column already).
    """
    CREATE INDEX reuse_links_b ON reuse_links(b_article);
    CREATE INDEX family_passages_article ON family_passages(article_id)
    """,
    # 6: each article remembers the rowid of its full-text row. The FTS5 table's article_id
    # column is UNINDEXED, so re-saving an article found its old row by scanning the whole
    # index: one scan per cleaned article, quadratic in the corpus (FTS5 rowids survive VACUUM).
    """
    ALTER TABLE articles ADD COLUMN fts_rowid INTEGER;
    CREATE TEMP TABLE fts_rows AS SELECT rowid AS fts_rowid, article_id FROM articles_fts;
    CREATE INDEX temp.fts_rows_article ON fts_rows(article_id);
    UPDATE articles SET fts_rowid =
        (SELECT max(r.fts_rowid) FROM fts_rows r WHERE r.article_id = articles.id);
    DROP TABLE temp.fts_rows
    """,
    # 7: the fingerprint index as a log-structured merge of sorted levels (Store.add explains
    # why). The old table's rows become level 1; the next merge moves them up if they overflow.
    # No foreign key: articles are never deleted, and a merge would check every row again.
    """
    CREATE TABLE fingerprint_level_0 (
        hash INTEGER NOT NULL,
        article_id TEXT NOT NULL,
        pos INTEGER NOT NULL,
        PRIMARY KEY (hash, article_id, pos)
    ) WITHOUT ROWID;
    CREATE TABLE fingerprint_level_1 (
        hash INTEGER NOT NULL,
        article_id TEXT NOT NULL,
        pos INTEGER NOT NULL,
        PRIMARY KEY (hash, article_id, pos)
    ) WITHOUT ROWID;
    CREATE TABLE fingerprint_level_2 (
        hash INTEGER NOT NULL,
        article_id TEXT NOT NULL,
        pos INTEGER NOT NULL,
        PRIMARY KEY (hash, article_id, pos)
    ) WITHOUT ROWID;
    CREATE TABLE fingerprint_level_3 (
        hash INTEGER NOT NULL,
        article_id TEXT NOT NULL,
        pos INTEGER NOT NULL,
        PRIMARY KEY (hash, article_id, pos)
    ) WITHOUT ROWID;
    CREATE TABLE fingerprint_level_4 (
        hash INTEGER NOT NULL,
        article_id TEXT NOT NULL,
        pos INTEGER NOT NULL,
        PRIMARY KEY (hash, article_id, pos)
    ) WITHOUT ROWID;
    CREATE TABLE fingerprint_level_5 (
        hash INTEGER NOT NULL,
        article_id TEXT NOT NULL,
        pos INTEGER NOT NULL,
        PRIMARY KEY (hash, article_id, pos)
    ) WITHOUT ROWID;
    CREATE TABLE fingerprint_level_6 (
        hash INTEGER NOT NULL,
        article_id TEXT NOT NULL,
        pos INTEGER NOT NULL,
        PRIMARY KEY (hash, article_id, pos)
    ) WITHOUT ROWID;
    CREATE TABLE fingerprint_level_7 (
        hash INTEGER NOT NULL,
        article_id TEXT NOT NULL,
        pos INTEGER NOT NULL,
        PRIMARY KEY (hash, article_id, pos)
    ) WITHOUT ROWID;
    CREATE TABLE fingerprint_levels (
        level INTEGER PRIMARY KEY,
        rows INTEGER NOT NULL
    );
    INSERT INTO fingerprint_levels (level, rows)
        VALUES (0, 0), (1, 0), (2, 0), (3, 0), (4, 0), (5, 0), (6, 0), (7, 0);
    INSERT OR IGNORE INTO fingerprint_level_1 (hash, article_id, pos)
        SELECT hash, article_id, pos FROM fingerprints ORDER BY hash, article_id, pos;
    UPDATE fingerprint_levels SET rows = (SELECT COUNT(*) FROM fingerprint_level_1)
        WHERE level = 1;
    DROP TABLE fingerprints;
    CREATE VIEW fingerprints AS
        SELECT hash, article_id, pos FROM fingerprint_level_0
        UNION ALL SELECT hash, article_id, pos FROM fingerprint_level_1
        UNION ALL SELECT hash, article_id, pos FROM fingerprint_level_2
        UNION ALL SELECT hash, article_id, pos FROM fingerprint_level_3
        UNION ALL SELECT hash, article_id, pos FROM fingerprint_level_4
        UNION ALL SELECT hash, article_id, pos FROM fingerprint_level_5
        UNION ALL SELECT hash, article_id, pos FROM fingerprint_level_6
        UNION ALL SELECT hash, article_id, pos FROM fingerprint_level_7
    """,
)


def statements(migration: str) -> list[str]:
    """The SQL statements of one migration, in order (each ends with ";" and a newline)."""
    return [s.strip() for s in migration.split(";\n") if s.strip()]
