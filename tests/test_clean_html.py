"""HTML cleaning: trafilatura's body and metadata, the rest of the page on record."""

from __future__ import annotations

import gzip
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from storytrace.clean import CleanSettings, clean
from storytrace.clean_html import clean_html, parse_html, visible_text
from storytrace.model import Article

DATA = Path(__file__).resolve().parent / "data" / "clean"
AEB = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "scrapinghub-aeb" / "html"


def html_article(raw: bytes, **meta: object) -> Article:
    return Article(id="test", origin="test", format="html", raw=raw, **meta)  # type: ignore[arg-type]


def test_visible_text_breaks_blocks_and_drops_scripts() -> None:
    root = parse_html(
        "<html><head><title>T</title><style>p{}</style></head><body><div>One <b>bold</b> word"
        "<script>var x = 1;</script></div>tail<p>Two</p><br>Three<!-- hidden --></body></html>"
    )
    assert visible_text(root) == "One bold word\ntail\nTwo\nThree"


def test_own_page() -> None:
    result = clean(html_article((DATA / "page.html").read_bytes()))
    assert result.title == "Ferry service to the islands resumes after strike"
    assert result.author == "Tom Alvarez"
    assert result.published == datetime(2022, 6, 14, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    assert result.lang == "en"
    assert result.text.startswith("Ferries to the outer islands sailed again")
    assert result.text.endswith("to bring in supplies.")
    assert result.text.count("\n\n") == 4
    for chrome in ("Share", "Home", "Most read", "Privacy policy", "Lifeboat crew"):
        assert chrome not in result.text
    reasons = {block.text: block.reason for block in result.removed}
    assert reasons["Ferry service to the islands resumes after strike"] == "title"
    assert reasons["Share"] == "html_boilerplate"
    assert reasons["© 2022 The Harbour Gazette. All rights reserved."] == "html_boilerplate"
    root = parse_html((DATA / "page.html").read_text("utf-8"))
    flat = visible_text(root)
    for block in result.removed:
        assert flat[block.start : block.start + len(block.text)] == block.text
        assert block.text not in result.text.split("\n\n")


def test_reader_metadata_wins() -> None:
    result = clean(html_article((DATA / "page.html").read_bytes(), author="Desk", lang="fr"))
    assert result.author == "Desk"
    assert result.lang == "fr"


def test_fragment_falls_back_to_the_text_model() -> None:
    result = clean(
        html_article(b"<p>Short summary of a <b>story</b> in a feed.</p><p>Read more</p>")
    )
    assert result.text == "Short summary of a story in a feed."
    assert [(b.text, b.reason) for b in result.removed] == [("Read more", "read_more")]


@pytest.mark.parametrize(
    "raw",
    [b"", b"   ", b"\x00\x01\x02", b"<", b'<?xml version="1.0" encoding="utf-8"?><html/>'],
)
def test_junk_does_not_raise(raw: bytes) -> None:
    result = clean(html_article(raw))
    assert result.published is None


def test_no_date_is_invented() -> None:
    html = (
        "<html><body><p>" + "A sentence about nothing in particular. " * 20 + "</p></body></html>"
    )
    result = clean_html(html, CleanSettings())
    assert result.published is None


def test_scrapinghub_page() -> None:
    pages = sorted(AEB.glob("*.html.gz")) if AEB.is_dir() else []
    if not pages:
        pytest.skip(f"{AEB} absent")
    raw = gzip.decompress(pages[0].read_bytes())
    result = clean(html_article(raw))
    assert len(result.text) > 500
    assert result.title
    assert result.published is not None and result.published.tzinfo is not None
    flat = visible_text(parse_html(raw.decode("utf-8")))
    assert result.removed
    for block in result.removed:
        assert flat[block.start : block.start + len(block.text)] == block.text
