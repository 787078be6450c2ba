"""atheris harness: the WARC/ARC reader (warcio, per-record gzip, truncation, record limits)."""

from __future__ import annotations

import contextlib
import io

import atheris
from _harness import CTX, LIMITS, check_items, main

with atheris.instrument_imports(include=["storytrace"]):
    from storytrace.errors import InputError
    from storytrace.ingest.warc import read_warc


def test_one_input(data: bytes) -> None:
    stream = io.BufferedReader(io.BytesIO(data))
    arc = data.startswith(b"filedesc://")
    with contextlib.suppress(InputError):
        check_items(
            read_warc(stream, CTX, gzipped=data.startswith(b"\x1f\x8b"), arc=arc, limits=LIMITS)
        )


if __name__ == "__main__":
    main(test_one_input, "warc", ["warc/*.warc.gz"])
