"""Reported speech: what a named speaker is said to have said, outside quotation marks.

"Smith said the dam held", "the ministry confirmed that two men were held", "the toll rose,
police said", "according to the ministry, the toll rose": each is a claim the article
attributes to someone, which a fact-checker weighs differently from the reporter's own words.
A claim is the reported clause ("that" or "if" left out, the final full stop too), with the
speaker the speech verb's subject (``facts_speakers``) and the verb.

Precision first, as everywhere in facts: a verb whose subject the rules cannot find gives no
claim; a verb followed by a noun phrase ("confirmed her death") gives none unless it is one of
the verbs that take a bare clause ("said", "says", "added"...); and a clause that holds a
direct quote is left to the quote, as the labelling guidelines of the benchmark also do.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from .facts_names import WEEKDAYS, wordset
from .facts_quotes import normalize_quote
from .facts_speakers import Attribution, Speakers

# Verbs that report a bare clause ("Smith said the dam held"); the others need "that".
_BARE_CLAUSE_VERBS = wordset(
    "said says say added adds tweeted wrote writes stated claimed claims argued argues insisted "
    "insists explained noted admitted conceded saying"
)
# Words that open the reported clause and are not part of it.
_COMPLEMENTIZERS = wordset("that")
_QUESTION_WORDS = wordset("if whether")
_ASK_VERBS = wordset("asked asks asking")
_PREPOSITIONS = wordset("in on at during after before from to with for by of about over via")
# How far "that" may follow the verb ("told reporters on Tuesday that ...").
_THAT_WINDOW = 7
# A trailing attribution may be followed by this many tokens ("..., police said on Monday.").
_TAIL_TOKENS = 6
_TIME_WORDS = wordset("today yesterday tonight earlier later late last this") | frozenset(WEEKDAYS)
# Words that may stand between that comma and the speaker's name ("the Navy spokesperson").
_ATTRIBUTION_LEAD = 6
_MIN_CLAIM_WORDS = 3
_APPOSITION_OPENERS = wordset("a an the who")
# Subjects that open a reported clause after an adjunct ("said in a statement it ...").
_CLAUSE_SUBJECTS = wordset("it he she they we i there")
_ADJUNCT_TOKENS = 7
_END_PUNCTUATION = frozenset({".", "!", "?", ";", ":"})


@dataclass(frozen=True, slots=True)
class Claim:
    """A reported clause ``[start, end)`` and its attribution."""

    start: int
    end: int
    value: str
    speaker: str
    speaker_start: int
    speaker_end: int
    verb: str


def find_claims(speakers: Speakers, quotes: Sequence[tuple[int, int]] | None = None) -> list[Claim]:
    """Reported clauses of every attributed speech verb, in text order, none overlapping.

    ``quotes`` are the spans of the direct quotes kept (all quoted spans when None): a clause
    holding one is left to the quote, while one holding a scare-quoted word ("said she was
    "bubbly" when ...") is still reported speech."""
    kept = speakers.quotes if quotes is None else quotes
    claims: list[Claim] = []
    for verb in speakers.verbs:
        attribution = speakers.attributions.get(verb)
        if attribution is None or speakers.in_headline(verb):
            continue  # "T-Mobile Adds BlackBerry Q10 to Its Portfolio": a title, not a report
        span = _clause(speakers, verb, attribution)
        if span is None:
            continue
        start, end = span
        text = speakers.text
        if len(text[start:end].split()) < _MIN_CLAIM_WORDS:
            continue
        if any(s < end and start < e for s, e in kept):
            continue  # a direct quote inside: the quote is the record
        if claims and start < claims[-1].end:
            continue
        claims.append(
            Claim(
                start,
                end,
                normalize_quote(text[start:end]),
                attribution.name,
                attribution.start,
                attribution.end,
                attribution.verb,
            )
        )
    claims.sort(key=lambda c: c.start)
    return claims


def _clause(speakers: Speakers, verb: int, attribution: Attribution) -> tuple[int, int] | None:
    """The offsets of the clause this verb reports, or None when there is none to take."""
    tokens = speakers.tokens
    sentence = speakers.sentence_of(verb)
    lo, hi = speakers.first_token[sentence], speakers.first_token[sentence + 1]
    last = _last_content(speakers, lo, hi)
    if last is None:
        return None
    if verb > lo and tokens[verb - 1].norm == "to":
        return None  # "declined to say whether ...", "wants to say": nothing was said
    if tokens[verb].norm == "according":
        if verb == lo:  # "According to X, <clause>."
            comma = _next(speakers, verb + 2, last + 1, ",")
            return None if comma is None else _span(speakers, comma + 1, last)
        if verb - 1 > lo and tokens[verb - 1].norm == ",":  # "<clause>, according to X."
            return _span(speakers, lo, verb - 2)
        return None
    subject_first = attribution.start < tokens[verb].start
    attribution_first = min(attribution.start, tokens[verb].start)
    first = speakers.sentence_at(attribution_first)
    if first != sentence:
        return None  # the subject was resolved from another sentence: no local attribution
    # The comma closing the clause before a trailing attribution: the last one before the
    # attribution, with only its words between ("..., the Navy spokesperson said").
    k = lo
    while k < hi and tokens[k].start < attribution_first:
        k += 1
    comma = k - 1
    while comma > lo and k - comma <= _ATTRIBUTION_LEAD and tokens[comma].norm != ",":
        comma -= 1
    tail_end = verb if subject_first else _token_at(speakers, attribution.end - 1, hi)
    if comma > lo and tokens[comma].norm == "," and k - comma <= _ATTRIBUTION_LEAD:
        if (not subject_first and _apposition(speakers, tail_end + 1, last)) or (
            last - tail_end <= _TAIL_TOKENS and _only_adjuncts(speakers, tail_end + 1, last + 1)
        ):
            return _span(speakers, lo, comma - 1)  # "<clause>, police said."
        if subject_first and tail_end + 1 <= last and tokens[tail_end + 1].norm == ",":
            # "After it, he said, <clause>." (after "said X," comes X's apposition instead)
            return _span(speakers, tail_end + 2, last)
    if not subject_first:
        return None
    return _after_verb(speakers, verb, last)


def _after_verb(speakers: Speakers, verb: int, last: int) -> tuple[int, int] | None:
    """ "X said (that) <clause>", "X told reporters that <clause>", "X asked if <clause>"."""
    tokens = speakers.tokens
    norm = tokens[verb].norm
    for j in range(verb + 1, min(verb + 1 + _THAT_WINDOW, last + 1)):
        word = tokens[j].norm
        if word in _END_PUNCTUATION or word == "," or speakers.inside(j):
            break
        if word in _COMPLEMENTIZERS or (norm in _ASK_VERBS and word in _QUESTION_WORDS):
            return _span(speakers, j + 1, last)
    nxt = verb + 1
    if norm not in _BARE_CLAUSE_VERBS or nxt > last:
        return None
    if not tokens[nxt].norm[:1].isalnum():
        return None  # 'said: "..."', 'said, "...': a quote or a list, not a clause
    if tokens[nxt].norm in _PREPOSITIONS and not _amount(speakers, nxt):
        # "said in a statement it appeared ...": a short adjunct, then a clause opening with
        # a pronoun subject; "said in a statement." alone reports nothing here
        for j in range(nxt + 1, min(nxt + _ADJUNCT_TOKENS, last)):
            word = tokens[j].norm
            if word in _CLAUSE_SUBJECTS:
                return _span(speakers, j, last)
            if not word.replace("-", "").isalnum() or j in speakers.verb_set:
                break
        return None
    return _span(speakers, nxt, last)


def _span(speakers: Speakers, first: int, last: int) -> tuple[int, int] | None:
    """Offsets from token ``first`` to token ``last``, cut before a trailing participle
    (", adding that ...": a claim of its own) and without closing punctuation."""
    tokens = speakers.tokens
    if first > last:
        return None
    verbs = speakers.verb_set
    for j in range(first + 1, last):
        if tokens[j].norm == "," and tokens[j + 1].norm.endswith("ing") and j + 1 in verbs:
            last = j - 1
            break
    end_of_text = tokens[last].end
    while last >= first and not tokens[last].norm[:1].isalnum() and tokens[last].norm != ")":
        last -= 1
    if last < first:
        return None
    start, end = tokens[first].start, tokens[last].end
    closing = _closing_mark(speakers.text, start, end, end_of_text)
    return start, end if closing is None else closing


def _closing_mark(text: str, start: int, end: int, limit: int) -> int | None:
    """The end of the closing quotation mark trimmed off after ``end`` (before ``limit``)
    when the span opened one: 'referred to as a "concentration camp."' keeps the mark that
    closes its quoted term, so that the span's marks stay paired."""
    straight = text.count('"', start, end) % 2 == 1
    curly = text.count("“", start, end) > text.count("”", start, end)
    if not (straight or curly):
        return None
    found = text.find('"' if straight else "”", end, limit)
    return None if found < 0 else found + 1


def _amount(speakers: Speakers, i: int) -> bool:
    """ "at least" / "at most" / "up to" open a count ("said at least three people died")."""
    pair = (
        speakers.tokens[i].norm,
        speakers.tokens[i + 1].norm if i + 1 < len(speakers.tokens) else "",
    )
    return pair in {("at", "least"), ("at", "most"), ("up", "to")}


def _last_content(speakers: Speakers, lo: int, hi: int) -> int | None:
    """The last token of the sentence before its closing punctuation."""
    last = hi - 1
    while last >= lo and speakers.tokens[last].norm in _END_PUNCTUATION:
        last -= 1
    return last if last >= lo else None


def _next(speakers: Speakers, start: int, stop: int, norm: str) -> int | None:
    for j in range(start, stop):
        if speakers.tokens[j].norm == norm:
            return j
    return None


def _token_at(speakers: Speakers, offset: int, hi: int) -> int:
    """The index of the token holding ``offset`` (the last token before ``hi`` at worst)."""
    j = bisect_right(speakers.starts, offset) - 1
    return min(max(j, 0), hi - 1)


def _apposition(speakers: Speakers, first: int, last: int) -> bool:
    """The attribution's speaker is described after it to the sentence's end ("..., said
    Ina, a nurse at the hospital, who ..."): a comma, then "a", "an", "the" or "who"."""
    tokens = speakers.tokens
    return (
        first < last
        and tokens[first].norm == ","
        and tokens[first + 1].norm in _APPOSITION_OPENERS
        and not any(j in speakers.verb_set for j in range(first, last + 1))
    )


def _only_adjuncts(speakers: Speakers, first: int, stop: int) -> bool:
    """Tokens after a trailing attribution are a time or place adjunct ("on Monday", "in a
    statement", "today"), not a clause of its own: nothing, or a preposition or time word
    first, and no comma or second verb."""
    tokens = speakers.tokens
    if first >= stop:
        return True
    if tokens[first].norm not in _PREPOSITIONS and tokens[first].norm not in _TIME_WORDS:
        return False
    return all(
        tokens[j].norm not in {",", "that"} and j not in speakers.verb_set
        for j in range(first, stop)
    )
