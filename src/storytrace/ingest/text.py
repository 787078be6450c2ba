"""Plain-text articles: one file, one article, the bytes kept as they are.

Scraped text dumps usually open with the headline on a line of its own, so a short first line
that does not read like a sentence becomes the title. The text itself is not touched: the clean
stage removes that line from the body, knowing it is the title.
"""

from __future__ import annotations

import logging
import re

from ..errors import InputError
from ..model import Article
from .decode import UndecodableError, decode_text, is_mostly_printable
from .limits import IngestSettings, over_limit
from .source import FileContext, content_id, pick_source

logger = logging.getLogger(__name__)

_HEADLINE_MAX_CHARS = 200
_HEADLINE_MAX_WORDS = 20
# A headline may end in a question or exclamation mark, or a closing quote, but a line ending
# like a sentence or a clause (".", ",", ";", ":") is body text.
_NOT_HEADLINE_END = (".", ",", ";", ":", "…")
_HAS_LETTER = re.compile(r"[^\W\d_]")
# "... Denied Visas by U.S." ends with an abbreviation's period, not a sentence's.
_DOTTED_ABBREVIATION_END = re.compile(r"(?:^|\s)(?:[^\W\d_]\.){2,}$")


def headline_of(text: str) -> str | None:
    """The first line of ``text`` when it looks like a headline, else None.

    A headline is short (at most 20 words and 200 characters), has a letter, does not end like
    a sentence (a dotted abbreviation such as "U.S." may end it), and is followed by more text
    (a one-line file is a body, not a title).
    """
    lines = text.lstrip().splitlines()
    if len(lines) < 2:
        return None
    first = " ".join(lines[0].split())
    if not first or len(first) > _HEADLINE_MAX_CHARS:
        return None
    if len(first.split()) > _HEADLINE_MAX_WORDS:
        return None
    if first.endswith(_NOT_HEADLINE_END) and not _DOTTED_ABBREVIATION_END.search(first):
        return None
    if _HAS_LETTER.search(first) is None:
        return None
    if not any(line.strip() for line in lines[1:]):
        return None
    return first


def read_text(data: bytes, ctx: FileContext, limits: IngestSettings | None = None) -> Article:
    """One ``text`` Article from a file's bytes; raise InputError for empty or binary files.

    A line longer than ``limits.max_line_bytes`` refuses the file: it is a dump, not prose, and
    every later stage works line by line.
    """
    if not data:
        raise InputError(ctx.origin, "empty file")
    limits = limits or IngestSettings()
    if len(data) > limits.max_line_bytes:
        longest = max(map(len, data.splitlines()), default=0)
        if longest > limits.max_line_bytes:
            cap = limits.max_line_bytes
            raise over_limit(ctx.origin, "a line is", "max_line_bytes", cap)
    try:
        text = decode_text(data)
    except UndecodableError as exc:
        raise InputError(ctx.origin, str(exc)) from exc
    if not is_mostly_printable(text):
        raise InputError(ctx.origin, "binary file, not a supported format")
    if not text.strip():
        raise InputError(ctx.origin, "blank file (whitespace only)")
    logger.debug("%s: read as text", ctx.origin)
    source = pick_source(None, None, None, ctx.folder)
    return Article(
        id=content_id(data, source, None),
        origin=ctx.origin,
        format="text",
        raw=data,
        external_id=ctx.stem,
        source=source,
        title=headline_of(text),
    )
