"""Per-origin rate limits and concurrency caps, so no one site is hammered.

Each origin (scheme, host, port) has a gate: at most ``concurrency`` requests in flight and at
least ``delay`` seconds between the starts of two requests. A start time is reserved before
sleeping, in one step with no await in between, so two waiters never take the same slot.
``delay`` can grow once the origin's robots.txt names a Crawl-delay.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class HostGate:
    """The politeness gate of one origin."""

    def __init__(self, concurrency: int, delay: float) -> None:
        self.delay = delay
        self._slots = asyncio.Semaphore(max(1, concurrency))
        self._next_start = 0.0

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Wait for a free slot and the next start time; hold the slot for the request."""
        async with self._slots:
            loop = asyncio.get_running_loop()
            now = loop.time()
            start = max(now, self._next_start)
            self._next_start = start + self.delay
            if start > now:
                await asyncio.sleep(start - now)
            yield


class Gates:
    """The gates of every origin met in one run (a run's worth of origins, then dropped)."""

    def __init__(self, concurrency: int, delay: float) -> None:
        self._concurrency = concurrency
        self._delay = delay
        self._gates: dict[str, HostGate] = {}

    def __call__(self, origin: str) -> HostGate:
        gate = self._gates.get(origin)
        if gate is None:
            gate = self._gates[origin] = HostGate(self._concurrency, self._delay)
        return gate

    def slow_down(self, origin: str, delay: float) -> None:
        """Space requests to ``origin`` at least ``delay`` apart (a robots.txt Crawl-delay)."""
        gate = self(origin)
        gate.delay = max(gate.delay, delay)
