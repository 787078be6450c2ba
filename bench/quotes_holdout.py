"""Deterministic selection of the held-out ECB+ quote set (`ecbplus_quotes_holdout.jsonl`).

The held-out set is 40 ECB+ articles labelled blind, with the guidelines of
`bench/data/README.md` ("ecbplus quotes"), after storytrace's quote extraction had been tuned
on the 65 articles of `bench/data/ecbplus_quotes.jsonl`. Rule:

1. keep articles whose `text` has 300 <= len(text) <= 3000 characters;
2. whose text contains a quotation mark: `"`, `“`, `”` or `‘` (a plain character test; the
   single-quoted-run rule of the first set is not used);
3. whose id is not one of the 65 ids already labelled in `ecbplus_quotes.jsonl`;
4. sort the ids, then `random.Random(2026).sample(pool, 40)`; the sample order is the file order.

Run `python bench/quotes_holdout.py` to print the selected ids, one a line.

The second development set (`ecbplus_quotes_dev2.jsonl`, `select_dev2`) follows the same rule
with seed 2027, excluding the ids of both the first set and the held-out set; it was labelled
blind too, for error analysis (the held-out set stays the honest figure). Run
`python bench/quotes_holdout.py --dev2` to print its ids.

The third development set (`ecbplus_quotes_dev3.jsonl`, `select_dev3`) follows the same rule
with seed 2028, excluding the ids of the first set, the held-out set and the second development
set; it was labelled blind too, for error analysis. Run `python bench/quotes_holdout.py --dev3`
to print its ids.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT.parent / "shared" / "data" / "ecbplus" / "articles.jsonl"
LABELLED = ROOT / "bench" / "data" / "ecbplus_quotes.jsonl"
HOLDOUT = ROOT / "bench" / "data" / "ecbplus_quotes_holdout.jsonl"
DEV2 = ROOT / "bench" / "data" / "ecbplus_quotes_dev2.jsonl"
DEV3 = ROOT / "bench" / "data" / "ecbplus_quotes_dev3.jsonl"

SEED = 2026
DEV2_SEED = 2027
DEV3_SEED = 2028
SIZE = 40
MARKS = ('"', "“", "”", "‘")


def labelled_ids(path: Path = LABELLED) -> set[str]:
    """The ids of the 65 articles of the first (tuning) label set."""
    with path.open(encoding="utf-8") as lines:
        return {json.loads(line)["article_id"] for line in lines if line.strip()}


def select_sample(
    articles: Sequence[dict[str, Any]], seed: int, size: int, exclude: set[str]
) -> list[str]:
    """`size` ids drawn with `random.Random(seed).sample` from the sorted ids of articles of
    300-3000 characters that contain a quotation mark and are not in `exclude`."""
    pool = sorted(
        a["id"]
        for a in articles
        if 300 <= len(a["text"]) <= 3000
        and any(mark in a["text"] for mark in MARKS)
        and a["id"] not in exclude
    )
    return random.Random(seed).sample(pool, size)


def select_holdout(
    articles: Sequence[dict[str, Any]], exclude: set[str] | None = None
) -> list[str]:
    """The ids of the held-out articles, in label-file order, by the seeded rule above."""
    excluded = labelled_ids() if exclude is None else exclude
    return select_sample(articles, SEED, SIZE, excluded)


def select_dev2(articles: Sequence[dict[str, Any]], exclude: set[str] | None = None) -> list[str]:
    """The ids of the second development set, in label-file order: the held-out rule with
    seed 2027, excluding the ids of `ecbplus_quotes.jsonl` and `ecbplus_quotes_holdout.jsonl`."""
    excluded = labelled_ids() | labelled_ids(HOLDOUT) if exclude is None else exclude
    return select_sample(articles, DEV2_SEED, SIZE, excluded)


def select_dev3(articles: Sequence[dict[str, Any]], exclude: set[str] | None = None) -> list[str]:
    """The ids of the third development set, in label-file order: the held-out rule with seed
    2028, excluding the ids of `ecbplus_quotes.jsonl`, `ecbplus_quotes_holdout.jsonl` and
    `ecbplus_quotes_dev2.jsonl`."""
    excluded = (
        labelled_ids() | labelled_ids(HOLDOUT) | labelled_ids(DEV2) if exclude is None else exclude
    )
    return select_sample(articles, DEV3_SEED, SIZE, excluded)


def validate(records: Sequence[dict[str, Any]], texts: dict[str, str]) -> list[str]:
    """Problems in label records (empty when valid): offsets in range, spans stripped of
    whitespace, direct spans without their quotation marks, quotes sorted and non-overlapping."""
    problems: list[str] = []
    marks = set(MARKS) | {"’", "'"}
    for r in records:
        aid, text = r["article_id"], texts[r["article_id"]]
        last_end = -1
        for x in r["quotes"]:
            where = f"{aid}@{x['start']}"
            s, e = x["start"], x["end"]
            if not 0 <= s < e <= len(text):
                problems.append(f"{where}: span out of range")
                continue
            if text[s:e] != text[s:e].strip():
                problems.append(f"{where}: span not stripped")
            if x["kind"] not in ("direct", "indirect"):
                problems.append(f"{where}: bad kind")
            if x["kind"] == "direct" and (text[s] in marks or text[e - 1] in marks):
                problems.append(f"{where}: direct span includes a quotation mark")
            if s < last_end:
                problems.append(f"{where}: unsorted or overlapping")
            last_end = e
            ss, se = x["speaker_start"], x["speaker_end"]
            if (ss is None) != (se is None):
                problems.append(f"{where}: half a speaker span")
            elif ss is not None:
                if not 0 <= ss < se <= len(text):
                    problems.append(f"{where}: speaker out of range")
                elif text[ss:se] != text[ss:se].strip():
                    problems.append(f"{where}: speaker not stripped")
                elif ss < e and s < se:
                    problems.append(f"{where}: speaker inside the quote")
            elif x["speaker_name"] is not None:
                problems.append(f"{where}: a name without a speaker span")
    return problems


def load_articles(path: Path = ARTICLES) -> list[dict[str, Any]]:
    """The ECB+ articles, one dict per line of `articles.jsonl`."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


if __name__ == "__main__":
    args = sys.argv[1:]
    select = select_holdout
    if "--dev3" in args:
        select = select_dev3
    elif "--dev2" in args:
        select = select_dev2
    for article_id in select(load_articles()):
        print(article_id)
