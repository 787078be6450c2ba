"""Compare rules of issue 7: same-sentence pairing, per-pair findings, weekdays, places, ages,
year anchors and name forms, on invented sentences and hand-made mentions."""

from __future__ import annotations

import pytest

from storytrace.compare import CompareSettings, compare
from storytrace.compare_names import NameRules, is_variant, spelling_key
from storytrace.facts import extract_facts
from storytrace.model import Article, Finding, Mention, MentionKind, Story
from storytrace.segment import segment

RULES = NameRules(88.0, 5, 3)


def _story(*texts: str) -> tuple[Finding, ...]:
    """Facts + compare over one article per text (no publication dates, as in the bench)."""
    articles = [
        Article(f"a{i}", "t", "text", b"", source=f"outlet-{i}", text=t)
        for i, t in enumerate(texts)
    ]
    mentions = [m for a in articles for m in extract_facts(a, segment(a))]
    ids = tuple(a.id for a in articles)
    return compare(Story("s", "", None, None, ids), articles, mentions, ())


def _kinds(findings: tuple[Finding, ...], mention_kind: str) -> list[str]:
    return [
        f.kind
        for f in findings
        if any(m.kind == mention_kind for v in f.values for m in v.evidence)
    ]


def _evidence(finding: Finding) -> set[tuple[str, str]]:
    return {(m.article_id, m.value) for v in finding.values for m in v.evidence}


# same sentence, different value --------------------------------------------------------------


def test_same_sentence_with_another_count_disagrees() -> None:
    base = "The ferry from Harlow Bay sank near the harbour wall with {} passengers aboard."
    findings = _story(base.format("forty"), base.format("ninety"))
    assert _kinds(findings, "number") == ["disagree"]
    (finding,) = [f for f in findings if f.kind == "disagree"]
    assert {v.value for v in finding.values} == {"40", "90"}
    assert all(m.start < m.end for v in finding.values for m in v.evidence)


def test_same_sentence_with_the_same_count_agrees_and_other_sentences_are_not_compared() -> None:
    first = "The ferry from Harlow Bay sank near the harbour wall with 40 passengers aboard."
    other = "Volunteers from three villages brought 90 blankets to the school gym overnight."
    findings = _story(first, first + "\n" + other)
    assert _kinds(findings, "number") == ["agree"]
    assert _kinds(_story(first, other), "number") == []


def test_same_sentence_with_another_month_day_or_weekday_disagrees() -> None:
    base = "The new bridge over the Tamsel river was opened to traffic on {} by the council."
    for old, new in (("March 4", "July 4"), ("March 4", "March 13"), ("Tuesday", "Friday")):
        findings = _story(base.format(old), base.format(new))
        assert _kinds(findings, "date") == ["disagree"], (old, new)
    assert "disagree" not in _kinds(_story(base.format("Tuesday"), base.format("Tuesday")), "date")


def test_a_weekday_before_a_date_is_a_claim_of_its_own() -> None:
    base = "The festival committee will meet the mayor in the town hall on {} 20 May."
    findings = _story(base.format("Saturday"), base.format("Monday"))
    assert _kinds(findings, "date").count("disagree") == 1


def test_same_sentence_with_another_place_disagrees_but_a_longer_name_does_not() -> None:
    base = "The storm destroyed dozens of fishing boats in {} before it moved out to sea."
    findings = _story(base.format("Marrowby"), base.format("Tallinnport"))
    assert _kinds(findings, "place") == ["disagree"]
    assert _kinds(_story(base.format("Marrowby"), base.format("Marrowby Harbour")), "place") == []


def test_explicit_years_keep_another_event_apart() -> None:
    first = "The flood in 1998 killed 900 people in the delta, officials said on the radio."
    second = "The flood killed 12 people in the delta, officials said on the radio."
    assert "disagree" not in _kinds(_story(first, second), "number")


# hand-made mentions ----------------------------------------------------------------------------


def _m(article: str, kind: MentionKind, value: str, key: str = "", qualifier: str = "") -> Mention:
    return Mention(article, 0, 5, kind, value, key, qualifier)


def _compare(
    mentions: list[Mention], ids: tuple[str, ...] = ("a", "b", "c")
) -> tuple[Finding, ...]:
    articles = [Article(i, "t", "text", b"", source=f"outlet-{i}") for i in ids]
    return compare(Story("s", "", None, None, ids), articles, mentions, (), CompareSettings())


def test_findings_are_per_pair_of_values() -> None:
    key = "people|killed"
    findings = _compare(
        [_m("a", "number", "10", key), _m("b", "number", "10", key), _m("c", "number", "27", key)]
    )
    agree = [_evidence(f) for f in findings if f.kind == "agree"]
    disagree = [_evidence(f) for f in findings if f.kind == "disagree"]
    assert agree == [{("a", "10"), ("b", "10")}]
    assert sorted(disagree, key=sorted) == [{("a", "10"), ("c", "27")}, {("b", "10"), ("c", "27")}]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (("10", "min"), ("27", "min"), "disagree"),  # two reports of a toll
        (("40", "min"), ("45", "min"), "agree"),  # about as large
        (("100", "max"), ("300", "max"), "disagree"),
    ],
)
def test_bounds_in_the_same_direction(
    a: tuple[str, str], b: tuple[str, str], expected: str
) -> None:
    key = "people|killed"
    findings = _compare([_m("a", "number", a[0], key, a[1]), _m("b", "number", b[0], key, b[1])])
    assert [f.kind for f in findings] == [expected]


@pytest.mark.parametrize(
    ("key_a", "key_b", "comparable"),
    [
        ("people|injuring", "villagers|injured", True),  # people, villagers: persons
        ("|hurt", "people|injured", True),  # "five hurt"
        ("people|killed", "people|dead", True),
        ("people|killed", "people|injured", False),
        ("people|killed @2003", "people|killed", False),  # another year's event
        ("people|@2003", "people|@2003", False),  # a year alone is no event
    ],
)
def test_counts_of_people_and_casualty_words(key_a: str, key_b: str, comparable: bool) -> None:
    findings = _compare([_m("a", "number", "5", key_a), _m("b", "number", "2", key_b)])
    assert bool(findings) is comparable


def test_ages_far_apart_are_two_people() -> None:
    near = _compare([_m("a", "number", "38", "age|teague"), _m("b", "number", "39", "age|teague")])
    assert [f.kind for f in near] == ["disagree"]
    far = _compare([_m("a", "number", "38", "age|teague"), _m("b", "number", "12", "age|teague")])
    assert far == ()


def test_weekday_values() -> None:
    key = "ferry sank"
    assert [
        f.kind for f in _compare([_m("a", "date", "-W-2", key), _m("b", "date", "-W-5", key)])
    ] == ["disagree"]
    # 2031-03-11 is a Tuesday
    same = _compare([_m("a", "date", "-W-2", key), _m("b", "date", "2031-03-11", key)])
    assert [f.kind for f in same] == ["agree"]
    yearless = _compare([_m("a", "date", "-W-5", key), _m("b", "date", "--03-11", key)])
    assert [f.kind for f in yearless] == ["agree"]


def test_date_keys_meet_on_verb_and_a_shared_subject_word() -> None:
    died = _compare(
        [_m("a", "date", "2031-03", "orla venn died"), _m("b", "date", "2031-04", "venn died")]
    )
    assert [f.kind for f in died] == ["disagree"]
    first = _compare(
        [
            _m("a", "date", "2031-03", "agency first reported"),
            _m("b", "date", "2031-04", "agency reported"),
        ]
    )
    assert first == ()


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("West German", "West Germany", False),  # adjective and country: the same thing
        ("Sam Dalworth", "Samuel Dalworth", True),
        ("Lou Penrick", "Louis Penrick", True),
        ("Chris Hallam", "Christine Hallam", False),
        ("Eric Hallam", "Erica Hallam", False),
        ("Russia LGBT Network", "Russian LGBT Network", True),
    ],
)
def test_name_forms(a: str, b: str, expected: bool) -> None:
    assert is_variant(spelling_key(a), spelling_key(b), RULES) is expected
