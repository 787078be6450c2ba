"""Reuse stage: passages shared between articles, exact spans, families and their origin.

CONTRACT (owned by the reuse helper; replace this docstring when implemented).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from .model import Article, Family, ReuseLink, Segmentation


@dataclass(frozen=True, slots=True)
class ReuseSettings:
    """Options of the reuse stage."""


class FingerprintIndex(Protocol):
    """Where fingerprints of every analysed article live (the store implements it)."""

    def add(
        self, article_id: str, hashes: npt.NDArray[np.int64], positions: npt.NDArray[np.int32]
    ) -> None: ...

    def lookup(self, hashes: npt.NDArray[np.int64]) -> Iterable[tuple[int, str, int]]:
        """Every stored ``(hash, article_id, position)`` whose hash is in ``hashes``."""
        ...


def find_reuse(
    new: Sequence[tuple[Article, Segmentation]],
    index: FingerprintIndex,
    load: Callable[[str], tuple[Article, Segmentation]],
    settings: ReuseSettings = ReuseSettings(),
) -> tuple[ReuseLink, ...]:
    """Links between the new articles and everything in ``index`` (and among the new ones).

    Adds the new articles' fingerprints to ``index``.
    """
    raise NotImplementedError


def build_families(
    links: Sequence[ReuseLink],
    articles: Mapping[str, Article],
    settings: ReuseSettings = ReuseSettings(),
) -> tuple[Family, ...]:
    """Group linked passages into families and name each family's origin (or None)."""
    raise NotImplementedError
