"""Cross-article signal: lines an outlet repeats across its articles are its page furniture.

Navigation, footers, newsletter pitches and "follow us" lines come back on every page of one
outlet; body text does not. The counts live in the store (how many of an outlet's articles
carry each normalized line) and grow as articles are cleaned, so the signal needs no second
pass over the corpus: an article is judged by the outlet's articles before it and those of its
own batch.

Long lines are never counted: a paragraph that one outlet repeats (a correction notice aside)
is usually its own follow-up reusing its text, which is not furniture.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Protocol

from .clean_text import Block, TextCleaning

REASON = "repeated"
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


class LineCounts(Protocol):
    """How often an outlet's articles carry each line (the store implements it)."""

    def outlet_articles(self, source: str) -> int:
        """How many of the outlet's articles have been counted."""
        ...

    def line_articles(self, source: str, keys: Iterable[int]) -> Mapping[int, int]:
        """For each line key, how many of the outlet's articles carry the line."""
        ...


def line_key(line: str) -> int:
    """A stable 63-bit key of a line, blind to case, spacing and numbers (dates, counters)."""
    normal = _DIGITS.sub("0", _SPACES.sub(" ", line.strip().casefold()))
    return int.from_bytes(hashlib.blake2b(normal.encode("utf-8"), digest_size=8).digest()) >> 1


def countable_keys(text: str, max_words: int) -> set[int]:
    """Keys of the lines of ``text`` that are short enough to be furniture (each once)."""
    keys = set()
    for line in text.splitlines():
        words = len(_WORD.findall(line))
        if 0 < words <= max_words:
            keys.add(line_key(line))
    return keys


def mark_repeated(
    cleaning: TextCleaning,
    source: str | None,
    counts: LineCounts,
    *,
    min_articles: int,
    min_share: float,
    max_words: int,
) -> TextCleaning:
    """Move kept lines that the outlet repeats on many of its pages out of the body.

    A line is furniture when at least ``min_articles`` of the outlet's articles (this one
    included) and at least ``min_share`` of all its counted articles carry it.
    """
    if source is None:
        return cleaning
    total = counts.outlet_articles(source)
    if total < min_articles:
        return cleaning
    candidates = {
        line_key(b.text): b
        for b in cleaning.blocks
        if b.reason is None and b.start is not None and 0 < len(_WORD.findall(b.text)) <= max_words
    }
    if not candidates:
        return cleaning
    found = counts.line_articles(source, candidates)
    threshold = max(min_articles, min_share * total)
    repeated = {key for key, n in found.items() if n >= threshold}
    if not repeated:
        return cleaning
    blocks = tuple(
        Block(b.text, b.start, REASON)
        if b.reason is None and b.start is not None and line_key(b.text) in repeated
        else b
        for b in cleaning.blocks
    )
    return replace(cleaning, blocks=blocks)
