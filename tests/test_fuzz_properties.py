"""Property tests over every reader and the cleaner (issue 11 item 1): on any input, a reader
yields Articles and InputErrors (or raises InputError) and nothing else, within a time bound per
record. Small and fast; fuzz/ holds the long atheris runs."""

from __future__ import annotations

import gzip
import io
import time
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storytrace.clean import clean
from storytrace.errors import InputError
from storytrace.ingest import _read_stream
from storytrace.ingest.feeds import read_feed
from storytrace.ingest.html import read_html
from storytrace.ingest.jsonl import read_jsonl
from storytrace.ingest.limits import IngestSettings
from storytrace.ingest.source import FileContext
from storytrace.ingest.text import read_text
from storytrace.ingest.warc import read_warc
from storytrace.model import Article

DATA = Path(__file__).resolve().parent / "data" / "ingest"
CTX = FileContext("fuzz/input", "input", "fuzz")
LIMITS = IngestSettings(max_line_bytes=4096, max_record_bytes=8192, max_document_bytes=65536)
SECONDS_PER_RECORD = 2.0
FAST = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))

# Markup-ish and format-ish fragments, so generated input reaches past the first check.
_PIECES = st.sampled_from(
    [
        "<html>",
        "<head>",
        "<title>",
        "</title>",
        "<body>",
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<meta charset='koi8-r'>",
        "<script>",
        "<!--",
        "-->",
        "&amp;",
        "&#xD800;",
        "\x00",
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0">',
        "<channel>",
        "<item>",
        "</item>",
        "<description>",
        "</description>",
        "<entry>",
        "<feed>",
        '{"text": "',
        '{"html": "',
        '"}',
        "\\ud800",
        "\n",
        "\r\n",
        "WARC/1.0\r\n",
        "WARC-Type: response\r\n",
        "Content-Length: 10\r\n",
        "HTTP/1.1 200 OK\r\n",
        "Content-Type: text/html\r\n",
        "é",
        "Привет",
        "東京",
        "\u202e",
        "\ufeff",
    ]
)
_TEXTISH = st.lists(st.one_of(_PIECES, st.text(max_size=20)), max_size=40).map("".join)
_BYTES = st.one_of(
    st.binary(max_size=2000),
    _TEXTISH.map(lambda s: s.encode("utf-8", "surrogatepass")),
    _TEXTISH.map(lambda s: s.encode("cp1251", "replace")),
)


def _check(produce: Callable[[], Iterable[object]]) -> None:
    """Items are Articles or one-line InputErrors; each comes within the time bound."""
    started = time.perf_counter()
    try:
        for item in produce():
            assert isinstance(item, (Article, InputError)), item
            if isinstance(item, InputError):
                assert "\n" not in str(item)
            assert time.perf_counter() - started < SECONDS_PER_RECORD
            started = time.perf_counter()
    except InputError as exc:
        assert "\n" not in str(exc)
    assert time.perf_counter() - started < SECONDS_PER_RECORD


@FAST
@given(_BYTES)
def test_text_reader(data: bytes) -> None:
    _check(lambda: [read_text(data, CTX, LIMITS)])


@FAST
@given(_BYTES)
def test_html_reader(data: bytes) -> None:
    _check(lambda: [read_html(data, CTX, LIMITS)])


@FAST
@given(_BYTES)
def test_feed_reader(data: bytes) -> None:
    _check(lambda: read_feed(data, CTX, LIMITS))


@FAST
@given(_BYTES)
def test_jsonl_reader(data: bytes) -> None:
    _check(lambda: read_jsonl(io.BufferedReader(io.BytesIO(data)), CTX, LIMITS))


@FAST
@given(_BYTES, st.booleans())
def test_warc_reader(data: bytes, compress: bool) -> None:
    if compress:
        data = gzip.compress(data, mtime=0)
    stream = io.BufferedReader(io.BytesIO(data))
    _check(lambda: read_warc(stream, CTX, gzipped=compress, limits=LIMITS))


@FAST
@given(_BYTES, st.integers(0, 2), st.integers(0, 40))
def test_dispatcher_and_gzip(data: bytes, layers: int, cut: int) -> None:
    for _ in range(layers):
        data = gzip.compress(data, mtime=0)
    if cut and layers:
        data = data[:-cut]  # truncated gzip streams

    def produce() -> Iterable[object]:
        try:
            yield from _read_stream(io.BufferedReader(io.BytesIO(data)), CTX, LIMITS)
        except (EOFError, gzip.BadGzipFile, zlib.error):  # reported by name by _read_file
            return

    _check(produce)


@FAST
@given(_BYTES, st.sampled_from(["html", "text"]))
def test_cleaner(data: bytes, form: str) -> None:
    article = Article(id="x", origin="fuzz", format=form, raw=data)  # type: ignore[arg-type]
    started = time.perf_counter()
    cleaned = clean(article)
    assert time.perf_counter() - started < SECONDS_PER_RECORD
    assert isinstance(cleaned.text, str)


def test_feed_with_undecodable_encoding_declaration() -> None:
    # Found by fuzz/fuzz_feed.py: feedparser raised UnicodeDecodeError on the bytes of this
    # declaration, and the whole file came out as "unreadable: UnicodeDecodeError".
    data = (DATA / "fuzz_feed_bad_declaration.xml").read_bytes()
    [error] = list(read_feed(data, CTX, LIMITS))
    assert isinstance(error, InputError)
    assert error.cause.startswith("malformed feed: bad encoding declaration")


def test_feed_reader_on_empty_input() -> None:
    # Found by fuzz/fuzz_feed.py: feedparser sets no ``version`` at all on empty input.
    [error] = list(read_feed(b"", CTX, LIMITS))
    assert error.cause == "not an RSS or Atom feed"


@pytest.mark.parametrize("data", [b"<canvas>x<html>", b"<audio><head>", b"<iframe/><body>y"])
def test_html_fragment_with_a_later_document_tag(data: bytes) -> None:
    # Found by fuzz/fuzz_html.py: lxml made the fragment's first element (one htmldate removes
    # before its date search) the root, and htmldate's drop_tree raised AssertionError.
    # Now an Article, or a one-line InputError when nothing but the tags is left.
    try:
        assert isinstance(read_html(data, CTX, LIMITS), Article)
    except InputError as error:
        assert error.cause == "not parseable as HTML"
