"""atheris harness: the HTML reader (trafilatura/htmldate metadata, nesting-depth limit)."""

from __future__ import annotations

import contextlib

import atheris
from _harness import CTX, LIMITS, check_items, main

with atheris.instrument_imports(include=["storytrace"]):
    from storytrace.errors import InputError
    from storytrace.ingest.html import read_html


def test_one_input(data: bytes) -> None:
    with contextlib.suppress(InputError):
        check_items([read_html(data, CTX, LIMITS)])


if __name__ == "__main__":
    main(test_one_input, "html", ["html/*.html"])
