"""Every response fetched, written to gzipped WARC files beside the store.

A run writes ``<db stem>-warc/YYYYmmdd-HHMMSS-<n>.warc.gz`` (a new file past ``max_bytes``),
a ``warcinfo`` record first, then per HTTP exchange a ``response`` record and the ``request``
record that asked for it, linked by ``WARC-Concurrent-To``, as warcio's own capture does. Robots
files, feeds, redirects and error pages are archived too: a WARC is the record of what the web
answered, and ``storytrace ingest`` keeps only the HTML 200 responses, the same pages the live
run handed to the pipeline, so replaying a file gives the same articles.

The payload is stored as the client received it after HTTP decoding: the transfer coding is
undone (the record holds the whole body) and a ``Content-Encoding`` (gzip, br) is decoded, so
the headers that described the encoded form are renamed ``X-Archive-Orig-Content-Encoding``
and ``X-Archive-Orig-Content-Length`` (the Wayback Machine's convention) and ``Content-Length``
states the stored length. Responses cut off at the size cap, or refused unread for their
content type, are not archived: a truncated page would replay as a shorter article.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .. import __version__

_RENAMED = {"content-encoding", "content-length"}
_DROPPED = {"transfer-encoding"}


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP request and the complete response to it, as sent and received."""

    url: str
    request_headers: Sequence[tuple[str, str]]
    http_version: str
    status: int
    reason: str
    headers: Sequence[tuple[str, str]]
    body: bytes
    fetched_at: datetime


class WarcArchive:
    """Appends exchanges to WARC files in ``folder``; ``files`` lists those written so far.

    ``on_new_file`` is told of each file as it is created (before anything is in it), so the
    caller can note it for ingest even if the run dies before closing it.
    """

    def __init__(
        self,
        folder: Path,
        *,
        max_bytes: int = 1024 * 1024 * 1024,
        on_new_file: Callable[[Path], None] | None = None,
    ) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.files: list[Path] = []
        self._on_new_file = on_new_file
        self._fh: BinaryIO | None = None
        self._writer: WARCWriter | None = None

    def __enter__(self) -> WarcArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def write(self, exchange: Exchange) -> str:
        """Archive ``exchange``; returns the response record's origin, ``<file>#<offset>``.

        That is the origin ``storytrace ingest`` gives the article read from the record.
        """
        fh, writer = self._current()
        offset = fh.tell()
        date = exchange.fetched_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        response = writer.create_warc_record(
            exchange.url,
            "response",
            payload=io.BytesIO(exchange.body),
            http_headers=StatusAndHeaders(
                f"{exchange.status} {exchange.reason}".strip(),
                _stored_headers(exchange.headers, len(exchange.body)),
                protocol=exchange.http_version,
            ),
            warc_headers_dict={"WARC-Date": date},
        )
        writer.write_record(response)
        parts = urlsplit(exchange.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request = writer.create_warc_record(
            exchange.url,
            "request",
            payload=io.BytesIO(b""),
            http_headers=StatusAndHeaders(
                f"GET {target} {exchange.http_version}",
                list(exchange.request_headers),
                is_http_request=True,
            ),
            warc_headers_dict={
                "WARC-Date": date,
                "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        writer.write_record(request)
        return f"{self.files[-1]}#{offset}"

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
        self._fh = None
        self._writer = None

    def _current(self) -> tuple[BinaryIO, WARCWriter]:
        """The open file and its writer, starting a new file when none is open or it is full."""
        if self._fh is not None and self._writer is not None and self._fh.tell() < self.max_bytes:
            return self._fh, self._writer
        self.close()
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        number = 1
        while True:
            path = self.folder / f"{stamp}-{number}.warc.gz"
            try:
                fh: BinaryIO = path.open("xb")
                break
            except FileExistsError:
                number += 1
        if self._on_new_file is not None:
            self._on_new_file(path)
        self.files.append(path)
        writer = WARCWriter(fh, gzip=True)
        info = writer.create_warcinfo_record(
            path.name,
            {
                "software": f"storytrace/{__version__}",
                "format": "WARC File Format 1.0",
                "description": "pages and feeds fetched by storytrace fetch / watch",
            },
        )
        writer.write_record(info)
        self._fh, self._writer = fh, writer
        return fh, writer


def _stored_headers(headers: Sequence[tuple[str, str]], length: int) -> list[tuple[str, str]]:
    """Response headers as they describe the stored (decoded, whole) payload."""
    stored: list[tuple[str, str]] = []
    for name, value in headers:
        lowered = name.lower()
        if lowered in _DROPPED:
            continue
        if lowered in _RENAMED:
            stored.append((f"X-Archive-Orig-{name}", value))
        else:
            stored.append((name, value))
    stored.append(("Content-Length", str(length)))
    return stored
