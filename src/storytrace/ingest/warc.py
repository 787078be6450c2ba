"""WARC and ARC archives: one Article per successful HTML response, streamed record by record.

warcio's ``ArchiveIterator`` reads the file itself (gzip per record or not, ARC converted to
WARC on the fly), so offsets are those of the file on disk, the ones CDX indexes use; an
article's origin is ``<file>#<record offset>``. Requests, metadata, revisits, redirects and
non-HTML payloads are skipped without a word: an archive is mostly those.

warcio stops quietly at the end of a clipped gzip member, so after the last record the tail of
the file is decompressed once more to tell a clean end from a truncated one. Each article is
held back until the next record starts, so a record cut short by the truncation is dropped and
the file reported, rather than read as a shorter page.

Limits (``IngestSettings``): the bytes warcio inflates from the whole file are counted as they
come out and stop at ``max_decompressed_bytes`` (a gzip bomb ends the file with an error naming
the limit); a header line stops at ``max_line_bytes``; an HTML response whose record declares,
or whose payload holds, more than ``max_record_bytes`` is refused and the next record read.

Dates: the page's own publication date when it states one, else unknown. The WARC-Date is
capture time, only the latest the page can have been published; taking it as the publication
date would let a late capture "publish" a copy before its original, so it is never used as one.
"""

from __future__ import annotations

import io
import logging
import zlib
from collections.abc import Iterator
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import DecompressingBufferedReader
from warcio.recordloader import ArchiveLoadFailed

from ..errors import InputError
from ..model import Article
from .html import page_metadata
from .limits import IngestSettings, LimitExceeded, limit_cause, over_limit, size_text
from .source import (
    FileContext,
    clean_field,
    content_id,
    one_line,
    pick_source,
)

logger = logging.getLogger(__name__)

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/xhtml"})
_CHUNK_BYTES = 1024 * 1024


class _CappedReader(DecompressingBufferedReader):  # type: ignore[misc]  # warcio is untyped
    """warcio's reader, counting the bytes it inflates and bounding the lines it reads.

    warcio inflates gzip members itself, a buffer at a time; counting them here is the only
    way to stop a bomb inside a per-record gzipped WARC before it has all been inflated. Its
    ``readline`` has no bound of its own, so a header "line" of gigabytes would be held whole.
    """

    def __init__(self, stream: Any, limits: IngestSettings, origin: str, **kwargs: Any) -> None:
        super().__init__(stream, **kwargs)
        self._limits = limits
        self._origin = origin
        self._inflated = 0

    def _decompress(self, data: bytes) -> bytes:
        out: bytes = super()._decompress(data)
        if self.decompressor is not None:
            self._inflated += len(out)
            if self._inflated > self._limits.max_decompressed_bytes:
                cap = self._limits.max_decompressed_bytes
                raise over_limit(self._origin, "gzip data inflates", "max_decompressed_bytes", cap)
        return out

    def readline(self, length: int | None = None) -> bytes:
        cap = self._limits.max_line_bytes
        line: bytes = super().readline(cap + 1 if length is None else min(length, cap + 1))
        if len(line) > cap:
            raise over_limit(self._origin, "a WARC header line is", "max_line_bytes", cap)
        return line


def _archive_iterator(
    stream: io.BufferedIOBase, ctx: FileContext, limits: IngestSettings
) -> ArchiveIterator:
    """warcio's iterator over ``stream``, reading through :class:`_CappedReader`."""
    iterator = ArchiveIterator(stream, arc2warc=True)
    # Nothing has been read yet: the reader can still be swapped for the capped one.
    iterator.reader = _CappedReader(iterator.fh, limits, ctx.origin)
    return iterator


def read_warc(
    stream: io.BufferedIOBase,
    ctx: FileContext,
    *,
    gzipped: bool,
    arc: bool = False,
    limits: IngestSettings | None = None,
) -> Iterator[Article | InputError]:
    """Articles from the HTML responses in a WARC or ARC ``stream`` read from its start.

    ``gzipped`` says ``stream`` is the compressed file itself, whose tail is checked for
    truncation at the end; ``arc`` says it is an ARC file, whose records have no id of their
    own (warcio makes up a random one, which would change on every read). Bad records are
    InputError items and reading goes on.
    """
    limits = limits or IngestSettings()
    iterator = _archive_iterator(stream, ctx, limits)
    pending: Article | None = None
    last_offset = 0
    failure: Exception | None = None
    try:
        for record in iterator:
            if pending is not None:
                yield pending
                pending = None
            # The payload is read before asking for the offset: warcio computes the offset by
            # reading the record to its end, which would leave nothing to read.
            payload: bytes | None = None
            problem: Exception | None = None
            try:
                payload = _html_payload(record, limits)
            except InputError:
                raise  # a limit on the whole file: the archive ends here
            except Exception as exc:  # a damaged record must not stop the archive
                problem = exc
            last_offset = int(iterator.get_record_offset())
            origin = f"{ctx.origin}#{last_offset}"
            try:
                if problem is not None:
                    raise problem
                if payload is not None:
                    pending = _article(record, payload, origin, ctx, arc=arc, limits=limits)
            except Exception as exc:  # one pathological page must not stop the archive
                logger.debug("%s: record failed", origin, exc_info=True)
                yield InputError(origin, one_line(exc))
    except InputError as exc:  # a limit on the whole file was hit
        if pending is not None:
            yield pending
        yield exc
        return
    except Exception as exc:  # warcio raises assorted errors on damaged archives
        logger.debug("%s: archive iteration stopped", ctx.origin, exc_info=True)
        failure = exc
    last_complete, all_complete = (True, True)
    if gzipped:
        last_complete, all_complete = _gzip_tail(stream, last_offset, limits.max_decompressed_bytes)
    if pending is not None:
        if last_complete:
            yield pending
        else:
            logger.debug("%s#%d: dropped, its record is cut short", ctx.origin, last_offset)
    if not all_complete:
        yield InputError(ctx.origin, "truncated gzip stream")
        return
    if failure is not None:
        yield InputError(ctx.origin, _describe_failure(failure, last_offset))


def _describe_failure(failure: Exception, last_offset: int) -> str:
    """A one-line cause for an archive warcio gave up on after the record at ``last_offset``."""
    if isinstance(failure, ArchiveLoadFailed):
        return f"malformed archive after offset {last_offset}: {one_line(failure)}"
    # warcio fails on a cut or garbled header block with errors such as AttributeError,
    # whose own text ("'NoneType' object has no attribute ...") would say nothing useful.
    return (
        f"malformed archive after offset {last_offset}: "
        f"unreadable record header ({type(failure).__name__})"
    )


def _html_payload(record: Any, limits: IngestSettings) -> bytes | None:
    """The HTTP payload of an HTML 200 response, or None for any other record (skipped).

    Raises LimitExceeded when the record is larger than ``limits.max_record_bytes``.
    """
    if record.rec_type != "response" or record.http_headers is None:
        return None
    http = record.http_headers
    if http.get_statuscode() != "200":
        return None
    content_type = (http.get_header("Content-Type") or "").split(";")[0].strip().lower()
    if content_type not in _HTML_TYPES:
        return None
    cap = limits.max_record_bytes
    declared = _declared_length(record)
    if declared is not None and declared > cap:
        raise LimitExceeded(
            limit_cause(f"WARC record of {size_text(declared)} is", "max_record_bytes", cap)
        )
    payload: bytes = record.content_stream().read(cap + 1)
    if len(payload) > cap:
        raise LimitExceeded(limit_cause("HTML payload is", "max_record_bytes", cap))
    if not payload.strip():
        raise ValueError("empty HTML payload")
    return payload


def _declared_length(record: Any) -> int | None:
    """The record's Content-Length header as an int, or None when absent or not a number."""
    value = record.rec_headers.get_header("Content-Length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _article(
    record: Any,
    payload: bytes,
    origin: str,
    ctx: FileContext,
    *,
    arc: bool,
    limits: IngestSettings,
) -> Article:
    """The Article for an HTML response record whose payload has been read."""
    headers = record.rec_headers
    url = clean_field(headers.get_header("WARC-Target-URI"))
    meta = page_metadata(payload, default_url=url, limits=limits)
    published = meta.published
    source = pick_source(None, url, meta.sitename, ctx.folder)
    return Article(
        id=content_id(payload, source, url),
        origin=origin,
        format="html",
        raw=payload,
        external_id=None if arc else clean_field(headers.get_header("WARC-Record-ID")),
        source=source,
        url=url,
        title=meta.title,
        published=published,
        author=meta.author,
    )


def _gzip_tail(stream: io.BufferedIOBase, offset: int, max_bytes: int) -> tuple[bool, bool]:
    """Whether the gzip member at ``offset`` ends, and whether every member after it does.

    ``offset`` is the start of the last record warcio read, a gzip member boundary in a
    per-record gzipped WARC (or 0 for a file gzipped whole, which is then checked whole).
    Output is decompressed in bounded pieces and thrown away: only the framing matters. Past
    ``max_bytes`` of output (warcio read that far already, so it was under the limit) the
    rest is assumed complete rather than inflated again.
    """
    try:
        stream.seek(offset)
    except (OSError, ValueError):
        logger.debug("cannot seek to check the gzip tail; assuming it is complete")
        return True, True
    decompressor = zlib.decompressobj(wbits=31)
    members_ended = 0
    fed = False
    inflated = 0
    while chunk := stream.read(_CHUNK_BYTES):
        data = chunk
        while data:
            if decompressor.eof:
                decompressor = zlib.decompressobj(wbits=31)
            try:
                inflated += len(decompressor.decompress(data, _CHUNK_BYTES))
            except zlib.error:
                return members_ended > 0, False
            if inflated > max_bytes:
                return True, True
            fed = True
            if decompressor.eof:
                members_ended += 1
                data = decompressor.unused_data
            else:
                data = decompressor.unconsumed_tail
    complete = not fed or decompressor.eof
    return members_ended > 0 or not fed, complete
