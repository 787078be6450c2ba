"""JSON Lines: fields, html or text bodies, line origins, and bad lines reported one by one."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.errors import InputError
from storytrace.ingest import read_paths
from storytrace.ingest.jsonl import read_jsonl
from storytrace.ingest.source import FileContext
from storytrace.model import Article

DATA = Path(__file__).resolve().parent.parent / "data" / "ingest"
JSONL = Path(__file__).resolve().parents[2] / "examples" / "jsonl" / "articles.jsonl"


def _ctx() -> FileContext:
    return FileContext(origin="dump.jsonl", stem="dump", folder="exports")


def _read_lines(*records: object) -> list[Article | InputError]:
    lines = [(json.dumps(r) + "\n").encode() for r in records]
    return list(read_jsonl(lines, _ctx()))


def test_example_records() -> None:
    errors: list[InputError] = []
    first, second, third = read_paths([JSONL], errors.append)
    assert errors == []
    assert [a.origin for a in (first, second, third)] == [
        f"{JSONL}#L1",
        f"{JSONL}#L2",
        f"{JSONL}#L3",
    ]
    assert first.format == "text"
    assert first.source == "Radio Halvard"
    assert first.external_id == "rh-0312-ferry"
    assert first.published == datetime(2024, 3, 12, 8, 55, tzinfo=timezone(timedelta(hours=1)))
    assert second.format == "html"
    assert second.title == "Operator suspends Corran Star after fog grounding"
    assert second.author == "Anke Vogel"
    assert second.source == "baltic-bulletin.eu"
    assert second.published == datetime(2024, 3, 12, 18, 30, tzinfo=UTC)
    assert third.external_id == "3"
    assert third.published == datetime(2024, 3, 13, tzinfo=UTC)
    assert third.source == "skarra-council.org.uk"


def test_raw_is_the_body_in_utf8() -> None:
    [article] = _read_lines({"text": "Smörgåsbord “quoted”"})
    assert isinstance(article, Article)
    assert article.raw == "Smörgåsbord “quoted”".encode()
    assert article.source == "exports"
    assert article.external_id is None


def test_explicit_fields_win_over_page_metadata() -> None:
    html = "<html><head><title>Page title</title></head><body><p>Body.</p></body></html>"
    [article] = _read_lines({"html": html, "title": "Given title", "source": "Given outlet"})
    assert isinstance(article, Article)
    assert article.title == "Given title"
    assert article.source == "Given outlet"


def test_bad_lines_are_reported_and_the_rest_read() -> None:
    path = DATA / "bad_lines.jsonl"
    errors: list[InputError] = []
    articles = list(read_paths([path], errors.append))
    assert [a.origin for a in articles] == [f"{path}#L1", f"{path}#L3"]
    assert [e.origin for e in errors] == [f"{path}#L{n}" for n in (2, 4, 5, 6)]
    assert errors[0].cause.startswith("invalid JSON")
    assert errors[1].cause == "expected a JSON object, got list"
    assert errors[2].cause == "no 'text' or 'html' field"
    assert errors[3].cause.startswith("published: not an ISO 8601 date")
    for error in errors:
        assert "\n" not in str(error)
        assert str(error).startswith(f"{path}#L")


def test_record_rules() -> None:
    items = _read_lines(
        {"text": "a", "html": "<p>b</p>"},
        {"text": 5},
        {"text": "   "},
        {"text": "ok", "title": 7},
        {"text": "ok", "id": True},
        {"text": "ok", "id": 12, "title": None, "author": ""},
    )
    causes = [i.cause for i in items if isinstance(i, InputError)]
    assert causes == [
        "both 'text' and 'html' given; expected exactly one",
        "text: expected a string, got int",
        "text: empty",
        "title: expected a string, got int",
        "id: expected a string or integer, got bool",
    ]
    last = items[-1]
    assert isinstance(last, Article)
    assert last.external_id == "12"
    assert last.title is None
    assert last.author is None


def test_blank_lines_and_bom_are_skipped() -> None:
    lines = [b"\xef\xbb\xbf" + b'{"text": "first"}\n', b"\n", b"   \n", b'{"text": "fourth"}']
    items = list(read_jsonl(lines, _ctx()))
    assert [i.origin for i in items] == ["dump.jsonl#L1", "dump.jsonl#L4"]


def test_legacy_encoded_line_is_decoded() -> None:
    # JSON written through a cp1252 file handle (Python's open() on Windows) is read, not lost.
    [article] = list(read_jsonl([b'{"text": "caf\xe9"}\n'], _ctx()))
    assert isinstance(article, Article)
    assert article.raw == "café".encode()


def test_undecodable_line_is_an_error() -> None:
    [error] = list(read_jsonl([b'{"text": "a\x00\xff\xfe\x81"}\n'], _ctx()))
    assert isinstance(error, InputError)
    assert error.cause.startswith("invalid UTF-8")


def test_unpaired_surrogate_is_replaced() -> None:
    [article] = list(read_jsonl([b'{"text": "a\\ud800b"}\n'], _ctx()))
    assert isinstance(article, Article)
    assert article.raw == "a\ufffdb".encode()


def test_naive_published_is_utc() -> None:
    [article] = _read_lines({"text": "x", "published": "2024-03-12T10:00:00"})
    assert isinstance(article, Article)
    assert article.published == datetime(2024, 3, 12, 10, 0, tzinfo=UTC)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=200), max_size=8))
def test_jsonl_reader_never_raises_on_arbitrary_lines(lines: list[str]) -> None:
    raw_lines = [line.encode("utf-8", errors="surrogatepass") + b"\n" for line in lines]
    for item in read_jsonl(raw_lines, _ctx()):
        if isinstance(item, InputError):
            assert item.origin.startswith("dump.jsonl#L")
            assert "\n" not in str(item)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=10,
)
records = st.fixed_dictionaries(
    {},
    optional={
        name: json_values | st.text(max_size=60)
        for name in ("id", "text", "html", "title", "url", "source", "published", "author")
    },
)


@settings(max_examples=300, deadline=None)
@given(st.lists(records, max_size=5))
def test_jsonl_reader_never_raises_on_arbitrary_records(values: list[dict[str, object]]) -> None:
    lines = [(json.dumps(v) + "\n").encode() for v in values]
    for item in read_jsonl(lines, _ctx()):
        if isinstance(item, Article):
            assert item.published is None or item.published.tzinfo is not None
            assert item.raw


def test_unpaired_surrogates_in_metadata_become_replacement_characters(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text(
        '{"text": "A body about the harbour.", "title": "T\\ud800x", "id": "a\\udfffb"}\n'
    )
    articles, errors = [], []
    articles = list(read_paths([path], errors.append))
    assert errors == []
    assert articles[0].title == "T\ufffdx"
    assert articles[0].external_id == "a\ufffdb"
    articles[0].title.encode("utf-8")
