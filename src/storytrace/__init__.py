"""storytrace: the stories in a pile of news, who copied whom, and where sources disagree.

The public API is a thin object over the store and the pipeline; the CLI is a thin shell over
it::

    import storytrace

    with storytrace.open("news.db") as corpus:
        corpus.ingest(["examples/"])
        corpus.analyze()
        for story in corpus.stories():
            print(story.title, len(story.article_ids))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import InputError, StoreError, StorytraceError
from .model import Article, Family, Finding, Mention, Passage, ReuseLink, Story

if TYPE_CHECKING:
    from .api import Corpus, open
    from .pipeline import AnalyzeReport, IngestReport
    from .settings import Settings

__version__ = "0.1.0"

__all__ = [
    "AnalyzeReport",
    "Article",
    "Corpus",
    "Family",
    "Finding",
    "IngestReport",
    "InputError",
    "Mention",
    "Passage",
    "ReuseLink",
    "Settings",
    "StoreError",
    "Story",
    "StorytraceError",
    "open",
]

# The pipeline pulls in trafilatura, scikit-learn and friends; load it only when asked, so that
# `storytrace --help` and `import storytrace.model` stay instant.
_LAZY = {
    "Corpus": "api",
    "open": "api",
    "AnalyzeReport": "pipeline",
    "IngestReport": "pipeline",
    "Settings": "settings",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
