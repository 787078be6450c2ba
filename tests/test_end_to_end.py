"""Golden end-to-end test: the whole pipeline on the two seed articles.

The seeds are two real scraped articles about one event. What must come out is fixed by the
project's first issue; the full export is also diffed against tests/golden/seeds.json, so any
change in output is a reviewed change (refresh with ``pytest --update-golden``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import storytrace
from storytrace.export import build_export

from .conftest import SEEDS

GOLDEN = Path(__file__).parent / "golden" / "seeds.json"
QUOTE = "As visa records are confidential under USA law, we are unable to discuss individual cases"

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds not present")


@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    db = tmp_path_factory.mktemp("e2e") / "seeds.db"
    with storytrace.open(db) as corpus:
        ingested = corpus.ingest([SEEDS])
        assert ingested.errors == []
        report = corpus.analyze()
        assert report.errors == []
        return build_export(corpus.store)


def _article(doc: dict[str, Any], stem: str) -> dict[str, Any]:
    return next(a for a in doc["articles"] if a["external_id"] == stem)


def _evidence_texts(value: dict[str, Any]) -> list[str]:
    return [e["text"] for e in value["evidence"]]


def _finding_texts(finding: dict[str, Any]) -> str:
    return " | ".join(t for v in finding["values"] for t in _evidence_texts(v))


def test_both_seeds_are_one_story(doc: dict[str, Any]) -> None:
    assert len(doc["articles"]) == 2
    assert len(doc["stories"]) == 1
    assert sorted(doc["stories"][0]["article_ids"]) == sorted(a["id"] for a in doc["articles"])


def test_cleaning_of_the_first_seed(doc: dict[str, Any]) -> None:
    a = _article(doc, "000_1e31eddbd92e1f78")
    assert a["text"].startswith("The United States has denied visas")
    assert a["title"].startswith("USA denies visas")
    assert a["published"] is None
    removed = {r["text"].strip(): r["reason"] for r in a["removed"]}
    assert "Adjust Comment Print" in removed
    assert "Read the full story here." in removed
    assert "Adjust Comment Print" not in a["text"]
    assert "Read the full story here" not in a["text"]


def test_cleaning_of_the_second_seed(doc: dict[str, Any]) -> None:
    b = _article(doc, "001_16443c89bca3b207")
    assert b["author"] == "Jonathon Greene"
    assert datetime.fromisoformat(b["published"]) == datetime(2017, 5, 19, 5, 31, tzinfo=UTC)
    removed = " ".join(r["text"] for r in b["removed"])
    for gone in (
        "Chechnya Solidarity Actionx500",
        "South Sudan",
        "Brazil leader",
        "Silk Road",
        "Jonathon Greene",
    ):
        assert gone in removed
        assert gone not in b["text"]
    assert b["text"].startswith("US State Department officials")
    assert b["text"].rstrip().endswith("turning them away.")


def test_shared_quote_is_a_reuse_family_with_unknown_origin(doc: dict[str, Any]) -> None:
    families = [f for f in doc["reuse"] if any(QUOTE in p["text"] for p in f["passages"])]
    assert len(families) == 1
    family = families[0]
    assert {p["article_id"] for p in family["passages"]} == {a["id"] for a in doc["articles"]}
    assert all(QUOTE in p["text"] for p in family["passages"])
    assert family["origin_article_id"] is None  # 000 has no date: unknown, never guessed
    texts = {a["id"]: a["text"] for a in doc["articles"]}
    for p in family["passages"]:
        assert texts[p["article_id"]][p["start"] : p["end"]] == p["text"]


def test_disagreement_on_when_it_was_first_reported(doc: dict[str, Any]) -> None:
    matches = [
        f
        for f in doc["findings"]
        if f["kind"] == "disagree" and "April" in _finding_texts(f) and "March" in _finding_texts(f)
    ]
    assert len(matches) == 1
    assert len(matches[0]["values"]) == 2


@pytest.mark.parametrize(
    "one, other",
    [
        ("Svetlana Zakharova", "Sveltlana Zakharova"),
        ("Russia LGBT Network", "Russian LGBT Network"),
    ],
)
def test_name_variants(doc: dict[str, Any], one: str, other: str) -> None:
    variants = [f for f in doc["findings"] if f["kind"] == "variant"]
    assert any(
        {one, other} <= {t for v in f["values"] for t in _evidence_texts(v)} for f in variants
    ), [_finding_texts(f) for f in variants]


@pytest.mark.parametrize("word", ["forty", "40 people", "100", "ignored"])
def test_no_false_disagreements(doc: dict[str, Any], word: str) -> None:
    for f in doc["findings"]:
        if f["kind"] == "disagree":
            assert word not in _finding_texts(f), f


def test_every_span_slices_its_article(doc: dict[str, Any]) -> None:
    texts = {a["id"]: a["text"] for a in doc["articles"]}
    for f in doc["findings"]:
        for v in f["values"]:
            for e in v["evidence"]:
                assert texts[e["article_id"]][e["start"] : e["end"]] == e["text"]


def _portable(doc: dict[str, Any]) -> dict[str, Any]:
    """The export without machine-specific paths (origin is the path as given)."""
    copy = json.loads(json.dumps(doc))
    for a in copy["articles"]:
        a["origin"] = Path(a["origin"]).name
    return copy


def test_export_matches_golden(doc: dict[str, Any], request: pytest.FixtureRequest) -> None:
    current = _portable(doc)
    if request.config.getoption("--update-golden"):
        GOLDEN.write_text(json.dumps(current, ensure_ascii=False, indent=2) + "\n", "utf-8")
    assert GOLDEN.exists(), "no golden file yet: run pytest --update-golden and review it"
    assert current == json.loads(GOLDEN.read_text("utf-8"))


def test_second_run_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "twice.db"
    with storytrace.open(db) as corpus:
        corpus.ingest([SEEDS])
        corpus.analyze()
        first = build_export(corpus.store)
        again = corpus.ingest([SEEDS])
        assert again.new == 0
        report = corpus.analyze()
        assert report.cleaned == 0
        assert build_export(corpus.store) == first
