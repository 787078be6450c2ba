"""``storytrace import``: load an export (JSON document or Parquet tables) into a new store.

The bridge back from Spark (``storytrace spark run`` writes the export's tables as Parquet)
and from ``storytrace export``, so that ``stories``, ``show``, ``report`` and ``serve`` work on
the result. Exporting the imported store gives the same document again (tested).

What an export does not carry is rebuilt with the local functions, never invented:

- sentences: :func:`storytrace.segment.segment` on the text (the same split as the analysis);
- reuse links (the pairwise matches behind families; the web page and ``reused_share`` read
  them): taken from the ``reuse_links`` table when present (Spark output), else found again by
  aligning each pair of articles that share a family (:func:`storytrace.reuse_align.align`);
- the details of a finding's evidence (kind, value, key): the article's mention at that span;
- finding ids: the compare stage's hash of story, kind and topic.

The raw input is not in an export: the imported articles keep their clean text as ``raw``,
and a removed block's offset in the input is unknown (0). Articles are marked fully analysed,
so ``storytrace analyze`` on the imported store does nothing for them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import combinations
from pathlib import Path
from typing import Any

from . import store as st
from .compare import finding_id_of
from .errors import StorytraceError
from .export import TABLE_COLUMNS
from .model import (
    Article,
    Family,
    Finding,
    FindingValue,
    Mention,
    Passage,
    RemovedBlock,
    ReuseLink,
    Story,
)
from .pipeline import FAMILIES_LINKS_STATE
from .reuse import ReuseSettings
from .reuse_align import align, ngram_hashes, words_of
from .segment import segment
from .settings import ALGORITHMS
from .store import Store

# Beyond the export's tables, Spark output carries these (storytrace.spark.tables).
_LINK_TABLE = "reuse_links"
_BATCH = 500


@dataclass
class ImportReport:
    articles: int = 0
    stories: int = 0
    families: int = 0
    links: int = 0
    links_rebuilt: bool = False
    findings: int = 0
    mentions: int = 0
    warnings: list[str] = field(default_factory=list)


def load_document(path: Path) -> dict[str, Any]:
    """The export document in ``path``: a JSON file, or a folder of Parquet tables."""
    if path.is_dir():
        return document_from_tables(read_tables(path))
    try:
        with path.open(encoding="utf-8") as handle:
            document = json.load(handle)
    except FileNotFoundError as exc:
        raise StorytraceError(f"{path}: no such file or folder") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StorytraceError(f"{path}: not a JSON export: {exc}") from exc
    if not isinstance(document, dict) or document.get("version") != 1:
        raise StorytraceError(f"{path}: not a storytrace export (expected version 1)")
    return document


def read_tables(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """Every table found in ``folder``: ``<name>.parquet`` as one file or as a Spark folder."""
    import pyarrow.parquet as pq

    tables: dict[str, list[dict[str, Any]]] = {}
    for name in (*TABLE_COLUMNS, _LINK_TABLE):
        path = folder / f"{name}.parquet"
        if not path.exists():
            continue
        try:
            # A Spark folder's part files are read in name order, which is row order.
            tables[name] = pq.read_table(path).to_pylist()
        except Exception as exc:  # pyarrow raises several types for damaged files
            raise StorytraceError(f"{path}: unreadable Parquet table: {exc}") from exc
    if "articles" not in tables:
        raise StorytraceError(f"{folder}: no articles.parquet (not a storytrace Parquet export)")
    return tables


def document_from_tables(tables: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Invert :func:`storytrace.export.export_tables` (plus the links, when present)."""
    removed: dict[str, list[dict[str, Any]]] = {}
    for row in sorted(
        tables.get("removed_blocks", []), key=lambda r: (r["article_id"], r["index"])
    ):
        removed.setdefault(row["article_id"], []).append(
            {"text": row["text"], "reason": row["reason"]}
        )
    articles = [
        {**row, "removed": removed.get(row["id"], [])}
        for row in sorted(tables["articles"], key=lambda r: r["id"])
    ]
    members: dict[str, list[str]] = {}
    for row in tables.get("story_articles", []):
        members.setdefault(row["story_id"], []).append(row["article_id"])
    stories = [
        {**row, "article_ids": sorted(members.get(row["id"], []))}
        for row in sorted(tables.get("stories", []), key=lambda r: r["id"])
    ]
    passages: dict[str, list[dict[str, Any]]] = {}
    for row in tables.get("reuse_passages", []):
        passages.setdefault(row["family_id"], []).append(
            {k: row[k] for k in ("article_id", "start", "end", "text")}
        )
    reuse = [
        {**row, "passages": passages.get(row["id"], [])}
        for row in sorted(tables.get("reuse_families", []), key=lambda r: r["id"])
    ]
    evidence: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for row in tables.get("finding_evidence", []):
        spans = evidence.setdefault(row["finding_id"], {}).setdefault(row["value"], [])
        spans.append({k: row[k] for k in ("article_id", "start", "end", "text")})
    findings = []
    for row in sorted(tables.get("findings", []), key=_finding_order):
        values = evidence.get(row["finding_id"], {})
        findings.append(
            {
                "story_id": row["story_id"],
                "kind": row["kind"],
                "topic": row["topic"],
                "values": [
                    {
                        "value": value,
                        "article_ids": sorted({e["article_id"] for e in spans}),
                        "evidence": spans,
                    }
                    for value, spans in values.items()
                ],
                "independent_sources": row["independent_sources"],
            }
        )
    document: dict[str, Any] = {
        "version": 1,
        "articles": articles,
        "stories": stories,
        "reuse": reuse,
        "outlet_graph": tables.get("outlet_graph", []),
        "findings": findings,
        "mentions": tables.get("mentions", []),
        "quotes": tables.get("quotes", []),
    }
    if _LINK_TABLE in tables:
        document[_LINK_TABLE] = tables[_LINK_TABLE]
    return document


def _finding_order(row: dict[str, Any]) -> tuple[int, str]:
    """Findings in export order: their ids are ``story:index`` over the whole export."""
    _story, _, index = str(row["finding_id"]).rpartition(":")
    return (int(index), row["finding_id"]) if index.isdigit() else (-1, row["finding_id"])


def import_document(store: Store, document: dict[str, Any]) -> ImportReport:
    """Write the export ``document`` into ``store``, which must hold no articles yet."""
    if store.count_articles():
        raise StorytraceError(f"{store.path}: store is not empty; import into a new store")
    report = ImportReport()
    run_id = store.start_run("import", {}, ALGORITHMS)
    articles = [_article(record) for record in document.get("articles", [])]
    by_id = {a.id: a for a in articles}
    mentions = _mentions(document.get("mentions", []), document.get("quotes", []))
    for start in range(0, len(articles), _BATCH):
        batch = articles[start : start + _BATCH]
        with store.transaction():
            store.add_articles(batch)
            store.save_cleaned([(a, segment(a).sentences, mentions.get(a.id, [])) for a in batch])
    families = [_family(record) for record in document.get("reuse", [])]
    if _LINK_TABLE in document:
        links = [_link(row) for row in document[_LINK_TABLE]]
    else:
        links = rebuild_links(families, by_id)
        report.links_rebuilt = True
    stories = [_story(record) for record in document.get("stories", [])]
    with store.transaction():
        store.save_links(links)
        store.replace_families(families)
        store.set_state(FAMILIES_LINKS_STATE, str(store.link_count()))
        store.save_stories(stories)
        store.set_stage(sorted(by_id), st.STAGE_CLUSTERED)
    findings = _findings(document.get("findings", []), mentions)
    with store.transaction():
        for story_id, story_findings in findings.items():
            store.replace_findings(story_id, story_findings)
    report.articles, report.stories, report.families = len(articles), len(stories), len(families)
    report.links = len(links)
    report.findings = sum(len(f) for f in findings.values())
    report.mentions = sum(len(m) for m in mentions.values())
    store.finish_run(run_id, {k: v for k, v in vars(report).items() if k != "warnings"})
    return report


def import_path(path: Path, store: Store) -> ImportReport:
    """Load the JSON export or Parquet folder at ``path`` into ``store``."""
    return import_document(store, load_document(path))


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _article(record: dict[str, Any]) -> Article:
    text = record.get("text") or ""
    return Article(
        id=record["id"],
        origin=record.get("origin") or "",
        format="text",
        raw=text.encode("utf-8"),  # the input itself is not exported
        external_id=record.get("external_id"),
        source=record.get("source"),
        url=record.get("url"),
        title=record.get("title"),
        published=_datetime(record.get("published")),
        author=record.get("author"),
        text=text,
        removed=tuple(
            RemovedBlock(block["text"], block["reason"], 0) for block in record.get("removed", [])
        ),
    )


def _mentions(
    records: Iterable[dict[str, Any]], quotes: Iterable[dict[str, Any]]
) -> dict[str, list[Mention]]:
    """Each article's mentions in export (extraction) order; quotes get their speaker span."""
    speakers = {
        (q["article_id"], q["start"], q["end"]): (q.get("speaker_start"), q.get("speaker_end"))
        for q in quotes
    }
    found: dict[str, list[Mention]] = {}
    for r in records:
        speaker_start, speaker_end = (None, None)
        if r["kind"] == "quote":
            speaker_start, speaker_end = speakers.get(
                (r["article_id"], r["start"], r["end"]), (None, None)
            )
        found.setdefault(r["article_id"], []).append(
            Mention(
                r["article_id"],
                r["start"],
                r["end"],
                r["kind"],
                r["value"],
                r.get("key") or "",
                r.get("qualifier") or "",
                r.get("canonical_id"),
                speaker_start,
                speaker_end,
            )
        )
    return found


def _family(record: dict[str, Any]) -> Family:
    passages = tuple(Passage(p["article_id"], p["start"], p["end"]) for p in record["passages"])
    return Family(record["id"], record["kind"], passages, record.get("origin_article_id"))


def _link(row: dict[str, Any]) -> ReuseLink:
    return ReuseLink(
        Passage(row["a_article"], row["a_start"], row["a_end"]),
        Passage(row["b_article"], row["b_start"], row["b_end"]),
        row["similarity"],
        row["kind"],
    )


def rebuild_links(
    families: Sequence[Family],
    articles: dict[str, Article],
    settings: ReuseSettings | None = None,
) -> list[ReuseLink]:
    """The links between articles sharing a family, found again by the reuse aligner.

    Each pair of articles of a family is aligned and the links lying inside the family's
    passages are kept: those the family was grouped from (a pair of a chain A-B-C that was
    never linked stays unlinked). A family the aligner finds nothing for (made by other
    settings or by hand) is linked passage to passage, verbatim when the two texts are equal,
    else ``edited`` with similarity 0 (unknown).
    """
    settings = settings or ReuseSettings()
    prepared: dict[str, Any] = {}

    def words(article_id: str) -> Any:
        if article_id not in prepared:
            found = words_of(segment(articles[article_id]))
            prepared[article_id] = (found, ngram_hashes(found, settings.ngram_words))
        return prepared[article_id]

    aligned: dict[tuple[str, str], list[ReuseLink]] = {}
    links: set[ReuseLink] = set()
    for family in families:
        inside = _inside(family)
        known = [p for p in family.passages if p.article_id in articles]
        pairs = list(combinations(sorted({p.article_id for p in known}), 2))
        found: list[ReuseLink] = []
        for first, second in pairs:
            if (first, second) not in aligned:
                (words_a, ngrams_a), (words_b, ngrams_b) = words(first), words(second)
                aligned[(first, second)] = align(words_a, ngrams_a, words_b, ngrams_b, settings)
            found += [k for k in aligned[(first, second)] if inside(k.a) and inside(k.b)]
        if not found:  # a family the aligner cannot explain: link its passages pairwise
            found = [
                _passage_link(a, b, articles)
                for a in known
                for b in known
                if (a.article_id, b.article_id) in pairs
            ]
        links.update(found)
    return sorted(links, key=lambda k: (k.a.article_id, k.a.start, k.b.article_id, k.b.start))


def _inside(family: Family) -> Callable[[Passage], bool]:
    spans: dict[str, list[tuple[int, int]]] = {}
    for p in family.passages:
        spans.setdefault(p.article_id, []).append((p.start, p.end))

    def inside(passage: Passage) -> bool:
        return any(
            s <= passage.start and passage.end <= e for s, e in spans.get(passage.article_id, [])
        )

    return inside


def _passage_link(a: Passage, b: Passage, articles: dict[str, Article]) -> ReuseLink:
    same = (
        articles[a.article_id].text[a.start : a.end] == articles[b.article_id].text[b.start : b.end]
    )
    return ReuseLink(a, b, 1.0 if same else 0.0, "verbatim" if same else "edited")


def _story(record: dict[str, Any]) -> Story:
    return Story(
        record["id"],
        record["title"],
        _datetime(record.get("first_seen")),
        _datetime(record.get("last_seen")),
        tuple(sorted(record.get("article_ids", []))),
    )


def _findings(
    records: Iterable[dict[str, Any]], mentions: dict[str, list[Mention]]
) -> dict[str, list[Finding]]:
    """Findings per story in export order, evidence matched to the mentions at its spans."""
    at: dict[tuple[str, int, int], Mention] = {}
    for article_mentions in mentions.values():
        for m in article_mentions:
            at.setdefault((m.article_id, m.start, m.end), m)
    found: dict[str, list[Finding]] = {}
    for record in records:
        story_id = record["story_id"]
        values = tuple(
            FindingValue(
                v["value"],
                tuple(v["article_ids"]),
                tuple(_evidence(e, v["value"], at) for e in v["evidence"]),
            )
            for v in record["values"]
        )
        taken = found.setdefault(story_id, [])
        seen = {f.id for f in taken}
        finding_id, n = finding_id_of(story_id, record["kind"], record["topic"]), 1
        while finding_id in seen:  # as compare numbers two groups of one topic
            n += 1
            finding_id = finding_id_of(story_id, record["kind"], f"{record['topic']}#{n}")
        taken.append(
            Finding(
                story_id,
                record["kind"],
                record["topic"],
                values,
                record["independent_sources"],
                finding_id,
            )
        )
    return found


def _evidence(span: dict[str, Any], value: str, at: dict[tuple[str, int, int], Mention]) -> Mention:
    key = (span["article_id"], span["start"], span["end"])
    mention = at.get(key)
    if mention is not None:
        return mention
    # Not among the exported mentions (an older export): the span and the finding's value.
    return Mention(span["article_id"], span["start"], span["end"], "quote", value)
