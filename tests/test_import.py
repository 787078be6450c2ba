"""storytrace import: an export (JSON or Parquet) back into a store, and out again unchanged."""

from __future__ import annotations

import json
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from storytrace import pipeline
from storytrace.cli import app
from storytrace.export import build_export, write_export
from storytrace.importer import import_document, import_path, load_document
from storytrace.settings import Settings
from storytrace.store import Store

from .conftest import SEEDS

ECBPLUS = SEEDS.parent / "data" / "ecbplus" / "articles.jsonl"
runner = CliRunner()


def _analysed(paths: list[Path], db: Path) -> dict[str, Any]:
    settings = Settings()
    with Store(db) as store:
        pipeline.ingest(store, paths, settings)
        pipeline.analyze(store, settings)
        return build_export(store)


def _round_trip(document: dict[str, Any], db: Path) -> dict[str, Any]:
    with Store(db) as store:
        import_document(store, json.loads(json.dumps(document)))
        return build_export(store)


def test_filled_store_round_trips_through_json(filled_store: Store, tmp_path: Path) -> None:
    """Hostile text, quotes with speakers, families and findings: all come back as they were."""
    document = build_export(filled_store)
    assert _round_trip(document, tmp_path / "copy.db") == document


def test_seeds_round_trip_through_json_and_parquet(tmp_path: Path) -> None:
    document = _analysed([SEEDS], tmp_path / "first.db")
    assert document["reuse"] and document["findings"], "the seeds share a passage and facts"
    assert _round_trip(document, tmp_path / "json.db") == document
    with Store(tmp_path / "first.db") as store:
        write_export(store, "parquet", tmp_path / "tables")
    with Store(tmp_path / "parquet.db") as store:
        import_path(tmp_path / "tables", store)
        assert build_export(store) == document


def test_imported_store_is_fully_analysed(tmp_path: Path) -> None:
    """Analyze finds nothing to do, and the links behind families are there for the UI."""
    document = _analysed([SEEDS], tmp_path / "first.db")
    with Store(tmp_path / "first.db") as store:
        links = store.links()
    with Store(tmp_path / "copy.db") as store:
        report = import_document(store, document)
        assert report.links_rebuilt
        assert store.links() == links
        again = pipeline.analyze(store, Settings())
        assert (again.cleaned, again.reuse_links, again.clustered) == (0, 0, 0)
        assert build_export(store) == document


@pytest.mark.slow
@pytest.mark.skipif(not ECBPLUS.exists(), reason="needs ../shared/data/ecbplus")
def test_ecbplus_articles_round_trip(tmp_path: Path) -> None:
    sample = tmp_path / "ecbplus.jsonl"
    with ECBPLUS.open("rb") as source:
        sample.write_bytes(b"".join(islice(source, 40)))
    document = _analysed([sample], tmp_path / "first.db")
    assert len(document["articles"]) == 40 and document["findings"]
    assert _round_trip(document, tmp_path / "copy.db") == document


def test_import_refuses_a_store_with_articles(filled_store: Store) -> None:
    with pytest.raises(Exception, match="not empty"):
        import_document(filled_store, build_export(filled_store))


def test_cli_import_then_stories(filled_store: Store, tmp_path: Path) -> None:
    export = tmp_path / "export.json"
    write_export(filled_store, "json", export)
    db = tmp_path / "imported.db"
    result = runner.invoke(app, ["import", str(export), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "imported" in result.stdout
    listed = runner.invoke(app, ["stories", "--db", str(db)])
    assert listed.exit_code == 0
    with Store(db) as store:
        assert len(store.stories()) == len(filled_store.stories())


@pytest.mark.parametrize(
    ("content", "cause"),
    [("{not json", "not a JSON export"), ('{"version": 99}', "not a storytrace export")],
)
def test_cli_bad_export_is_one_line(tmp_path: Path, content: str, cause: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    result = runner.invoke(app, ["import", str(bad), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and cause in result.stderr and "bad.json" in result.stderr


def test_folder_without_tables_is_refused(tmp_path: Path) -> None:
    with pytest.raises(Exception, match=r"no articles\.parquet"):
        load_document(tmp_path)
