"""robots.txt, fetched once per origin and cached, read with the stdlib's robotparser.

What an answer means follows RFC 9309: a 2xx body holds the rules; any other 4xx means there
are none (everything allowed); a 5xx or 429 means the site cannot say, so nothing is fetched
from it this run; no answer at all (DNS, refused, timeout) fails the pages with that cause.
Rules from a 2xx or 4xx are kept in the live state for ``robots_ttl_seconds`` (a day by
default), so a cron job polling every quarter hour does not refetch them each time. Rules are
matched for the product token ``storytrace``; a Crawl-delay widens the origin's gate (capped).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.robotparser import RobotFileParser

from .errors import FetchError
from .politeness import Gates
from .results import Fetched
from .settings import USER_AGENT_TOKEN, LiveSettings
from .state import LiveState
from .urls import origin_of

MAX_ROBOTS_BYTES = 512 * 1024


@dataclass(frozen=True, slots=True)
class _Rules:
    parser: RobotFileParser | None
    refusal: FetchError | None


class Robots:
    """robots.txt checks for one run; ``fetch`` gets a robots.txt URL (no robots check)."""

    def __init__(
        self,
        fetch: Callable[[str], Awaitable[Fetched]],
        gates: Gates,
        settings: LiveSettings,
        state: LiveState | None,
    ) -> None:
        self._fetch = fetch
        self._gates = gates
        self._settings = settings
        self._state = state
        self._rules: dict[str, asyncio.Task[_Rules]] = {}

    async def check(self, url: str) -> None:
        """Return if ``url`` may be fetched; raise a FetchError saying why not otherwise."""
        origin = origin_of(url)
        task = self._rules.get(origin)
        if task is None:
            task = self._rules[origin] = asyncio.ensure_future(self._load(origin))
        rules = await task
        if rules.refusal is not None:
            raise rules.refusal
        if rules.parser is not None and not rules.parser.can_fetch(USER_AGENT_TOKEN, url):
            raise FetchError("disallowed by robots.txt")

    async def _load(self, origin: str) -> _Rules:
        cached = None
        if self._state is not None:
            cached = self._state.robots(origin, time.time() - self._settings.robots_ttl_seconds)
        if cached is None:
            fetched = await self._fetch(f"{origin}/robots.txt")
            if fetched.status is None or (fetched.error and not 400 <= fetched.status < 600):
                cause = fetched.error or "no response"
                return _Rules(None, FetchError(f"cannot fetch robots.txt: {cause}", transient=True))
            status = fetched.status
            if status == 429 or status >= 500:
                return _Rules(
                    None,
                    FetchError(
                        f"robots.txt unavailable (HTTP {status}): not fetching from this site",
                        transient=True,
                    ),
                )
            body = fetched.body[:MAX_ROBOTS_BYTES] if 200 <= status < 300 else b""
            if self._state is not None:
                self._state.save_robots(origin, status, body, time.time())
            cached = (status, body)
        status, body = cached
        parser = RobotFileParser()
        if 200 <= status < 300:
            parser.parse(body.decode("utf-8", errors="replace").splitlines())
            delay = parser.crawl_delay(USER_AGENT_TOKEN)
            if delay is not None:
                capped = min(float(delay), self._settings.max_crawl_delay_seconds)
                self._gates.slow_down(origin, capped)
        else:
            parser.parse([])  # no rules: everything allowed
        return _Rules(parser, None)
