"""Sentences and tokens: the one tokenization every later stage shares.

pysbd does the sentence boundaries (it knows abbreviations such as "U.S." and "Dr."); we run it
per paragraph so a headline or a list line never glues onto the next sentence, and we map its
output back to exact offsets, so ``text[s.start:s.end]`` is always the sentence.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from functools import lru_cache
from itertools import accumulate, repeat
from typing import overload

import pysbd
from pysbd.lang.english import English

from .model import Article, Segmentation, Sentence, Token

_PARAGRAPH = re.compile(r"[^\n]+")
# Numbers keep their separators ("1,000", "12:30", "3.5"); words keep inner hyphens,
# apostrophes and dots ("U.S", "can't", "modern-day").
_TOKEN = re.compile(r"\d+(?:[.,:]\d+)*|\w+(?:[-'’.]\w+)*|[^\w\s]", re.UNICODE)
# The same tokens as one split: [gap, token, gap, token, ..., gap]. Tokens and their offsets
# come out of C calls only (no match object per token); a match never is empty.
_TOKEN_SPLIT = re.compile(f"({_TOKEN.pattern})", re.UNICODE)
_new_tuple = tuple.__new__  # a Token from a (start, end, norm) tuple without a Python call
# Typographic variants that carry no meaning for comparison.
_NORM_TABLE = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "–": "-",
        "—": "-",
        "\u00a0": " ",
    }
)


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def normalize_token(token: str) -> str:
    """The comparison form of a token: NFKC, case-folded, typographic quotes and dashes unified."""
    if token.isascii():  # the common case; NFKC and the table change nothing in ASCII
        return token.lower()
    return unicodedata.normalize("NFKC", token).translate(_NORM_TABLE).casefold()


def tokenize(text: str, offset: int = 0) -> tuple[Token, ...]:
    """Word and punctuation tokens of ``text`` with offsets shifted by ``offset``."""
    return tuple(tokenize_columns(text, offset))


class TokenColumns(Sequence[Token]):
    """An article's tokens held as three columns (starts, ends, norms), each token built only
    when it is read.

    The reuse stage remakes the tokens of every article it compares (the store keeps sentences,
    not tokens) and reads them as columns (``token_columns``), going back to single tokens only
    at a passage's edges; building a named tuple per token was a quarter of that step's time.
    """

    __slots__ = ("ends", "norms", "starts")

    def __init__(self, starts: list[int], ends: list[int], norms: list[str]) -> None:
        self.starts, self.ends, self.norms = starts, ends, norms

    def __len__(self) -> int:
        return len(self.norms)

    @overload
    def __getitem__(self, index: int) -> Token: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Token, ...]: ...
    def __getitem__(self, index: int | slice) -> Token | tuple[Token, ...]:
        if isinstance(index, slice):
            spans = zip(self.starts[index], self.ends[index], self.norms[index], strict=True)
            return tuple(map(_new_tuple, repeat(Token), spans))
        return Token(self.starts[index], self.ends[index], self.norms[index])

    def __iter__(self) -> Iterator[Token]:
        spans = zip(self.starts, self.ends, self.norms, strict=True)
        return map(_new_tuple, repeat(Token), spans)


def tokenize_columns(text: str, offset: int = 0) -> TokenColumns:
    """``tokenize``'s tokens as columns, without a Python object per token.

    Every stage tokenizes each article, so this is a hot path: the pieces of one ``re.split``
    and the running sum of their lengths give the tokens and their offsets in C calls only
    (the tokenizer is 1.4x faster than a ``finditer`` loop; bench/RESULTS.md, "Text reuse").
    """
    ascii_only = text.isascii()
    # Lower-casing ASCII keeps every offset and every character class the pattern reads, so
    # the whole text is normalized at once (most news text).
    pieces = _TOKEN_SPLIT.split(text.lower() if ascii_only else text)
    offsets = list(accumulate(map(len, pieces), initial=offset))
    words = pieces[1::2]
    # Token i is piece 2i + 1: it starts at offsets[2i + 1] and ends at offsets[2i + 2].
    return TokenColumns(
        offsets[1:-1:2],
        offsets[2::2],
        words if ascii_only else list(map(normalize_token, words)),
    )


def token_columns(tokens: Sequence[Token]) -> tuple[Sequence[int], Sequence[int], Sequence[str]]:
    """The starts, ends and norms of ``tokens``, read from the columns when it holds them."""
    if isinstance(tokens, TokenColumns):
        return tokens.starts, tokens.ends, tokens.norms
    if not tokens:
        return (), (), ()
    starts, ends, norms = zip(*tokens, strict=True)
    return starts, ends, norms


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of ``text``, stripped of surrounding whitespace, never across a newline."""
    spans: list[tuple[int, int]] = []
    for paragraph in _PARAGRAPH.finditer(text):
        base = paragraph.start()
        spans.extend(
            (base + start, base + end) for start, end in _paragraph_sentences(paragraph.group())
        )
    return spans


# A sentence can only end inside a paragraph at a terminator followed by space and more text.
_INNER_BOUNDARY = re.compile(r"[.!?…;:。！？]['\"’”)\]]*\s+\S")


# pysbd's time grows faster than linearly with its input; a flattened page can be one line of
# megabytes. Longer paragraphs are cut at clear sentence ends into windows of about this size.
_MAX_PYSBD_CHARS = 4000
# A clear end: after a lowercase word or number (not "Dr." or "U.S."), then a capital.
_CLEAR_END = re.compile(r"(?<=[a-z0-9]{2})[.!?][\"'’”)\]]*\s+(?=[\"“‘(]?[A-Z0-9])")


def _windows(chunk: str) -> list[tuple[int, str]]:
    """``chunk`` cut at clear sentence ends into pieces of at most ~_MAX_PYSBD_CHARS.

    A piece with no clear end inside is cut hard at the limit (rare: text without sentences).
    """
    windows: list[tuple[int, str]] = []
    start = 0
    while len(chunk) - start > _MAX_PYSBD_CHARS:
        limit = start + _MAX_PYSBD_CHARS
        cut = None
        for match in _CLEAR_END.finditer(chunk, start + _MAX_PYSBD_CHARS // 2, limit):
            cut = match.end()
        cut = cut or limit
        windows.append((start, chunk[start:cut]))
        start = cut
    windows.append((start, chunk[start:]))
    return windows


# pysbd's English abbreviations: a mark after one of these may not end a sentence.
_ABBREVIATIONS = frozenset(
    word.lower()
    for words in (
        English.Abbreviation.ABBREVIATIONS,
        English.Abbreviation.PREPOSITIVE_ABBREVIATIONS,
    )
    for word in words
)
# Characters pysbd treats in ways the plain rule below does not model: other sentence marks,
# and quotation marks (pysbd keeps a quotation of several sentences whole, with exceptions).
_UNUSUAL = re.compile(r"[…。！？\r\u2028\u2029\"“”„«»‘‹›]")
_MARK = re.compile(r"[.!?]")
# An unambiguous sentence end: a plain word of two or more letters (not after a bracket, a
# dot or a digit), one mark, then white space and a capital (or the end of the paragraph).
_PLAIN_END = re.compile(r"(?<![\w.'’(\[-])([A-Za-z]{2,})[.!?](?:\s+(?=[A-Z])|\s*$)")
_DECIMAL = re.compile(r"(?<=\d)\.(?=\d)")


def _plain_sentences(chunk: str) -> tuple[tuple[int, int], ...] | None:
    """Sentence spans of a paragraph whose every mark is an unambiguous end, else None.

    Most news paragraphs are plain: each ".", "!" or "?" closes an ordinary word and is followed
    by a capital. There pysbd's answer is known in advance, and pysbd costs about a millisecond
    a paragraph, mostly compiling regular expressions. Anything else (an abbreviation, an
    initial, "U.S.", "...", a mark before a lower-case word or inside a URL) goes to pysbd;
    tests/test_segment.py checks both agree on real articles.
    """
    if _UNUSUAL.search(chunk):
        return None
    cuts: list[int] = []
    for mark in _MARK.finditer(chunk):
        position = mark.start()
        if _DECIMAL.match(chunk, position):
            continue
        end = _PLAIN_END.match(chunk, _word_start(chunk, position))
        if end is None or end.end(1) != position or end.group(1).lower() in _ABBREVIATIONS:
            return None
        cuts.append(position + 1)
    spans: list[tuple[int, int]] = []
    start = 0
    for cut in (*cuts, len(chunk)):
        piece = chunk[start:cut]
        stripped = piece.strip()
        if stripped:
            first = start + len(piece) - len(piece.lstrip())
            spans.append((first, first + len(stripped)))
        start = cut
    return tuple(spans)


def _word_start(text: str, position: int) -> int:
    """Start of the run of ASCII letters that ends at ``position``."""
    start = position
    while start > 0 and text[start - 1].isascii() and text[start - 1].isalpha():
        start -= 1
    return start


@lru_cache(maxsize=8192)
def _paragraph_sentences(chunk: str) -> tuple[tuple[int, int], ...]:
    """Sentence spans within one paragraph.

    pysbd costs about a millisecond per paragraph (it compiles many patterns per call), so it
    runs only where a boundary is possible, and repeated paragraphs (copies, boilerplate) are
    split once: the function is pure, the cache only saves time.
    """
    stripped_all = chunk.strip()
    if not stripped_all:
        return ()
    if not _INNER_BOUNDARY.search(stripped_all):
        start = chunk.index(stripped_all)
        return ((start, start + len(stripped_all)),)
    plain = _plain_sentences(chunk)
    if plain is not None:
        return plain
    if len(chunk) > _MAX_PYSBD_CHARS:
        spans_long: list[tuple[int, int]] = []
        for base, window in _windows(chunk):
            spans_long.extend((base + a, base + b) for a, b in _paragraph_sentences(window))
        return tuple(spans_long)
    spans: list[tuple[int, int]] = []
    cursor = 0
    # The processor's sentences, not Segmenter.segment(): segment() then finds each sentence in
    # the text again with a regular expression built from it (~40 % of pysbd's time), which
    # the loop below does with str.find. Same sentences on the 7,005 paragraphs checked.
    for piece in _segmenter().processor(chunk).process():
        stripped = piece.strip()
        if not stripped:
            continue
        found = chunk.find(stripped, cursor)
        if found < 0:  # pysbd altered the text; fall back to the rest of the paragraph
            found = cursor + len(chunk[cursor:]) - len(chunk[cursor:].lstrip())
            stripped = chunk[found:].rstrip()
        if not stripped:
            break
        spans.append((found, found + len(stripped)))
        cursor = found + len(stripped)
    return _join_lower_case_starts(chunk, spans)


def _join_lower_case_starts(
    chunk: str, spans: list[tuple[int, int]]
) -> tuple[tuple[int, int], ...]:
    """Undo pysbd's cuts after an abbreviation it does not know ("Mohave County, Az. said
    in a release ..."): an English sentence does not start with a lower-case word, so a piece
    that does, separated from the previous one by spaces only, continues it."""
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if (
            joined
            and chunk[start].islower()
            and chunk[joined[-1][1] - 1] == "."
            and chunk[joined[-1][1] : start].strip(" ") == ""
        ):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return tuple(joined)


def segment(article: Article) -> Segmentation:
    """Split a cleaned article into sentences and tokens with exact character offsets."""
    sentences = tuple(
        Sentence(article.id, index, start, end)
        for index, (start, end) in enumerate(split_sentences(article.text))
    )
    return Segmentation(article.id, sentences, tokenize(article.text))
