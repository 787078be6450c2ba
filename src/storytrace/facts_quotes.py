"""Quotes and their speakers.

A quote is text between paired quotation marks (straight, curly, guillemets, or single marks
that clearly open and close around words; ``facts_quotes_marks`` pairs them, across lines and
paragraphs as news style writes long quotes). What the marks hold is kept as a quote when it
reads as someone's words:

- attributed: a speech verb outside quotes in the quote's own sentence ("...," she said;
  Smith told reporters "..."; "according to"); then three words suffice ("He slipped away,"
  he said), because the verb, not the length, says these are words spoken;
- or standalone: the quote is a whole sentence or paragraph of its own (a continuation of the
  previous speaker, a quote after "His exact words:"), with at least ``min_words`` words.

Quoted text inside a sentence with no speech verb is a title, tagline, category, nickname or
scare-quoted term ("the film 'X-Men: First Class'", 'a flurry of "now they have to sign him"
comments') and is dropped, as is title-case text ("Take Me Out to the Ball Game") unless a
speech verb follows it directly. Precision first: the compare stage turns quotes into claims.

The speaker (``facts_speakers``) is the subject of the quote's speech verb, a pronoun or
description resolved to the most salient earlier name, or, for a quote with no attribution of
its own, the speaker of the quote it continues or of the reported speech or lead-in right
before it.

``find_quote_spans`` returns ``Quote`` records with the speaker's mention span;
``facts.extract_facts`` turns them into mentions: ``value`` is the quote normalized for comparison
(case-folded, punctuation dropped, contractions expanded, "can not" -> "cannot"), ``key`` the
speaker's name or "" when unknown, ``qualifier`` the speech verb ("said", "according to").
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .facts_names import wordset
from .facts_quotes_marks import quote_spans
from .facts_speakers import Attribution, Speakers
from .model import Mention, Token

_NORM_MARKS = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
_CONTRACTIONS = (
    (re.compile(r"\bcan't\b"), "cannot"),
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\bshan't\b"), "shall not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"\bcan not\b"), "cannot"),
)
_NON_WORD = re.compile(r"[^\w\s]+")
_SPACE = re.compile(r"\s+")
_WORDS = re.compile(r"\S*\w\S*")  # whitespace-separated words: "off-the-field issue" is two
_LETTER_WORDS = re.compile(r"[^\W\d_][\w'’-]*")
# Words a title leaves in lower case ("Take Me Out to the Ball Game").
_TITLE_SMALL = wordset(
    "a an the and or nor but of in on at to for by with from as into over up per vs"
)
# A quote this short needs a speech verb of its own; it is the guidelines' floor for quotes.
ATTRIBUTED_MIN_WORDS = 3
# Words from which a quote inside a sentence without a speech verb is still someone's words
# ('Felt "disgraced himself and dishonored everything an agent should stand for."'), not a
# scare-quoted term or a title.
_PARTIAL_MIN_WORDS = 8
# How many words may stand between a quote and the speech verb after it ('," the comedian and
# talk show host said').
_AFTER_GAP_WORDS = 7
# A sentence right after a quote is its attribution when a speech verb comes this early in it.
_SPLIT_ATTRIBUTION_TOKENS = 5


@dataclass(frozen=True, slots=True)
class Quote:
    """One direct quote and who said it.

    ``start``/``end``: the quoted text, marks excluded. ``value``: its normalized form.
    ``speaker``: the speaker's canonical name, "" when unknown or unnamed.
    ``speaker_start``/``speaker_end``: the speaker's mention in the attribution (a name, a
    pronoun, "the spokesman"), also when ``speaker`` is "" ("a witness"); None when the quote
    has no attribution. For a quote that continues an earlier one it is the earlier
    attribution's mention. ``verb``: the speech verb, "according to", or "".
    """

    start: int
    end: int
    value: str
    speaker: str
    speaker_start: int | None
    speaker_end: int | None
    verb: str


def normalize_quote(text: str) -> str:
    """The comparison form of a quote: "Can not be ignored," -> "cannot be ignored"."""
    text = unicodedata.normalize("NFKC", text).translate(_NORM_MARKS).casefold()
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    text = _NON_WORD.sub(" ", text.replace("'", ""))
    return _SPACE.sub(" ", text).strip()


def looks_like_title(body: str) -> bool:
    """True for title-case text ("X-Men: First Class"): a work, show or category, not speech."""
    big = [w for w in _LETTER_WORDS.findall(body) if w.casefold() not in _TITLE_SMALL]
    return len(big) >= 2 and all(w[0].isupper() for w in big)


class _Context:
    """Where a quote sits: its sentences, the speech verbs around it, whether it stands alone."""

    def __init__(self, speakers: Speakers, start: int, end: int) -> None:
        self.speakers = speakers
        self.start, self.end = start, end
        self.first = speakers.sentence_at(start)
        self.last = speakers.sentence_at(max(start, end - 1))
        self.lo = speakers.first_token[self.first]
        self.hi = speakers.first_token[self.last + 1]
        if speakers.text[max(start, end - 1) : end] in (".", "!", "?"):
            self._attribution_split_off()

    def _attribution_split_off(self) -> None:
        """Take in the next sentence when it is this quote's attribution that the segmenter
        cut off after '!"' or '?"' ('"Get out now!" Mara Quist said.')."""
        sp = self.speakers
        nxt = self.last + 1
        if nxt + 1 >= len(sp.first_token):
            return
        lo, hi = sp.first_token[nxt], sp.first_token[nxt + 1]
        gap = sp.text[self.end : sp.tokens[lo].start] if lo < hi else "\n"
        if len(gap) > 3 or "\n" in gap:
            return
        if sp.tokens[lo].norm in ('"', "'") and sp.tokens[lo].start > self.end + 1:
            return  # a new quote's opening mark, not this quote's closing one
        if any(lo <= v < min(hi, lo + _SPLIT_ATTRIBUTION_TOKENS) for v in sp.verbs):
            self.last, self.hi = nxt, hi

    def verb(self) -> tuple[int | None, bool]:
        """The quote's own speech verb and whether it directly follows the quote."""
        sp = self.speakers
        tokens = sp.tokens
        verbs = [v for v in sp.verbs if self.lo <= v < self.hi]
        if not verbs:
            return None, False
        after = [v for v in verbs if tokens[v].start >= self.end and self._gap(v) is not None]
        before = [v for v in verbs if tokens[v].end <= self.start]
        text = sp.text
        tail = text[max(self.start, self.end - 1) : self.end + 2]
        if after and (not before or any(c in tail for c in ",!?—-")):
            return after[0], True
        if before:
            return before[-1], False
        return verbs[0], False

    def _gap(self, verb: int) -> int | None:
        """Words between the quote's end and a verb after it; None across a sentence break."""
        sp = self.speakers
        k = bisect_left(sp.starts, self.end)
        words = 0
        for i in range(k, verb):
            norm = sp.tokens[i].norm
            if sp.inside(i) or norm in {".", ";", "!", "?"}:
                return None
            words += norm[:1].isalnum()
        return words if words <= _AFTER_GAP_WORDS else None

    def standalone(self) -> bool:
        """The quote is its sentences' whole text (marks and closing punctuation aside)."""
        sp = self.speakers
        text = sp.text
        first_start = sp.tokens[self.lo].start if self.lo < self.hi else self.start
        last_end = sp.tokens[self.hi - 1].end if self.lo < self.hi else self.end
        before = text[min(first_start, self.start) : self.start].strip(" \t\"'“”‘’«»„")
        after = text[self.end : max(last_end, self.end)]
        return (not before or before.endswith((":", ","))) and not any(c.isalnum() for c in after)


def _partial_quote(body: str, words: int) -> bool:
    """A quoted clause inside a sentence with no speech verb that is still someone's words:
    long, within one line, ending as a sentence does (a line-crossing span is more often text
    between two quotes whose marks were paired wrong)."""
    return words >= _PARTIAL_MIN_WORDS and "\n" not in body and body.rstrip()[-1:] in ".!?"


def find_quote_spans(
    text: str,
    sentences: Sequence[Sequence[Token]],
    names: Sequence[Mention],
    min_words: int,
) -> tuple[Quote, ...]:
    """Direct quotes with their speakers and speaker spans, in text order."""
    spans = quote_spans(text)
    if not spans or not any(sentences):
        return ()
    return quotes_of(Speakers(text, sentences, names, spans), min_words)


def quotes_of(speakers: Speakers, min_words: int) -> tuple[Quote, ...]:
    """The direct quotes of an article whose speech verbs and quote spans ``speakers`` holds
    (built once per article, as reported speech reads it too)."""
    text = speakers.text
    quotes: list[Quote] = []
    attributed: list[bool] = []  # whether each quote has a speech verb of its own
    previous: tuple[Attribution | None, int] | None = None  # last kept quote: speaker, sentence
    short = min(min_words, ATTRIBUTED_MIN_WORDS)
    for start, end in speakers.quotes:
        body = text[start:end]
        words = len(_WORDS.findall(body))
        value = normalize_quote(body)
        if words < short or not value:
            continue
        context = _Context(speakers, start, end)
        verb, follows = context.verb()
        if looks_like_title(body) and not follows:
            continue
        attribution: Attribution | None = None
        verb_name = ""
        if verb is not None:
            attribution = speakers.attributions.get(verb)
            verb_name = speakers.verb_name(verb)
        else:
            if words < min_words or not (context.standalone() or _partial_quote(body, words)):
                continue
            if previous is not None and previous[1] >= context.first - 1:
                attribution = previous[0]  # continues the quote before it
            else:
                attribution = speakers.lead_in(context.first - 1)
            verb_name = attribution.verb if attribution is not None else ""
        previous = (attribution, context.last)
        attributed.append(verb is not None)
        if attribution is None:
            quotes.append(Quote(start, end, value, "", None, None, verb_name))
        else:
            quotes.append(
                Quote(
                    start,
                    end,
                    value,
                    attribution.name,
                    attribution.start,
                    attribution.end,
                    verb_name,
                )
            )
    return tuple(_repeated_quotes(quotes, attributed))


def _repeated_quotes(quotes: list[Quote], attributed: list[bool]) -> list[Quote]:
    """A quote without a verb of its own whose words the article quotes again with one (a
    pull quote set above the paragraph that attributes it) takes that attribution: the
    nearest such quote, later or earlier, whose words contain it."""
    result = list(quotes)
    for i, quote in enumerate(quotes):
        if attributed[i]:
            continue
        needle = f" {quote.value} "
        sources = [
            j
            for j, other in enumerate(quotes)
            if attributed[j] and j != i and needle in f" {other.value} "
        ]
        if sources:
            source = quotes[min(sources, key=lambda j: abs(j - i))]
            result[i] = replace(
                quote,
                speaker=source.speaker,
                speaker_start=source.speaker_start,
                speaker_end=source.speaker_end,
                verb=source.verb,
            )
    return result
