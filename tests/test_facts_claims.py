"""Reported speech (claims): one invented text per rule (issue 7)."""

from __future__ import annotations

import pytest

from storytrace.facts import FactsSettings, extract_facts
from storytrace.model import Article
from storytrace.segment import segment

INTRO = "Mayor Ilse Brandt and Kestrel Mining spokesman Teo Marsh spoke on Monday.\n"


def _claims(sentence: str, settings: FactsSettings | None = None) -> list[tuple[str, str, str]]:
    """(reported clause, speaker, verb) per claim of INTRO + sentence."""
    text = INTRO + sentence
    article = Article("a", "test", "text", b"", text=text)
    mentions = extract_facts(article, segment(article), settings or FactsSettings())
    return [(text[m.start : m.end], m.key, m.qualifier) for m in mentions if m.kind == "claim"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Brandt said the bridge will reopen by spring.",
            ("the bridge will reopen by spring", "Ilse Brandt", "said"),
        ),
        (
            "Marsh told reporters on Tuesday that nobody was hurt in the blast.",
            ("nobody was hurt in the blast", "Teo Marsh", "told"),
        ),
        (
            "Two miners were trapped overnight, Marsh said on Monday.",
            ("Two miners were trapped overnight", "Teo Marsh", "said"),
        ),
        (
            "The shaft flooded at dawn, according to Marsh.",
            ("The shaft flooded at dawn", "Teo Marsh", "according to"),
        ),
        (
            "After two hours, Marsh said, the pumps restarted.",
            ("the pumps restarted", "Teo Marsh", "said"),
        ),
        (
            "Brandt asked whether the permit was still valid.",
            ("the permit was still valid", "Ilse Brandt", "asked"),
        ),
        (
            "During a visit to the site, Brandt said the review had been rushed.",
            ("the review had been rushed", "Ilse Brandt", "said"),
        ),
        (
            "Marsh said at least three miners were hurt.",
            ("at least three miners were hurt", "Teo Marsh", "said"),
        ),
        (
            "The pumps failed at noon, the company spokesman said.",
            ("The pumps failed at noon", "Teo Marsh", "said"),
        ),
        (
            "The toll rose to nine, the USGS reported.",
            ("The toll rose to nine", "USGS", "reported"),
        ),
        (
            "The toll rose to nine, dpa reported.",
            ("The toll rose to nine", "dpa", "reported"),
        ),
        (
            "The toll rose to nine, Northern Courier magazine reported.",
            ("The toll rose to nine", "Northern Courier", "reported"),
        ),
        (
            "The Valley Ledger newspaper said the toll rose to nine.",
            ("the toll rose to nine", "Valley Ledger", "said"),
        ),
        (
            "Marsh, in a statement released by the company, said he did not expect charges.",
            ("he did not expect charges", "Teo Marsh", "said"),
        ),
        (
            "Brandt said in a statement it appeared the crew was poorly equipped.",
            ("it appeared the crew was poorly equipped", "Ilse Brandt", "said"),
        ),
        (
            'Brandt said the crew was "tired" when it reached the shaft.',
            ('the crew was "tired" when it reached the shaft', "Ilse Brandt", "said"),
        ),
        (
            "The shaft flooded within minutes, said Marsh, a spokesman who joined in May.",
            ("The shaft flooded within minutes", "Teo Marsh", "said"),
        ),
        (
            "Workers found a pump near the gate, Kestrel Mining spokesman Teo Marsh said.",
            ("Workers found a pump near the gate", "Teo Marsh", "said"),
        ),
    ],
)
def test_reported_clauses_and_their_speakers(sentence: str, expected: tuple[str, str, str]) -> None:
    assert _claims(sentence) == [expected]


def test_a_participle_after_the_clause_is_a_claim_of_its_own() -> None:
    assert _claims("Marsh said the shaft was safe, adding that inspections would go on.") == [
        ("the shaft was safe", "Teo Marsh", "said"),
        ("inspections would go on", "Teo Marsh", "adding"),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Brandt confirmed her resignation.",  # a noun phrase, not a clause
        "Brandt urged residents to stay at home.",  # a directive
        "Marsh said in a statement.",  # an adjunct only
        "Marsh declined to say whether the mine would reopen.",  # nothing was said
        'Brandt said the city "will rebuild the bridge by spring."',  # the quote is the record
        "It is said that the mine will close.",  # no speaker
    ],
)
def test_no_claim_without_a_speaker_and_a_reported_clause(sentence: str) -> None:
    assert _claims(sentence) == []


def test_claims_can_be_turned_off() -> None:
    sentence = "Brandt said the bridge will reopen by spring."
    assert _claims(sentence, FactsSettings(claims=False)) == []


def test_a_phrase_after_a_preposition_is_not_the_participles_subject() -> None:
    """ "spoke about her old image saying ...": the image says nothing; Brandt does."""
    [(clause, speaker, verb)] = _claims(
        "Last year, Brandt spoke about her old image saying it was never accurate."
    )
    assert (clause, speaker, verb) == ("it was never accurate", "Ilse Brandt", "saying")


def test_quoted_as_saying_keeps_its_object_as_the_speaker() -> None:
    [(_, speaker, _)] = _claims(
        "State radio quoted the relief office in the province of Vell as saying ten people died "
        "in the floods."
    )
    assert speaker == ""  # the relief office, unnamed; never "State" or a place


def test_a_number_opening_a_sentence_is_nobody() -> None:
    claims = _claims("Three years ago, engineers warned, saying the dam was weak.")
    assert all(speaker != "Three" for _, speaker, _ in claims)


def test_a_quoted_term_closing_the_clause_keeps_both_marks() -> None:
    [(clause, _, _)] = _claims('Brandt said the mine was known as the "black pit."')
    assert clause == 'the mine was known as the "black pit."'  # the full stop inside the marks


def test_a_time_before_the_participle_is_not_its_subject() -> None:
    """ "issued a statement early this morning announcing ...": the morning announces nothing."""
    [(clause, speaker, verb)] = _claims(
        "Kestrel Mining Corp issued a statement early this morning announcing that the north "
        "shaft is closed until further notice."
    )
    assert (clause, verb) == ("the north shaft is closed until further notice", "announcing")
    assert speaker == "Kestrel Mining Corp"


def test_a_headline_reports_nothing() -> None:
    assert _claims("Kestrel Mining Says Output Will Double by Next Summer\n") == []


def test_a_hyphenated_company_name_speaks_for_itself() -> None:
    [(clause, speaker, _)] = _claims(
        "Shares rose at Vela-Tel on Monday.\nVela-Tel announced that the network would reach "
        "every village by June."
    )
    assert (clause, speaker) == ("the network would reach every village by June", "Vela-Tel")


def test_denied_reports_speech_and_its_subject_speaks() -> None:
    [(clause, speaker, verb)] = _claims("Marsh denied that the pumps had been switched off.")
    assert (clause, speaker, verb) == ("the pumps had been switched off", "Teo Marsh", "denied")


def test_reports_after_a_modifier_is_a_noun_but_after_an_outlet_name_a_verb() -> None:
    assert _claims("Media reports that the pumps failed were wrong, officials found.") == []
    [(clause, speaker, verb)] = _claims("Harbour News reports that the pumps were switched off.")
    assert (clause, speaker, verb) == ("the pumps were switched off", "Harbour News", "reports")
