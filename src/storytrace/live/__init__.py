"""Live sources: fetch pages and watch feeds on the real web, politely, keeping a WARC of it all.

Three public functions, which the CLI wires to ``storytrace fetch``, ``watch`` and ``feeds``::

    from storytrace.live import LiveSettings, fetch_urls, watch, feed_health

    report = fetch_urls("news.db", ["https://example.org/story"], LiveSettings(contact="me@x"))
    watch("news.db", ["https://example.org/feed.xml"], once=True)
    for feed in feed_health("news.db"):
        print(feed.url, feed.dead)

Beside the store ``news.db`` they keep ``news-warc/`` (every response, replayable with
``storytrace ingest news-warc/<file>.warc.gz``) and ``news-live.sqlite`` (feed health, seen
entries, conditional-GET validators, robots.txt cache: :mod:`.state`). Modules, one job each:

===============  ===========================================================
``settings``     LiveSettings: timeouts, retries, politeness, caps, User-Agent
``urls``         canonical URLs (dedup) and origins (politeness key)
``politeness``   per-origin rate limit and concurrency cap
``robots``       robots.txt per origin, cached
``fetch``        the fetcher: retries, redirects, size cap, content type
``archive``      WARC writing
``entries``      feed parsing and new-entry keys
``state``        the live SQLite file
``handoff``      WARC files into the store: ingest, then analyse
``pages``        fetch_urls
``watch``        watch
``health``       feed_health
``lists``        --from files and OPML
===============  ===========================================================
"""

from __future__ import annotations

from .health import feed_health
from .lists import read_opml, read_url_list
from .pages import fetch_urls
from .results import FeedHealth, FetchOutcome, FetchReport, RoundReport, WatchReport
from .settings import LiveSettings, parse_interval
from .state import live_paths
from .watch import watch

__all__ = [
    "FeedHealth",
    "FetchOutcome",
    "FetchReport",
    "LiveSettings",
    "RoundReport",
    "WatchReport",
    "feed_health",
    "fetch_urls",
    "live_paths",
    "parse_interval",
    "read_opml",
    "read_url_list",
    "watch",
]
