"""``storytrace fetch``: fetch a list of pages, archive them, ingest and analyse them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path

from ..pipeline import Progress
from ..settings import Settings
from .archive import WarcArchive
from .fetch import Fetcher
from .handoff import ingest_pending
from .progress import Counter
from .results import FetchOutcome, FetchReport
from .settings import LiveSettings
from .state import LiveState, live_paths
from .urls import canonical_url


def fetch_urls(
    db_path: str | Path,
    urls: Iterable[str],
    settings: LiveSettings | None = None,
    progress: Progress | None = None,
    pipeline_settings: Settings | None = None,
) -> FetchReport:
    """Fetch ``urls`` (the same page twice only once) into the store at ``db_path``.

    Every response goes to a WARC file in ``<db stem>-warc/``; the HTML pages are then
    ingested and analysed (unless ``settings.analyze`` is off). A URL that fails is reported in
    ``FetchReport.outcomes`` with its one-line error; the others go on.
    """
    settings = settings or LiveSettings()
    report = FetchReport()
    unique: dict[str, str] = {}
    for url in urls:
        if url.strip():
            report.duplicates += canonical_url(url) in unique
            unique.setdefault(canonical_url(url), url.strip())
    state_path, warc_dir = live_paths(db_path)
    with LiveState(state_path) as state:
        with WarcArchive(
            warc_dir, max_bytes=settings.warc_max_bytes, on_new_file=state.add_warc
        ) as archive:
            report.outcomes = asyncio.run(
                _fetch_all(list(unique.values()), settings, archive, state, progress)
            )
        report.warcs = list(archive.files)
        if settings.analyze:
            report.ingest, report.analyze = ingest_pending(
                db_path, state, pipeline_settings, progress
            )
    return report


async def _fetch_all(
    urls: list[str],
    settings: LiveSettings,
    archive: WarcArchive,
    state: LiveState,
    progress: Progress | None,
) -> list[FetchOutcome]:
    """Fetch every URL at once (the gates pace them); bodies are dropped as soon as archived."""
    counter = Counter("fetch", progress, len(urls))

    async def one(fetcher: Fetcher, url: str) -> FetchOutcome:
        fetched = await fetcher.fetch(url, "page")
        counter.tick()
        return FetchOutcome.of(fetched)

    async with Fetcher(settings, archive, state) as fetcher:
        return list(await asyncio.gather(*(one(fetcher, url) for url in urls)))
