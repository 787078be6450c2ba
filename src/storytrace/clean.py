"""Clean stage: the article body, with every removed block kept on record with its reason.

CONTRACT (owned by the clean helper; replace this docstring when implemented).
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Article


@dataclass(frozen=True, slots=True)
class CleanSettings:
    """Options of the clean stage."""


def clean(article: Article, settings: CleanSettings = CleanSettings()) -> Article:
    """Return ``article`` with ``text`` and ``removed`` set, metadata completed from the page."""
    raise NotImplementedError
