"""The plain-text reader and decoding: legacy encodings, headlines, binary and empty files."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.errors import InputError
from storytrace.ingest.decode import UndecodableError, decode_text, looks_binary
from storytrace.ingest.source import FileContext
from storytrace.ingest.text import headline_of, read_text

DATA = Path(__file__).resolve().parent.parent / "data" / "ingest"


def _ctx(name: str = "story.txt", folder: str | None = "outlet") -> FileContext:
    return FileContext(origin=f"corpus/{name}", stem=Path(name).stem, folder=folder)


def test_utf8_text_keeps_raw_and_sets_fields() -> None:
    raw = b"Bridge reopens after repairs\n\nThe bridge reopened on Monday.\n"
    article = read_text(raw, _ctx())
    assert article.format == "text"
    assert article.raw == raw
    assert article.title == "Bridge reopens after repairs"
    assert article.external_id == "story"
    assert article.source == "outlet"
    assert article.origin == "corpus/story.txt"
    assert article.published is None
    assert article.text == ""


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Ferry aground in fog\n\nBody text follows here.", "Ferry aground in fog"),
        ("Is the pier safe?\nThe council says yes.", "Is the pier safe?"),
        ("Gay Chechens Denied Visas by U.S.\n\nBody.", "Gay Chechens Denied Visas by U.S."),
        ("\n\n  Leading blank lines are fine  \n\nBody.", "Leading blank lines are fine"),
        ("The council met on Tuesday.\n\nIt voted.", None),
        ("Only one line, no body", None),
        ("Headline then nothing\n\n   \n", None),
        (" ".join(["word"] * 21) + "\n\nBody.", None),
        ("x" * 201 + "\n\nBody.", None),
        ("12 345 678\n\nBody.", None),
        ("In a clause,\nthe sentence goes on.", None),
    ],
)
def test_headline_rules(text: str, title: str | None) -> None:
    assert headline_of(text) == title


def test_cp1252_file_decodes_correctly() -> None:
    raw = (DATA / "cp1252.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = decode_text(raw)
    assert "“welcomes”" in text
    assert "café" in text
    assert "It’s a fine idea" in text
    assert read_text(raw, _ctx()).title == "Council “welcomes” the café plan"


def test_latin1_file_decodes_correctly() -> None:
    text = decode_text((DATA / "latin1.txt").read_bytes())
    assert text.startswith("Réunion du conseil municipal")
    assert "après un long débat sur la grève des éboueurs" in text


def test_cyrillic_legacy_text_is_not_forced_to_cp1252() -> None:
    original = (
        "Мэр города заявил во вторник, что новый мост будет открыт в июне. "
        "Строительство моста началось три года назад и обошлось бюджету дороже плана."
    )
    assert decode_text(original.encode("cp1251")) == original


def test_byte_order_marks_are_honoured_and_dropped() -> None:
    assert decode_text("\ufeffHello".encode()) == "Hello"
    assert decode_text("Héllo wörld".encode("utf-16")) == "Héllo wörld"
    assert not looks_binary("\ufeffHi".encode("utf-16"))


def test_binary_file_is_an_error() -> None:
    raw = bytes(range(256)) * 4
    with pytest.raises(InputError) as caught:
        read_text(raw, _ctx("blob.bin"))
    assert caught.value.origin == "corpus/blob.bin"
    assert "binary file" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_control_characters_make_a_file_binary() -> None:
    raw = b"\x01\x02\x03\x04\x05 not text \x06\x07\x08" * 10
    with pytest.raises(InputError, match="binary file"):
        read_text(raw, _ctx())


def test_empty_and_blank_files_are_errors() -> None:
    with pytest.raises(InputError, match="empty file"):
        read_text(b"", _ctx())
    with pytest.raises(InputError, match="blank file"):
        read_text(b" \n\t\n", _ctx())


def test_same_content_same_id() -> None:
    raw = b"Same words\n\nin two files."
    assert read_text(raw, _ctx("a.txt")).id == read_text(raw, _ctx("b.txt")).id
    assert read_text(raw, _ctx()).id != read_text(raw + b" ", _ctx()).id


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_text_reader_never_raises_on_arbitrary_bytes(raw: bytes) -> None:
    try:
        article = read_text(raw, _ctx())
    except InputError as error:
        assert error.origin == "corpus/story.txt"
        assert "\n" not in str(error)
    else:
        assert article.raw == raw
        assert article.format == "text"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_utf8_round_trips(text: str) -> None:
    raw = text.encode("utf-8")
    if text.startswith("\ufeff"):
        assert decode_text(raw) == text[1:]
    else:
        assert decode_text(raw) == text
    assert decode_text(b"\xef\xbb\xbf" + raw) == text


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=500))
def test_decode_text_fails_only_with_its_own_error(raw: bytes) -> None:
    with contextlib.suppress(UndecodableError):
        decode_text(raw)
