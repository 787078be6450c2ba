"""HTML pages: raw kept, metadata from the page (title, author, date, site, URL), no body."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from storytrace.errors import InputError
from storytrace.ingest.html import page_metadata, read_html
from storytrace.ingest.source import FileContext

HTML = Path(__file__).resolve().parents[2] / "examples" / "html"


def _ctx(folder: str | None = "pages") -> FileContext:
    return FileContext(origin="pages/p.html", stem="p", folder=folder)


def test_example_page_metadata() -> None:
    raw = (HTML / "halvard-courier.html").read_bytes()
    article = read_html(raw, _ctx())
    assert article.format == "html"
    assert article.raw == raw
    assert article.text == ""
    assert article.title == "Ferry runs aground in fog outside Port Halvard"
    assert article.author == "Maren Holt"
    assert article.url == "https://www.halvard-courier.co.uk/news/2024/03/12/ferry-aground-in-fog"
    assert article.source == "halvard-courier.co.uk"
    # the time in the markup wins over the bare date in the URL
    assert article.published == datetime(2024, 3, 12, 9, 40, tzinfo=UTC)
    assert article.external_id == "p"


def test_offset_is_kept() -> None:
    article = read_html((HTML / "coastline-daily.html").read_bytes(), _ctx())
    assert article.published == datetime(2024, 3, 12, 13, 5, tzinfo=timezone(timedelta(hours=1)))
    assert article.source == "coastline-daily.net"


def test_site_name_then_folder_when_no_url() -> None:
    page = b"""<html><head><title>Pier news</title>
    <meta property="og:site_name" content="The Pier Post"></head>
    <body><p>Something happened on the pier today.</p></body></html>"""
    assert read_html(page, _ctx()).source == "The Pier Post"
    bare = b"<html><head><title>Pier news</title></head><body><p>Text.</p></body></html>"
    article = read_html(bare, _ctx())
    assert article.source == "pages"
    assert article.url is None


def test_no_date_stays_unknown() -> None:
    page = b"<html><head><title>Undated</title></head><body><p>No date anywhere.</p></body></html>"
    assert read_html(page, _ctx()).published is None


def test_date_only_means_midnight_utc() -> None:
    page = b"""<html><head><title>Dated</title>
    <meta name="date" content="2024-03-12"></head><body><p>Text.</p></body></html>"""
    assert read_html(page, _ctx()).published == datetime(2024, 3, 12, tzinfo=UTC)


def test_fragment_metadata() -> None:
    meta = page_metadata(b"<p>Just a fragment of a feed entry.</p>")
    assert meta.title is None
    assert meta.published is None


def test_empty_page_is_an_error() -> None:
    with pytest.raises(InputError, match="empty file"):
        read_html(b"   \n", _ctx())
