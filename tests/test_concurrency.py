"""Concurrency (issue 11, item 4): `serve` answers while `storytrace run` writes the store.

The writer is a real ``storytrace run`` process with small batches (many commits); the server is
the real app under uvicorn on loopback. The client asks for every kind of page and API answer,
including the stories and articles it has just seen listed, as fast as it can until the writer
is done. Every answer must be a 200: no "database is locked", no 500 from a page that read a
story in one commit and its articles in the next (each request reads one snapshot).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from storytrace.report import page_name
from storytrace.store import Store
from storytrace.web import serve_in_background

from .conftest import REPO, load_bench_module

REUSE_SYNTHETIC = REPO.parent / "shared" / "data" / "reuse-synthetic" / "articles.jsonl"
STORYTRACE = [sys.executable, "-c", "from storytrace.cli import main; main()"]
FIXED_URLS = (
    "/index.html", "/outlets.html", "/style.css", "/api/stories", "/api/stories?sort=recent",
    "/api/articles", "/api/findings", "/api/families", "/api/outlets", "/api/graph",
    "/api/search?q=police", "/index.html?q=fire&sort=disagreements",
)  # fmt: skip


def _corpus(folder: Path, articles: int) -> list[Path]:
    if REUSE_SYNTHETIC.exists():
        with REUSE_SYNTHETIC.open(encoding="utf-8") as handle:
            lines = [next(handle) for _ in range(articles)]
    else:
        generated = folder / "generated.jsonl"
        load_bench_module("generate_corpus.py", "generate_corpus_conc").generate(
            articles, generated, seed=3
        )
        lines = generated.read_text("utf-8").splitlines(keepends=True)
    paths = [folder / "a.jsonl", folder / "b.jsonl"]
    for number, path in enumerate(paths):
        path.write_text("".join(lines[number :: len(paths)]), "utf-8")
    return paths


def _discovered(client: httpx.Client) -> list[str]:
    """Item URLs of what the store holds right now (a story or article may be brand new)."""
    urls = []
    stories = client.get("/api/stories", params={"limit": 3, "sort": "recent"})
    for story in stories.json()["items"] if stories.status_code == 200 else []:
        urls += [f"/api/stories/{story['id']}", f"/{page_name('story', story['id'])}"]
    articles = client.get("/api/articles", params={"limit": 2, "offset": 0})
    for article in articles.json()["items"] if articles.status_code == 200 else []:
        urls += [f"/api/articles/{article['id']}", f"/{page_name('article', article['id'])}"]
    return urls


@pytest.mark.parametrize(
    ("articles", "batch_size"), [(16, 2), pytest.param(300, 10, marks=pytest.mark.slow)]
)
def test_serve_answers_while_run_writes(tmp_path: Path, articles: int, batch_size: int) -> None:
    db = tmp_path / "live.db"
    Store(db).close()  # serve needs the store to exist; the writer fills it
    paths = _corpus(tmp_path, articles)
    config = tmp_path / "settings.toml"
    config.write_text(f"[pipeline]\nbatch_size = {batch_size}\n", "utf-8")
    log = tmp_path / "run.log"
    failures: list[str] = []
    answered = 0
    stories_seen: list[int] = []
    with (
        serve_in_background(db) as base,
        httpx.Client(base_url=base, timeout=30) as client,
        log.open("wb") as out,
    ):
        writer = subprocess.Popen(
            [*STORYTRACE, "run", *map(str, paths), "--db", str(db), "--config", str(config)],
            stdout=out,
            stderr=out,
        )
        deadline = time.monotonic() + 300
        while writer.poll() is None and time.monotonic() < deadline:
            for url in (*FIXED_URLS, *_discovered(client)):
                response = client.get(url)
                answered += 1
                if response.status_code != 200:
                    failures.append(f"{url}: {response.status_code} {response.text[:200]}")
            stories_seen.append(client.get("/api/stories").json()["total"])
        if writer.poll() is None:
            writer.kill()
        writer.wait()
    assert writer.returncode == 0, log.read_text("utf-8", "replace")[-2000:]
    assert failures == []
    assert answered > 20
    # The reads really overlapped the writes: the story list grew while we asked.
    assert stories_seen[0] < stories_seen[-1] or len(set(stories_seen)) > 1, stories_seen


def test_a_snapshot_reads_one_commit_while_a_writer_commits(filled_store: Store) -> None:
    """What each web request gets: the writer's commit is seen by the next snapshot only."""
    from dataclasses import replace

    reader = Store(filled_store.path, readonly=True)
    before = filled_store.count_articles()
    with reader.snapshot():
        assert reader.count_articles() == before
        (first,) = filled_store.articles(["aaaa000000000001"])
        filled_store.add_articles([replace(first, id="cccc000000000003")])  # commits
        assert reader.count_articles() == before
        assert reader.article("cccc000000000003") is None
    assert reader.count_articles() == before + 1
    reader.close()


def test_load_bench_loop_stops_by_itself_and_counts(filled_store: Store) -> None:
    """bench/load.py's client loop, briefly, against the real server: answers, no errors."""
    import asyncio

    load = load_bench_module("load.py", "load_bench")
    filled_store.close()
    with serve_in_background(filled_store.path) as base:
        stories, articles = load.discover(base)
        level = load.Level(clients=4, seconds=0.5)
        asyncio.run(load.run_level(base, level, stories, articles, seed=1))
    assert stories and articles
    assert level.samples and level.errors == {}
    assert {s.kind for s in level.samples} > {"api: story"}
    assert level.elapsed >= 0.5


def test_disagreement_counts_match_the_findings(filled_store: Store) -> None:
    """The story list's one-query count (the load test found the per-finding reads slow)."""
    topics: dict[str, set[str]] = {}
    for finding in filled_store.findings():
        if finding.kind == "disagree":
            topics.setdefault(finding.story_id, set()).add(finding.topic)
    assert filled_store.disagreement_counts() == {s: len(t) for s, t in topics.items()} != {}
