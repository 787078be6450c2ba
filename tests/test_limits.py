"""Resource limits (issue 11 item 2): each refusal is one line naming the file and the limit,
and the files after it are still read."""

from __future__ import annotations

import gzip
import io
import json
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest

from storytrace.errors import InputError, StorytraceError
from storytrace.ingest import IngestSettings, read_paths
from storytrace.ingest.feeds import read_feed
from storytrace.ingest.html import page_metadata
from storytrace.ingest.limits import LimitExceeded
from storytrace.ingest.source import FileContext
from storytrace.model import Article
from storytrace.settings import load_settings

GOOD = b"Harbour reopens\n\nThe harbour reopened on Monday after the storm, officials said.\n"


def _read(paths: list[Path], limits: IngestSettings) -> tuple[list[Article], list[InputError]]:
    errors: list[InputError] = []
    return list(read_paths(paths, errors.append, limits)), errors


def _one_refusal(tmp_path: Path, name: str, data: bytes, limits: IngestSettings) -> InputError:
    """Write ``data`` next to a good file; the bad one is refused, the good one still read."""
    bad = tmp_path / name
    bad.write_bytes(data)
    good = tmp_path / "zz-good.txt"
    good.write_bytes(GOOD)
    articles, errors = _read([bad, good], limits)
    assert [a.origin for a in articles] == [str(good)]
    [error] = errors
    assert "\n" not in str(error)
    assert str(error).startswith(str(bad))
    return error


def _gzip_bomb(size: int) -> bytes:
    """``size`` zero bytes, deflated by streaming (never held whole): about 1000:1."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as gz:
        chunk = b"\x00" * (1 << 20)
        for _ in range(size // len(chunk)):
            gz.write(chunk)
    return out.getvalue()


def test_file_size_limit(tmp_path: Path) -> None:
    error = _one_refusal(tmp_path, "a.txt", GOOD * 10, IngestSettings(max_file_bytes=100))
    assert "over the limit ingest.max_file_bytes = 100 bytes" in error.cause


def test_document_and_feed_size_limits(tmp_path: Path) -> None:
    error = _one_refusal(tmp_path, "a.txt", GOOD * 10, IngestSettings(max_document_bytes=200))
    assert error.cause == "document is over the limit ingest.max_document_bytes = 200 bytes"
    feed = b'<rss version="2.0"><channel><item><description>' + b"x" * 500
    feed += b"</description></item></channel></rss>"
    error = _one_refusal(tmp_path, "f.xml", feed, IngestSettings(max_feed_bytes=300))
    assert error.cause == "feed is over the limit ingest.max_feed_bytes = 300 bytes"


def test_gzip_bomb_stops_at_the_cap_without_inflating_it_whole(tmp_path: Path) -> None:
    # 256 MiB of spaces inside a JSONL record, streamed line by line.
    bomb = gzip.compress(b'{"text": "' + b" " * (256 << 20), compresslevel=9, mtime=0)
    assert len(bomb) < 400_000
    limits = IngestSettings(max_decompressed_bytes=8 << 20)
    tracemalloc.start()
    started = time.perf_counter()
    error = _one_refusal(tmp_path, "bomb.jsonl.gz", bomb, limits)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "gzip data inflates over the limit ingest.max_decompressed_bytes = 8 MiB" in str(error)
    # never the 256 MiB it inflates to; a document read whole is bounded by max_document_bytes
    assert peak < limits.max_document_bytes + (16 << 20)
    assert elapsed < 5


def test_gzip_bomb_as_document_is_bounded_by_the_document_limit(tmp_path: Path) -> None:
    bomb = gzip.compress(b"word " * (4 << 20), mtime=0)
    error = _one_refusal(tmp_path, "b.txt.gz", bomb, IngestSettings(max_document_bytes=1 << 20))
    assert "ingest.max_document_bytes = 1 MiB" in error.cause


def test_jsonl_long_line_is_skipped_and_reading_goes_on(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": "first record body"}),
        json.dumps({"text": "x" * 5000}),
        json.dumps({"text": "third record body"}),
    ]
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    articles, errors = _read([path], IngestSettings(max_line_bytes=1000))
    assert [a.origin for a in articles] == [f"{path}#L1", f"{path}#L3"]
    assert [str(e) for e in errors] == [
        f"{path}#L2: line is over the limit ingest.max_line_bytes = 1000 bytes"
    ]


def test_text_line_limit(tmp_path: Path) -> None:
    data = b"Title\n\n" + b"word " * 400 + b"\n"
    error = _one_refusal(tmp_path, "t.txt", data, IngestSettings(max_line_bytes=1000))
    assert error.cause == "a line is over the limit ingest.max_line_bytes = 1000 bytes"


def _warc_record(uri: str, html: bytes) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + html
    record_id = uri.rsplit("/", 1)[-1]
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{record_id}>\r\n"
        f"WARC-Target-URI: {uri}\r\nWARC-Date: 2024-01-01T00:00:00Z\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    )
    return head.encode() + http + b"\r\n\r\n"


def test_warc_record_limit_skips_the_record_only(tmp_path: Path) -> None:
    small = b"<html><head><title>Small</title></head><body><p>short page</p></body></html>"
    big = b"<html><body><p>" + b"long page " * 2000 + b"</p></body></html>"
    data = b"".join(
        gzip.compress(_warc_record(f"https://example.org/{n}", page), mtime=0)
        for n, page in enumerate((small, big, small))
    )
    path = tmp_path / "a.warc.gz"
    path.write_bytes(data)
    articles, errors = _read([path], IngestSettings(max_record_bytes=5000))
    assert len(articles) == 2
    [error] = errors
    assert error.origin.startswith(f"{path}#")
    assert "over the limit ingest.max_record_bytes" in error.cause


def test_warc_gzip_bomb_is_stopped(tmp_path: Path) -> None:
    record = _warc_record("https://example.org/1", b"<html><body><p>page</p></body></html>")
    bomb = gzip.compress(record, mtime=0) + _gzip_bomb(64 << 20)
    path = tmp_path / "b.warc.gz"
    path.write_bytes(bomb)
    articles, errors = _read([path], IngestSettings(max_decompressed_bytes=8 << 20))
    assert [a.origin for a in articles] == [f"{path}#0"]  # the record before the bomb is kept
    [error] = errors
    assert str(error).startswith(f"{path}: gzip data inflates over the limit")
    assert "ingest.max_decompressed_bytes = 8 MiB" in error.cause


def test_warc_header_line_limit(tmp_path: Path) -> None:
    data = b"WARC/1.0\r\nWARC-Type: response\r\nX-Junk: " + b"a" * 5000 + b"\r\n\r\n"
    error = _one_refusal(tmp_path, "h.warc", data, IngestSettings(max_line_bytes=1000))
    assert "WARC header line is over the limit ingest.max_line_bytes" in error.cause


def _nested(depth: int) -> bytes:
    return (
        b"<html><head><title>Deep</title></head><body>"
        + b"<div>" * depth
        + b"<p>text at the bottom</p>"
        + b"</div>" * depth
        + b"</body></html>"
    )


def test_html_nesting_depth(tmp_path: Path) -> None:
    assert page_metadata(_nested(100)).title == "Deep"
    # 100,000 levels: libxml2 keeps 256 and drops the rest; refused rather than read empty.
    started = time.perf_counter()
    error = _one_refusal(tmp_path, "deep.html", _nested(100_000), IngestSettings())
    assert time.perf_counter() - started < 5
    assert error.cause == "HTML nesting is over the limit ingest.max_html_depth = 255 levels"
    with pytest.raises(LimitExceeded):
        page_metadata(_nested(100), limits=IngestSettings(max_html_depth=50))


def test_feed_entry_nesting_depth() -> None:
    deep = "&lt;div&gt;" * 400 + "text"
    feed = (
        '<rss version="2.0"><channel><title>T</title>'
        f"<item><title>a</title><description>{deep}</description></item>"
        "<item><title>b</title><description>&lt;p&gt;fine&lt;/p&gt;</description></item>"
        "</channel></rss>"
    ).encode()
    items = list(read_feed(feed, FileContext("f.xml", "f", None)))
    assert isinstance(items[0], InputError)
    assert items[0].origin == "f.xml#E1"
    assert "max_html_depth" in items[0].cause
    assert isinstance(items[1], Article)


def test_limits_come_from_the_settings_file(tmp_path: Path) -> None:
    toml = tmp_path / "s.toml"
    toml.write_text("[ingest]\nmax_line_bytes = 1000\nmax_html_depth = 64\n", encoding="utf-8")
    limits = load_settings(toml).ingest
    assert limits.max_line_bytes == 1000
    assert limits.html_depth == 64
    assert IngestSettings(max_html_depth=10_000).html_depth == 255
    toml.write_text("[ingest]\nmax_line_bytes = 0\n", encoding="utf-8")
    with pytest.raises(StorytraceError, match=r"\[ingest\].*max_line_bytes"):
        load_settings(toml)


def test_corrupt_zlib_is_still_one_error(tmp_path: Path) -> None:
    data = gzip.compress(GOOD * 50, mtime=0)
    broken = data[:20] + zlib.compress(b"junk")[2:] + data[40:]
    _one_refusal(tmp_path, "c.txt.gz", broken, IngestSettings())
