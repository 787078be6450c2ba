"""Byline/dateline parsing: whole lines only, strict dates, updates apart from publication."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storytrace.byline import looks_like_date, parse_authors, parse_byline, parse_date


@pytest.mark.parametrize(
    ("line", "author", "published"),
    [
        ("By Jane Doe", "Jane Doe", None),
        ("BY Jane Doe", "Jane Doe", None),
        ("By Jane Doe | March 3, 2021", "Jane Doe", datetime(2021, 3, 3, tzinfo=UTC)),
        ("By Jane Doe, March 3, 2021", "Jane Doe", datetime(2021, 3, 3, tzinfo=UTC)),
        ("By Jane Doe on 3 March 2021", "Jane Doe", datetime(2021, 3, 3, tzinfo=UTC)),
        ("Author: Marie de la Cruz and Tom Li", "Marie de la Cruz and Tom Li", None),
        ("Written by Ana Lima", "Ana Lima", None),
        ("Published 3 March 2021", None, datetime(2021, 3, 3, tzinfo=UTC)),
        ("Posted on 2021-03-04", None, datetime(2021, 3, 4, tzinfo=UTC)),
        ("By Jane Doe | 5 min read", "Jane Doe", None),
        (
            "11 August, 2019, 18:05 | Author: Ken Obi",
            "Ken Obi",
            datetime(2019, 8, 11, 18, 5, tzinfo=UTC),
        ),
        (
            "von Hans Müller | 5. März 2021, 14:00 Uhr",
            "Hans Müller",
            datetime(2021, 3, 5, 14, 0, tzinfo=UTC),
        ),
    ],
)
def test_bylines(line: str, author: str | None, published: datetime | None) -> None:
    byline = parse_byline(line)
    assert byline is not None
    assert byline.author == author
    assert byline.published == published


@pytest.mark.parametrize(
    "line",
    [
        "By Tuesday, the fires were out.",
        "By Monday",
        "by the way",
        "In 2021 things changed",
        "Mr Smith said on 3 March 2021 that the plan would go ahead.",
        "Posted on 03/04/2021",  # day and month could be swapped: refused, not guessed
        "Published March 2021",  # no day written
        "",
        "By " + "Name " * 40,
    ],
)
def test_not_bylines(line: str) -> None:
    assert parse_byline(line) is None


def test_updated_date_is_not_the_publication_date() -> None:
    byline = parse_byline("Updated: March 4, 2021 10:00 GMT")
    assert byline is not None
    assert byline.published is None
    assert byline.updated == datetime(2021, 3, 4, 10, 0, tzinfo=UTC)


def test_dates_are_aware_and_keep_the_instant() -> None:
    parsed = parse_date("2021-03-03T10:00:00+02:00")
    assert parsed is not None
    assert parsed.utcoffset() is not None
    assert parsed == datetime(2021, 3, 3, 10, tzinfo=timezone(timedelta(hours=2)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("19 May 2017", True), ("2017-05-19", True), ("May 2017", False), ("Tuesday", False)],
)
def test_looks_like_date(text: str, expected: bool) -> None:
    assert looks_like_date(text) is expected


def test_authors_refuse_sentences() -> None:
    assert parse_authors("the council said") is None
    assert parse_authors("Jane Doe, John Roe") == "Jane Doe, John Roe"


@pytest.mark.parametrize(
    "line, author",
    [
        ("By Jane Doe, Reuters", "Jane Doe"),
        ("By Jane Doe and John Roe, AP", "Jane Doe and John Roe"),
        ("By Smith and Jones", "Smith and Jones"),
        ("Posted on March 3, 2021 by Jane Doe", "Jane Doe"),
        ("Posted on March 3, 2021 by admin", None),
    ],
)
def test_agency_and_user_names_are_not_authors(line: str, author: str | None) -> None:
    parsed = parse_byline(line)
    assert parsed is not None
    assert parsed.author == author


def test_a_dated_sentence_with_by_is_not_a_byline() -> None:
    assert parse_byline("Published March 3, 2021 by the council") is None


@given(
    day=st.integers(1, 28),
    month=st.integers(1, 12),
    year=st.integers(1990, 2030),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    layout=st.sampled_from(
        [
            "{d} {M} {y}",
            "{M} {d}, {y}",
            "{d} {M}, {y}, {H}:{m}",
            "{M} {d}, {y} at {h}:{m} {ap}",
            "{y}-{mm}-{dd}",
            "{y}-{mm}-{dd}T{H}:{m}:00Z",
            "{a}, {M} {d}, {y}",
        ]
    ),
)
def test_the_fast_date_path_agrees_with_dateparser(
    day: int, month: int, year: int, hour: int, minute: int, layout: str
) -> None:
    import calendar

    import dateparser

    from storytrace.byline import DATE_LANGUAGES, DATEPARSER_SETTINGS, _parse_common_date

    text = layout.format(
        d=day,
        M=calendar.month_name[month],
        y=year,
        H=f"{hour:02d}",
        m=f"{minute:02d}",
        h=hour % 12 or 12,
        ap="am" if hour < 12 else "pm",
        mm=f"{month:02d}",
        dd=f"{day:02d}",
        a=calendar.day_abbr[datetime(year, month, day).weekday()],
    )
    fast = _parse_common_date(text)
    slow = dateparser.parse(text, languages=DATE_LANGUAGES, settings=DATEPARSER_SETTINGS)
    assert fast is not None and slow is not None
    assert fast == slow.astimezone(UTC)
