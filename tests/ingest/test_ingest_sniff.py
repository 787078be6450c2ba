"""Format sniffing: content decides, not the file name; gzip is opened and sniffed again."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from storytrace.errors import InputError
from storytrace.ingest import read_paths
from storytrace.ingest.sniff import sniff_format
from storytrace.model import Article

DATA = Path(__file__).resolve().parent.parent / "data" / "ingest"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _read(*paths: Path) -> tuple[list[Article], list[InputError]]:
    errors: list[InputError] = []
    articles = list(read_paths(paths, errors.append))
    return articles, errors


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"", "empty"),
        (b"\x1f\x8b\x08\x00", "gzip"),
        (b"WARC/1.0\r\nWARC-Type: warcinfo\r\n", "warc"),
        (b"filedesc://x.arc 0.0.0.0 20240101000000 text/plain 10\n", "arc"),
        (b'{"text": "a"}\n{"text": "b"}\n', "jsonl"),
        (b'\n\n  {"text": "a"}\n', "jsonl"),
        (b'{"text": "a"}\nnot json\n', "jsonl"),
        (b"{not json at all}\nmore\n", "text"),
        (b"[1, 2]\n", "text"),
        (b'<?xml version="1.0"?>\n<rss version="2.0"><channel>', "feed"),
        (b'<?xml version="1.0"?><!-- hi --><feed xmlns="http://www.w3.org/2005/Atom">', "feed"),
        (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">', "feed"),
        (b"<!DOCTYPE html>\n<html><head>", "html"),
        (b"  <html lang='en'>", "html"),
        (b'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "x">\n<html xmlns="y">', "html"),
        (b"<div class='x'><p>Fragment</p></div>", "html"),
        (b"\xef\xbb\xbf<!doctype html><title>x</title>", "html"),
        (b"<note>not a feed, not html</note>", "text"),
        (b"Plain words on a line.\n\nMore words.", "text"),
        (b"caf\xe9 au lait, cr\xe8me br\xfbl\xe9e", "text"),
        (b"\x00\x01\x02\x03binary", "binary"),
        (b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f" * 20, "binary"),
    ],
)
def test_sniff_format(head: bytes, expected: str) -> None:
    assert sniff_format(head, complete=True) == expected


def test_partial_head_with_one_huge_jsonl_record() -> None:
    head = b'{"id": "x", "html": "' + b"a" * 100
    assert sniff_format(head, complete=False) == "jsonl"
    assert sniff_format(head, complete=True) == "text"


def test_html_saved_as_txt_reads_as_html() -> None:
    articles, errors = _read(DATA / "html_in_txt.txt")
    assert errors == []
    [article] = articles
    assert article.format == "html"
    assert article.title == "Lighthouse keeper retires after forty years"


def test_jsonl_without_extension_reads_as_jsonl() -> None:
    articles, errors = _read(DATA / "jsonl_no_ext")
    assert errors == []
    assert [a.external_id for a in articles] == ["a", "b"]
    assert [a.origin for a in articles] == [
        f"{DATA / 'jsonl_no_ext'}#L1",
        f"{DATA / 'jsonl_no_ext'}#L2",
    ]


@pytest.mark.parametrize(
    "source",
    [
        DATA / "latin1.txt",
        DATA / "html_in_txt.txt",
        DATA / "jsonl_no_ext",
        EXAMPLES / "feeds" / "northsea-wire.rss",
        EXAMPLES / "feeds" / "ellerby-gazette.atom",
        EXAMPLES / "html" / "halvard-courier.html",
    ],
)
def test_gzipped_files_read_like_the_originals(source: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain" / source.parent.name / source.name
    plain.parent.mkdir(parents=True)
    shutil.copyfile(source, plain)
    # same folder name as the original, so the outlet (and with it the id) is the same
    packed = tmp_path / "packed" / source.parent.name / (source.name + ".gz")
    packed.parent.mkdir(parents=True)
    packed.write_bytes(gzip.compress(source.read_bytes(), mtime=0))
    hidden_name = tmp_path / "noext" / source.parent.name / "blob"
    hidden_name.parent.mkdir(parents=True)
    hidden_name.write_bytes(gzip.compress(source.read_bytes(), mtime=0))

    expected, errors = _read(plain)
    assert errors == []
    for path in (packed, hidden_name):
        got, errors = _read(path)
        assert errors == []
        assert [(a.id, a.format, a.title, a.raw) for a in got] == [
            (a.id, a.format, a.title, a.raw) for a in expected
        ]
    # The ".gz" is not part of the stem: a gzipped file keeps the original's external id.
    packed_articles = _read(packed)[0]
    assert [a.external_id for a in packed_articles] == [a.external_id for a in expected]
    assert all(a.origin.startswith(str(packed)) for a in packed_articles)


def test_gzip_of_gzip_is_opened(tmp_path: Path) -> None:
    path = tmp_path / "twice.gz"
    path.write_bytes(gzip.compress(gzip.compress(b"Title here\n\nBody here.", mtime=0), mtime=0))
    articles, errors = _read(path)
    assert errors == []
    assert [a.title for a in articles] == ["Title here"]


def test_three_gzip_layers_are_refused(tmp_path: Path) -> None:
    data = b"Body here."
    for _ in range(3):
        data = gzip.compress(data, mtime=0)
    path = tmp_path / "thrice.gz"
    path.write_bytes(data)
    articles, errors = _read(path)
    assert articles == []
    assert [e.cause for e in errors] == ["more than 2 nested gzip layers"]


def test_gzipped_warc_of_warc_sample(tmp_path: Path) -> None:
    # The sample is gzipped per record; decompressing it gives a plain WARC, which reads too.
    plain = tmp_path / "sample.warc"
    plain.write_bytes(gzip.decompress((EXAMPLES / "warc" / "sample.warc.gz").read_bytes()))
    articles, errors = _read(plain)
    assert errors == []
    assert len(articles) == 2
    assert all(a.format == "html" for a in articles)
