"""Facts + compare benchmark: perturbation pairs and labelled ECB+ cross-source fact pairs.

storytrace runs as the pipeline runs it after cleaning: each article's ``text`` goes through
``segment()`` and ``extract_facts(article, segmentation, settings.facts)``, and each story goes
through ``compare(story, articles, mentions, families=[], settings.compare)`` with the default
``Settings()``. Texts are used as they are (ECB+ text is already clean; the seeds are read as
plain text), so offsets are the data's offsets. ECB+ has no publication dates: ``published`` is
None for every article, as for an article whose date is unknown.

1. Perturbations (``bench/facts_perturb.py``): each item is a story of two articles, the
   original and a copy with one span edited (different ``source`` values). A changed item is
   *detected* when a ``disagree`` finding (``variant`` for a spelling change) has an evidence
   mention in the copy overlapping the edited span. Disagreement precision counts every
   ``disagree`` finding of every pair: it is right only when it is the detection of a changed
   number/month/day/place (a disagree on a spelling change or on a reworded item, or one that
   does not touch the edit, is a false disagreement). A reworded item is a *false disagreement*
   when any ``disagree`` finding has evidence overlapping the reworded span.
2. ECB+ fact pairs (``bench/data/ecbplus_fact_pairs.jsonl``): one story per ECB+ subtopic with
   all its articles; for each labelled pair the prediction is the kind of the finding whose
   evidence overlaps both spans (in their articles), taking disagree before variant before agree
   when several do, else ``none``. Printed: the confusion matrix gold label x prediction and
   precision/recall of disagree, agree and variant (``not_comparable`` is right when the
   prediction is ``none``).

Speed: articles/s of ``segment`` + ``extract_facts`` over all ECB+ articles, median of
``--repeat`` passes.

Usage: ``python bench/facts.py [--data ../shared/data] [--seeds ../shared/seeds] [--repeat 3]
[--seed 7] [--per-kind 40] [--errors]``
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from storytrace.compare import compare
from storytrace.facts import extract_facts
from storytrace.model import Article, Finding, Mention, Story
from storytrace.segment import segment
from storytrace.settings import Settings

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DATA = REPO.parent / "shared" / "data"
SEEDS = REPO.parent / "shared" / "seeds"
PAIRS = BENCH / "data" / "ecbplus_fact_pairs.jsonl"
LABELS = ("agree", "disagree", "variant", "not_comparable")
PREDICTIONS = ("agree", "disagree", "variant", "none")
KIND_ORDER = {"disagree": 0, "variant": 1, "agree": 2}
SETTINGS = Settings()


def _perturb_module() -> ModuleType:
    name = "bench_facts_perturb"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCH / "facts_perturb.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def make_article(article_id: str, text: str, source: str | None = None) -> Article:
    return Article(
        id=article_id,
        origin="bench",
        format="text",
        raw=b"",
        text=text,
        published=None,
        source=source or article_id,
    )


def facts(article: Article) -> tuple[Mention, ...]:
    """What the pipeline stores for a cleaned article."""
    return extract_facts(article, segment(article), SETTINGS.facts)


def compare_story(
    story_id: str, articles: Sequence[Article], mentions: Iterable[Mention]
) -> tuple[Finding, ...]:
    story = Story(story_id, story_id, None, None, tuple(a.id for a in articles))
    return compare(story, articles, list(mentions), [], SETTINGS.compare)


def _overlaps(mention: Mention, article_id: str, start: int, end: int) -> bool:
    return mention.article_id == article_id and mention.start < end and start < mention.end


def _touches(finding: Finding, article_id: str, start: int, end: int) -> bool:
    return any(
        _overlaps(m, article_id, start, end) for value in finding.values for m in value.evidence
    )


# --- perturbations ---------------------------------------------------------------------------


@dataclass
class PerturbResult:
    item: Any
    findings: tuple[Finding, ...]
    detected: bool
    true_disagree: int  # disagree findings that detect the change
    false_disagree: int  # all other disagree findings of the pair


def run_perturbations(items: Sequence[Any]) -> list[PerturbResult]:
    cache: dict[tuple[str, str], tuple[Article, tuple[Mention, ...]]] = {}
    results = []
    for item in items:
        key = (item.source, item.article_id)
        if key not in cache:
            original = make_article(f"orig:{item.article_id}", item.original, "outlet-a")
            cache[key] = (original, facts(original))
        original, original_mentions = cache[key]
        copy = make_article(f"copy:{item.id}", item.perturbed, "outlet-b")
        findings = compare_story(item.id, [original, copy], [*original_mentions, *facts(copy)])
        hit = {f.id for f in findings if _touches(f, copy.id, item.start, item.end)}
        wanted = "variant" if item.expected == "variant" else "disagree"
        detected = any(f.kind == wanted and f.id in hit for f in findings)
        disagrees = [f for f in findings if f.kind == "disagree"]
        true_disagree = sum(1 for f in disagrees if item.expected == "disagree" and f.id in hit)
        if item.group == "reworded":
            false_disagree = sum(1 for f in disagrees if f.id in hit)
        else:
            false_disagree = len(disagrees) - true_disagree
        results.append(PerturbResult(item, findings, detected, true_disagree, false_disagree))
    return results


def _ratio(num: int, den: int) -> str:
    return f"{num / den:.3f}" if den else "n/a"


def perturbation_tables(results: Sequence[PerturbResult]) -> str:
    lines = [
        "### Changed facts (expected: disagree; spelling: variant)",
        "",
        "| source | kind | items | detected | recall | disagree findings | right | "
        "disagree precision |",
        "|---|---|---|---|---|---|---|---|",
    ]
    perturb = _perturb_module()
    for source in ("seed", "ecbplus", "all"):
        total = Counter[str]()
        for kind in perturb.CHANGED_KINDS:
            rows = [
                r
                for r in results
                if r.item.kind == kind and (source == "all" or r.item.source == source)
            ]
            if not rows:
                continue
            detected = sum(r.detected for r in rows)
            right = sum(r.true_disagree for r in rows)
            found = right + sum(r.false_disagree for r in rows)
            total.update(items=len(rows), detected=detected, right=right, found=found)
            lines.append(
                f"| {source} | {kind} | {len(rows)} | {detected} | {_ratio(detected, len(rows))}"
                f" | {found} | {right} | {_ratio(right, found)} |"
            )
        if total:
            lines.append(
                f"| {source} | **all changed** | {total['items']} | {total['detected']} | "
                f"{_ratio(total['detected'], total['items'])} | {total['found']} | "
                f"{total['right']} | {_ratio(total['right'], total['found'])} |"
            )
    lines += [
        "",
        "### Reworded, unchanged facts (expected: no disagreement)",
        "",
        "| source | kind | items | false disagreements | rate |",
        "|---|---|---|---|---|",
    ]
    for source in ("seed", "ecbplus", "all"):
        count = flagged = 0
        for kind in perturb.REWORDED_KINDS:
            rows = [
                r
                for r in results
                if r.item.kind == kind and (source == "all" or r.item.source == source)
            ]
            if not rows:
                continue
            bad = sum(r.false_disagree > 0 for r in rows)
            count, flagged = count + len(rows), flagged + bad
            lines.append(f"| {source} | {kind} | {len(rows)} | {bad} | {_ratio(bad, len(rows))} |")
        if count:
            lines.append(
                f"| {source} | **all reworded** | {count} | {flagged} | {_ratio(flagged, count)} |"
            )
    disagree_rows = [r for r in results if r.item.expected == "disagree"]
    right = sum(r.true_disagree for r in results)
    found = right + sum(r.false_disagree for r in results)
    recall = sum(r.detected for r in disagree_rows)
    lines += [
        "",
        f"Overall disagreement precision {_ratio(right, found)} ({right}/{found} disagree "
        f"findings), recall {_ratio(recall, len(disagree_rows))} on number/month/day/place "
        f"changes ({recall}/{len(disagree_rows)}). Target: precision >= 0.90 at recall >= 0.70; "
        "zero false disagreements on the seeds' rewordings.",
    ]
    return "\n".join(lines)


# --- ECB+ pairs ------------------------------------------------------------------------------


def load_articles(data: Path) -> dict[str, dict[str, Any]]:
    with (data / "ecbplus" / "articles.jsonl").open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    return {r["id"]: r for r in records}


def load_pairs(path: Path = PAIRS) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def extract_all(records: dict[str, dict[str, Any]]) -> dict[str, tuple[Mention, ...]]:
    return {aid: facts(make_article(aid, r["text"])) for aid, r in records.items()}


def predict_pairs(
    pairs: Sequence[dict[str, Any]],
    records: dict[str, dict[str, Any]],
    mentions: dict[str, tuple[Mention, ...]],
) -> list[str]:
    by_story: dict[str, list[str]] = defaultdict(list)
    for aid in sorted(records):
        by_story[records[aid]["subtopic"]].append(aid)
    findings: dict[str, tuple[Finding, ...]] = {}
    predictions = []
    for pair in pairs:
        story = records[pair["a"]["article_id"]]["subtopic"]
        if story not in findings:
            ids = by_story[story]
            articles = [make_article(aid, records[aid]["text"]) for aid in ids]
            findings[story] = compare_story(story, articles, [m for a in ids for m in mentions[a]])
        a, b = pair["a"], pair["b"]
        kinds = [
            f.kind
            for f in findings[story]
            if _touches(f, a["article_id"], a["start"], a["end"])
            and _touches(f, b["article_id"], b["start"], b["end"])
        ]
        predictions.append(min(kinds, key=KIND_ORDER.__getitem__) if kinds else "none")
    return predictions


def pair_tables(pairs: Sequence[dict[str, Any]], predictions: Sequence[str]) -> str:
    lines = []
    for title, keep in (
        ("all", lambda p: True),
        ("train", lambda p: p["split"] == "train"),
        ("test", lambda p: p["split"] == "test"),
    ):
        chosen = [(p, q) for p, q in zip(pairs, predictions, strict=True) if keep(p)]
        matrix = Counter((p["label"], q) for p, q in chosen)
        lines += [
            f"### ECB+ fact pairs, {title} ({len(chosen)} pairs): gold label x storytrace",
            "",
            "| gold \\ predicted | " + " | ".join(PREDICTIONS) + " | total |",
            "|---|" + "---|" * (len(PREDICTIONS) + 1),
        ]
        for label in LABELS:
            row = [matrix[(label, q)] for q in PREDICTIONS]
            lines.append(f"| {label} | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
        lines += ["", "| finding | gold | predicted | right | precision | recall |"]
        lines.append("|---|---|---|---|---|---|")
        for kind in ("disagree", "agree", "variant"):
            gold = sum(1 for p, _ in chosen if p["label"] == kind)
            predicted = sum(1 for _, q in chosen if q == kind)
            right = matrix[(kind, kind)]
            lines.append(
                f"| {kind} | {gold} | {predicted} | {right} | {_ratio(right, predicted)} | "
                f"{_ratio(right, gold)} |"
            )
        lines.append("")
        if title == "all":
            by_kind = Counter((p["kind"], p["label"], q) for p, q in chosen)
            lines += ["| mention kind | gold | predicted | pairs |", "|---|---|---|---|"]
            for (kind, label, q), n in sorted(by_kind.items()):
                lines.append(f"| {kind} | {label} | {q} | {n} |")
            lines.append("")
    return "\n".join(lines)


def speed(records: dict[str, dict[str, Any]], repeat: int) -> tuple[float, list[float]]:
    articles = [make_article(aid, r["text"]) for aid, r in sorted(records.items())]
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for article in articles:
            facts(article)
        seconds.append(time.perf_counter() - start)
    return len(articles) / statistics.median(seconds), seconds


def _errors(
    results: Sequence[PerturbResult],
    pairs: Sequence[dict[str, Any]],
    predictions: Sequence[str],
    records: dict[str, dict[str, Any]],
) -> str:
    lines = ["### Errors", ""]
    for r in results:
        wrong = (r.item.group == "changed" and not r.detected) or r.false_disagree
        if wrong:
            lines.append(
                f"- perturb {r.item.id}: {r.item.old!r} -> {r.item.new!r} "
                f"detected={r.detected} false_disagree={r.false_disagree}"
            )
    for pair, prediction in zip(pairs, predictions, strict=True):
        if prediction == pair["label"] or (
            pair["label"] == "not_comparable" and prediction == "none"
        ):
            continue
        a, b = pair["a"], pair["b"]
        text_a = records[a["article_id"]]["text"][a["start"] : a["end"]]
        text_b = records[b["article_id"]]["text"][b["start"] : b["end"]]
        lines.append(
            f"- pair {pair['id']} {pair['kind']} gold={pair['label']} predicted={prediction}: "
            f"{a['article_id']} {text_a!r} / {b['article_id']} {text_b!r} ({pair['slot']})"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-kind", type=int, default=40)
    parser.add_argument("--errors", action="store_true", help="list every miss and false alarm")
    args = parser.parse_args(argv)

    perturb = _perturb_module()
    items = perturb.build_items(
        perturb.load_seeds(args.seeds), perturb.load_ecbplus(args.data), args.seed, args.per_kind
    )
    results = run_perturbations(items)
    print("## Perturbation pairs\n")
    print(perturbation_tables(results))

    records = load_articles(args.data)
    pairs = load_pairs(args.pairs)
    mentions = extract_all(records)
    predictions = predict_pairs(pairs, records, mentions)
    print("\n## Labelled ECB+ fact pairs\n")
    print(pair_tables(pairs, predictions))

    rate, seconds = speed(records, args.repeat)
    print("## Speed\n")
    print("| step | articles | passes | seconds (each) | articles/s (median) |")
    print("|---|---|---|---|---|")
    each = ", ".join(f"{s:.2f}" for s in seconds)
    print(f"| segment + extract_facts | {len(records)} | {len(seconds)} | {each} | {rate:.1f} |")
    if args.errors:
        print()
        print(_errors(results, pairs, predictions, records))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
