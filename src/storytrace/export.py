"""Export the store as JSON (one document), or CSV / Parquet (the same tables, flattened).

The JSON layout is documented in docs/export-schema.md and kept stable: later versions only
add fields. Offsets index into each article's ``text``, so ``text[start:end]`` is the passage.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from .model import Article, Family, Finding, Mention, OutletEdge, ReuseLink, Story
from .reuse_graph import outlet_graph, reused_share
from .statements import Statement
from .store import Store

ExportFormat = Literal["json", "csv", "parquet"]
EXPORT_VERSION = 1
# Spreadsheet programs run cells starting with these as formulas (CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Columns and types of the flat tables, fixed so that empty tables keep their header/schema.
TABLE_COLUMNS: dict[str, dict[str, str]] = {
    "articles": {
        "id": "string",
        "external_id": "string",
        "origin": "string",
        "source": "string",
        "url": "string",
        "title": "string",
        "author": "string",
        "published": "string",
        "text": "string",
        "reused_share": "double",
    },
    "removed_blocks": {
        "article_id": "string",
        "index": "int64",
        "text": "string",
        "reason": "string",
    },
    "stories": {"id": "string", "title": "string", "first_seen": "string", "last_seen": "string"},
    "story_articles": {"story_id": "string", "article_id": "string"},
    "reuse_families": {"id": "string", "kind": "string", "origin_article_id": "string"},
    "reuse_passages": {
        "family_id": "string",
        "article_id": "string",
        "start": "int64",
        "end": "int64",
        "text": "string",
    },
    "outlet_graph": {
        "from_source": "string",
        "to_source": "string",
        "passages": "int64",
        "characters": "int64",
    },
    "findings": {
        "finding_id": "string",
        "story_id": "string",
        "kind": "string",
        "topic": "string",
        "independent_sources": "int64",
        "values": "string",
    },
    "finding_evidence": {
        "finding_id": "string",
        "value": "string",
        "article_id": "string",
        "start": "int64",
        "end": "int64",
        "text": "string",
    },
    "mentions": {
        "article_id": "string",
        "start": "int64",
        "end": "int64",
        "text": "string",
        "kind": "string",
        "value": "string",
        "key": "string",
        "qualifier": "string",
        "canonical_id": "string",
    },
    "quotes": {
        "article_id": "string",
        "start": "int64",
        "end": "int64",
        "text": "string",
        "speaker": "string",
        "speaker_start": "int64",
        "speaker_end": "int64",
        "verb": "string",
    },
}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def span_record(texts: dict[str, str], article_id: str, start: int, end: int) -> dict[str, Any]:
    """A passage or evidence span with its text (empty when the article is not at hand)."""
    return {
        "article_id": article_id,
        "start": start,
        "end": end,
        "text": texts.get(article_id, "")[start:end],
    }


def article_record(article: Article, reused: float) -> dict[str, Any]:
    return {
        "id": article.id,
        "external_id": article.external_id,
        "origin": article.origin,
        "source": article.source,
        "url": article.url,
        "title": article.title,
        "author": article.author,
        "published": _iso(article.published),
        "text": article.text,
        "removed": [{"text": b.text, "reason": b.reason} for b in article.removed],
        "reused_share": reused,
    }


def story_record(story: Story) -> dict[str, Any]:
    return {
        "id": story.id,
        "title": story.title,
        "article_ids": list(story.article_ids),
        "first_seen": _iso(story.first_seen),
        "last_seen": _iso(story.last_seen),
    }


def family_record(family: Family, texts: dict[str, str]) -> dict[str, Any]:
    return {
        "id": family.id,
        "kind": family.kind,
        "origin_article_id": family.origin_article_id,
        "passages": [span_record(texts, p.article_id, p.start, p.end) for p in family.passages],
    }


def edge_record(edge: OutletEdge) -> dict[str, Any]:
    return {
        "from_source": edge.from_source,
        "to_source": edge.to_source,
        "passages": edge.passages,
        "characters": edge.characters,
    }


def finding_record(finding: Finding, texts: dict[str, str]) -> dict[str, Any]:
    def evidence(mention: Mention) -> dict[str, Any]:
        return span_record(texts, mention.article_id, mention.start, mention.end)

    return {
        "story_id": finding.story_id,
        "kind": finding.kind,
        "topic": finding.topic,
        "values": [
            {
                "value": v.value,
                "article_ids": list(v.article_ids),
                "evidence": [evidence(m) for m in v.evidence],
            }
            for v in finding.values
        ],
        "independent_sources": finding.independent_sources,
    }


def statement_record(statement: Statement, texts: dict[str, str]) -> dict[str, Any]:
    """A story's statement (who said what) as the API serves it; see ``statements``."""
    return {
        "speaker": statement.speaker,
        "article_ids": list(statement.article_ids),
        "independent_sources": statement.independent_sources,
        "single_source": statement.single_source,
        "evidence": [
            {
                **mention_record(m, texts),
                "speaker_start": m.speaker_start,
                "speaker_end": m.speaker_end,
            }
            for m in statement.evidence
        ],
    }


def mention_record(mention: Mention, texts: dict[str, str]) -> dict[str, Any]:
    return {
        **span_record(texts, mention.article_id, mention.start, mention.end),
        "kind": mention.kind,
        "value": mention.value,
        "key": mention.key,
        "qualifier": mention.qualifier,
        "canonical_id": mention.canonical_id,
    }


def quote_record(mention: Mention, texts: dict[str, str]) -> dict[str, Any]:
    """A quote with its speaker: the name (or "") and where the article names them."""
    return {
        **span_record(texts, mention.article_id, mention.start, mention.end),
        "speaker": mention.key,
        "speaker_start": mention.speaker_start,
        "speaker_end": mention.speaker_end,
        "verb": mention.qualifier,
    }


def families_by_article(families: Iterable[Family]) -> dict[str, list[Family]]:
    found: dict[str, list[Family]] = {}
    for family in families:
        for article_id in {p.article_id for p in family.passages}:
            found.setdefault(article_id, []).append(family)
    return found


def build_export(store: Store) -> dict[str, Any]:
    """The whole analysed store as one JSON-ready document (schema version 1)."""
    articles = store.articles()
    texts = {a.id: a.text for a in articles}
    by_id = {a.id: a for a in articles}
    sources = {a.id: a.source for a in articles}
    families = store.families()
    families_of = families_by_article(families)
    mentions = store.mentions(list(texts))
    links_of: dict[str, list[ReuseLink]] = {}
    for link in store.links():
        links_of.setdefault(link.a.article_id, []).append(link)
        links_of.setdefault(link.b.article_id, []).append(link)
    return {
        "version": EXPORT_VERSION,
        "articles": [
            article_record(
                a,
                reused_share(a, links_of.get(a.id, []), families_of.get(a.id, []), by_id),
            )
            for a in articles
        ],
        "stories": [story_record(s) for s in store.stories()],
        "reuse": [family_record(f, texts) for f in families],
        "outlet_graph": [edge_record(e) for e in outlet_graph(families, sources)],
        "findings": [finding_record(f, texts) for f in store.findings()],
        "mentions": [mention_record(m, texts) for m in mentions],
        "quotes": [quote_record(m, texts) for m in mentions if m.kind == "quote"],
    }


def export_tables(document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The export document flattened into tables, one row per record, for CSV and Parquet."""
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLE_COLUMNS}
    for a in document["articles"]:
        tables["articles"].append({k: v for k, v in a.items() if k != "removed"})
        tables["removed_blocks"].extend(
            {"article_id": a["id"], "index": i, **block} for i, block in enumerate(a["removed"])
        )
    for s in document["stories"]:
        tables["stories"].append({k: v for k, v in s.items() if k != "article_ids"})
        tables["story_articles"].extend(
            {"story_id": s["id"], "article_id": article_id} for article_id in s["article_ids"]
        )
    tables["outlet_graph"].extend(document["outlet_graph"])
    for family in document["reuse"]:
        tables["reuse_families"].append({k: v for k, v in family.items() if k != "passages"})
        tables["reuse_passages"].extend(
            {"family_id": family["id"], **p} for p in family["passages"]
        )
    for index, finding in enumerate(document["findings"]):
        finding_id = f"{finding['story_id']}:{index}"
        tables["findings"].append(
            {
                "finding_id": finding_id,
                "story_id": finding["story_id"],
                "kind": finding["kind"],
                "topic": finding["topic"],
                "independent_sources": finding["independent_sources"],
                "values": " | ".join(v["value"] for v in finding["values"]),
            }
        )
        tables["finding_evidence"].extend(
            {"finding_id": finding_id, "value": v["value"], **e}
            for v in finding["values"]
            for e in v["evidence"]
        )
    # Documents written before version 1 gained these lists have none.
    tables["mentions"].extend(document.get("mentions", []))
    tables["quotes"].extend(document.get("quotes", []))
    return tables


def _csv_safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas in untrusted text (OWASP CSV injection advice)."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def write_export(store: Store, fmt: ExportFormat, out: Path) -> list[Path]:
    """Write the export; JSON is one file at ``out``, CSV and Parquet a folder of tables."""
    document = build_export(store)
    if fmt == "json":
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")
        return [out]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in export_tables(document).items():
        columns = TABLE_COLUMNS[name]
        if fmt == "csv":
            path = out / f"{name}.csv"
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=list(columns))
                writer.writeheader()
                writer.writerows({k: _csv_safe(v) for k, v in row.items()} for row in rows)
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            path = out / f"{name}.parquet"
            schema = pa.schema([(column, pa.type_for_alias(t)) for column, t in columns.items()])
            pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
        written.append(path)
    return written
