"""Clean stage: the article body, with every removed block kept on record with its reason.

``clean(article)`` returns a copy of the article with ``text`` (the body: kept blocks joined by
blank lines) and ``removed`` (each removed block with its reason and its offset in the
cleaner's input), and completes ``title``, ``author``, ``published`` and ``lang`` only where
the reader left them None: what a reader found in the feed or file wins over what the cleaner
guesses from the page.

Two inputs, two cleaners. HTML goes to trafilatura (``clean_html``), whose extraction is
measured against peers; flattened text, where the markup that trafilatura reads is gone, goes
to our line/block model (``clean_text``). Removed offsets point into the decoded raw text for
text input and into the flattened visible text of the page for HTML input.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from .clean_html import clean_html
from .clean_html_blocks import MODEL_NAME as HTML_MODEL_NAME
from .clean_model import MODEL_NAME as TEXT_MODEL_NAME
from .clean_repeats import LineCounts, mark_repeated
from .clean_text import clean_text
from .ingest.decode import UndecodableError, declared_encoding, decode_text
from .model import Article

logger = logging.getLogger(__name__)

# Stored with every run: the cleaner's rules (bump the version when they change) and the names
# of the two packaged models, so a body can be traced to the models that chose it.
ALGORITHM = f"clean.lines.v2+{HTML_MODEL_NAME}+{TEXT_MODEL_NAME}"


@dataclass(frozen=True, slots=True)
class CleanSettings:
    """Options of the clean stage; the defaults are tuned on flattened news pages.

    Word counts are in ``\\w+`` words. ``widget_share`` is the share of a line's words that must
    be UI words (share, print, comment...) for it to be a widget at the edges of the page;
    ``widget_share_in_body`` is the stricter share inside the densest run of body text.
    ``teaser_novelty`` is the share of a trailing headline+blurb run's content words that must
    be absent from the body before it is removed as teasers for other stories.
    """

    min_body_words: int = 10
    min_stop_share: float = 0.08
    gap_blank_lines: int = 2
    gap_penalty_words: float = 15.0
    max_widget_words: int = 12
    widget_share: float = 0.6
    widget_share_in_body: float = 0.85
    max_cta_words: int = 15
    max_promo_words: int = 40
    max_caption_words: int = 40
    max_byline_words: int = 30
    max_headline_words: int = 20
    max_teaser_blurb_words: int = 80
    min_teaser_body_words: int = 20
    teaser_novelty: float = 0.5
    guess_lang: bool = True
    favor_precision: bool = False
    min_html_body_chars: int = 200
    # Cross-article signal (clean_repeats): a short line carried by at least this many of an
    # outlet's articles, and this share of them, is the outlet's furniture.
    repeat_min_articles: int = 3
    repeat_min_share: float = 0.2
    repeat_max_words: int = 25


def decode(raw: bytes) -> str:
    """Raw bytes as text, decoded as the readers decode them (``ingest.decode``): UTF-8 when it
    is, a BOM, else charset-normalizer weighed against the page's declared charset."""
    try:
        return decode_text(raw, declared_encoding(raw))
    except UndecodableError:
        logger.debug("no charset found, decoding as UTF-8 with replacement")
        return raw.decode("utf-8", errors="replace")


def clean(
    article: Article,
    settings: CleanSettings = CleanSettings(),
    line_counts: LineCounts | None = None,
) -> Article:
    """Return ``article`` with ``text`` and ``removed`` set, metadata completed from the page.

    ``line_counts``, when given, says how often the article's outlet repeats each line across
    its articles; lines it repeats a lot are removed as ``repeated`` (text input only: HTML
    furniture is the extractor's to drop).
    """
    source = decode(article.raw)
    if article.format == "html":
        result = clean_html(source, settings, title=article.title, url=article.url)
    else:
        result = clean_text(source, settings, title=article.title)
        if line_counts is not None:
            result = mark_repeated(
                result,
                article.source,
                line_counts,
                min_articles=settings.repeat_min_articles,
                min_share=settings.repeat_min_share,
                max_words=settings.repeat_max_words,
            )
    body, removed = result.body, result.removed
    logger.debug(
        "article %s: %d chars of body, %d blocks removed", article.id, len(body), len(removed)
    )
    return replace(
        article,
        text=body,
        removed=removed,
        title=article.title if article.title is not None else result.title,
        author=article.author if article.author is not None else result.author,
        published=article.published if article.published is not None else result.published,
        lang=article.lang if article.lang is not None else result.lang,
    )
