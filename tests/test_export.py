"""Export: the documented JSON schema, offsets that slice the text, CSV/Parquet tables."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq

from storytrace.export import TABLE_COLUMNS, build_export, export_tables, write_export
from storytrace.model import Mention
from storytrace.store import Store

ARTICLE_FIELDS = {
    "id",
    "external_id",
    "origin",
    "source",
    "url",
    "title",
    "author",
    "published",
    "text",
    "removed",
    "reused_share",
}


def test_json_document_has_the_documented_shape(filled_store: Store) -> None:
    doc = build_export(filled_store)
    assert doc["version"] == 1
    assert set(doc) == {
        *("version", "articles", "stories", "reuse", "findings", "outlet_graph"),
        *("mentions", "quotes"),
    }
    assert all(set(a) == ARTICLE_FIELDS for a in doc["articles"])
    assert set(doc["stories"][0]) == {"id", "title", "article_ids", "first_seen", "last_seen"}
    assert set(doc["reuse"][0]) == {"id", "kind", "origin_article_id", "passages"}
    finding = doc["findings"][0]
    assert set(finding) == {"story_id", "kind", "topic", "values", "independent_sources"}
    assert set(finding["values"][0]) == {"value", "article_ids", "evidence"}
    assert doc["articles"][0]["published"] == "2021-03-04T00:00:00+00:00"
    assert doc["articles"][1]["published"] == "2021-03-05T00:00:00+00:00"


def test_quotes_keep_their_speaker_span_through_the_store(filled_store: Store) -> None:
    article = filled_store.article("aaaa000000000001")
    assert article is not None
    text = article.text
    quote = Mention(
        article.id, text.index("that 40"), text.index(" in March"), "quote", "that 40 homes",
        "The council", "said", speaker_start=text.index("The council"),
        speaker_end=text.index("The council") + len("The council"),
    )  # fmt: skip
    filled_store.save_cleaned([(article, [], [quote])])
    doc = build_export(filled_store)
    (exported,) = doc["quotes"]
    assert exported["speaker"] == "The council" and exported["verb"] == "said"
    assert text[exported["speaker_start"] : exported["speaker_end"]] == "The council"
    assert exported["text"] == text[quote.start : quote.end]
    # Saving the article's facts again replaced its own mentions (the fixture's claim) only.
    kinds = {(m["article_id"], m["kind"]) for m in doc["mentions"]}
    assert kinds == {(article.id, "quote"), ("bbbb000000000002", "claim")}
    assert export_tables(doc)["quotes"][0]["speaker_start"] == exported["speaker_start"]


def test_offsets_slice_the_article_text(filled_store: Store) -> None:
    doc = build_export(filled_store)
    texts = {a["id"]: a["text"] for a in doc["articles"]}
    spans = [p for family in doc["reuse"] for p in family["passages"]]
    spans += [e for f in doc["findings"] for v in f["values"] for e in v["evidence"]]
    assert spans
    for span in spans:
        assert texts[span["article_id"]][span["start"] : span["end"]] == span["text"]


def test_json_file_round_trips(filled_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "x" / "export.json"
    write_export(filled_store, "json", out)
    assert json.loads(out.read_text("utf-8")) == build_export(filled_store)


def test_csv_tables_are_formula_safe(filled_store: Store, tmp_path: Path) -> None:
    written = write_export(filled_store, "csv", tmp_path / "csv")
    assert {p.stem for p in written} == set(TABLE_COLUMNS)
    with (tmp_path / "csv" / "articles.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["author"].startswith("'=")
    assert rows[0]["text"].startswith("'=SUM")
    for path in written:
        with path.open(encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert header == list(TABLE_COLUMNS[path.stem])


def test_parquet_tables_match_csv_tables(filled_store: Store, tmp_path: Path) -> None:
    write_export(filled_store, "parquet", tmp_path / "pq")
    table = pq.read_table(tmp_path / "pq" / "reuse_passages.parquet")
    assert table.column_names == list(TABLE_COLUMNS["reuse_passages"])
    assert table.num_rows == 2
    empty = pq.read_table(tmp_path / "pq" / "removed_blocks.parquet")
    assert empty.column_names == list(TABLE_COLUMNS["removed_blocks"])


def test_outlet_graph_and_reused_share(filled_store: Store) -> None:
    doc = build_export(filled_store)
    # fixture: family fam1 is a copy whose origin is one.example's article
    assert doc["outlet_graph"] == [
        {
            "from_source": "one.example",
            "to_source": "two.example",
            "passages": 1,
            "characters": len(doc["reuse"][0]["passages"][1]["text"]),
        }
    ]
    shares = {a["source"]: a["reused_share"] for a in doc["articles"]}
    assert shares["one.example"] == 0.0
    b = next(a for a in doc["articles"] if a["source"] == "two.example")
    assert shares["two.example"] == round(
        len(doc["reuse"][0]["passages"][1]["text"]) / len(b["text"]), 4
    )
