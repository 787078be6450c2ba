"""Train the HTML cleaner's block model on the tuning half of the article-extraction benchmark.

Usage (from the repository root, with the dev environment and scikit-learn installed)::

    python train/train_clean_html.py [--data ../shared/data/scrapinghub-aeb] [--out PATH]

Each page is parsed and flattened as ``clean_html`` does (one visible line per block-level
element), its title read, the elements nobody reads stripped and trafilatura run on it as in
``clean_html.clean_html``, and every line becomes a row
of ``clean_html_blocks.FEATURE_NAMES``, labelled body or not by its overlap with the page's gold
``articleBody`` (``line_labels``). Rows are weighted by their words over the page's words, so
every page weighs about the same, as in the benchmark's metric. Only the tuning half
(``aeb.is_tuning``) is read for fitting and for choosing the threshold (on out-of-fold
predictions, pages grouped); both halves are scored with the benchmark's metric at the end.
Deterministic: fixed seeds, sorted pages.

The model is written as JSON (``storytrace/data/clean_html_model.json``), read by
``storytrace.clean_html_blocks.load_model`` with numpy only.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import aeb  # noqa: E402
from storytrace.clean import CleanSettings  # noqa: E402
from storytrace.clean_html import compose, extract, parse_html, strip_unread  # noqa: E402
from storytrace.clean_html_blocks import (  # noqa: E402
    FEATURE_NAMES,
    MODEL_NAME,
    line_features,
    model_from_json,
)
from storytrace.clean_html_flatten import PageLine, body_index, flatten, words_of  # noqa: E402
from storytrace.clean_html_meta import ld_body, page_meta  # noqa: E402

OUT = ROOT / "src" / "storytrace" / "data" / "clean_html_model.json"
LABEL_SHARE = 0.5
SEED = 0
GBDT = {"n_estimators": 150, "max_depth": 3, "learning_rate": 0.1, "subsample": 0.8}
THRESHOLDS = [round(t, 2) for t in np.arange(-3.0, 3.01, 0.25)]
_WORD = re.compile(r"\w+")


@dataclass
class PageRows:
    page: aeb.Page
    lines: list[PageLine]
    body_lines: list[str]
    index: list[int]
    kept: list[bool]
    title_words: str | None
    x: Any
    y: Any
    w: Any


def line_labels(lines: list[PageLine], gold: str) -> tuple[list[bool], list[int]]:
    """Body (True) or not for each line, and its token count.

    A line of four tokens or more is body when at least ``LABEL_SHARE`` of its own 4-grams are
    among the gold body's; a shorter line when its tokens occur, in order, in the gold body.
    """
    gold_tokens = _WORD.findall(gold)
    gold_grams = set(aeb.shingles(gold))
    gold_text = f" {' '.join(gold_tokens)} "
    labels, sizes = [], []
    for line in lines:
        tokens = _WORD.findall(line.text)
        sizes.append(len(tokens))
        if len(tokens) >= 4:
            grams = [tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3)]
            labels.append(sum(g in gold_grams for g in grams) >= LABEL_SHARE * len(grams))
        else:
            labels.append(bool(tokens) and f" {' '.join(tokens)} " in gold_text)
    return labels, sizes


def page_rows(page: aeb.Page, settings: CleanSettings) -> PageRows | None:
    """The page's rows, or None when the cleaner would use its text fallback on it."""
    root = parse_html(page.html)
    if root is None:
        return None
    _, lines = flatten(root)
    title = page_meta(root, page.url or None).title
    strip_unread(root)  # as clean_html does, once the metadata is read
    document = extract(root, page.url or None)
    text = (document.text or "") if document is not None else ""
    if len(text) < settings.min_html_body_chars or not lines:
        return None
    body_lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    index = body_index(lines, body_lines)
    kept = [at >= 0 for at in index]
    labels, sizes = line_labels(lines, page.body)
    total = sum(s for s, k, y in zip(sizes, kept, labels, strict=True) if k or y) or 1
    return PageRows(
        page,
        lines,
        body_lines,
        index,
        kept,
        words_of(title) if title else None,
        line_features(lines, kept, title, reference=ld_body(root)),
        np.asarray(labels, dtype=np.int64),
        np.asarray(sizes, dtype=np.float64) / total,
    )


def page_text(rows: PageRows, logits: Any, thresholds: tuple[float, float]) -> str:
    """The page's body when lines trafilatura kept stay at logit >= ``thresholds[0]`` and
    lines it left out are added back at logit >= ``thresholds[1]``."""
    keep = [
        bool(v >= (thresholds[0] if k else thresholds[1]))
        for v, k in zip(logits, rows.kept, strict=True)
    ]
    blocks = compose(rows.body_lines, rows.lines, rows.index, keep, rows.title_words)
    return "\n".join(b.text for b in blocks if b.reason is None)


def fit(pages: list[PageRows]) -> GradientBoostingClassifier:
    """The model on every line of ``pages``, kept by trafilatura or not: the lines it left out
    teach the model what furniture looks like (a model on its kept lines alone scored lower
    out of fold)."""
    model = GradientBoostingClassifier(random_state=SEED, **GBDT)
    x = np.vstack([p.x for p in pages])
    y = np.concatenate([p.y for p in pages])
    w = np.concatenate([p.w for p in pages])
    model.fit(x, y, sample_weight=w)
    return model


def to_json(model: GradientBoostingClassifier, threshold: float) -> dict[str, Any]:
    trees = []
    for estimator in model.estimators_[:, 0]:
        tree = estimator.tree_
        leaf = tree.children_left < 0
        trees.append(
            {
                "feature": np.where(leaf, 0, tree.feature).tolist(),
                "threshold": np.where(leaf, 0.0, tree.threshold).round(6).tolist(),
                "left": tree.children_left.tolist(),
                "right": tree.children_right.tolist(),
                "value": tree.value[:, 0, 0].round(6).tolist(),
            }
        )
    prior = float(np.clip(model.init_.class_prior_[1], 1e-6, 1 - 1e-6))
    return {
        "base": round(float(np.log(prior / (1 - prior))), 6),
        "rate": model.learning_rate,
        "threshold": threshold,
        "trees": trees,
    }


def oof_logits(rows: list[PageRows], folds: int) -> list[Any]:
    """Out-of-fold logits of a model on every line (pages grouped)."""
    oof: list[Any] = [None] * len(rows)
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(rows, groups=range(len(rows))):
        model = fit([rows[i] for i in train_idx])
        for i in test_idx:
            oof[i] = model.decision_function(rows[i].x)
    return oof


def choose(
    rows: list[PageRows], drop: list[Any], add: list[Any] | None
) -> tuple[tuple[float, float], float]:
    """Thresholds (drop, add) with the best out-of-fold F1: the drop threshold alone, then
    the add threshold given it, then the drop threshold again; "inf" adds nothing."""
    logits = [
        np.where(r.kept, d, -np.inf if a is None else a)
        for r, d, a in zip(rows, drop, add or [None] * len(rows), strict=True)
    ]

    def f1(t: tuple[float, float]) -> float:
        pairs = [(page_text(r, o, t), r.page.body) for r, o in zip(rows, logits, strict=True)]
        return float(aeb.score(pairs).f1)

    best = (max(THRESHOLDS, key=lambda t: f1((t, np.inf))), np.inf)
    if add is not None:
        best = (best[0], max([*THRESHOLDS, np.inf], key=lambda t: f1((best[0], t))))
        best = (max(THRESHOLDS, key=lambda t: f1((t, best[1]))), best[1])
    return best, f1(best)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=aeb.DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-add", action="store_true", help="train the drop head only")
    parser.add_argument(
        "--held-out", action="store_true", help="score the held-out half at the end"
    )
    args = parser.parse_args()
    settings = CleanSettings()
    tuning, held_out = aeb.split(aeb.load_pages(args.data))
    rows = [r for r in (page_rows(p, settings) for p in tuning) if r is not None]
    print(f"{len(rows)} of {len(tuning)} tuning pages, {sum(len(r.lines) for r in rows)} lines")

    # Out-of-fold logits on the tuning half choose the thresholds.
    oof = oof_logits(rows, args.folds)
    thresholds, oof_f1 = choose(rows, oof, None if args.no_add else oof)
    chosen = f"thresholds drop {thresholds[0]} add {thresholds[1]}"
    print(f"{chosen}: out-of-fold tuning F1 {oof_f1:.4f}")

    model = fit(rows)
    data: dict[str, Any] = {"name": MODEL_NAME, "features": list(FEATURE_NAMES)}
    data |= to_json(model, thresholds[0])
    data["add_threshold"] = float(thresholds[1]) if np.isfinite(thresholds[1]) else None
    check = model_from_json(data)
    for r in rows[:5]:
        assert np.allclose(check.drop.logits(r.x), model.decision_function(r.x), atol=1e-4)
    importances = sorted(zip(model.feature_importances_, FEATURE_NAMES, strict=True), reverse=True)
    print("top features:", ", ".join(f"{n} {v:.3f}" for v, n in importances[:12]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, separators=(",", ":")) + "\n", "utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")
    groups = [("tuning (in-sample)", rows)]
    if args.held_out:
        groups.append(
            ("held-out", [r for r in (page_rows(p, settings) for p in held_out) if r is not None])
        )
    shipped = (check.drop.threshold, check.add.threshold if check.add else np.inf)
    for name, group in groups:
        s = aeb.score([(page_text(r, check.drop.logits(r.x), shipped), r.page.body) for r in group])
        print(f"{name}: P {s.precision:.4f} R {s.recall:.4f} F1 {s.f1:.4f} ({s.pages} pages)")


if __name__ == "__main__":
    main()
