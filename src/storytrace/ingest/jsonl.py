"""JSON Lines: one article per line, read line by line so a file of any size streams.

A record has exactly one of ``text`` (plain text) or ``html`` (a page or fragment), and may
have ``id``, ``title``, ``url``, ``source``, ``published`` (ISO 8601; a naive time is UTC),
``author`` and ``lang``. Fields given explicitly win; for ``html`` records, what the page says
about itself fills the gaps. A bad line is an InputError for ``<file>#L<n>`` and the next line
is read; so is a line longer than ``IngestSettings.max_line_bytes``, skipped without being held.

Encodings: JSON is UTF-8 (RFC 8259), and a file with a UTF-16 or UTF-32 byte-order mark is
transcoded. A line that is not UTF-8 is decoded like a legacy text file (charset-normalizer,
cp1252 on a tie) and a warning names it: JSON written by a program that used the system's
legacy code page (Python's ``open()`` on Windows does) is common, and its ASCII structure is
intact.
"""

from __future__ import annotations

import codecs
import io
import json
import logging
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import IO, Any, cast

from ..errors import InputError
from ..model import Article, ArticleFormat
from .decode import UndecodableError, bom_encoding, decode_text
from .html import PageMetadata, page_metadata
from .limits import IngestSettings, bounded_lines, limit_cause
from .source import (
    FileContext,
    clean_field,
    content_id,
    one_line,
    parse_iso_datetime,
    pick_source,
)

logger = logging.getLogger(__name__)

_STRING_FIELDS = ("title", "url", "source", "published", "author", "lang")


class RecordError(ValueError):
    """A JSONL record that cannot become an article; the message is the one-line cause."""


def read_jsonl(
    source: io.BufferedIOBase | Iterable[bytes],
    ctx: FileContext,
    limits: IngestSettings | None = None,
) -> Iterator[Article | InputError]:
    """Articles from a JSONL stream (or its lines); blank lines are skipped, bad ones reported."""
    limits = limits or IngestSettings()
    for number, line in enumerate(_lines(source, limits), start=1):
        origin = f"{ctx.origin}#L{number}"
        if line is None or len(line.rstrip(b"\r\n")) > limits.max_line_bytes:
            cause = limit_cause("line is", "max_line_bytes", limits.max_line_bytes)
            yield InputError(origin, cause)
            continue
        if number == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8) :]
        if not line.strip():
            continue
        try:
            yield parse_record(line, origin, ctx, limits)
        except RecordError as exc:
            yield InputError(origin, str(exc))


def _lines(
    source: io.BufferedIOBase | Iterable[bytes], limits: IngestSettings
) -> Iterator[bytes | None]:
    """The lines of ``source`` as UTF-8 (or legacy) bytes; None for a line over the limit."""
    if not isinstance(source, io.BufferedIOBase):
        yield from source
        return
    start = source.tell()
    bom = bom_encoding(source.read(4))
    source.seek(start)
    if bom is None or bom[0] == "utf-8":
        yield from bounded_lines(source, limits.max_line_bytes)
        return
    # UTF-16/32: split the decoded text, not the bytes (a newline there is not one byte).
    encoding, length = bom
    source.seek(start + length)
    binary = cast(IO[bytes], source)
    reader = io.TextIOWrapper(binary, encoding=encoding, errors="replace", newline="")
    while True:
        text = reader.readline(limits.max_line_bytes + 1)
        if not text:
            return
        if len(text) > limits.max_line_bytes and not text.endswith("\n"):
            while text and not text.endswith("\n"):
                text = reader.readline(_SKIP_CHARS)
            yield None
            continue
        yield text.encode("utf-8")


_SKIP_CHARS = 64 * 1024


def _json_text(line: bytes, origin: str) -> str:
    """One line as text: UTF-8, else a legacy encoding (with a warning naming the line)."""
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as exc:
        try:
            text = decode_text(line)
        except UndecodableError:
            raise RecordError(f"invalid UTF-8 at byte {exc.start}") from exc
        logger.warning("%s: not UTF-8; decoded as a legacy encoding", origin)
        return text


def parse_record(
    line: bytes, origin: str, ctx: FileContext, limits: IngestSettings | None = None
) -> Article:
    """The Article for one JSONL line, or RecordError saying what is wrong with it."""
    text = _json_text(line, origin)
    try:
        record = json.loads(text.strip())
    except json.JSONDecodeError as exc:
        raise RecordError(f"invalid JSON: {exc.msg} at column {exc.colno}") from exc
    except ValueError as exc:
        raise RecordError(f"invalid JSON: {one_line(exc)}") from exc
    except RecursionError as exc:
        raise RecordError("invalid JSON: nested too deeply") from exc
    if not isinstance(record, dict):
        raise RecordError(f"expected a JSON object, got {type(record).__name__}")
    body_format, body = _body(record)
    fields = {name: _string_field(record, name) for name in _STRING_FIELDS}
    external_id = _id_field(record)
    published: datetime | None = None
    if fields["published"] is not None:
        published = parse_iso_datetime(fields["published"])
        if published is None:
            raise RecordError(f"published: not an ISO 8601 date: {fields['published']!r}")
    raw = _utf8(body, origin)
    meta = PageMetadata()
    if body_format == "html":
        try:
            meta = page_metadata(raw, default_url=fields["url"], limits=limits)
        except ValueError as exc:
            raise RecordError(f"html: {one_line(exc)}") from exc
    url = fields["url"] or meta.url
    source = pick_source(fields["source"], url, meta.sitename, ctx.folder)
    return Article(
        id=content_id(raw, source, url),
        origin=origin,
        format=body_format,
        raw=raw,
        external_id=external_id,
        source=source,
        url=url,
        title=fields["title"] or meta.title,
        published=published or meta.published,
        author=fields["author"] or meta.author,
        lang=fields["lang"],
    )


def _body(record: dict[str, Any]) -> tuple[ArticleFormat, str]:
    """The record's body and its format; exactly one of ``text`` and ``html`` must be given."""
    text = record.get("text")
    html = record.get("html")
    if text is not None and html is not None:
        raise RecordError("both 'text' and 'html' given; expected exactly one")
    if text is None and html is None:
        raise RecordError("no 'text' or 'html' field")
    name, value = ("text", text) if text is not None else ("html", html)
    if not isinstance(value, str):
        raise RecordError(f"{name}: expected a string, got {type(value).__name__}")
    if not value.strip():
        raise RecordError(f"{name}: empty")
    return ("text" if name == "text" else "html"), value


def _string_field(record: dict[str, Any], name: str) -> str | None:
    """An optional string field, whitespace-normalised; null and "" count as absent."""
    value = record.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise RecordError(f"{name}: expected a string, got {type(value).__name__}")
    return clean_field(value)


def _id_field(record: dict[str, Any]) -> str | None:
    """The record's ``id`` as a string; integers are accepted (common in exports)."""
    value = record.get("id")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise RecordError(f"id: expected a string or integer, got {type(value).__name__}")
    return clean_field(str(value))


def _utf8(body: str, origin: str) -> bytes:
    """``body`` as UTF-8; JSON's unpaired surrogate escapes become U+FFFD, as a decoder would."""
    try:
        return body.encode("utf-8")
    except UnicodeEncodeError:
        logger.warning("%s: unpaired surrogates replaced with U+FFFD", origin)
        fixed = "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in body)
        return fixed.encode("utf-8")
