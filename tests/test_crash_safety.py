"""Crash safety (issue 11, item 3): `storytrace run` killed with SIGKILL, resumed, compared.

A real process is killed, not an exception raised in process: SIGKILL is what the OOM killer
or ``kill -9`` does (no ``finally``, no ``__exit__``, a WAL with frames of an unfinished
transaction). A power cut also loses what the OS had not yet written; the store's
``synchronous = FULL`` covers that (checked below), which a kill cannot show. Each
kill is aimed at one step by watching the store from outside (a read-only connection, as
``serve`` has) until that step has committed a random number of articles, then waiting a random
few milliseconds more, so kills land inside batches and commits of ingest, clean, reuse,
families, cluster and compare. After every kill the store must pass ``PRAGMA integrity_check``
and keep everything an earlier look saw committed; after the last resume the export must equal
that of an uninterrupted run and every table must hold the same rows (nothing doubled: line
counts, fingerprints, links, full-text rows).

The default suite runs one short chain; the >= 20-kill run is ``slow``
(``pytest -m slow tests/test_crash_safety.py``) and prints where its kills landed.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

import storytrace
from storytrace.schema import MIGRATIONS
from storytrace.settings import load_settings
from storytrace.store import Store

from .conftest import REPO, load_bench_module

REUSE_SYNTHETIC = REPO.parent / "shared" / "data" / "reuse-synthetic" / "articles.jsonl"
STORYTRACE = [sys.executable, "-c", "from storytrace.cli import main; main()"]
# Tables whose rows must match an uninterrupted run exactly; ``runs`` and ``input_errors`` log
# each invocation, so a resumed store rightly has more of them.
COMPARED_TABLES = (
    "articles", "removed_blocks", "sentences", "mentions", "fingerprints", "reuse_links",
    "families", "family_passages", "stories", "story_articles", "findings", "finding_values",
    "finding_evidence", "outlet_articles", "outlet_lines", "pipeline_state",
    "stories_to_compare", "articles_fts",
)  # fmt: skip
# Columns that differ between two runs by design (wall-clock time of ingest).
VOLATILE_COLUMNS = {"articles": {"ingested_at"}}


@dataclass(frozen=True)
class Trigger:
    """Kill once the store shows ``count`` >= ``at``, after ``jitter_s`` more seconds."""

    step: str  # ingest, clean, reuse, cluster, compare or time
    at: int
    jitter_s: float


@dataclass
class Committed:
    """What a look at the store saw committed; a later look must still see all of it."""

    stages: dict[str, int]
    links: set[tuple[str, int, int, str, int, int]]


def _write_corpus(folder: Path, articles: int, files: int) -> list[Path]:
    """News with reuse, numbers and quotes (reuse-synthetic) split into a few JSONL files.

    Without ../shared/data the seeded generator of bench/ stands in (reuse and stories, few
    findings). Several files, so that ingest reads more than one.
    """
    if REUSE_SYNTHETIC.exists():
        with REUSE_SYNTHETIC.open(encoding="utf-8") as handle:
            lines = [next(handle).rstrip("\n") for _ in range(articles)]
    else:
        gen = load_bench_module("generate_corpus.py", "generate_corpus_crash")
        generated = folder / "generated.jsonl"
        gen.generate(articles, generated, seed=11)
        lines = generated.read_text("utf-8").splitlines()
    paths = []
    for number in range(files):
        path = folder / f"part-{number}.jsonl"
        path.write_text("\n".join(lines[number::files]) + "\n", "utf-8")
        paths.append(path)
    return paths


def _config(folder: Path, batch_size: int, workers: int = 1) -> Path:
    """Small batches: many commits per step, so kills land between and inside them.
    ``workers`` > 1: the clean step runs in that many worker processes even for few articles,
    so kills also land while workers are busy."""
    path = folder / "settings.toml"
    path.write_text(
        f"[pipeline]\nbatch_size = {batch_size}\nworkers = {workers}\nparallel_min_articles = 2\n",
        "utf-8",
    )
    return path


def _command(db: Path, paths: list[Path], config: Path) -> list[str]:
    return [*STORYTRACE, "run", *map(str, paths), "--db", str(db), "--config", str(config), "-q"]


# What a kill aims at: committed progress of each step, counted from outside.
_PROGRESS = {
    "ingest": "SELECT COUNT(*) FROM articles",
    "clean": "SELECT COUNT(*) FROM articles WHERE stage >= 1",
    "reuse": "SELECT COUNT(*) FROM articles WHERE stage >= 2",
    "cluster": "SELECT COUNT(*) FROM articles WHERE stage >= 2",
    "compare": "SELECT COUNT(*) FROM findings",
}


class _Watch:
    """Counts committed progress of one step from outside, as often as every millisecond.

    Keeps one read-only connection (opening one per look is slower than an ingest batch).
    """

    def __init__(self, db: Path, step: str) -> None:
        self.db, self.step = db, step
        self.started = time.monotonic()
        self.connection: sqlite3.Connection | None = None

    def count(self) -> int:
        """How far the step has got (elapsed ms for "time"), or -1 before the schema exists."""
        if self.step == "time":
            return int((time.monotonic() - self.started) * 1000)
        try:
            if self.connection is None:
                if not self.db.exists():
                    return -1
                uri = f"{self.db.resolve().as_uri()}?mode=ro"
                self.connection = sqlite3.connect(uri, uri=True, isolation_level=None)
                self.connection.execute("PRAGMA busy_timeout = 5000")
            return int(self.connection.execute(_PROGRESS[self.step]).fetchone()[0])
        except sqlite3.OperationalError:  # the first migration has not committed yet
            self.close()
            return -1

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def _run_and_kill(command: list[str], db: Path, trigger: Trigger, log: Path) -> bool:
    """Run ``command``, SIGKILL it when ``trigger`` fires; False if it finished first."""
    watch = _Watch(db, trigger.step)
    with log.open("ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=out, cwd=db.parent)
        try:
            while process.poll() is None:
                if watch.count() >= trigger.at:
                    time.sleep(trigger.jitter_s)
                    if process.poll() is not None:
                        break
                    os.kill(process.pid, signal.SIGKILL)
                    process.wait()
                    return True
                time.sleep(0.001)
        finally:
            watch.close()
            if process.poll() is None:  # the test itself failed: leave no process behind
                process.kill()
                process.wait()
    assert process.returncode == 0, log.read_text("utf-8", "replace")[-2000:]
    return False


def _landing(db: Path, total: int) -> str:
    """The step a killed run was in: the first one with work still owed in the store."""
    if not db.exists():
        return "open"
    with closing(sqlite3.connect(db)) as connection:
        if connection.execute("PRAGMA user_version").fetchone()[0] < len(MIGRATIONS):
            return "open"
        stages = Counter(
            dict(connection.execute("SELECT stage, COUNT(*) FROM articles GROUP BY 1"))
        )
        if sum(stages.values()) < total:
            return "ingest"
        if stages[0]:
            # The reuse of cleaned batches runs while later batches are cleaned.
            return "clean+reuse" if sum(n for stage, n in stages.items() if stage >= 2) else "clean"
        if stages[1]:
            return "reuse"
        links = connection.execute("SELECT COUNT(*) FROM reuse_links").fetchone()[0]
        grouped = connection.execute(
            "SELECT value FROM pipeline_state WHERE key = 'families_built_from_links'"
        ).fetchone()
        if links and (grouped is None or grouped[0] != str(links)):
            return "families"
        if stages[2]:
            return "cluster"
        if connection.execute("SELECT COUNT(*) FROM stories_to_compare").fetchone()[0]:
            return "compare"
        return "finish"


def _check_store(db: Path) -> None:
    with closing(sqlite3.connect(db)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def _committed(db: Path) -> Committed:
    with closing(sqlite3.connect(db)) as connection:
        try:
            stages = dict(connection.execute("SELECT id, stage FROM articles"))
            links = set(
                connection.execute(
                    "SELECT a_article, a_start, a_end, b_article, b_start, b_end FROM reuse_links"
                )
            )
        except sqlite3.OperationalError:  # killed before the first migration committed
            return Committed({}, set())
    return Committed(stages, links)


def _assert_kept(before: Committed, after: Committed) -> None:
    """Nothing committed is lost: every article, its progress and every link survive."""
    assert before.stages.keys() <= after.stages.keys()
    assert all(after.stages[i] >= stage for i, stage in before.stages.items())
    assert before.links <= after.links


def _table_digests(db: Path) -> dict[str, tuple[int, str]]:
    """Per table: row count and a digest of its sorted rows (volatile columns left out)."""
    digests = {}
    with closing(sqlite3.connect(db)) as connection:
        for table in COMPARED_TABLES:
            columns = [
                row[1]
                for row in connection.execute(f"SELECT * FROM pragma_table_info('{table}')")
                if row[1] not in VOLATILE_COLUMNS.get(table, set())
            ]
            quoted = ", ".join(f'"{c}"' for c in columns)
            rows = sorted(repr(r) for r in connection.execute(f"SELECT {quoted} FROM {table}"))
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            digests[table] = (len(rows), digest)
    return digests


def _export(db: Path) -> object:
    """The JSON export document, as ``storytrace export --format json`` writes it."""
    with storytrace.open(db) as corpus:
        return json.loads(json.dumps(corpus.to_dict(), ensure_ascii=False))


@dataclass
class Reference:
    export: object
    tables: dict[str, tuple[int, str]]


def _reference(folder: Path, paths: list[Path], config: Path, total: int) -> Reference:
    """An uninterrupted run, in process (what ``storytrace run`` calls; saves a start-up)."""
    db = folder / "reference.db"
    with storytrace.open(db, load_settings(config)) as corpus:
        ingested = corpus.ingest(paths)
        analysed = corpus.analyze()
    assert (ingested.new, ingested.errors, analysed.errors) == (total, [], [])
    assert analysed.reuse_links and analysed.stories_touched
    _check_store(db)
    return Reference(_export(db), _table_digests(db))


def _triggers(rng: random.Random, total: int, batch: int, kills: int) -> Iterator[Trigger]:
    """One trigger per step in pipeline order, repeated: each chain crosses every step."""
    steps = ("ingest", "clean", "reuse", "cluster", "compare", "time")
    for number in range(kills):
        step = steps[number % len(steps)]
        if step == "ingest":
            # Ingest is quick (a few commits a second): aim before the last three batches.
            yield Trigger(step, rng.randint(1, total - 3 * batch), rng.uniform(0, 0.01))
        elif step in ("clean", "reuse"):
            yield Trigger(step, rng.randint(0, total - 1), rng.uniform(0, 0.4))
        elif step == "cluster":  # after the last reuse batch: families, then clustering
            yield Trigger(step, total, rng.uniform(0, 1.5))
        elif step == "compare":
            yield Trigger(step, rng.randint(1, 40), rng.uniform(0, 0.3))
        else:  # anywhere, the interpreter's start and the store's opening included
            yield Trigger(step, rng.randint(0, 4000), 0.0)


def _kill_chain(
    folder: Path,
    paths: list[Path],
    config: Path,
    total: int,
    triggers: list[Trigger],
    reference: Reference,
) -> Counter[str]:
    """Kill one run per trigger on a fresh store, resume to the end, compare with reference."""
    folder.mkdir()
    db = folder / "killed.db"
    landed: Counter[str] = Counter()
    seen = Committed({}, set())
    for trigger in triggers:
        if not _run_and_kill(_command(db, paths, config), db, trigger, folder / "log.txt"):
            landed["not killed (run had finished)"] += 1
            continue
        landed[_landing(db, total)] += 1
        if db.exists():
            _check_store(db)
            now = _committed(db)
            _assert_kept(seen, now)
            seen = now
    # The last resume runs in process: what `storytrace run` calls, one interpreter start less.
    with storytrace.open(db, load_settings(config)) as corpus:
        corpus.ingest(paths)
        assert corpus.analyze().errors == []
    _check_store(db)
    _assert_kept(seen, _committed(db))
    assert _table_digests(db) == reference.tables
    assert _export(db) == reference.export
    return landed


def test_the_writer_syncs_every_commit(tmp_path: Path) -> None:
    """WAL with synchronous FULL: a commit is on disk before the batch is counted as done."""
    with Store(tmp_path / "s.db") as store:
        connection = store._db  # the pragma is per connection; only the store's own one tells
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_killed_runs_resume_to_the_same_store(tmp_path: Path) -> None:
    """Two kills (in ingest, then in reuse) on a small corpus; the default suite's variant."""
    paths = _write_corpus(tmp_path, articles=36, files=2)
    config = _config(tmp_path, batch_size=6)
    reference = _reference(tmp_path, paths, config, 36)
    triggers = [Trigger("ingest", 6, 0.0), Trigger("reuse", 6, 0.0)]
    landed = _kill_chain(tmp_path / "chain", paths, config, 36, triggers, reference)
    # Where the second kill lands depends on the machine's speed (a fast one may already be
    # clustering when the signal arrives); what matters is that it lands inside analyze.
    analyze_steps = ("clean", "clean+reuse", "reuse", "families", "cluster", "compare")
    assert landed["ingest"] == 1, landed
    assert sum(landed[step] for step in analyze_steps) == 1, landed


@pytest.mark.slow
def test_twenty_four_kills_across_ingest_and_analyze(tmp_path: Path) -> None:
    """>= 20 SIGKILLs spread over every step, four chains; prints where they landed."""
    if not REUSE_SYNTHETIC.exists():  # the generated stand-in has no findings to aim at
        pytest.skip("../shared/data/reuse-synthetic is not here")
    total = 300
    paths = _write_corpus(tmp_path, articles=total, files=6)
    batch = 20
    config = _config(tmp_path, batch_size=batch, workers=2)
    reference = _reference(tmp_path, paths, config, total)
    rng = random.Random(int(os.environ.get("STORYTRACE_KILL_SEED", "11")))
    landed: Counter[str] = Counter()
    for chain in range(4):
        triggers = list(_triggers(rng, total, batch, 6))
        landed += _kill_chain(
            tmp_path / f"chain-{chain}", paths, config, total, triggers, reference
        )
    kills = sum(n for step, n in landed.items() if not step.startswith("not"))
    print(f"\nkills: {kills}; landed in: {dict(sorted(landed.items()))}")
    assert kills >= 20
    # Cleaning and reuse overlap (the reuse of each cleaned batch runs while the next one is
    # cleaned), so kills aimed at either land in both.
    assert landed["ingest"] and landed["clean+reuse"]
