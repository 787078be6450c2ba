"""The store: migrations, idempotent inserts, round-trips, nested transactions."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace import store as store_module
from storytrace.errors import StoreError
from storytrace.model import (
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
from storytrace.schema import MIGRATIONS, statements
from storytrace.store import STAGE_CLEANED, STAGE_INGESTED, Store

from .test_reuse import assert_capped


def _article(article_id: str = "a1", raw: bytes = b"raw bytes", **kw: object) -> Article:
    return Article(id=article_id, origin=f"{article_id}.txt", format="text", raw=raw, **kw)  # type: ignore[arg-type]


def test_new_store_is_migrated_and_uses_wal(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
    assert {"articles", "stories", "findings", "articles_fts", "story_overview"} <= tables


def test_reopening_does_not_migrate_twice(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    Store(path).close()
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer"):
        Store(path)


def test_same_article_twice_is_stored_once(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        assert store.add_articles([_article()]) == 1
        assert store.add_articles([_article()]) == 0
        assert store.count_articles() == 1


def test_failed_transaction_keeps_earlier_batches(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        store.add_articles([_article("a1")])
        with pytest.raises(RuntimeError), store.transaction() as db:
            db.execute(
                "INSERT INTO articles (id, origin, format, raw, ingested_at)"
                " VALUES ('a2', 'x', 'text', x'00', 'now')"
            )
            raise RuntimeError("interrupted")
        assert [a.id for a in store.articles()] == ["a1"]


def test_nested_transaction_rolls_back_only_inner(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        with store.transaction():
            store.add_articles([_article("a1")])
            with pytest.raises(RuntimeError), store.transaction():
                store.add_articles([_article("a2", raw=b"other")])
                raise RuntimeError("inner")
        assert [a.id for a in store.articles()] == ["a1"]


def test_cleaned_article_round_trips(tmp_path: Path) -> None:
    published = datetime(2020, 5, 1, 12, 30, tzinfo=UTC)
    cleaned = _article(
        title="A title",
        published=published,
        text="Body one. Body two.",
        removed=(RemovedBlock("Share this", "widget", 0),),
    )
    mention = Mention("a1", 0, 4, "person", "Body", "", "")
    with Store(tmp_path / "s.db") as store:
        store.add_articles([_article()])
        assert store.article_ids_at_stage(STAGE_INGESTED) == ["a1"]
        store.save_cleaned([(cleaned, [Sentence("a1", 0, 0, 9)], [mention])])
        assert store.article_ids_at_stage(STAGE_CLEANED) == ["a1"]
        again = store.article("a1")
        assert again == cleaned
        assert store.sentences("a1") == [Sentence("a1", 0, 0, 9)]
        assert store.mentions(["a1"]) == [mention]
        assert store.search("two") == ["a1"]


def test_cleaning_again_replaces_the_full_text_row(tmp_path: Path) -> None:
    first = _article(title="Old", text="Alpha words here.")
    second = _article(title="New", text="Beta words here.")
    with Store(tmp_path / "s.db") as store:
        store.add_articles([_article()])
        store.save_cleaned([(first, [], [])])
        store.save_cleaned([(second, [], [])])
        assert store.search("alpha") == []
        assert store.search("beta") == ["a1"]
    assert _full_text_rows(tmp_path / "s.db") == 1


def test_migration_6_links_existing_full_text_rows(tmp_path: Path) -> None:
    """A store made before migration 6 keeps its search and re-cleans without a stray row."""
    path = tmp_path / "s.db"
    db = _store_at_version(path, 5)
    db.execute(
        "INSERT INTO articles (id, origin, format, raw, text, stage, ingested_at)"
        " VALUES ('a1', 'a1.txt', 'text', x'00', 'Alpha words here.', 1, 'now')"
    )
    db.execute(
        "INSERT INTO articles_fts (article_id, title, text) VALUES ('a1', '', 'Alpha words here.')"
    )
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert store.search("alpha") == ["a1"]
        store.save_cleaned([(_article(text="Beta words here."), [], [])])
        assert store.search("alpha") == []
    assert _full_text_rows(path) == 1


def _store_at_version(path: Path, version: int) -> sqlite3.Connection:
    """A store as an older storytrace left it: only the first ``version`` migrations applied."""
    db = sqlite3.connect(path)
    for number, script in enumerate(MIGRATIONS[:version], start=1):
        for statement in statements(script):
            db.execute(statement)
        db.execute(f"PRAGMA user_version = {number:d}")
    return db


def _full_text_rows(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT COUNT(*) FROM articles_fts").fetchone()[0])


def test_fingerprint_index_lookup(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        store.add_articles([_article()])
        hashes = np.array([-5, 2**62, 7], dtype=np.int64)
        store.add("a1", hashes, np.array([0, 3, 9], dtype=np.int32))
        found = sorted(store.lookup(np.array([7, -5, 99], dtype=np.int64)))
        assert found == [(-5, "a1", 0), (7, "a1", 9)]
        # The reuse stage reads the same rows as arrays.
        postings = store.postings(np.array([7, -5, 99], dtype=np.int64))
        assert sorted(postings.rows()) == [(-5, "a1"), (7, "a1")]


def test_fingerprint_levels_merge_and_keep_every_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a tiny level 0, rows cascade up through the levels; none is lost or doubled."""
    monkeypatch.setattr(store_module, "_LEVEL0_ROWS", 4)
    monkeypatch.setattr(store_module, "_LEVEL_GROWTH", 2)
    rng = np.random.default_rng(3)
    expected = set()
    with Store(tmp_path / "s.db") as store:
        for n in range(40):
            article_id = f"a{n:02d}"
            hashes = rng.integers(-50, 50, 5).astype(np.int64)
            positions = np.arange(5, dtype=np.int32)
            with store.transaction():
                store.add(article_id, hashes, positions)
            expected |= set(zip(hashes.tolist(), [article_id] * 5, positions.tolist(), strict=True))
        found = set(store.lookup(np.arange(-50, 50, dtype=np.int64)))
        capped = {
            cap: list(store.lookup(np.arange(-50, 50, dtype=np.int64), cap)) for cap in (0, 2)
        }
    assert found == expected
    for cap, got in capped.items():  # an article's rows all lie in one level
        assert_capped(got, sorted(expected), cap)
    with sqlite3.connect(tmp_path / "s.db") as db:
        sizes = dict(db.execute("SELECT level, rows FROM fingerprint_levels"))
        assert max(level for level, rows in sizes.items() if rows) >= 4  # it did cascade
        for level, rows in sizes.items():
            counted = db.execute(f"SELECT COUNT(*) FROM fingerprint_level_{level:d}").fetchone()
            assert counted[0] == rows
        assert db.execute("SELECT COUNT(*) FROM fingerprints").fetchone()[0] == len(expected)


def test_migration_7_keeps_the_fingerprints_of_an_older_store(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    db = _store_at_version(path, 6)
    db.execute(
        "INSERT INTO articles (id, origin, format, raw, stage, ingested_at)"
        " VALUES ('a1', 'a1.txt', 'text', x'00', 2, 'now')"
    )
    db.executemany(
        "INSERT INTO fingerprints (hash, article_id, pos) VALUES (?, 'a1', ?)", [(9, 0), (-3, 4)]
    )
    db.commit()
    db.close()
    with Store(path) as store:
        assert sorted(store.lookup(np.array([9, -3, 5], dtype=np.int64))) == [
            (-3, "a1", 4),
            (9, "a1", 0),
        ]


def test_links_families_stories_findings_round_trip(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        store.add_articles([_article("a1"), _article("a2", raw=b"two")])
        link = ReuseLink(Passage("a1", 0, 10), Passage("a2", 5, 15), 1.0, "verbatim")
        with store.transaction():
            store.save_links([link, link])
        assert store.links() == [link]
        family = Family("f1", "copy", (Passage("a1", 0, 10), Passage("a2", 5, 15)), "a1")
        store.replace_families([family])
        assert store.families() == [family]
        assert store.families(["zz"]) == []
        story = Story("s1", "Title", None, None, ("a1", "a2"))
        store.save_stories([story])
        assert store.stories() == [story]
        assert store.story("s1") == story
        assert store.find_story_ids("s") == ["s1"]
        evidence = Mention("a1", 0, 4, "date", "2020-04", "reported", "month")
        finding = Finding(
            "s1", "disagree", "reported", (FindingValue("2020-04", ("a1",), (evidence,)),), 2, "f1"
        )
        store.replace_findings("s1", [finding])
        store.replace_findings("s1", [finding])
        assert store.findings("s1") == [finding]


def test_like_prefix_is_escaped(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        store.add_articles([_article("a_1"), _article("ab1", raw=b"x")])
        assert store.find_article_ids("a_") == ["a_1"]
        assert store.find_article_ids("%") == []


@settings(max_examples=30, deadline=None)
@given(text=st.text(), raw=st.binary(), title=st.one_of(st.none(), st.text()))
def test_arbitrary_text_and_bytes_round_trip(
    tmp_path_factory: pytest.TempPathFactory, text: str, raw: bytes, title: str | None
) -> None:
    path = tmp_path_factory.mktemp("h") / "s.db"
    article = Article(id="x", origin="o", format="text", raw=raw, title=title, text=text)
    with Store(path) as store:
        store.add_articles([article])
        store.save_cleaned([(article, [], [])])
        assert store.article("x") == article


def test_a_read_only_store_can_be_handed_between_threads(filled_store: Store) -> None:
    # The web server opens the store in one worker thread and queries it in another.
    import threading

    path = filled_store.path
    filled_store.close()
    store = Store(path, readonly=True)
    found: list[int] = []
    worker = threading.Thread(target=lambda: found.append(len(store.stories())))
    worker.start()
    worker.join()
    closer = threading.Thread(target=store.close)
    closer.start()
    closer.join()
    assert found == [1]
