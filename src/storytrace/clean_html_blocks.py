"""The features of the page's visible lines, and the block model that re-scores them.

The page is flattened to one line per block-level element (``clean_html_flatten``); each line
remembers the element it came from, so its tag, its ancestors' tags and their class/id tokens
(and ``itemprop="articleBody"``) can be read, and the body the page declares in its JSON-LD
is compared with it. trafilatura's body says which lines it kept; the
block model (a small tree ensemble trained on the tuning half of the scrapinghub benchmark by
``train/train_clean_html.py``, shipped as JSON, evaluated here in plain numpy) re-scores every
line from those features, mostly to drop the furniture that trafilatura keeps: "read more"
teasers, newsletter boxes, captions and share bars. Page-wide features say what the boxes
around a line hold (how much of them trafilatura kept, how much is links) and where the line
sits in trafilatura's body (the kept words before and after it).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .clean_html_flatten import PageLine, flatten, in_body, words_of
from .clean_text import STOPWORDS, word_set

__all__ = [
    "FEATURE_NAMES",
    "BlockModel",
    "BlockModels",
    "PageLine",
    "flatten",
    "in_body",
    "line_features",
    "load_model",
    "model_from_json",
    "words_of",
]

MODEL_NAME = "clean_html.blocks.v3"

# The owner tag of a line, one-hot; anything else counts as "other".
OWNER_TAGS = ("p", "li", "h", "figcaption", "blockquote", "tr", "div", "dd")
# Ancestor elements that say where a line sits.
ANCESTOR_TAGS = (
    ("li", word_set("li")),
    ("figure", word_set("figure figcaption")),
    ("chrome", word_set("aside nav footer header form button")),
    ("article", word_set("article main")),
    ("table", word_set("table")),
    ("a", word_set("a")),
)
# Class/id token groups: a token equal to a word, or starting with a prefix (4+ letters).
CLASS_GROUPS: tuple[tuple[str, frozenset[str]], ...] = tuple(
    (name, word_set(words))
    for name, words in (
        ("share", "share sharing social sociallinks sharebar addthis"),
        ("related", "related recommend recommended more also popular trending teaser promo read"),
        ("newsletter", "newsletter subscribe subscription signup sign cta optin"),
        ("caption", "caption credit photo image img media figure gallery video"),
        ("footer", "footer copyright disclaimer legal bottom"),
        ("comment", "comment comments reply disqus"),
        ("sidebar", "sidebar aside rail widget side"),
        ("nav", "nav navigation menu breadcrumb breadcrumbs header masthead"),
        ("ad", "ad ads advert advertisement sponsor sponsored banner outbrain taboola dfp"),
        ("meta", "byline author date time meta dateline timestamp published info"),
        ("tags", "tag tags topic topics category categories keywords"),
        ("body", "article body content story post entry text articlebody main"),
    )
)
_GROUP_PATTERNS = tuple(
    re.compile(
        "|".join(
            [f"{w}$" for w in sorted(words) if len(w) < 4]
            + [w for w in sorted(words) if len(w) >= 4]
        )
    )
    for _, words in CLASS_GROUPS
)
_CLASS_SPLIT = re.compile(r"[^a-z]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_WORD = re.compile(r"\w+")
_LETTER = re.compile(r"[^\W\d_]")
_UPPER = re.compile(r"[A-Z]")
_PUNCT = re.compile(r"[,.;:!?]")
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)\]]*$")
_CALL = re.compile(
    r"\b(?:read|see|click|tap|sign|subscribe|download|get|follow|watch|listen|don't|more)\b",
    re.IGNORECASE,
)
NEAR_LEVELS = 4
FloatArray = NDArray[np.float64]
# How many levels above a line's owner its boxes are read (``_box_features``): 1 to 3.
BOX_LEVELS = 3


def _class_mask(element: Any, masks: dict[str, int]) -> int:
    """Bit ``g`` set when the element's class/id/itemprop has a token of ``CLASS_GROUPS[g]``:
    the token is one of the group's words or starts with one of four letters or more."""
    value = (
        f"{element.get('class') or ''} {element.get('id') or ''} {element.get('itemprop') or ''}"
    )
    mask = 0
    for token in _CLASS_SPLIT.split(_CAMEL.sub(" ", value).lower()):
        if not token:
            continue
        if token not in masks:
            masks[token] = sum(1 << g for g, p in enumerate(_GROUP_PATTERNS) if p.match(token))
        mask |= masks[token]
    return mask


def _bits(mask: int) -> list[float]:
    return [float(mask >> g & 1) for g in range(len(CLASS_GROUPS))]


@dataclass(frozen=True, slots=True)
class _Place:
    """Where an element sits: ANCESTOR_TAGS bits of itself and its ancestors, the class
    masks of itself and its nearest ancestors (nearest first), the masks above OR-ed, depth."""

    tags: int
    near: tuple[int, ...]
    far: int
    depth: int


def _place(element: Any, places: dict[Any, _Place], masks: dict[str, int]) -> _Place:
    """The element's place, computed down from the nearest ancestor already known."""
    path = []
    while element is not None and element not in places:
        path.append(element)
        element = element.getparent()
    place = places[element] if element is not None else _Place(0, (), 0, 0)
    for current in reversed(path):
        tag = current.tag.lower() if isinstance(current.tag, str) else ""
        bits = sum(1 << i for i, (_, names) in enumerate(ANCESTOR_TAGS) if tag in names)
        if current.get("itemprop") == "articleBody":
            bits |= 1 << len(ANCESTOR_TAGS)
        dropped = place.near[NEAR_LEVELS - 1] if len(place.near) >= NEAR_LEVELS else 0
        place = _Place(
            place.tags | bits,
            (_class_mask(current, masks), *place.near[: NEAR_LEVELS - 1]),
            place.far | dropped,
            place.depth + 1,
        )
        places[current] = place
    return place


def _context(
    owner: Any, seen: dict[Any, list[float]], places: dict[Any, _Place], masks: dict[str, int]
) -> list[float]:
    """Features of a line's place in the tree: its owner tag, ancestor tags, class groups
    of its nearest ``NEAR_LEVELS`` ancestors (itself included) and of those above."""
    if owner in seen:
        return seen[owner]
    tag = owner.tag.lower() if isinstance(owner.tag, str) else ""
    tag = "h" if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit() else tag
    place = _place(owner, places, masks)
    near = 0
    for mask in place.near:
        near |= mask
    features = [float(tag == name) for name in OWNER_TAGS]
    features += [float(place.tags >> i & 1) for i in range(len(ANCESTOR_TAGS) + 1)]
    features += _bits(near) + _bits(place.far)
    features.append(math.log1p(place.depth))
    seen[owner] = features
    return features


class _Reference:
    """A body the page declares (its JSON-LD ``articleBody``), to compare lines with."""

    def __init__(self, text: str) -> None:
        tokens = words_of(text).split() if text else []
        self.grams = _grams(tokens)
        self.text = f" {' '.join(tokens)} "
        self.present = bool(tokens)

    def share(self, words: str) -> float:
        """The share of the line's word 4-grams in the reference (a short line: all or none)."""
        if not self.present or not words:
            return 0.0
        tokens = words.split()
        if len(tokens) < 4:
            return float(f" {words} " in self.text)
        grams = _grams(tokens)
        return len(grams & self.grams) / len(grams)

    def covered(self, lines: list[str]) -> float:
        """The share of the reference's 4-grams found in ``lines`` (casefolded words)."""
        if not self.grams:
            return 0.0
        found: set[tuple[str, ...]] = set()
        for words in lines:
            found |= _grams(words.split())
        return len(found & self.grams) / len(self.grams)


def _grams(tokens: list[str]) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3)}


def line_features(
    lines: list[PageLine],
    kept: list[bool],
    title: str | None,
    only: list[int] | None = None,
    reference: str = "",
) -> NDArray[Any]:
    """One row of features per line (or per line of ``only``, by index); ``kept`` is
    trafilatura's verdict on each line, ``reference`` the body the page declares, if any."""
    n = len(lines)
    kept_at = [i for i, k in enumerate(kept) if k]
    declared = _Reference(reference)
    covered = declared.covered([lines[i].words for i in kept_at])
    first, last = (kept_at[0], kept_at[-1]) if kept_at else (n, -1)
    title_words = set(words_of(title).split()) if title else set()
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.text] = counts.get(line.text, 0) + 1
    seen: dict[Any, list[float]] = {}
    places: dict[Any, _Place] = {}
    masks: dict[str, int] = {}
    rows = []
    nearest = _distance_to_kept(kept)
    is_stop = STOPWORDS.__contains__
    for i in range(n) if only is None else only:
        line = lines[i]
        tokens = _WORD.findall(line.text)
        lowered = list(map(str.casefold, tokens))
        n_words = len(tokens)
        letters = len(_LETTER.findall(line.text))
        row = [
            float(kept[i]),
            float(i > 0 and kept[i - 1]),
            float(i + 1 < n and kept[i + 1]),
            math.log1p(n_words),
            line.link_chars / line.chars if line.chars else 0.0,
            float(bool(_SENTENCE_END.search(line.text))),
            sum(map(is_stop, lowered)) / n_words if n_words else 0.0,
            len(_UPPER.findall(line.text)) / letters if letters else 0.0,
            len(_PUNCT.findall(line.text)) / n_words if n_words else 0.0,
            sum(map(str.isdigit, tokens)) / n_words if n_words else 0.0,
            i / n,
            float(i < first),
            float(i > last),
            math.log1p(nearest[i]),
            len(title_words.intersection(lowered)) / n_words if n_words else 0.0,
            float(counts[line.text] > 1),
            float(bool(_CALL.search(line.text)) and n_words <= 12),
            float(declared.present),
            declared.share(line.words),
            covered,
        ]
        row += _context(line.owner, seen, places, masks)
        rows.append(row)
    words = _word_counts(lines)
    flags = np.asarray(kept, dtype=np.float64)
    page = np.hstack([_box_features(lines, words, flags), _body_place(words, flags)])
    base = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURE_NAMES) - page.shape[1])
    return np.hstack([base, page if only is None else page[only]])


def _box_features(lines: list[PageLine], words: FloatArray, kept: FloatArray) -> NDArray[Any]:
    """For each line and each level from 1 to ``BOX_LEVELS``, what its box (the ancestor that
    many levels above the line's owner) holds: the share of its words trafilatura kept, its
    lines and words (log), the share of its characters inside links. ``words`` are the lines'
    word counts, ``kept`` is 1.0 where trafilatura kept the line.

    A teaser list or a newsletter box is a box whose lines trafilatura mostly left out, or
    whose text is mostly links, even when the one line it kept reads like prose; a paragraph
    of the article sits among the article's other kept paragraphs. (With ``_body_place``
    they raised the out-of-fold F1 on the tuning half from 0.9779 to 0.9792, about +0.0015
    averaged over four training seeds; ``_body_place`` alone did not.)
    """
    kept_words = words * kept
    chars = np.asarray([line.chars for line in lines], dtype=np.float64)
    links = np.asarray([line.link_chars for line in lines], dtype=np.float64)
    boxes = [line.owner for line in lines]
    columns = []
    for _ in range(BOX_LEVELS):
        boxes = [None if box is None else box.getparent() for box in boxes]
        ids: dict[Any, int] = {}
        group = np.asarray([ids.setdefault(box, len(ids)) for box in boxes], dtype=np.int64)
        total = np.bincount(group, words)
        size = np.bincount(group)
        columns += [
            (np.bincount(group, kept_words) / np.maximum(total, 1))[group],
            np.log1p(size)[group],
            (np.bincount(group, links) / np.maximum(np.bincount(group, chars), 1))[group],
            np.log1p(total)[group],
        ]
    return np.column_stack(columns).reshape(len(lines), 4 * BOX_LEVELS)


def _word_counts(lines: list[PageLine]) -> FloatArray:
    """The words of each line (its ``words`` are single-space separated)."""
    return np.asarray(
        [line.words.count(" ") + 1 if line.words else 0 for line in lines], dtype=np.float64
    )


def _body_place(words: FloatArray, flags: FloatArray) -> NDArray[Any]:
    """Where each line sits in trafilatura's body (``words``: word counts, ``flags``: 1.0 where
    trafilatura kept the line): the share of the kept words before it and after it, and the
    kept lines before and after it (log). Newsletter pitches, credits and
    "share this" lines close a body (or open it); the article's paragraphs have body on
    both sides."""
    kept_words = words * flags
    total = kept_words.sum() or 1.0
    before = np.cumsum(kept_words) - kept_words
    after = kept_words[::-1].cumsum()[::-1] - kept_words
    lines_before = np.cumsum(flags) - flags
    lines_after = flags[::-1].cumsum()[::-1] - flags
    return np.column_stack(
        [before / total, after / total, np.log1p(lines_before), np.log1p(lines_after)]
    )


def _distance_to_kept(kept: list[bool]) -> list[int]:
    """For each line, how many lines away the nearest kept line is (len(kept) if none)."""
    n = len(kept)
    distance = [n] * n
    last = -n
    for i in range(n):
        if kept[i]:
            last = i
        distance[i] = i - last
    last = 2 * n
    for i in range(n - 1, -1, -1):
        if kept[i]:
            last = i
        distance[i] = min(distance[i], last - i, n)
    return distance


FEATURE_NAMES: tuple[str, ...] = (
    "kept",
    "prev_kept",
    "next_kept",
    "log_words",
    "link_share",
    "ends_sentence",
    "stop_share",
    "upper_share",
    "punct_per_word",
    "digit_share",
    "position",
    "before_body",
    "after_body",
    "log_distance",
    "title_share",
    "repeated",
    "call_to_action",
    "ld_page",
    "ld_share",
    "ld_covered",
    *(f"owner_{t}" for t in OWNER_TAGS),
    *(f"in_{name}" for name, _ in ANCESTOR_TAGS),
    "in_articlebody",
    *(f"near_{name}" for name, _ in CLASS_GROUPS),
    *(f"far_{name}" for name, _ in CLASS_GROUPS),
    "log_depth",
    *(
        f"box{level}_{name}"
        for level in range(1, BOX_LEVELS + 1)
        for name in ("kept_share", "log_lines", "link_share", "log_words")
    ),
    "kept_words_before",
    "kept_words_after",
    "log_kept_before",
    "log_kept_after",
)


@dataclass(frozen=True, slots=True)
class BlockModel:
    """A tree ensemble as flat arrays: for tree ``t``, node ``k`` at ``offsets[t] + k`` tests
    ``x[feature] <= threshold`` and goes to ``left``/``right`` (-1 marks a leaf with
    ``value``); the score is ``base + rate * sum(leaf values)``, a logit, and a line is body
    when it reaches ``threshold``."""

    base: float
    rate: float
    threshold: float
    offsets: NDArray[Any]
    feature: NDArray[Any]
    split: NDArray[Any]
    left: NDArray[Any]
    right: NDArray[Any]
    value: NDArray[Any]

    def logits(self, x: NDArray[Any]) -> NDArray[Any]:
        """All trees at once: one step down every tree per round, until all reach leaves."""
        rows = np.arange(len(x))[:, None]
        node = np.broadcast_to(self.offsets, (len(x), len(self.offsets))).copy()
        while True:
            inner = self.left[node] >= 0
            if not inner.any():
                break
            go_left = x[rows, self.feature[node]] <= self.split[node]
            child = np.where(go_left, self.left[node], self.right[node]) + self.offsets
            node = np.where(inner, child, node)
        total: NDArray[Any] = self.base + self.rate * self.value[node].sum(axis=1)
        return total

    def keep(self, x: NDArray[Any]) -> NDArray[Any]:
        return self.logits(x) >= self.threshold


@dataclass(frozen=True, slots=True)
class BlockModels:
    """The model on its two sides: ``drop`` scores the lines trafilatura kept (below its
    threshold they go), ``add`` the lines it left out (at its threshold they come back; None:
    none do). Both are the same trees, with their own thresholds."""

    name: str
    features: tuple[str, ...]
    drop: BlockModel
    add: BlockModel | None

    def keep(self, x: NDArray[Any], kept: list[bool]) -> list[bool]:
        """The verdict on each row: ``kept`` says which head scores it."""
        verdict = list(kept)
        for head, side in ((self.drop, True), (self.add, False)):
            at = [i for i, k in enumerate(kept) if k == side]
            if head is None or not at:
                continue
            for i, v in zip(at, head.keep(x[at]), strict=True):
                verdict[i] = bool(v)
        return verdict


def _head(data: dict[str, Any]) -> BlockModel:
    trees = data["trees"]
    sizes = [len(t["feature"]) for t in trees]
    offsets = np.cumsum([0, *sizes[:-1]]).astype(np.int64)

    def cat(key: str, dtype: Any) -> NDArray[Any]:
        return np.concatenate([np.asarray(t[key], dtype=dtype) for t in trees])

    return BlockModel(
        base=float(data["base"]),
        rate=float(data["rate"]),
        threshold=float(data["threshold"]),
        offsets=offsets,
        feature=cat("feature", np.int64),
        split=cat("threshold", np.float64),
        left=cat("left", np.int64),
        right=cat("right", np.int64),
        value=cat("value", np.float64),
    )


def model_from_json(data: dict[str, Any]) -> BlockModels:
    """The model from its JSON: the trees, ``threshold`` and an optional ``add_threshold``."""
    drop = _head(data)
    add = data.get("add_threshold")
    return BlockModels(
        name=data["name"],
        features=tuple(data["features"]),
        drop=drop,
        add=replace(drop, threshold=float(add)) if add is not None else None,
    )


@cache
def load_model() -> BlockModels | None:
    """The packaged block model, or None when it is absent or was built for other features."""
    try:
        text = resources.files("storytrace").joinpath("data/clean_html_model.json").read_text()
    except FileNotFoundError:
        return None
    model = model_from_json(json.loads(text))
    if model.features != FEATURE_NAMES:
        return None
    return model
