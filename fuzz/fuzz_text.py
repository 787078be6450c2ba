"""atheris harness: the plain-text reader (decoding, binary detection, headline, line limit)."""

from __future__ import annotations

import contextlib

import atheris
from _harness import CTX, LIMITS, check_items, main

with atheris.instrument_imports(include=["storytrace"]):
    from storytrace.errors import InputError
    from storytrace.ingest.text import read_text


def test_one_input(data: bytes) -> None:
    with contextlib.suppress(InputError):
        check_items([read_text(data, CTX, LIMITS)])


if __name__ == "__main__":
    main(test_one_input, "text", ["text/*/*.txt", "seeds/*.txt"])
