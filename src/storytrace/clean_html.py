"""HTML cleaning: trafilatura extracts the body and metadata; the rest of the page is on record.

trafilatura is the base because its extraction is measured against peers on annotated pages;
we only add what the pipeline needs around it. The page's visible text is flattened with lxml
(one block-level element a line, scripts and styles dropped) so that everything trafilatura
left out can be kept as removed blocks with offsets into that flattened text. When trafilatura
finds nothing, or too little (a feed entry fragment is not a page), the flattened text goes
through the same line/block model as flattened text input instead.

Dates come from the page's own metadata or markup (trafilatura, then htmldate) with htmldate's
extensive search off: that search would take any date-like string, a copyright year included,
and a guessed date is worse than none.
"""

from __future__ import annotations

import copy
import logging
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import htmldate
import lxml.html
import trafilatura
from lxml import etree

from .clean_text import Block, TextCleaning, clean_text, guess_lang, split_lines, word_set

if TYPE_CHECKING:
    from .clean import CleanSettings

logger = logging.getLogger(__name__)

DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
DATE_PARAMS: dict[str, Any] = {
    "extensive_search": False,
    "original_date": True,
    "outputformat": DATE_FORMAT,
}

# Elements whose start and end break a line in the rendered page.
BLOCK_TAGS = word_set(
    """address article aside blockquote body br dd details dialog div dl dt fieldset figcaption
    figure footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section summary
    table tbody td tfoot th thead tr ul caption option select textarea label button"""
)
# Elements whose content is never shown as text.
HIDDEN_TAGS = word_set(
    "script style noscript template head svg math iframe object embed canvas audio video"
)
_WORD = re.compile(r"\w+")
_LANG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_].*)?$")


def parse_html(html: str) -> Any | None:
    """The lxml tree of ``html``, or None when nothing parses (empty or binary junk)."""
    if not html.strip():
        return None
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)
    try:
        return lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        logger.debug("HTML not parsed: %s", exc)
        return None


def visible_text(root: Any) -> str:
    """The page's visible text, one block-level element a line, whitespace collapsed."""
    parts: list[str] = []
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        element, closing = stack.pop()
        tag = element.tag.lower() if isinstance(element.tag, str) else None
        if closing:
            if tag in BLOCK_TAGS:
                parts.append("\n")
            if element.tail:
                parts.append(element.tail)
            continue
        if tag is None or tag in HIDDEN_TAGS:
            if element.tail and element is not root:
                parts.append(element.tail)
            continue
        if tag in BLOCK_TAGS:
            parts.append("\n")
        if element.text:
            parts.append(element.text)
        stack.append((element, True))
        stack.extend((child, False) for child in reversed(element))
    lines = (" ".join(line.split()) for line in "".join(parts).splitlines())
    return "\n".join(line for line in lines if line)


def _words(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _parse_date(value: str | None) -> datetime | None:
    """An htmldate/trafilatura date string as an aware datetime (naive means UTC)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = datetime.strptime(value, DATE_FORMAT)
        except ValueError:
            logger.debug("date %r not understood", value)
            return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _page_lang(root: Any) -> str | None:
    """The primary language subtag the page declares on <html lang>, if any."""
    declared = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    match = _LANG.match(declared.strip())
    return match.group(1).lower() if match else None


def _extract(root: Any, settings: CleanSettings, url: str | None) -> Any | None:
    """trafilatura's Document for the page, or None; a crash in it skips only this page.

    trafilatura gets our parsed tree (a copy: it prunes what it is given), not the string:
    its own loader rejects fragments without ``<html>``, such as feed entries and JSONL
    ``html`` fields, while lxml's ``document_fromstring`` wraps them into a document.
    """
    try:
        return trafilatura.bare_extraction(
            copy.deepcopy(root),
            url=url,
            with_metadata=True,
            include_comments=False,
            favor_precision=settings.favor_precision,
            deduplicate=False,
            date_extraction_params=DATE_PARAMS,
        )
    except (ValueError, TypeError, LookupError, etree.LxmlError) as exc:
        logger.warning("trafilatura failed on %s: %s", url or "page", exc)
        return None


def _blocks(flat: str, body_lines: list[str], title: str | None) -> list[Block]:
    """The flattened page's lines, kept when they are in the body, else removed with a reason.

    A line belongs to the body when its words appear in the body's words; a short line must
    equal a whole body line, so a "Share" button is not kept because "share prices" is.
    """
    body_words = f" {' '.join(_words(line) for line in body_lines)} "
    body_set = {_words(line) for line in body_lines}
    title_words = _words(title) if title else None
    blocks: list[Block] = []
    position = 0
    for line in flat.split("\n"):
        start, position = position, position + len(line) + 1
        words = _words(line)
        in_body = bool(words) and (
            words in body_set or (words.count(" ") >= 3 and f" {words} " in body_words)
        )
        if in_body:
            continue
        reason = "title" if title_words and words == title_words else "html_boilerplate"
        blocks.append(Block(line, start, reason))
    return blocks


def clean_html(
    html: str, settings: CleanSettings, title: str | None = None, url: str | None = None
) -> TextCleaning:
    """Clean one HTML page: trafilatura's body, the rest of the visible text on record.

    The result's kept blocks carry the body (trafilatura's lines, without offsets: trafilatura
    rewrites text); its removed blocks point into the flattened visible text.
    """
    root = parse_html(html)
    flat = visible_text(root) if root is not None else ""
    document = _extract(root, settings, url) if root is not None else None
    text = (document.text or "") if document is not None else ""
    meta_title = (document.title or None) if document is not None else None
    meta_author = (document.author or None) if document is not None else None
    published = _parse_date(document.date) if document is not None else None
    if published is None and root is not None:
        try:
            found = htmldate.find_date(root, url=url, **DATE_PARAMS)
        except (ValueError, TypeError) as exc:
            logger.debug("htmldate failed on %s: %s", url or "page", exc)
            found = None
        published = _parse_date(found)
    lang = _page_lang(root) if root is not None else None

    if len(text) < settings.min_html_body_chars:
        logger.debug("%s: extraction too short (%d chars), using the text model", url, len(text))
        fallback = clean_text(flat, settings, title=title or meta_title)
        return TextCleaning(
            blocks=fallback.blocks,
            title=meta_title or fallback.title,
            author=meta_author or fallback.author,
            published=published or fallback.published,
            lang=lang or fallback.lang,
        )

    known_title = title or meta_title
    body_lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    if body_lines and known_title and _words(body_lines[0]) == _words(known_title):
        body_lines = body_lines[1:]
    kept = [Block(line, None, None) for line in body_lines]
    removed = _blocks(flat, body_lines, known_title)
    if lang is None and settings.guess_lang:
        lang = guess_lang(split_lines(text))
    return TextCleaning(
        blocks=tuple(kept + removed),
        title=meta_title,
        author=meta_author,
        published=published,
        lang=lang,
    )
