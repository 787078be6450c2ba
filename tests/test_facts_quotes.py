"""Quotes and speakers: one invented text per rule (issue 7)."""

from __future__ import annotations

import pytest

from storytrace.facts import FactsSettings, _sentence_tokens, extract_facts
from storytrace.facts_names import find_names
from storytrace.facts_quotes import Quote, find_quote_spans, looks_like_title
from storytrace.facts_quotes_marks import quote_spans
from storytrace.facts_speakers import strip_roles
from storytrace.model import Article
from storytrace.segment import segment


def _quotes(text: str, min_words: int = 4) -> list[Quote]:
    article = Article("a", "test", "text", b"", text=text)
    sentences = _sentence_tokens(segment(article))
    names = find_names(text, sentences, "a")
    return list(find_quote_spans(text, sentences, names, min_words))


def _said(text: str) -> list[tuple[str, str, str]]:
    """(quoted text, speaker, verb) per quote."""
    return [(text[q.start : q.end], q.speaker, q.verb) for q in _quotes(text)]


def _speakers(text: str) -> list[str]:
    return [q.speaker for q in _quotes(text)]


# marks ---------------------------------------------------------------------------------------


def test_one_pair_of_marks_over_several_lines_is_one_quote() -> None:
    text = 'Odile Marchetti spoke last.\n"The bridge held.\nThe town is safe," Marchetti said.'
    assert _said(text) == [("The bridge held.\nThe town is safe,", "Odile Marchetti", "said")]


def test_paragraphs_reopening_a_quote_give_one_span_each() -> None:
    text = (
        'Captain Rui Almeida said: "We lost power at dawn.\n'
        '"The crew kept the pumps running by hand.\n'
        '"Nobody was hurt on board."\n'
        "The ferry docked at noon."
    )
    spans = [text[s:e] for s, e in quote_spans(text)]
    assert spans == [
        "We lost power at dawn.",
        "The crew kept the pumps running by hand.",
        "Nobody was hurt on board.",
    ]
    assert _speakers(text) == ["Rui Almeida"] * 3


def test_a_paragraph_whose_opening_mark_was_lost_is_kept() -> None:
    text = (
        "“We are proud of this harbour,” said Ilse Voss.\n"
        "It has fed this town for three hundred years.”\n"
        "The vote is on Sunday."
    )
    assert _said(text)[1] == (
        "It has fed this town for three hundred years.",
        "Ilse Voss",
        "said",
    )


def test_a_stray_mark_does_not_swallow_the_next_lines() -> None:
    text = (
        'Fans chanted "Out, out, out at the referee.\n'
        "The match ended in a draw.\n"
        'Coach Ivo Petrov said "we deserved more than this tonight."'
    )
    assert [text[s:e] for s, e in quote_spans(text)] == ["we deserved more than this tonight."]


def test_single_marks_and_apostrophes() -> None:
    text = "'The harbour's walls will be rebuilt by May,' the mayor's office said."
    assert [text[s:e] for s, e in quote_spans(text)] == [
        "The harbour's walls will be rebuilt by May,"
    ]


# what is a quote -----------------------------------------------------------------------------


def test_titles_taglines_and_terms_are_not_quotes() -> None:
    text = (
        "She starred in “The Long Road Home Again” in 1999.\n"
        'The poster promised "the best summer you will ever have" to tourists.\n'
        'Fans expect a wave of "now the club has to sell him" posts.'
    )
    assert _quotes(text) == []
    assert looks_like_title("X-Men: Night of the Long Fall")
    assert not looks_like_title("We will rebuild the Harbour Bridge")


def test_short_quote_with_a_speech_verb_is_kept() -> None:
    text = 'Inspector Mara Quist arrived late. "He slipped away," she said.'
    assert _said(text) == [("He slipped away,", "Mara Quist", "said")]


def test_short_quote_without_a_speech_verb_is_dropped() -> None:
    assert _quotes('The shop sold "fresh river fish" every day.') == []


def test_a_whole_sentence_in_marks_is_a_quote_of_the_previous_speaker() -> None:
    text = '"The levee held overnight," Jonas Erikssen said.\n"We will know more by noon."'
    assert _speakers(text) == ["Jonas Erikssen", "Jonas Erikssen"]


# speakers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "speaker", "verb"),
    [
        (
            '"The plan is sound," said Rep. Paula Ortega, who leads the panel.',
            "Paula Ortega",
            "said",
        ),
        ('"We expected far more rain tonight," Ortega told reporters.', "Ortega", "told"),
        ('"We expected far more rain tonight," Ortega noted.', "Ortega", "noted"),
        ('"We expected far more rain tonight," Ortega explained.', "Ortega", "explained"),
        ('"We expected far more rain tonight," Ortega insisted.', "Ortega", "insisted"),
        ('Ortega wrote: "We expected far more rain tonight."', "Ortega", "wrote"),
        ('Ortega tweeted: "We expected far more rain tonight."', "Ortega", "tweeted"),
        (
            'Ortega condemned the delay, saying the city had "run out of excuses."',
            "Ortega",
            "saying",
        ),
        (
            'The dam is "safe for a decade," according to engineer Tomas Varga.',
            "Tomas Varga",
            "according to",
        ),
        ('Ortega was quoted as saying: "We expected far more rain tonight."', "Ortega", "saying"),
        ('Ortega agreed: "We expected far more rain tonight."', "Ortega", "agreed"),
        ('"We expected far more rain tonight," Ortega vowed.', "Ortega", "vowed"),
        (
            '"We expected far more rain tonight," Marisol, a farmer near the dam who declined to'
            " give her surname for fear of reprisals, told the local radio station.",
            "Marisol",
            "told",
        ),
        (
            '"We expected far more rain tonight," Ben-ami, who herds goats, told the radio.',
            "Ben-ami",
            "told",
        ),
        (
            '"We expected far more rain tonight," said commentator Paula J. Ortega, a farmer.',
            "Paula J. Ortega",
            "said",
        ),
        (
            '"We expected far more rain tonight," said Marrow River Authority senior flood'
            " engineer Tomas Varga.",
            "Tomas Varga",
            "said",
        ),
        (
            'Paula Ortega spoke last.\n"We expected far more rain tonight," said the 36-year-old'
            " Ortega, who leads the panel.",
            "Paula Ortega",
            "said",
        ),
    ],
)
def test_speech_verbs_and_attribution_patterns(text: str, speaker: str, verb: str) -> None:
    (quote,) = _quotes(text)
    assert (quote.speaker, quote.verb) == (speaker, verb)


def test_a_name_after_a_participle_is_what_was_said_not_who_said_it() -> None:
    text = 'Reporter Ines Duarte posted a note, saying Varga "could miss the final two games."'
    assert _speakers(text) == ["Ines Duarte"]


def test_a_coordinated_speech_verb_takes_the_subject_opening_the_sentence() -> None:
    text = (
        "Kiel would not comment -- while not denying the report -- but confirmed on her blog "
        'that she "has been approached about the post."'
    )
    assert _speakers(text) == ["Kiel"]


def test_a_coordinated_verb_after_another_opening_gives_no_speaker() -> None:
    text = 'The police arrested Tomas Varga and said he had "planned the theft for weeks."'
    assert _speakers(text) == [""]


def test_according_to_a_web_address() -> None:
    text = 'According to northgazette.com, the mayor is "the council\'s first choice" for the job.'
    assert _said(text) == [("the council's first choice", "northgazette.com", "according to")]


def test_a_participle_reports_a_pronoun_subject() -> None:
    text = (
        "Nadia Brenner toured the dam.\n"
        '"We are ready for it," she insisted, adding: "There is nothing to fear here."'
    )
    assert _speakers(text) == ["Nadia Brenner", "Nadia Brenner"]


def test_a_role_noun_finds_the_person_introduced_with_that_role() -> None:
    text = (
        "Mayor Jane Okafor and Kestrel Mining spokesman Bill Arnott spoke on Monday.\n"
        '"We take safety very seriously," the spokesman said.\n'
        "Lena Fischer, the company's chief engineer, inspected the shaft.\n"
        "Okafor praised the crews.\n"
        '"The shaft is sound and dry," the engineer added.'
    )
    assert _speakers(text) == ["Bill Arnott", "Lena Fischer"]


def test_a_quote_left_open_at_the_end_runs_to_the_end() -> None:
    text = 'A ministry spokeswoman said: "We know of the case.\nWe are giving consular help.'
    assert [text[a:b] for a, b in quote_spans(text)] == [
        "We know of the case.\nWe are giving consular help."
    ]


def test_joint_speakers() -> None:
    text = (
        "Producers Hana Kiel and Bo Lund confirmed the date.\n"
        '"We could not be happier with this choice," said Kiel and Lund.'
    )
    assert _speakers(text) == ["Hana Kiel and Bo Lund"]


def test_pronoun_resolves_to_a_narrative_mention() -> None:
    text = (
        "Deputy Mayor Anneli Virtanen toured the flooded streets on Monday.\n"
        '"Every family will have a roof by Friday," she said.'
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Anneli Virtanen"
    assert text[quote.speaker_start or 0 : quote.speaker_end or 0] == "she"


def test_pronoun_prefers_the_last_speaker_over_other_names() -> None:
    text = (
        "Nadia Brenner said the pumps failed after the storm hit Tomas Varga's farm.\n"
        '"We need new pumps before winter," she added.'
    )
    assert _speakers(text) == ["Nadia Brenner"]


def test_role_nouns_resolve_to_people_and_organisation_nouns_to_organisations() -> None:
    text = (
        "Dr. Lena Fischer treated the boy overnight.\n"
        '"The patient is stable and awake now," added the doctor.\n'
        "The Kestrel Mining Company closed the shaft.\n"
        '"Safety comes first for every worker here," the company said.'
    )
    assert _speakers(text) == ["Lena Fischer", "Kestrel Mining Company"]


def test_unknown_and_generic_speakers_stay_blank() -> None:
    text = (
        "Dr. Lena Fischer treated the boy overnight.\n"
        'A witness said "it sounded like thunder over the hill."\n'
        '"She was crying for an hour," she said.\n'
        'Officials said "the road will stay closed until Friday."\n'
        '"Nobody is allowed past the barrier tonight," they said.\n'
        '"We cannot comment on the case at all," the trade said.'
    )
    assert _speakers(text) == ["", "", "", "", ""]


def test_a_spokesperson_of_a_named_organisation_is_keyed_by_the_organisation() -> None:
    text = 'A spokeswoman for Kestrel Mining Company said "the shaft will reopen on Monday."'
    (quote,) = _quotes(text)
    assert quote.speaker == "Kestrel Mining Company"
    assert text[quote.speaker_start or 0 : quote.speaker_end or 0] == (
        "A spokeswoman for Kestrel Mining Company"
    )


def test_passive_verbs_have_no_speaker() -> None:
    text = 'Coach Dana Whitfield was told "you are fired as of today" by the owner.'
    assert _speakers(text) == [""]


def test_lead_in_and_reported_speech_before_a_quote() -> None:
    text = (
        "Governor Elias Brandt spoke at length.\n"
        "His words:\n"
        '"We are not going anywhere, and neither is this plant."\n'
        "Mayor Ilse Voss said the plant would stay open.\n"
        '"This town keeps its promises to its workers."'
    )
    assert _speakers(text) == ["Elias Brandt", "Ilse Voss"]


def test_quote_records_carry_speaker_spans() -> None:
    text = '"The levee held overnight," said Jonas Erikssen.\n"We will know more by noon."'
    first, second = _quotes(text)
    span = (first.speaker_start, first.speaker_end)
    assert text[span[0] or 0 : span[1] or 0] == "Jonas Erikssen"
    assert (second.speaker_start, second.speaker_end) == span  # carried from the first
    assert (first.verb, second.verb) == ("said", "said")


def test_role_words_are_not_part_of_the_key() -> None:
    assert strip_roles("Undersheriff Larry Waldie") == "Larry Waldie"
    assert strip_roles("Coach Petrov") == "Coach Petrov"  # never strip down to one word


def test_find_quotes_wraps_find_quote_spans_in_order() -> None:
    text = (
        "Deputy Mayor Anneli Virtanen toured the streets.\n"
        '"Every family will have a roof by Friday," she said. "Then we rebuild the school."'
    )
    article = Article("a", "test", "text", b"", text=text)
    mentions = [m for m in extract_facts(article, segment(article)) if m.kind == "quote"]
    records = _quotes(text)
    assert [(m.start, m.end, m.key, m.qualifier) for m in mentions] == [
        (q.start, q.end, q.speaker, q.verb) for q in records
    ]
    assert [m.key for m in mentions] == ["Anneli Virtanen", "Anneli Virtanen"]
    assert FactsSettings().min_quote_words == 4


def test_a_pull_quote_takes_the_attribution_of_its_repetition() -> None:
    text = (
        "Tomas Varga opened the meeting.\n"
        '"The river will not wait for us."\n'
        "The council met for an hour on Monday.\n"
        '"The river will not wait for us. We must act now," engineer Paula Ortega told them.'
    )
    assert _said(text) == [
        ("The river will not wait for us.", "Paula Ortega", "told"),
        ("The river will not wait for us. We must act now,", "Paula Ortega", "told"),
    ]


def test_a_colon_lead_in_introduces_the_person_it_names_not_a_name_in_between() -> None:
    text = (
        "Below is a statement by Paula Ortega, director of the Marrow River Authority:\n"
        '"We expected far more rain tonight and the dam held."\n'
        "The storm caused the evacuation of Kestrel Towers and other high buildings:\n"
        '"Water came in through the doors and we had to leave the building."'
    )
    assert [speaker for _, speaker, _ in _said(text)] == ["Paula Ortega", ""]


def test_a_long_quoted_clause_without_a_verb_is_kept_a_short_one_is_not() -> None:
    text = (
        '"It was a betrayal of the town," said Paula Ortega.\n'
        'Varga "broke his word and failed every family that trusted the council."\n'
        'The "flood plan" was shelved.'
    )
    assert [quote for quote, _, _ in _said(text)] == [
        "It was a betrayal of the town,",
        "broke his word and failed every family that trusted the council.",
    ]


def test_the_company_is_the_organisation_the_story_names_most() -> None:
    """Past the last few sentences, "the company" is the story's company, named most often."""
    text = (
        "Workers at the Kestrel Mining Company plant in Dunmore walked out on Monday.\n"
        "Kestrel Mining Company had cut the night shift in March.\n"
        "The union said the cut broke the contract.\n"
        "Tomas Berg, who has worked at the plant for twenty years, said he would stay home.\n"
        "His wife, a nurse, works at the same plant.\n"
        "Their son left for the city last spring.\n"
        '"We regret that talks have stalled for now," the company said.'
    )
    assert _speakers(text)[-1] == "Kestrel Mining Company"


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("He said ``the pumps will hold'' on Monday.", ["the pumps will hold"]),
        (
            "''The shaft is not deep enough to flood,\" he said.",
            ["The shaft is not deep enough to flood,"],
        ),
        ("The band's ''Greatest Hits'' tour sold out.", ["Greatest Hits"]),
        ("It was a 12'' pipe.", []),  # inch marks, no quote
    ],
)
def test_typewriter_double_marks_are_quote_marks(text: str, quoted: list[str]) -> None:
    assert [text[s:e] for s, e in quote_spans(text)] == quoted


def test_an_acronym_speaker_is_an_organisation_never_a_later_he() -> None:
    text = (
        "Tomas Berg, head of the mine rescue service in Dunmore, dismissed fears of a second "
        "collapse, KNB reported.\n"
        '"The north wall is solid and nobody is at risk," he was quoted as saying.'
    )
    assert _speakers(text) == ["Tomas Berg"]


def test_he_reaches_past_background_sentences_to_the_last_speaker() -> None:
    """Two sentences of background between "according to X" and "he said" are still X's."""
    text = (
        "Rail traffic was hit as well, according to Tomas Berg, chief engineer of the line.\n"
        "His team's sensors showed that 40 signals went dark early on Friday.\n"
        "Signals of that kind guide every train between the two cities.\n"
        "The outage lasted until the evening.\n"
        '"It was the worst failure we have seen in years," he said.'
    )
    assert _speakers(text) == ["Tomas Berg"]


def test_a_statement_released_before_a_quote_is_its_issuers() -> None:
    text = (
        "Striker Ola Brandt was stopped by police early on Sunday.\n"
        "Brandt released a statement through the club later on Monday.\n"
        '"I made a mistake and I am sorry for it.\n'
        'I will accept whatever the league decides."'
    )
    assert _speakers(text) == ["Ola Brandt"]


def test_reports_after_a_verb_is_a_noun_and_denied_reports_speech() -> None:
    """ "The coach denied reports that ...": "reports" names the rumours; the coach speaks."""
    text = (
        "Head coach Ilse Brandt will not renew her contract, the club said on Friday.\n"
        "The coach denied reports that her talks with the board had broken down.\n"
        '"Contrary to what you may have read, the board and I parted as friends."'
    )
    assert _speakers(text) == ["Ilse Brandt"]


def test_someone_unnamed_opening_a_sentence_is_the_next_he() -> None:
    text = (
        "The new laptop battery should last five years, said vice president Jo Fenn.\n"
        "However, one customer from the show floor was sceptical of the figure.\n"
        '"Five years on paper, maybe two on the road," he said.'
    )
    assert _speakers(text) == [""]
