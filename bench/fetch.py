"""Polling many feeds at the default politeness: time for one big round, memory over many.

A local server (a separate process, so it does not share the fetcher's GIL) listens on
``--feeds`` ports of 127.0.0.1, one feed site per port, each with a robots.txt, a feed of its
latest 20 items and the items' pages (made-up news, ~2.5 KB each). Distinct ports stand for
distinct hosts: host names would need DNS (none offline) and 127.0.0.0/8 addresses other than
127.0.0.1 are off limits here, while storytrace's politeness key is the origin (scheme, host,
port), as robots.txt is per origin (RFC 9309); so each port gets its own rate limit, robots.txt
and connection pool, exactly as a distinct host would.

1. Round 1, default ``LiveSettings`` (1 s between requests to an origin, one at a time, 64 in
   flight overall, robots.txt honoured): every feed has 20 new items, so each origin takes
   robots.txt + feed + 20 pages, at least 21 s of spacing; reported: wall time, requests/s.
2. ``--rounds`` more rounds (each feed gains ``--per-round`` items per round) with the host
   delay set to 0, because politeness only adds sleeping, and memory is what is measured:
   RSS and, with ``--tracemalloc``, traced Python memory after each round.

Analysis is off (``analyze=False``): the figures are for fetching and archiving; ``--analyze``
also times ingest + analysis of round 1's WARC files.

Usage: ``python bench/fetch.py [--feeds 500] [--items 20] [--rounds 100] [--per-round 1]``
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import httpx

from storytrace.live import LiveSettings, watch
from storytrace.live.results import RoundReport

_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
_WORDS = [
    *("council", "harbour", "ferry", "market", "bridge", "library", "school", "river"),
    *("storm", "repairs", "budget", "vote", "mayor", "residents", "engineers", "crossing"),
    *("survey", "quay", "winter", "summer", "traders", "county", "hall"),
]


# -- the server (child process) ---------------------------------------------------------------


class _Feeds:
    """What every site serves: items ``0 .. count-1``, the feed showing the latest ``window``."""

    def __init__(self, first: int, per_round: int, window: int) -> None:
        self.first, self.per_round, self.window = first, per_round, window
        self.round = 1
        self.requests = 0

    @property
    def count(self) -> int:
        return self.first + (self.round - 1) * self.per_round

    def reply(self, port: int, target: str, headers: dict[str, str]) -> tuple[int, str, bytes]:
        self.requests += 1
        if target == "/_advance":
            self.round += 1
            return 200, "text/plain", str(self.round).encode()
        if target == "/_requests":
            return 200, "text/plain", str(self.requests).encode()
        if target == "/robots.txt":
            return 200, "text/plain", b"User-agent: *\nDisallow: /private/\n"
        if target == "/feed.xml":
            etag = f'"{self.count}"'
            if headers.get("if-none-match") == etag:
                return 304, "", b""
            return 200, "application/rss+xml", self._feed(port)
        if target.startswith("/p/") and target.endswith(".html"):
            return 200, "text/html; charset=utf-8", self._page(port, int(target[3:-5]))
        return 404, "text/plain", b"not found"

    def _feed(self, port: int) -> bytes:
        items = "".join(
            f"<item><title>Story {n} of site {port}</title>"
            f"<link>http://127.0.0.1:{port}/p/{n}.html</link><guid>{port}-{n}</guid></item>"
            for n in range(self.count - 1, max(-1, self.count - 1 - self.window), -1)
        )
        return (
            f"<?xml version='1.0'?><rss version='2.0'><channel><title>Site {port}</title>"
            f"<link>http://127.0.0.1:{port}/</link><description>x</description>{items}"
            "</channel></rss>"
        ).encode()

    def _page(self, port: int, n: int) -> bytes:
        words = [_WORDS[(port * 7 + n * 13 + i * i) % len(_WORDS)] for i in range(300)]
        paragraphs = "".join(
            f"<p>Site {port} story {n}: {' '.join(words[i : i + 30])}.</p>"
            for i in range(0, 300, 30)
        )
        return (
            f"<!DOCTYPE html><html><head><title>Story {n} of site {port}</title>"
            f"<meta property='og:site_name' content='Site {port}'></head><body><article>"
            f"<h1>Story {n} of site {port}</h1>{paragraphs}</article></body></html>"
        ).encode()


async def _serve(feeds: int, first: int, per_round: int, window: int) -> None:
    state = _Feeds(first, per_round, window)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        port = writer.get_extra_info("sockname")[1]
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                target = lines[0].split(" ")[1]
                headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                status, ctype, body = state.reply(port, target, headers)
                reason = {200: "OK", 304: "Not Modified", 404: "Not Found"}[status]
                out = f"HTTP/1.1 {status} {reason}\r\nContent-Length: {len(body)}\r\n"
                if ctype:
                    out += f"Content-Type: {ctype}\r\n"
                if target == "/feed.xml":
                    out += f'ETag: "{state.count}"\r\n'
                writer.write(out.encode() + b"\r\n" + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, IndexError, ValueError):
            pass
        finally:
            writer.close()

    servers = []
    for _ in range(feeds):
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        servers.append(await asyncio.start_server(handle, sock=sock, backlog=128))
    ports = [s.sockets[0].getsockname()[1] for s in servers]
    print(json.dumps(ports), flush=True)
    # Exit when the benchmark does (its end of our stdin closes), even if it was killed.
    await asyncio.to_thread(sys.stdin.read)


# -- the client ---------------------------------------------------------------------------------


def _rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * _PAGE_BYTES / 2**20


def _server_requests(port: int) -> int:
    return int(httpx.get(f"http://127.0.0.1:{port}/_requests", trust_env=False).text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--items", type=int, default=20, help="new items per feed in round 1")
    parser.add_argument("--rounds", type=int, default=100, help="memory rounds after round 1")
    parser.add_argument("--per-round", type=int, default=1, help="new items per feed per round")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python memory")
    parser.add_argument("--analyze", action="store_true", help="time ingest+analysis of round 1")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(_serve(args.feeds, args.items, args.per_round, 20))
        return

    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--feeds", str(args.feeds), "--items",
         str(args.items), "--per-round", str(args.per_round)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        ports: list[int] = json.loads(server.stdout.readline())
        with tempfile.TemporaryDirectory(prefix="storytrace-bench-fetch-") as folder:
            _run(args, ports, Path(folder) / "bench.db")
    finally:
        server.terminate()
        server.wait()


def _run(args: argparse.Namespace, ports: list[int], db: Path) -> None:
    feeds = [f"http://127.0.0.1:{port}/feed.xml" for port in ports]
    polite = dataclasses.replace(LiveSettings(), trust_env=False, analyze=args.analyze)
    print(
        f"{len(feeds)} feeds (one port each) x {args.items} new items; default politeness: "
        f"{polite.host_delay_seconds:g}s between requests per origin, {polite.host_concurrency} "
        f"per origin, {polite.max_concurrency} in flight"
    )
    started = time.perf_counter()
    first = watch(db, feeds, once=True, settings=dataclasses.replace(polite, analyze=False))
    seconds = time.perf_counter() - started
    requests = _server_requests(ports[0]) - 1
    last = first.last
    assert last is not None
    size = sum(p.stat().st_size for p in last.warcs)
    print(
        f"round 1: {seconds:.1f}s wall, {requests} requests ({requests / seconds:.0f}/s), "
        f"{first.pages_fetched} pages, {first.pages_failed} failed pages, "
        f"{first.feeds_failed} failed feeds, WARC {size / 2**20:.1f} MiB, RSS {_rss_mib():.0f} MiB"
    )
    for line in last.errors[:5]:
        print("  error:", line)
    if args.analyze:
        from storytrace.live.handoff import ingest_pending
        from storytrace.live.state import LiveState, live_paths

        started = time.perf_counter()
        with LiveState(live_paths(db)[0]) as state:
            ingested, _ = ingest_pending(db, state, None, None)
        took = time.perf_counter() - started
        new = ingested.new if ingested else 0
        print(f"ingest + analyse of round 1: {took:.1f}s for {new} articles")

    if args.rounds <= 0:
        return
    fast = dataclasses.replace(polite, host_delay_seconds=0.0, analyze=False)
    if args.tracemalloc:
        tracemalloc.start()
    samples: list[tuple[int, float, float]] = []
    times: list[float] = []

    def on_round(report: RoundReport) -> None:
        traced = tracemalloc.get_traced_memory()[0] / 2**20 if args.tracemalloc else 0.0
        samples.append((report.number, _rss_mib(), traced))
        times.append(report.seconds)
        if report.pages_failed or report.feeds_failed:
            print(f"  round {report.number}: {report.all_errors[:3]}")
        httpx.get(f"http://127.0.0.1:{ports[0]}/_advance", trust_env=False)

    httpx.get(f"http://127.0.0.1:{ports[0]}/_advance", trust_env=False)
    report = watch(db, feeds, every_seconds=0, settings=fast, on_round=on_round,
                   max_rounds=args.rounds)  # fmt: skip
    print(
        f"{report.rounds} more rounds, host delay 0, {args.per_round} new item(s) per feed "
        f"per round: {report.pages_fetched} pages, {report.pages_failed} failed, "
        f"median round {sorted(times)[len(times) // 2]:.2f}s"
    )
    marks = sorted({1, 2, 5, 10, 25, 50, 75, len(samples)} & set(range(1, len(samples) + 1)))
    for number in marks:
        _, rss, traced = samples[number - 1]
        extra = f", traced {traced:.1f} MiB" if args.tracemalloc else ""
        print(f"  after round {number:>3}: RSS {rss:.0f} MiB{extra}")
    if len(samples) >= 20:
        tenth = samples[9]
        growth = samples[-1][1] - tenth[1]
        traced_growth = samples[-1][2] - tenth[2]
        per = len(samples) - 10
        line = (
            f"RSS growth from round 10 to {len(samples)}: {growth:+.1f} MiB "
            f"({growth / per:+.2f} MiB/round)"
        )
        if args.tracemalloc:
            line += (
                f"; traced {traced_growth:+.2f} MiB ({traced_growth / per * 1024:+.1f} KiB/round)"
            )
        print(line)


if __name__ == "__main__":
    main()
