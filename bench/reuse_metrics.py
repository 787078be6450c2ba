"""Scoring of reported passage pairs against the gold spans of ``reuse-synthetic``.

Shared by ``bench/reuse.py`` for every system (storytrace, the MinHash peers, Passim), so every
figure uses the same definitions:

- **in scope**: a reported pair whose one side is a derived article and the other a source
  article (``docs.jsonl: role``); pairs between two sources or two derived articles are ignored
  (the data's README, "How to score"). Unlabelled corpora: every pair, later article derived.
- **recall**: a gold span is found when one reported pair for its (derived, source) articles
  overlaps it by >= 50 % of the gold span's characters on the derived side *and* on the source
  side. Broken down by ``edit_kind``, ``passage_kind`` and position (the gold span starts in the
  first 50 characters of the derived article, or later).
- **precision**, the mirror image: an in-scope reported pair is correct when the gold spans of
  its (derived, source) articles cover >= 50 % of the *reported* passage's characters on both
  sides (the union of those gold spans, so one passage over two adjacent gold spans of the same
  source counts as correct). A pair on an article pair without gold span (a negative, a wrong
  source) is wrong. "Precision at start": pairs whose derived passage starts before character 50.
- **boundary error**: for each found gold span, the best reported pair's |start - gold start|
  and |end - gold end| on the derived side, pooled; the median is reported.
- **origin accuracy**: for each found gold span whose derived and source dates differ (all of
  them in this set), the family holding most of the span's derived characters names the source
  as its origin. ``origin_all`` divides by every gold span with differing dates instead.
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

START_CHARS = 50
MIN_OVERLAP = 0.5


@dataclass(frozen=True, slots=True)
class Doc:
    id: str
    source: str
    published: datetime
    text: str
    role: str  # source | derived | "" (unlabelled)
    kind: str = ""  # source | reuse | negative


@dataclass(frozen=True, slots=True)
class GoldSpan:
    derived_id: str
    derived_start: int
    derived_end: int
    source_id: str
    source_start: int
    source_end: int
    edit_kind: str
    passage_kind: str


@dataclass(frozen=True, slots=True)
class PassagePair:
    """A reported pair of passages, oriented (derived side, source side)."""

    derived_id: str
    derived_start: int
    derived_end: int
    source_id: str
    source_start: int
    source_end: int


# A system's output before orientation: ((article, start, end), (article, start, end)).
Side = tuple[str, int, int]
RawPair = tuple[Side, Side]
# A family: its origin (or None) and its passages.
RawFamily = tuple[str | None, tuple[Side, ...]]


def parse_date(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def load_docs(path: Path, labels: Path | None = None) -> list[Doc]:
    """Articles of a JSONL file in file order, with roles from ``labels`` (docs.jsonl) if given."""
    role: dict[str, tuple[str, str]] = {}
    if labels is not None and labels.exists():
        for line in labels.open(encoding="utf-8"):
            record = json.loads(line)
            role[record["id"]] = (record["role"], record["kind"])
    docs = []
    for line in path.open(encoding="utf-8"):
        r = json.loads(line)
        docs.append(
            Doc(
                r["id"],
                r["source"],
                parse_date(r["published"]),
                r["text"],
                *role.get(r["id"], ("", "")),
            )
        )
    return docs


def load_gold(path: Path) -> list[GoldSpan]:
    spans = []
    for line in path.open(encoding="utf-8"):
        g = json.loads(line)
        spans.append(
            GoldSpan(
                g["derived_id"],
                g["derived_start"],
                g["derived_end"],
                g["source_id"],
                g["source_start"],
                g["source_end"],
                g.get("edit_kind", "verbatim"),
                g.get("passage_kind", ""),
            )
        )
    return spans


def orient(pairs: Iterable[RawPair], docs: Sequence[Doc]) -> list[PassagePair]:
    """In-scope pairs, derived side first; others (source-source, derived-derived) dropped.

    Between two unlabelled articles (the generated scale corpora, where any article may be
    copied), the later one is the derived side.
    """
    role = {d.id: d.role for d in docs}
    order = {d.id: (d.published, d.id) for d in docs}
    oriented = []
    for first, second in pairs:
        for d, s in ((first, second), (second, first)):
            labelled = role.get(d[0]) == "derived" and role.get(s[0]) == "source"
            unlabelled = role.get(d[0]) == role.get(s[0]) == "" and order[d[0]] > order[s[0]]
            if labelled or unlabelled:
                oriented.append(PassagePair(d[0], d[1], d[2], s[0], s[1], s[2]))
    return oriented


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def _covered(start: int, end: int, spans: Sequence[tuple[int, int]]) -> int:
    """Characters of [start, end) inside the union of ``spans``."""
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return sum(_overlap(start, end, s, e) for s, e in merged)


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def score(
    docs: Sequence[Doc],
    gold: Sequence[GoldSpan],
    pairs: Iterable[RawPair],
    families: Sequence[RawFamily] | None,
) -> dict[str, float]:
    """Every figure of the module docstring for one system's output (NaN where it has none)."""
    by_id = {d.id: d for d in docs}
    predicted = orient(pairs, docs)
    by_pair: dict[tuple[str, str], list[PassagePair]] = defaultdict(list)
    for p in predicted:
        by_pair[(p.derived_id, p.source_id)].append(p)
    gold_by_pair: dict[tuple[str, str], list[GoldSpan]] = defaultdict(list)
    for g in gold:
        gold_by_pair[(g.derived_id, g.source_id)].append(g)

    found: dict[str, list[bool]] = defaultdict(list)
    errors: list[int] = []
    found_spans: list[GoldSpan] = []
    for g in gold:
        best, best_key = None, (0.0, 0)
        for p in by_pair.get((g.derived_id, g.source_id), ()):
            od = _overlap(p.derived_start, p.derived_end, g.derived_start, g.derived_end)
            os_ = _overlap(p.source_start, p.source_end, g.source_start, g.source_end)
            fit = min(
                _ratio(od, g.derived_end - g.derived_start),
                _ratio(os_, g.source_end - g.source_start),
            )
            if (fit, od) > best_key:
                best, best_key = p, (fit, od)
        hit = best is not None and best_key[0] >= MIN_OVERLAP
        position = "start" if g.derived_start < START_CHARS else "later"
        for key in ("all", g.edit_kind, g.passage_kind, position):
            found[key].append(hit)
        if hit and best is not None:
            found_spans.append(g)
            errors.append(abs(best.derived_start - g.derived_start))
            errors.append(abs(best.derived_end - g.derived_end))

    correct: dict[str, list[bool]] = defaultdict(list)
    for p in predicted:
        spans = gold_by_pair.get((p.derived_id, p.source_id), [])
        cd = _covered(
            p.derived_start, p.derived_end, [(g.derived_start, g.derived_end) for g in spans]
        )
        cs = _covered(p.source_start, p.source_end, [(g.source_start, g.source_end) for g in spans])
        ok = (
            min(
                _ratio(cd, p.derived_end - p.derived_start),
                _ratio(cs, p.source_end - p.source_start),
            )
            >= MIN_OVERLAP
        )
        correct["all"].append(ok)
        correct["start" if p.derived_start < START_CHARS else "later"].append(ok)

    result = {f"recall_{k}": sum(v) / len(v) for k, v in found.items()}
    result.update({f"precision_{k}": sum(v) / len(v) for k, v in correct.items()})
    result["reported_pairs"] = len(predicted)
    result["boundary_error"] = statistics.median(errors) if errors else float("nan")
    negatives = {d.id for d in docs if d.kind == "negative"}
    if negatives:
        flagged = {p.derived_id for p in predicted} & negatives
        result["negatives_flagged"] = len(flagged) / len(negatives)
    if families is not None:
        dated = [g for g in gold if by_id[g.derived_id].published != by_id[g.source_id].published]
        dated_set = set(dated)
        found_dated = [g for g in found_spans if g in dated_set]
        right = _origins_right(found_dated, families)
        result["origin"] = _ratio(right, len(found_dated)) if found_dated else float("nan")
        result["origin_all"] = _ratio(right, len(dated))
    return result


def _origins_right(spans: Sequence[GoldSpan], families: Sequence[RawFamily]) -> int:
    """Gold spans whose family (most derived characters) names the gold source as origin."""
    at: dict[str, list[tuple[int, int, str | None]]] = defaultdict(list)
    for origin, passages in families:
        for article_id, start, end in passages:
            at[article_id].append((start, end, origin))
    right = 0
    for g in spans:
        best, best_origin = 0, None
        for start, end, origin in at.get(g.derived_id, ()):
            shared = _overlap(start, end, g.derived_start, g.derived_end)
            if shared > best:
                best, best_origin = shared, origin
        right += best_origin == g.source_id
    return right
