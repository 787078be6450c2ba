"""Fetched pages into the store: the WARC files a run wrote are ingested, then analysed.

Going through the WARC rather than handing Articles over directly means the live run and a
later ``storytrace ingest <file>.warc.gz`` read the very same records with the very same
reader, so they cannot disagree. Files are ingested from the live state's list of files not
yet ingested, so a run stopped between fetching and ingesting (Ctrl+C, a crash) has its pages
ingested by the next run. Analysis is incremental: the pipeline only works on new articles.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ..pipeline import AnalyzeReport, IngestReport, Progress
from ..settings import Settings
from .state import LiveState

logger = logging.getLogger(__name__)


def ingest_pending(
    db_path: str | Path,
    state: LiveState,
    pipeline_settings: Settings | None,
    progress: Progress | None,
) -> tuple[IngestReport | None, AnalyzeReport | None]:
    """Ingest and analyse every WARC file not ingested yet; (None, None) when there is none."""
    from ..api import open as open_corpus

    pending = state.pending_warcs()
    missing = [path for path in pending if not path.exists()]
    for path in missing:
        logger.warning("%s: WARC file is gone; its pages were not ingested", path)
    state.mark_ingested(missing)
    present = [path for path in pending if path.exists()]
    if not present:
        return None, None
    with open_corpus(db_path, pipeline_settings) as corpus:
        ingested = corpus.ingest(present, progress)
        state.mark_ingested(present)
        analysed = corpus.analyze(progress)
    return ingested, analysed
