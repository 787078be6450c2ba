"""Train the text cleaner's body scorer on the tuning half of the article-extraction benchmark.

Usage (from the repository root, with the dev environment and scikit-learn installed)::

    python train/train_clean_text.py [--data ../shared/data/scrapinghub-aeb] [--out PATH]

Each page of the benchmark is flattened as a naive scraper would (all visible text, one block
a line: ``clean_html.visible_text``), the cleaner's rules run over it, and every line the rules
keep becomes a training row (``clean_features.FEATURE_NAMES``) labelled body or not by its
overlap with the page's gold ``articleBody`` (see ``line_labels``). Only the tuning half
(``aeb.is_tuning``) is read for fitting and for choosing the threshold; both halves are scored
with the benchmark's metric at the end. Deterministic: fixed seeds, sorted pages.

The model is written as JSON (``storytrace/data/clean_text_model.json``), read by
``storytrace.clean_model`` with numpy only.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import aeb  # noqa: E402
from storytrace.clean import CleanSettings  # noqa: E402
from storytrace.clean_features import FEATURE_NAMES  # noqa: E402
from storytrace.clean_html import parse_html, visible_text  # noqa: E402
from storytrace.clean_model import (  # noqa: E402
    CONTEXT_FEATURES,
    MODEL_NAME,
    context_features,
    model_from_dict,
)
from storytrace.clean_text import PageLines, classify_lines, clean_text  # noqa: E402

OUT = ROOT / "src" / "storytrace" / "data" / "clean_text_model.json"
LABEL_SHARE = 0.5
SEED = 0
GBDT = {
    "n_estimators": 200,
    "max_depth": 2,
    "learning_rate": 0.1,
    "subsample": 0.8,
    "min_samples_leaf": 20,
}
THRESHOLDS = [round(t, 2) for t in np.arange(0.05, 0.96, 0.05)]
_WORD = re.compile(r"\w+")


def line_labels(lines: tuple[str, ...], gold: str) -> list[bool]:
    """Body (True) or not for each line, from its overlap with the gold article body.

    The page's lines are read as one token stream (``\\w+`` tokens, as the benchmark's metric
    tokenizes). A line's 4-grams are those of the stream that contain at least one of its
    tokens, so a short line (a subheading) is judged with the words around it. The line is body
    when at least ``LABEL_SHARE`` of them are among the gold body's 4-grams; a line without
    tokens is not body (it adds nothing to the metric either way).
    """
    gold_tokens = _WORD.findall(gold)
    gold_set = {tuple(gold_tokens[i : i + 4]) for i in range(max(len(gold_tokens) - 3, 0))}
    tokens: list[str] = []
    spans: list[tuple[int, int]] = []
    for line in lines:
        words = _WORD.findall(line)
        spans.append((len(tokens), len(tokens) + len(words)))
        tokens.extend(words)
    last_start = len(tokens) - 4
    labels = []
    for start, end in spans:
        if start == end or last_start < 0:
            labels.append(False)
            continue
        first, final = max(start - 3, 0), min(end - 1, last_start)
        grams = [tuple(tokens[i : i + 4]) for i in range(first, final + 1)]
        hits = sum(gram in gold_set for gram in grams)
        labels.append(bool(grams) and hits >= LABEL_SHARE * len(grams))
    return labels


def flatten(page: aeb.Page) -> str:
    root = parse_html(page.html)
    return visible_text(root) if root is not None else ""


def rows(
    pages: list[aeb.Page], flat: dict[str, str], settings: CleanSettings
) -> tuple[dict[str, PageLines], np.ndarray, np.ndarray, np.ndarray]:
    """Classified pages, and the features, labels and page numbers of the rule-kept lines.

    Besides each flattened page, its gold body alone is added as a page of its own (all body):
    text input is often an article without chrome, and the scorer must leave such a page whole.
    """
    classified: dict[str, PageLines] = {}
    xs, ys, groups = [], [], []
    for number, page in enumerate(pages):
        lines = classify_lines(flat[page.id], settings)
        classified[page.id] = lines
        labels = line_labels(tuple(line.text for line in lines.lines), page.body)
        alone = classify_lines(page.body, settings)
        for found, found_labels in ((lines, labels), (alone, [True] * len(alone.lines))):
            for i, reason in enumerate(found.reasons):
                if reason is None:
                    xs.append(found.features[i])
                    ys.append(found_labels[i])
                    groups.append(number)
    return classified, np.array(xs), np.array(ys, dtype=np.int64), np.array(groups)


def body(page: PageLines, probability: dict[int, float], threshold: float) -> str:
    kept = []
    for i, (line, reason) in enumerate(zip(page.lines, page.reasons, strict=True)):
        if reason is None and probability.get(i, 1.0) >= threshold:
            kept.append(line.text)
    return "\n\n".join(kept)


def to_json(
    fitted: GradientBoostingClassifier | LogisticRegression, x: np.ndarray
) -> dict[str, Any]:
    """The fitted model as the JSON that ``clean_model.model_from_dict`` reads."""
    names = (
        FEATURE_NAMES if x.shape[1] == len(FEATURE_NAMES) else (*FEATURE_NAMES, *CONTEXT_FEATURES)
    )
    head: dict[str, Any] = {"name": MODEL_NAME, "feature_names": list(names)}
    if isinstance(fitted, LogisticRegression):
        return {**head, "kind": "logistic", **fitted.storytrace_extra}  # type: ignore[attr-defined]
    trees = []
    total = np.zeros(1)
    for estimator in fitted.estimators_[:, 0]:
        tree = estimator.tree_
        trees.append(
            {
                "depth": int(tree.max_depth),
                "feature": tree.feature.tolist(),
                "threshold": [float(t) for t in tree.threshold],
                "left": tree.children_left.tolist(),
                "right": tree.children_right.tolist(),
                "value": [float(v) for v in tree.value[:, 0, 0]],
            }
        )
        total += estimator.predict(x[:1])
    init = float(fitted.decision_function(x[:1])[0] - fitted.learning_rate * total[0])
    return {
        **head,
        "kind": "trees",
        "learning_rate": fitted.learning_rate,
        "init": init,
        "trees": trees,
    }


def fit(x: np.ndarray, y: np.ndarray, kind: str) -> GradientBoostingClassifier | LogisticRegression:
    if kind == "logistic":
        mean, scale = x.mean(axis=0), x.std(axis=0)
        scale[scale == 0] = 1.0
        model = LogisticRegression(C=1.0, max_iter=2000)
        model.fit((x - mean) / scale, y)
        model.storytrace_extra = {  # type: ignore[attr-defined]
            "mean": mean.tolist(),
            "scale": scale.tolist(),
            "coef": model.coef_[0].tolist(),
            "intercept": float(model.intercept_[0]),
        }
        return model
    model = GradientBoostingClassifier(random_state=SEED, **GBDT)
    model.fit(x, y)
    return model


def kept_rows(page: PageLines) -> list[int]:
    return [i for i, reason in enumerate(page.reasons) if reason is None]


def stacked_rows(pages: list[PageLines], p: np.ndarray) -> np.ndarray:
    """Second-stage rows: each kept line's features and its page's first-stage context."""
    out, cursor = [], 0
    for page in pages:
        kept = kept_rows(page)
        full = np.zeros(len(page.lines))
        full[kept] = p[cursor : cursor + len(kept)]
        cursor += len(kept)
        context = context_features(full, np.expm1(page.features[:, 0]))
        out.append(np.hstack((page.features, context))[kept])
    return np.vstack(out)


def out_of_fold(x: np.ndarray, y: np.ndarray, groups: np.ndarray, kind: str) -> np.ndarray:
    """Probabilities for every row from models fitted without its page's fold."""
    p = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=5).split(x, y, groups):
        fold = model_from_dict({**to_json(fit(x[train], y[train], kind), x), "threshold": 0})
        p[test] = fold.probability(x[test])
    return p


def choose_threshold(tuning: list[aeb.Page], pages: list[PageLines], p: np.ndarray) -> float:
    """The threshold whose cleaned text scores best on the tuning half (out-of-fold ``p``).

    ``pages`` alternate as in ``rows``: each flattened page, then its gold body alone; both
    are scored against the gold body.
    """
    pairs_at: list[tuple[PageLines, dict[int, float], str]] = []
    cursor = 0
    for number, page in enumerate(pages):
        kept = kept_rows(page)
        q = dict(zip(kept, p[cursor : cursor + len(kept)].tolist(), strict=True))
        pairs_at.append((page, q, tuning[number // 2].body))
        cursor += len(kept)
    best = (0.0, 0.5)
    for threshold in THRESHOLDS:
        pairs = [(body(page, q, threshold), gold) for page, q, gold in pairs_at]
        best = max(best, (aeb.score(pairs).f1, threshold))
    print(f"threshold {best[1]:.2f}: out-of-fold F1 on the tuning half {best[0]:.4f}")
    return best[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=aeb.DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--kind", choices=["trees", "logistic"], default="trees")
    parser.add_argument("--single", action="store_true", help="one stage, no stacking")
    for key, value in GBDT.items():
        parser.add_argument(f"--{key.replace('_', '-')}", type=type(value), default=value)
    args = parser.parse_args()
    GBDT.update({key: getattr(args, key) for key in GBDT})
    settings = CleanSettings()
    pages = aeb.load_pages(args.data)
    tuning, held_out = aeb.split(pages)
    flat = {page.id: flatten(page) for page in pages}
    classified, x, y, groups = rows(tuning, flat, settings)
    alone = {page.id: classify_lines(page.body, settings) for page in tuning}
    print(f"tuning: {len(tuning)} pages, {len(y)} rule-kept lines, {y.mean():.3f} body")
    ordered = [p for page in tuning for p in (classified[page.id], alone[page.id])]

    first_oof = out_of_fold(x, y, groups, args.kind)
    first = fit(x, y, args.kind)
    if args.single:
        threshold = choose_threshold(tuning, ordered, first_oof)
        data = {**to_json(first, x), "threshold": threshold}
    else:
        # Stacking: the second stage learns from out-of-fold first-stage probabilities, as
        # it will see probabilities of pages the first stage was not fitted on.
        x2 = stacked_rows(ordered, first_oof)
        threshold = choose_threshold(tuning, ordered, out_of_fold(x2, y, groups, args.kind))
        second = fit(x2, y, args.kind)
        data = {
            "name": MODEL_NAME,
            "kind": "stacked",
            "feature_names": list(FEATURE_NAMES),
            "threshold": threshold,
            "first": {**to_json(first, x), "threshold": 0.0},
            "second": {**to_json(second, x2), "threshold": 0.0},
        }
    model = model_from_dict(data)
    if args.kind == "trees":
        check = model.first or model
        gap = np.abs(check.probability(x) - first.predict_proba(x)[:, 1]).max()
        assert gap < 1e-6, f"numpy scorer differs from scikit-learn by {gap}"
    args.out.write_text(json.dumps(data, separators=(",", ":")) + "\n", "utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes), threshold {threshold}")

    for name, half in (("tuning", tuning), ("held-out", held_out)):
        for label, options in (
            ("rules only", {"rules_only": True}),
            ("rules + model", {"model": model}),
        ):
            start = time.perf_counter()
            pairs = [(clean_text(flat[p.id], settings, **options).body, p.body) for p in half]
            rate = len(half) / (time.perf_counter() - start)
            s = aeb.score(pairs)
            print(
                f"{name:9} {label:14} P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f} "
                f"({len(half)} pages, {rate:.0f} pages/s)"
            )
    for name, half in (("tuning", tuning), ("held-out", held_out)):
        s = aeb.score([(flat[p.id], p.body) for p in half])
        print(f"{name:9} {'unchanged':14} P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f}")


if __name__ == "__main__":
    main()
