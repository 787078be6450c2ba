"""How politely and how far the live fetcher goes: one frozen object, defaults for the real web.

The defaults are those of a considerate small crawler: one request at a time per origin, a
second apart (longer when robots.txt asks, up to a cap), robots.txt honoured, a few retries
spaced by exponential backoff, and a size cap so one huge or endless response cannot exhaust
memory. Tests and benchmarks shrink the timeouts and delays; nothing else should need to.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import __version__

USER_AGENT_TOKEN = "storytrace"


@dataclass(frozen=True, slots=True)
class LiveSettings:
    """Settings for fetching pages and polling feeds.

    ``contact`` (a URL or an e-mail address) goes into the User-Agent so that a site operator
    who sees the traffic can reach whoever runs it. ``host_delay_seconds`` is the least time
    between the starts of two requests to the same origin (scheme, host, port);
    ``host_concurrency`` caps requests in flight per origin and ``max_concurrency`` overall.
    ``analyze`` runs the pipeline over what was fetched; off, the WARC files are only written
    (to be ingested later with ``storytrace ingest``).
    """

    contact: str | None = None
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    retries: int = 2
    backoff_seconds: float = 1.0
    max_backoff_seconds: float = 30.0
    host_delay_seconds: float = 1.0
    host_concurrency: int = 1
    max_concurrency: int = 64
    max_redirects: int = 5
    max_bytes: int = 10 * 1024 * 1024
    respect_robots: bool = True
    robots_ttl_seconds: float = 24 * 3600.0
    max_crawl_delay_seconds: float = 30.0
    conditional_get: bool = True
    entry_attempts: int = 3
    warc_max_bytes: int = 1024 * 1024 * 1024
    analyze: bool = True
    dead_after_failures: int = 5
    dead_after_days: float = 7.0
    trust_env: bool = True

    @property
    def user_agent(self) -> str:
        """``storytrace/<version> (+<contact>)``: names the tool and, when given, who runs it."""
        base = f"{USER_AGENT_TOKEN}/{__version__}"
        contact = " ".join((self.contact or "").split())
        return f"{base} (+{contact})" if contact else base


_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_interval(text: str) -> float:
    """Seconds in an interval such as ``90s``, ``15m``, ``1h``, ``1d`` or plain ``900``."""
    value = text.strip().lower()
    unit = _UNITS.get(value[-1:]) if value else None
    number = value[:-1] if unit is not None else value
    try:
        seconds = float(number) * (unit or 1.0)
    except ValueError:
        raise ValueError(f"{text!r} is not an interval (use 90s, 15m, 1h, 1d)") from None
    if not seconds > 0:
        raise ValueError(f"{text!r}: the interval must be positive")
    return seconds
