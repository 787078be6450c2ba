"""HTML cleaning: trafilatura extracts the body and metadata, a block model prunes its furniture.

trafilatura is the base because its extraction is measured against peers on annotated pages.
The page's visible text is flattened with lxml (one block-level element a line, scripts and
styles dropped; see ``clean_html_flatten``). trafilatura runs in its fast, recall-oriented mode
(``favor_recall``, no fallback extractors: on the scrapinghub benchmark's tuning half it scores
higher than its default and runs faster), its body marks the lines it kept, and the packaged
block model (``clean_html_blocks``) re-scores every line from its text, its tag path, its
class/id tokens, its place relative to trafilatura's body and its overlap with the body the
page declares in its JSON-LD (``articleBody``). The kept lines, in page order, are the body;
every other line is kept on record as removed, with ``html_boilerplate`` when trafilatura left
it out and ``html_block_model`` when trafilatura kept it and the model did not. (The model may
carry a second threshold to add back lines trafilatura left out; the shipped one has none: no
such threshold beat adding nothing out of fold on the tuning half.) Should the model reject
more than half of trafilatura's body, trafilatura's body is kept whole (a page unlike those
the model learnt from; ``HtmlCleanSettings.max_model_drop_share``). When trafilatura finds
nothing, or too little (a feed entry fragment is not a page), the flattened text goes through
the same line/block model as flattened text input instead.

Hostile input gives a clear result, never an exception: HTML longer than
``HtmlCleanSettings.max_html_chars`` is cut there (with a warning naming the page) before it is
parsed, pages without a body or with frames only give an empty body, and the bytes were already
decoded by ``clean.decode``, so a wrong ``<meta charset>`` is ignored (the parser is told UTF-8).

Speed: the page is parsed once; the lines, the metadata and the language are read from that
tree, then the elements nobody reads any more (styles, scripts but JSON-LD, SVG, media, <meta>)
are deleted from it (``strip_unread``) before trafilatura, which copies and prunes the tree
several times, gets it; trafilatura's options are built once (``_options``).

Title, author and date are trafilatura's, computed apart from its extraction and only for
those fields (``clean_html_meta``); dates come from the page's own metadata or markup with
htmldate's extensive search off: a guessed date (a copyright year) is worse than none.
"""

from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.settings import Extractor

from .clean_html_blocks import line_features, load_model
from .clean_html_flatten import PageLine, body_index, flatten, words_of
from .clean_html_meta import ld_body, page_meta
from .clean_text import Block, TextCleaning, clean_text, guess_lang, split_lines, word_set

if TYPE_CHECKING:
    from .clean import CleanSettings

logger = logging.getLogger(__name__)

_LANG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_].*)?$")


@dataclass(frozen=True, slots=True)
class HtmlCleanSettings:
    """Options of the HTML cleaner that ``CleanSettings`` does not carry (yet).

    ``max_html_chars`` caps the work on one page: longer HTML is cut there before parsing
    (the largest page of the scrapinghub benchmark has 1.5 million characters).
    ``use_block_model`` re-scores trafilatura's lines with the packaged block model;
    without it (or without the model file) trafilatura's body is kept as it is.
    ``max_model_drop_share`` is a safety net for pages unlike the 91 the model learnt from:
    when the model would remove more than this share of the characters of trafilatura's body,
    trafilatura's body is kept whole. On the scrapinghub pages the model never removes more
    than 0.39 (in sample and out of fold on the tuning half, 0.37 on the held-out half), and
    its largest cuts are its best calls, so the net changes nothing there.
    """

    max_html_chars: int = 5_000_000
    use_block_model: bool = True
    max_model_drop_share: float = 0.5


# Every element is an lxml.html HtmlElement, as trafilatura requires, chosen in C: lxml.html's
# own lookup (forms and inputs get their own classes, which nothing here uses) is a Python
# call for each element touched, a tenth of the time of a page.
_LOOKUP = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement,
    comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)


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
    parser.set_element_class_lookup(_LOOKUP)
    try:
        root = etree.fromstring(html.encode("utf-8", "replace"), parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        logger.debug("HTML not parsed: %s", exc)
        return None
    return root


def visible_text(root: Any) -> str:
    """The page's visible text, one block-level element a line, whitespace collapsed."""
    return flatten(root)[0]


def _page_lang(root: Any) -> str | None:
    """The primary language subtag the page declares on <html lang>, if any."""
    declared = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    match = _LANG.match(declared.strip())
    return match.group(1).lower() if match else None


# Elements trafilatura deletes with their content before it reads the page (its tree cleaning)
# and that nothing of ours reads once the metadata, the JSON-LD body and the lines are taken:
# deleting them first spares its XPath passes over the raw page a fifth of the elements (on the
# scrapinghub pages its text is the same, page for page). Scripts other than JSON-LD go too;
# JSON-LD stays, trafilatura reads it (forum pages, its baseline), and so does <math>, whose
# formulas it salvages.
UNREAD_TAGS = tuple(
    word_set("style noscript template svg canvas iframe object embed audio video meta link")
)
_JSON_LD = "application/ld+json"


def strip_unread(root: Any) -> None:
    """Delete ``UNREAD_TAGS`` subtrees and non-JSON-LD scripts from ``root``, in place.

    Their tails stay where they were (lxml's ``strip_elements`` keeps them, scripts are
    removed the same way), so the text around them is unchanged.
    """
    etree.strip_elements(root, *UNREAD_TAGS, with_tail=False)
    for script in list(root.iter("script")):
        parent = script.getparent()
        if parent is None or script.get("type") == _JSON_LD:
            continue
        if script.tail:
            previous = script.getprevious()
            if previous is None:
                parent.text = (parent.text or "") + script.tail
            else:
                previous.tail = (previous.tail or "") + script.tail
        parent.remove(script)


@cache
def _options(favor_precision: bool) -> Extractor:
    """trafilatura's options, built once: building them reads its config and formats dates,
    a few per cent of its time on a page; each call takes a copy with its own URL."""
    return Extractor(
        output_format="python",
        fast=not favor_precision,
        recall=not favor_precision,
        precision=favor_precision,
        comments=False,
        dedup=False,
        with_metadata=False,
    )


def extract(root: Any, url: str | None, favor_precision: bool = False) -> Any | None:
    """trafilatura's Document for the page, or None; a crash in it skips only this page.

    trafilatura gets our parsed tree, not the string (it copies a tree before pruning it):
    its own loader rejects fragments without ``<html>``, such as feed entries and JSONL
    ``html`` fields, while lxml wraps them into a document. ``favor_precision`` runs its
    precise mode instead of the fast recall-oriented one. The caller may ``strip_unread``
    the tree first (``clean_html`` does, once it has read the metadata).
    """
    options = copy.copy(_options(favor_precision))
    options.url = url
    options.source = url
    try:
        return trafilatura.bare_extraction(root, url=url, options=options)
    except (ValueError, TypeError, LookupError, RecursionError, etree.LxmlError) as exc:
        logger.warning("trafilatura failed on %s: %s", url or "page", exc)
        return None


def compose(
    body_lines: list[str],
    lines: list[PageLine],
    index: list[int],
    keep: list[bool],
    title_words: str | None,
) -> list[Block]:
    """trafilatura's body lines less those the block model rejects, plus those it adds back,
    then the rest of the page on record.

    ``index`` gives, for each page line, the body line trafilatura has it in (-1: none), and
    ``keep`` the model's verdict. A body line goes when its words are those of a page line
    that trafilatura kept and the model rejects (removed as ``html_block_model``, with that
    line's offset); a first body line repeating the title goes too (the body starts after the
    headline), and page lines repeating it are removed as ``title``. A page line trafilatura
    left out and the model keeps joins the body after the body line of the nearest kept page
    line above it (before the body when there is none); the others are removed as
    ``html_boilerplate``. Body lines keep trafilatura's text, which has no offset in the
    flattened page; lines added back keep theirs.
    """
    rejected: dict[str, list[PageLine]] = {}
    added: dict[int, list[Block]] = {}
    blocks: list[Block] = []
    anchor = -1
    for line, at, by_model in zip(lines, index, keep, strict=True):
        words = line.words
        anchor = max(anchor, at)
        if title_words and words == title_words:
            blocks.append(Block(line.text, line.start, "title"))
        elif at >= 0 and not by_model:
            rejected.setdefault(words, []).append(line)
        elif at < 0 and by_model:
            added.setdefault(anchor, []).append(Block(line.text, line.start, None))
        elif at < 0:
            blocks.append(Block(line.text, line.start, "html_boilerplate"))
    body: list[Block] = list(added.get(-1, ()))
    for k, text in enumerate(body_lines):
        words = words_of(text)
        if rejected.get(words):
            line = rejected[words].pop(0)
            body.append(Block(line.text, line.start, "html_block_model"))
        elif not (k == 0 and title_words and words == title_words):
            body.append(Block(text, None, None))
        body += added.get(k, ())
    return body + blocks


def _dropped_share(lines: list[PageLine], kept: list[bool], keep: list[bool]) -> float:
    """The share of the characters of trafilatura's body lines that ``keep`` removes."""
    body = sum(line.chars for line, k in zip(lines, kept, strict=True) if k)
    dropped = sum(line.chars for line, k, v in zip(lines, kept, keep, strict=True) if k and not v)
    return dropped / body if body else 0.0


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
    meta = page_meta(root, url)
    lang = _page_lang(root)
    strip_unread(root)
    document = extract(root, url, settings.favor_precision)
    text = (document.text or "") if document is not None else ""
    meta_title, meta_author, published = meta.title, meta.author, meta.published

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
    index = body_index(lines, body_lines)
    kept = [at >= 0 for at in index]
    model = load_model() if html_settings.use_block_model else None
    keep = list(kept)
    # Without an add threshold only trafilatura's lines are scored: the rest stay out.
    scored = [i for i, k in enumerate(kept) if k or (model is not None and model.add)]
    if model is not None and scored:
        features = line_features(lines, kept, known_title, only=scored, reference=ld_body(root))
        verdicts = model.keep(features, [kept[i] for i in scored])
        for i, verdict in zip(scored, verdicts, strict=True):
            keep[i] = verdict
        share = _dropped_share(lines, kept, keep)
        if share > html_settings.max_model_drop_share:
            logger.info(
                "%s: the block model would remove %.0f%% of trafilatura's body; kept it whole",
                url or "page",
                100 * share,
            )
            keep = list(kept)
    blocks = compose(body_lines, lines, index, keep, title_words)
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
