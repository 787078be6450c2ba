"""The page's visible lines: one block-level element a line, as a browser renders it.

Scripts, styles and other hidden elements are dropped; each line remembers the element that
owns its first text (so the block model can read its tag, ancestors and class/id tokens) and
how much of it sits inside links. ``in_body`` says which of these lines are in trafilatura's
body; ``words_of`` is the comparison key of both.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from lxml import etree

from .clean_text import word_set

# Elements whose start and end break a line in the rendered page. A table row is one line,
# its cells separated by spaces, as trafilatura renders it.
BLOCK_TAGS = word_set(
    """address article aside blockquote body br dd details dialog div dl dt fieldset figcaption
    figure footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section summary
    table tbody tfoot thead tr ul caption option select textarea label button"""
)
CELL_TAGS = word_set("td th")
# Elements whose content is never shown as text.
HIDDEN_TAGS = word_set(
    "script style noscript template head svg math iframe object embed canvas audio video"
)
_BLOCK, _CELL, _HIDDEN, _LINK = 1, 2, 3, 4
_KIND: dict[str, int] = (
    dict.fromkeys(BLOCK_TAGS, _BLOCK)
    | dict.fromkeys(CELL_TAGS, _CELL)
    | dict.fromkeys(HIDDEN_TAGS, _HIDDEN)
    | {"a": _LINK}
)
_WORD = re.compile(r"\w+")


@dataclass(slots=True)
class PageLine:
    """A visible line of the page, with the element it came from (the block that owns its
    first text), its non-space characters inside links and in all, and its ``words_of``."""

    text: str
    start: int
    owner: Any
    link_chars: int
    chars: int
    words: str


def _kind(tag: Any) -> int:
    """The element's kind; comments, processing instructions and entities are hidden."""
    if type(tag) is not str:
        return _HIDDEN
    kind = _KIND.get(tag)
    if kind is None and not tag.islower():
        kind = _KIND.get(tag.lower())
    return kind or 0


# Kinds by tag as met, comment/PI/entity factories included (their ``tag``): one dict lookup an
# element instead of a call. Bounded, since pages may invent any number of custom tags.
_KIND_SEEN: dict[Any, int] = {}
_KIND_SEEN_MAX = 4096


def flatten(root: Any) -> tuple[str, list[PageLine]]:
    """The page's visible text, one block-level element a line, and its lines.

    Whitespace is collapsed as a browser does: newlines in the source do not break lines.
    One pass of lxml's ``iterwalk`` (hidden subtrees skipped), each element seen twice; the
    loop is written out flat (no method calls per element), as it is a tenth of a page's time.
    A line's owner is the block that owns its first non-space text, its link characters the
    non-space characters of its text inside ``<a>``.
    """
    lines: list[PageLine] = []
    chunks: list[str] = []
    owner: Any = None
    link_chars = 0
    position = 0
    owners: list[Any] = [root]
    links = 0
    seen = _KIND_SEEN
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag
        kind = seen.get(tag)
        if kind is None:
            kind = _kind(tag)
            if len(seen) < _KIND_SEEN_MAX:
                seen[tag] = kind
        if kind == _BLOCK:
            if chunks:
                line = _page_line(chunks, position, owner, link_chars)
                if line is not None:
                    lines.append(line)
                    position += len(line.text) + 1
                chunks = []
            owner = None
            link_chars = 0
        if event == "start":
            if kind == _HIDDEN:
                walker.skip_subtree()
                continue
            if kind == _BLOCK:
                owners.append(element)
            elif kind == _LINK:
                links += 1
            elif kind == _CELL:
                chunks.append(" ")
            text = element.text
        else:
            if kind == _BLOCK:
                owners.pop()
            elif kind == _LINK:
                links -= 1
            elif kind == _HIDDEN and element is root:
                continue
            text = element.tail
        if text:
            if owner is None and not text.isspace():
                owner = owners[-1]
            chunks.append(text)
            if links > 0:
                link_chars += len(text) - text.count(" ")
    if chunks:
        line = _page_line(chunks, position, owner, link_chars)
        if line is not None:
            lines.append(line)
    return "\n".join(line.text for line in lines), lines


def _page_line(chunks: list[str], position: int, owner: Any, link_chars: int) -> PageLine | None:
    """The line a block's text chunks make (white space collapsed), or None if it is empty."""
    text = " ".join("".join(chunks).split())
    if not text:
        return None
    chars = len(text) - text.count(" ")
    return PageLine(text, position, owner, min(link_chars, chars), chars, words_of(text))


def words_of(text: str) -> str:
    """The casefolded words of ``text`` joined by single spaces, for comparing texts."""
    return " ".join(_WORD.findall(text.casefold()))


def in_body(lines: list[PageLine], body_lines: list[str]) -> list[bool]:
    """Which page lines are in a body (see ``body_index``)."""
    return [index >= 0 for index in body_index(lines, body_lines)]


def body_index(lines: list[PageLine], body_lines: list[str]) -> list[int]:
    """For each page line, the index of the body line it is in, or -1 when it is in none.

    A line is in the body when its words equal those of a body line not matched yet (so a
    paragraph repeated lower on the page, in a teaser list, is not in the body twice), or,
    with four words or more, when they occur inside the body's words (the first body line
    where they do); a shorter line must be a whole body line, so a "Share" button is not kept
    because "share prices" is.
    """
    unmatched: dict[str, list[int]] = {}
    starts: list[int] = []
    joined: list[str] = []
    position = 1
    for k, body_line in enumerate(body_lines):
        words = words_of(body_line)
        unmatched.setdefault(words, []).append(k)
        starts.append(position)
        joined.append(words)
        position += len(words) + 1
    body_words = f" {' '.join(joined)} "
    found = []
    for line in lines:
        words = line.words
        index = -1
        if not words:
            pass
        elif unmatched.get(words):
            index = unmatched[words].pop(0)
        elif words.count(" ") >= 3:
            at = body_words.find(f" {words} ")
            if at >= 0:
                index = bisect.bisect_right(starts, at + 1) - 1
        found.append(index)
    return found
