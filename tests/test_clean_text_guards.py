"""The first-word and key pre-tests of the text cleaner never hide a match of their pattern.

Each anchored chrome pattern (READ_MORE, PROMO, WIDGET_PHRASE, CREDIT_BY) lists the leading
letters of its alternatives so that most lines skip it; a line for every alternative checks
that the list and the pattern agree.
"""

from __future__ import annotations

import re

import pytest

from storytrace import clean_lexicon as lex

CASES = [
    (lex.READ_MORE_STARTS, lex.READ_MORE, "read"),
    (lex.PROMO_STARTS, lex.PROMO, "promo"),
    (lex.WIDGET_PHRASE_STARTS, lex.WIDGET_PHRASE, "widget"),
    (lex.CREDIT_BY_STARTS, lex.CREDIT_BY, "credit"),
]
LINES = {
    "read": [
        "Read the full story",
        ">> READ MORE",
        "Continue reading",
        "Keep reading",
        "Click here",
        "Tap here",
        "See more",
        "Find out more",
        "Learn more",
        "More here",
        "Full story",
        "Read it on our site",
        "View the original",
        "Source: example",
        "Weiterlesen",
        "Mehr lesen",
        "Lesen Sie mehr",
        "Lire la suite",
        "En savoir plus",
        "Leer más",
        "Seguir leyendo",
        "Leia mais",
        "Continua a leggere",
        "Leggi tutto",
        "Lees meer",
        "Verder lezen",
    ],
    "promo": [
        "Sign up now",
        "Subscribe",
        "Register",
        "Join us",
        "Download the app",
        "Get our newsletter",
        "Follow us",
        "Like us",
        "Stay informed",
        "Don't miss out",
        "Dont miss",
        "Never miss a story",
        "Want more",
        "Support our journalism",
        "Become a member",
        "Abonnieren",
        "Abonnez-vous",
        "Inscrivez-vous",
        "Suscrib",
        "Iscriviti",
        "Assine",
        "Inschrijven",
    ],
    "widget": [
        "Listen to this article",
        "Print this story",
        "Share this page",
        "Save the post",
        "Email this article",
        "E-mail this story",
        "Bookmark this page",
        "Artikel anhören",
        "Beitrag teilen",
        "Partager cet article",
        "Escuchar este artículo",
        "Compartir el articulo",
    ],
    "credit": [
        "Photo by Jane",
        "Images courtesy of X",
        "Picture by A",
        "Fotos von B",
        "Bild von C",
    ],
}


@pytest.mark.parametrize(("starts", "pattern", "key"), CASES)
def test_every_alternative_passes_its_first_word_test(
    starts: tuple[str, ...], pattern: re.Pattern[str], key: str
) -> None:
    for line in LINES[key]:
        assert pattern.match(line), line
        words = tuple(word.lower() for word in lex.WORD.findall(line))
        assert lex.may_start(starts, words, line), line


def test_lines_that_cannot_match_are_ruled_out() -> None:
    words = ("the", "council", "said")
    assert not lex.may_start(lex.READ_MORE_STARTS, words, "The council said")
    assert not lex.may_start(lex.PROMO_STARTS, (), "...")
    assert lex.may_start(lex.PROMO_STARTS, ("écouter",), "Écouter")  # not ASCII: run the pattern


@pytest.mark.parametrize(
    "line", ["Getty Images", "REUTERS/Jane Doe", "AP Photo/John", "PA Images", "EPA-EFE", "AFP"]
)
def test_agency_keys_cover_the_agencies(line: str) -> None:
    assert lex.AGENCY.search(line)
    assert lex.may_match(lex.AGENCY_KEYS, line.lower(), line)
