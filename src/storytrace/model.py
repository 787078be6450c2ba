"""The data every stage shares: frozen dataclasses, no SQL, no I/O.

Offsets are half-open character (code point) offsets into ``Article.text`` unless a field says
otherwise. Datetimes are timezone-aware or ``None``: an unknown date stays unknown, it is never
guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, NamedTuple

ArticleFormat = Literal["text", "html"]
MentionKind = Literal["person", "org", "place", "number", "date", "quote", "claim"]
ReuseKind = Literal["verbatim", "edited"]
FamilyKind = Literal["copy", "quote"]
FindingKind = Literal["agree", "disagree", "variant"]


@dataclass(frozen=True, slots=True)
class RemovedBlock:
    """A piece of the input the cleaner kept out of the body, kept on record with why.

    ``start`` is the offset of ``text`` in the cleaner's input (the decoded raw text for text
    input, the extracted text for HTML input), so removed and kept blocks together account for
    the whole input.
    """

    text: str
    reason: str
    start: int


@dataclass(frozen=True, slots=True)
class Article:
    """One news article: what was read (``raw``, metadata hints) and, once cleaned, its body.

    ``id`` is a content hash of ``raw``, so the same bytes ingested twice are one article.
    ``format`` says which cleaner applies. ``text`` is empty until the clean stage has run.
    """

    id: str
    origin: str
    format: ArticleFormat
    raw: bytes
    external_id: str | None = None
    source: str | None = None
    url: str | None = None
    title: str | None = None
    published: datetime | None = None
    author: str | None = None
    lang: str | None = None
    text: str = ""
    removed: tuple[RemovedBlock, ...] = ()


class Token(NamedTuple):
    """A word or punctuation mark; ``norm`` is the form every stage compares on.

    A named tuple, not a frozen dataclass like the other records: an article has hundreds of
    tokens, made twice per analysis, and a tuple is built in a quarter of the time.
    """

    start: int
    end: int
    norm: str


@dataclass(frozen=True, slots=True)
class Sentence:
    article_id: str
    index: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Segmentation:
    """The one tokenization of an article's text that every later stage shares.

    ``tokens`` is a tuple from ``segment``; the reuse stage, which remakes them for every
    article it reloads, holds them as columns (``segment.TokenColumns``)."""

    article_id: str
    sentences: tuple[Sentence, ...]
    tokens: Sequence[Token]


@dataclass(frozen=True, slots=True)
class Mention:
    """Something a fact is made of: a name, a number, a date or a quote, with where it is.

    ``value`` is the normalized value (canonical name, number, ISO date or month, quote text);
    ``key`` says what it is about (the counted thing, the event, the speaker) so that only
    mentions about the same thing are compared; ``qualifier`` carries kind-specific detail
    (a number's approximator such as ``approx``/``min``/``max``, a date's granularity, a
    quote's speech verb). ``canonical_id`` links name variants within a story. A quote's
    ``speaker_start``/``speaker_end`` locate the words naming its speaker in the same article
    (the name, or the pronoun or description the speaker was resolved from), when found.
    """

    article_id: str
    start: int
    end: int
    kind: MentionKind
    value: str
    key: str = ""
    qualifier: str = ""
    canonical_id: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None


@dataclass(frozen=True, slots=True)
class Passage:
    article_id: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ReuseLink:
    """Two passages in different articles that are copies of each other."""

    a: Passage
    b: Passage
    similarity: float
    kind: ReuseKind


@dataclass(frozen=True, slots=True)
class Family:
    """Passages linked by copying; ``origin_article_id`` is None when dates cannot decide."""

    id: str
    kind: FamilyKind
    passages: tuple[Passage, ...]
    origin_article_id: str | None = None


@dataclass(frozen=True, slots=True)
class OutletEdge:
    """``to_source`` reused ``passages`` passages (``characters`` long) first published by
    ``from_source``."""

    from_source: str
    to_source: str
    passages: int
    characters: int


@dataclass(frozen=True, slots=True)
class Story:
    """A set of articles about one event. ``id`` never changes once given."""

    id: str
    title: str
    first_seen: datetime | None
    last_seen: datetime | None
    article_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FindingValue:
    """One value that some articles give for a finding's topic, with the mentions behind it."""

    value: str
    article_ids: tuple[str, ...]
    evidence: tuple[Mention, ...]


@dataclass(frozen=True, slots=True)
class Finding:
    """What the sources of a story say about one topic: agree, disagree, or spell it apart."""

    story_id: str
    kind: FindingKind
    topic: str
    values: tuple[FindingValue, ...]
    independent_sources: int
    id: str = field(default="")
