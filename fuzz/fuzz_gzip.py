"""atheris harness: the dispatcher on any bytes: sniffing, gzip layers and the capped inflater.

Inputs are read as a file would be (``ingest._read_stream``), so this also reaches every reader
through the sniffer, including gzip streams that are corrupt, truncated or inflate too far.
"""

from __future__ import annotations

from _harness import main, read_bytes


def test_one_input(data: bytes) -> None:
    read_bytes(data)


if __name__ == "__main__":
    main(test_one_input, "gzip", ["*/*.txt", "jsonl/*", "feeds/*", "warc/*"])
