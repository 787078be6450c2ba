"""Fetch failures as one-line messages a user can act on, and whether retrying may help.

httpx reports DNS failures, refused connections and TLS problems all as ``ConnectError`` with
the operating system's text inside; the text is read here to say which it was, because "cannot
resolve host" and "connection refused" call for different fixes.
"""

from __future__ import annotations

import socket

import httpx

from ..ingest.source import one_line

_DNS_MARKERS = (
    "name or service not known",
    "nodename nor servname",
    "no address associated",
    "getaddrinfo failed",
    "name resolution",
    "no such host",
)


class FetchError(Exception):
    """A fetch that failed: ``message`` is one line; ``transient`` says a retry may succeed."""

    def __init__(self, message: str, *, transient: bool = False, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.transient = transient
        self.status = status


def describe(exc: httpx.HTTPError, host: str, settings_timeouts: tuple[float, float]) -> FetchError:
    """The FetchError for an httpx transport error met while fetching from ``host``."""
    connect_timeout, read_timeout = settings_timeouts
    text = one_line(exc)
    lowered = text.lower()
    cause = _os_cause(exc)
    if isinstance(cause, socket.gaierror):
        lowered += " name resolution"
    elif isinstance(cause, ConnectionRefusedError):
        lowered += " refused"
    if isinstance(exc, httpx.ConnectTimeout):
        return FetchError(
            f"timed out connecting to {host} after {connect_timeout:g}s", transient=True
        )
    if isinstance(exc, httpx.ReadTimeout):
        return FetchError(f"timed out waiting for data after {read_timeout:g}s", transient=True)
    if isinstance(exc, httpx.TimeoutException):
        return FetchError(f"timed out: {text}", transient=True)
    if isinstance(exc, httpx.ConnectError):
        if any(marker in lowered for marker in _DNS_MARKERS):
            return FetchError(
                f"cannot resolve host {host}", transient="temporary failure" in lowered
            )
        if "certificate" in lowered or "ssl" in lowered or "tls" in lowered:
            return FetchError(f"TLS error with {host}: {text}")
        if "refused" in lowered:
            return FetchError(f"connection refused by {host}", transient=True)
        return FetchError(f"cannot connect to {host}: {text}", transient=True)
    if isinstance(exc, httpx.RemoteProtocolError):
        return FetchError(f"protocol error: {text}", transient=True)
    if isinstance(exc, httpx.DecodingError):
        return FetchError(f"cannot decode the response: {text}")
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return FetchError(f"bad URL: {text}")
    if isinstance(exc, httpx.TransportError):
        return FetchError(f"network error: {text}", transient=True)
    return FetchError(f"{type(exc).__name__}: {text}")


def _os_cause(exc: BaseException) -> OSError | None:
    """The innermost operating-system error under httpx's own.

    httpx says only "All connection attempts failed"; anyio wraps the cause in a plain
    OSError; the specific one (refused, gaierror) is at the bottom of the chain.
    """
    seen: set[int] = set()
    found: OSError | None = None
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError):
            found = current
        current = current.__cause__ or current.__context__
    return found
