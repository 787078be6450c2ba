"""Ingest: read files, folders, feeds, WARC archives and JSONL into Articles.

CONTRACT (owned by the ingest helper; replace this docstring when implemented).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..errors import InputError
from ..model import Article


def read_paths(
    paths: Iterable[str | Path], on_error: Callable[[InputError], None]
) -> Iterator[Article]:
    """Articles from every path (recursing into folders); bad input goes to ``on_error``."""
    raise NotImplementedError
