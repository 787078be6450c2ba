"""Compare on Spark: each story's articles, mentions and families meet in one task, where the
local :func:`storytrace.compare.compare` runs on them (stories are independent)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ..compare import CompareSettings, compare
from ..export import finding_record
from ..model import Family, Story
from .rows import Cleaned, freeze_imports

if TYPE_CHECKING:
    from pyspark import RDD

log = logging.getLogger(__name__)

# ((story id, rank), finding record) or an error line
Compared = tuple[tuple[str, int], dict[str, Any]] | str


def compare_all(
    stories: RDD[Any],
    members: RDD[Any],
    families: RDD[Any],
    story_of: RDD[Any],
    settings: CompareSettings,
) -> RDD[Any]:
    """Finding records keyed by (story id, rank), and one error line per story that failed.

    A story sees every family with a passage in one of its articles, as the store gives them.
    """
    touching = (
        families.flatMap(lambda f: [(a, f) for a in sorted({p.article_id for p in f.passages})])
        .join(story_of)
        .map(lambda kv: ((kv[1][1], kv[1][0].id), kv[1][0]))
        .reduceByKey(lambda a, _b: a)
        .map(lambda kv: (kv[0][0], kv[1]))
        .groupByKey()
    )
    grouped = (
        stories.map(lambda s: (s.id, s))
        .join(members.groupByKey())
        .leftOuterJoin(touching)
        .map(lambda kv: (kv[1][0][0], list(kv[1][0][1]), list(kv[1][1] or ())))
    )
    return grouped.flatMap(lambda item: _compare_story(*item, settings))


def _compare_story(
    story: Story, members: list[Cleaned], families: list[Family], settings: CompareSettings
) -> Iterator[Compared]:
    members.sort(key=lambda c: c.article.id)
    families.sort(key=lambda f: f.id)
    articles = [c.article for c in members]
    mentions = [m for c in members for m in c.mentions]
    try:
        findings = compare(story, articles, mentions, families, settings)
    except Exception as exc:  # one pathological story must not stop the others
        message = f"story {story.id}: cannot compare: {type(exc).__name__}: {exc}"
        log.debug("%s", message, exc_info=True)
        yield message
        return
    texts = {a.id: a.text for a in articles}
    for rank, finding in enumerate(findings):
        yield ((story.id, rank), finding_record(finding, texts))


def errors_of(compared: Iterable[Compared]) -> list[str]:
    return [c for c in compared if isinstance(c, str)]


freeze_imports()
