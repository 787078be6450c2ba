"""URL canonicalisation (for dedup) and origins (for politeness and robots.txt).

Two URLs that differ only in case of the host, a default port, the order of query parameters,
tracking parameters (``utm_*``, ``fbclid``...) or a fragment name the same page; courlan knows
these rules, and the fragment, which never reaches the server, is dropped here. URLs are
fetched as given and only compared in canonical form: rewriting what is requested could change
what a server returns.

An origin is scheme, host and port (RFC 6454): robots.txt applies per origin (RFC 9309), so
rate limits and concurrency caps are kept per origin too.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

from courlan import normalize_url

_DEFAULT_PORTS = {"http": 80, "https": 443}


@lru_cache(maxsize=8192)
def canonical_url(url: str) -> str:
    """The form of ``url`` used to tell whether two URLs name the same page.

    Cached (bounded): a page's URL is canonicalised several times on its way through a round.
    """
    text = url.strip()
    try:
        normal = normalize_url(text, strict=False)
    except (ValueError, AttributeError):  # courlan gives up on some malformed URLs
        normal = text
    parts = urlsplit(normal)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def origin_of(url: str) -> str:
    """``scheme://host:port`` of ``url``, the default port written out; raises on a bad URL."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(f"unsupported URL scheme {scheme or '(none)'!r}")
    host = (parts.hostname or "").lower()
    if not host:
        raise ValueError("URL has no host")
    port = parts.port or _DEFAULT_PORTS[scheme]
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}:{port}"
