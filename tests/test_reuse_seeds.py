"""The two seed articles share a State Department quote: reuse must find it as a quote family."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from storytrace.model import Article, Family, Segmentation
from storytrace.reuse import MemoryFingerprintIndex, build_families, find_reuse
from storytrace.segment import segment

# The seeds live outside the package; the first of these folders that holds them is used.
_SEED_DIRS = (
    Path(__file__).parents[1] / "examples" / "seeds",
    Path(__file__).parent / "data" / "seeds",
)
SEEDS = next((d for d in _SEED_DIRS if len(list(d.glob("0*.txt"))) >= 2), _SEED_DIRS[0])
QUOTE = "As visa records are confidential under USA law, we are unable to discuss individual cases"
PUBLISHED_001 = datetime(2017, 5, 19, 5, 31, tzinfo=UTC)

pytestmark = pytest.mark.skipif(
    len(list(SEEDS.glob("0*.txt"))) < 2, reason="seed articles not available"
)


def _seed_articles(published_000: datetime | None) -> list[Article]:
    files = sorted(SEEDS.glob("0*.txt"))[:2]
    dates = {"000": published_000, "001": PUBLISHED_001}
    articles = []
    for path, article_id in zip(files, ("000", "001"), strict=True):
        text = path.read_text(encoding="utf-8")
        articles.append(
            Article(
                id=article_id,
                origin=str(path),
                format="text",
                raw=text.encode("utf-8"),
                text=text,
                published=dates[article_id],
            )
        )
    return articles


def _quote_family(published_000: datetime | None) -> Family:
    articles = _seed_articles(published_000)
    pairs: list[tuple[Article, Segmentation]] = [(a, segment(a)) for a in articles]
    by_id = {a.id: a for a in articles}

    def load(article_id: str) -> tuple[Article, Segmentation]:
        raise AssertionError(f"nothing was indexed before, yet {article_id} was loaded")

    links = find_reuse(pairs, MemoryFingerprintIndex(), load)
    families = build_families(links, by_id)
    for family in families:
        texts = {p.article_id: by_id[p.article_id].text[p.start : p.end] for p in family.passages}
        if sorted(texts) == ["000", "001"] and all(QUOTE in text for text in texts.values()):
            return family
    raise AssertionError(f"no family holds the shared quote: {families}")


def test_seed_quote_is_a_quote_family_without_origin_when_a_date_is_unknown() -> None:
    family = _quote_family(published_000=None)
    assert family.kind == "quote"
    assert family.origin_article_id is None


def test_seed_quote_origin_is_the_earlier_article_when_both_dates_are_known() -> None:
    family = _quote_family(published_000=datetime(2017, 5, 18, 12, 0, tzinfo=UTC))
    assert family.origin_article_id == "000"
