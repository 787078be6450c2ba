"""What fetching returns: one Fetched per URL, and the reports the public functions hand back.

Reports keep counts and one-line errors, never page bodies, so a long watch holds no more
memory after its hundredth round than after its first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..pipeline import AnalyzeReport, IngestReport


@dataclass(frozen=True, slots=True)
class Fetched:
    """The outcome of fetching one URL (redirects followed).

    ``status`` is the last HTTP status (None when no response came); ``error`` the one-line
    reason it failed, None on a 200 or a 304; ``transient`` says a later try may succeed.
    ``archived`` is the WARC origin (``<file>#<offset>``) of the final response. ``body`` is
    kept only until the caller has used it (feeds are parsed from it).
    """

    url: str
    final_url: str
    status: int | None
    error: str | None = None
    transient: bool = False
    body: bytes = b""
    content_type: str | None = None
    charset: str | None = None
    archived: str | None = None
    attempts: int = 1
    etag: str | None = None
    last_modified: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status == 200

    @property
    def not_modified(self) -> bool:
        return self.error is None and self.status == 304


@dataclass(frozen=True, slots=True)
class FetchOutcome:
    """One URL of a ``fetch`` run as reported: no body, just what happened."""

    url: str
    final_url: str
    status: int | None
    error: str | None
    archived: str | None

    @classmethod
    def of(cls, fetched: Fetched) -> FetchOutcome:
        return cls(fetched.url, fetched.final_url, fetched.status, fetched.error, fetched.archived)


@dataclass
class FetchReport:
    """The result of :func:`~storytrace.live.fetch_urls`."""

    outcomes: list[FetchOutcome] = field(default_factory=list)
    duplicates: int = 0
    warcs: list[Path] = field(default_factory=list)
    ingest: IngestReport | None = None
    analyze: AnalyzeReport | None = None

    @property
    def fetched(self) -> int:
        return sum(1 for o in self.outcomes if o.error is None and o.status == 200)

    @property
    def not_modified(self) -> int:
        return sum(1 for o in self.outcomes if o.error is None and o.status == 304)

    @property
    def errors(self) -> list[str]:
        """``<url>: <message>`` per failed URL, then the pipeline's own errors."""
        lines = [f"{o.url}: {o.error}" for o in self.outcomes if o.error is not None]
        for report in (self.ingest, self.analyze):
            if report is not None:
                lines.extend(report.errors)
        return lines


@dataclass
class RoundReport:
    """One polling round of :func:`~storytrace.live.watch`."""

    number: int
    feeds_polled: int = 0
    feeds_failed: int = 0
    feeds_unchanged: int = 0
    new_entries: int = 0
    pages_fetched: int = 0
    pages_failed: int = 0
    errors: list[str] = field(default_factory=list)
    warcs: list[Path] = field(default_factory=list)
    ingest: IngestReport | None = None
    analyze: AnalyzeReport | None = None
    seconds: float = 0.0

    @property
    def all_errors(self) -> list[str]:
        lines = list(self.errors)
        for report in (self.ingest, self.analyze):
            if report is not None:
                lines.extend(report.errors)
        return lines


@dataclass
class WatchReport:
    """Totals over the rounds a watch ran (each round went to ``on_round`` as it ended)."""

    rounds: int = 0
    new_entries: int = 0
    pages_fetched: int = 0
    pages_failed: int = 0
    feeds_failed: int = 0
    articles_new: int = 0
    interrupted: bool = False
    last: RoundReport | None = None


@dataclass(frozen=True, slots=True)
class FeedHealth:
    """A feed's health as ``storytrace feeds`` lists it; ``dead`` flags one to look at."""

    url: str
    title: str | None
    last_polled: str
    last_success: str | None
    last_error: str | None
    last_error_at: str | None
    consecutive_failures: int
    items_seen: int
    entries_last: int | None
    dead: bool
