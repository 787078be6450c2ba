"""The packaged body scorer of the text cleaner: loading its JSON file, scoring lines in numpy.

The model is trained by ``train/train_clean_text.py`` (scikit-learn, on the tuning half of the
article-extraction benchmark) and shipped as plain JSON in ``storytrace/data``: no pickle, so it
loads under any scikit-learn version, or none, and is safe to read. Two kinds are understood:

- ``logistic``: standardised features, coefficients and an intercept;
- ``trees``: gradient-boosted regression trees (scikit-learn's ``GradientBoostingClassifier``),
  each tree as flat node arrays, evaluated for all lines and all trees at once.

Either gives a probability that a line is article body. A ``stacked`` model chains two: the
second reads the line features plus the first one's probabilities for the line and its
neighbours (``context_features``), so a line is judged with what the model thinks of the lines
around it. ``threshold`` is the probability under which the cleaner removes a line the rules
kept, tuned with the model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from .clean_features import window_mean
from .errors import StorytraceError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
MODEL_FILE = "clean_text_model.json"
# The name the packaged model file carries (``train/train_clean_text.py`` writes it).
MODEL_NAME = "clean_text.gbdt.v1"
CONTEXT_FEATURES = (
    "p",
    "prev_p",
    "next_p",
    "window3_p",
    "window10_p",
    "p_below_page_max",
    "page_mean_p",
    "p_share_before",
)
_SMALL, _WIDE = 3, 10


def context_features(p: FloatArray, words: FloatArray) -> FloatArray:
    """Columns that put each line's first-stage probability ``p`` in its page's context.

    ``p`` is 0 for lines the rules removed; ``words`` are word counts, which weigh the share of
    the page's expected body words that comes before each line.
    """
    n = p.size
    if n == 0:
        return np.zeros((0, len(CONTEXT_FEATURES)))
    pad = np.zeros(1)
    expected = p * words
    before = (np.cumsum(expected) - expected) / max(float(expected.sum()), 1.0)
    return np.column_stack(
        (
            p,
            np.concatenate((pad, p[:-1])),
            np.concatenate((p[1:], pad)),
            window_mean(p, _SMALL),
            window_mean(p, _WIDE),
            p.max() - p,
            np.full(n, p.mean()),
            before,
        )
    )


@dataclass(frozen=True, slots=True)
class LineModel:
    """A body scorer: ``probability(features)`` per row, and the removal threshold.

    For ``logistic``, ``weights`` holds the coefficients over standardised features and
    ``offset`` the intercept. For ``trees``, every tree's nodes are concatenated: ``feature``
    and ``split`` decide a node (go left when ``x[feature] <= split``), ``left``/``right`` are
    absolute node indices (a leaf points at itself), ``weights`` holds leaf values, ``roots``
    the first node of each tree, ``offset`` the prior log-odds; ``depth`` is the deepest tree.
    """

    name: str
    kind: str
    feature_names: tuple[str, ...]
    threshold: float
    offset: float
    weights: FloatArray
    mean: FloatArray | None = None
    scale: FloatArray | None = None
    feature: IntArray | None = None
    split: FloatArray | None = None
    left: IntArray | None = None
    right: IntArray | None = None
    roots: IntArray | None = None
    depth: int = 0
    first: LineModel | None = None
    second: LineModel | None = None

    def page_probability(self, features: FloatArray, kept: list[int]) -> FloatArray:
        """Probabilities of the ``kept`` lines of one page (rows of ``features``) being body.

        ``features`` has a row for every line of the page, so that a stacked model can read
        the first stage's probabilities of the neighbours; lines not kept count as 0.
        """
        if not kept:
            return np.zeros(0)
        if self.first is None or self.second is None:
            return self.probability(features[kept])
        p = np.zeros(features.shape[0])
        p[kept] = self.first.probability(features[kept])
        words = np.expm1(features[:, 0])
        stacked = np.hstack((features, context_features(p, words)))
        return self.second.probability(stacked[kept])

    def log_odds(self, features: FloatArray) -> FloatArray:
        """The model's log-odds that each row (line) is article body."""
        if features.shape[1] != len(self.feature_names):
            raise StorytraceError(
                f"{self.name}: {features.shape[1]} features given, "
                f"{len(self.feature_names)} expected"
            )
        if self.kind == "logistic":
            assert self.mean is not None and self.scale is not None
            result: FloatArray = ((features - self.mean) / self.scale) @ self.weights + self.offset
            return result
        assert self.feature is not None and self.split is not None
        assert self.left is not None and self.right is not None and self.roots is not None
        # sklearn compares float32 features with float64 thresholds; do the same.
        x = features.astype(np.float32).astype(np.float64)
        n, width = x.shape
        roots = self.roots
        # node[i, t]: where line i stands in tree t. Every tree starts at its root, so the
        # first level reads whole columns; deeper ones read x through flat offsets (take is
        # much faster than 2-d fancy indexing).
        if self.depth == 0:
            node = np.broadcast_to(roots, (n, roots.size))
        else:
            go_left = x.take(self.feature.take(roots), axis=1) <= self.split.take(roots)
            node = np.where(go_left, self.left.take(roots), self.right.take(roots))
        flat = x.ravel()
        offsets = np.arange(0, n * width, width)[:, None]
        for _ in range(self.depth - 1):
            go_left = flat.take(offsets + self.feature.take(node)) <= self.split.take(node)
            node = np.where(go_left, self.left.take(node), self.right.take(node))
        summed: FloatArray = self.weights.take(node).sum(axis=1) + self.offset
        return summed

    def probability(self, features: FloatArray) -> FloatArray:
        """The probability that each row (line) is article body."""
        result: FloatArray = 1.0 / (1.0 + np.exp(-self.log_odds(features)))
        return result


def model_from_dict(data: dict[str, Any]) -> LineModel:
    """Build a model from its JSON form (see ``train/train_clean_text.py``)."""
    name = str(data["name"])
    kind = str(data["kind"])
    common: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "feature_names": tuple(str(f) for f in data["feature_names"]),
        "threshold": float(data["threshold"]),
    }
    if kind == "logistic":
        return LineModel(
            **common,
            offset=float(data["intercept"]),
            weights=np.array(data["coef"], dtype=np.float64),
            mean=np.array(data["mean"], dtype=np.float64),
            scale=np.array(data["scale"], dtype=np.float64),
        )
    if kind == "stacked":
        first, second = model_from_dict(data["first"]), model_from_dict(data["second"])
        return LineModel(**common, offset=0.0, weights=np.zeros(0), first=first, second=second)
    if kind != "trees":
        raise StorytraceError(f"{name}: unknown model kind {kind!r}")
    features: list[int] = []
    splits: list[float] = []
    lefts: list[int] = []
    rights: list[int] = []
    values: list[float] = []
    roots: list[int] = []
    depth = 0
    scale = float(data["learning_rate"])
    for tree in data["trees"]:
        base = len(features)
        roots.append(base)
        depth = max(depth, int(tree["depth"]))
        for left, right in zip(tree["left"], tree["right"], strict=True):
            leaf = left < 0
            lefts.append(len(lefts) if leaf else base + left)
            rights.append(len(rights) if leaf else base + right)
        features.extend(max(int(f), 0) for f in tree["feature"])
        splits.extend(float(s) for s in tree["threshold"])
        values.extend(scale * float(v) for v in tree["value"])
    return LineModel(
        **common,
        offset=float(data["init"]),
        weights=np.array(values, dtype=np.float64),
        feature=np.array(features, dtype=np.int64),
        split=np.array(splits, dtype=np.float64),
        left=np.array(lefts, dtype=np.int64),
        right=np.array(rights, dtype=np.int64),
        roots=np.array(roots, dtype=np.int64),
        depth=depth,
    )


@cache
def packaged_model() -> LineModel:
    """The model shipped in the package (read once per process: it is constant data)."""
    text = resources.files("storytrace").joinpath("data", MODEL_FILE).read_text("utf-8")
    return model_from_dict(json.loads(text))
