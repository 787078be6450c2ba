"""Segment: exact sentence offsets, one shared tokenization."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.model import Article, Token
from storytrace.segment import (
    _TOKEN,
    _plain_sentences,
    _segmenter,
    normalize_token,
    segment,
    split_sentences,
    token_columns,
    tokenize,
    tokenize_columns,
)


def _article(text: str) -> Article:
    return Article(id="a", origin="a", format="text", raw=b"", text=text)


def test_sentences_have_exact_offsets_and_respect_abbreviations() -> None:
    text = "Officials in the U.S. said so. Dr. Smith disagreed!\n\nA new paragraph here."
    seg = segment(_article(text))
    pieces = [text[s.start : s.end] for s in seg.sentences]
    assert pieces == [
        "Officials in the U.S. said so.",
        "Dr. Smith disagreed!",
        "A new paragraph here.",
    ]
    assert [s.index for s in seg.sentences] == [0, 1, 2]


def test_sentences_never_cross_a_line_break() -> None:
    text = "A headline without a period\nThe first sentence follows."
    assert len(split_sentences(text)) == 2


def test_tokens_keep_numbers_and_normalize_typography() -> None:
    tokens = tokenize("“It can’t”—1,000 people at 12:30.")
    norms = [t.norm for t in tokens]
    assert norms == ['"', "it", "can't", '"', "-", "1,000", "people", "at", "12:30", "."]
    assert normalize_token("ＡＢＣ") == "abc"


@given(st.text())
def test_spans_stay_inside_the_text(text: str) -> None:
    seg = segment(_article(text))
    for s in seg.sentences:
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start : s.end].strip() == text[s.start : s.end]
    previous = 0
    for t in seg.tokens:
        assert previous <= t.start < t.end <= len(text)
        previous = t.end


@given(st.text(), st.integers(min_value=0, max_value=10_000))
def test_tokens_are_the_pattern_matches_normalized(text: str, offset: int) -> None:
    """The split-based tokenizer gives exactly the token pattern's matches, one by one."""
    expected = [
        (m.start() + offset, m.end() + offset, normalize_token(m.group()))
        for m in _TOKEN.finditer(text)
    ]
    tokens = tokenize(text, offset)
    assert [tuple(t) for t in tokens] == expected
    assert all(type(t) is Token for t in tokens)
    columns = tokenize_columns(text, offset)
    assert len(columns) == len(tokens) and tuple(columns) == tokens
    assert [columns[i] for i in range(len(tokens))] == list(tokens)
    assert columns[1:-1] == tokens[1:-1] and columns[::2] == tokens[::2]
    assert [list(c) for c in token_columns(columns)] == [list(c) for c in token_columns(tokens)]
    starts, ends, norms = token_columns(columns)
    assert list(zip(starts, ends, norms, strict=True)) == expected


def test_a_huge_paragraph_is_split_like_small_ones() -> None:
    sentence = "Sentence {i} says Dr. Smith of the U.S. went home."
    text = " ".join(sentence.format(i=i) for i in range(1500))  # ~75,000 chars, one line
    spans = split_sentences(text)
    assert len(spans) == 1500
    assert all(text[s:e] == sentence.format(i=i) for i, (s, e) in enumerate(spans))


def _pysbd_spans(chunk: str) -> tuple[tuple[int, int], ...]:
    """pysbd's sentences of one paragraph as stripped spans (what segment does with them)."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in _segmenter().segment(chunk):
        stripped = piece.strip()
        if stripped:
            found = chunk.find(stripped, cursor)
            spans.append((found, found + len(stripped)))
            cursor = found + len(stripped)
    return tuple(spans)


_WORDS = ["the", "mayor", "said", "it", "rained", "on", "monday", "river", "rose", "3.5"]
_TRICKY = ["Dr.", "U.S.", "etc.", '"Yes."', "(see below)", "...", "J.", "example.com", "is", "al"]
_sentence = st.tuples(
    st.lists(st.sampled_from(_WORDS), min_size=1, max_size=8),
    st.one_of(
        st.just([]), st.lists(st.tuples(st.integers(0, 8), st.sampled_from(_TRICKY)), max_size=1)
    ),
    st.sampled_from([".", "!", "?", ".", ""]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_sentence, min_size=1, max_size=6))
def test_plain_paragraphs_are_split_exactly_as_pysbd_splits_them(
    sentences: list[tuple[list[str], list[tuple[int, str]], str]],
) -> None:
    texts = []
    for words, tricks, mark in sentences:
        for position, trick in tricks:
            words = [*words[:position], trick, *words[position:]]
        texts.append(" ".join(words).capitalize() + mark)
    chunk = " ".join(texts)
    plain = _plain_sentences(chunk)
    if plain is not None:  # only plain paragraphs skip pysbd; they must lose nothing
        assert plain == _pysbd_spans(chunk)


def test_plain_rule_takes_ordinary_prose_and_leaves_the_rest_to_pysbd() -> None:
    prose = "The river rose overnight. Crews worked until dawn! Was anyone hurt? Nobody knows."
    assert _plain_sentences(prose) == _pysbd_spans(prose)
    assert len(_plain_sentences(prose) or ()) == 4
    for tricky in (
        "Dr. Smith arrived. He left.",  # abbreviation
        "The U.S. team won. Fans cheered.",  # initials
        'He said "Go home." Then he left.',  # a quotation
        "It ended... Then it began.",  # ellipsis
        "He left. then he came back.",  # lower case after the mark
        "Read more at example.com today. Thanks.",  # a dot inside a word
    ):
        assert _plain_sentences(tricky) is None, tricky
