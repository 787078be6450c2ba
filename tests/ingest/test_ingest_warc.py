"""WARC and ARC: HTML 200 responses only, record-offset origins, dates, truncated archives."""

from __future__ import annotations

import gzip
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storytrace.errors import InputError
from storytrace.ingest import read_paths
from storytrace.model import Article

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "warc" / "sample.warc.gz"


def _read(*paths: Path) -> tuple[list[Article], list[InputError]]:
    errors: list[InputError] = []
    articles = list(read_paths(paths, errors.append))
    return articles, errors


def _page(n: int) -> bytes:
    return (
        f"<html><head><title>Page number {n}</title></head>"
        f"<body><p>{'Text of the page. ' * 40}</p></body></html>"
    ).encode()


def _warc(records: list[tuple[str, str, str, bytes]], *, gzipped: bool = True) -> bytes:
    """A WARC of (url, status, content type, payload) responses with fixed dates."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzipped)
    for n, (url, status, ctype, payload) in enumerate(records):
        http = StatusAndHeaders(
            status,
            [("Content-Type", ctype), ("Content-Length", str(len(payload)))],
            protocol="HTTP/1.1",
        )
        record = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(payload),
            http_headers=http,
            warc_headers_dict={
                "WARC-Date": f"2024-03-1{n}T06:00:00Z",
                "WARC-Record-ID": f"<urn:uuid:00000000-0000-4000-8000-00000000000{n}>",
            },
        )
        writer.write_record(record)
    return out.getvalue()


def test_sample_archive() -> None:
    articles, errors = _read(SAMPLE)
    assert errors == []
    assert len(articles) == 2
    harbourwatch, kelpie = articles
    offsets = []
    with SAMPLE.open("rb") as stream:
        iterator = ArchiveIterator(stream)
        for record in iterator:
            if record.rec_type == "response":
                offsets.append(iterator.get_record_offset())
    assert [a.origin for a in articles] == [f"{SAMPLE}#{offsets[0]}", f"{SAMPLE}#{offsets[1]}"]
    assert harbourwatch.url == "https://harbourwatch.net/ferries/2024/corran-star-what-we-know"
    assert harbourwatch.source == "harbourwatch.net"
    assert harbourwatch.title == "Corran Star: what we know about the Port Halvard grounding"
    assert harbourwatch.author == "Per Lindqvist"
    assert harbourwatch.external_id == "<urn:uuid:00000000-0000-4000-8000-000000000001>"
    assert harbourwatch.raw.startswith(b"<!DOCTYPE html>")
    # the page states its date...
    assert harbourwatch.published == datetime(2024, 3, 12, 16, 20, tzinfo=UTC)
    # ...this one does not: capture time (WARC-Date) is not a publication date, so unknown
    assert kelpie.published is None
    assert kelpie.source == "thekelpiepost.com"
    assert all(a.format == "html" for a in articles)


def test_sample_is_reproducible(tmp_path: Path) -> None:
    import runpy

    script = SAMPLE.parents[1] / "make_warc.py"
    namespace = runpy.run_path(str(script))
    # run_path hands back a copy of the script's globals; main() reads the live ones
    namespace["main"].__globals__["OUT"] = tmp_path / "sample.warc.gz"
    namespace["main"]()
    assert (tmp_path / "sample.warc.gz").read_bytes() == SAMPLE.read_bytes()


def test_non_html_and_non_200_records_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "mixed.warc.gz"
    path.write_bytes(
        _warc(
            [
                ("https://a.example.co.uk/1", "200 OK", "text/html; charset=utf-8", _page(1)),
                ("https://a.example.co.uk/logo.png", "200 OK", "image/png", b"\x89PNG\r\n"),
                ("https://a.example.co.uk/gone", "404 Not Found", "text/html", _page(2)),
                ("https://a.example.co.uk/x", "200 OK", "application/xhtml+xml", _page(3)),
            ]
        )
    )
    articles, errors = _read(path)
    assert errors == []
    assert [a.title for a in articles] == ["Page number 1", "Page number 3"]
    assert {a.source for a in articles} == {"example.co.uk"}


def test_uncompressed_warc(tmp_path: Path) -> None:
    path = tmp_path / "plain.warc"
    path.write_bytes(
        _warc([("https://b.example.org/", "200 OK", "text/html", _page(1))], gzipped=False)
    )
    [article], errors = _read(path)
    assert errors == []
    assert article.origin == f"{path}#0"


def test_same_page_twice_is_one_id(tmp_path: Path) -> None:
    path = tmp_path / "dupe.warc.gz"
    page = ("https://c.example.org/", "200 OK", "text/html", _page(7))
    path.write_bytes(_warc([page, page]))
    articles, _ = _read(path)
    assert len({a.id for a in articles}) == 1
    assert len({a.origin for a in articles}) == 2


@pytest.mark.parametrize("keep", [0.3, 0.55, 0.8, 0.97])
def test_truncated_gzip_warc_is_one_error(tmp_path: Path, keep: float) -> None:
    data = _warc(
        [(f"https://d.example.org/{n}", "200 OK", "text/html", _page(n)) for n in range(4)]
    )
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[: int(len(data) * keep)])
    other = tmp_path / "zz-after.txt"
    other.write_text("Still read\n\nafter the broken archive.")
    articles, errors = _read(tmp_path)
    [error] = errors
    assert error.origin == str(path)
    assert error.cause == "truncated gzip stream"
    titles = [a.title for a in articles if a.format == "html"]
    # only whole pages come out, in order
    assert titles == [f"Page number {n}" for n in range(len(titles))]
    assert all(a.raw == _page(n) for n, a in enumerate(articles[:-1]))
    assert articles[-1].title == "Still read"


def test_gzipped_whole_warc_truncated(tmp_path: Path) -> None:
    data = gzip.compress(
        _warc([("https://e.example.org/", "200 OK", "text/html", _page(1))], gzipped=False),
        mtime=0,
    )
    path = tmp_path / "whole.warc.gz"
    path.write_bytes(data[:-20])
    _articles, errors = _read(path)
    assert [e.cause for e in errors] == ["truncated gzip stream"]


def test_damaged_archive_is_reported_not_raised(tmp_path: Path) -> None:
    good = _warc([("https://f.example.org/", "200 OK", "text/html", _page(1))], gzipped=False)
    path = tmp_path / "damaged.warc"
    path.write_bytes(good + b"WARC/1.0\r\nWARC-Type: response\r\nContent-Le")
    articles, errors = _read(path)
    assert [a.title for a in articles] == ["Page number 1"]
    [error] = errors
    assert error.origin == str(path)
    assert error.cause.startswith("malformed archive after offset 0")
    assert "\n" not in str(error)


def _arc() -> bytes:
    body = b"<html><head><title>Old crawl page</title></head><body><p>Old.</p></body></html>"
    http = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(body)
    http += body
    info = b"1 0 Example Org\nURL IP-address Archive-date Content-type Archive-length\n"
    head = b"filedesc://sample.arc 0.0.0.0 20050614070144 text/plain %d\n" % len(info)
    record = b"http://www.example.org/old.html 1.2.3.4 20050614070159 text/html %d\n" % len(http)
    return head + info + b"\n" + record + http + b"\n"


def test_arc_file(tmp_path: Path) -> None:
    path = tmp_path / "old.arc"
    path.write_bytes(_arc())
    [article], errors = _read(path)
    assert errors == []
    assert article.title == "Old crawl page"
    assert article.url == "http://www.example.org/old.html"
    assert article.source == "example.org"
    assert article.published is None  # the ARC date is capture time, not publication
    assert article.external_id is None  # ARC records have no id; warcio's would be random
    assert article.origin.startswith(f"{path}#")
    again, _ = _read(path)
    assert again == [article]
