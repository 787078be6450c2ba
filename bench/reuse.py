"""Text-reuse benchmark: storytrace's reuse stage against MinHash peers and Passim (issue 5).

On ``reuse-synthetic`` (2,387 articles, 3,756 gold copied spans) each system runs alone in a
fresh process (``spawn``), so its time and peak memory are its own. Systems:

- storytrace: sentence splitting + ``reuse.prepare`` + ``find_reuse_prepared``
  (``MemoryFingerprintIndex``, batches of 200 in ``published`` order) + ``build_families``,
  on the raw texts (the stage itself, ``reuse_stage.py``), in one process like the peers; the
  ``--scale`` runs split and prepare in one worker process per core and read each text from
  the corpus file when needed (``CorpusTexts``), as the pipeline reads its store;
- storytrace end to end: ``storytrace.open(db).ingest(...)`` + ``.analyze()`` into a fresh
  SQLite store; its spans index the cleaned text and are mapped back to the raw text;
- datasketch ``MinHashLSH`` and rensa ``RMinHashLSH`` over sentences and over paragraphs: two
  units match when their word 5-gram sets have estimated Jaccard >= ``--threshold``; runs of
  consecutive matched units of one article pair are one passage pair (each threshold a row);
- whole-document MinHash (datasketch): article pairs only, so its "passage" is the whole
  article; it cannot give spans and misses partial copies;
- Passim, run separately (see RESULTS.md): ``--score-passim OUT`` scores its ``align.json``.

Peers get families (for the origin) from the same earliest-date rule storytrace uses
(``build_families`` over their pairs). Scoring is in ``reuse_metrics.py``. Peak memory is the
peak resident set size of the system's process (``resource.getrusage(...).ru_maxrss``), Python,
imports and the loaded data included. Articles/s counts from raw text to families.

Usage::

    python bench/reuse.py [--repeat 3] [--data ../shared/data] [--threshold 0.5 0.3]
    python bench/reuse.py --scale 10000 100000 [--scale-dir /tmp/storytrace-scale]
    python bench/reuse.py --passim-input /tmp/passim-work/in/reuse-synthetic.json
    python bench/reuse.py --score-passim /tmp/passim-work/out [--passim-seconds 123]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from reuse_metrics import Doc, RawFamily, RawPair, load_docs, load_gold, score
from reuse_peers import document_pairs, lsh_pairs
from reuse_stage import CorpusTexts, article_of, run_storytrace_stage

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

Output = tuple[list[RawPair], list[RawFamily] | None, dict[str, float]]


def _peak_mb() -> float:
    """This process's peak RSS plus its largest finished child's (the pipeline's analysis
    workers: forked, so pages shared with the parent count twice; an upper bound)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return (own + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024


# --- storytrace ----------------------------------------------------------------------------


def _articles(docs: Sequence[Doc]) -> list[Any]:
    return [article_of(d, d.text) for d in docs]


def _as_pairs(links: Sequence[Any]) -> list[RawPair]:
    return [
        ((k.a.article_id, k.a.start, k.a.end), (k.b.article_id, k.b.start, k.b.end)) for k in links
    ]


def _as_families(families: Sequence[Any]) -> list[RawFamily]:
    return [
        (f.origin_article_id, tuple((p.article_id, p.start, p.end) for p in f.passages))
        for f in families
    ]


def _storytrace(docs: Sequence[Doc], threshold: float) -> Output:
    links, families, seconds = run_storytrace_stage(docs)  # one process, as the peers
    return _as_pairs(links), _as_families(families), seconds


def _storytrace_store(docs: Sequence[Doc], threshold: float, workers: int = 0) -> Output:
    """End to end through the SQLite store; spans mapped from the cleaned to the raw text.
    ``workers``: the pipeline's analysis processes (0: one per core)."""
    import storytrace
    from pipeline import _raw_offsets  # bench/pipeline.py
    from storytrace.settings import PipelineSettings, Settings

    with tempfile.TemporaryDirectory() as tmp:
        # A fixed folder name: it is the outlet of articles without one, so part of their id.
        source = Path(tmp) / "reuse" / "articles.jsonl"
        source.parent.mkdir()
        with source.open("w", encoding="utf-8") as out:
            for d in docs:
                date = d.published.isoformat()
                record = {"id": d.id, "source": d.source, "published": date, "text": d.text}
                out.write(json.dumps(record) + "\n")
        marks: dict[str, float] = {}
        start = time.perf_counter()
        settings = Settings(pipeline=PipelineSettings(workers=workers))
        with storytrace.open(Path(tmp) / "r.db", settings) as corpus:
            corpus.ingest([source])
            corpus.analyze(lambda step, done, total: marks.__setitem__(step, time.perf_counter()))
            articles = corpus.articles()
            ext = {a.id: a.external_id or a.id for a in articles}
            raw = {a.id: _raw_offsets(a.raw.decode("utf-8"), a.text) for a in articles}

            def side(p: Any) -> tuple[str, int, int]:
                mapped = [o for o in raw[p.article_id][p.start : p.end] if o >= 0] or [0]
                return ext[p.article_id], mapped[0], mapped[-1] + 1

            pairs = [(side(k.a), side(k.b)) for k in corpus.store.links()]
            fams = [
                (ext.get(f.origin_article_id or ""), tuple(side(p) for p in f.passages))
                for f in corpus.families()
            ]
    reuse_s = marks["reuse"] - marks["clean"]
    return (
        pairs,
        fams,
        {
            "seconds": marks["reuse"] - start,
            "segment_s": marks["clean"] - start,
            "reuse_s": reuse_s,
        },
    )


def _with_families(docs: Sequence[Doc], pairs: list[RawPair]) -> list[RawFamily]:
    """Families and origins of a peer's pairs by storytrace's earliest-date rule."""
    from storytrace.model import Passage, ReuseLink
    from storytrace.reuse import build_families

    links = [ReuseLink(Passage(*a), Passage(*b), 1.0, "verbatim") for a, b in pairs]
    return _as_families(build_families(links, {a.id: a for a in _articles(docs)}))


def _peer(level: str, library: str) -> Callable[[Sequence[Doc], float], Output]:
    def run(docs: Sequence[Doc], threshold: float) -> Output:
        start = time.perf_counter()
        if level == "document":
            pairs = document_pairs(docs, threshold)
        else:
            pairs = lsh_pairs(docs, level, threshold, library)
        families = _with_families(docs, pairs)
        return pairs, families, {"seconds": time.perf_counter() - start}

    return run


SYSTEMS: dict[str, Callable[[Sequence[Doc], float], Output]] = {
    "storytrace (reuse stage, raw text)": _storytrace,
    "storytrace (end to end, SQLite store)": _storytrace_store,
    "datasketch MinHashLSH, sentences": _peer("sentence", "datasketch"),
    "datasketch MinHashLSH, paragraphs": _peer("paragraph", "datasketch"),
    "rensa RMinHashLSH, sentences": _peer("sentence", "rensa"),
    "rensa RMinHashLSH, paragraphs": _peer("paragraph", "rensa"),
    "whole-document MinHash (datasketch)": _peer("document", "datasketch"),
}


def _child(name: str, data: Path, threshold: float) -> Output:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    folder = data / "reuse-synthetic"
    docs = load_docs(folder / "articles.jsonl", folder / "docs.jsonl")
    pairs, families, seconds = SYSTEMS[name](docs, threshold)
    seconds["peak_mb"] = _peak_mb()
    return pairs, families, seconds


def _in_fresh_process(function: Callable[..., Any], *args: Any) -> Any:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


# --- Passim glue (Passim itself is built and run outside the repo, see RESULTS.md) ----------


def write_passim_input(articles: Path, out: Path) -> None:
    """reuse-synthetic as Passim input: one JSON line per article, series = outlet."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as sink:
        for d in load_docs(articles):
            date = d.published.date().isoformat()
            record = {"id": d.id, "series": d.source, "date": date, "text": d.text}
            sink.write(json.dumps(record) + "\n")


def score_passim(folder: Path, output: Path) -> tuple[dict[str, float], int]:
    """Scores Passim's pairwise output (``OUTPUT/align.json/part-*``: id, begin, end, id2, ...).

    Passim's own origin (``src`` of its clusters) needs its clustering step; the origin here is
    storytrace's earliest-date family rule over Passim's pairs (``origin_rule``).
    """
    docs = load_docs(folder / "articles.jsonl", folder / "docs.jsonl")
    pairs: list[RawPair] = []
    for part in sorted((output / "align.json").glob("part-*")):
        for line in part.open(encoding="utf-8"):
            r = json.loads(line)
            pairs.append(((r["id"], r["begin"], r["end"]), (r["id2"], r["begin2"], r["end2"])))
    quality = score(docs, load_gold(folder / "gold.jsonl"), pairs, _with_families(docs, pairs))
    quality["origin_rule"] = quality.pop("origin")
    return quality, len(docs)


# --- scale ---------------------------------------------------------------------------------


def _scale_child(path: Path, store: bool, workers: int = 0) -> dict[str, float]:
    """One size in a fresh process: the stage (or the SQLite path), peak RSS, recall vs gold.

    The stage reads texts from the corpus file on demand (``CorpusTexts``) and splits
    sentences and prepares the articles in ``workers`` processes (0: one per core)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    if store:
        docs = load_docs(path)
        pairs, _, seconds = _storytrace_store(docs, 0.0, workers)
        seconds["peak_mb"] = _peak_mb()
    else:
        texts = CorpusTexts(path)
        docs = texts.docs
        links, _, seconds = run_storytrace_stage(docs, texts, workers or os.cpu_count() or 1)
        texts.close()
        seconds["peak_mb"] = _peak_mb()
        pairs = _as_pairs(links)
    quality = score(docs, load_gold(path.with_suffix(".gold.jsonl")), pairs, None)
    seconds.update(
        recall=quality["recall_all"], precision=quality["precision_all"], links=len(pairs)
    )
    return seconds


def run_scale(sizes: Sequence[int], folder: Path, store: bool, workers: int = 0) -> None:
    from generate_corpus import generate

    folder.mkdir(parents=True, exist_ok=True)
    print("Segment s: segmentation; for the store, ingest + clean + segment + facts.\n")
    columns = ["articles", "path", "seconds", "segment s", "reuse s", "articles/s", "peak MB"]
    columns += ["links", "recall", "precision"]
    print("| " + " | ".join(columns) + " |\n" + "|---" * len(columns) + "|")
    for n in sizes:
        path = folder / f"corpus-{n}.jsonl"
        if not path.exists():
            generate(n, path)
        for use_store in (False, True) if store and n == min(sizes) else (False,):
            t = _in_fresh_process(_scale_child, path, use_store, workers)
            processes = "one per core" if workers == 0 else str(workers)
            label = (
                f"ingest + analyze (SQLite store, analysis processes: {processes})"
                if use_store
                else "reuse stage (memory index)"
            )
            cells = [t["seconds"], t.get("segment_s", float("nan")), t.get("reuse_s", float("nan"))]
            print(
                f"| {n:,} | {label} | "
                + " | ".join(_cell(c, 1) for c in cells)
                + f" | {n / t['seconds']:.0f} | {t['peak_mb']:.0f} | {t['links']:,}"
                + f" | {t['recall']:.3f} | {t['precision']:.3f} |",
                flush=True,
            )


# --- report --------------------------------------------------------------------------------


def _cell(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def _row(name: str, q: dict[str, float], n_articles: int, t: dict[str, float]) -> str:
    keys = ("recall_verbatim", "recall_edited", "recall_start", "precision_all", "precision_start")
    cells = [q.get(k) for k in keys]
    speed = n_articles / t["seconds"] if t.get("seconds") else float("nan")
    return (
        f"| {name} | "
        + " | ".join(_cell(c) for c in cells)
        + f" | {_cell(q.get('boundary_error'), 1)} | {_cell(q.get('origin'))} | {_cell(speed, 0)}"
        + f" | {_cell(t.get('peak_mb'), 0)} |"
    )


HEADER = (
    "| system | recall verbatim | recall edited | recall at start | precision | precision at start"
    " | median boundary error (chars) | origin acc | articles/s | peak MB |\n"
    "|---|---|---|---|---|---|---|---|---|---|"
)
DETAIL_KEYS = ("recall_all", "recall_sentences", "recall_clause", "recall_edited", "recall_later",
               "precision_later", "reported_pairs", "negatives_flagged", "origin_all")  # fmt: skip


def _quality(data: Path, repeat: int, thresholds: list[float], only: list[str] | None) -> None:
    folder = data / "reuse-synthetic"
    docs = load_docs(folder / "articles.jsonl", folder / "docs.jsonl")
    gold = load_gold(folder / "gold.jsonl")
    print(
        f"## reuse-synthetic: {len(docs)} articles, {len(gold)} gold spans, "
        f"median of {repeat} runs\n"
    )
    rows, details = [], []
    for system in only or SYSTEMS:
        peer = not system.startswith("storytrace")
        for threshold in thresholds if peer else thresholds[:1]:
            name = f"{system}, J >= {threshold}" if peer else system
            runs = [_in_fresh_process(_child, system, data, threshold) for _ in range(repeat)]
            pairs, families, _ = runs[-1]
            timing = {k: statistics.median(r[2][k] for r in runs) for k in runs[0][2]}
            quality = score(docs, gold, pairs, families)
            rows.append(_row(name, quality, len(docs), timing))
            cells = " | ".join(_cell(quality.get(k)) for k in DETAIL_KEYS)
            details.append(f"| {name} | {cells} |")
            print(f"{name}: {timing}", file=sys.stderr)
    print(HEADER)
    print("\n".join(rows))
    print(
        "\n| system | " + " | ".join(DETAIL_KEYS) + " |\n" + "|---" * (len(DETAIL_KEYS) + 1) + "|"
    )
    print("\n".join(details))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--threshold", type=float, nargs="+", default=[0.5, 0.3], help="MinHash peers' Jaccard"
    )
    parser.add_argument("--only", nargs="+", help="systems to run (names as in the table)")
    parser.add_argument(
        "--workers", type=int, default=0, help="the store path's analysis processes (0: per core)"
    )
    parser.add_argument("--scale", type=int, nargs="+", help="corpus sizes for the scale run")
    parser.add_argument(
        "--scale-dir", type=Path, default=Path(tempfile.gettempdir()) / "storytrace-scale"
    )
    parser.add_argument(
        "--store", action="store_true", help="--scale: the SQLite path too (smallest size)"
    )
    parser.add_argument("--passim-input", type=Path, help="write reuse-synthetic as Passim input")
    parser.add_argument("--score-passim", type=Path, help="score a Passim output folder")
    parser.add_argument("--passim-seconds", type=float, help="Passim's wall time, for articles/s")
    args = parser.parse_args()
    if args.passim_input:
        write_passim_input(args.data / "reuse-synthetic" / "articles.jsonl", args.passim_input)
    elif args.score_passim:
        print(HEADER)
        quality, n = score_passim(args.data / "reuse-synthetic", args.score_passim)
        seconds = {"seconds": args.passim_seconds or float("nan")}
        print(_row("Passim (pairwise, defaults)", quality, n, seconds))
        keys = (*DETAIL_KEYS, "origin_rule")
        print(" ".join(f"{k}={_cell(quality.get(k))}" for k in keys))
    elif args.scale:
        run_scale(args.scale, args.scale_dir, args.store, args.workers)
    else:
        _quality(args.data, args.repeat, args.threshold, args.only)


if __name__ == "__main__":
    main()
