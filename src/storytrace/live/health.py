"""``storytrace feeds``: each watched feed's health, with the dead ones flagged.

A feed is flagged dead after ``dead_after_failures`` failed polls in a row, or when it has
been failing and its last success (or, never having had one, its first poll) is more than
``dead_after_days`` old: one bad poll is weather, a week of them is a feed to fix or drop.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from .results import FeedHealth
from .settings import LiveSettings
from .state import FeedRow, LiveState, live_paths


def feed_health(db_path: str | Path, settings: LiveSettings | None = None) -> list[FeedHealth]:
    """Every feed ever polled for the store at ``db_path``, by URL; [] when none was."""
    settings = settings or LiveSettings()
    state_path, _ = live_paths(db_path)
    if not state_path.exists():
        return []
    with LiveState(state_path) as state:
        rows = state.feeds()
    now = datetime.now(UTC)
    return [
        FeedHealth(
            url=row.url,
            title=row.title,
            last_polled=row.last_polled,
            last_success=row.last_success,
            last_error=row.last_error if row.consecutive_failures else None,
            last_error_at=row.last_error_at,
            consecutive_failures=row.consecutive_failures,
            items_seen=row.items_seen,
            entries_last=row.entries_last,
            dead=_dead(row, settings, now),
        )
        for row in rows
    ]


def _dead(row: FeedRow, settings: LiveSettings, now: datetime) -> bool:
    if row.consecutive_failures == 0:
        return False
    if row.consecutive_failures >= settings.dead_after_failures:
        return True
    since = datetime.fromisoformat(row.last_success or row.first_polled)
    return now - since > timedelta(days=settings.dead_after_days)
