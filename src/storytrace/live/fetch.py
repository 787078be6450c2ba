"""The HTTP fetcher: one polite, bounded GET per URL, every response archived.

Per URL: robots.txt is checked for each origin on the way (redirect targets included); the
request waits for its origin's gate (rate limit and concurrency cap, :mod:`.politeness`) and a
global slot; it carries the URL's ETag and Last-Modified (``If-None-Match`` /
``If-Modified-Since``) so an unchanged page or feed costs a 304; the body is streamed and
reading stops at ``max_bytes``; a page must be HTML, checked from the headers before its body
is read; redirects are followed by hand, so each hop is archived, checked against robots.txt
and rate-limited, and a loop is told apart from a long chain. Timeouts (connect, read, and a
total deadline that also stops a server trickling bytes), refused connections, 429 and 5xx are
retried with exponential backoff and jitter, honouring a Retry-After, all capped.

A failure is never an exception to the caller: :meth:`Fetcher.fetch` returns a
:class:`~.results.Fetched` with a one-line ``error``.
"""

from __future__ import annotations

import asyncio
import email.utils
import importlib.util
import random
import sys
from datetime import UTC, datetime
from types import TracebackType
from typing import Literal
from urllib.parse import urljoin, urlsplit

import httpx

from .archive import Exchange, WarcArchive
from .errors import FetchError, describe
from .politeness import Gates
from .results import Fetched
from .robots import Robots
from .settings import LiveSettings
from .state import LiveState
from .urls import canonical_url, origin_of

Kind = Literal["page", "feed", "robots"]

# httpcore tries ``import sniffio`` each time it makes a lock or an event, several times per
# request; without sniffio installed (anyio no longer needs it) each failed import searches
# sys.path again, about a tenth of the client's time per request. A None in sys.modules is
# Python's own way of saying "not installed", and makes the failure instant; nothing that
# would have found sniffio is affected, since it is checked to be absent first.
if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
    sys.modules["sniffio"] = None  # type: ignore[assignment]

# The content types the WARC reader takes as pages (storytrace.ingest.warc): a page fetched
# live must be one, or replaying the archive would not give the same articles.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/xhtml"})
_ACCEPT: dict[Kind, str] = {
    "page": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
    "feed": "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,"
    "*/*;q=0.1",
    "robots": "text/plain,*/*;q=0.1",
}
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_RETRIED = frozenset({408, 429, 500, 502, 503, 504})


class Fetcher:
    """Fetches URLs with ``settings``; used as ``async with Fetcher(...) as fetcher``.

    ``archive`` receives every complete response; ``state`` supplies and keeps conditional-GET
    validators and robots.txt rules.
    """

    def __init__(
        self,
        settings: LiveSettings,
        archive: WarcArchive | None = None,
        state: LiveState | None = None,
    ) -> None:
        self.settings = settings
        self.archive = archive
        self.state = state
        self._gates = Gates(settings.host_concurrency, settings.host_delay_seconds)
        self._slots = asyncio.Semaphore(max(1, settings.max_concurrency))
        self._robots = Robots(self._fetch_robots, self._gates, settings, state)
        # One client per origin: httpcore's pool scans all its connections for every request,
        # which with hundreds of sites in one pool costs more than the requests themselves.
        # A site's client holds at most its concurrency cap of connections; they share one TLS
        # context (building one reads the CA bundle, too slow to repeat per site).
        self._clients: dict[str, httpx.AsyncClient] = {}
        self._tls = httpx.create_ssl_context(trust_env=settings.trust_env)

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        clients, self._clients = self._clients, {}
        for client in clients.values():
            await client.aclose()

    def _client(self, origin: str) -> httpx.AsyncClient:
        client = self._clients.get(origin)
        if client is None:
            settings = self.settings
            connections = max(1, settings.host_concurrency)
            client = self._clients[origin] = httpx.AsyncClient(
                headers={"User-Agent": settings.user_agent},
                timeout=httpx.Timeout(
                    connect=settings.connect_timeout,
                    read=settings.read_timeout,
                    write=settings.read_timeout,
                    pool=None,
                ),
                limits=httpx.Limits(
                    max_connections=connections, max_keepalive_connections=connections
                ),
                follow_redirects=False,
                trust_env=settings.trust_env,
                verify=self._tls,
            )
        return client

    async def fetch(self, url: str, kind: Kind = "page") -> Fetched:
        """Fetch ``url`` (following redirects); failures come back as ``Fetched.error``.

        Pages and feeds are recorded in the live state under the canonical form of the URL
        asked for and, after redirects, of the URL that answered: its validators serve the
        next conditional GET of either.
        """
        chain = _Chain(url)
        try:
            fetched = await self._follow(chain, kind)
        except FetchError as exc:
            fetched = Fetched(
                url=url,
                final_url=chain.current,
                status=exc.status,
                error=exc.message,
                transient=exc.transient,
                attempts=chain.attempts,
            )
        if self.state is not None and kind != "robots":
            for key in dict.fromkeys((canonical_url(url), canonical_url(fetched.final_url))):
                self.state.record_url(
                    key,
                    kind,
                    fetched.status,
                    fetched.error,
                    etag=fetched.etag,
                    last_modified=fetched.last_modified,
                    archived=fetched.archived if fetched.ok else None,
                )
        return fetched

    async def _fetch_robots(self, url: str) -> Fetched:
        return await self.fetch(url, "robots")

    async def _follow(self, chain: _Chain, kind: Kind) -> Fetched:
        settings = self.settings
        for _ in range(settings.max_redirects + 1):
            url = chain.current
            if urlsplit(url).scheme.lower() not in ("http", "https"):
                raise FetchError(f"not an http(s) URL: {url}")
            if kind != "robots" and settings.respect_robots:
                await self._robots.check(url)
            key = canonical_url(url)
            etag, modified = (None, None)
            if kind != "robots" and settings.conditional_get and self.state is not None:
                etag, modified = self.state.validators(key)
            response = await self._with_retries(url, kind, etag, modified, chain)
            location = response.headers.get("location")
            if response.status in _REDIRECTS and location:
                target = urljoin(url, location.strip())
                if canonical_url(target) in chain.seen:
                    raise FetchError(
                        f"redirect loop: {url} -> {target} after {len(chain.seen)} URL(s)",
                        status=response.status,
                    )
                chain.add(target)
                continue
            return self._finish(chain, kind, response)
        raise FetchError(
            f"more than {settings.max_redirects} redirects (last to {chain.current})",
            status=None,
        )

    def _finish(self, chain: _Chain, kind: Kind, response: _Response) -> Fetched:
        """The Fetched for the last response of a chain: a 200 or a 304, else an HTTP error."""
        status = response.status
        error: str | None = None
        if status >= 400 or status not in (200, 304):
            error = f"HTTP {status}" + (f" {response.reason}" if response.reason else "")
            if chain.attempts > 1:
                error += f" (after {chain.attempts} attempts)"
        media, charset = _content_type(response.headers.get("content-type"))
        return Fetched(
            url=chain.first,
            final_url=chain.current,
            status=status,
            error=error,
            transient=status in _RETRIED,
            body=response.body,
            content_type=media,
            charset=charset,
            archived=response.archived,
            attempts=chain.attempts,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        )

    async def _with_retries(
        self, url: str, kind: Kind, etag: str | None, modified: str | None, chain: _Chain
    ) -> _Response:
        settings = self.settings
        attempt = 0
        while True:
            attempt += 1
            chain.attempts = attempt
            delay: float | None
            try:
                response = await self._once(url, kind, etag, modified)
            except FetchError as exc:
                if not exc.transient or attempt > settings.retries:
                    if attempt > 1:
                        exc.message += f" (after {attempt} attempts)"
                    raise
                delay = self._backoff(attempt)
            else:
                if response.status not in _RETRIED or attempt > settings.retries:
                    return response
                delay = _retry_after(response.headers.get("retry-after"))
                if delay is None:
                    delay = self._backoff(attempt)
                delay = min(delay, settings.max_backoff_seconds)
            await asyncio.sleep(delay)

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter: base * 2^(attempt-1), halved at random, capped."""
        settings = self.settings
        ceiling = min(settings.max_backoff_seconds, settings.backoff_seconds * 2.0 ** (attempt - 1))
        return ceiling * random.uniform(0.5, 1.0)

    async def _once(
        self, url: str, kind: Kind, etag: str | None, modified: str | None
    ) -> _Response:
        """One GET of ``url`` through its origin's gate; raises FetchError on no response."""
        try:
            origin = origin_of(url)
        except ValueError as exc:
            raise FetchError(f"bad URL: {exc}") from None
        headers = {"Accept": _ACCEPT[kind]}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        host = urlsplit(url).hostname or origin
        timeouts = (self.settings.connect_timeout, self.settings.read_timeout)
        async with self._gates(origin).slot(), self._slots:
            try:
                async with asyncio.timeout(self.settings.total_timeout):
                    async with self._client(origin).stream("GET", url, headers=headers) as response:
                        return await self._read(url, kind, response)
            except TimeoutError:
                raise FetchError(
                    f"timed out after {self.settings.total_timeout:g}s in total", transient=True
                ) from None
            except httpx.HTTPError as exc:
                raise describe(exc, host, timeouts) from None

    async def _read(self, url: str, kind: Kind, response: httpx.Response) -> _Response:
        """Read and archive the body of ``response``, or refuse it from its headers."""
        status = response.status_code
        cap = self.settings.max_bytes
        media, _ = _content_type(response.headers.get("content-type"))
        if kind == "page" and status == 200 and media not in HTML_TYPES:
            raise FetchError(f"not HTML (content type {media or 'missing'})", status=status)
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise FetchError(
                f"too large: {int(declared)} bytes declared, the cap is {cap}", status=status
            )
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > cap:
                raise FetchError(f"too large: over {cap} bytes, stopped reading", status=status)
            chunks.append(chunk)
        body = b"".join(chunks)
        archived = None
        if self.archive is not None:
            archived = self.archive.write(
                Exchange(
                    url=url,
                    request_headers=_decoded(response.request.headers.raw),
                    http_version=response.http_version,
                    status=status,
                    reason=response.reason_phrase,
                    headers=_decoded(response.headers.raw),
                    body=body,
                    fetched_at=datetime.now(UTC),
                )
            )
        return _Response(status, response.reason_phrase, response.headers, body, archived)


class _Chain:
    """The URLs of one fetch so far (redirects), and attempts at the current one."""

    def __init__(self, url: str) -> None:
        self.first = url
        self.current = url
        self.seen = {canonical_url(url)}
        self.attempts = 0

    def add(self, url: str) -> None:
        self.current = url
        self.seen.add(canonical_url(url))


class _Response:
    """A complete response: status, headers, the whole (decoded) body, its WARC origin."""

    __slots__ = ("archived", "body", "headers", "reason", "status")

    def __init__(
        self, status: int, reason: str, headers: httpx.Headers, body: bytes, archived: str | None
    ) -> None:
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
        self.archived = archived


def _decoded(raw: list[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in raw]


def _content_type(value: str | None) -> tuple[str | None, str | None]:
    """The media type (lower case) and charset of a Content-Type header value."""
    if not value:
        return None, None
    media, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, val = param.partition("=")
        if name.strip().lower() == "charset":
            charset = val.strip().strip("\"'").lower() or None
    return media.strip().lower() or None, charset


def _retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks to wait (delta-seconds or an HTTP date), else None."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
