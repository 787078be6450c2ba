"""Compare stage: agreements, disagreements and variants on two invented flood reports,
plus the rules one by one on hand-made mentions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storytrace.compare import CompareSettings, compare, independent_sources
from storytrace.compare_names import NameRules, is_variant, spelling_key
from storytrace.facts import extract_facts
from storytrace.model import (
    Article,
    Family,
    Finding,
    FindingValue,
    Mention,
    MentionKind,
    Passage,
    Story,
)
from storytrace.segment import segment

HERALD = (
    "Floodwaters swept through the town of Marrowby on Tuesday.\n"
    "Mayor Helena Brightwater said that about 300 residents were evacuated from the "
    "riverside district.\n"
    "The Marrow River Authority first reported the breach in February.\n"
    "Rescue teams recovered 12 bodies from the water.\n"
    "Officials said more than 40 homes were destroyed.\n"
    '"We have never seen water rise this fast in living memory," Brightwater told reporters.\n'
    "Jonah Pell, a hydrologist at Eastmoor University, warned that the levees had been "
    "neglected for years.\n"
    "Helen Brightwater, a local teacher, organized shelter for 60 children."
)
TIMES = (
    "The Marrow River Authority first reported the breach in January, officials confirmed.\n"
    "Roughly 280 residents were evacuated from homes near the river, according to Mayor "
    "Helena Brightwatter.\n"
    "Rescue teams recovered 15 bodies.\n"
    "At least 45 homes were destroyed, the council said.\n"
    "“We have never seen water rise this fast in living memory”, the mayor said.\n"
    "Jonah Pell of Eastmor University said 200 volunteers had joined the effort."
)


def _article(article_id: str, source: str, text: str, day: int) -> Article:
    published = datetime(2031, 3, day, 8, 0, tzinfo=UTC)
    return Article(article_id, "test", "text", b"", source=source, published=published, text=text)


ARTICLES = (
    _article("herald", "Valley Herald", HERALD, 12),
    _article("times", "Coastal Times", TIMES, 13),
)
STORY = Story("flood", "Marrowby flood", None, None, ("herald", "times"))


def _mentions(articles: tuple[Article, ...] = ARTICLES) -> list[Mention]:
    return [m for a in articles for m in extract_facts(a, segment(a))]


@pytest.fixture(scope="module")
def flood() -> tuple[Finding, ...]:
    return compare(STORY, ARTICLES, _mentions(), ())


def _find(findings: tuple[Finding, ...], kind: str, topic: str) -> Finding:
    matches = [f for f in findings if f.kind == kind and f.topic == topic]
    assert len(matches) == 1, [(f.kind, f.topic) for f in findings]
    return matches[0]


def test_date_disagreement(flood: tuple[Finding, ...]) -> None:
    finding = _find(flood, "disagree", "marrow river authority first reported")
    assert [(v.value, v.article_ids) for v in finding.values] == [
        ("2031-01", ("times",)),
        ("2031-02", ("herald",)),
    ]
    assert finding.independent_sources == 2
    assert all(m.kind == "date" for v in finding.values for m in v.evidence)


def test_number_agreements_and_disagreements(flood: tuple[Finding, ...]) -> None:
    evacuated = _find(flood, "agree", "residents evacuated")
    assert {v.value for v in evacuated.values} == {"approx 300", "approx 280"}
    homes = _find(flood, "agree", "homes destroyed")
    assert {v.value for v in homes.values} == {"min 40", "min 45"}
    bodies = _find(flood, "disagree", "bodies recovered")
    assert {v.value for v in bodies.values} == {"12", "15"}


def test_numbers_about_different_things_are_not_compared(flood: tuple[Finding, ...]) -> None:
    numbers = {m.value for f in flood for v in f.values for m in v.evidence if m.kind == "number"}
    assert "60" not in numbers
    assert "200" not in numbers


def test_quote_agreement(flood: tuple[Finding, ...]) -> None:
    finding = _find(flood, "agree", "we have never seen water rise this fast in living memory")
    assert finding.values[0].article_ids == ("herald", "times")
    speakers = {m.key for m in finding.values[0].evidence}
    assert "Helena Brightwater" in speakers


def test_name_variants_but_never_two_people(flood: tuple[Finding, ...]) -> None:
    variants = {f.topic: {v.value for v in f.values} for f in flood if f.kind == "variant"}
    mayor = [v for v in variants.values() if "Helena Brightwatter" in v]
    assert mayor == [{"Helena Brightwater", "Helena Brightwatter"}]
    assert any(v == {"Eastmoor University", "Eastmor University"} for v in variants.values())
    assert not any("Helen Brightwater" in v for v in variants.values())


def test_order_and_ids(flood: tuple[Finding, ...]) -> None:
    order = {"disagree": 0, "variant": 1, "agree": 2}
    assert [order[f.kind] for f in flood] == sorted(order[f.kind] for f in flood)
    again = compare(STORY, ARTICLES[::-1], _mentions()[::-1], ())
    assert again == flood
    assert all(len(f.id) == 16 for f in flood)
    other_story = compare(
        Story("other", "", None, None, STORY.article_ids), ARTICLES, _mentions(), ()
    )
    assert {f.id for f in other_story}.isdisjoint({f.id for f in flood})


def test_mentions_outside_the_story_are_ignored() -> None:
    story = Story("flood", "", None, None, ("herald",))
    assert compare(story, ARTICLES, _mentions(), ()) == ()


# rules one by one ----------------------------------------------------------------------------

RULES = NameRules(88.0, 5, 3)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Svetlana Zakharova", "Sveltlana Zakharova", True),
        ("Russia LGBT Network", "Russian LGBT Network", True),
        ("Nikki Haley", "Nikki Hale", True),
        ("Helena Brightwater", "Helena Brightwatter", True),
        ("John Smith", "Jane Smith", False),
        ("Mark Smith", "Mary Smith", False),
        ("Eric Olsen", "Erica Olsen", False),
        ("Christina Berg", "Christine Berg", False),
        ("Ivan Zakharov", "Ivan Zakharova", False),
        ("Jon Lee", "Jan Lee", False),
        ("Anna Petrova Ivanova", "Anna Petrov Ivanov", False),
        ("Peter Smith", "Peter Smith Jones", False),
        ("Russia", "Russian", False),
        ("Novaya Gazeta", "Novaja Gazeta", True),
    ],
)
def test_name_variant_rules(a: str, b: str, expected: bool) -> None:
    assert is_variant(spelling_key(a), spelling_key(b), RULES) is expected


def _m(
    article: str, kind: MentionKind, value: str, key: str = "", qualifier: str = "", at: int = 0
) -> Mention:
    return Mention(article, at, at + 5, kind, value, key, qualifier)


def _compare(
    mentions: list[Mention], ids: tuple[str, ...] = ("a", "b", "c")
) -> tuple[Finding, ...]:
    articles = [Article(i, "t", "text", b"", source=f"outlet-{i}", text="x" * 100) for i in ids]
    return compare(Story("s", "", None, None, ids), articles, mentions, ())


def test_month_agrees_with_a_day_in_it() -> None:
    findings = _compare(
        [
            _m("a", "date", "--04", "agency first reported", "month"),
            _m("b", "date", "2031-04-12", "agency first reported", "day"),
        ]
    )
    assert [(f.kind, f.topic) for f in findings] == [("agree", "agency first reported")]


def test_dates_of_different_events_are_not_compared() -> None:
    findings = _compare(
        [
            _m("a", "date", "2031-04", "agency first reported", "month"),
            _m("b", "date", "2031-03", "police arrested", "month"),
            _m("b", "date", "2031-03", "", "month"),
            _m("c", "date", "2031-05", "", "month"),
        ]
    )
    assert findings == ()


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (("40", "approx"), ("45", "exact"), "agree"),
        (("40", "approx"), ("60", "exact"), "disagree"),
        (("40", "min"), ("100", "exact"), "agree"),
        (("40", "max"), ("100", "exact"), "disagree"),
        (("3", "approx"), ("5", "exact"), "agree"),
        (("40", "exact"), ("40", "exact"), "agree"),
        (("40", "exact"), ("41", "exact"), "disagree"),
    ],
)
def test_number_ranges(first: tuple[str, str], second: tuple[str, str], expected: str) -> None:
    key = "people|evacuated"
    findings = _compare(
        [_m("a", "number", first[0], key, first[1]), _m("b", "number", second[0], key, second[1])]
    )
    assert [f.kind for f in findings] == [expected]


@pytest.mark.parametrize(
    ("key_a", "key_b", "comparable"),
    [
        ("gay men|rounded up", "people|in hiding", False),
        ("gay chechens|in hiding", "people|in hiding", False),
        ("gay men|rounded up", "men|round up", True),
        ("people|into hiding", "people|in hiding", True),
        ("people|in hiding", "people|", False),
        ("people|", "people|", False),
        ("elderly residents|evacuated", "young residents|evacuated", False),
        ("residents|evacuated", "elderly residents|evacuated", True),
    ],
)
def test_numbers_compare_only_the_same_count(key_a: str, key_b: str, comparable: bool) -> None:
    findings = _compare([_m("a", "number", "40", key_a), _m("b", "number", "100", key_b)])
    assert bool(findings) is comparable


def test_quotes_with_small_differences_agree() -> None:
    findings = _compare(
        [
            _m("a", "quote", "this violation of human rights cannot be ignored", "X", "said"),
            _m("b", "quote", "violation of human rights cannot be ignored", "", "said"),
            _m("c", "quote", "a completely different remark about the weather", "X", "said"),
        ]
    )
    assert [(f.kind, f.topic) for f in findings] == [
        ("agree", "violation of human rights cannot be ignored")
    ]


def test_independent_sources_count_outlets_and_families_once() -> None:
    articles = {
        "a": Article("a", "t", "text", b"", source="Wire"),
        "b": Article("b", "t", "text", b"", source="Wire"),
        "c": Article("c", "t", "text", b"", source="Gazette"),
        "d": Article("d", "t", "text", b"", source=None),
    }
    evidence = [_m(a, "date", "2031-04", at=10) for a in "abcd"]
    values = [FindingValue("2031-04", ("a", "b", "c", "d"), tuple(evidence))]
    assert independent_sources(values, articles, ()) == 3
    family = Family("f", "copy", (Passage("c", 0, 50), Passage("d", 5, 40)))
    assert independent_sources(values, articles, (family,)) == 2
    outside = Family("g", "copy", (Passage("a", 0, 5), Passage("c", 0, 5)))
    assert independent_sources(values, articles, (outside,)) == 3


def test_settings_are_used() -> None:
    key = "people|evacuated"
    mentions = [_m("a", "number", "40", key, "approx"), _m("b", "number", "55", key, "exact")]
    articles = [Article(i, "t", "text", b"") for i in "ab"]
    story = Story("s", "", None, None, ("a", "b"))
    strict = compare(story, articles, mentions, (), CompareSettings())
    loose = compare(story, articles, mentions, (), CompareSettings(number_approx_fraction=0.5))
    assert [f.kind for f in strict] == ["disagree"]
    assert [f.kind for f in loose] == ["agree"]
