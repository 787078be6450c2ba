"""Web UI and static report speed (issue 8): story pages served, report written.

Builds (or reuses) a store of ``--articles`` generated articles (bench/generate_corpus.py,
ingest + analyze), serves it with ``storytrace.web`` under uvicorn on loopback in this
process's thread, and requests story pages and the JSON story endpoint in a bounded loop
(``--requests`` per kind, one client, keep-alive; the largest stories and random ones), then
writes the static report of the same store. Prints p50/p95/max latency and the report's time.

There is no peer for a corpus UI; the issue's targets are absolute (story page p95 < 100 ms on
100k articles, a report of 10k articles in < 2 minutes).

Usage: ``python bench/web.py [--articles 10000] [--requests 300] [--folder /tmp/storytrace-web]``
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import httpx

import storytrace
from storytrace.report import write_report
from storytrace.store import Store
from storytrace.web import serve_in_background


def build_store(articles: int, folder: Path) -> Path:
    """A store of ``articles`` generated articles, analysed; built once per size."""
    from generate_corpus import generate

    folder.mkdir(parents=True, exist_ok=True)
    db = folder / f"web-{articles}.db"
    if db.exists():
        storytrace.open(db).close()  # brings an older store's schema up to date
        return db
    corpus_path = folder / f"corpus-{articles}.jsonl"
    if not corpus_path.exists():
        generate(articles, corpus_path)
    start = time.perf_counter()
    partial = db.with_suffix(".partial.db")
    partial.unlink(missing_ok=True)
    with storytrace.open(partial) as corpus:
        corpus.ingest([corpus_path])
        corpus.analyze()
    partial.rename(db)
    print(f"built {db} in {time.perf_counter() - start:.0f} s")
    return db


def _latencies(client: httpx.Client, urls: list[str]) -> list[float]:
    times = []
    for url in urls:
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        response.raise_for_status()
    return times


def _row(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return (
        f"| {name} | {len(times)} | {statistics.median(times):.1f} | {p95:.1f} "
        f"| {ordered[-1]:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument(
        "--folder", type=Path, default=Path(tempfile.gettempdir()) / "storytrace-web"
    )
    args = parser.parse_args()
    db = build_store(args.articles, args.folder)
    with Store(db, readonly=True) as store:
        stories = store.stories()
    largest = sorted(stories, key=lambda s: -len(s.article_ids))[:20]
    rng = random.Random(1)
    picked = [*largest, *rng.sample(stories, min(len(stories), 80))]
    urls = [f"/story-{picked[i % len(picked)].id}.html" for i in range(args.requests)]
    api = [f"/api/stories/{picked[i % len(picked)].id}" for i in range(args.requests)]
    with serve_in_background(db) as base, httpx.Client(base_url=base) as client:
        _latencies(client, urls[:20])  # warm-up: imports, templates, SQLite page cache
        pages, json_times = _latencies(client, urls), _latencies(client, api)
        index = _latencies(client, ["/index.html"] * 5)
    print(f"\n{args.articles:,} articles, {len(stories):,} stories ({db})\n")
    print("| request | n | median ms | p95 ms | max ms |\n|---|---|---|---|---|")
    print(_row("story page (HTML)", pages))
    print(_row("story (JSON API)", json_times))
    print(_row("story list (HTML, all stories)", index))
    with tempfile.TemporaryDirectory() as out, Store(db, readonly=True) as store:
        start = time.perf_counter()
        write_report(store, Path(out))
        seconds = time.perf_counter() - start
        pages_written = sum(1 for _ in Path(out).glob("*.html"))
    print(f"\nstatic report: {pages_written:,} pages in {seconds:.1f} s")


if __name__ == "__main__":
    main()
