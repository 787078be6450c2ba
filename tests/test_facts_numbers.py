"""Numbers the compare stage needs to line up: ages, magnitudes, tolls and their year."""

from __future__ import annotations

from storytrace.facts import extract_facts
from storytrace.model import Article
from storytrace.segment import segment


def _numbers(text: str) -> list[tuple[str, str, str]]:
    article = Article("a", "test", "text", b"", text=text)
    return [
        (m.value, m.key, m.qualifier)
        for m in extract_facts(article, segment(article))
        if m.kind == "number"
    ]


def test_ages_carry_the_person() -> None:
    text = (
        "The 41-year-old skipper Dana Orrinby was rescued. "
        "Police questioned Marlow Teague, 29, on Friday. "
        "A sixty-two-year-old was also hurt."
    )
    assert ("41", "age|orrinby", "exact") in _numbers(text)
    assert ("29", "age|teague", "exact") in _numbers(text)
    assert ("62", "age|", "exact") in _numbers(text)


def test_magnitudes_in_every_wording() -> None:
    text = (
        "A magnitude-4.8 quake shook the valley. "
        "The survey called it a 5.2-magnitude tremor. "
        "Others said the earthquake had a magnitude of 5.0."
    )
    values = {(v, k) for v, k, _ in _numbers(text)}
    assert values == {
        ("4.8", "magnitude|quake"),
        ("5.2", "magnitude|quake"),
        ("5", "magnitude|quake"),
    }


def test_state_words_and_adverbs_are_the_event() -> None:
    keys = {v: k for v, k, _ in _numbers("Nine hurt. Four sailors slightly injured in the storm.")}
    assert keys["9"] == "|hurt"
    assert keys["4"] == "sailors|injured"
    keys = {v: k for v, k, _ in _numbers("The flood left 300 people dead in the delta.")}
    assert keys["300"] == "people|dead"


def test_a_year_anchor_keeps_past_events_apart() -> None:
    text = "In 1998 a larger flood killed 900 people. This week's flood killed 12 people."
    keys = {v: k for v, k, _ in _numbers(text)}
    assert keys["900"] == "people|killed @1998"
    assert keys["12"] == "people|killed"
