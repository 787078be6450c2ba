"""HTML cleaning: trafilatura's body and metadata, the rest of the page on record."""

from __future__ import annotations

import gzip
import logging
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from storytrace.clean import CleanSettings, clean
from storytrace.clean_html import (
    HtmlCleanSettings,
    clean_html,
    compose,
    parse_html,
    visible_text,
)
from storytrace.clean_html_blocks import FEATURE_NAMES, load_model
from storytrace.clean_html_flatten import body_index, flatten
from storytrace.clean_html_meta import ld_body, page_meta
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
    # A paywalled page: the gold body is the two-paragraph teaser, and so is ours.
    assert result.text.startswith("Gaming used to be so simple.")
    assert len(result.text) > 300
    assert result.title
    assert result.published is not None and result.published.tzinfo is not None
    flat = visible_text(parse_html(raw.decode("utf-8")))
    assert result.removed
    for block in result.removed:
        assert flat[block.start : block.start + len(block.text)] == block.text


HOSTILE = DATA / "html"


def test_frames_only_page_gives_an_empty_body() -> None:
    result = clean(html_article((HOSTILE / "frames_only.html").read_bytes()))
    assert "menu.html" not in result.text
    assert len(result.text) < 60


def test_page_without_body_gives_an_empty_body() -> None:
    result = clean(html_article((HOSTILE / "no_body.html").read_bytes()))
    assert result.text == ""
    assert "nothing to see" not in result.text


def test_wrong_charset_declaration_is_ignored() -> None:
    result = clean(html_article((HOSTILE / "broken_charset.html").read_bytes()))
    assert "Grüße aus Föhr" in result.text
    assert "the ferry to the outer islands sailed again" in result.text
    assert result.title == "Fähre fährt wieder"


def test_huge_page_is_cut_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    paragraph = "<p>" + "The ferry sailed again after the strike ended. " * 20 + "</p>"
    html = "<html><body><article>" + paragraph * (50_000_000 // len(paragraph) + 1)
    assert len(html) > 50_000_000
    settings = HtmlCleanSettings(max_html_chars=200_000)
    with caplog.at_level(logging.WARNING, logger="storytrace.clean_html"):
        result = clean_html(
            html, CleanSettings(), url="https://x.test/huge", html_settings=settings
        )
    assert result.body.startswith("The ferry sailed again")
    assert len(result.body) <= 200_000
    assert "https://x.test/huge: HTML of" in caplog.text


def test_default_cap_is_documented_size() -> None:
    assert HtmlCleanSettings().max_html_chars == 5_000_000


def test_block_model_drops_teasers_trafilatura_keeps() -> None:
    paragraphs = [
        f"<p>The ferry to the outer islands sailed again on day {i} after a strike that had "
        "lasted nine days, the operator said, and shops expect supplies by Friday.</p>"
        for i in range(8)
    ]
    teaser = '<h3>DON\'T MISS</h3><p><a href="/b">Island shops run out of bread [INSIGHT]</a></p>'
    html = (
        "<html><body><article><h1>Ferries sail</h1>"
        + "".join(paragraphs[:4])
        + teaser
        + "".join(paragraphs[4:])
        + "</article></body></html>"
    )
    with_model = clean_html(html, CleanSettings())
    plain = HtmlCleanSettings(use_block_model=False)
    without = clean_html(html, CleanSettings(), html_settings=plain)
    assert "[INSIGHT]" in without.body
    assert "[INSIGHT]" not in with_model.body
    assert "day 7 after a strike" in with_model.body
    reasons = {b.text: b.reason for b in with_model.removed}
    assert reasons["Island shops run out of bread [INSIGHT]"] == "html_block_model"
    flat = visible_text(parse_html(html))
    for block in with_model.removed:
        assert flat[block.start : block.start + len(block.text)] == block.text


class _RejectAll:
    """A block model that rejects every line, as a model might on a page unlike its data."""

    add = None

    def keep(self, features: object, kept: list[bool]) -> list[bool]:
        return [False] * len(kept)


def test_model_that_would_empty_the_body_is_overruled(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    html = (DATA / "page.html").read_text("utf-8")
    plain = clean_html(
        html, CleanSettings(), html_settings=HtmlCleanSettings(use_block_model=False)
    )
    monkeypatch.setattr("storytrace.clean_html.load_model", _RejectAll)
    with caplog.at_level(logging.INFO, logger="storytrace.clean_html"):
        guarded = clean_html(html, CleanSettings(), url="https://x.test/odd")
    assert guarded.body == plain.body != ""
    assert "https://x.test/odd: the block model would remove 100%" in caplog.text
    unguarded = HtmlCleanSettings(max_model_drop_share=1.0)
    emptied = clean_html(html, CleanSettings(), html_settings=unguarded)
    assert emptied.body == ""
    assert {b.reason for b in emptied.removed} >= {"html_block_model"}


def test_packaged_model_matches_the_features() -> None:
    model = load_model()
    assert model is not None
    assert model.features == FEATURE_NAMES


def test_json_ld_article_body_is_read() -> None:
    root = parse_html(
        '<html><head><script type="application/ld+json">'
        '{"@graph": [{"@type": "NewsArticle", "articleBody": "Short."},'
        ' {"@type": "NewsArticle", "articleBody": "The ferry <b>sailed</b> again &amp; on."}]}'
        '</script><script type="application/ld+json">{not json</script></head>'
        "<body><p>x</p></body></html>"
    )
    assert " ".join(ld_body(root).split()) == "The ferry sailed again & on."
    assert ld_body(parse_html("<html><body><p>x</p></body></html>")) == ""


def test_metadata_without_trafilatura_metadata_pass() -> None:
    root = parse_html((DATA / "page.html").read_text("utf-8"))
    meta = page_meta(root, None)
    assert meta.title == "Ferry service to the islands resumes after strike"
    assert meta.author == "Tom Alvarez"
    assert meta.published == datetime(2022, 6, 14, 9, 30, tzinfo=timezone(timedelta(hours=1)))


def test_compose_adds_back_lines_after_their_anchor() -> None:
    root = parse_html(
        "<html><body><p>Alpha beta gamma delta one.</p><p>Missed line here.</p>"
        "<p>Alpha beta gamma delta two.</p><p>Menu</p></body></html>"
    )
    _, lines = flatten(root)
    body = ["Alpha beta gamma delta one.", "Alpha beta gamma delta two."]
    index = body_index(lines, body)
    assert index == [0, -1, 1, -1]
    keep = [True, True, True, False]
    blocks = compose(body, lines, index, keep, None)
    assert [b.text for b in blocks if b.reason is None] == [
        "Alpha beta gamma delta one.",
        "Missed line here.",
        "Alpha beta gamma delta two.",
    ]
    added = next(b for b in blocks if b.text == "Missed line here.")
    assert added.start == lines[1].start
    assert [(b.text, b.reason) for b in blocks if b.reason] == [("Menu", "html_boilerplate")]
