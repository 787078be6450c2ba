"""The public Python API: a thin object over the store and the pipeline."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from . import pipeline
from .export import ExportFormat, build_export, write_export
from .model import Article, Family, Finding, Story
from .pipeline import AnalyzeReport, IngestReport, Progress
from .settings import Settings
from .store import Store


class Corpus:
    """A news corpus in one SQLite store: ingest, analyse, then ask about stories."""

    def __init__(self, store: Store, settings: Settings | None = None) -> None:
        self.store = store
        self.settings = settings or Settings()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    def ingest(self, paths: Iterable[str | Path], progress: Progress | None = None) -> IngestReport:
        """Read files, folders, feeds, WARC and JSONL; bad input is reported, never fatal."""
        if progress is None:
            return pipeline.ingest(self.store, paths, self.settings)
        return pipeline.ingest(self.store, paths, self.settings, progress)

    def analyze(self, progress: Progress | None = None) -> AnalyzeReport:
        """Run every stage over what is new in the store."""
        if progress is None:
            return pipeline.analyze(self.store, self.settings)
        return pipeline.analyze(self.store, self.settings, progress)

    def stories(self) -> list[Story]:
        return self.store.stories()

    def story(self, story_id: str) -> Story | None:
        return self.store.story(story_id)

    def articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        return self.store.articles(None if ids is None else list(ids))

    def article(self, article_id: str) -> Article | None:
        return self.store.article(article_id)

    def families(self, article_ids: Iterable[str] | None = None) -> list[Family]:
        return self.store.families(None if article_ids is None else list(article_ids))

    def findings(self, story_id: str | None = None) -> list[Finding]:
        return self.store.findings(story_id)

    def export(self, fmt: ExportFormat, out: str | Path) -> list[Path]:
        return write_export(self.store, fmt, Path(out))

    def to_dict(self) -> dict[str, object]:
        """The JSON export document (docs/export-schema.md)."""
        return build_export(self.store)


def open(db: str | Path = "storytrace.db", settings: Settings | None = None) -> Corpus:
    """Open (creating and migrating if needed) the store at ``db``."""
    return Corpus(Store(db), settings)
