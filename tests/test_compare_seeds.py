"""Golden-style checks of facts + compare on the two seed articles.

The clean stage is built in parallel, so a minimal stand-in takes the body: drop the title
line, lines of fewer than six words, and, for 001, everything after the paragraph that ends
the article ("turning them away.").
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from storytrace.compare import CompareSettings, compare
from storytrace.facts import FactsSettings, extract_facts
from storytrace.model import Article, Finding, Mention, Story
from storytrace.segment import segment

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
if not SEEDS.is_dir():
    SEEDS = Path("/work/shared/seeds")


def _body(path: Path, last_paragraph_end: str | None = None) -> str:
    kept = []
    for line in path.read_text(encoding="utf-8").split("\n")[1:]:
        if len(line.split()) < 6:
            continue
        kept.append(line.strip())
        if last_paragraph_end and line.rstrip().endswith(last_paragraph_end):
            break
    return "\n\n".join(kept)


def _articles() -> list[Article]:
    first = SEEDS / "000_1e31eddbd92e1f78.txt"
    second = SEEDS / "001_16443c89bca3b207.txt"
    return [
        Article("000", str(first), "text", b"", text=_body(first)),
        Article(
            "001",
            str(second),
            "text",
            b"",
            published=datetime(2017, 5, 19, 5, 31, tzinfo=UTC),
            text=_body(second, "turning them away."),
        ),
    ]


DEFAULT_FACTS = FactsSettings()
DEFAULT_COMPARE = CompareSettings()


def _run(
    facts: FactsSettings = DEFAULT_FACTS, settings: CompareSettings = DEFAULT_COMPARE
) -> tuple[list[Mention], tuple[Finding, ...]]:
    articles = _articles()
    mentions = [m for a in articles for m in extract_facts(a, segment(a), facts)]
    story = Story("s1", "t", None, None, tuple(a.id for a in articles))
    return mentions, compare(story, articles, mentions, (), settings)


@pytest.fixture(scope="module")
def findings() -> tuple[Finding, ...]:
    if not SEEDS.is_dir():
        pytest.skip("seed articles not available")
    return _run()[1]


def _values(finding: Finding) -> set[str]:
    return {v.value for v in finding.values}


def test_novaya_gazeta_first_report_disagrees(findings: tuple[Finding, ...]) -> None:
    found = [f for f in findings if f.kind == "disagree" and "novaya gazeta" in f.topic]
    assert len(found) == 1
    finding = found[0]
    assert "first reported" in finding.topic
    months = {v.value[-2:] for v in finding.values}
    assert months == {"04", "03"}
    assert finding.independent_sources == 2


def test_name_variants(findings: tuple[Finding, ...]) -> None:
    variants = [_values(f) for f in findings if f.kind == "variant"]
    assert {"Svetlana Zakharova", "Sveltlana Zakharova"} in variants
    assert any({"Russia LGBT Network", "Russian LGBT Network"} <= v for v in variants)


def _numbers_in(finding: Finding) -> set[str]:
    return {m.value for v in finding.values for m in v.evidence if m.kind == "number"}


def test_no_false_number_disagreement(findings: tuple[Finding, ...]) -> None:
    for finding in findings:
        if finding.kind == "disagree":
            assert not _numbers_in(finding) & {"40", "100"}


def test_no_quote_disagreement(findings: tuple[Finding, ...]) -> None:
    for finding in findings:
        if finding.kind == "disagree":
            assert all(m.kind != "quote" for v in finding.values for m in v.evidence)


def test_cannot_be_ignored_agrees_when_short_quotes_count() -> None:
    if not SEEDS.is_dir():
        pytest.skip("seed articles not available")
    _, findings = _run(FactsSettings(min_quote_words=3), CompareSettings(quote_min_words=3))
    agree = [f for f in findings if f.kind == "agree" and f.topic == "cannot be ignored"]
    assert len(agree) == 1
    assert {a for v in agree[0].values for a in v.article_ids} == {"000", "001"}
    assert not [f for f in findings if f.kind == "disagree" and "ignored" in f.topic]


def test_disagreements_come_first_and_ids_are_stable(findings: tuple[Finding, ...]) -> None:
    order = {"disagree": 0, "variant": 1, "agree": 2}
    kinds = [order[f.kind] for f in findings]
    assert kinds == sorted(kinds)
    assert [f.id for f in findings] == [f.id for f in _run()[1]]
    assert len({f.id for f in findings}) == len(findings)


def test_seed_mentions_point_into_text() -> None:
    if not SEEDS.is_dir():
        pytest.skip("seed articles not available")
    mentions, _ = _run()
    texts = {a.id: a.text for a in _articles()}
    for mention in mentions:
        assert 0 <= mention.start < mention.end <= len(texts[mention.article_id])
    numbers = {(m.value, m.key, m.qualifier) for m in mentions if m.kind == "number"}
    assert ("40", "gay chechens|in hiding", "approx") in numbers
    assert ("40", "people|in hiding", "exact") in numbers
    assert ("100", "gay men|rounded up", "approx") in numbers
