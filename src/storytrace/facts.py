"""Facts stage: mentions of people, organisations, places, numbers, dates, quotes and claims.

Rule-based and precision first: a mention the rules are unsure of is left out, because the
compare stage turns mentions into claims that sources disagree, and a false disagreement costs
a reader more than a missed one. Each kind has its own module (``facts_names``,
``facts_dates``, ``facts_numbers``, ``facts_quotes``, ``facts_claims``); this front runs them in
dependency order: names first (dates and quotes look for subjects and speakers among them),
dates before numbers (a day or year inside a date is not a count).

Value and key formats, which the compare stage relies on:

- ``person``/``org``/``place``: value = the name as written, whitespace and typographic marks
  normalized, case kept; key = "".
- ``number``: value = plain decimal ("40", "1400000000"); qualifier = approx|min|max|exact;
  key = "<counted thing>|<event>" ("gay men|rounded up", "people|in hiding", "percent|funded"),
  "age|<surname>" for ages, "magnitude|quake" for quake magnitudes; the event ends in a year
  anchor " @YYYY" when the sentence names a past year ("people|killed @2003").
- ``date``: value = "YYYY-MM-DD", "YYYY-MM", "YYYY", "--MM-DD" or "--MM", or "-W-D" for a
  weekday whose date cannot be resolved (ISO 8601's short form, 1 = Monday); qualifier =
  day|month|year|weekday; key = "<subject> <adverbs> <verb>" ("the daily herald first
  reported") or "".
- ``quote``: value = normalized quote text; key = speaker or ""; qualifier = speech verb.
- ``claim``: reported speech ("Smith said the dam held"): value = the normalized reported
  clause; key = speaker or "" (a group or someone unnamed); qualifier = speech verb.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from .facts_claims import Claim, find_claims
from .facts_dates import find_dates
from .facts_names import find_names
from .facts_numbers import find_numbers
from .facts_quotes import Quote, quotes_of
from .facts_quotes_marks import quote_spans
from .facts_speakers import Speakers
from .model import Article, Mention, MentionKind, Segmentation, Token

ALGORITHM = "facts.rules.v3"


@dataclass(frozen=True, slots=True)
class FactsSettings:
    """Options of the facts stage.

    ``min_quote_words`` keeps scare quotes ("concentration camps") out of the quotes;
    ``future_tolerance_days`` is how far past the publication date a yearless date may fall
    before it is read as last year's ("in December" in a May article is last December, "on
    20 May" in an article of 19 May is tomorrow); ``claims`` turns reported speech on.
    """

    min_quote_words: int = 4
    future_tolerance_days: int = 31
    claims: bool = True


def _sentence_tokens(segmentation: Segmentation) -> list[tuple[Token, ...]]:
    """The shared tokens grouped by sentence; tokens between sentences are dropped."""
    tokens = segmentation.tokens
    starts = [t.start for t in tokens]
    groups: list[tuple[Token, ...]] = []
    for sentence in segmentation.sentences:
        lo = bisect_left(starts, sentence.start)
        hi = bisect_left(starts, sentence.end)
        groups.append(tuple(t for t in tokens[lo:hi] if t.end <= sentence.end))
    return groups


def extract_facts(
    article: Article, segmentation: Segmentation, settings: FactsSettings = FactsSettings()
) -> tuple[Mention, ...]:
    """Mentions found in one cleaned article, sorted by start offset."""
    text = article.text
    sentences = _sentence_tokens(segmentation)
    names = find_names(text, sentences, article.id)
    dates = find_dates(
        text, sentences, names, article.published, article.id, settings.future_tolerance_days
    )
    numbers = find_numbers(text, sentences, [(d.start, d.end) for d in dates], article.id)
    speech = _speech(text, sentences, names, article.id, settings)
    mentions = [*names, *dates, *numbers, *speech]
    mentions.sort(key=lambda m: (m.start, m.end, m.kind, m.value, m.key))
    return tuple(mentions)


def _speech(
    text: str,
    sentences: list[tuple[Token, ...]],
    names: list[Mention],
    article_id: str,
    settings: FactsSettings,
) -> list[Mention]:
    """Quote and claim mentions; both read the speech verbs and speakers found once."""
    spans = quote_spans(text)
    if not any(sentences) or not (spans or settings.claims):
        return []
    speakers = Speakers(text, sentences, names, spans)
    quotes = quotes_of(speakers, settings.min_quote_words)
    found: list[tuple[MentionKind, Quote | Claim]] = [("quote", q) for q in quotes]
    if settings.claims:
        kept = [(q.start, q.end) for q in quotes]
        found += [("claim", c) for c in find_claims(speakers, kept)]
    return [
        Mention(
            article_id,
            item.start,
            item.end,
            kind,
            item.value,
            item.speaker,
            item.verb,
            speaker_start=item.speaker_start,
            speaker_end=item.speaker_end,
        )
        for kind, item in found
    ]
