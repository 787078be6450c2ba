"""atheris harness: the RSS/Atom reader (feedparser, entry bodies, nesting-depth limit)."""

from __future__ import annotations

import atheris
from _harness import CTX, LIMITS, check_items, main

with atheris.instrument_imports(include=["storytrace"]):
    from storytrace.ingest.feeds import read_feed


def test_one_input(data: bytes) -> None:
    check_items(read_feed(data, CTX, LIMITS))


if __name__ == "__main__":
    main(test_one_input, "feed", ["feeds/*"])
