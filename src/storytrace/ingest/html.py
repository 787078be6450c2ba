"""HTML pages: the page bytes as ``raw`` plus what the page says about itself.

Only metadata is read here (title, author, date, site name, canonical URL), with trafilatura
and htmldate. The body is left to the clean stage, which runs trafilatura's extractor on
``raw``; doing it twice would cost the most expensive step of ingest for nothing.

Dates: htmldate is asked for the original publication date without its "extensive" search,
which scans free text for anything date-shaped and is a guess more than a reading. Where the
page gives no publication date, htmldate is asked once more for any date the markup states (a
last-modified date, say). A date without a time means midnight UTC; a time without a zone, UTC.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import htmldate
import trafilatura
from trafilatura.utils import load_html

from ..errors import InputError
from ..model import Article
from .limits import IngestSettings, LimitExceeded, limit_cause
from .source import FileContext, clean_field, content_id, parse_iso_datetime, pick_source

logger = logging.getLogger(__name__)

_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
_DOCUMENT_TAG = re.compile(rb"<(?:html|head|body)[\s>]", re.IGNORECASE)
_DOCUMENT_TAG_BYTES = 4096


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """What an HTML page states about itself; every field may be missing."""

    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    sitename: str | None = None
    url: str | None = None


def _as_document(fragment: bytes) -> bytes:
    return b"<html><body>" + fragment + b"</body></html>"


def _parse(data: bytes, limits: IngestSettings) -> Any:
    """The lxml tree of a page or fragment; ValueError when it does not parse, LimitExceeded
    when it nests deeper than the limit (the parser would have dropped the deeper text)."""
    if _DOCUMENT_TAG.search(data[:_DOCUMENT_TAG_BYTES]) is None:
        # trafilatura rejects fragments (feed content, a JSONL ``html`` field) outright.
        data = _as_document(data)
    tree = load_html(data)
    if tree is not None and tree.tag != "html":
        # A fragment with a document tag further in ("<canvas>x<html>"): lxml makes its first
        # element the root, which htmldate's cleaner then tries to drop (an AssertionError).
        tree = load_html(_as_document(data))
    if tree is None:
        raise ValueError("not parseable as HTML")
    depth = limits.html_depth
    # An element with ``depth`` ancestors sits one level past the limit; XPath walks the tree
    # in C, a fraction of a millisecond on a news page.
    if tree.xpath(f"boolean(//*[ancestor::*[{depth}]])"):
        raise LimitExceeded(limit_cause("HTML nesting is", "max_html_depth", depth, unit="levels"))
    return tree


def check_html_depth(data: bytes, limits: IngestSettings) -> None:
    """Raise LimitExceeded when the page or fragment in ``data`` nests past the limit."""
    try:
        _parse(data, limits)
    except LimitExceeded:
        raise
    except ValueError:
        return  # not parseable: the clean stage reports what it makes of it


def page_metadata(
    data: bytes, default_url: str | None = None, limits: IngestSettings | None = None
) -> PageMetadata:
    """Title, author, date, site name and URL of the HTML page in ``data``.

    ``default_url`` is where the page is known to come from (a WARC target URI); the page's
    own canonical URL wins over it. Raises ValueError when ``data`` does not parse as HTML,
    and LimitExceeded (a ValueError) when it nests deeper than ``limits.max_html_depth``.
    """
    tree = _parse(data, limits or IngestSettings())
    date_config: dict[str, Any] = {
        "original_date": True,
        "extensive_search": False,
        "outputformat": _DATE_FORMAT,
        # A date in the URL has no time of day; read it only when the markup states none.
        "deferred_url_extractor": True,
    }
    document = trafilatura.extract_metadata(tree, default_url=default_url, date_config=date_config)
    url = clean_field(document.url) or default_url
    published = _parse_date(document.date)
    if published is None:
        published = _parse_date(
            htmldate.find_date(
                data,
                extensive_search=False,
                original_date=False,
                outputformat=_DATE_FORMAT,
                url=url,
                deferred_url_extractor=True,
            )
        )
    return PageMetadata(
        title=clean_field(document.title),
        author=clean_field(document.author),
        published=published,
        sitename=clean_field(document.sitename),
        url=url,
    )


def _parse_date(value: object) -> datetime | None:
    """An aware datetime from htmldate's output (``str`` in our format), else None."""
    if not isinstance(value, str):
        return None
    return parse_iso_datetime(value)


def read_html(data: bytes, ctx: FileContext, limits: IngestSettings | None = None) -> Article:
    """One ``html`` Article from a page's bytes, with the page's metadata."""
    if not data.strip():
        raise InputError(ctx.origin, "empty file")
    try:
        meta = page_metadata(data, limits=limits)
    except ValueError as exc:
        raise InputError(ctx.origin, str(exc)) from exc
    logger.debug("%s: read as HTML (title %r)", ctx.origin, meta.title)
    source = pick_source(None, meta.url, meta.sitename, ctx.folder)
    return Article(
        id=content_id(data, source, meta.url),
        origin=ctx.origin,
        format="html",
        raw=data,
        external_id=ctx.stem,
        source=source,
        url=meta.url,
        title=meta.title,
        published=meta.published,
        author=meta.author,
    )
