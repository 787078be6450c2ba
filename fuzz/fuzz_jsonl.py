"""atheris harness: the JSONL reader (line limit, BOMs, legacy lines, record fields)."""

from __future__ import annotations

import io

import atheris
from _harness import CTX, LIMITS, check_items, main

with atheris.instrument_imports(include=["storytrace"]):
    from storytrace.ingest.jsonl import read_jsonl


def test_one_input(data: bytes) -> None:
    check_items(read_jsonl(io.BufferedReader(io.BytesIO(data)), CTX, LIMITS))


if __name__ == "__main__":
    main(test_one_input, "jsonl", ["jsonl/*.jsonl"])
