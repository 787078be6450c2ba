"""Facts stage: mentions of people, organisations, places, numbers, dates and quotes.

CONTRACT (owned by the facts helper; replace this docstring when implemented).
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Article, Mention, Segmentation


@dataclass(frozen=True, slots=True)
class FactsSettings:
    """Options of the facts stage."""


def extract_facts(
    article: Article, segmentation: Segmentation, settings: FactsSettings = FactsSettings()
) -> tuple[Mention, ...]:
    """Mentions found in one cleaned article, sorted by start offset."""
    raise NotImplementedError
