"""``storytrace watch``: poll feeds, fetch the pages of new entries, analyse as they arrive.

A round polls every feed at once (the politeness gates pace requests per site), and as each
feed is parsed, fetches the pages of its new entries (:mod:`.entries` says which are new).
The round's WARC files are then ingested and analysed, incrementally. Rounds repeat every
``every_seconds`` (counted from the start of a round) until ``once``, ``max_rounds`` or Ctrl+C.

Nothing stops a round but Ctrl+C: a feed that fails (HTTP error, malformed, not a feed) is
noted in its health record and the round goes on; a page that fails is reported, and retried
on later polls while the failure looks transient (timeouts, 5xx), up to
``entry_attempts`` times. A page already fetched (from another feed, or by ``fetch``) is not
fetched again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from ..pipeline import Progress
from ..settings import Settings
from .archive import WarcArchive
from .entries import FeedEntry, parse_feed
from .fetch import Fetcher
from .handoff import ingest_pending
from .progress import Counter
from .results import RoundReport, WatchReport
from .settings import LiveSettings
from .state import LiveState, live_paths
from .urls import canonical_url

logger = logging.getLogger(__name__)


def watch(
    db_path: str | Path,
    feeds: Iterable[str],
    every_seconds: float = 900.0,
    once: bool = False,
    settings: LiveSettings | None = None,
    progress: Progress | None = None,
    *,
    on_round: Callable[[RoundReport], None] | None = None,
    pipeline_settings: Settings | None = None,
    max_rounds: int | None = None,
) -> WatchReport:
    """Poll ``feeds`` into the store at ``db_path`` round after round; returns the totals.

    ``on_round`` gets each round's report as it ends (the CLI prints a line). Ctrl+C ends the
    watch between or during rounds; what was fetched is ingested by the next run.
    """
    settings = settings or LiveSettings()
    unique = list(
        {canonical_url(f): f.strip() for f in reversed(list(feeds)) if f.strip()}.values()
    )
    unique.reverse()
    report = WatchReport()
    state_path, warc_dir = live_paths(db_path)
    with LiveState(state_path) as state:
        try:
            while True:
                started = time.monotonic()
                number = report.rounds + 1
                this = poll_round(
                    number, db_path, unique, settings, state, warc_dir, progress, pipeline_settings
                )
                _add(report, this)
                if on_round is not None:
                    on_round(this)
                if once or (max_rounds is not None and report.rounds >= max_rounds):
                    break
                time.sleep(max(0.0, every_seconds - (time.monotonic() - started)))
        except KeyboardInterrupt:
            report.interrupted = True
    return report


def poll_round(
    number: int,
    db_path: str | Path,
    feeds: list[str],
    settings: LiveSettings,
    state: LiveState,
    warc_dir: Path,
    progress: Progress | None,
    pipeline_settings: Settings | None,
) -> RoundReport:
    """One round: poll, fetch new pages, archive, then ingest and analyse what came in."""
    started = time.monotonic()
    this = RoundReport(number)
    with WarcArchive(
        warc_dir, max_bytes=settings.warc_max_bytes, on_new_file=state.add_warc
    ) as archive:
        asyncio.run(_poll_all(feeds, settings, archive, state, this, progress))
    this.warcs = list(archive.files)
    if settings.analyze:
        this.ingest, this.analyze = ingest_pending(db_path, state, pipeline_settings, progress)
    this.seconds = time.monotonic() - started
    return this


def _add(total: WatchReport, this: RoundReport) -> None:
    total.rounds += 1
    total.new_entries += this.new_entries
    total.pages_fetched += this.pages_fetched
    total.pages_failed += this.pages_failed
    total.feeds_failed += this.feeds_failed
    total.articles_new += this.ingest.new if this.ingest is not None else 0
    total.last = this


class _Round:
    """What the coroutines of one round share."""

    def __init__(
        self,
        fetcher: Fetcher,
        state: LiveState,
        settings: LiveSettings,
        report: RoundReport,
        progress: Progress | None,
        feeds: int,
    ) -> None:
        self.fetcher = fetcher
        self.state = state
        self.settings = settings
        self.report = report
        self.polled = Counter("poll", progress, feeds)
        self.pages = Counter("fetch", progress)
        self.links: set[str] = set()


async def _poll_all(
    feeds: list[str],
    settings: LiveSettings,
    archive: WarcArchive,
    state: LiveState,
    report: RoundReport,
    progress: Progress | None,
) -> None:
    async with Fetcher(settings, archive, state) as fetcher:
        shared = _Round(fetcher, state, settings, report, progress, len(feeds))
        await asyncio.gather(*(_poll_feed(shared, feed) for feed in feeds))


async def _poll_feed(shared: _Round, feed: str) -> None:
    """Poll one feed and fetch its new entries' pages; every failure is recorded, none raised."""
    report, state = shared.report, shared.state
    fetched = await shared.fetcher.fetch(feed, "feed")
    report.feeds_polled += 1
    shared.polled.tick()
    if fetched.error is not None:
        _feed_failed(shared, feed, fetched.error)
        return
    if fetched.not_modified:
        report.feeds_unchanged += 1
        state.record_poll(feed, error=None)
        return
    content_type = fetched.content_type
    if content_type and fetched.charset:
        content_type += f"; charset={fetched.charset}"
    parsed = parse_feed(fetched.body, fetched.final_url, content_type)
    if parsed.error is not None:
        _feed_failed(shared, feed, parsed.error)
        return
    limit = shared.settings.entry_attempts
    new = [e for e in parsed.entries if not state.entry_known(feed, e.keys, limit)]
    state.record_poll(
        feed, error=None, title=parsed.title, new_items=len(new), entries=len(parsed.entries)
    )
    report.new_entries += len(new)
    shared.pages.grow(len(new))
    outcomes = await asyncio.gather(*(_fetch_entry(shared, feed, entry) for entry in new))
    if not all(outcomes):
        # A page to retry later: the next poll must see this feed's entries again, not a 304.
        state.forget_validators(canonical_url(feed))


def _feed_failed(shared: _Round, feed: str, error: str) -> None:
    shared.report.feeds_failed += 1
    shared.report.errors.append(f"{feed}: {error}")
    shared.state.record_poll(feed, error=error)
    logger.info("feed %s: %s", feed, error)


async def _fetch_entry(shared: _Round, feed: str, entry: FeedEntry) -> bool:
    """Fetch one new entry's page; False when it failed in a way worth trying again."""
    report, state = shared.report, shared.state
    try:
        if entry.link is None:
            report.errors.append(f"{feed}: entry {entry.title or entry.keys[0]!r} has no link")
            state.mark_entry(feed, entry.keys, done=True)
            return True
        canonical = canonical_url(entry.link)
        if canonical in shared.links or state.page_fetched(canonical):
            state.mark_entry(feed, entry.keys, done=True)
            return True
        shared.links.add(canonical)
        fetched = await shared.fetcher.fetch(entry.link, "page")
        if fetched.error is None:
            report.pages_fetched += 1
        else:
            report.pages_failed += 1
            report.errors.append(f"{entry.link}: {fetched.error}")
        retry = fetched.error is not None and fetched.transient
        state.mark_entry(feed, entry.keys, done=not retry)
        return not retry
    finally:
        shared.pages.tick()
