"""Lines of a flattened page and the numeric features the body scorer reads.

``split_lines`` cuts the input into stripped non-empty lines with their offsets and the
per-line measures every rule and the scorer share (computed once, in one pass).
``line_features`` turns a page's lines into a matrix, one row a line, whose columns are named
by ``FEATURE_NAMES``: the line's own looks (length, punctuation, stop, UI, capitalised and digit
word shares), what the rules said of it, where it sits (relative position, distance to the
densest run of body text in lines and words, share of the page's prose before it, repeats of it
elsewhere on the page) and the same looks for its neighbours. The column order is part of the
packaged model's format: append new features, never reorder.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import attrgetter, itemgetter

import numpy as np
import numpy.typing as npt

from .clean_lexicon import (
    BULLET_CHARS,
    CLOSERS,
    LINK_KEYS,
    LINK_LIKE,
    QUOTE_CHARS,
    SENTENCE_END_CHARS,
    STOPWORDS,
    UI_WORDS,
    WORD,
    may_match,
)

FloatArray = npt.NDArray[np.float64]


@dataclass(slots=True)
class Line:
    """A non-empty input line with the features every rule reads, computed once.

    Treat it as read-only. It is not a frozen dataclass because one is built for every line of
    every page, and a frozen one is built about five times slower (each field set through
    ``object.__setattr__``). ``lower`` is ``text`` lower-cased, which rules search for keys.
    """

    index: int
    text: str
    start: int
    blanks_before: int
    words: tuple[str, ...]
    n_words: int
    ends_sentence: bool
    stop_share: float
    ui_share: float
    bullet: bool
    title_share: float = 0.0
    digit_share: float = 0.0
    lower: str = ""


def split_lines(text: str) -> list[Line]:
    """Split ``text`` into stripped non-empty lines with offsets and per-line features."""
    lines: list[Line] = []
    append = lines.append
    blanks = 0
    position = 0
    is_stop, is_ui = STOPWORDS.__contains__, UI_WORDS.__contains__
    find_words, lower, isdigit, isupper = WORD.findall, str.lower, str.isdigit, str.isupper
    first = itemgetter(0)
    # str.splitlines cuts at the line breaks of BREAK; the offsets count the breaks it drops.
    for raw in text.splitlines(keepends=True):
        line_start = position
        position += len(raw)
        stripped = raw.strip()
        if not stripped:
            blanks += 1
            continue
        cased = find_words(stripped)
        words = tuple(map(lower, cased))
        count = len(words)
        n = count or 1
        digits = sum(map(isdigit, words))
        append(
            Line(
                len(lines),
                stripped,
                line_start + (len(raw) - len(raw.lstrip())),
                blanks if lines else 0,
                words,
                count,
                stripped.rstrip(CLOSERS)[-1:] in SENTENCE_END_CHARS,
                sum(map(is_stop, words)) / n,
                (sum(map(is_ui, words)) + digits) / n,
                stripped[0] in BULLET_CHARS,
                sum(map(isupper, map(first, cased))) / n,
                digits / n,
                lower(stripped),
            )
        )
        blanks = 0
    return lines


# Per-line columns, then the same few looks of the previous and the next line.
OWN_FEATURES = (
    "log_words",
    "log_chars",
    "ends_sentence",
    "stop_share",
    "ui_share",
    "title_share",
    "digit_share",
    "commas_per_word",
    "chars_per_word",
    "bullet",
    "link_like",
    "has_quote",
    "starts_lower",
    "rule_chrome",
    "headline_like",
    "body_like",
    "in_body_run",
    "relative_index",
    "log_lines_before_run",
    "log_lines_after_run",
    "log_words_to_run",
    "prose_share_before",
    "log_repeats",
    "run_share_of_page",
    "window_body_like",
    "window_log_words",
    "log_words_below_longest",
    "after_colon",
    "log_lines_to_prose_before",
    "log_lines_to_prose_after",
    "prose_line_share",
)
NEIGHBOUR_FEATURES = ("log_words", "ends_sentence", "stop_share", "body_like", "rule_chrome")
FEATURE_NAMES = (
    *OWN_FEATURES,
    *(f"prev_{name}" for name in NEIGHBOUR_FEATURES),
    *(f"next_{name}" for name in NEIGHBOUR_FEATURES),
)
_WINDOW = 3
# The Line fields that are columns as they are: words, then the looks of columns 2-6, bullet.
_LOOKS = attrgetter(
    "n_words", "ends_sentence", "stop_share", "ui_share", "title_share", "digit_share", "bullet"
)


def line_features(
    lines: Sequence[Line],
    main: tuple[int, int],
    chrome: Sequence[bool],
    headline: Sequence[bool],
    body_like: Sequence[bool],
) -> FloatArray:
    """The feature matrix of a page: one row a line, columns as in ``FEATURE_NAMES``.

    ``main`` is the densest body run (first and last line index); ``chrome``, ``headline`` and
    ``body_like`` are what the rules said of each line.
    """
    n = len(lines)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES)))
    # Column by column (map over the lines), which is much faster than a tuple a row.
    texts = [line.text for line in lines]
    repeats = Counter(texts)
    looks = np.array(list(map(_LOOKS, lines)), dtype=np.float64)
    words = looks[:, 0]
    chars = np.fromiter(map(len, texts), np.float64, n)
    commas = np.fromiter(map(str.count, texts, repeat(",")), np.float64, n)
    link_like = np.fromiter(map(_link_like, texts, [line.lower for line in lines]), np.float64, n)
    no_quote = np.fromiter(map(QUOTE_CHARS.isdisjoint, texts), np.float64, n)
    starts_lower = np.fromiter([text[0].islower() for text in texts], np.float64, n)
    repeated = np.fromiter(map(repeats.__getitem__, texts), np.float64, n)
    colon = np.fromiter(map(str.endswith, texts, repeat(":")), np.float64, n)
    flags = np.array([chrome, headline, body_like], dtype=np.float64).T
    index = np.arange(n, dtype=np.float64)
    first, last = main
    before = np.maximum(first - index, 0.0)
    after = np.maximum(index - last, 0.0)
    cumulative = np.concatenate(([0.0], np.cumsum(words)))
    words_to_run = np.where(
        index < first,
        cumulative[first] - cumulative[1:],
        np.where(index > last, cumulative[:-1] - cumulative[last + 1], 0.0),
    )
    prose = words * flags[:, 2]
    prose_cum = np.cumsum(prose) - prose
    total_prose = max(float(prose.sum()), 1.0)
    run_words = cumulative[last + 1] - cumulative[first]
    log_words = np.log1p(words)
    # Columns written in place (FEATURE_NAMES order), each computed as it always was.
    out = np.empty((n, len(FEATURE_NAMES)))
    out[:, 0] = log_words
    out[:, 1] = np.log1p(chars)
    out[:, 2:7] = looks[:, 1:6]
    out[:, 7] = commas / np.maximum(words, 1.0)
    out[:, 8] = np.minimum(chars / np.maximum(words, 1.0), 30.0)
    out[:, 9] = looks[:, 6]
    out[:, 10] = link_like
    out[:, 11] = 1.0 - no_quote
    out[:, 12] = starts_lower
    out[:, 13:16] = flags
    out[:, 16] = (before == 0) & (after == 0)
    out[:, 17] = index / max(n - 1, 1)
    out[:, 18] = np.log1p(before)
    out[:, 19] = np.log1p(after)
    out[:, 20] = np.log1p(words_to_run)
    out[:, 21] = prose_cum / total_prose
    out[:, 22] = np.log1p(repeated - 1.0)
    out[:, 23] = run_words / max(float(cumulative[-1]), 1.0)
    out[:, 24] = window_mean(flags[:, 2], _WINDOW)
    out[:, 25] = window_mean(log_words, _WINDOW)
    out[:, 26] = log_words.max() - log_words
    out[0, 27] = 0.0
    out[1:, 27] = colon[:-1]
    out[:, 28] = np.log1p(_distance_to_flag(flags[:, 2], forward=False))
    out[:, 29] = np.log1p(_distance_to_flag(flags[:, 2], forward=True))
    out[:, 30] = flags[:, 2].mean()
    # Neighbours: log_words, ends_sentence, stop_share, body_like, rule_chrome of the previous
    # line, then of the next one (0 beyond the page).
    own = len(OWN_FEATURES)
    width = len(NEIGHBOUR_FEATURES)
    neighbour = out[:, [0, 2, 3, 15, 13]]
    out[0, own : own + width] = 0.0
    out[1:, own : own + width] = neighbour[:-1]
    out[-1, own + width :] = 0.0
    out[:-1, own + width :] = neighbour[1:]
    return out


def _link_like(text: str, lowered: str) -> bool:
    """LINK_LIKE finds a link, an address or a link separator in the line (``lowered``: its
    lower case)."""
    return may_match(LINK_KEYS, lowered, text) and LINK_LIKE.search(text) is not None


def _distance_to_flag(flag: FloatArray, *, forward: bool) -> FloatArray:
    """Lines to the nearest flagged line strictly before (or after) each line; n when none."""
    n = flag.size
    index = np.arange(n)
    if forward:
        marks = np.where(flag[::-1] > 0, index, -1)
        nearest = np.maximum.accumulate(marks)
        shifted = np.concatenate(([-1], nearest[:-1]))
        distance = np.where(shifted >= 0, index - shifted, n)[::-1]
    else:
        marks = np.where(flag > 0, index, -1)
        nearest = np.maximum.accumulate(marks)
        shifted = np.concatenate(([-1], nearest[:-1]))
        distance = np.where(shifted >= 0, index - shifted, n)
    return distance.astype(np.float64)


def window_mean(values: FloatArray, half: int) -> FloatArray:
    """Mean over the ``2 * half + 1`` lines centred on each line, zero beyond the page."""
    n = values.size
    summed = np.concatenate(([0.0], np.cumsum(values)))
    index = np.arange(n)
    low, high = np.maximum(index - half, 0), np.minimum(index + half + 1, n)
    result: FloatArray = (summed[high] - summed[low]) / (2 * half + 1)
    return result
