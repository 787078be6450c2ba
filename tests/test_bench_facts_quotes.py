"""bench/data/ecbplus_quotes.jsonl against the ECB+ texts, and bench/facts_quotes.py's matching.

The label checks need ``../shared/data/ecbplus`` and are skipped without it; the matching
checks run on made-up text.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .conftest import load_bench_module

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
LABELS = BENCH / "data" / "ecbplus_quotes.jsonl"
ARTICLES = ROOT.parent / "shared" / "data" / "ecbplus" / "articles.jsonl"
needs_data = pytest.mark.skipif(not ARTICLES.exists(), reason="no ../shared/data/ecbplus")


@pytest.fixture(scope="module")
def bench_quotes() -> ModuleType:
    return load_bench_module("facts_quotes.py", "bench_facts_quotes")


@pytest.fixture(scope="module")
def labels() -> list[dict[str, Any]]:
    with LABELS.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def articles() -> dict[str, dict[str, Any]]:
    with ARTICLES.open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines if line.strip()]
    return {r["id"]: r for r in records}


def test_label_file_shape(labels: list[dict[str, Any]]) -> None:
    keys = {"start", "end", "kind", "speaker_start", "speaker_end", "speaker_name", "verb"}
    assert len(labels) >= 60
    assert len({r["article_id"] for r in labels}) == len(labels)
    assert {r["split"] for r in labels} == {"train", "test"}
    assert sum(not r["quotes"] for r in labels) >= 5  # false-positive tests
    for record in labels:
        for quote in record["quotes"]:
            assert set(quote) == keys
            assert quote["kind"] in {"direct", "indirect"}
            assert (quote["speaker_start"] is None) == (quote["speaker_end"] is None)
            assert quote["speaker_name"] is None or quote["speaker_name"].strip()
            # offsets and short labels only: no article text in the repository
            assert quote["verb"] is None or len(quote["verb"]) <= 25


@needs_data
def test_offsets_valid_against_text(
    labels: list[dict[str, Any]], articles: dict[str, dict[str, Any]]
) -> None:
    for record in labels:
        article = articles[record["article_id"]]
        assert record["split"] == article["split"]
        text = article["text"]
        previous_end = 0
        for quote in record["quotes"]:
            where = (record["article_id"], quote["start"])
            assert 0 <= quote["start"] < quote["end"] <= len(text), where
            span = text[quote["start"] : quote["end"]]
            assert span == span.strip(), where
            assert quote["start"] >= previous_end, f"overlapping or unsorted quotes: {where}"
            previous_end = quote["end"]
            if quote["speaker_start"] is not None:
                s, e = quote["speaker_start"], quote["speaker_end"]
                assert 0 <= s < e <= len(text), where
                speaker = text[s:e]
                assert speaker == speaker.strip() and speaker[0].isalnum(), where
                # the speaker mention is outside its own quote
                assert e <= quote["start"] or s >= quote["end"], where


@needs_data
def test_selection_rule_reproduces_ids(
    bench_quotes: ModuleType, labels: list[dict[str, Any]], articles: dict[str, dict[str, Any]]
) -> None:
    selected = bench_quotes.select_articles(list(articles.values()))
    assert [r["article_id"] for r in labels] == selected


def test_matching_rules(bench_quotes: ModuleType) -> None:
    text = '"We are ready," Jane Doe said. "It will be fine." Police said it was done.'
    gold = [(1, 14), (32, 48)]
    assert bench_quotes.exact_match(text, (1, 13), gold[0])  # trailing comma trimmed
    assert not bench_quotes.exact_match(text, (1, 11), gold[0])
    assert bench_quotes.match_overlap([(32, 40), (1, 14)], gold) == [(0, 1), (1, 0)]
    assert bench_quotes.match_overlap([(32, 36)], gold) == []  # under half of the gold
    named = {"speaker_start": 16, "speaker_end": 24, "speaker_name": "Jane Doe"}
    assert bench_quotes.speaker_correct(text, "Jane Doe", named)
    assert bench_quotes.speaker_correct(text, "Doe", named)
    assert bench_quotes.speaker_correct(text, "Mrs Jane Doe", named)  # last-name match
    assert not bench_quotes.speaker_correct(text, "", named)
    unnamed = {"speaker_start": 50, "speaker_end": 56, "speaker_name": None}
    assert bench_quotes.speaker_correct(text, "", unnamed)
    assert bench_quotes.speaker_correct(text, "Police", unnamed)
    assert not bench_quotes.speaker_correct(text, "Jane Doe", unnamed)


@needs_data
def test_holdout_labels_are_valid_and_follow_the_selection_rule(
    articles: dict[str, dict[str, Any]], labels: list[dict[str, Any]]
) -> None:
    holdout_module = load_bench_module("quotes_holdout.py", "bench_quotes_holdout")
    with holdout_module.HOLDOUT.open(encoding="utf-8") as lines:
        holdout = [json.loads(line) for line in lines if line.strip()]
    ids = [r["article_id"] for r in holdout]
    assert ids == holdout_module.select_holdout(list(articles.values()))
    assert not set(ids) & {r["article_id"] for r in labels}  # never a tuning article
    assert {r["split"] for r in holdout} == {"holdout"}
    texts = {i: articles[i]["text"] for i in ids}
    assert holdout_module.validate(holdout, texts) == []


@needs_data
@pytest.mark.parametrize(
    ("split", "earlier_sets"), [("dev2", ("HOLDOUT",)), ("dev3", ("HOLDOUT", "DEV2"))]
)
def test_development_labels_are_valid_and_follow_the_selection_rule(
    articles: dict[str, dict[str, Any]],
    labels: list[dict[str, Any]],
    split: str,
    earlier_sets: tuple[str, ...],
) -> None:
    holdout_module = load_bench_module("quotes_holdout.py", "bench_quotes_holdout")
    with getattr(holdout_module, split.upper()).open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    ids = [r["article_id"] for r in rows]
    assert ids == getattr(holdout_module, f"select_{split}")(list(articles.values()))
    earlier = {r["article_id"] for r in labels}
    for name in earlier_sets:
        earlier |= holdout_module.labelled_ids(getattr(holdout_module, name))
    assert not set(ids) & earlier  # disjoint from the first set and every earlier one
    assert {r["split"] for r in rows} == {split}
    texts = {i: articles[i]["text"] for i in ids}
    assert holdout_module.validate(rows, texts) == []
