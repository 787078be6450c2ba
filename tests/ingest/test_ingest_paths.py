"""read_paths: folders, origins, order, ids, and every kind of bad input reported once."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storytrace.errors import InputError
from storytrace.ingest import IngestSettings, read_paths
from storytrace.model import Article

DATA = Path(__file__).resolve().parent.parent / "data" / "ingest"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
_PACKED = gzip.compress(" ".join(str(n) for n in range(5000)).encode(), mtime=0)


def _read(*paths: str | Path) -> tuple[list[Article], list[InputError]]:
    errors: list[InputError] = []
    articles = list(read_paths(paths, errors.append))
    return articles, errors


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_examples_cover_every_format() -> None:
    articles, errors = _read(EXAMPLES)
    assert errors == []
    kinds = set()
    for article in articles:
        name = article.origin.split("#")[0]
        kinds.add((Path(name).parent.name, article.format))
        assert article.published is None or article.published.tzinfo is not None
        assert article.source
    assert {
        ("html", "html"),
        ("feeds", "html"),
        ("warc", "html"),
        ("jsonl", "html"),
        ("jsonl", "text"),
        ("island-bulletin", "text"),
        ("harbour-notes", "text"),
        ("seeds", "text"),
    } <= kinds
    # README.md and make_warc.py travel with the corpus but are not articles
    assert not any("README" in a.origin or a.origin.endswith(".py") for a in articles)


def test_examples_read_the_same_twice() -> None:
    first, _ = _read(EXAMPLES)
    second, _ = _read(EXAMPLES)
    assert first == second


def test_folder_order_and_origins(tmp_path: Path) -> None:
    _write(tmp_path / "b" / "two.txt", b"Two\n\nbody two")
    _write(tmp_path / "a.txt", b"One\n\nbody one")
    _write(tmp_path / "b" / "c" / "three.txt", b"Three\n\nbody three")
    _write(tmp_path / "b" / "Z.txt", b"Zed\n\nbody zed")
    os.chdir(tmp_path)
    articles, errors = _read("b", Path("a.txt"))
    assert errors == []
    assert [a.origin for a in articles] == [
        os.path.join("b", "Z.txt"),
        os.path.join("b", "c", "three.txt"),
        os.path.join("b", "two.txt"),
        "a.txt",
    ]
    assert [a.source for a in articles] == ["b", "c", "b", tmp_path.name]


def test_origin_keeps_the_path_as_given(tmp_path: Path) -> None:
    _write(tmp_path / "corpus" / "x.txt", b"Body of x.")
    articles, _ = _read(str(tmp_path / "corpus") + "/")
    assert [a.origin for a in articles] == [str(tmp_path / "corpus" / "x.txt")]


def test_same_content_in_two_files_is_one_id(tmp_path: Path) -> None:
    _write(tmp_path / "one" / "a.txt", b"Same body.\n")
    _write(tmp_path / "one" / "b.txt.gz", gzip.compress(b"Same body.\n", mtime=0))
    first, second = _read(tmp_path)[0]
    assert first.id == second.id
    assert first.origin != second.origin
    assert len(first.id) == 16


def test_same_text_from_two_outlets_is_two_articles(tmp_path: Path) -> None:
    # The folder is the outlet of last resort: wire copy run by two outlets stays two articles.
    _write(tmp_path / "outlet-one" / "a.txt", b"Same body.\n")
    _write(tmp_path / "outlet-two" / "a.txt", b"Same body.\n")
    first, second = _read(tmp_path)[0]
    assert first.id != second.id
    assert all(c in "0123456789abcdef" for c in first.id)


def test_hidden_files_and_companions_are_passed_over_in_folders(tmp_path: Path) -> None:
    _write(tmp_path / ".DS_Store", b"\x00\x01\x02")
    _write(tmp_path / ".git" / "HEAD", b"ref: refs/heads/main")
    _write(tmp_path / "README.md", b"# About this corpus")
    _write(tmp_path / "build.py", b"print('hi')")
    _write(tmp_path / "story.txt", b"A story.")
    articles, errors = _read(tmp_path)
    assert errors == []
    assert [Path(a.origin).name for a in articles] == ["story.txt"]
    # named explicitly, a README is read
    assert len(_read(tmp_path / "README.md")[0]) == 1


@pytest.mark.parametrize(
    ("name", "data", "cause"),
    [
        ("empty.txt", b"", "empty file"),
        ("blob.bin", bytes(range(256)) * 8, "binary file, not a supported format"),
        ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary file"),
        ("cut.txt.gz", _PACKED[: len(_PACKED) // 2], "truncated gzip stream"),
        ("no-trailer.txt.gz", _PACKED[:-4], "truncated gzip stream"),
        ("empty.gz", gzip.compress(b""), "empty file"),
        ("bad.gz", b"\x1f\x8b\x08\x00garbage that is not deflate", "corrupt gzip stream"),
    ],
)
def test_bad_file_is_one_error_and_the_rest_still_read(
    tmp_path: Path, name: str, data: bytes, cause: str
) -> None:
    bad = _write(tmp_path / name, data)
    _write(tmp_path / "zz-good.txt", b"Good file\n\nstill read.")
    articles, errors = _read(tmp_path)
    [error] = errors
    assert error.origin == str(bad)
    assert error.cause.startswith(cause)
    assert str(error) == f"{bad}: {error.cause}"
    assert "\n" not in str(error)
    assert [a.title for a in articles] == ["Good file"]


def test_legacy_encodings_are_not_errors() -> None:
    articles, errors = _read(DATA / "cp1252.txt", DATA / "latin1.txt")
    assert errors == []
    assert [a.title for a in articles] == [
        "Council “welcomes” the café plan",
        "Réunion du conseil municipal",
    ]


def test_missing_path(tmp_path: Path) -> None:
    _write(tmp_path / "there.txt", b"Here.")
    articles, errors = _read(tmp_path / "nope.txt", tmp_path / "there.txt")
    assert [str(e) for e in errors] == [f"{tmp_path / 'nope.txt'}: no such file or directory"]
    assert len(articles) == 1


def test_symlink_loop_is_reported_once(tmp_path: Path) -> None:
    _write(tmp_path / "top" / "a.txt", b"A.")
    (tmp_path / "top" / "loop").symlink_to(tmp_path / "top")
    articles, errors = _read(tmp_path / "top")
    assert len(articles) == 1
    [error] = errors
    assert error.origin == str(tmp_path / "top" / "loop")
    assert "symlink loop" in error.cause


def test_fifo_is_not_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    articles, errors = _read(tmp_path)
    assert articles == []
    assert [e.cause for e in errors] == ["not a regular file"]


def test_an_exception_from_on_error_propagates(tmp_path: Path) -> None:
    _write(tmp_path / "bad.jsonl", b'{"text": "ok"}\n{broken\n')

    class Stop(Exception):
        pass

    def strict(error: InputError) -> None:
        raise Stop(str(error))

    with pytest.raises(Stop, match=r"bad\.jsonl#L2"):
        list(read_paths([tmp_path], strict))


def test_too_large_document(tmp_path: Path) -> None:
    _write(tmp_path / "big.txt", b"word " * 100)
    errors: list[InputError] = []
    limits = IngestSettings(max_document_bytes=100)
    assert list(read_paths([tmp_path], errors.append, limits)) == []
    assert [e.cause for e in errors] == [
        "document is over the limit ingest.max_document_bytes = 100 bytes"
    ]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=3000))
def test_read_paths_never_raises_on_arbitrary_bytes(tmp_path: Path, data: bytes) -> None:
    path = _write(tmp_path / "any", data)
    errors: list[InputError] = []
    articles = list(read_paths([path], errors.append))
    for error in errors:
        assert error.origin.startswith(str(path))
        assert "\n" not in str(error)
    for article in articles:
        assert article.origin.startswith(str(path))
        assert article.published is None or article.published.tzinfo is not None
