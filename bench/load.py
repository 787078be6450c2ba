"""Load test of ``storytrace serve`` (issue 11, item 4): throughput, p50/p99 latency, errors.

Starts the real ``storytrace serve`` process on 127.0.0.1 (a free port) over an existing store,
learns which stories and articles it holds, then runs an httpx async loop at each concurrency
level (``--clients 1,8,32``) for ``--seconds`` each and stops by itself. Every client sends the
next request as soon as its last one is answered (closed loop, keep-alive), drawing from a fixed
mix of HTML pages and JSON endpoints with a seeded random generator. An error is a transport
failure, a timeout or any status other than 200.

``--write PATHS`` also runs ``storytrace ingest PATHS`` + ``analyze`` into the same store during
the measurements, to show what readers see while the single writer commits.

No peer: the issue's target is absolute (zero errors at 32 clients).

Usage: ``python bench/load.py --db STORE [--seconds 20] [--clients 1,8,32] [--write PATHS...]``
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shlex
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

# (kind, weight): what one request asks for; pages and JSON in about equal parts.
MIX = (
    ("page: story", 20),
    ("page: article", 10),
    ("page: index", 10),
    ("page: search", 5),
    ("page: outlets", 3),
    ("api: stories", 10),
    ("api: story", 20),
    ("api: article", 10),
    ("api: findings", 5),
    ("api: search", 7),
)
SEARCH_WORDS = ("police", "fire", "earthquake", "court", "killed", "president", "storm", "deal")


@dataclass
class Sample:
    kind: str
    ms: float
    ok: bool


@dataclass
class Level:
    clients: int
    seconds: float  # how long clients start new requests
    samples: list[Sample] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    elapsed: float = 0.0  # until the last answer came: throughput is counted over this
    load: float = 0.0  # the machine's 1-minute load average at the end (others' work shows)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    """``storytrace serve`` as a user starts it; returns once it answers."""
    command = [sys.executable, "-c", "from storytrace.cli import main; main()"]
    server = subprocess.Popen(
        [*command, "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(
                f"serve exited: {server.stderr.read().decode() if server.stderr else ''}"
            )
        try:
            httpx.get(f"http://127.0.0.1:{port}/style.css", timeout=1).raise_for_status()
            return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("serve did not answer within 60 s")


def discover(base: str) -> tuple[list[str], list[str]]:
    """Story and article ids to ask about (the first 500 of each listing)."""
    with httpx.Client(base_url=base, timeout=60) as client:
        stories = client.get("/api/stories", params={"limit": 500}).json()["items"]
        articles = client.get("/api/articles", params={"limit": 500}).json()["items"]
    return [s["id"] for s in stories], [a["id"] for a in articles]


def request_for(kind: str, rng: random.Random, stories: list[str], articles: list[str]) -> str:
    story = rng.choice(stories) if stories else "none"
    article = rng.choice(articles) if articles else "none"
    word = rng.choice(SEARCH_WORDS)
    return {
        "page: story": f"/story-{story}.html",
        "page: article": f"/article-{article}.html",
        "page: index": f"/index.html?offset={rng.randrange(0, 300, 100)}",
        "page: search": f"/index.html?q={word}",
        "page: outlets": "/outlets.html",
        "api: stories": f"/api/stories?limit=50&offset={rng.randrange(0, 200, 50)}",
        "api: story": f"/api/stories/{story}",
        "api: article": f"/api/articles/{article}",
        "api: findings": f"/api/findings?story_id={story}",
        "api: search": f"/api/search?q={word}",
    }[kind]


async def run_level(
    base: str, level: Level, stories: list[str], articles: list[str], seed: int
) -> None:
    kinds = [kind for kind, _ in MIX]
    weights = [weight for _, weight in MIX]
    limits = httpx.Limits(max_connections=level.clients, max_keepalive_connections=level.clients)
    deadline = time.perf_counter() + level.seconds

    async def client_loop(client: httpx.AsyncClient, rng: random.Random) -> None:
        while time.perf_counter() < deadline:
            kind = rng.choices(kinds, weights)[0]
            url = request_for(kind, rng, stories, articles)
            start = time.perf_counter()
            try:
                response = await client.get(url)
                ok = response.status_code == 200
                if not ok:
                    level.errors[f"{kind}: HTTP {response.status_code} {response.text[:80]}"] += 1
            except httpx.HTTPError as exc:
                ok = False
                level.errors[f"{kind}: {type(exc).__name__}"] += 1
            level.samples.append(Sample(kind, (time.perf_counter() - start) * 1000, ok))

    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        await asyncio.gather(
            *(client_loop(client, random.Random(seed * 1000 + n)) for n in range(level.clients))
        )
    level.elapsed = time.perf_counter() - started
    level.load = os.getloadavg()[0]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def row(name: str, samples: list[Sample], seconds: float) -> str:
    ms = [s.ms for s in samples]
    errors = sum(not s.ok for s in samples)
    return (
        f"| {name} | {len(samples)} | {len(samples) / seconds:.1f} | "
        f"{statistics.median(ms):.1f} | {percentile(ms, 0.99):.1f} | {errors} |"
    )


def start_writer(db: Path, paths: list[Path]) -> subprocess.Popen[bytes]:
    """``storytrace ingest PATHS`` then ``analyze``, as one background shell job."""
    storytrace = [sys.executable, "-c", "from storytrace.cli import main; main()"]
    ingest = shlex.join([*storytrace, "ingest", *map(str, paths), "--db", str(db), "-q"])
    analyze = shlex.join([*storytrace, "analyze", "--db", str(db), "-q"])
    return subprocess.Popen(["sh", "-c", f"{ingest} && {analyze}"], stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="an analysed store")
    parser.add_argument("--seconds", type=float, default=20.0, help="per concurrency level")
    parser.add_argument("--clients", default="1,8,32", help="concurrency levels, comma-separated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--write", type=Path, nargs="*", help="ingest these meanwhile")
    args = parser.parse_args()
    if not args.db.is_file():
        raise SystemExit(f"{args.db}: no such store")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(args.db, port)
    writer = start_writer(args.db, args.write) if args.write else None
    try:
        stories, articles = discover(base)
        print(f"store {args.db}: {len(stories)} stories and {len(articles)} articles sampled")
        levels = [Level(int(n), args.seconds) for n in args.clients.split(",")]
        for level in levels:
            asyncio.run(run_level(base, level, stories, articles, args.seed))
        writing = "" if writer is None else f"; writer still running: {writer.poll() is None}"
        print(f"\n{args.seconds:.0f} s per level, 127.0.0.1, one serve process{writing}\n")
        print("| clients | requests | req/s | p50 ms | p99 ms | errors | load avg |")
        print("|---|---|---|---|---|---|---|")
        for level in levels:
            print(f"{row(str(level.clients), level.samples, level.elapsed)} {level.load:.1f} |")
        top = levels[-1]
        print(f"\nBy kind at {top.clients} clients:\n")
        print("| kind | requests | req/s | p50 ms | p99 ms | errors |")
        print("|---|---|---|---|---|---|")
        for kind, _ in MIX:
            samples = [s for s in top.samples if s.kind == kind]
            if samples:
                print(row(kind, samples, top.elapsed))
        for level in levels:
            for cause, count in level.errors.most_common(10):
                print(f"error at {level.clients} clients: {count} x {cause}")
    finally:
        server.terminate()
        server.wait(timeout=10)
        if writer is not None:
            print(f"writer (ingest + analyze) exited with {writer.wait()}")


if __name__ == "__main__":
    main()
