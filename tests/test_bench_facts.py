"""The facts benchmark's data: ECB+ fact-pair labels and the perturbation generator.

The label file is checked against ``../shared/data/ecbplus`` when that folder exists (skipped
otherwise); the generator is checked on hand-made articles, and on the seeds when present.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import load_bench_module

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
PAIRS = BENCH / "data" / "ecbplus_fact_pairs.jsonl"
ARTICLES = REPO.parent / "shared" / "data" / "ecbplus" / "articles.jsonl"
SEEDS = REPO.parent / "shared" / "seeds"
LABELS = {"agree", "disagree", "variant", "not_comparable"}
KINDS = {"number", "date", "name", "quote"}

TEXT = (
    "Quake kills five\n"
    'Police said on Tuesday that roughly forty people were hurt in Athens, and "we cannot say '
    'more yet" about 12 percent of the damaged houses.\n'
    "The governor, Heydar Alishbandi, said in April that Alishbandi's office don't expect 7 more "
    "deaths among the villagers.\n"
    "Rescue teams from Paris reached the island on March 3 and counted 120 collapsed houses.\n"
)


@pytest.fixture(scope="module")
def perturb() -> ModuleType:
    return load_bench_module("facts_perturb.py", "bench_facts_perturb")


def test_label_file_integrity() -> None:
    if not ARTICLES.exists():
        pytest.skip("../shared/data/ecbplus is not here")
    with ARTICLES.open(encoding="utf-8") as handle:
        articles = {r["id"]: r for r in map(json.loads, handle)}
    pairs = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines()]
    assert len(pairs) >= 200
    assert len({p["id"] for p in pairs}) == len(pairs)
    for pair in pairs:
        assert pair["label"] in LABELS and pair["kind"] in KINDS, pair["id"]
        assert pair["slot"].strip(), pair["id"]
        a, b = articles[pair["a"]["article_id"]], articles[pair["b"]["article_id"]]
        assert a["id"] != b["id"], pair["id"]
        assert a["subtopic"] == b["subtopic"] and pair["split"] == a["split"], pair["id"]
        for side in (pair["a"], pair["b"]):
            text = articles[side["article_id"]]["text"]
            assert 0 <= side["start"] < side["end"] <= len(text), pair["id"]
            value = text[side["start"] : side["end"]]
            assert value == value.strip(), pair["id"]
    assert {p["label"] for p in pairs} == LABELS
    assert {p["split"] for p in pairs} == {"train", "test"}


def test_generator_deterministic_and_well_formed(perturb: ModuleType) -> None:
    sources = [perturb.Source("a1", "ecbplus", TEXT), perturb.Source("s1", "seed", TEXT)]
    first = perturb.build_items(sources[1:], sources[:1], seed=3, per_kind=5)
    second = perturb.build_items(sources[1:], sources[:1], seed=3, per_kind=5)
    assert first == second
    kinds = {item.kind for item in first}
    assert {"number", "month", "day", "digits_words", "hedge", "contraction"} <= kinds
    assert {"quote_style", "percent", "place", "spelling"} <= kinds
    assert len({item.id for item in first}) == len(first)
    for item in first:
        perturb.check(item)
        assert item.group == ("changed" if item.kind in perturb.CHANGED_KINDS else "reworded")
        expected = perturb.EXPECTED.get(item.kind, "none")
        assert item.expected == expected
        assert "\n" not in item.new
    words = {(i.kind, i.old, i.new) for i in first}
    assert ("digits_words", "forty", "40") in words
    assert ("contraction", "cannot", "can not") in words
    assert any(k == "spelling" and old == "Alishbandi" for k, old, _ in words)


def test_generator_on_seeds(perturb: ModuleType) -> None:
    if not SEEDS.exists():
        pytest.skip("../shared/seeds is not here")
    seeds = perturb.load_seeds(SEEDS)
    items = perturb.build_items(seeds, [], seed=7)
    assert items == perturb.build_items(seeds, [], seed=7)
    assert {i.group for i in items} == {"changed", "reworded"}
    for item in items:
        perturb.check(item)


def test_refuses_output_inside_repo(perturb: ModuleType) -> None:
    with pytest.raises(SystemExit):
        perturb.main(["--out", str(REPO / "perturb.jsonl"), "--data", "/nonexistent"])
