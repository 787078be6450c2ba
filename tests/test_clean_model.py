"""The packaged body scorer: its file, its numpy inference, and its features."""

from __future__ import annotations

import json

import numpy as np
import pytest

from storytrace.clean import CleanSettings
from storytrace.clean_features import FEATURE_NAMES, line_features, split_lines, window_mean
from storytrace.clean_model import context_features, model_from_dict, packaged_model
from storytrace.clean_text import classify_lines, clean_text
from storytrace.errors import StorytraceError

from .test_clean_text import PARAGRAPHS, page


def test_packaged_model_matches_the_features() -> None:
    model = packaged_model()
    assert model.feature_names == FEATURE_NAMES
    assert 0.0 < model.threshold < 1.0
    lines = classify_lines(page(*PARAGRAPHS, "Share Tweet Email"), CleanSettings())
    kept = [i for i, reason in enumerate(lines.reasons) if reason is None]
    p = model.page_probability(lines.features, kept)
    assert p.shape == (len(kept),)
    assert np.all((p >= 0) & (p <= 1))


def tree(value_left: float, value_right: float, split: float) -> dict[str, object]:
    return {
        "depth": 1,
        "feature": [0, -2, -2],
        "threshold": [split, -2.0, -2.0],
        "left": [1, -1, -1],
        "right": [2, -1, -1],
        "value": [0.0, value_left, value_right],
    }


def test_trees_follow_their_splits() -> None:
    model = model_from_dict(
        {
            "name": "t",
            "kind": "trees",
            "feature_names": ["a", "b"],
            "threshold": 0.5,
            "learning_rate": 0.5,
            "init": 0.0,
            "trees": [tree(-2.0, 2.0, 1.0), tree(-1.0, 1.0, 3.0)],
        }
    )
    x = np.array([[0.0, 9.0], [1.0, 9.0], [2.0, 9.0], [4.0, 9.0]])
    assert model.log_odds(x).tolist() == [-1.5, -1.5, 0.5, 1.5]
    with pytest.raises(StorytraceError):
        model.log_odds(np.zeros((1, 3)))


def test_logistic_and_unknown_kinds() -> None:
    model = model_from_dict(
        {
            "name": "l",
            "kind": "logistic",
            "feature_names": ["a"],
            "threshold": 0.5,
            "mean": [1.0],
            "scale": [2.0],
            "coef": [4.0],
            "intercept": -1.0,
        }
    )
    assert model.log_odds(np.array([[3.0]])).tolist() == [3.0]
    assert model.probability(np.array([[1.0]]))[0] == pytest.approx(1 / (1 + np.e))
    with pytest.raises(StorytraceError):
        model_from_dict({"name": "x", "kind": "forest", "feature_names": [], "threshold": 0})


def test_features_of_tiny_and_empty_pages() -> None:
    assert line_features([], (0, -1), [], [], []).shape == (0, len(FEATURE_NAMES))
    lines = split_lines("One line only.")
    features = line_features(lines, (0, 0), [False], [False], [False])
    assert features.shape == (1, len(FEATURE_NAMES))
    assert np.isfinite(features).all()
    assert context_features(np.array([0.5]), np.array([3.0])).shape == (1, 8)
    assert window_mean(np.ones(2), 3).tolist() == pytest.approx([2 / 7, 2 / 7])


def test_model_removes_chrome_the_rules_let_through() -> None:
    menu = "\n".join(["World", "Politics", "Business", "Technology", "Science", "Health"])
    footer = "\n".join(["About", "Careers", "Advertise with us", "Contact", "Help"])
    text = "\n".join([menu, *PARAGRAPHS, footer])
    result = clean_text(text, CleanSettings())
    assert result.body == "\n\n".join(PARAGRAPHS)
    rules = clean_text(text, CleanSettings(), rules_only=True)
    assert len(rules.body) >= len(result.body)


def test_tree_inference_matches_a_plain_walk() -> None:
    """The vectorised tree walk gives, bit for bit, what walking each tree node by node does."""
    model = packaged_model().first
    assert model is not None and model.feature is not None and model.split is not None
    assert model.left is not None and model.right is not None and model.roots is not None
    features = classify_lines(page(*PARAGRAPHS), CleanSettings()).features
    x = features.astype(np.float32).astype(np.float64)
    expected = []
    for row in x:
        leaves = []
        for root in model.roots.tolist():
            node = root
            for _ in range(model.depth):
                go_left = row[model.feature[node]] <= model.split[node]
                node = int(model.left[node] if go_left else model.right[node])
            leaves.append(node)
        expected.append(model.weights[leaves].sum() + model.offset)
    np.testing.assert_allclose(model.log_odds(features), expected, rtol=0, atol=1e-12)


def test_runs_record_the_names_the_packaged_models_carry() -> None:
    """A retrained model with a new name must reach the algorithm name stored with runs."""
    from importlib import resources

    from storytrace.clean import ALGORITHM
    from storytrace.clean_html_blocks import MODEL_NAME as HTML_MODEL_NAME
    from storytrace.clean_model import MODEL_FILE, MODEL_NAME
    from storytrace.settings import ALGORITHMS

    data = resources.files("storytrace").joinpath("data")
    for file, name in ((MODEL_FILE, MODEL_NAME), ("clean_html_model.json", HTML_MODEL_NAME)):
        assert json.loads(data.joinpath(file).read_text("utf-8"))["name"] == name
        assert name in ALGORITHM
    assert ALGORITHMS["clean"] == ALGORITHM
