"""Pairing quotation marks into quote spans, the way news text uses them.

A regex that pairs the next two marks on one line misses what news writing does across lines:
a quotation may run over several lines inside one pair of marks, and a quote that goes on for
several paragraphs reopens each paragraph with an opening mark while the previous paragraph is
never closed. A small scanner handles both, and stays strict where a mistake would swallow
whole paragraphs of narrative: only a quote that opens a line (or follows "said:" or "said,")
may cross a line break; a mark inside a sentence that finds no partner on its line is a stray
mark (a lost closing mark, a chant, an inch sign) and is dropped.

Single marks double as apostrophes ("country's", "’90s", "parties’"), so a single mark opens
only before a letter and after a non-word character, and closes only after a word or
punctuation and before a non-word character; single marks inside a double-quoted span are
quotes within the quote and are not spans of their own.
"""

from __future__ import annotations

import re
from bisect import bisect_right

_DOUBLE = re.compile(r"[\"“”„«»]")
_OPEN_ONLY = frozenset("“„«")
_CLOSE_ONLY = frozenset("”»")
_SINGLE_OPEN = re.compile(r"(?<![\w'’‘])['‘](?=[^\W\d_])")
_SINGLE_CLOSE = re.compile(r"(?<=[\w.,!?;])['’](?![\w'’‘])")
_NO_OPEN_AFTER = frozenset(",.;:!?)]")
# A quotation longer than this many lines without a closing mark is a stray opening mark.
_MAX_LINES = 12


def _line_start(text: str, i: int) -> bool:
    """True when only spaces stand between the previous line break (or the text start) and i."""
    j = i - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j < 0 or text[j] == "\n"


def _may_span_lines(text: str, i: int) -> bool:
    """A mark at i may open a multi-line quote: it opens a line or follows "said:" / "said,"."""
    if _line_start(text, i):
        return True
    j = i - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j >= 0 and text[j] in ":,"


def _may_open(text: str, i: int) -> bool:
    """A double mark at i can open a quote: not a closing-only mark, not before a space."""
    mark = text[i]
    if mark in _OPEN_ONLY:
        return True
    if mark in _CLOSE_ONLY:
        return False
    after = text[i + 1] if i + 1 < len(text) else " "
    return not after.isspace() and after not in _NO_OPEN_AFTER


def _may_close(text: str, i: int) -> bool:
    """A double mark at i can close a quote that crossed lines.

    An opening-looking mark after a word ("was a "raw") is a new quote, not the end of an old
    one; a straight mark after a space closes only when punctuation precedes that space
    ("weaken it, "Obama said"), a spacing slip common in scraped text.
    """
    mark = text[i]
    after = text[i + 1] if i + 1 < len(text) else " "
    if mark in _OPEN_ONLY:
        return not after.isalnum()
    before = text[i - 1] if i else "\n"
    if not before.isspace():
        return True
    j = i - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j >= 0 and text[j] in ",.!?;:"


def _lost_opening(text: str, i: int) -> bool:
    """A closing mark ending a line that has no other mark: a paragraph continuing a quote
    whose opening mark was lost (it follows a line break, so never the article's first line)."""
    line_start = text.rfind("\n", 0, i) + 1
    if line_start == 0 or i == 0 or text[i - 1] not in ".!?,":
        return False
    if text[i + 1 : _line_end(text, i)].strip():
        return False
    return _DOUBLE.search(text, line_start, i) is None


def _line_end(text: str, i: int) -> int:
    """Offset of the line break ending the line that holds i (or the text length)."""
    end = text.find("\n", i)
    return len(text) if end < 0 else end


def _double_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    open_at = -1
    for match in _DOUBLE.finditer(text):
        i = match.start()
        if open_at < 0:
            if _may_open(text, i):
                open_at = i
            elif _lost_opening(text, i):
                spans.append((text.rfind("\n", 0, i) + 1, i))
            continue
        inner = text[open_at + 1 : i]
        if "\n" in inner:
            multi = _may_span_lines(text, open_at) and inner.count("\n") <= _MAX_LINES
            if _line_start(text, i) and _may_open(text, i):
                # A paragraph reopening a quote: the previous paragraph ends at its line end.
                if multi:
                    spans.append((open_at + 1, text.rfind("\n", open_at, i)))
                open_at = i
                continue
            if not multi or not _may_close(text, i):
                if _line_start(text, open_at):
                    spans.append((open_at + 1, _line_end(text, open_at)))
                open_at = i if _may_open(text, i) else -1
                continue
        spans.append((open_at + 1, i))
        open_at = -1
    if open_at >= 0:
        if not _line_start(text, open_at) and _may_span_lines(text, open_at):
            # 'said: "We are aware ...' never closed: the closing mark was lost at the end of
            # the article, so the quote runs to the end (if that is near).
            if text.count("\n", open_at) <= _MAX_LINES:
                spans.append((open_at + 1, len(text)))
        elif _line_start(text, open_at):
            spans.append((open_at + 1, _line_end(text, open_at)))
    return spans


def _single_spans(text: str, inside: list[tuple[int, int]]) -> list[tuple[int, int]]:
    def masked(i: int) -> bool:
        return any(s - 1 <= i <= e for s, e in inside)

    closers = [m.start() for m in _SINGLE_CLOSE.finditer(text) if not masked(m.start())]
    spans: list[tuple[int, int]] = []
    last_end = -1
    for match in _SINGLE_OPEN.finditer(text):
        i = match.start()
        if i <= last_end or masked(i):
            continue
        k = bisect_right(closers, i)
        if k == len(closers):
            continue
        close = closers[k]
        lines = text.count("\n", i, close)
        if lines and (not _may_span_lines(text, i) or lines > _MAX_LINES):
            continue
        spans.append((i + 1, close))
        last_end = close
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_TYPEWRITER_OPEN = re.compile(r"``|''(?=[^\W\d_])")
_TYPEWRITER_CLOSE = re.compile(r"''")


def _typewriter_marks(text: str) -> str:
    """The text with typewriter double marks (``quote'' and ''quote'', as older wire copy and
    Treebank-style text write them) turned into one straight mark and a space, offsets kept:
    the mark sits against the quoted words, the space on the outside."""
    if "''" not in text and "``" not in text:
        return text
    text = _TYPEWRITER_OPEN.sub(' "', text)
    return _TYPEWRITER_CLOSE.sub('" ', text)


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quoted text (marks and surrounding whitespace excluded), sorted by start."""
    text = _typewriter_marks(text)
    double = _double_spans(text)
    spans = double + _single_spans(text, double)
    trimmed = (_trim(text, s, e) for s, e in spans)
    return sorted((s, e) for s, e in trimmed if s < e)
