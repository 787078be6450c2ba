"""Tell a file's format from its first bytes, not its name.

Extensions lie: crawlers save HTML as ``.txt``, exports drop the ``.jsonl``, feeds arrive as
``.php``. So the dispatcher reads the head of every (decompressed) file and asks
:func:`sniff_format`, checking the most specific signatures first: archive magic, JSON lines,
an XML feed root, HTML markup, then text, and binary data last.
"""

from __future__ import annotations

import json
import re
from typing import Literal

from .decode import bom_encoding, is_mostly_printable, looks_binary

Format = Literal["gzip", "warc", "arc", "jsonl", "feed", "html", "text", "binary", "empty"]

SNIFF_BYTES = 64 * 1024
GZIP_MAGIC = b"\x1f\x8b"

# Markup that may open an HTML document or fragment before (or without) an <html> element.
_HTML_TAGS = frozenset(
    {
        "html",
        "head",
        "body",
        "meta",
        "title",
        "link",
        "script",
        "style",
        "div",
        "p",
        "article",
        "section",
        "header",
        "main",
        "nav",
        "span",
        "table",
        "h1",
        "h2",
        "h3",
        "ul",
        "ol",
        "br",
        "img",
        "a",
        "form",
        "noscript",
        "base",
        "iframe",
    }
)
_FEED_ROOTS = frozenset({"rss", "feed", "rdf:rdf", "rdf"})

# Prologue that may precede the first element: whitespace, XML declaration, processing
# instructions, comments and a doctype.
_PROLOGUE = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!doctype[^>]*>)", re.IGNORECASE | re.DOTALL)
_FIRST_TAG = re.compile(r"\s*<([a-zA-Z][\w:.-]*)")


def sniff_format(head: bytes, *, complete: bool) -> Format:
    """The format of a file whose first bytes are ``head``.

    ``complete`` says ``head`` is the whole file, so its last line is not cut short. Gzip is
    reported as such; the caller decompresses and sniffs again.
    """
    if not head:
        return "empty"
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(b"WARC/"):
        return "warc"
    if head.startswith(b"filedesc://"):
        return "arc"
    if looks_binary(head):
        return "binary"
    text = _head_text(head, complete=complete)
    stripped = text.lstrip()
    if not stripped:
        return "text"
    if stripped.startswith("{") and _looks_like_jsonl(text, complete=complete):
        return "jsonl"
    if stripped.startswith("<"):
        markup = _markup_format(stripped)
        if markup is not None:
            return markup
    if is_mostly_printable(text):
        return "text"
    return "binary"


def _head_text(head: bytes, *, complete: bool) -> str:
    """``head`` as text for pattern checks; bytes cut at the end or undecodable are replaced."""
    bom = bom_encoding(head)
    if bom is not None:
        encoding, length = bom
        return head[length:].decode(encoding, errors="replace")
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if not complete and exc.start >= len(head) - 3:
            return head[: exc.start].decode("utf-8")
    # A legacy 8-bit encoding: cp1252 keeps every ASCII signature where it is, and its
    # curly quotes do not pass for control characters as latin-1's C1 range would.
    return head.decode("cp1252", errors="replace")


def _looks_like_jsonl(text: str, *, complete: bool) -> bool:
    """True when the first non-empty line of ``text`` parses as a JSON object.

    Only the first line is judged: a later malformed line is the JSONL reader's to report
    (``file#L<n>``), not a reason to read the whole file as plain text. A head whose first
    line is longer than the head itself (one huge record) counts as JSONL when it opens like
    an object with a string key.
    """
    lines = text.split("\n")
    if not complete:
        lines = lines[:-1]
    for line in lines:
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError:
            return False
        return isinstance(value, dict)
    return not complete and re.match(r'\s*\{\s*"', text) is not None


def _markup_format(text: str) -> Format | None:
    """``feed`` or ``html`` by the first element after the prologue, or None for neither."""
    position = 0
    saw_html_doctype = False
    while True:
        match = _PROLOGUE.match(text, position)
        if match is None or match.end() == position:
            break
        if match.group(0).lstrip().lower().startswith("<!doctype html"):
            saw_html_doctype = True
        position = match.end()
    tag = _FIRST_TAG.match(text, position)
    if tag is None:
        return "html" if saw_html_doctype else None
    name = tag.group(1).lower()
    if name in _FEED_ROOTS:
        return "feed"
    if saw_html_doctype or name in _HTML_TAGS:
        return "html"
    return None
