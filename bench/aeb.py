"""The scrapinghub article-extraction benchmark: pages, the fixed tuning split, its metric.

Shared by bench/clean.py and the cleaner's training script, so every figure uses the same
pages, the same split and the same scoring. The metric follows the benchmark's README
(../shared/data/scrapinghub-aeb/README.md): word 4-gram multisets per page, per-page precision
and recall, corpus precision and recall as means, F1 of the means.

The split: a page is in the tuning half when the first byte of the SHA-256 of its id is even.
Tune on that half only; report both.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "scrapinghub-aeb"
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Page:
    id: str
    url: str
    html: str
    body: str


def is_tuning(page_id: str) -> bool:
    """The fixed tuning half: first byte of sha256(id) even."""
    return hashlib.sha256(page_id.encode("ascii")).digest()[0] % 2 == 0


def load_pages(data: Path = DEFAULT_DATA) -> list[Page]:
    truth = json.loads((data / "ground-truth.json").read_text("utf-8"))
    pages = []
    for page_id in sorted(truth):
        html = gzip.decompress((data / "html" / f"{page_id}.html.gz").read_bytes()).decode("utf-8")
        pages.append(
            Page(page_id, truth[page_id].get("url", ""), html, truth[page_id]["articleBody"])
        )
    return pages


def split(pages: Iterable[Page]) -> tuple[list[Page], list[Page]]:
    """(tuning half, held-out half)."""
    pages = list(pages)
    return [p for p in pages if is_tuning(p.id)], [p for p in pages if not is_tuning(p.id)]


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _WORD.findall(text)
    if len(tokens) < 4:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))


def page_counts(predicted: str, true: str) -> tuple[int, int, int]:
    """(TP, FP, FN) shingle counts of one page, multiplicity counted."""
    pred, gold = shingles(predicted), shingles(true)
    tp = sum((pred & gold).values())
    return tp, sum(pred.values()) - tp, sum(gold.values()) - tp


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    f1: float
    accuracy: float
    pages: int


def score(pairs: Sequence[tuple[str, str]]) -> Score:
    """Corpus score of (predicted, true) text pairs, as the benchmark defines it."""
    precisions, recalls, exact = [], [], 0
    for predicted, true in pairs:
        tp, fp, fn = page_counts(predicted, true)
        if fp == 0 and fn == 0:
            precisions.append(1.0)
            recalls.append(1.0)
        else:
            if tp + fp > 0:
                precisions.append(tp / (tp + fp))
            if tp + fn > 0:
                recalls.append(tp / (tp + fn))
        exact += _WORD.findall(predicted) == _WORD.findall(true)
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, exact / len(pairs) if pairs else 0.0, len(pairs))
