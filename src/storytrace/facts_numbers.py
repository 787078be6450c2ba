"""Numbers: digits and number words, with their hedge and what they count.

Two figures can only disagree when they count the same thing in the same event, so each
number mention carries ``key = "<counted thing>|<event>"``: the noun phrase after the number
("gay men", "people", "percent", "usd help") and, when the clause makes it easy, the event it
is counted in ("rounded up", "in hiding"), either part possibly empty. ``value`` is a plain
decimal string ("40", "1400000000", "1.5"); ``qualifier`` is ``approx``, ``min``, ``max`` or
``exact``. Numbers inside dates, times, years, ages, addresses and names are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from .facts_dates import IRREGULAR_PAST
from .facts_names import is_capitalised, surface, wordset
from .model import Mention, Token

_UNITS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {
    "dozen": Decimal(12),
    "hundred": Decimal(100),
    "thousand": Decimal(1000),
    "million": Decimal(10**6),
    "billion": Decimal(10**9),
    "trillion": Decimal(10**12),
    "bn": Decimal(10**9),
    "mn": Decimal(10**6),
}
_CURRENCIES = {"$": "usd", "€": "eur", "£": "gbp", "¥": "jpy"}
_DIGITS = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
# Hedges before a number, longest first; the value is the qualifier they give.
_HEDGES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("no", "more", "than"), "max"),
    (("no", "fewer", "than"), "min"),
    (("no", "less", "than"), "min"),
    (("more", "than"), "min"),
    (("at", "least"), "min"),
    (("upwards", "of"), "min"),
    (("in", "excess", "of"), "min"),
    (("fewer", "than"), "max"),
    (("less", "than"), "max"),
    (("up", "to"), "max"),
    (("at", "most"), "max"),
    (("as", "many", "as"), "approx"),
    (("close", "to"), "approx"),
    (("an", "estimated"), "approx"),
    (("roughly",), "approx"),
    (("around",), "approx"),
    (("about",), "approx"),
    (("some",), "approx"),
    (("nearly",), "approx"),
    (("almost",), "approx"),
    (("approximately",), "approx"),
    (("estimated",), "approx"),
    (("circa",), "approx"),
    (("~",), "approx"),
    (("over",), "min"),
    (("above",), "min"),
    (("under",), "max"),
    (("below",), "max"),
)
_THING_STOP = wordset(
    """
    a an the of in into on at to for from by with and or but now still already had have
    has been were was are is be being who that which as than had their his her its this
    these those when while after before since during across per each every reportedly so
    more less than they it he she we you all some many"""
)
_EVENT_SKIP = wordset(
    """
    now still already had have has been were was are is be being reportedly allegedly
    all currently so far also"""
)
_PARTICLES = frozenset({"up", "down", "out", "off", "away", "back", "over"})
# Words after a count that say what happened to it ("five hurt", "31,000 people dead"): the
# event, never part of the counted thing.
_STATE_WORDS = wordset("hurt dead missing homeless injured wounded killed")
_QUAKE_WORDS = wordset("quake earthquake temblor tremor")
_MAGNITUDE = re.compile(r"^magnitude-(\d+(?:\.\d+)?)$")
# Words before a year that make it the time of the clause's event ("in 2003", "December 2003").
_YEAR_LEADS = wordset(
    """
    in since during of january february march april may june july august september october
    november december jan feb mar apr jun jul aug sep sept oct nov dec"""
)
_TIME_AFTER = frozenset({"am", "pm", "a.m", "p.m", "o'clock", "gmt", "utc"})
_AGE_BEFORE = frozenset({"aged", "age", "ages"})
_ADDRESS_HEADS = wordset("street st avenue ave road rd boulevard blvd lane drive square place way")
_MAX_THING_WORDS = 3


def _plain(value: Decimal) -> str:
    """A decimal as plain digits, no exponent and no trailing zeros: "1400000000", "1.5"."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _word_value(norms: Sequence[str]) -> Decimal | None:
    """Value of a run of number words ("forty", "twenty-five", "two hundred", "a dozen")."""
    total = Decimal(0)
    current = Decimal(0)
    seen = False
    for norm in norms:
        parts = norm.split("-")
        if all(p in _UNITS for p in parts):
            current += sum(Decimal(_UNITS[p]) for p in parts)
            seen = True
        elif norm in _SCALES:
            scale = _SCALES[norm]
            current = (current or Decimal(1)) * scale
            if scale >= 1000:
                total += current
                current = Decimal(0)
            seen = True
        elif norm in {"a", "and"}:
            continue
        else:
            return None
    return total + current if seen else None


def _is_number_word(norm: str) -> bool:
    return all(p in _UNITS for p in norm.split("-")) or norm in _SCALES


def _hedge(tokens: Sequence[Token], i: int) -> tuple[str, int]:
    """Qualifier from the words before token ``i``, and the index where the hedge starts."""
    for words, qualifier in _HEDGES:
        n = len(words)
        if i >= n and tuple(t.norm for t in tokens[i - n : i]) == words:
            return qualifier, i - n
    return "exact", i


def _verb_like(norm: str) -> bool:
    return norm.isalpha() and (
        norm in IRREGULAR_PAST or (len(norm) >= 5 and norm.endswith(("ed", "ing")))
    )


def _adverb(norm: str) -> bool:
    """ "slightly", "reportedly": words that qualify the event, never the counted thing."""
    return len(norm) > 4 and norm.endswith("ly") and norm.isalpha()


def _thing_and_event(tokens: Sequence[Token], j: int, before: int) -> str:
    """``"thing|event"`` for a number ending at token ``j`` whose hedge starts at ``before``."""
    thing: list[str] = []
    k = j
    while k < len(tokens) and len(thing) < _MAX_THING_WORDS:
        norm = tokens[k].norm
        if (
            not norm.replace("-", "").isalpha()
            or norm in _THING_STOP
            or norm in _STATE_WORDS
            or _verb_like(norm)
            or _adverb(norm)
        ):
            break
        thing.append(norm)
        k += 1
    while k < len(tokens) and (tokens[k].norm in _EVENT_SKIP or _adverb(tokens[k].norm)):
        k += 1
    event = ""
    if k < len(tokens) and tokens[k].norm in _STATE_WORDS:
        event = tokens[k].norm  # "31,000 people dead", "five hurt"
    elif k + 1 < len(tokens) and tokens[k].norm in {"in", "into"} and tokens[k + 1].norm.isalpha():
        event = f"in {tokens[k + 1].norm}"
    elif k < len(tokens) and _verb_like(tokens[k].norm):
        event = tokens[k].norm
        if k + 1 < len(tokens) and tokens[k + 1].norm in _PARTICLES:
            event += f" {tokens[k + 1].norm}"
    elif before > 0 and _verb_like(tokens[before - 1].norm):
        event = tokens[before - 1].norm
    elif (
        before > 1 and tokens[before - 1].norm in _PARTICLES and _verb_like(tokens[before - 2].norm)
    ):
        event = f"{tokens[before - 2].norm} {tokens[before - 1].norm}"  # "rounded up 12 men"
    return f"{' '.join(thing)}|{event}"


def _skip_context(text: str, tokens: Sequence[Token], i: int, j: int) -> bool:
    """True when the number at tokens [i, j) is a time, age, address, year or part of a name."""
    first, last = tokens[i], tokens[j - 1]
    if first.start > 0 and (text[first.start - 1].isalpha() or text[first.start - 1] == "-"):
        return True  # "G20", "Covid-19"
    if last.end < len(text) and text[last.end].isalpha():
        return True  # "1st", "3D"
    after = tokens[j].norm if j < len(tokens) else ""
    after2 = tokens[j + 1].norm if j + 1 < len(tokens) else ""
    prev = tokens[i - 1].norm if i > 0 else ""
    if after in _TIME_AFTER or prev in _AGE_BEFORE:
        return True
    if after == "-" and after2.startswith("year"):
        return True  # "34-year-old"
    if after in {"years", "year"} and after2 == "old":
        return True
    if i > 1 and is_capitalised(surface(text, tokens[i - 1])) and prev.isalpha():
        return True  # "Article 5", "Boeing 737" (a capital at the sentence start says nothing)
    # "221 Baker Street"
    return bool(after) and is_capitalised(surface(text, tokens[j])) and after2 in _ADDRESS_HEADS


def find_numbers(
    text: str,
    sentences: Sequence[Sequence[Token]],
    skip_spans: Sequence[tuple[int, int]],
    article_id: str,
) -> list[Mention]:
    """Number mentions outside ``skip_spans`` (the dates), with hedge and counted thing."""
    mentions: list[Mention] = []
    for tokens in sentences:
        i = 0
        n = len(tokens)
        anchor = _year_anchor(tokens)
        quake = any(t.norm in _QUAKE_WORDS for t in tokens)
        while i < n:
            if not _may_start(tokens[i].norm):
                i += 1
                continue
            special = _magnitude_or_age(text, tokens, i, quake)
            if special is not None:
                (value, key, start, end), i = special
                if not any(s < end and start < e for s, e in skip_spans):
                    mentions.append(
                        Mention(article_id, start, end, "number", value, key + anchor, "exact")
                    )
                continue
            found = _number_at(tokens, i)
            if found is None:
                i += 1
                continue
            value, j, unit = found
            start = tokens[i].start
            end = tokens[j - 1].end
            currency = tokens[i - 1].norm if i > 0 and tokens[i - 1].norm in _CURRENCIES else ""
            inside_date = any(s < end and start < e for s, e in skip_spans)
            if inside_date or _skip_context(text, tokens, i, j):
                i = j
                continue
            hedge_at = i - 1 if currency else i
            qualifier, before = _hedge(tokens, hedge_at)
            key = _thing_and_event(tokens, j, before)
            thing, _, event = key.partition("|")
            if unit:
                thing = unit
            if currency:
                thing = _CURRENCIES[currency] + (f" {thing}" if thing else _money_thing(tokens, j))
                start = tokens[i - 1].start
            if event:
                event += anchor
            mentions.append(
                Mention(article_id, start, end, "number", value, f"{thing}|{event}", qualifier)
            )
            i = j
    return mentions


def _may_start(norm: str) -> bool:
    """Whether a number, an age or a magnitude can start at this token: most tokens cannot,
    and the full checks cost a few function calls each (cheap filter, same mentions)."""
    return (
        norm[:1].isdigit()
        or norm == "a"
        or norm in _SCALES
        or norm.partition("-")[0] in _UNITS
        or norm.startswith("magnitude")
    )


def _year_anchor(tokens: Sequence[Token]) -> str:
    """ " @2003" when the sentence sets its event in a year ("in 2003", "December 2003").

    A figure of another year's event (a past disaster's toll recalled in today's report) then
    never meets today's figures: keys differ.
    """
    for k in range(1, len(tokens)):
        if _YEAR.match(tokens[k].norm) and tokens[k - 1].norm in _YEAR_LEADS:
            return f" @{tokens[k].norm}"
    return ""


def _value_of(norm: str) -> str | None:
    if _DIGITS.match(norm):
        return _plain(Decimal(norm.replace(",", "")))
    value = _word_value(norm.split("-"))
    return _plain(value) if value is not None else None


def _magnitude_or_age(
    text: str, tokens: Sequence[Token], i: int, quake: bool
) -> tuple[tuple[str, str, int, int], int] | None:
    """((value, key, start, end), next index) for a magnitude or an age starting at ``i``.

    Magnitudes ("magnitude-5.9", "a 6.1-magnitude quake", "a magnitude of 5.9", "magnitude
    5.9") get ``magnitude|quake`` when the sentence is about a quake, so that every wording
    compares. Ages ("32-year-old X", "X, 31,", "aged 40") get ``age|<surname>`` (``age|`` when
    no name is next to it): two ages compare only when they are of one person.
    """
    n = len(tokens)
    norm = tokens[i].norm
    event = "quake" if quake else ""
    match = _MAGNITUDE.match(norm)
    if match:
        return (match.group(1), f"magnitude|{event}", tokens[i].start, tokens[i].end), i + 1
    if norm == "magnitude":
        k = i + 1
        if k < n and tokens[k].norm == "of":
            k += 1
        if k < n and _DIGITS.match(tokens[k].norm) and "." in tokens[k].norm:
            value = _value_of(tokens[k].norm)
            if value is not None:
                key = f"magnitude|{event}"
                return (value, key, tokens[k].start, tokens[k].end), k + 1
        return None
    if norm.endswith("-year-old") and norm.count("-") >= 3:  # "sixty-two-year-old", one token
        value = _value_of(norm.removesuffix("-year-old"))
        if value is not None:
            name = _name_after(text, tokens, i + 1)
            return (value, f"age|{name}", tokens[i].start, tokens[i].end), i + 1
    words = norm.split("-")
    value = _value_of(norm) if _DIGITS.match(norm) or all(w in _UNITS for w in words) else None
    if value is None:
        return None
    if (
        i + 2 < n
        and "." in norm
        and tokens[i + 1].norm == "-"
        and tokens[i + 2].norm == "magnitude"
    ):
        return (value, f"magnitude|{event}", tokens[i].start, tokens[i].end), i + 3
    if i + 2 < n and tokens[i + 1].norm == "-" and tokens[i + 2].norm == "year-old":
        name = _name_after(text, tokens, i + 3)
        return (value, f"age|{name}", tokens[i].start, tokens[i].end), i + 3
    if (
        i >= 2
        and 0 < int(float(value)) < 120
        and "." not in value
        and tokens[i - 1].norm == ","
        and i + 1 < n
        and tokens[i + 1].norm in {",", ".", ";"}
        and is_capitalised(surface(text, tokens[i - 2]))
        and tokens[i - 2].norm.isalpha()
    ):
        return (value, f"age|{tokens[i - 2].norm}", tokens[i].start, tokens[i].end), i + 1
    return None


def _name_after(text: str, tokens: Sequence[Token], k: int) -> str:
    """The surname right after an age ("36-year-old champion Klitschko"), or ""."""
    for step in range(2):
        if k + step >= len(tokens):
            return ""
        word = surface(text, tokens[k + step])
        if is_capitalised(word) and word.isalpha():
            last = k + step
            while last + 1 < len(tokens) and is_capitalised(surface(text, tokens[last + 1])):
                last += 1
            return tokens[last].norm if tokens[last].norm.isalpha() else ""
        if not word.isalpha() or tokens[k + step].norm in _THING_STOP:
            return ""
    return ""


def _money_thing(tokens: Sequence[Token], j: int) -> str:
    """For "$1.4 billion in help", the noun after the preposition: " help"."""
    if j + 1 < len(tokens) and tokens[j].norm in {"in", "for", "of", "to"}:
        nxt = tokens[j + 1].norm
        if nxt.isalpha() and nxt not in _THING_STOP:
            return f" {nxt}"
    return ""


def _number_at(tokens: Sequence[Token], i: int) -> tuple[str, int, str] | None:
    """(value, end index, unit) of a number starting at token ``i``, or None."""
    norm = tokens[i].norm
    n = len(tokens)
    if _DIGITS.match(norm):
        j = i + 1
        try:
            value = Decimal(norm.replace(",", ""))
        except InvalidOperation:
            return None
        if j < n and tokens[j].norm in _SCALES and tokens[j].norm != "dozen":
            value *= _SCALES[tokens[j].norm]
            j += 1
        elif _YEAR.match(norm) and (i == 0 or tokens[i - 1].norm not in _CURRENCIES):
            return None  # a year; the date finder owns it
        unit = ""
        if j < n and tokens[j].norm in {"percent", "%"}:
            unit, j = "percent", j + 1
        elif j + 1 < n and tokens[j].norm == "per" and tokens[j + 1].norm == "cent":
            unit, j = "percent", j + 2
        return _plain(value), j, unit
    start = i
    if norm == "a" and i + 1 < n and tokens[i + 1].norm in _SCALES:
        start = i + 1
    elif not _is_number_word(norm):
        return None
    j = start
    while j < n and (
        _is_number_word(tokens[j].norm)
        or (tokens[j].norm == "and" and j + 1 < n and _is_number_word(tokens[j + 1].norm))
    ):
        j += 1
    words = [t.norm for t in tokens[i:j]]
    if words == ["one"] or words == ["a"]:
        return None  # "one of the", "no one": too ambiguous to count
    word_value = _word_value(words)
    if word_value is None:
        return None
    unit = ""
    if j < n and tokens[j].norm in {"percent", "%"}:
        unit, j = "percent", j + 1
    return _plain(word_value), j, unit
