"""RSS and Atom feeds: one Article per entry, its content (or summary) as an HTML fragment.

feedparser reads the feed from memory (a stream, never a string it might take for a URL), with
HTML sanitising off so ``raw`` is the entry as published; the clean stage extracts the text.
A feed with XML errors but entries (common: a stray ``&``) is read and the problem logged;
only a feed with errors and no entries is an error, and an entry left without a body by the
damage (a feed cut off mid-item) is reported with the damage as its cause.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

import feedparser

from ..errors import InputError
from ..model import Article
from .source import (
    FileContext,
    clean_field,
    content_id,
    from_struct_time,
    one_line,
    pick_source,
)

logger = logging.getLogger(__name__)

# feedparser flags these as "bozo" although the feed parsed fine (only the declared encoding
# or content type was off); they are not damage.
_HARMLESS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


def read_feed(data: bytes, ctx: FileContext) -> Iterator[Article | InputError]:
    """Articles from each entry of the feed in ``data``; a bad entry is an InputError item.

    Entry origins are ``<file>#E<n>`` with ``n`` the 1-based position of the entry in the feed.
    """
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=False)
    entries: list[Any] = list(parsed.entries)
    damage = ""
    if parsed.bozo and not isinstance(parsed.get("bozo_exception"), _HARMLESS):
        cause = one_line(parsed.get("bozo_exception"))
        damage = f" (feed is malformed: {cause})"
        if not entries:
            yield InputError(ctx.origin, f"malformed feed: {cause}")
            return
        logger.warning(
            "%s: feed has errors (%s); reading its %d entries", ctx.origin, cause, len(entries)
        )
    if not entries:
        if not parsed.version:
            yield InputError(ctx.origin, "not an RSS or Atom feed")
        else:
            logger.info("%s: feed has no entries", ctx.origin)
        return
    feed_title = clean_field(parsed.feed.get("title"))
    for number, entry in enumerate(entries, start=1):
        origin = f"{ctx.origin}#E{number}"
        body = _entry_body(entry)
        if body is None:
            yield InputError(origin, f"feed entry has no content or summary{damage}")
            continue
        raw = body.encode("utf-8")
        url = clean_field(entry.get("link"))
        source = pick_source(None, url, feed_title, ctx.folder)
        yield Article(
            id=content_id(raw, source, url),
            origin=origin,
            format="html",
            raw=raw,
            external_id=clean_field(entry.get("id")),
            source=source,
            url=url,
            title=clean_field(entry.get("title")),
            published=from_struct_time(entry.get("published_parsed"))
            or from_struct_time(entry.get("updated_parsed")),
            author=clean_field(entry.get("author")),
        )


def _entry_body(entry: Any) -> str | None:
    """The entry's full content when the feed has it, else its summary; None when neither."""
    for content in entry.get("content") or ():
        value = content.get("value")
        if isinstance(value, str) and value.strip():
            return value
    summary = entry.get("summary")
    if isinstance(summary, str) and summary.strip():
        return summary
    return None
