"""Resource limits on input: how big a file, a line, a record or a page may be before it is refused.

Input from the open web can be hostile or just broken: a gzip bomb that inflates a few
kilobytes into terabytes, a JSONL "line" with no newline for gigabytes, a WARC record whose
header promises more than the disk holds, a page nested a hundred thousand elements deep. Each
limit below turns one of these into a one-line :class:`~storytrace.errors.InputError` naming the
file (or record) and the limit, and the run goes on with the rest. Compressed data is always
inflated as a stream and counted as it comes out, so a bomb is stopped at the cap having used
no more memory than a buffer, never inflated whole.

The limits are the ``[ingest]`` section of the settings file (``Settings.ingest``); every size is
in bytes. The defaults leave real news input alone (the largest page of the scrapinghub
benchmark is 1.5 MB and nests 50 elements deep; a Common Crawl WARC file is about 1 GB) while
keeping one bad file's cost to seconds and a bounded amount of memory.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import InputError

_KIB = 1024
_MIB = 1024 * _KIB
_GIB = 1024 * _MIB

# lxml's HTML parser (libxml2) keeps at most 256 levels of elements and silently drops whatever
# is nested deeper, so a page at that depth has lost text; a limit above it cannot be honoured.
PARSER_MAX_HTML_DEPTH = 255


@dataclass(frozen=True, slots=True)
class IngestSettings:
    """Limits on what one file, line, record or page may cost; see the module docstring.

    ``max_file_bytes``: a file's size on disk.
    ``max_decompressed_bytes``: bytes inflated out of one gzipped file (or WARC), counted as
    they stream out; a gzip bomb is stopped here.
    ``max_document_bytes``: a text or HTML file, read whole as one article.
    ``max_feed_bytes``: an RSS/Atom feed, parsed whole by feedparser (which holds several times
    its size in memory).
    ``max_line_bytes``: one line of a JSONL or text file (a JSONL line is one record), and one
    header line of a WARC record.
    ``max_record_bytes``: one WARC record holding an HTML page (its declared length and its
    payload).
    ``max_html_depth``: element nesting of an HTML page or fragment; at most
    :data:`PARSER_MAX_HTML_DEPTH`, past which the parser drops text.
    """

    max_file_bytes: int = 4 * _GIB
    max_decompressed_bytes: int = 8 * _GIB
    max_document_bytes: int = 64 * _MIB
    max_feed_bytes: int = 32 * _MIB
    max_line_bytes: int = 16 * _MIB
    max_record_bytes: int = 64 * _MIB
    max_html_depth: int = PARSER_MAX_HTML_DEPTH

    def __post_init__(self) -> None:
        for name in self.__slots__:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"ingest.{name} must be a positive integer, got {value!r}")

    @property
    def html_depth(self) -> int:
        """The nesting depth actually enforced: the setting, capped at what the parser keeps."""
        return min(self.max_html_depth, PARSER_MAX_HTML_DEPTH)


def size_text(size: int) -> str:
    """A byte count for people: ``512 bytes``, ``64 MiB``, ``1.5 GiB``."""
    for unit, factor in (("GiB", _GIB), ("MiB", _MIB), ("KiB", _KIB)):
        if size >= factor:
            value = size / factor
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} bytes"


class LimitExceeded(ValueError):
    """A record or page over a limit, raised where the origin is not known; the message is the
    cause, and the reader turns it into an InputError naming the file or record."""


def limit_cause(what: str, name: str, limit: int, *, unit: str = "bytes") -> str:
    """The cause saying ``what`` (``"document is"``) goes over the limit ``name``."""
    shown = size_text(limit) if unit == "bytes" else f"{limit} {unit}"
    return f"{what} over the limit ingest.{name} = {shown}"


def over_limit(origin: str, what: str, name: str, limit: int, *, unit: str = "bytes") -> InputError:
    """The one-line error saying ``what`` goes over the limit ``name``, naming the file.

    For example ``x.txt: document is over the limit ingest.max_document_bytes = 64 MiB``.
    """
    return InputError(origin, limit_cause(what, name, limit, unit=unit))


_CHUNK_BYTES = 1024 * _KIB


class CappedReader(io.RawIOBase):
    """A readable stream that raises an InputError once more than ``limit`` bytes came out of it.

    Wrapped around a decompressing stream (``gzip.GzipFile``), it stops a gzip bomb at the cap:
    the bytes are counted as they are inflated, a buffer at a time, and never held whole.
    Seeking back to the start (the sniffer does) starts the count again.
    """

    def __init__(self, inner: io.BufferedIOBase, limit: int, error: InputError) -> None:
        super().__init__()
        self._inner = inner
        self._limit = limit
        self._error = error
        self._count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]  # io's stub takes a Buffer
        # Ask for no more than one byte past the cap, a chunk at a time: given one large
        # buffer, GzipFile would otherwise inflate all of it before the count is checked.
        room = min(len(buffer), self._limit - self._count + 1, _CHUNK_BYTES)
        size = self._inner.readinto(memoryview(buffer)[:room])
        self._count += size
        if self._count > self._limit:
            raise self._error
        return size

    def seekable(self) -> bool:
        return self._inner.seekable()

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        position = self._inner.seek(offset, whence)
        self._count = position
        return position

    def tell(self) -> int:
        return self._inner.tell()

    def close(self) -> None:
        self._inner.close()
        super().close()


_SKIP_CHUNK_BYTES = 64 * _KIB


def bounded_lines(stream: io.BufferedIOBase, max_line_bytes: int) -> Iterator[bytes | None]:
    """The lines of ``stream``, each at most ``max_line_bytes`` long (line ending aside).

    A longer line is skipped (read through in small pieces, never held whole) and comes out as
    None, so the caller can report it by its line number and go on with the next line.
    """
    while True:
        line = stream.readline(max_line_bytes + 1)
        if not line:
            return
        if len(line) <= max_line_bytes or line.endswith(b"\n"):
            yield line
            continue
        while line and not line.endswith(b"\n"):
            line = stream.readline(_SKIP_CHUNK_BYTES)
        yield None
