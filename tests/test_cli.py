"""The CLI as a user meets it: commands, one-line errors, help with examples, docs in sync."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storytrace.cli import app
from storytrace.cli_reference import render
from storytrace.store import Store

from .conftest import REPO, SEEDS

runner = CliRunner()
COMMANDS = ["analyze", "export", "ingest", "report", "reuse", "run", "show", "stories"]
COMMANDS += ["serve", "fetch", "watch", "feeds", "backup", "import"]


def _invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    code, out, _ = _invoke(command, "--help")
    assert code == 0
    assert "Example:" in out
    assert "--db" in out or command not in ("ingest", "analyze", "run", "stories", "show")


def test_cli_reference_is_up_to_date() -> None:
    assert (REPO / "docs" / "cli.md").read_text("utf-8") == render(), (
        "docs/cli.md is stale: run `make docs`"
    )


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds not present")
def test_run_show_export_report_on_the_seeds(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    code, out, err = _invoke("run", str(SEEDS), "--db", db)
    assert code == 0, err
    assert "Stories" in out
    assert "stories lexical" in out and "facts rule-based" in out  # says which variants ran
    doc_path = tmp_path / "s.json"
    code, _, err = _invoke("export", "--db", db, "--format", "json", "--out", str(doc_path))
    assert code == 0, err
    doc = json.loads(doc_path.read_text("utf-8"))
    story_id = doc["stories"][0]["id"]
    code, out, err = _invoke("show", story_id[:6], "--db", db)
    assert code == 0, err
    assert "Reuse family" in out
    assert "DISAGREE" in out
    findings = len(doc["findings"])
    code, out, err = _invoke("show", story_id[:6], "--db", db, "--limit", "1")
    assert code == 0, err
    assert "DISAGREE" in out  # disagreements come first, so the one shown is one
    assert f"{findings - 1} more findings not shown" in out
    code, out, _ = _invoke("show", story_id[:6], "--db", db, "--limit", "0")
    assert "more findings not shown" not in out
    for fmt in ("csv", "parquet"):
        code, _, err = _invoke("export", "--db", db, "--format", fmt, "--out", str(tmp_path / fmt))
        assert code == 0, err
        assert (tmp_path / fmt / f"articles.{fmt}").exists()
    code, out, err = _invoke("report", "--db", db, "--out", str(tmp_path / "report"))
    assert code == 0, err
    assert (tmp_path / "report" / "index.html").exists()
    code, out, _ = _invoke("stories", "--db", db)
    assert code == 0 and story_id in out


def test_bad_input_gives_one_line_errors_and_the_run_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "good.txt").write_text(
        "River Flood Closes Bridge\n\nThe river rose two metres overnight and the old bridge "
        "was closed to traffic, the council said on Monday.\n",
        "utf-8",
    )
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.bin").write_bytes(bytes(range(256)) * 4)
    (folder / "cut.txt.gz").write_bytes(gzip.compress(b"Some text " * 200)[:40])
    (folder / "bad.jsonl").write_text('{"text": "A fine line of text about the flood."}\n{oops\n')
    db = str(tmp_path / "s.db")
    code, out, err = _invoke("run", str(folder), "--db", db)
    assert "Stories" in out
    assert code == 0, err
    error_lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 4, err
    assert any("empty.txt" in line for line in error_lines)
    assert any("binary.bin" in line for line in error_lines)
    assert any("cut.txt.gz" in line for line in error_lines)
    assert any("bad.jsonl#L2" in line for line in error_lines)
    code, _, _ = _invoke(
        "export", "--db", db, "--format", "json", "--out", str(tmp_path / "x.json")
    )
    assert code == 0
    doc = json.loads((tmp_path / "x.json").read_text("utf-8"))
    assert len(doc["articles"]) == 2


def test_unknown_story_and_bad_format_are_one_line_errors(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    code, _, err = _invoke("stories", "--db", db)
    assert code == 1
    assert err.startswith(f"error: {db}: no such store")
    assert not (tmp_path / "s.db").exists()  # a mistyped name creates nothing
    Store(tmp_path / "s.db").close()
    code, _, err = _invoke("show", "nope", "--db", db)
    assert code == 1
    assert err.strip() == "error: nope: no story has this id"
    code, _, err = _invoke("export", "--db", db, "--format", "xml", "--out", str(tmp_path / "x"))
    assert code == 1
    assert err.strip().startswith("error: --format xml")


def test_show_renders_hostile_text_inert(filled_store: Store) -> None:
    code, out, err = _invoke("show", "s1", "--db", str(filled_store.path))
    assert code == 0, err
    assert "\x1b" not in out
    assert "[link=http://x]y[/link]" in out  # Rich markup printed literally, never interpreted
    assert "<script>alert(1)</script>" in out  # plain text in a terminal is harmless


def test_reuse_lists_what_an_article_took(filled_store: Store) -> None:
    code, out, err = _invoke("reuse", "bbbb", "--db", str(filled_store.path))
    assert code == 0, err
    assert "taken from" in out
    assert "aaaa000000000001" in out
    code, _, err = _invoke("reuse", "zzz", "--db", str(filled_store.path))
    assert code == 1
    assert err.strip() == "error: zzz: no article has this id"


def test_stories_filters_and_bad_sort(filled_store: Store) -> None:
    db = str(filled_store.path)
    code, out, err = _invoke("stories", "--db", db, "--query", "flooded", "--since", "2021-03-01")
    assert code == 0, err
    assert "s1" in out
    code, out, _ = _invoke("stories", "--db", db, "--outlet", "nowhere")
    assert code == 0 and "s1" not in out
    code, _, err = _invoke("stories", "--db", db, "--sort", "alphabet")
    assert code == 1 and err.startswith("error: --sort alphabet")


def test_outlet_names_are_never_rich_markup(tmp_path: Path) -> None:
    from storytrace.model import Article, Family, Passage, Story

    text = "The harbour \u200bmaster said the ferry struck the sandbank in thick fog on Tuesday."
    store = Store(tmp_path / "m.db")
    a = Article(id="a1", origin="a", format="text", raw=b"a", source="evil[/]", text=text)
    b = Article(
        id="b1",
        origin="b",
        format="text",
        raw=b"b",
        source="[link=https://evil.example]x[/link]",
        text=text.replace("ferry", "boat"),
    )
    store.add_articles([a, b])
    store.save_cleaned([(a, [], []), (b, [], [])])
    store.replace_families(
        [Family("f", "copy", (Passage("a1", 0, len(a.text)), Passage("b1", 0, len(b.text))))]
    )
    store.save_stories([Story("s1", "t", None, None, ("a1", "b1"))])
    store.close()
    code, out, err = _invoke("show", "s1", "--db", str(tmp_path / "m.db"))
    assert code == 0, err
    assert "evil[/]" in out
    assert "[link=https://evil.example]x[/link]" in out
    assert "\x1b]8" not in out


def test_fetch_and_watch_need_something_to_fetch_and_feeds_says_when_none(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "live.db")
    code, _, err = _invoke("fetch", "--db", db)
    assert code == 1 and "no URLs" in err
    code, _, err = _invoke("watch", "--once", "--db", db)
    assert code == 1 and "no feeds" in err
    code, _, err = _invoke("watch", "http://127.0.0.1:9/feed", "--every", "soon", "--db", db)
    assert code == 1 and "--every" in err
    code, out, _ = _invoke("feeds", "--db", db)
    assert code == 0 and "no feeds watched yet" in out


def test_workers_option_reaches_the_pipeline_and_refuses_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storytrace import pipeline

    seen: list[int] = []
    real = pipeline._worker_count

    def spy(settings: object, pending: int) -> int:
        seen.append(settings.workers)  # type: ignore[attr-defined]
        return real(settings, pending)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "_worker_count", spy)
    db = str(tmp_path / "s.db")
    code, _, err = _invoke("run", str(REPO / "examples" / "seeds"), "--db", db, "-j", "3", "-q")
    assert code == 0, err
    assert seen == [3]
    code, _, err = _invoke("analyze", "--db", db, "--workers", "0")
    assert code == 2 and "--workers" in err
