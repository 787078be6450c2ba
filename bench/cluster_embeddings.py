"""Trial: do static embeddings help the cluster stage on ECB+? (issue 6; not shipped)

wordllama ships its weights (``l2_supercat_256``) inside its wheel, so it can run offline. Its
loader looks for the tokenizer under ``tokenizer/`` while the wheel ships ``tokenizers/``; given
its own package folder as ``cache_dir`` it finds both. Not a storytrace dependency: install it
(``pip install wordllama``) to run this.

The cluster engine has no embedding channel, so the trial adds one from outside: each
article's count row gets 256 extra columns with its unit-length embedding (of title + text),
kept out of the IDF and scaled by ``sqrt(w)``, so a dot product gains ``w * cosine``. For each
weight the threshold is chosen on the train topics (grid 0.15-0.59, step 0.01), then the test
topics are scored (B-cubed F1), as in ``bench/cluster.py``.

Usage: ``python bench/cluster_embeddings.py [--data ../shared/data] [--center]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from storytrace import cluster as engine
from storytrace import cluster_features
from storytrace.cluster import ClusterSettings, assign_stories

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cluster import Split, _load_split
from pipeline import _bcubed

DIMENSIONS = 256


def _embeddings(splits: list[Split]) -> dict[str, np.ndarray]:
    import wordllama
    from wordllama import WordLlama

    model = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    found: dict[str, np.ndarray] = {}
    for articles, *_ in splits:
        vectors = model.embed([f"{a.title or ''}\n{a.text}" for a in articles])
        found |= {
            a.id: np.asarray(v, dtype=np.float64) for a, v in zip(articles, vectors, strict=True)
        }
    return found


class EmbeddingChannel:
    """Patches the engine's feature functions so every vector carries the embedding."""

    def __init__(self, embeddings: dict[str, np.ndarray], centre: np.ndarray | None) -> None:
        self.embeddings, self.centre, self.weight = embeddings, centre, 0.0
        self.width = cluster_features.WIDTH
        self._count = cluster_features.count_features
        self._observe = cluster_features.DocumentFrequencies.observe
        self._vectors = cluster_features.DocumentFrequencies.vectors

    def install(self) -> None:
        channel = self

        def count_features(articles: Any, settings: ClusterSettings) -> Any:
            dense = np.array([channel.embeddings[a.id] for a in articles])
            if channel.centre is not None:
                dense = dense - channel.centre
            dense /= np.maximum(np.linalg.norm(dense, axis=1, keepdims=True), 1e-12)
            return sp.hstack([channel._count(articles, settings), sp.csr_matrix(dense)], "csr")

        def observe(self: Any, counts: Any) -> None:
            channel._observe(self, counts[:, : channel.width])

        def vectors(self: Any, counts: Any, settings: ClusterSettings) -> Any:
            lexical = channel._vectors(self, counts[:, : channel.width], settings)
            extra = counts[:, channel.width :] * np.sqrt(channel.weight)
            return sp.hstack([lexical, extra], format="csr")

        engine.count_features = count_features  # type: ignore[assignment]
        cluster_features.DocumentFrequencies.observe = observe  # type: ignore[method-assign]
        cluster_features.DocumentFrequencies.vectors = vectors  # type: ignore[method-assign]
        engine.WIDTH = self.width + DIMENSIONS  # type: ignore[misc]


def _f1(split: Split, settings: ClusterSettings) -> float:
    articles, links, gold, _ = split
    predicted = assign_stories(articles, {}, {a.id: a for a in articles}, links, settings)
    return _bcubed(predicted, gold)["f1"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data"
    )
    parser.add_argument("--center", action="store_true", help="subtract the train mean first")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        train = _load_split(args.data, "train", Path(tmp))
        test = _load_split(args.data, "test", Path(tmp))
    embeddings = _embeddings([train, test])
    centre = np.mean([embeddings[a.id] for a in train[0]], axis=0) if args.center else None
    channel = EmbeddingChannel(embeddings, centre)
    channel.install()
    grid = [round(0.15 + 0.01 * i, 2) for i in range(45)]
    print(f"Embeddings {'centred on the train mean' if args.center else 'as they come'}\n")
    print("| w | train B3 F1 | threshold | test B3 F1 |\n|---|---|---|---|")
    for weight in (0.0, 0.1, 0.2, 0.3, 0.5, 0.8):
        channel.weight = weight
        best_f1, best_t = max(
            (_f1(train, replace(ClusterSettings(), threshold=t)), t) for t in grid
        )
        test_f1 = _f1(test, replace(ClusterSettings(), threshold=best_t))
        print(f"| {weight} | {best_f1:.3f} | {best_t:.2f} | {test_f1:.3f} |", flush=True)


if __name__ == "__main__":
    main()
