"""A fetched feed's entries and the keys that say whether one was seen before.

feedparser parses (as storytrace's feed reader does, with the same tolerance: a feed with XML
errors but entries is read; one with errors and no entry with a link is malformed), told the HTTP
Content-Type, for its charset, and the feed's URL, to resolve relative links.

An entry's keys are ``id:<entry id>`` and ``url:<canonical link>``: an entry is new only when
none of its keys was seen in that feed. Some feeds mint new ids for old items on every
build; their links stay put, so the link key catches them. Some feeds point every item at one
page (the home page); a link shared by several entries of a document says nothing about which
entry is which, so it is then not used as a key.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import feedparser

from ..ingest.source import clean_field, one_line
from .urls import canonical_url

# Flags feedparser raises although the feed parsed fine (as in storytrace.ingest.feeds).
_HARMLESS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One entry: the page it links to (absolute) and its seen-before keys."""

    link: str | None
    keys: tuple[str, ...]
    title: str | None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed document: its title and entries, or the one-line reason it is not a feed."""

    title: str | None
    entries: tuple[FeedEntry, ...]
    error: str | None = None


def parse_feed(data: bytes, url: str, content_type: str | None) -> ParsedFeed:
    """The entries of the feed document ``data`` fetched from ``url``."""
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers, sanitize_html=False)
    raw: list[Any] = list(parsed.entries)
    links = [_link(entry, url) for entry in raw]
    damaged = parsed.bozo and not isinstance(parsed.get("bozo_exception"), _HARMLESS)
    if not raw and not parsed.version:
        shown = content_type.split(";")[0].strip() if content_type else "no content type"
        return ParsedFeed(None, (), f"not an RSS or Atom feed ({shown})")
    if damaged and not any(links):
        # Nothing usable came out of the damage (a feed cut off inside its first item, say).
        return ParsedFeed(None, (), f"malformed feed: {one_line(parsed.get('bozo_exception'))}")
    shared = Counter(canonical_url(link) for link in links if link)
    entries = []
    for entry, link in zip(raw, links, strict=True):
        keys: list[str] = []
        entry_id = clean_field(entry.get("id"))
        if entry_id:
            keys.append(f"id:{entry_id}")
        if link:
            canonical = canonical_url(link)
            if shared[canonical] == 1 or not keys:
                keys.append(f"url:{canonical}")
        entries.append(FeedEntry(link, tuple(keys), clean_field(entry.get("title"))))
    return ParsedFeed(clean_field(parsed.feed.get("title")), tuple(entries))


def _link(entry: Any, base: str) -> str | None:
    link = clean_field(entry.get("link"))
    if not link:
        return None
    absolute = urljoin(base, link)
    return absolute if absolute.startswith(("http://", "https://")) else None
