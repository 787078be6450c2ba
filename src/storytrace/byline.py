"""Byline and dateline parsing: who wrote a flattened page, and when it was published.

A scraper that flattens a page keeps the byline as a short line of its own ("By Jane Doe",
"19 May, 2017, 05:31 | Author: Jane Doe", "Published 3 March 2021"). Such a line is both
boilerplate to remove from the body and metadata to keep, so one parser answers both: it
accepts a line only when *every* part of it is an author, a date or a known filler (reading
time), which keeps sentences that merely start with "By ..." in the body.

Dates are strict on purpose: later stages decide which article published a passage first, so
a wrong date is worse than none. A date is taken only when day, month and year are all written,
a numeric date whose day and month could be swapped is refused, and "Updated ..." dates are
reported apart because a modification date is not a publication date.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache
from typing import Any

import dateparser
from dateparser.timezone_parser import pop_tz_offset_from_string

logger = logging.getLogger(__name__)

DATEPARSER_SETTINGS: dict[str, Any] = {
    "RETURN_AS_TIMEZONE_AWARE": True,
    "TIMEZONE": "UTC",
    "PREFER_DAY_OF_MONTH": "first",
    "REQUIRE_PARTS": ["day", "month", "year"],
}

# Languages tried when parsing a byline date. Without a list, dateparser scans every locale it
# knows: about 12 ms per line that is not a date (and a second to load them all), which made
# date parsing the slowest part of cleaning. These cover the bulk of online news.
DATE_LANGUAGES: list[str] = [
    "en",
    "de",
    "fr",
    "es",
    "it",
    "pt",
    "nl",
    "sv",
    "da",
    "nb",
    "pl",
    "ru",
    "uk",
    "tr",
]

MAX_BYLINE_CHARS = 200
MAX_BYLINE_WORDS = 30
MAX_AUTHORS = 4
MAX_NAME_TOKENS = 5

# Month names and abbreviations (en, de, fr, es, it, pt, nl): a date line must name a month or
# be numeric, which keeps dateparser (slow when it fails) away from ordinary short lines.
_MONTHS = (
    "jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|"
    "september|oct|october|nov|november|dec|december|"
    "januar|jänner|februar|märz|mai|juni|juli|oktober|dezember|"
    "janvier|février|fevrier|mars|avril|juin|juillet|août|aout|septembre|octobre|novembre|"
    "décembre|decembre|"
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|"
    "noviembre|diciembre|"
    "gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|"
    "janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|dezembro|"
    "januari|februari|maart|mei|augustus|oktober"
)
_WEEKDAYS = (
    "mon|monday|tue|tues|tuesday|wed|wednesday|thu|thur|thurs|thursday|fri|friday|sat|"
    "saturday|sun|sunday"
)
_NOT_NAMES = frozenset((_MONTHS + "|" + _WEEKDAYS + "|today|yesterday|staff").split("|"))

_YEAR = re.compile(r"(?<!\d)(?:1[89]\d\d|20\d\d)(?!\d)")
_MONTH_NAME = re.compile(rf"(?i)(?<!\w)(?:{_MONTHS})\.?(?!\w)")
_DAY_NUMBER = re.compile(r"(?<!\d)(?:[0-2]?\d|3[01])(?:st|nd|rd|th|\.)?(?!\d)")
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})(?!\d)")
_ISO_DATE = re.compile(r"(?<!\d)(?:1[89]|20)\d\d-[01]\d-[0-3]\d")
_DATE_CHARS = re.compile(r"^[\w\s,.:/+\-()']+$")

_DATE_THEN_BY = re.compile(r"^(?P<date>.+?)\s+(?i:by|von|par|por)\s+(?P<who>.+)$")
_USER_NAME = re.compile(r"[\w.-]{1,30}")
_SEPARATORS = re.compile(r"\s*[|•·▪◦]\s*|\s+[–—]\s+|\s+-\s+")
_BY = re.compile(r"^(?i:by|von|par|por|di|door|av|af)\s+(?P<rest>.+)$")
_AUTHOR_LABEL = re.compile(
    r"^(?i:authors?|written\s+by|reported\s+by|reporter|words|text|autor(?:in)?|auteur|autore)"
    r"\s*:?\s+(?P<rest>.+)$"
)
_DATE_LABEL = re.compile(
    r"^(?P<label>(?i:published|posted|created|date|dated|on|veröffentlicht(?:\s+am)?|"
    r"publié(?:\s+le)?|publicado(?:\s+el)?|pubblicato(?:\s+il)?|"
    r"updated|last\s+updated|modified|last\s+modified|aktualisiert(?:\s+am)?|"
    r"mis\s+à\s+jour(?:\s+le)?|actualizado(?:\s+el)?|aggiornato(?:\s+il)?))"
    r"(?:\s+(?i:on|at|am|le|el|il))?\s*:?\s*(?P<rest>.*)$"
)
_UPDATE_LABEL = re.compile(r"(?i)updated|modified|aktualisiert|mis\s+à\s+jour|actualizado|aggiorn")
_READING_TIME = re.compile(r"^(?i:\d{1,3}\s*(?:-\s*)?(?:min|mins|minutes?)(?:\s+read)?)$")
_NAME_SPLIT = re.compile(r"\s*,\s*|\s+(?i:and|und|et|y|e|en|&)\s+|\s*&\s*")
_NAME_PARTICLE = re.compile(
    r"de|da|di|do|du|del|della|der|den|van|von|la|le|al|el|bin|ibn|ben|dos|das|y"
)


@dataclass(frozen=True, slots=True)
class Byline:
    """What a byline or dateline line says: any of author, publication and update date."""

    author: str | None = None
    published: datetime | None = None
    updated: datetime | None = None


def looks_like_date(text: str) -> bool:
    """Cheap test that ``text`` writes a full date, run before the (slow) dateparser call."""
    if not _YEAR.search(text) or len(text) > 80 or not _DATE_CHARS.match(text):
        return False
    if _ISO_DATE.search(text) or _NUMERIC_DATE.search(text):
        return True
    if not _MONTH_NAME.search(text):
        return False
    without_year = _YEAR.sub(" ", text)
    return _DAY_NUMBER.search(without_year) is not None


def parse_date(text: str) -> datetime | None:
    """Parse a fully written date (day, month and year) to an aware datetime, else None.

    Naive results are taken as UTC; a numeric date that reads both as day/month and as
    month/day (03/04/2021) is refused instead of guessed.
    """
    text = text.strip().rstrip(".,;")
    if not looks_like_date(text):
        return None
    numeric = _NUMERIC_DATE.search(text)
    if numeric and not _ISO_DATE.search(text):
        first, second = int(numeric.group(1)), int(numeric.group(2))
        if len(numeric.group(1)) < 4 and first <= 12 and second <= 12 and first != second:
            return None
    fast = _parse_common_date(text) or _parse_numeric_date(text) or _parse_zoned_date(text)
    if fast is not None:
        return fast
    if not _may_parse(text):
        return None
    return _dateparser_date(text)


def clear_date_cache() -> None:
    """Forget the dateparser results seen so far (a benchmark times pages as if unseen)."""
    _dateparser_date.cache_clear()


@lru_cache(maxsize=4096)
def _dateparser_date(text: str) -> datetime | None:
    """dateparser's reading of ``text`` (~3 ms a call; a page often shows its date twice)."""
    try:
        parsed: datetime | None = dateparser.parse(
            text, languages=DATE_LANGUAGES, settings=DATEPARSER_SETTINGS
        )
    except (ValueError, OverflowError, TypeError, LookupError) as exc:
        logger.debug("date %r not parsed: %s", text, exc)
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


_EN_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_EN_MONTH = "|".join(sorted(_EN_MONTHS, key=len, reverse=True))
# The English forms most bylines use; anything else (other languages, time zones) goes to
# dateparser. The whole string must match, so nothing is silently ignored.
_COMMON_DATE = re.compile(
    rf"""^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?
    (?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\.?\s+(?P<m1>{_EN_MONTH})\.?,?\s+(?P<y1>\d{{4}})
      |(?P<m2>{_EN_MONTH})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})
      |(?P<y3>\d{{4}})-(?P<m3>\d{{2}})-(?P<d3>\d{{2}}))
    (?:(?:,?\s*(?:at\s+)?|T)(?P<h>\d{{1,2}})[:.](?P<mi>\d{{2}})(?::(?P<s>\d{{2}}))?
       (?:\s*(?P<ap>[ap])\.?m\.?)?(?P<z>Z|[+-]00:?00)?)?$""",
    re.IGNORECASE | re.VERBOSE,
)


def _parse_common_date(text: str) -> datetime | None:
    """Common English and ISO dates without dateparser (which costs ~1 ms a call), or None."""
    match = _COMMON_DATE.match(text)
    if match is None:
        return None
    day = match["d1"] or match["d2"] or match["d3"]
    year = match["y1"] or match["y2"] or match["y3"]
    month_name = match["m1"] or match["m2"]
    month = _EN_MONTHS[month_name.lower()] if month_name else int(match["m3"])
    hour, minute = int(match["h"] or 0), int(match["mi"] or 0)
    if match["ap"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["ap"].lower() == "p" else 0)
    try:
        return datetime(int(year), month, int(day), hour, minute, int(match["s"] or 0), tzinfo=UTC)
    except ValueError:
        return None


# "13.11.2019, 23:06", "11.14.2019 09:00 AM": an all-numeric date whose order its values fix
# (parse_date has already refused those that read both ways), with an optional time.
_NUMERIC_WITH_TIME = re.compile(
    r"^(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})"
    r"(?:,?\s+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?:\s*(?P<ap>[ap])\.?m\.?)?)?$",
    re.IGNORECASE,
)


def _parse_numeric_date(text: str) -> datetime | None:
    """A day-month-year or month-day-year date in digits, read without dateparser, or None."""
    match = _NUMERIC_WITH_TIME.match(text)
    if match is None:
        return None
    a, b = int(match["a"]), int(match["b"])
    if a <= 12 and b <= 12 and a != b:
        return None  # reads both ways: parse_date's to refuse
    day, month = (b, a) if b > 12 else (a, b)
    hour, minute = int(match["h"] or 0), int(match["mi"] or 0)
    if match["ap"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["ap"].lower() == "p" else 0)
    try:
        return datetime(int(match["y"]), month, day, hour, minute, int(match["s"] or 0), tzinfo=UTC)
    except ValueError:
        return None


# Time zone abbreviations read without dateparser; their offsets are dateparser's own (read
# from its table on first use), so both paths convert a zoned time to UTC the same way.
_FAST_ZONES = frozenset(
    {
        *("utc", "gmt", "et", "est", "edt", "cst", "cdt", "mst", "mdt", "pt", "pst", "pdt"),
        *("bst", "ist", "cet", "cest", "eet", "eest", "aest", "aedt", "jst", "hkt", "sgt"),
    }
)
_TIME = r"\d{1,2}[:.]\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?"
# "<date> <time> EST": a date _COMMON_DATE reads, with its time, then a zone.
_TRAILING_ZONE = re.compile(r"^(?P<rest>.*\d(?:\s*[ap]\.?m\.?)?)\s+(?P<z>[a-z]{2,4})$", re.I)
# "11:11 PM EST Nov 19, 2019", "10:48, Tue, Nov 19, 2019": a time (and zone) before the date.
_LEADING_TIME = re.compile(
    rf"^(?:(?P<day>(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*)\.?,?\s+)?"
    rf"(?P<time>{_TIME})(?:\s+(?P<z>[a-z]{{2,4}}))?,?\s+(?P<rest>\S.*)$",
    re.I,
)
_ISO_OFFSET = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})T(?P<time>\d{2}:\d{2}(?::\d{2})?)(?P<sign>[+-])"
    r"(?P<oh>\d{2}):(?P<om>\d{2})$"
)


@cache
def _zone_offsets() -> dict[str, timedelta]:
    """UTC offsets of ``_FAST_ZONES`` as dateparser reads them (it knows several "IST"s)."""
    offsets: dict[str, timedelta] = {}
    for zone in _FAST_ZONES:
        found = pop_tz_offset_from_string(f"1 {zone.upper()}")[1]
        offset = found.utcoffset(None) if found is not None else None
        if offset is not None:
            offsets[zone] = offset
    return offsets


def _parse_zoned_date(text: str) -> datetime | None:
    """Zoned and time-first forms of the common dates without dateparser, or None.

    ``_COMMON_DATE`` reads the date and time; the zone (one of ``_FAST_ZONES``) shifts it to
    UTC. Anything else (an hour out of range, an unknown zone) is left to dateparser.
    """
    iso = _ISO_OFFSET.match(text)
    if iso is not None:
        local = _parse_common_date(f"{iso['date']}T{iso['time']}")
        hours = int(iso["oh"]) if iso["sign"] == "+" else -int(iso["oh"])
        # Whole hours of the zones in use only: dateparser refuses offsets no zone has.
        if local is None or iso["om"] != "00" or not -12 <= hours <= 14:
            return None
        return local - timedelta(hours=hours)
    zone: str | None = None
    trailing = _TRAILING_ZONE.match(text)
    if trailing is not None:
        zone, text = trailing["z"].lower(), trailing["rest"]
        if zone not in _FAST_ZONES:
            return None
    leading = _LEADING_TIME.match(text)
    if leading is not None:
        if leading["z"] is not None:
            if zone is not None or leading["z"].lower() not in _FAST_ZONES:
                return None
            zone = leading["z"].lower()
        rest = leading["rest"] if leading["day"] is None else f"{leading['day']} {leading['rest']}"
        date = _COMMON_DATE.match(rest)
        if date is None or date["h"] is not None:
            return None
        local = _parse_common_date(f"{rest} {leading['time']}")
    elif zone is not None:
        date = _COMMON_DATE.match(text)
        local = _parse_common_date(text) if date is not None and date["h"] else None
    else:
        return None
    if local is None:
        return None
    offset = _zone_offsets().get(zone, timedelta(0)) if zone is not None else timedelta(0)
    if zone is not None and zone not in _zone_offsets():
        return None
    return local - offset


_LETTERS = re.compile(r"[^\W\d_]+")
_ROMAN = re.compile(r"[MDCLXVI]+")


@cache
def _date_vocabulary() -> str | None:
    """Every word dateparser may know in ``DATE_LANGUAGES``, lower-cased, as one string.

    It holds the locales' data (month and day names, relative phrases and their patterns,
    simplifications, skipped words), the parser's own tokens and every time zone name, with
    accents and without. None when dateparser's layout is not the expected one: then every
    candidate goes to dateparser.
    """
    try:
        from dateparser.languages.dictionary import KNOWN_WORD_TOKENS, PARSER_KNOWN_TOKENS
        from dateparser.languages.loader import default_loader
        from dateparser.timezones import timezone_info_list
        from dateparser.utils import normalize_unicode

        locales = default_loader.get_locales(languages=DATE_LANGUAGES)
        data: list[Any] = [locale.info for locale in locales]
        data += [KNOWN_WORD_TOKENS, PARSER_KNOWN_TOKENS, timezone_info_list, "t q quarter"]
        text = json.dumps(data, ensure_ascii=False).lower()
        return text + "\n" + str(normalize_unicode(text))
    except (ImportError, AttributeError, TypeError, ValueError) as exc:  # pragma: no cover
        logger.debug("no date vocabulary: %s", exc)
        return None


def _may_parse(text: str) -> bool:
    """False when dateparser surely returns None: an ASCII text with a word that no locale of
    ``DATE_LANGUAGES`` knows ("Associated Press November 19, 2019"), so none applies to it.

    A word counts as known when it occurs anywhere in the locales' data (see
    ``_date_vocabulary``), which errs towards calling dateparser; Roman numerals (read as
    years) and "on:" (whose prefix dateparser drops) always go to it.
    """
    vocabulary = _date_vocabulary()
    if vocabulary is None or not text.isascii() or "on:" in text:
        return True
    return all(
        _ROMAN.fullmatch(word) or word.lower() in vocabulary for word in _LETTERS.findall(text)
    )


def _is_name(name: str) -> bool:
    """One person's name: 1-5 tokens, capitalised ends, no digits, not a month or weekday."""
    tokens = name.split()
    if not 1 <= len(tokens) <= MAX_NAME_TOKENS:
        return False
    for index, token in enumerate(tokens):
        bare = token.strip(".'’-")
        if (
            not bare
            or any(ch.isdigit() for ch in bare)
            or not all(ch.isalpha() or ch in ".'’-" for ch in token)
        ):
            return False
        if bare.lower() in _NOT_NAMES:
            return False
        edge = index in (0, len(tokens) - 1)
        if not bare[0].isupper() and (edge or not _NAME_PARTICLE.fullmatch(bare.lower())):
            return False
    return True


def parse_authors(text: str) -> str | None:
    """The author names in ``text`` ("Jane Doe and John Roe"), or None if it is not names."""
    text = text.strip().strip(",;:")
    names = [" ".join(part.split()) for part in _NAME_SPLIT.split(text) if part.strip()]
    if not 1 <= len(names) <= MAX_AUTHORS or not all(_is_name(name) for name in names):
        return None
    if len(names) > 1 and any(" " in name for name in names):
        # "Jane Doe, Reuters": a lone word beside full names is the agency or desk, not a
        # co-author ("Smith and Jones", surnames only, keeps both).
        full = [name for name in names if " " in name]
        if len(full) < len(names):
            return ", ".join(full[:-1]) + " and " + full[-1] if len(full) > 1 else full[0]
    return " ".join(text.split())


def _parse_part(part: str, found: dict[str, Any]) -> bool:
    """Read one separator-delimited part of a byline into ``found``; False if it is not one."""
    if _READING_TIME.match(part):
        return True
    by = _BY.match(part) or _AUTHOR_LABEL.match(part)
    if by:
        rest = by.group("rest")
        # "By Jane Doe, March 3, 2021" and "By Jane Doe on March 3, 2021": name then date.
        for cut in re.finditer(r",\s*|\s+(?i:on)\s+", rest):
            date = parse_date(rest[cut.end() :])
            if date is not None:
                author = parse_authors(rest[: cut.start()])
                if author is None:
                    return False
                found.setdefault("author", author)
                found.setdefault("published", date)
                return True
        author = parse_authors(rest)
        if author is None:
            return False
        found.setdefault("author", author)
        return True
    label = _DATE_LABEL.match(part)
    date_text = label.group("rest") if label else part
    date = parse_date(date_text)
    if date is None and label:
        # "Posted on March 3, 2021 by Jane Doe" (or "by admin": a user name, not an author)
        with_author = _DATE_THEN_BY.match(date_text)
        if with_author is None:
            return False
        date = parse_date(with_author.group("date"))
        who = with_author.group("who")
        author = parse_authors(who)
        if date is None or (author is None and not _USER_NAME.fullmatch(who)):
            return False
        if author is not None:
            found.setdefault("author", author)
    if date is None:
        return False
    key = "updated" if label and _UPDATE_LABEL.search(label.group("label")) else "published"
    found.setdefault(key, date)
    return True


def parse_byline(line: str) -> Byline | None:
    """Parse a whole line as a byline/dateline; None unless every part of it is understood."""
    line = line.strip().lstrip("•·▪◦*-–— ").strip()
    if not line or len(line) > MAX_BYLINE_CHARS or len(line.split()) > MAX_BYLINE_WORDS:
        return None
    if not (_YEAR.search(line) or _BY.match(line) or _AUTHOR_LABEL.match(line)):
        return None
    found: dict[str, Any] = {}
    for part in _SEPARATORS.split(line):
        part = part.strip()
        if part and not _parse_part(part, found):
            return None
    if not found:
        return None
    return Byline(
        author=found.get("author"), published=found.get("published"), updated=found.get("updated")
    )
