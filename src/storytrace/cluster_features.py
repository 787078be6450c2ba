"""What the cluster stage compares articles on: three channels of hashed, IDF-weighted terms.

- words: every content word, headline words and capitalised words counted more often;
- names: runs of capitalised words inside a sentence (people, organisations, places), each word
  and the whole run (``"tara_reid"``); two events of the same kind (two rehab stays, two
  earthquakes) share their words and differ here;
- numbers: tokens made of digits (magnitudes, tolls, scores, years).

Each channel is hashed (MurmurHash3 through scikit-learn's ``HashingVectorizer``, the same on
every machine and every run) into its own fixed range of columns, weighted by sublinear term
frequency times an IDF taken from a document-frequency table of fixed size, L2-normalised per
channel and scaled by the square root of the channel's weight. The dot product of two vectors is
then the weighted sum of the three channel cosines, and memory does not grow with the corpus.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

from .model import Article
from .segment import normalize_token

if TYPE_CHECKING:
    from .cluster import ClusterSettings

# Columns per channel: words, names, numbers (2**20 words make collisions negligible).
CHANNEL_BITS = (20, 18, 16)
CHANNELS = len(CHANNEL_BITS)
WIDTH = sum(1 << bits for bits in CHANNEL_BITS)
_OFFSETS = tuple(sum(1 << b for b in CHANNEL_BITS[:i]) for i in range(CHANNELS))

# Function words that carry no topic; small on purpose (IDF already discounts the rest).
_STOP_WORDS_TEXT = """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves said says say told according new one two also mr mrs ms would could may might
    must shall s t don't can't won't it's he's she's they're we're i'm
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

# Numbers keep their separators, words their inner hyphens and dots (as segment.tokenize);
# punctuation is a token too, so a name run stops at a comma and a sentence end is seen.
_TOKEN = re.compile(r"(\d+(?:[.,:]\d+)*)|(\w+(?:[-'’.]\w+)*)|([^\w\s])", re.UNICODE)
_SENTENCE_END = frozenset('.!?"')
_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[^\W\d_]")

FloatArray = npt.NDArray[np.float64]


def article_features(
    article: Article, settings: ClusterSettings
) -> tuple[list[str], list[str], list[str]]:
    """The words, names and numbers of an article, each repeated by its weight."""
    words: list[str] = []
    names: list[str] = []
    numbers: list[str] = []
    for text, weight in ((article.title or "", settings.title_weight), (article.text, 1)):
        capital_weight = weight * settings.name_weight
        run: list[str] = []
        sentence_start = True
        for number, word, mark in _TOKEN.findall(text):
            if mark:
                if run:
                    _close_run(run, names, weight)
                sentence_start = mark in _SENTENCE_END
                continue
            if number:
                numbers.extend([number] * weight)
                if run:
                    _close_run(run, names, weight)
                sentence_start = False
                continue
            norm = word.lower() if word.isascii() else normalize_token(word)
            if not word.isalpha():
                if _DIGIT.search(word):
                    numbers.extend([norm] * weight)
                content = _LETTER.search(word) is not None
            else:
                content = True
            if content and len(norm) > 1 and norm not in STOP_WORDS:
                if word[0].isupper():
                    words.extend([norm] * capital_weight)
                    if not sentence_start:
                        run.append(norm)
                    elif run:
                        _close_run(run, names, weight)
                else:
                    words.extend([norm] * weight)
                    if run:
                        _close_run(run, names, weight)
            elif run:
                _close_run(run, names, weight)
            sentence_start = False
        if run:
            _close_run(run, names, weight)
    return words, names, numbers


def _close_run(run: list[str], names: list[str], weight: int) -> None:
    names.extend(run * weight)
    if len(run) > 1:
        names.extend(["_".join(run)] * weight)
    run.clear()


def _identity(features: list[str]) -> list[str]:
    return features


_HASHERS = tuple(
    HashingVectorizer(
        analyzer=_identity, n_features=1 << bits, alternate_sign=False, norm=None, dtype=np.float64
    )
    for bits in CHANNEL_BITS
)


def count_features(articles: Sequence[Article], settings: ClusterSettings) -> Any:
    """Raw term counts, one CSR row per article, the channels side by side (``WIDTH`` columns)."""
    per_channel: list[list[list[str]]] = [[] for _ in range(CHANNELS)]
    for article in articles:
        for channel, features in enumerate(article_features(article, settings)):
            per_channel[channel].append(features)
    blocks = [hasher.transform(docs) for hasher, docs in zip(_HASHERS, per_channel, strict=True)]
    counts = sp.hstack(blocks, format="csr")
    counts.sum_duplicates()
    return counts


class DocumentFrequencies:
    """How many articles hold each hashed term: a fixed-size table, so IDF memory is bounded."""

    def __init__(self) -> None:
        self.documents = 0
        self.counts = np.zeros(WIDTH, dtype=np.int32)

    def observe(self, counts: Any) -> None:
        """Count the rows of a CSR count matrix (each row's columns are distinct)."""
        self.documents += counts.shape[0]
        np.add.at(self.counts, counts.indices, 1)

    def vectors(self, counts: Any, settings: ClusterSettings) -> Any:
        """Weighted vectors for the rows of ``counts``: ``(1 + log tf) * idf`` per channel,
        the top ``max_features`` terms of each row kept, each channel normalised and scaled."""
        idf = np.log((1.0 + self.documents) / (1.0 + self.counts[counts.indices])) + 1.0
        data = (1.0 + np.log(counts.data)) * idf
        matrix = sp.csr_matrix((data, counts.indices.copy(), counts.indptr.copy()), counts.shape)
        if settings.max_features > 0:
            matrix = _top_terms(matrix, settings.max_features)
        scales = np.sqrt(
            np.array(
                [1.0, settings.names_similarity_weight, settings.numbers_similarity_weight],
                dtype=np.float64,
            )
        )
        channel = np.searchsorted(np.array(_OFFSETS[1:]), matrix.indices, side="right")
        rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
        squares = np.zeros((matrix.shape[0], CHANNELS))
        np.add.at(squares, (rows, channel), matrix.data**2)
        norms = np.sqrt(squares)
        norms[norms == 0.0] = 1.0
        matrix.data = matrix.data * scales[channel] / norms[rows, channel]
        return matrix


def _top_terms(matrix: Any, keep: int) -> Any:
    """Each row's ``keep`` heaviest terms (ties: lower column first), the rest dropped."""
    lengths = np.diff(matrix.indptr)
    if lengths.max(initial=0) <= keep:
        return matrix
    keep_mask = np.ones(matrix.nnz, dtype=bool)
    for row in np.flatnonzero(lengths > keep).tolist():
        start, end = int(matrix.indptr[row]), int(matrix.indptr[row + 1])
        order = np.lexsort((matrix.indices[start:end], -matrix.data[start:end]))
        keep_mask[start + order[keep:]] = False
    rows = np.repeat(np.arange(matrix.shape[0]), lengths)[keep_mask]
    return sp.csr_matrix(
        (matrix.data[keep_mask], (rows, matrix.indices[keep_mask])), shape=matrix.shape
    )
