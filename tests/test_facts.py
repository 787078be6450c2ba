"""Facts stage: names, numbers, dates and quotes on small invented texts."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.facts import FactsSettings, extract_facts
from storytrace.facts_quotes import normalize_quote
from storytrace.model import Article, Mention
from storytrace.segment import segment

PUBLISHED = datetime(2031, 3, 12, 9, 0, tzinfo=UTC)  # a Wednesday


def _facts(
    text: str, published: datetime | None = PUBLISHED, **options: int
) -> tuple[Mention, ...]:
    article = Article("a", "test", "text", b"", published=published, text=text)
    return extract_facts(article, segment(article), FactsSettings(**options))


def _kind(mentions: tuple[Mention, ...], kind: str) -> list[Mention]:
    return [m for m in mentions if m.kind == kind]


# names ---------------------------------------------------------------------------------------


def test_names_with_titles_appositions_and_cues() -> None:
    text = (
        "Flood Minister Adaeze Okonkwo visited the town. "
        "Tomas Varga, a spokesperson for the Marrow River Authority, said the dam held. "
        "The regional newspaper Kestrel Daily covered it. "
        "Independent Norwegian newspaper Fjordpost called it a disaster."
    )
    names = {m.value: m.kind for m in _kind(_facts(text), "person")}
    names |= {m.value: m.kind for m in _kind(_facts(text), "org")}
    assert names["Adaeze Okonkwo"] == "person"
    assert names["Tomas Varga"] == "person"
    assert names["Marrow River Authority"] == "org"
    assert names["Fjordpost"] == "org"
    assert "Independent Norwegian" not in names
    assert "Flood Minister Adaeze Okonkwo" not in names


def test_a_title_after_an_article_is_not_a_person() -> None:
    text = "Ines Duarte directed Tove Lund's It's a Quiet Harbour, which won the Golden Reel."
    people = {m.value for m in _kind(_facts(text), "person")}
    assert "Quiet Harbour" not in people and "Golden Reel" not in people
    assert "Ines Duarte" in people


def test_capitals_glued_to_a_name_the_article_gives_in_full() -> None:
    """A capitalised lede, an abbreviated title and a missing comma after an organisation."""
    text = (
        "INES Duarte has been named the new coach.\n"
        "The club said Ines Duarte spoke to reporters on Monday.\n"
        "In an interview with the VRT Duarte admitted she was nervous.\n"
        "It was a fine day, says ADA Duarte."
    )
    names = [(text[m.start : m.end], m.value, m.kind) for m in _facts(text)]
    assert ("INES Duarte", "Ines Duarte", "person") in names
    assert ("VRT", "VRT", "org") in names and ("Duarte", "Duarte", "person") in names
    assert ("ADA Duarte", "Ines Duarte", "person") in names


def test_sentence_initial_words_and_months_are_not_names() -> None:
    text = "According to officials, the water rose. In March, Lake Tamsin overflowed."
    values = {m.value for m in _facts(text) if m.kind in {"person", "org", "place"}}
    assert "According" not in values
    assert "In March" not in values
    assert not any("March" in v for v in values)


def test_headlines_give_no_names() -> None:
    text = "Town Braces For Record Flood As River Keeps Rising"
    assert not [m for m in _facts(text) if m.kind in {"person", "org", "place"}]


def test_a_sentence_dense_with_names_is_not_a_headline() -> None:
    text = "President Amara Okonjo met Prime Minister Lars Vikander in Oslo."
    people = {m.value for m in _kind(_facts(text), "person")}
    assert people == {"Amara Okonjo", "Lars Vikander"}


def test_title_case_keeps_long_prepositions_lower() -> None:
    text = "Rescuers Search Through Rubble After Quake Strikes Coastal Towns"
    assert not [m for m in _facts(text) if m.kind in {"person", "org", "place"}]


def test_possessive_is_not_part_of_the_name() -> None:
    text = "Officials praised Helena Brightwater's quick response."
    (name,) = _kind(_facts(text), "person")
    assert name.value == "Helena Brightwater"
    assert text[name.start : name.end] == "Helena Brightwater"


# numbers -------------------------------------------------------------------------------------


def _numbers(text: str) -> list[tuple[str, str, str]]:
    return [(m.value, m.key, m.qualifier) for m in _kind(_facts(text), "number")]


def test_number_forms_and_values() -> None:
    text = (
        "The fund raised $1.4 Billion in aid. Some 1,000 volunteers came. "
        "Only 14 percent of homes were insured. A dozen boats sank. "
        "Twenty-five schools closed."
    )
    values = {(v, q) for v, _, q in _numbers(text)}
    assert ("1400000000", "exact") in values
    assert ("1000", "approx") in values
    assert ("14", "exact") in values
    assert ("12", "exact") in values
    assert ("25", "exact") in values
    keys = {v: k for v, k, _ in _numbers(text)}
    assert keys["1400000000"].startswith("usd aid")
    assert keys["14"].startswith("percent|")
    assert keys["1000"].startswith("volunteers|")


def test_hedges() -> None:
    text = (
        "More than 40 homes were destroyed. At least 3 bridges collapsed. "
        "Fewer than 10 people were hurt. Up to 30 roads were closed. "
        "Nearly 200 cattle drowned. Around 50 people were evacuated."
    )
    qualifiers = {v: q for v, _, q in _numbers(text)}
    assert qualifiers == {
        "40": "min",
        "3": "min",
        "10": "max",
        "30": "max",
        "200": "approx",
        "50": "approx",
    }


def test_counted_thing_and_event() -> None:
    text = (
        "Police had rounded up 12 looters by noon. "
        "Around 300 residents were evacuated overnight. "
        "Roughly forty families are now in hiding."
    )
    keys = {v: k for v, k, _ in _numbers(text)}
    assert keys["12"] == "looters|rounded up"
    assert keys["300"] == "residents|evacuated"
    assert keys["40"] == "families|in hiding"


def test_skipped_numbers() -> None:
    text = (
        "On March 3, 2031, at 12:30 the mayor, aged 34, spoke at 221 Baker Street. "
        "The G20 and Article 5 were mentioned in 2030. It was the 1st time. One of them left."
    )
    assert _numbers(text) == []  # ages ("34-year-old") are numbers: see test_facts_numbers


# dates ---------------------------------------------------------------------------------------


def _dates(text: str, published: datetime | None = PUBLISHED) -> list[tuple[str, str, str]]:
    return [(m.value, m.qualifier, m.key) for m in _kind(_facts(text, published), "date")]


def test_date_resolution_against_publication() -> None:
    text = (
        "The authority first reported the breach in February. "
        "The dam was inspected in December. "
        "A vigil is planned for 20 March. "
        "The report was published on March 3, 2016. "
        "Kestrel Daily said on Monday that the river crested."
    )
    values = [(v, q) for v, q, _ in _dates(text)]
    assert values == [
        ("2031-02", "month"),
        ("2030-12", "month"),
        ("2031-03-20", "day"),
        ("2016-03-03", "day"),
        ("2031-03-10", "day"),
    ]


def test_dates_without_publication_keep_the_year_unknown() -> None:
    text = "The authority first reported the breach in February. The vigil was on 20 March."
    assert [(v, q) for v, q, _ in _dates(text, None)] == [("--02", "month"), ("--03-20", "day")]


def test_may_the_verb_is_not_a_date() -> None:
    assert _dates("Officials say the river May rise again. Residents may leave.") == []


def test_date_key_is_subject_and_verb_whatever_the_order() -> None:
    first = "Local newspaper Kestrel Daily first reported the breach of the levee in February."
    second = "Kestrel Daily first reported in January that the levee had been breached."
    assert _dates(first)[0][2] == "kestrel daily first reported"
    assert _dates(second)[0][2] == "kestrel daily first reported"


def test_date_key_skips_appositions() -> None:
    text = "In February, Tomas Varga, the director of the Marrow River Authority said the dam held."
    assert _dates(text)[0][2] == "tomas varga said"


# quotes --------------------------------------------------------------------------------------


def test_quote_normalization() -> None:
    assert normalize_quote("This Can not be ignored,") == "this cannot be ignored"
    assert normalize_quote("This can't be ignored!") == "this cannot be ignored"
    assert normalize_quote("We won’t leave") == "we will not leave"
    assert normalize_quote("“It’s over”") == "its over"


def test_quotes_speakers_and_verbs() -> None:
    text = (
        "Tomas Varga, a spokesperson for the Marrow River Authority, told reporters "
        "“the levee will hold through the night”.\n"
        '"We have never seen water rise this fast," said Helena Brightwater.\n'
        'Later Brightwater added that "every family will be housed by Friday".\n'
        'She said "the schools will reopen next week" after a meeting.\n'
        'They warned of "looting" and "more rain later tonight in the valley".'
    )
    quotes = [(m.value, m.key, m.qualifier) for m in _kind(_facts(text), "quote")]
    assert quotes == [
        ("the levee will hold through the night", "Tomas Varga", "told"),
        ("we have never seen water rise this fast", "Helena Brightwater", "said"),
        ("every family will be housed by friday", "Helena Brightwater", "added"),
        ("the schools will reopen next week", "Helena Brightwater", "said"),
        ("more rain later tonight in the valley", "", "warned"),
    ]


def test_quote_spans_exclude_the_marks() -> None:
    text = "The mayor said “the levee will hold through the night” on radio."
    (quote,) = _kind(_facts(text), "quote")
    assert text[quote.start : quote.end] == "the levee will hold through the night"


def test_according_to() -> None:
    text = 'The dam is "safe for at least a decade", according to Marrow River Authority.'
    (quote,) = _kind(_facts(text), "quote")
    assert (quote.key, quote.qualifier) == ("Marrow River Authority", "according to")


# invariants ----------------------------------------------------------------------------------

_WORDS = st.sampled_from(
    [
        "The",
        "river",
        "Helena",
        "Brightwater",
        "said",
        "40",
        "forty",
        "in",
        "March",
        "on",
        "Tuesday",
        '"',
        "“",
        "”",
        ",",
        ".",
        "about",
        "people",
        "were",
        "evacuated",
        "$",
        "1,000",
        "Authority",
        "'",
        "\n",
        "20",
        "May",
        "2031",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_WORDS, max_size=60), st.booleans())
def test_mentions_stay_inside_the_text_and_are_sorted(words: list[str], dated: bool) -> None:
    text = " ".join(words)
    mentions = _facts(text, PUBLISHED if dated else None)
    assert list(mentions) == sorted(
        mentions, key=lambda m: (m.start, m.end, m.kind, m.value, m.key)
    )
    for mention in mentions:
        assert 0 <= mention.start < mention.end <= len(text)
        assert mention.article_id == "a"
