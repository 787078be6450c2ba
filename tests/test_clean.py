"""clean(): the seeds, invented flattened pages, decoding and the metadata contract."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.clean import CleanSettings, clean, decode
from storytrace.model import Article, ArticleFormat

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
DATA = Path(__file__).resolve().parent / "data" / "clean"


def article(raw: bytes, fmt: ArticleFormat = "text", **meta: object) -> Article:
    return Article(id="test", origin="test", format=fmt, raw=raw, **meta)  # type: ignore[arg-type]


def seed(name: str) -> Article:
    path = SEEDS / name
    if not path.exists():
        pytest.skip(f"seed {path} absent")
    return clean(article(path.read_bytes()))


def removed(result: Article) -> dict[str, str]:
    return {block.text: block.reason for block in result.removed}


def fixture(name: str, **meta: object) -> Article:
    return clean(article((DATA / name).read_bytes(), **meta))


def test_seed_000() -> None:
    result = seed("000_1e31eddbd92e1f78.txt")
    assert result.text.startswith("The United States has denied visas")
    assert result.text.endswith('can not be ignored".')
    reasons = removed(result)
    assert reasons["Adjust Comment Print"] == "widget"
    assert reasons["Read the full story here."] == "read_more"
    assert result.title is not None
    assert reasons[result.title] == "title"
    assert '"As visa records are confidential under USA law' in result.text
    assert "In April, the world was shocked" in result.text
    assert len(result.removed) == 3


def test_seed_001() -> None:
    result = seed("001_16443c89bca3b207.txt")
    assert result.author == "Jonathon Greene"
    assert result.published == datetime(2017, 5, 19, 5, 31, tzinfo=UTC)
    assert result.published is not None and result.published.tzinfo is not None
    reasons = removed(result)
    assert reasons["19 May, 2017, 05:31 | Author: Jonathon Greene"] == "byline"
    assert reasons["• Chechnya Solidarity Actionx500"] == "caption"
    teasers = [b.text for b in result.removed if b.reason == "teaser"]
    assert len(teasers) == 6
    assert any(t.startswith("South Sudan") for t in teasers)
    assert any(t.startswith("Brazil leader") for t in teasers)
    assert any("Silk Road" in t for t in teasers)
    assert result.text.startswith("US State Department officials")
    assert result.text.endswith("turning them away.")
    raw = (SEEDS / "001_16443c89bca3b207.txt").read_bytes().decode("utf-8")
    for block in result.removed:
        assert raw[block.start : block.start + len(block.text)] == block.text


def test_byline_photo_credit_newsletter() -> None:
    result = fixture("byline_photo_newsletter.txt")
    assert result.author == "Maria Okafor"
    assert result.published == datetime(2021, 3, 3, tzinfo=UTC)
    assert result.title == "City council approves new tram line after decade of debate"
    assert sorted(removed(result).values()) == [
        "byline",
        "caption",
        "promo",
        "title",
        "widget",
    ]
    assert result.text.startswith("The city council voted on Tuesday")
    assert result.text.endswith("to last four years.")
    assert result.lang == "en"


def test_related_list_and_updated_line() -> None:
    result = fixture("related_list.txt")
    assert result.published == datetime(2022, 1, 12, tzinfo=UTC)
    assert result.author is None
    reasons = removed(result)
    assert reasons["Updated: 13 January 2022 08:15"] == "dateline"
    assert reasons["Related:"] == "teaser"
    assert [b.reason for b in result.removed].count("teaser") == 4
    assert result.text.endswith("while the storm passed.")


def test_page_without_boilerplate_is_kept_whole() -> None:
    raw = (DATA / "plain.txt").read_bytes()
    result = clean(article(raw))
    assert result.removed == ()
    assert result.text == raw.decode("utf-8").strip()
    assert result.title is None and result.author is None and result.published is None


def test_menu_widgets_and_teasers_without_marker() -> None:
    result = fixture("widgets_teasers.txt")
    assert result.title == "Probe sends first images from the far side of the Moon"
    reasons = removed(result)
    assert reasons["Home | World | Business | Science | Sport"] == "widget"
    assert reasons["Listen to this article"] == "widget"
    assert reasons["Read more"] == "read_more"
    assert [b.reason for b in result.removed].count("teaser") == 6
    assert result.text.startswith("A small robotic probe")
    assert result.text.endswith("said at a press conference.")


def test_german_page() -> None:
    result = fixture("german_dateline.txt")
    assert result.author == "Hans Müller"
    assert result.published == datetime(2021, 3, 5, 14, 0, tzinfo=UTC)
    assert result.lang == "de"
    reasons = removed(result)
    assert reasons["Teilen Drucken Kommentare"] == "widget"
    assert reasons["Foto: Anna Schmidt/dpa"] == "caption"
    assert reasons["Weiterlesen"] == "read_more"
    assert result.text.startswith("Der Stadtrat hat am Donnerstag")


def test_reader_metadata_is_never_overwritten() -> None:
    known = datetime(2020, 1, 1, tzinfo=UTC)
    result = fixture(
        "byline_photo_newsletter.txt",
        title="A headline the feed gave",
        author="Feed Author",
        published=known,
        lang="xx",
    )
    assert (result.title, result.author, result.published, result.lang) == (
        "A headline the feed gave",
        "Feed Author",
        known,
        "xx",
    )


def test_decode_falls_back_when_not_utf8() -> None:
    text = "Les élèves de l'école ont visité le musée d'Orsay à Paris cette année. " * 5
    assert decode(text.encode("cp1252")) == text
    assert decode(b"plain ascii") == "plain ascii"


def test_settings_are_frozen() -> None:
    with pytest.raises(AttributeError):
        CleanSettings().min_body_words = 3  # type: ignore[misc]


@given(st.text())
@settings(max_examples=200, deadline=None)
def test_clean_never_raises_and_offsets_hold(text: str) -> None:
    result = clean(article(text.encode("utf-8")))
    assert result.text == result.text.strip()
    for block in result.removed:
        assert 0 <= block.start <= block.start + len(block.text) <= len(text)
        assert text[block.start : block.start + len(block.text)] == block.text
    if result.published is not None:
        assert result.published.tzinfo is not None
