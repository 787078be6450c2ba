"""Counting finished work for a :class:`~storytrace.pipeline.Progress` callback.

Feeds reveal how many pages there are to fetch only as they are parsed, so the page total
grows during a round; the callback is simply told the new total each time.
"""

from __future__ import annotations

from ..pipeline import Progress


class Counter:
    """``done`` of ``total`` for one step, reported on every change."""

    def __init__(self, step: str, progress: Progress | None, total: int = 0) -> None:
        self.step = step
        self.done = 0
        self.total = total
        self._progress = progress

    def grow(self, more: int) -> None:
        if more:
            self.total += more
            self._report()

    def tick(self) -> None:
        self.done += 1
        self._report()

    def _report(self) -> None:
        if self._progress is not None:
            self._progress(self.step, self.done, self.total)
