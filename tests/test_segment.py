"""Segment: exact sentence offsets, one shared tokenization."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from storytrace.model import Article
from storytrace.segment import normalize_token, segment, split_sentences, tokenize


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


def test_a_huge_paragraph_is_split_like_small_ones() -> None:
    sentence = "Sentence {i} says Dr. Smith of the U.S. went home."
    text = " ".join(sentence.format(i=i) for i in range(1500))  # ~75,000 chars, one line
    spans = split_sentences(text)
    assert len(spans) == 1500
    assert all(text[s:e] == sentence.format(i=i) for i, (s, e) in enumerate(spans))
