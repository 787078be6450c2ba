"""The store's fingerprint index: its sorted levels against one index over every hash.

The reuse stage adds each article's fingerprints (random 64-bit hashes) to the store and looks
up each batch's hashes. Until schema migration 7 they sat in one table with one index on
``hash``; now ``Store.add`` writes them into levels that are merged in key order (see its
docstring). This runs both on the same synthetic batches in one process, one after the other:

- ``one index``: the old layout (``fingerprints(hash, article_id, pos)`` + index on ``hash``),
  the same statements the store used to run;
- ``levels``: ``Store.add`` and ``Store.lookup`` of a fresh store.

Each batch (``--articles-per-batch`` articles of ``--fingerprints`` hashes each) first looks up
its hashes, then adds them, in one transaction, as the reuse stage does. Prints the seconds
per ``--report-every`` articles (growth shows whether the cost rises with the store) and the
total, and the ratio.

Usage: ``python bench/fingerprint_store.py [--articles 40000] [--folder /tmp]``
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from storytrace.store import Store

Batch = list[tuple[str, np.ndarray, np.ndarray]]


def batches(articles: int, per_batch: int, fingerprints: int) -> Iterator[Batch]:
    rng = np.random.default_rng(0)
    positions = np.arange(fingerprints, dtype=np.int32)
    for first in range(0, articles, per_batch):
        yield [
            (f"{n:012x}aaaa", rng.integers(-(2**62), 2**62, fingerprints), positions)
            for n in range(first, min(articles, first + per_batch))
        ]


def run_one_index(path: Path, stream: Iterator[Batch], tick: Callable[[int], None]) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("CREATE TABLE fingerprints (hash INTEGER NOT NULL, article_id TEXT, pos INTEGER)")
    db.execute("CREATE INDEX fingerprints_hash ON fingerprints(hash)")
    for batch in stream:
        db.execute("BEGIN IMMEDIATE")
        wanted = sorted({h for _, hashes, _ in batch for h in hashes.tolist()})
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            db.execute(
                f"SELECT hash, article_id, pos FROM fingerprints WHERE hash IN ({marks})", chunk
            ).fetchall()
        for article_id, hashes, positions in batch:
            db.executemany(
                "INSERT INTO fingerprints (hash, article_id, pos) VALUES (?, ?, ?)",
                zip(hashes.tolist(), [article_id] * len(hashes), positions.tolist(), strict=True),
            )
        db.execute("COMMIT")
        tick(len(batch))
    db.close()


def run_levels(path: Path, stream: Iterator[Batch], tick: Callable[[int], None]) -> None:
    with Store(path) as store:
        for batch in stream:
            with store.transaction():
                list(store.lookup(np.concatenate([hashes for _, hashes, _ in batch])))
                for article_id, hashes, positions in batch:
                    store.add(article_id, hashes, positions)
            tick(len(batch))


def measure(name: str, run: Callable[..., None], args: argparse.Namespace, folder: Path) -> float:
    done, last, start = 0, time.perf_counter(), time.perf_counter()
    steps: list[str] = []

    def tick(count: int) -> None:
        nonlocal done, last
        done += count
        if done % args.report_every == 0:
            now = time.perf_counter()
            steps.append(f"{now - last:.1f}")
            last = now

    stream = batches(args.articles, args.articles_per_batch, args.fingerprints)
    run(folder / f"{name.replace(' ', '-')}.db", stream, tick)
    total = time.perf_counter() - start
    print(f"| {name} | {total:.1f} | {' / '.join(steps)} |", flush=True)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=40_000)
    parser.add_argument("--articles-per-batch", type=int, default=200)
    parser.add_argument("--fingerprints", type=int, default=250)
    parser.add_argument("--report-every", type=int, default=5_000)
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.folder) as tmp:
        print(f"{args.articles:,} articles x {args.fingerprints} fingerprints\n")
        print(f"| layout | seconds | seconds per {args.report_every:,} articles |\n|---|---|---|")
        old = measure("one index", run_one_index, args, Path(tmp))
        new = measure("levels (Store)", run_levels, args, Path(tmp))
    print(f"\none index / levels: {old / new:.2f}x")


if __name__ == "__main__":
    main()
