"""Live fetching against a local HTTP server on 127.0.0.1 started here: no other address.

Each test gets its own server (its own origin, so robots.txt and rate limits start fresh) and
its own store. Timeouts, backoffs and delays are shrunk so the file runs in seconds.
"""

from __future__ import annotations

import gzip
import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from warcio.archiveiterator import ArchiveIterator

import storytrace
from storytrace.live import (
    LiveSettings,
    feed_health,
    fetch_urls,
    live_paths,
    read_opml,
    read_url_list,
    watch,
)
from storytrace.live.errors import describe
from storytrace.live.urls import canonical_url, origin_of

FAST = LiveSettings(
    contact="tests@storytrace.invalid",
    connect_timeout=1.0,
    read_timeout=0.3,
    total_timeout=2.0,
    retries=2,
    backoff_seconds=0.01,
    max_backoff_seconds=0.05,
    host_delay_seconds=0.0,
    max_bytes=64 * 1024,
    trust_env=False,
    analyze=False,
)

ROBOTS = b"User-agent: *\nDisallow: /private/\n"


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


Route = Reply | Callable[["Handler"], Reply | None]


class Site:
    """What the local server serves: a route per path, and a log of what was asked."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {
            "/robots.txt": Reply(body=ROBOTS, content_type="text/plain")
        }
        self.hits: Counter[str] = Counter()
        self.agents: list[str] = []
        self.started: list[tuple[str, float]] = []
        self.lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        site = self.server.site
        path = self.path
        with site.lock:
            site.hits[path] += 1
            site.agents.append(self.headers.get("User-Agent", ""))
            site.started.append((path, time.monotonic()))
        route = site.routes.get(path)
        reply = route(self) if callable(route) else route
        if reply is None:  # the route wrote its own answer
            return
        if route is None:
            reply = Reply(404, b"not here", "text/plain")
        self.send_response(reply.status)
        if reply.content_type:
            self.send_header("Content-Type", reply.content_type)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: object) -> None:
        return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: Site


@dataclass
class Local:
    site: Site
    base: str

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def local() -> Iterator[Local]:
    server = _Server(("127.0.0.1", 0), Handler)
    server.site = Site()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield Local(server.site, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()


# -- fixtures: invented news ---------------------------------------------------------------

_STORIES = {
    "ferry": (
        "Harbour ferry returns after storm repairs",
        "The harbour ferry between Lowmere and Castle Quay resumed service on Tuesday after "
        "six weeks of repairs to its hull. The operator said 14 crossings a day would run "
        "until the end of the month. Councillor Ada Brennan said the town had waited long "
        "enough and thanked the crews who worked through the winter nights on the slipway.",
    ),
    "library": (
        "Lowmere library extends its opening hours",
        "Lowmere's public library will open until nine in the evening from next week, the "
        "council announced. The change follows a survey in which 812 residents asked for "
        "later hours. Head librarian Tomas Reyes said the reading room would also host a "
        "homework club for pupils from the two secondary schools on Wednesday evenings.",
    ),
    "bridge": (
        "Old mill bridge to close for inspection",
        "The old mill bridge on the river road will close for three days of inspection in "
        "April, engineers said. Drivers will be diverted through the market square. The "
        "county engineer, Priya Olsen, said the stone arches were sound but the railings "
        "needed attention after a lorry struck them in February during the icy spell.",
    ),
    "market": (
        "Farmers market moves to the quay",
        "The Saturday farmers market is moving to the quay for the summer, its organisers "
        "said. Forty stalls are expected on the first weekend. Market chair Lena Fischer said "
        "the square would be resurfaced while the market is away and that the traders had "
        "voted by a large majority for the move, which brings them closer to the ferry.",
    ),
}


def page(key: str) -> bytes:
    title, text = _STORIES[key]
    paragraphs = "".join(f"<p>{sentence.strip()}.</p>" for sentence in text.split(". "))
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{title}</title>"
        "<meta property='og:site_name' content='Lowmere Gazette'>"
        "<meta property='article:published_time' content='2024-03-05T09:00:00+00:00'>"
        f"</head><body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{paragraphs}"
        "</article><footer>Lowmere Gazette</footer></body></html>"
    ).encode()


def rss(items: list[tuple[str, str]], title: str = "Lowmere Gazette") -> bytes:
    """An RSS 2.0 feed of (guid, link) items."""
    body = "".join(
        f"<item><title>Item {guid}</title><link>{link}</link><guid>{guid}</guid>"
        f"<description>Summary of {guid}</description></item>"
        for guid, link in items
    )
    return (
        f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{title}"
        f"</title><link>http://127.0.0.1/</link><description>news</description>{body}"
        "</channel></rss>"
    ).encode()


def feed_reply(data: bytes, etag: str | None = None) -> Route:
    """A feed route that answers 304 to a matching If-None-Match."""

    def route(handler: Handler) -> Reply:
        if etag is not None and handler.headers.get("If-None-Match") == etag:
            return Reply(304, b"", None, {"ETag": etag})
        headers = {"ETag": etag} if etag else {}
        return Reply(200, data, "application/rss+xml; charset=utf-8", headers)

    return route


def serve_pages(local: Local, *keys: str) -> list[str]:
    for key in keys:
        local.site.routes[f"/news/{key}.html"] = Reply(body=page(key))
    return [local.url(f"/news/{key}.html") for key in keys]


# -- fetching pages ------------------------------------------------------------------------


def test_fetch_pages_archives_and_sends_user_agent(local: Local, tmp_path: Path) -> None:
    urls = serve_pages(local, "ferry", "library")
    report = fetch_urls(tmp_path / "news.db", urls, FAST)
    assert report.errors == []
    assert report.fetched == 2
    assert all(agent.startswith("storytrace/") for agent in local.site.agents)
    assert "(+tests@storytrace.invalid)" in local.site.agents[0]
    warc_dir = live_paths(tmp_path / "news.db")[1]
    assert [p.parent for p in report.warcs] == [warc_dir]
    types = Counter()
    with report.warcs[0].open("rb") as fh:
        for record in ArchiveIterator(fh):
            types[record.rec_type] += 1
    # robots.txt and two pages: a response and a request record each, after the warcinfo.
    assert types == {"warcinfo": 1, "response": 3, "request": 3}
    assert local.site.hits["/robots.txt"] == 1


def test_fetch_dedups_canonical_urls(local: Local, tmp_path: Path) -> None:
    (url,) = serve_pages(local, "ferry")
    report = fetch_urls(tmp_path / "news.db", [url, url + "#comments", url + "?utm_source=x"], FAST)
    assert report.duplicates == 2
    assert local.site.hits["/news/ferry.html"] == 1


def test_conditional_get_gives_304(local: Local, tmp_path: Path) -> None:
    stamp = formatdate(usegmt=True)

    def route(handler: Handler) -> Reply:
        if handler.headers.get("If-Modified-Since") == stamp:
            return Reply(304, b"", None)
        return Reply(body=page("ferry"), headers={"Last-Modified": stamp})

    local.site.routes["/news/ferry.html"] = route
    db = tmp_path / "news.db"
    first = fetch_urls(db, [local.url("/news/ferry.html")], FAST)
    second = fetch_urls(db, [local.url("/news/ferry.html")], FAST)
    assert (first.fetched, first.not_modified) == (1, 0)
    assert (second.fetched, second.not_modified) == (0, 1)
    assert second.errors == []


def test_slow_response_times_out(local: Local, tmp_path: Path) -> None:
    def slow(handler: Handler) -> Reply:
        time.sleep(0.8)
        return Reply(body=page("ferry"))

    local.site.routes["/slow.html"] = slow
    settings = replace(FAST, retries=1)
    started = time.monotonic()
    report = fetch_urls(tmp_path / "news.db", [local.url("/slow.html")], settings)
    assert time.monotonic() - started < 2.0
    (outcome,) = report.outcomes
    assert outcome.error == "timed out waiting for data after 0.3s (after 2 attempts)"
    assert local.site.hits["/slow.html"] == 2


def test_server_errors_are_retried(local: Local, tmp_path: Path) -> None:
    def flaky(handler: Handler) -> Reply:
        if local.site.hits["/flaky.html"] < 3:
            return Reply(500, b"oops", "text/plain")
        return Reply(body=page("library"))

    local.site.routes["/flaky.html"] = flaky
    local.site.routes["/broken.html"] = Reply(500, b"oops", "text/plain")
    report = fetch_urls(
        tmp_path / "news.db", [local.url("/flaky.html"), local.url("/broken.html")], FAST
    )
    flaky_outcome, broken_outcome = report.outcomes
    assert flaky_outcome.error is None and flaky_outcome.status == 200
    assert broken_outcome.error == "HTTP 500 Internal Server Error (after 3 attempts)"
    assert local.site.hits["/flaky.html"] == 3
    assert local.site.hits["/broken.html"] == 3


def test_redirects_followed_and_loops_stopped(local: Local, tmp_path: Path) -> None:
    serve_pages(local, "bridge")
    local.site.routes["/moved"] = Reply(301, b"", None, {"Location": "/news/bridge.html"})
    local.site.routes["/loop/a"] = Reply(302, b"", None, {"Location": "/loop/b"})
    local.site.routes["/loop/b"] = Reply(302, b"", None, {"Location": "/loop/a"})
    for n in range(8):
        local.site.routes[f"/chain/{n}"] = Reply(302, b"", None, {"Location": f"/chain/{n + 1}"})
    urls = [local.url("/moved"), local.url("/loop/a"), local.url("/chain/0")]
    report = fetch_urls(tmp_path / "news.db", urls, FAST)
    moved, loop, chain = report.outcomes
    assert moved.error is None and moved.final_url == local.url("/news/bridge.html")
    assert loop.error is not None and loop.error.startswith("redirect loop:")
    assert chain.error is not None and chain.error.startswith("more than 5 redirects")
    assert local.site.hits["/loop/a"] == 1


def test_huge_body_is_cut_off(local: Local, tmp_path: Path) -> None:
    def chunked(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        chunk = b"<p>" + b"x" * 16_000 + b"</p>"
        try:
            for _ in range(200):  # about 3 MB, far over the 64 KiB cap
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            handler.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass  # the client hung up, as it should

    local.site.routes["/huge.html"] = chunked
    local.site.routes["/declared.html"] = Reply(body=b"x" * 100_000)
    report = fetch_urls(
        tmp_path / "news.db", [local.url("/huge.html"), local.url("/declared.html")], FAST
    )
    huge, declared = report.outcomes
    assert huge.error == "too large: over 65536 bytes, stopped reading"
    assert declared.error == "too large: 100000 bytes declared, the cap is 65536"
    assert huge.archived is None


def test_wrong_content_type_and_robots_disallow(local: Local, tmp_path: Path) -> None:
    local.site.routes["/report.pdf"] = Reply(body=b"%PDF-1.4", content_type="application/pdf")
    local.site.routes["/private/secret.html"] = Reply(body=page("ferry"))
    report = fetch_urls(
        tmp_path / "news.db",
        [local.url("/report.pdf"), local.url("/private/secret.html")],
        FAST,
    )
    pdf, secret = report.outcomes
    assert pdf.error == "not HTML (content type application/pdf)"
    assert secret.error == "disallowed by robots.txt"
    assert local.site.hits["/private/secret.html"] == 0


def test_robots_server_error_refuses_site(local: Local, tmp_path: Path) -> None:
    local.site.routes["/robots.txt"] = Reply(503, b"down", "text/plain")
    (url,) = serve_pages(local, "ferry")
    report = fetch_urls(tmp_path / "news.db", [url], replace(FAST, retries=0))
    assert report.outcomes[0].error == (
        "robots.txt unavailable (HTTP 503): not fetching from this site"
    )
    assert local.site.hits["/news/ferry.html"] == 0


def test_rate_limit_spaces_requests_per_host(local: Local, tmp_path: Path) -> None:
    urls = serve_pages(local, "ferry", "library", "bridge", "market")
    fetch_urls(tmp_path / "news.db", urls, replace(FAST, host_delay_seconds=0.1))
    # Arrival times at the server; the first request's also includes opening the connection,
    # so spacing is checked between the pages, which come over the kept-alive connection.
    starts = sorted(t for path, t in local.site.started if path != "/robots.txt")
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(starts) == 4
    assert min(gaps) >= 0.08


def test_connection_refused_is_one_line(tmp_path: Path) -> None:
    server = _Server(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    server.server_close()  # nothing listens on this port now
    report = fetch_urls(tmp_path / "news.db", [f"http://127.0.0.1:{port}/x.html"], FAST)
    (outcome,) = report.outcomes
    assert outcome.error is not None
    assert outcome.error == (
        "cannot fetch robots.txt: connection refused by 127.0.0.1 (after 3 attempts)"
    )


def test_dns_failure_message() -> None:
    # No lookup happens: the error httpx raises on a failed lookup is built by hand.
    error = describe(
        httpx.ConnectError("[Errno -2] Name or service not known"), "x.invalid", (1, 1)
    )
    assert (error.message, error.transient) == ("cannot resolve host x.invalid", False)


# -- watching feeds ------------------------------------------------------------------------


def test_watch_finds_new_entries_between_polls(local: Local, tmp_path: Path) -> None:
    links = serve_pages(local, "ferry", "library", "bridge")
    items = [("g-ferry", links[0]), ("g-library", links[1])]
    local.site.routes["/feed.xml"] = feed_reply(rss(items))
    db = tmp_path / "news.db"
    feed = local.url("/feed.xml")
    first = watch(db, [feed], once=True, settings=FAST)
    assert first.last is not None
    assert (first.new_entries, first.pages_fetched, first.feeds_failed) == (2, 2, 0)
    local.site.routes["/feed.xml"] = feed_reply(rss([("g-bridge", links[2]), *items]))
    second = watch(db, [feed], once=True, settings=FAST)
    assert (second.new_entries, second.pages_fetched) == (1, 1)
    assert local.site.hits["/news/ferry.html"] == 1
    (health,) = feed_health(db)
    assert (health.items_seen, health.entries_last, health.dead) == (3, 3, False)
    assert health.title == "Lowmere Gazette"


def test_watch_uses_304_for_unchanged_feed(local: Local, tmp_path: Path) -> None:
    links = serve_pages(local, "ferry")
    local.site.routes["/feed.xml"] = feed_reply(rss([("g1", links[0])]), etag='"v1"')
    db = tmp_path / "news.db"
    report = watch(db, [local.url("/feed.xml")], every_seconds=0, settings=FAST, max_rounds=2)
    assert report.rounds == 2
    assert report.last is not None and report.last.feeds_unchanged == 1
    assert report.new_entries == 1
    assert local.site.hits["/feed.xml"] == 2


def test_watch_survives_feed_that_changes_item_ids(local: Local, tmp_path: Path) -> None:
    links = serve_pages(local, "ferry", "library")
    local.site.routes["/feed.xml"] = feed_reply(rss([("a1", links[0]), ("a2", links[1])]))
    db = tmp_path / "news.db"
    watch(db, [local.url("/feed.xml")], once=True, settings=FAST)
    # The feed is rebuilt with new ids for the same items (and one link with a tracking tag).
    rebuilt = rss([("b1", links[0] + "?utm_source=rss"), ("b2", links[1])])
    local.site.routes["/feed.xml"] = feed_reply(rebuilt)
    again = watch(db, [local.url("/feed.xml")], once=True, settings=FAST)
    assert again.new_entries == 0
    assert local.site.hits["/news/ferry.html"] == 1


def test_watch_keeps_going_past_broken_feeds(local: Local, tmp_path: Path) -> None:
    links = serve_pages(local, "market")
    local.site.routes["/good.xml"] = feed_reply(rss([("m", links[0])]))
    local.site.routes["/bad.xml"] = Reply(body=b"<rss><channel><item>", content_type="text/xml")
    local.site.routes["/page.html"] = Reply(body=page("ferry"))
    local.site.routes["/gone.xml"] = Reply(404, b"gone", "text/plain")
    feeds = [local.url(p) for p in ("/bad.xml", "/page.html", "/gone.xml", "/good.xml")]
    db = tmp_path / "news.db"
    settings = replace(FAST, dead_after_failures=2)
    report = watch(db, feeds, every_seconds=0, settings=settings, max_rounds=2)
    assert report.last is not None
    assert report.pages_fetched == 1
    errors = sorted(report.last.errors)
    assert errors[0].startswith(local.url("/bad.xml") + ": malformed feed:")
    assert errors[1] == local.url("/gone.xml") + ": HTTP 404 Not Found"
    assert errors[2] == local.url("/page.html") + ": not an RSS or Atom feed (text/html)"
    health = {h.url: h for h in feed_health(db, settings)}
    assert health[local.url("/gone.xml")].consecutive_failures == 2
    assert health[local.url("/gone.xml")].dead
    assert not health[local.url("/good.xml")].dead


def test_watch_retries_pages_that_failed_transiently(local: Local, tmp_path: Path) -> None:
    links = serve_pages(local, "ferry")
    local.site.routes["/feed.xml"] = feed_reply(rss([("f", links[0])]), etag='"v1"')
    local.site.routes["/news/ferry.html"] = Reply(503, b"busy", "text/plain")
    db = tmp_path / "news.db"
    first = watch(db, [local.url("/feed.xml")], once=True, settings=replace(FAST, retries=0))
    assert first.pages_failed == 1
    serve_pages(local, "ferry")
    second = watch(db, [local.url("/feed.xml")], once=True, settings=replace(FAST, retries=0))
    assert (second.new_entries, second.pages_fetched) == (1, 1)


# -- replay ----------------------------------------------------------------------------------


def _articles(db: Path) -> list[tuple[str, str | None, str | None, str]]:
    with storytrace.open(db) as corpus:
        return sorted((a.id, a.url, a.source, a.text) for a in corpus.articles())


def test_warc_replay_gives_the_same_articles(local: Local, tmp_path: Path) -> None:
    links = serve_pages(local, "ferry", "library", "bridge")
    local.site.routes["/feed.xml"] = feed_reply(rss([("1", links[0]), ("2", links[1])]))
    local.site.routes["/gz.html"] = lambda handler: Reply(
        body=gzip.compress(page("market")), headers={"Content-Encoding": "gzip"}
    )
    live_db = tmp_path / "live" / "news.db"
    live_db.parent.mkdir()
    settings = replace(FAST, analyze=True)
    fetched = fetch_urls(live_db, [links[2], local.url("/gz.html")], settings)
    watched = watch(live_db, [local.url("/feed.xml")], once=True, settings=settings)
    assert fetched.errors == [] and watched.last is not None and watched.last.all_errors == []
    live = _articles(live_db)
    assert len(live) == 4 and all(text for *_, text in live)
    assert {url for _, url, _, _ in live} == {*links, local.url("/gz.html")}

    replay_db = tmp_path / "replay" / "news.db"
    replay_db.parent.mkdir()
    warcs = [*fetched.warcs, *watched.last.warcs]
    with storytrace.open(replay_db) as corpus:
        ingested = corpus.ingest(warcs)
        corpus.analyze()
    assert (ingested.read, ingested.errors) == (4, [])
    assert _articles(replay_db) == live


# -- small parts ---------------------------------------------------------------------------


def test_canonical_url_and_origin() -> None:
    assert canonical_url("HTTP://Example.COM:80/a?b=2&a=1&utm_source=x#top") == (
        "http://example.com/a?a=1&b=2"
    )
    assert origin_of("https://Example.com/x") == "https://example.com:443"
    assert origin_of("http://127.0.0.1:8080/") == "http://127.0.0.1:8080"
    with pytest.raises(ValueError):
        origin_of("ftp://example.com/")


def test_url_lists_and_opml(tmp_path: Path) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text("# mine\nhttp://127.0.0.1/a#frag\n\n  http://127.0.0.1/b  \n")
    assert read_url_list(urls) == ["http://127.0.0.1/a#frag", "http://127.0.0.1/b"]
    opml = tmp_path / "subs.opml"
    opml.write_text(
        "<opml version='2.0'><body><outline text='News'>"
        "<outline type='rss' xmlUrl='http://127.0.0.1/one.xml'/>"
        "<outline type='rss' xmlUrl='http://127.0.0.1/two.xml'/></outline></body></opml>"
    )
    assert read_opml(opml) == ["http://127.0.0.1/one.xml", "http://127.0.0.1/two.xml"]
