"""Cluster stage: assign articles to stories; story ids never change once given.

CONTRACT (owned by the cluster helper; replace this docstring when implemented).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .model import Article, ReuseLink


@dataclass(frozen=True, slots=True)
class ClusterSettings:
    """Options of the cluster stage."""


def assign_stories(
    new: Sequence[Article],
    assigned: Mapping[str, str],
    articles: Mapping[str, Article],
    links: Sequence[ReuseLink],
    settings: ClusterSettings = ClusterSettings(),
) -> dict[str, str]:
    """Story id for each new article.

    ``assigned`` maps already-clustered article ids to their story ids, and ``articles`` holds
    every article mentioned (new and old). Existing assignments are never changed; a new story
    gets a stable id derived from its first article.
    """
    raise NotImplementedError
