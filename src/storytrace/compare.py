"""Compare stage: per story, what the sources agree on, disagree on, or spell differently.

CONTRACT (owned by the facts helper; replace this docstring when implemented).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .model import Article, Family, Finding, Mention, Story


@dataclass(frozen=True, slots=True)
class CompareSettings:
    """Options of the compare stage."""


def compare(
    story: Story,
    articles: Sequence[Article],
    mentions: Sequence[Mention],
    families: Sequence[Family],
    settings: CompareSettings = CompareSettings(),
) -> tuple[Finding, ...]:
    """Findings for one story, disagreements first, in a deterministic order."""
    raise NotImplementedError
