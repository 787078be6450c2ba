"""Line/block model for flattened pages: which lines are the article body, which are chrome.

A scraper that flattens a page to text keeps one HTML block per line, so the page's chrome
(title, byline, share widgets, captions, "read more" links, teasers for other stories, menus)
survives as lines around the article. Each non-empty line is a block, classified in two steps:

1. Rules name what a line is when its looks say so: ``title``, ``byline``, ``dateline``,
   ``widget``, ``read_more``, ``promo``, ``caption``, ``footer``, ``teaser``, and
   ``outside_body`` for short lines cut off from the densest run of body text by chrome. They
   read general features only (length, sentence punctuation, stop and UI word shares,
   multilingual call-to-action and credit patterns) and are stricter inside that run, since
   boilerplate sits at the edges.
2. A learned scorer (``clean_model``, trained on the tuning half of a public benchmark) reads
   the features of every remaining line and of its neighbours (``clean_features``), and removes
   those unlikely to be body as ``low_body_score``.

Every block keeps its offset in the input, so kept and removed blocks together account for the
whole input and any removal can be audited.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from operator import attrgetter
from typing import TYPE_CHECKING

import numpy as np

from .byline import parse_byline
from .clean_features import Line, line_features, split_lines
from .clean_lexicon import (
    AGENCY,
    AGENCY_KEYS,
    CREDIT,
    CREDIT_BY,
    CREDIT_BY_STARTS,
    FOOTER,
    FOOTER_KEYS,
    HEADLINE_BAD_END,
    HEADLINE_BAD_END_CHARS,
    IMAGE_SIZE,
    LIST_PREFIX,
    LIST_PREFIX_FIRST,
    MENU_SEPARATOR,
    MENU_SEPARATOR_CHARS,
    PROMO,
    PROMO_NOUN,
    PROMO_STARTS,
    READ_MORE,
    READ_MORE_STARTS,
    SLASH_CREDIT,
    STOPWORDS,
    STOPWORDS_BY_LANG,
    TAG_LINE,
    TEASER_MARKER,
    UI_WORDS,
    WIDGET_PHRASE,
    WIDGET_PHRASE_STARTS,
    WORD,
    may_match,
    may_start,
    word_set,
)
from .clean_model import LineModel, packaged_model
from .model import RemovedBlock

if TYPE_CHECKING:
    from .clean import CleanSettings

__all__ = [
    "STOPWORDS",
    "STOPWORDS_BY_LANG",
    "UI_WORDS",
    "Block",
    "Line",
    "PageLines",
    "TextCleaning",
    "classify_lines",
    "clean_text",
    "guess_lang",
    "split_lines",
    "word_set",
]

logger = logging.getLogger(__name__)

# Bylines and datelines are looked for this many lines around the body run only: the date of a
# story listed in a sidebar is not this article's date, and date parsing is the slowest step.
BYLINE_WINDOW_LINES = 10


@dataclass(frozen=True, slots=True)
class Block:
    """A block of the page: kept in the body when ``reason`` is None, else removed.

    ``start`` is its offset in the cleaner's input; None only for body text that the HTML
    extractor rewrote, which therefore has no place in the flattened page.
    """

    text: str
    start: int | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class TextCleaning:
    """The outcome of cleaning a flattened page: its blocks and the metadata found in it."""

    blocks: tuple[Block, ...]
    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    lang: str | None = None

    @property
    def body(self) -> str:
        return "\n\n".join(b.text for b in self.blocks if b.reason is None).strip()

    @property
    def removed(self) -> tuple[RemovedBlock, ...]:
        found = ((b.text, b.reason, b.start) for b in self.blocks)
        return tuple(RemovedBlock(t, r, s) for t, r, s in found if r is not None and s is not None)


def _normalize(text: str) -> str:
    return " ".join(WORD.findall(text.casefold()))


def _content_words(line: Line) -> set[str]:
    return {w for w in line.words if len(w) > 2 and w not in STOPWORDS and not w.isdigit()}


def _content_vocabulary(lines: list[Line]) -> set[str]:
    """The union of the lines' ``_content_words``, filtering each distinct word once."""
    words = set(chain.from_iterable(line.words for line in lines)) - STOPWORDS
    return {w for w in words if len(w) > 2 and not w.isdigit()}


class _Page:
    """One page being classified: its lines, settings and the densest body run."""

    def __init__(self, lines: list[Line], settings: CleanSettings) -> None:
        self.lines = lines
        self.settings = settings
        stop_shares = sum(map(attrgetter("stop_share"), lines))
        self.has_stopwords = stop_shares / max(len(lines), 1) >= 0.03
        self.prose = [self.body_like(line) for line in lines]
        self.main = self._densest_run()
        self.edges = [self.edge_reason(line) for line in lines]
        self.headline = [self.headline_like(line) for line in lines]

    def body_like(self, line: Line) -> bool:
        """Prose: enough words, sentence punctuation (or length), stop words when known."""
        s, n = self.settings, line.n_words
        if n < s.min_body_words or not (line.ends_sentence or n >= 3 * s.min_body_words):
            return False
        return line.stop_share >= s.min_stop_share or not self.has_stopwords

    def _densest_run(self) -> tuple[int, int]:
        """Maximum-sum run of lines (Kadane): body lines add words, others and gaps subtract."""
        s = self.settings
        best, best_span = 0.0, (0, len(self.lines) - 1)
        current, current_start = 0.0, 0
        for line in self.lines:
            prose = self.prose[line.index]
            value = float(line.n_words) if prose else -2.0 - min(line.n_words, 10)
            if line.blanks_before >= s.gap_blank_lines:
                value -= s.gap_penalty_words
            if current <= 0:
                current, current_start = value, line.index
            else:
                current += value
            if current > best:
                best, best_span = current, (current_start, line.index)
        return best_span

    def headline_like(self, line: Line) -> bool:
        """Short, capitalised, no final period: a title or a teaser's headline."""
        if not (2 <= line.n_words <= self.settings.max_headline_words and line.ui_share < 0.5):
            return False
        text = line.text
        # LIST_PREFIX starts with a bullet, a dash or a digit (str.isdigit is wider than \d).
        if text[0] in LIST_PREFIX_FIRST or text[0].isdigit():
            text = LIST_PREFIX.sub("", text)
        if len(text) > 250:
            return False
        # Both branches of HEADLINE_BAD_END match the last character only.
        if text.endswith(HEADLINE_BAD_END_CHARS) and HEADLINE_BAD_END.search(text, len(text) - 1):
            return False
        first = text[0] if text and text[0].isalnum() else next(filter(str.isalnum, text), "")
        return first.isupper() or first.isdigit()

    def edge_reason(self, line: Line) -> str | None:
        """Reason for a line that is chrome by its own looks; stricter inside the body run."""
        s = self.settings
        inside = self.main[0] <= line.index <= self.main[1]
        text = line.text
        n = line.n_words
        words = line.words
        if (
            n <= s.max_cta_words
            and may_start(READ_MORE_STARTS, words, text)
            and READ_MORE.match(text)
        ):
            return "read_more"
        if (
            n <= s.max_promo_words
            and may_start(PROMO_STARTS, words, text)
            and PROMO.match(text)
            and PROMO_NOUN.search(text)
        ):
            return "promo"
        if n <= s.max_widget_words * 2 and ":" in text and TAG_LINE.match(text):
            return "widget"
        if n <= s.max_widget_words and (
            (may_start(WIDGET_PHRASE_STARTS, words, text) and WIDGET_PHRASE.match(text))
            or self._menu(line)
        ):
            return "widget"
        share = s.widget_share_in_body if inside else s.widget_share
        if 0 < n <= s.max_widget_words and line.ui_share >= share:
            return "widget"
        if n <= s.max_caption_words and self._caption(line, inside):
            return "caption"
        if (
            n <= s.max_caption_words
            and not (inside and n > 12)
            and may_match(FOOTER_KEYS, line.lower, text)
            and FOOTER.search(text)
        ):
            return "footer"
        if n == 0 and not inside:
            return "widget"
        return None

    def _menu(self, line: Line) -> bool:
        """A navigation menu: three or more short items between separators, no sentence."""
        text = line.text
        if line.ends_sentence or MENU_SEPARATOR_CHARS.isdisjoint(text):
            return False
        items = [item for item in MENU_SEPARATOR.split(text) if item.strip()]
        short = all(len(item.split()) <= 3 for item in items)
        return len(items) >= 3 and short and not line.ends_sentence

    def _caption(self, line: Line, inside: bool) -> bool:
        text = line.text
        # IMAGE_SIZE ends in a digit or "px"; CREDIT's first branch needs a ":" or "©".
        last = text[-1]
        if (last.isdigit() or last == "x") and not line.ends_sentence and IMAGE_SIZE.search(text):
            return True
        credit_by = may_start(CREDIT_BY_STARTS, line.words, text) and CREDIT_BY.match(text)
        if credit_by or ((":" in text or "©" in text) and CREDIT.search(text)):
            return True
        slash = "/" in text
        if (
            (not line.ends_sentence and line.n_words <= 15) or (slash and SLASH_CREDIT.search(text))
        ) and (may_match(AGENCY_KEYS, line.lower, text) and AGENCY.search(text)):
            return not inside or slash
        if line.bullet and not line.ends_sentence and line.n_words <= 15:
            around = self.lines[max(line.index - 1, 0) : line.index + 2]
            return sum(other.bullet for other in around) == 1  # a lone bullet, not a list
        return False

    def teaser_lines(self) -> set[int]:
        """Indices of a trailing run of teasers for other stories (headline + blurb pairs).

        Read backwards from the end, skipping lines that are chrome on their own: units are a
        headline-like line with an optional short paragraph under it, up to a "Related"-style
        marker. The run counts as teasers when a marker heads it, or when its words are mostly
        new to the body and it is set apart (2+ blank lines) or has at least two pairs.
        """
        s = self.settings
        units: list[list[Line]] = []
        marker: Line | None = None
        i = len(self.lines) - 1
        while i >= 0:
            line = self.lines[i]
            if TEASER_MARKER.match(line.text) and line.n_words <= 8:
                marker = line
                break
            if self.edges[i] is not None:
                i -= 1
                continue
            prev = self.lines[i - 1] if i > 0 else None
            short_para = line.ends_sentence and 6 <= line.n_words <= s.max_teaser_blurb_words
            if short_para and prev is not None and self.headline[prev.index]:
                units.append([prev, line])
                i -= 2
            elif self.headline[i]:
                units.append([line])
                i -= 1
            else:
                break
        units.reverse()
        if marker is not None:
            return {marker.index} | {line.index for unit in units for line in unit}
        if not units:
            return set()
        first = units[0][0].index
        vocabulary = _content_vocabulary(self.lines[:first])
        if len(vocabulary) < s.min_teaser_body_words:
            return set()
        while units:
            words = _content_vocabulary(units[0])
            novelty = len(words - vocabulary) / len(words) if words else 0.0
            if novelty >= s.teaser_novelty:
                break
            vocabulary |= words
            units.pop(0)
        if not units:
            return set()
        pairs = sum(len(unit) == 2 for unit in units)
        apart = units[0][0].blanks_before >= s.gap_blank_lines
        if not (apart or pairs >= 2):
            return set()
        all_words = [w for unit in units for line in unit for w in _content_words(line)]
        novelty = sum(w not in vocabulary for w in all_words) / max(len(all_words), 1)
        if novelty < s.teaser_novelty:
            return set()
        return {line.index for unit in units for line in unit}


def _is_title(line: Line, title: str) -> bool:
    """The line is the known title, possibly followed by a short site-name suffix."""
    norm_line, norm_title = _normalize(line.text), _normalize(title)
    if not norm_title or not norm_line.startswith(norm_title):
        return False
    rest = norm_line[len(norm_title) :]
    return not rest or (rest.startswith(" ") and len(rest.split()) <= 5)


def _looks_like_title(page: _Page, line: Line) -> bool:
    """A headline-like line ahead of the body run (one-word menu entries are not)."""
    return (
        line.index < len(page.lines) - 1
        and line.index < page.main[0]
        and page.headline[line.index]
        and not line.bullet
    )


def _cut_beyond_chrome(page: _Page, reasons: list[str | None]) -> None:
    """Remove short unclassified lines cut off from the body run by chrome or a wide gap.

    Walking outwards from the body run, once a removed line or a 2+ blank-line gap has been
    crossed, lines that are not prose belong to the page around the article (menus, link
    lists); prose beyond it is kept, as it may still be part of the article.
    """
    first, last = page.main
    for order in (range(first - 1, -1, -1), range(last + 1, len(page.lines))):
        cut = False
        for i in order:
            line = page.lines[i]
            inner = page.lines[i + 1] if i < first else line
            cut = cut or inner.blanks_before >= page.settings.gap_blank_lines
            if reasons[i] is not None:
                cut = True
            elif cut and not page.prose[i]:
                reasons[i] = "outside_body"


_STOPWORD_LANGS: dict[str, tuple[str, ...]] = {
    word: tuple(lang for lang, words in STOPWORDS_BY_LANG.items() if word in words)
    for word in STOPWORDS
}


def guess_lang(lines: list[Line]) -> str | None:
    """The language whose stop words clearly dominate the text, or None when unsure."""
    # Languages counted word by word (a word may be a stop word of several), first seen first.
    counts: Counter[str] = Counter()
    words = Counter(chain.from_iterable(line.words for line in lines))
    # Only stop words count: skip the others in C, keeping the first-seen order.
    for word in filter(_STOPWORD_LANGS.__contains__, words):
        count = words[word]
        for lang in _STOPWORD_LANGS[word]:
            counts[lang] += count
    ranked = [*counts.most_common(2), ("", 0)]
    clear = ranked[0][1] >= 20 and ranked[0][1] >= 2 * ranked[1][1]
    return ranked[0][0] if clear else None


@dataclass(frozen=True, slots=True)
class PageLines:
    """A page's lines with what the rules said of each and the scorer's features.

    ``reasons`` are the rules' verdicts (None: kept by the rules); ``features`` has one row a
    line (``clean_features.FEATURE_NAMES``).
    """

    lines: tuple[Line, ...]
    reasons: tuple[str | None, ...]
    features: np.ndarray
    main: tuple[int, int]
    title: str | None
    author: str | None
    published: datetime | None


def classify_lines(text: str, settings: CleanSettings, title: str | None = None) -> PageLines:
    """Run the rules over every line of a flattened page and compute the scorer's features."""
    lines = split_lines(text)
    if not lines:
        return PageLines((), (), np.zeros((0, 0)), (0, -1), None, None, None)
    page = _Page(lines, settings)
    teasers = page.teaser_lines()
    first_byline = page.main[0] - BYLINE_WINDOW_LINES
    last_byline = page.main[1] + BYLINE_WINDOW_LINES
    reasons: list[str | None] = []
    found_title: str | None = None
    author: str | None = None
    published: datetime | None = None
    for line in lines:
        reason: str | None = None
        if line.index in teasers:
            reason = "teaser"
        elif (
            first_byline <= line.index <= last_byline
            and line.n_words <= settings.max_byline_words
            and (byline := parse_byline(line.text))
        ):
            reason = "byline" if byline.author else "dateline"
            author = author or byline.author
            published = published or byline.published
        elif title is not None and line.index <= page.main[0] and _is_title(line, title):
            reason = "title"
        else:
            reason = page.edges[line.index]
            if (
                reason is None
                and title is None
                and not found_title
                and _looks_like_title(page, line)
            ):
                reason, found_title = "title", line.text
        reasons.append(reason)
    _cut_beyond_chrome(page, reasons)
    features = line_features(
        lines,
        page.main,
        chrome=[edge is not None for edge in page.edges],
        headline=page.headline,
        body_like=page.prose,
    )
    logger.debug("%d lines, body run %s", len(lines), page.main)
    return PageLines(
        tuple(lines), tuple(reasons), features, page.main, found_title, author, published
    )


def score_reasons(page: PageLines, model: LineModel) -> list[str | None]:
    """The rules' reasons, plus ``low_body_score`` for each line the rules kept that the model
    scores under its threshold.

    The sentence right after the body run (the article's closing line, short so outside the
    run) is left to the rules: the benchmark the model learned from rarely shows one apart.
    """
    reasons = list(page.reasons)
    kept = [i for i, reason in enumerate(reasons) if reason is None]
    probability = model.page_probability(page.features, kept)
    closing = page.main[1] + 1
    for i, p in zip(kept, probability.tolist(), strict=True):
        line = page.lines[i]
        if i == closing and line.ends_sentence and line.stop_share > 0:
            continue
        if p < model.threshold:
            reasons[i] = "low_body_score"
    return reasons


def clean_text(
    text: str,
    settings: CleanSettings,
    title: str | None = None,
    *,
    model: LineModel | None = None,
    rules_only: bool = False,
) -> TextCleaning:
    """Classify every line of a flattened page; return its blocks and the metadata it wrote.

    ``title`` is the title the reader already knows (None if unknown): a first line equal to it
    is removed as ``title``; when unknown, a headline-like first line is removed and returned.
    ``model`` is the body scorer (the packaged one when None); ``rules_only`` skips it.
    """
    page = classify_lines(text, settings, title)
    if not page.lines:
        return TextCleaning(blocks=())
    if rules_only:
        reasons = list(page.reasons)
    else:
        reasons = score_reasons(page, model if model is not None else packaged_model())
    pairs = list(zip(page.lines, reasons, strict=True))
    blocks = tuple(Block(line.text, line.start, reason) for line, reason in pairs)
    kept = [line for line, reason in pairs if reason is None]
    lang = guess_lang(kept) if settings.guess_lang else None
    return TextCleaning(
        blocks=blocks, title=page.title, author=page.author, published=page.published, lang=lang
    )
