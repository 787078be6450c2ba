"""Dates: month and day expressions, weekdays and years, resolved and tied to their event.

A date alone says little; what the compare stage needs is *what happened* then. So each date
mention carries as ``key`` the clause's subject and verb ("the daily herald first reported"),
normalized so that two articles telling the same event with different word order give the
same key. Values are ISO 8601: ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``, or ``--MM-DD``/``--MM``
when the year is unknown; ``qualifier`` is the granularity (day, month, year). A weekday that
cannot be placed in a week (no publication date) or that comes with a date ("Saturday 20 May")
is a mention of its own, value ``-W-D`` (ISO 8601 truncated form, 1 = Monday), qualifier
``weekday``: a changed weekday is a changed claim even when the day of the month is the same.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from .facts_names import MONTHS, WEEKDAYS, is_capitalised, surface, wordset
from .model import Mention, Token

_MONTH_NAMES = "|".join(m.capitalize() for m in MONTHS)
_MONTH_ABBR = r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
_WEEKDAY_NAMES = "|".join(d.capitalize() for d in WEEKDAYS)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_DATE = re.compile(
    rf"""\b(?:
      (?:(?P<wd1>{_WEEKDAY_NAMES}),?\s+)?(?P<m1>{_MONTH_NAMES}|(?:{_MONTH_ABBR})\.)\s+(?P<d1>{_DAY})\b
          (?:,?\s+(?P<y1>(?:1[89]|20)\d\d)\b)?
    | (?:(?P<wd2>{_WEEKDAY_NAMES}),?\s+)?(?:the\s+)?(?P<d2>{_DAY})\s+
          (?:of\s+)?(?P<m2>{_MONTH_NAMES})\b
          (?:,?\s+(?P<y2>(?:1[89]|20)\d\d)\b)?
    | (?P<m3>{_MONTH_NAMES}),?\s+(?P<y3>(?:1[89]|20)\d\d)\b
    | (?P<m4>{_MONTH_NAMES})\b
    | (?P<wd>{_WEEKDAY_NAMES})\b
    | (?P<y5>(?:19|20)\d\d)\b
    | (?P<rel>[Tt]oday|[Yy]esterday)\b
    )""",
    re.VERBOSE,
)
# A month or year standing alone is a date only after one of these ("in March", "since 2014").
_DATE_PREPOSITIONS = wordset(
    """
    in since by until till from through during early late mid last next this of before
    after between and to around"""
)
_FUTURE_CUES = frozenset({"will", "next", "upcoming", "planned", "plans", "scheduled"})
_AUXILIARIES = wordset(
    """
    has have had was were is are be been being will would could should may might must
    did does do shall can"""
)
KEY_ADVERBS = wordset(
    """
    first also initially later originally previously reportedly officially publicly
    finally again already earlier then"""
)
IRREGULAR_PAST = wordset(
    """
    said told took made began found gave went came saw wrote met held left fled brought
    sent got kept knew led lost paid ran sold spoke stood won struck hit put set cut let
    became broke chose drew drove fell flew froze grew hid rose shook sank threw woke wore
    fought caught taught thought bought sought built spent lent meant heard felt died shot
    hid dug"""
)
_REPORT_PRESENT = wordset(
    "says reports claims announces confirms denies tells writes reveals shows"
)
_PRONOUNS = wordset("i you he she it we they this that who which what there")
_NOT_SUBJECT = (
    _PRONOUNS
    | _AUXILIARIES
    | wordset(
        """
    a an the of in on at to for from by with and or but that as than"""
    )
)
_CLAUSE_BREAKS = frozenset({";", ":", "that", "which", "who", "because", "while", "but"})
_PUNCT_KEY = re.compile(r"[^\w\s]+")
_SPACE = re.compile(r"\s+")


def is_verb_like(text: str, tokens: Sequence[Token], i: int) -> bool:
    """A crude finite-verb test: irregular past, "-ed" past, or "-ing" after an auxiliary."""
    norm = tokens[i].norm
    if not norm.isalpha() or is_capitalised(surface(text, tokens[i])):
        return False
    prev = tokens[i - 1].norm if i > 0 else ""
    if prev in {"the", "a", "an", "his", "her", "their", "its", "our", "of"}:
        return False  # "the alleged persecution": an adjective or a noun
    if norm in IRREGULAR_PAST or norm in _REPORT_PRESENT:
        return True
    if norm.endswith("ed") and len(norm) >= 5:
        return True
    return norm.endswith("ing") and len(norm) >= 5 and prev in _AUXILIARIES


def normalize_key(words: Sequence[str]) -> str:
    """Lower-case words, punctuation dropped, whitespace collapsed: the form keys compare on."""
    return _SPACE.sub(" ", _PUNCT_KEY.sub(" ", " ".join(words).casefold())).strip()


def _resolve(
    year: int | None, month: int, day: int | None, published: date | None, tolerance_days: int
) -> tuple[str, str] | None:
    """ISO value and granularity; a missing year comes from the publication date."""
    if year is None and published is not None:
        year = published.year
        first = date(year, month, day or 1)
        if first > published + timedelta(days=tolerance_days):
            year -= 1
    if day is not None:
        if day > (calendar.monthrange(year, month)[1] if year else _max_day(month)):
            return None
        return (f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"), "day"
    return (f"{year:04d}-{month:02d}" if year else f"--{month:02d}"), "month"


def _max_day(month: int) -> int:
    return calendar.monthrange(2000, month)[1]  # a leap year allows 29 February


def _month_number(name: str) -> int:
    name = name.rstrip(".").casefold()
    return next(i for i, m in enumerate(MONTHS, 1) if m.startswith(name[:3]))


def _day_number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _weekday(name: str, sentence_norms: set[str], published: date) -> str:
    """The weekday nearest the publication date: the past one, unless the clause is future."""
    target = WEEKDAYS.index(name.casefold())
    if sentence_norms & _FUTURE_CUES:
        ahead = (target - published.weekday()) % 7 or 7
        return (published + timedelta(days=ahead)).isoformat()
    back = (published.weekday() - target) % 7
    return (published - timedelta(days=back)).isoformat()


def _event_key(
    text: str, tokens: Sequence[Token], names: Sequence[Mention], start: int, end: int
) -> str:
    """Subject and verb of the clause a date sits in: the verb before it, else the one after."""
    verbs = [i for i, t in enumerate(tokens) if (t.end <= start or t.start >= end)]
    verbs = [i for i in verbs if is_verb_like(text, tokens, i)]
    before = [i for i in verbs if tokens[i].end <= start]
    after = [i for i in verbs if tokens[i].start >= end]
    chosen: int | None = None
    if before:
        last = before[-1]
        between = {t.norm for t in tokens if tokens[last].end <= t.start and t.end <= start}
        if not between & _CLAUSE_BREAKS:
            chosen = last
    if chosen is None and after:
        chosen = after[0]
    if chosen is None:
        return ""
    return subject_verb(text, tokens, names, chosen)


def subject_verb(text: str, tokens: Sequence[Token], names: Sequence[Mention], verb: int) -> str:
    """ "<subject> <adverbs> <verb>" for the verb at index ``verb``; "" without a subject.

    The subject is a name in the clause before the verb (a person preferred, so an
    apposition such as "X, the ambassador to the United Nations, said" gives X), else the
    noun right before the verb. Auxiliaries are dropped, so "had first reported" and "first
    reported" give the same key.
    """
    words: list[str] = []
    i = verb - 1
    while i >= 0 and (tokens[i].norm in _AUXILIARIES or tokens[i].norm in KEY_ADVERBS):
        if tokens[i].norm in KEY_ADVERBS:
            words.insert(0, tokens[i].norm)
        i -= 1
    clause_start = tokens[0].start
    for k in range(verb - 1, -1, -1):
        if tokens[k].norm in _CLAUSE_BREAKS or (k < verb - 1 and is_verb_like(text, tokens, k)):
            clause_start = tokens[k].end
            break
    in_clause = [n for n in names if n.start >= clause_start and n.end <= tokens[verb].start]
    subject = ""
    adjacent = [n for n in in_clause if i >= 0 and n.end == tokens[i].end]
    people = [n for n in in_clause if n.kind == "person"]
    if people:
        subject = people[-1].value
    elif adjacent:
        subject = adjacent[-1].value
    elif i >= 0:
        word = surface(text, tokens[i])
        if word.isalpha() and tokens[i].norm not in _NOT_SUBJECT and not is_capitalised(word):
            subject = tokens[i].norm
    if not subject:
        return ""
    return normalize_key([subject, *words, tokens[verb].norm])


def find_dates(
    text: str,
    sentences: Sequence[Sequence[Token]],
    names: Sequence[Mention],
    published: datetime | None,
    article_id: str,
    tolerance_days: int,
) -> list[Mention]:
    """Date mentions with ISO values, granularity and the event they anchor."""
    pub = published.date() if published is not None else None
    name_starts = [n.start for n in names]
    mentions: list[Mention] = []
    for tokens in sentences:
        if not tokens:
            continue
        s_start, s_end = tokens[0].start, tokens[-1].end
        norms = {t.norm for t in tokens}
        lo = bisect_left(name_starts, s_start)
        hi = bisect_left(name_starts, s_end)
        in_sentence = names[lo:hi]
        for match in _DATE.finditer(text, s_start, s_end):
            resolved = _match_value(text, match, tokens, norms, pub, tolerance_days)
            if resolved is None:
                continue
            value, granularity = resolved
            key = _event_key(text, tokens, in_sentence, match.start(), match.end())
            mentions.append(
                Mention(article_id, match.start(), match.end(), "date", value, key, granularity)
            )
            named = "wd1" if match.group("wd1") else "wd2" if match.group("wd2") else ""
            if named:  # "Saturday 20 May": the weekday is a claim of its own
                wd_start, wd_end = match.span(named)
                mentions.append(
                    Mention(
                        article_id,
                        wd_start,
                        wd_end,
                        "date",
                        weekday_value(match.group(named)),
                        key,
                        "weekday",
                    )
                )
    return mentions


def weekday_value(name: str) -> str:
    """A weekday with no week to place it in: ISO 8601's truncated form "-W-D" (1 = Monday)."""
    return f"-W-{WEEKDAYS.index(name.casefold()) + 1}"


def _previous_word(text: str, tokens: Sequence[Token], start: int) -> str:
    index = bisect_left([t.start for t in tokens], start)
    return tokens[index - 1].norm if index > 0 else ""


def _match_value(
    text: str,
    match: re.Match[str],
    tokens: Sequence[Token],
    norms: set[str],
    pub: date | None,
    tolerance_days: int,
) -> tuple[str, str] | None:
    groups = match.groupdict()
    if groups["m1"] or groups["m2"]:
        month = _month_number(groups["m1"] or groups["m2"])
        day = _day_number(groups["d1"] or groups["d2"])
        year_text = groups["y1"] or groups["y2"]
        return _resolve(int(year_text) if year_text else None, month, day, pub, tolerance_days)
    if groups["m3"]:
        return _resolve(int(groups["y3"]), _month_number(groups["m3"]), None, pub, tolerance_days)
    previous = _previous_word(text, tokens, match.start())
    if groups["m4"]:
        if previous not in _DATE_PREPOSITIONS:
            return None  # "May" the verb, "March" the noun
        return _resolve(None, _month_number(groups["m4"]), None, pub, tolerance_days)
    if groups["y5"]:
        if previous not in _DATE_PREPOSITIONS:
            return None
        return groups["y5"], "year"
    if groups["wd"] and pub is None:
        return weekday_value(groups["wd"]), "weekday"  # compared only with other weekdays
    if pub is None:
        return None  # "yesterday" cannot be placed without the publication date
    if groups["wd"]:
        return _weekday(groups["wd"], norms, pub), "day"
    rel = groups["rel"].casefold()
    return (pub if rel == "today" else pub - timedelta(days=1)).isoformat(), "day"
