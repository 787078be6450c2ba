"""HTML cleaning: trafilatura extracts the body and metadata, a block model prunes its furniture.

trafilatura is the base because its extraction is measured against peers on annotated pages.
The page's visible text is flattened with lxml (one block-level element a line, scripts and
styles dropped; see ``clean_html_blocks``). trafilatura runs in its fast, recall-oriented mode
(``favor_recall``, no fallback extractors: on the scrapinghub benchmark's tuning half it scores
higher than its default and runs faster), its body marks the lines it kept, and the packaged
block model re-scores every line from its text, its tag path, its class/id tokens and its place
relative to trafilatura's body. The kept lines, in page order, are the body; every other line
is kept on record as removed, with ``html_boilerplate`` when trafilatura left it out and
``html_block_model`` when trafilatura kept it and the model did not. When trafilatura finds
nothing, or too little (a feed entry fragment is not a page), the flattened text goes through
the same line/block model as flattened text input instead.

Hostile input gives a clear result, never an exception: HTML longer than
``HtmlCleanSettings.max_html_chars`` is cut there (with a warning naming the page) before it is
parsed, pages without a body or with frames only give an empty body, and the bytes were already
decoded by ``clean.decode``, so a wrong ``<meta charset>`` is ignored (the parser is told UTF-8).

Dates come from the page's own metadata or markup (trafilatura, then htmldate) with htmldate's
extensive search off: that search would take any date-like string, a copyright year included,
and a guessed date is worse than none.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import htmldate
import lxml.html
import trafilatura
from lxml import etree

from .clean_html_blocks import PageLine, flatten, in_body, line_features, load_model, words_of
from .clean_text import Block, TextCleaning, clean_text, guess_lang, split_lines

if TYPE_CHECKING:
    from .clean import CleanSettings

logger = logging.getLogger(__name__)

DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
DATE_PARAMS: dict[str, Any] = {
    "extensive_search": False,
    "original_date": True,
    "outputformat": DATE_FORMAT,
}
_LANG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_].*)?$")


@dataclass(frozen=True, slots=True)
class HtmlCleanSettings:
    """Options of the HTML cleaner that ``CleanSettings`` does not carry (yet).

    ``max_html_chars`` caps the work on one page: longer HTML is cut there before parsing
    (the largest page of the scrapinghub benchmark has 1.5 million characters).
    ``use_block_model`` re-scores trafilatura's lines with the packaged block model;
    without it (or without the model file) trafilatura's body is kept as it is.
    """

    max_html_chars: int = 5_000_000
    use_block_model: bool = True


def parse_html(html: str) -> Any | None:
    """The lxml tree of ``html``, or None when nothing parses (empty or binary junk)."""
    if not html.strip():
        return None
    parser = lxml.html.HTMLParser(
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
        default_doctype=False,
    )
    try:
        root = etree.fromstring(html.encode("utf-8", "replace"), parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        logger.debug("HTML not parsed: %s", exc)
        return None
    return root


def visible_text(root: Any) -> str:
    """The page's visible text, one block-level element a line, whitespace collapsed."""
    return flatten(root)[0]


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


def extract(root: Any, url: str | None, favor_precision: bool = False) -> Any | None:
    """trafilatura's Document for the page, or None; a crash in it skips only this page.

    trafilatura gets our parsed tree, not the string (it copies a tree before pruning it):
    its own loader rejects fragments without ``<html>``, such as feed entries and JSONL
    ``html`` fields, while lxml wraps them into a document. ``favor_precision`` runs its
    precise mode instead of the fast recall-oriented one.
    """
    try:
        return trafilatura.bare_extraction(
            root,
            url=url,
            fast=not favor_precision,
            favor_recall=not favor_precision,
            favor_precision=favor_precision,
            with_metadata=True,
            include_comments=False,
            deduplicate=False,
            date_extraction_params=DATE_PARAMS,
        )
    except (ValueError, TypeError, LookupError, RecursionError, etree.LxmlError) as exc:
        logger.warning("trafilatura failed on %s: %s", url or "page", exc)
        return None


def _find_date(root: Any, url: str | None) -> datetime | None:
    try:
        found = htmldate.find_date(root, url=url, **DATE_PARAMS)
    except (ValueError, TypeError, RecursionError) as exc:
        logger.debug("htmldate failed on %s: %s", url or "page", exc)
        found = None
    return _parse_date(found)


def compose(
    body_lines: list[str],
    lines: list[PageLine],
    kept: list[bool],
    keep: list[bool],
    title_words: str | None,
) -> list[Block]:
    """trafilatura's body lines less those the block model rejects, then the rest on record.

    ``kept`` is trafilatura's verdict on each page line and ``keep`` the model's. A body line
    goes when its words are those of a page line that trafilatura kept and the model rejects
    (removed as ``html_block_model``, with that line's offset); a first body line repeating the
    title goes too (the body starts after the headline), and page lines repeating it are
    removed as ``title``. Other page lines trafilatura left out are removed as
    ``html_boilerplate``. Body lines keep trafilatura's text, which has no offset in the
    flattened page.
    """
    rejected: dict[str, list[PageLine]] = {}
    blocks: list[Block] = []
    for line, by_trafilatura, by_model in zip(lines, kept, keep, strict=True):
        words = words_of(line.text)
        if title_words and words == title_words:
            blocks.append(Block(line.text, line.start, "title"))
        elif by_trafilatura and not by_model:
            rejected.setdefault(words, []).append(line)
        elif not by_trafilatura:
            blocks.append(Block(line.text, line.start, "html_boilerplate"))
    body: list[Block] = []
    for index, text in enumerate(body_lines):
        words = words_of(text)
        if rejected.get(words):
            line = rejected[words].pop(0)
            body.append(Block(line.text, line.start, "html_block_model"))
        elif index == 0 and title_words and words == title_words:
            continue
        else:
            body.append(Block(text, None, None))
    return body + blocks


def _cap(html: str, url: str | None, html_settings: HtmlCleanSettings) -> str:
    limit = html_settings.max_html_chars
    if len(html) <= limit:
        return html
    logger.warning("%s: HTML of %d chars cut to the first %d", url or "page", len(html), limit)
    return html[:limit]


def clean_html(
    html: str,
    settings: CleanSettings,
    title: str | None = None,
    url: str | None = None,
    html_settings: HtmlCleanSettings = HtmlCleanSettings(),
) -> TextCleaning:
    """Clean one HTML page: the body's lines kept, the rest of the visible text on record.

    Every block carries its offset in the flattened visible text (``visible_text``), except
    body text trafilatura rewrote when the block model is off (it has no place there).
    """
    root = parse_html(_cap(html, url, html_settings))
    if root is None:
        return clean_text("", settings, title=title)
    flat, lines = flatten(root)
    document = extract(root, url, settings.favor_precision)
    text = (document.text or "") if document is not None else ""
    meta_title = (document.title or None) if document is not None else None
    meta_author = (document.author or None) if document is not None else None
    published = _parse_date(document.date) if document is not None else None
    if published is None:
        published = _find_date(root, url)
    lang = _page_lang(root)

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
    title_words = words_of(known_title) if known_title else None
    body_lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    kept = in_body(lines, body_lines)
    model = load_model() if html_settings.use_block_model else None
    keep = list(kept)
    scored = [i for i, by_trafilatura in enumerate(kept) if by_trafilatura]
    if model is not None and scored:
        # Only trafilatura's lines can be dropped; the rest are removed whatever the model says.
        verdicts = model.keep(line_features(lines, kept, known_title, only=scored))
        for i, verdict in zip(scored, verdicts, strict=True):
            keep[i] = bool(verdict)
    blocks = compose(body_lines, lines, kept, keep, title_words)
    body = "\n".join(b.text for b in blocks if b.reason is None)
    if lang is None and settings.guess_lang:
        lang = guess_lang(split_lines(body))
    return TextCleaning(
        blocks=tuple(blocks),
        title=meta_title,
        author=meta_author,
        published=published,
        lang=lang,
    )
