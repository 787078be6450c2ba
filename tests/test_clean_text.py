"""The line/block model on small invented pages, and its accounting invariants."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.clean import CleanSettings
from storytrace.clean_text import TextCleaning, clean_text, guess_lang, split_lines

SETTINGS = CleanSettings()

PARAGRAPHS = [
    "The regional government announced on Thursday that it would spend more on rural bus "
    "services, after a year in which several routes were cut because of a lack of drivers.",
    "Officials said the money would pay for new vehicles and for training courses, and that "
    "the first of the restored routes should be running again before the end of the summer.",
    "Passenger groups welcomed the plan but said it did not go far enough, pointing out that "
    "many villages had lost their only connection to the nearest town.",
]


def page(*parts: str) -> str:
    return "\n\n".join(parts)


def reasons(result: TextCleaning) -> dict[str, str]:
    return {block.text: block.reason for block in result.removed}


def assert_accounts_for(text: str, result: TextCleaning) -> None:
    """Kept and removed blocks tile the input's non-whitespace exactly once, at their offsets."""
    covered = [0] * len(text)
    for block in result.blocks:
        assert block.start is not None
        assert 0 <= block.start <= block.start + len(block.text) <= len(text)
        assert text[block.start : block.start + len(block.text)] == block.text
        for i in range(block.start, block.start + len(block.text)):
            covered[i] += 1
    for i, ch in enumerate(text):
        if ch.isspace():
            assert covered[i] <= 1
        else:
            assert covered[i] == 1, (i, ch)
    kept = [block.text for block in result.blocks if block.reason is None]
    assert result.body == "\n\n".join(kept).strip()
    for removed in result.removed:
        assert text[removed.start : removed.start + len(removed.text)] == removed.text


def test_split_lines_offsets_and_gaps() -> None:
    text = "  first line \r\n\r\n\r\nsecond\u2028third\n"
    lines = split_lines(text)
    assert [line.text for line in lines] == ["first line", "second", "third"]
    assert [text[line.start : line.start + len(line.text)] for line in lines] == [
        "first line",
        "second",
        "third",
    ]
    assert [line.blanks_before for line in lines] == [0, 2, 0]


def test_prose_only_page_is_kept_whole() -> None:
    text = page(*PARAGRAPHS)
    result = clean_text(text, SETTINGS)
    assert result.removed == ()
    assert result.body == text


def test_widget_rules_are_stricter_inside_the_body() -> None:
    text = page(
        "Share this article", PARAGRAPHS[0], "Follow the money", PARAGRAPHS[1], PARAGRAPHS[2]
    )
    result = clean_text(text, SETTINGS)
    assert reasons(result) == {"Share this article": "widget"}
    assert "Follow the money" in result.body


def test_sentence_starting_with_by_stays() -> None:
    text = page(PARAGRAPHS[0], "By the end of the year, the routes were running again.")
    assert clean_text(text, SETTINGS).removed == ()


def test_bullet_list_inside_body_is_not_a_caption() -> None:
    items = "• Longer opening hours\n• Cheaper season tickets\n• More stops in villages"
    text = page(PARAGRAPHS[0], items, PARAGRAPHS[1], PARAGRAPHS[2])
    result = clean_text(text, SETTINGS)
    assert result.removed == ()


def test_image_size_and_credit_captions() -> None:
    text = page(
        "• Protest outside the ministry640x480",
        PARAGRAPHS[0],
        PARAGRAPHS[1],
        "A bus waits at the depot. (Image: Lee Park/Getty Images)",
        PARAGRAPHS[2],
    )
    result = clean_text(text, SETTINGS)
    assert set(reasons(result).values()) == {"caption"}
    assert len(result.removed) == 2


def test_known_title_removed_and_unknown_title_found() -> None:
    text = page("Rural buses get a lifeline", PARAGRAPHS[0], PARAGRAPHS[1])
    known = clean_text(text, SETTINGS, title="Rural buses get a lifeline")
    assert reasons(known) == {"Rural buses get a lifeline": "title"}
    assert known.title is None
    found = clean_text(text, SETTINGS)
    assert found.title == "Rural buses get a lifeline"
    other = clean_text(text, SETTINGS, title="Something else entirely")
    assert other.removed == ()


def test_trailing_subsection_about_the_body_is_not_a_teaser() -> None:
    text = page(
        *PARAGRAPHS,
        "What passengers say\nPassenger groups said the bus routes plan for villages was a "
        "start, and that drivers and training mattered most.",
    )
    assert clean_text(text, SETTINGS).removed == ()


def test_single_new_pair_without_gap_is_kept() -> None:
    text = page(
        *PARAGRAPHS,
        "Harbour festival returns\nThousands of visitors watched tall ships sail past the "
        "lighthouse during the weekend celebrations.",
    )
    assert clean_text(text, SETTINGS).removed == ()


def test_teasers_set_apart_are_removed() -> None:
    teaser = (
        "Harbour festival returns\nThousands of visitors watched tall ships sail past the "
        "lighthouse during the weekend celebrations."
    )
    text = page(*PARAGRAPHS) + "\n\n\n\n" + teaser
    result = clean_text(text, SETTINGS)
    assert set(reasons(result).values()) == {"teaser"}
    assert result.body == page(*PARAGRAPHS)


def test_promo_and_read_more() -> None:
    text = page(
        *PARAGRAPHS,
        "Subscribe to our weekly newsletter for the best of our reporting in your inbox.",
        "Continue reading",
    )
    result = clean_text(text, SETTINGS)
    assert sorted(reasons(result).values()) == ["promo", "read_more"]


def test_guess_lang() -> None:
    assert guess_lang(split_lines(page(*PARAGRAPHS))) == "en"
    assert guess_lang(split_lines("short")) is None


def test_empty_and_whitespace() -> None:
    assert clean_text("", SETTINGS).body == ""
    assert clean_text(" \n\t\n ", SETTINGS).blocks == ()


LINE = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        [
            "",
            "",
            "By Jane Doe | March 3, 2021",
            "Share Tweet Email",
            "Read more",
            "Related:",
            "- A headline for another story",
            "Photo: A. Person/Agency",
            *PARAGRAPHS,
        ]
    ),
)


@given(st.lists(LINE, max_size=25), st.sampled_from(["\n", "\r\n", "\n\n", "\u2028"]))
@settings(max_examples=300, deadline=None)
def test_blocks_account_for_the_whole_input(lines: list[str], sep: str) -> None:
    text = sep.join(lines)
    assert_accounts_for(text, clean_text(text, SETTINGS))


@given(st.text())
@settings(max_examples=300, deadline=None)
def test_arbitrary_text_never_raises(text: str) -> None:
    assert_accounts_for(text, clean_text(text, SETTINGS, title=text[:20] or None))


def test_link_lists_cut_off_by_chrome_are_removed() -> None:
    text = page(
        "Skip to content\nNews\nWorld\nBusiness",
        "Rural buses get a lifeline",
        *PARAGRAPHS,
        "The plan starts in May.",
        "Share on Facebook",
        "About us\nContact\nJobs",
    )
    result = clean_text(text, SETTINGS)
    found = reasons(result)
    assert found["Skip to content"] == "widget"
    assert found["News"] == found["Business"] == found["Jobs"] == "outside_body"
    assert found["Rural buses get a lifeline"] == "title"
    assert result.body == page(*PARAGRAPHS, "The plan starts in May.")


_PRETEST_PIECES = [
    "copyright",
    "All Rights reserved",
    "privacy policy",
    "(C) 2020",
    "©",
    "Photo: x",
    "image by",
    "Getty Images",
    "REUTERS/Jane",
    "www.",
    ".com",
    "https://a",
    "a@b",
    " | ",
    " » ",
    "640 x 480",
    "px",
    "Mr.",
    "Inc.",
    "U.S.",
    "vs.",
    "tags:",
    "Home",
    "/",
    ",",
    ";",
    ":",
    ".",
    "!",
    "…",
    "”",
    "•",
    "12",
    "word",
    " ",
    " ",
    "\u0130",
    "\u0131",
    "\u017f",
    "\u212a",
    "é",
    "Read more",
    "continue reading",
    "Sign up for our newsletter",
    "Don't miss",
    "Print this article",
    "e-mail the story",
    "Photos by",
    "AP Photo",
    "PA Images",
    "EPA-EFE",
    "_",
    "- ",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PRETEST_PIECES), min_size=1, max_size=10))
def test_cheap_pretests_agree_with_the_patterns(pieces: list[str]) -> None:
    """The exact pre-tests that let most lines skip a regex give the regex's own answer."""
    from storytrace import clean_lexicon as lex
    from storytrace.clean_features import _link_like

    text = "".join(pieces).strip()
    if not text:
        return
    lowered = text.lower()
    footer = lex.may_match(lex.FOOTER_KEYS, lowered, text) and lex.FOOTER.search(text)
    assert bool(footer) == bool(lex.FOOTER.search(text))
    assert _link_like(text, lowered) == bool(lex.LINK_LIKE.search(text))
    colon = ":" in text or "©" in text
    credit = lex.CREDIT_BY.match(text) or (colon and lex.CREDIT.search(text))
    assert bool(credit) == bool(lex.CREDIT.search(text))
    image = (text[-1].isdigit() or text[-1] == "x") and lex.IMAGE_SIZE.search(text)
    assert bool(image) == bool(lex.IMAGE_SIZE.search(text))
    end = lex.HEADLINE_BAD_END.search(text, len(text) - 1)
    bad_end = text.endswith(lex.HEADLINE_BAD_END_CHARS) and end
    assert bool(bad_end) == bool(lex.HEADLINE_BAD_END.search(text))
    words = tuple(word.lower() for word in lex.WORD.findall(text))
    for starts, pattern in (
        (lex.READ_MORE_STARTS, lex.READ_MORE),
        (lex.PROMO_STARTS, lex.PROMO),
        (lex.WIDGET_PHRASE_STARTS, lex.WIDGET_PHRASE),
        (lex.CREDIT_BY_STARTS, lex.CREDIT_BY),
    ):
        assert lex.may_start(starts, words, text) or not pattern.match(text)
    assert lex.may_match(lex.AGENCY_KEYS, lowered, text) or not lex.AGENCY.search(text)
    separators = not lex.MENU_SEPARATOR_CHARS.isdisjoint(text)
    assert separators or len(lex.MENU_SEPARATOR.split(text)) == 1
    line = split_lines(text)[0]
    assert line.ends_sentence == bool(lex.SENTENCE_END.search(text.rstrip(lex.CLOSERS)))
    assert line.bullet == bool(lex.BULLET.match(text))
