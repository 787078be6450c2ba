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

import numpy as np
import numpy.typing as npt

from .clean_lexicon import (
    BREAK,
    BULLET,
    CLOSERS,
    LINK_LIKE,
    QUOTE_CHARS,
    SENTENCE_END,
    STOPWORDS,
    UI_WORDS,
    WORD,
)

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Line:
    """A non-empty input line with the features every rule reads, computed once."""

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


def split_lines(text: str) -> list[Line]:
    """Split ``text`` into stripped non-empty lines with offsets and per-line features."""
    lines: list[Line] = []
    blanks = 0
    position = 0
    stop, ui = STOPWORDS, UI_WORDS
    # (end of line, start of next line) for each physical line, as str.splitlines sees them.
    bounds = [*((m.start(), m.end()) for m in BREAK.finditer(text)), (len(text), len(text))]
    for end, next_start in bounds:
        raw = text[position:end]
        stripped = raw.strip()
        line_start = position
        position = next_start
        if not stripped:
            blanks += 1
            continue
        cased = WORD.findall(stripped)
        words = tuple(w.lower() for w in cased)
        n = len(words) or 1
        digits = sum(w.isdigit() for w in words)
        lines.append(
            Line(
                index=len(lines),
                text=stripped,
                start=line_start + (len(raw) - len(raw.lstrip())),
                blanks_before=blanks if lines else 0,
                words=words,
                n_words=len(words),
                ends_sentence=bool(SENTENCE_END.search(stripped.rstrip(CLOSERS))),
                stop_share=sum(w in stop for w in words) / n,
                ui_share=(sum(w in ui for w in words) + digits) / n,
                bullet=bool(BULLET.match(stripped)),
                title_share=sum(w[0].isupper() for w in cased) / n,
                digit_share=digits / n,
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
    repeats = Counter(line.text for line in lines)
    rows = [
        (
            line.n_words,
            len(line.text),
            line.ends_sentence,
            line.stop_share,
            line.ui_share,
            line.title_share,
            line.digit_share,
            line.text.count(","),
            line.bullet,
            LINK_LIKE.search(line.text) is not None,
            not QUOTE_CHARS.isdisjoint(line.text),
            line.text[0].islower(),
            repeats[line.text],
            line.text[-1] == ":",
        )
        for line in lines
    ]
    raw = np.array(rows, dtype=np.float64)
    words, chars = raw[:, 0], raw[:, 1]
    flags = np.array([chrome, headline, body_like], dtype=np.float64).T
    index = np.arange(n, dtype=np.float64)
    first, last = main
    before = np.clip(first - index, 0, None)
    after = np.clip(index - last, 0, None)
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
    own = np.column_stack(
        (
            log_words,
            np.log1p(chars),
            raw[:, 2:7],
            raw[:, 7] / np.maximum(words, 1.0),
            np.minimum(chars / np.maximum(words, 1.0), 30.0),
            raw[:, 8:12],
            flags,
            (before == 0) & (after == 0),
            index / max(n - 1, 1),
            np.log1p(before),
            np.log1p(after),
            np.log1p(words_to_run),
            prose_cum / total_prose,
            np.log1p(raw[:, 12] - 1.0),
            np.full(n, run_words / max(float(cumulative[-1]), 1.0)),
            window_mean(flags[:, 2], _WINDOW),
            window_mean(log_words, _WINDOW),
            log_words.max() - log_words,
            np.concatenate(([0.0], raw[:-1, 13])),
            np.log1p(_distance_to_flag(flags[:, 2], forward=False)),
            np.log1p(_distance_to_flag(flags[:, 2], forward=True)),
            np.full(n, flags[:, 2].mean()),
        )
    )
    neighbour = np.column_stack((log_words, raw[:, 2], raw[:, 3], flags[:, 2], flags[:, 0]))
    pad = np.zeros((1, neighbour.shape[1]))
    previous = np.vstack((pad, neighbour[:-1]))
    following = np.vstack((neighbour[1:], pad))
    return np.hstack((own, previous, following))


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
    low, high = np.clip(index - half, 0, n), np.clip(index + half + 1, 0, n)
    result: FloatArray = (summed[high] - summed[low]) / (2 * half + 1)
    return result
