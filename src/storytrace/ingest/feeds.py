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
import re
from collections.abc import Iterator
from typing import Any

import feedparser

from ..errors import InputError
from ..model import Article
from .decode import UndecodableError, declared_encoding, decode_text
from .html import check_html_depth
from .limits import IngestSettings, LimitExceeded
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


def read_feed(
    data: bytes, ctx: FileContext, limits: IngestSettings | None = None
) -> Iterator[Article | InputError]:
    """Articles from each entry of the feed in ``data``; a bad entry is an InputError item.

    Entry origins are ``<file>#E<n>`` with ``n`` the 1-based position of the entry in the feed.
    An entry whose HTML nests deeper than ``limits.max_html_depth`` is refused.
    """
    limits = limits or IngestSettings()
    try:
        parsed = feedparser.parse(io.BytesIO(_as_utf8(data)), sanitize_html=False)
    except (UnicodeError, LookupError) as exc:
        # feedparser decodes the XML declaration itself and fails on bytes in it that are not
        # UTF-8 (found by fuzzing: fuzz/fuzz_feed.py).
        yield InputError(ctx.origin, f"malformed feed: bad encoding declaration ({one_line(exc)})")
        return
    except ValueError as exc:
        # feedparser's strict parser unpacks expat's namespaced names into two parts and fails
        # on some malformed ones (found by fuzzing: fuzz/fuzz_gzip.py).
        yield InputError(ctx.origin, f"malformed feed: {type(exc).__name__}: {one_line(exc)}")
        return
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
        if not parsed.get("version"):  # feedparser sets no version at all on empty input
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
        raw = body.encode("utf-8", "replace")
        try:
            check_html_depth(raw, limits)
        except LimitExceeded as exc:
            yield InputError(origin, str(exc))
            continue
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


_XML_ENCODING = re.compile(rb"""(<\?xml[^>]{0,200}?encoding\s*=\s*)["'][^"']*["']""", re.I)


def _as_utf8(data: bytes) -> bytes:
    """The feed transcoded to UTF-8 by our decoder, its declaration saying so.

    feedparser trusts a feed's declared encoding, and falls back to cp1252 without one; ours
    reads valid UTF-8 as UTF-8 whatever the label says and weighs a legacy label against what
    the bytes look like (a cp1250 feed labelled iso-8859-1, a cp1254 one with no label).
    """
    if data.isascii():
        return data
    try:
        text = decode_text(data, declared_encoding(data))
    except UndecodableError:
        return data  # feedparser reports what it makes of it
    return _XML_ENCODING.sub(rb'\1"utf-8"', text.encode("utf-8", "replace"), count=1)


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
