"""Shared driver of the atheris harnesses: what counts as a crash, and how a harness starts.

A reader may end an input in exactly two ways: yielding Articles and InputError items, or
raising an InputError (or one of the gzip/OS errors that ``ingest._read_file`` turns into one,
naming the file). Any other exception is a crash and libFuzzer stops on it with the input saved.
Each item's fields are touched too, so a lazily built value cannot hide a failure.

Hangs and memory are libFuzzer's to catch: every harness is run with ``-timeout`` (seconds per
input) and ``-rss_limit_mb`` (see README.md); an input over either is saved like a crash.
"""

from __future__ import annotations

import gzip
import io
import logging
import sys
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

import atheris

# The readers and the parsers they drive in Python (warcio, feedparser) are instrumented for
# coverage; C parsers (lxml, json, zlib) are fuzzed through them without it.
with atheris.instrument_imports(include=["storytrace", "warcio", "feedparser"]):
    from storytrace.errors import InputError
    from storytrace.ingest import _read_stream
    from storytrace.ingest.limits import IngestSettings
    from storytrace.ingest.source import FileContext
    from storytrace.model import Article

# Small limits, so a fuzzer's input reaches them (and the code that enforces them) often.
LIMITS = IngestSettings(
    max_document_bytes=256 * 1024,
    max_feed_bytes=256 * 1024,
    max_line_bytes=64 * 1024,
    max_record_bytes=256 * 1024,
    max_decompressed_bytes=4 * 1024 * 1024,
)
CTX = FileContext(origin="fuzz/input", stem="input", folder="fuzz")
# What ingest._read_file reports as a bad file by name: documented outcomes, not crashes.
EXPECTED = (InputError, EOFError, gzip.BadGzipFile, zlib.error)


def check_items(items: Iterable[object]) -> int:
    """Consume a reader's items, checking each is an Article or an InputError; count them."""
    count = 0
    for item in items:
        if isinstance(item, Article):
            assert isinstance(item.raw, bytes)
            assert item.published is None or item.published.tzinfo is not None
            assert item.origin.startswith(CTX.origin)
        elif isinstance(item, InputError):
            assert item.origin.startswith(CTX.origin), item
            assert "\n" not in str(item), item
        else:
            raise AssertionError(f"unexpected item {item!r}")
        count += 1
    return count


def read_bytes(data: bytes) -> int:
    """Run ``data`` through the dispatcher (sniff, gzip layers, reader) as ingest would."""
    try:
        return check_items(_read_stream(io.BufferedReader(io.BytesIO(data)), CTX, LIMITS))
    except EXPECTED:
        return 0


HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "examples"


def main(test_one_input: Callable[[bytes], None], name: str, seeds: Iterable[str]) -> None:
    """Start libFuzzer on ``test_one_input``; arguments are libFuzzer's (``-runs=1000000``).

    Without a corpus folder on the command line, ``fuzz/work/<name>/`` is used (ignored by
    git), seeded on first use with the example files matching ``seeds`` (globs under
    ``examples/``), each also gzipped, so the fuzzer starts from valid input of its format.
    """
    # The readers' one-line warnings ("not UTF-8; decoded as a legacy encoding") are normal
    # outcomes; writing them to stderr cost more than reading a small input.
    logging.disable(logging.CRITICAL)
    argv = list(sys.argv)
    if not any(not arg.startswith("-") for arg in argv[1:]):
        corpus = HERE / "work" / name
        if not corpus.is_dir():
            corpus.mkdir(parents=True)
            for pattern in seeds:
                for path in sorted(EXAMPLES.glob(pattern)):
                    data = path.read_bytes()
                    (corpus / path.name).write_bytes(data)
                    if not data.startswith(b"\x1f\x8b"):
                        (corpus / f"{path.name}.gz").write_bytes(gzip.compress(data, mtime=0))
        argv.append(str(corpus))
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()
