"""Ids and outlets: content hashes, registered domains from the bundled suffix list only."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from storytrace.ingest import content_id
from storytrace.ingest.source import (
    FileContext,
    domain_of,
    from_struct_time,
    parse_iso_datetime,
    pick_source,
)


def test_content_id_hashes_content_outlet_and_url() -> None:
    expected = hashlib.sha256(b"abc\x00bbc.co.uk\x00https://bbc.co.uk/x").hexdigest()[:16]
    assert content_id(b"abc", "bbc.co.uk", "https://bbc.co.uk/x") == expected
    assert content_id(b"abc", None, None) == content_id(b"abc", None, None)
    assert content_id(b"abc", None, None) != content_id(b"abd", None, None)
    assert content_id(b"abc", "one", None) != content_id(b"abc", "two", None)


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.bbc.co.uk/news/world", "bbc.co.uk"),
        ("http://news.example.com.au/x", "example.com.au"),
        ("https://WWW.Example.ORG/path?q=1", "example.org"),
        ("https://user@sub.domain.example.net:8443/", "example.net"),
        ("http://localhost:8000/page", None),
        ("http://192.168.1.1/page", None),
        ("not a url", None),
        ("", None),
        (None, None),
    ],
)
def test_domain_of(url: str | None, domain: str | None) -> None:
    assert domain_of(url) == domain


def test_source_precedence() -> None:
    url = "https://www.halvard-courier.co.uk/a"
    assert pick_source("Given", url, "Site", "folder") == "Given"
    assert pick_source(None, url, "Site", "folder") == "halvard-courier.co.uk"
    assert pick_source("  ", "http://localhost/", "Site", "folder") == "Site"
    assert pick_source(None, None, None, "folder") == "folder"
    assert pick_source(None, None, None, None) is None


def test_suffix_list_is_never_fetched() -> None:
    # A fresh interpreter with every socket refused still resolves registered domains.
    code = (
        "import socket\n"
        "calls = []\n"
        "def refuse(*a, **k):\n"
        "    calls.append(a)\n"
        "    raise OSError('network used')\n"
        "socket.socket.connect = refuse\n"
        "socket.socket.connect_ex = refuse\n"
        "socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "from storytrace.ingest.source import domain_of\n"
        "assert domain_of('https://www.bbc.co.uk/news') == 'bbc.co.uk'\n"
        "assert domain_of('https://a.b.example.com.au/') == 'example.com.au'\n"
        "assert not calls, calls\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr


def test_dates_are_aware() -> None:
    assert parse_iso_datetime("2024-03-12T10:00:00") == datetime(2024, 3, 12, 10, tzinfo=UTC)
    assert parse_iso_datetime("2024-03-12T10:00:00+0200") == datetime(
        2024, 3, 12, 10, tzinfo=timezone(timedelta(hours=2))
    )
    assert parse_iso_datetime("2024-03-12T10:00:00Z") == datetime(2024, 3, 12, 10, tzinfo=UTC)
    assert parse_iso_datetime("2024-03-12") == datetime(2024, 3, 12, tzinfo=UTC)
    assert parse_iso_datetime("12 March 2024") is None
    assert parse_iso_datetime("  ") is None
    assert from_struct_time(time.gmtime(0)) == datetime(1970, 1, 1, tzinfo=UTC)
    assert from_struct_time(None) is None


def test_file_context() -> None:
    ctx = FileContext.for_path("in/x.warc.gz", Path("/data/outlet/x.warc.gz"))
    assert ctx.stem == "x"
    assert ctx.folder == "outlet"
    assert FileContext.for_path("a.txt.gz", Path("/data/a.txt.gz")).stem == "a"
    assert FileContext.for_path("noext", Path("/data/noext")).stem == "noext"
