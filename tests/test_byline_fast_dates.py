"""The byline's dateparser shortcuts must answer exactly as dateparser does.

``parse_date`` reads common zoned and time-first dates itself and skips dateparser for texts
no configured locale can read; both only save time, so each is checked against dateparser.
"""

from __future__ import annotations

import itertools
from datetime import datetime

import dateparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.byline import (
    _FAST_ZONES,
    DATE_LANGUAGES,
    DATEPARSER_SETTINGS,
    UTC,
    _may_parse,
    _parse_numeric_date,
    _parse_zoned_date,
    parse_date,
)


def _dateparser(text: str) -> datetime | None:
    parsed: datetime | None = dateparser.parse(
        text, languages=DATE_LANGUAGES, settings=DATEPARSER_SETTINGS
    )
    return parsed.replace(tzinfo=UTC) if parsed is not None and parsed.tzinfo is None else parsed


DATES = ("Nov. 19, 2019", "November 3 2021", "19 Nov 2019", "Wednesday, 20 November 2019")
TIMES = ("8:03 am", "11:11 PM", "23:06", "12:30 am", "7:45:12 pm")
ZONED = [f"{date} {time} {zone}" for date in DATES for time in TIMES[:3] for zone in ("ET", "EST")]
ZONED += [f"{DATES[0]} at {TIMES[0]} {zone.upper()}" for zone in sorted(_FAST_ZONES)]
ZONED += [f"{TIMES[0]} {zone} {DATES[0]}" for zone in ("PST", "ist", "GMT")]
ZONED += [f"{time} EST, {date}" for time, date in itertools.product(TIMES, DATES[:2])]
ZONED += [
    "10:48, Tue, Nov 19, 2019",
    "Fri 6:45 PM, Feb 16, 2018",
    "Sat 8:31 PM, Feb 17, 2018",
    "12:48PM BST 09 Sep 2013",
    "Nov 20 2019, 11:06am ist",
    "2019-11-13T23:06:00+01:00",
    "2019-07-02T22:14:45-05:00",
    "2019-07-02T22:14+14:00",
    "Mon, Nov 18, 2019 8:22AM EST",
]


@pytest.mark.parametrize("text", ZONED)
def test_zoned_dates_read_as_dateparser_reads_them(text: str) -> None:
    fast = _parse_zoned_date(text)
    assert fast is not None, text
    assert fast == _dateparser(text)
    assert parse_date(text) == fast


@pytest.mark.parametrize(
    "text",
    [
        "Nov 20 2019, 15:24pm ist",
        "Nov 19, 2019 8:03 am XYZ",
        "8:03 am EST",
        "Oktober 27, 2015",
        "2019-07-02T22:14:45-05:30",  # dateparser knows no zone at -05:30
    ],
)
def test_other_forms_are_left_to_dateparser(text: str) -> None:
    assert _parse_zoned_date(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Associated Press November 19, 2019, 9:02 AM",
        "Catherine (GiveWell) on September 19, 2018 at 12:48 pm said:",
        "November 19, 2019 / 10:07 AM / CBS News",
        "Stephanie September 17, 2014",
        "ABC News. 15 November 2019",
    ],
)
def test_texts_no_locale_reads_skip_dateparser(text: str) -> None:
    assert not _may_parse(text)
    assert _dateparser(text) is None
    assert parse_date(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "RD on November 14, 2019",  # "rd" and "on" are English date words
        "Oktober 27, 2015",
        "Published on: 3 March 2021",
        "MMXIX March 3",
        "segunda-feira, 22 de janeiro de 2018 às 0:13",  # not ASCII: always dateparser
    ],
)
def test_texts_a_locale_may_read_go_to_dateparser(text: str) -> None:
    assert _may_parse(text)


NUMERIC = [
    "13.11.2019, 23:06",
    "19.11.2019, 08:57",
    "11.14.2019 09:00 AM",
    "11.15.2019 10:09 PM",
    "31/12/2020 11:59 pm",
    "12-25-2019",
    "05.05.2019",
    "7.30.2021 7:05:09 a.m.",
]


@pytest.mark.parametrize("text", NUMERIC)
def test_numeric_dates_read_as_dateparser_reads_them(text: str) -> None:
    fast = _parse_numeric_date(text)
    assert fast is not None, text
    assert fast == _dateparser(text)
    assert parse_date(text) == fast


@settings(max_examples=60, deadline=None)
@given(
    first=st.integers(1, 31),
    second=st.integers(1, 31),
    year=st.integers(1980, 2035),
    separator=st.sampled_from("./-"),
    time=st.sampled_from(["", ", 23:06", " 08:57", " 9:00 AM", " 12:30 a.m.", " 7:45:12 pm"]),
)
def test_numeric_shortcut_never_disagrees_with_dateparser(
    first: int, second: int, year: int, separator: str, time: str
) -> None:
    text = f"{first:02d}{separator}{second:02d}{separator}{year}{time}"
    fast = _parse_numeric_date(text)
    if fast is not None:
        assert fast == _dateparser(text), text
