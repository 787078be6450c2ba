"""The local path against Spark local[2] on synthetic corpora: time, peak memory, growth.

``python bench/spark.py [--sizes 10000 100000] [--work DIR] [--cores 2]`` generates each corpus
with ``bench/generate_corpus.py`` (seeded: the same bytes every run), then runs, each in a fresh
process tree:

- local: ``storytrace run CORPUS --db DB -q`` (ingest + analyze into SQLite);
- Spark: ``python -m storytrace.spark run CORPUS --out DIR --master local[CORES]``.

Peak memory is the largest sum of resident set sizes over the process tree (driver, JVM and
Python workers for Spark), sampled every 0.2 s from /proc. After each pair of runs the two
results are compared (same reuse families, stories B-cubed F1). Last, a projection to a
cluster from the measured per-core throughput, with its assumptions printed beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from collections import defaultdict
from itertools import pairwise
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from generate_corpus import generate  # noqa: E402
from pipeline import _bcubed  # noqa: E402

PYTHON = sys.executable


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = defaultdict(list)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        tree[int(fields[1])].append(int(entry))
    return tree


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree_rss_mib(root: int) -> float:
    tree, total, todo = _children(), 0, [root]
    while todo:
        pid = todo.pop()
        total += _rss_kib(pid)
        todo.extend(tree.get(pid, ()))
    return total / 1024


def measure(command: list[str]) -> tuple[float, float, str]:
    """Seconds, peak MiB of the process tree, and the last lines of its output."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_mib(process.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{output[-3000:]}")
    return seconds, peak, "\n".join(output.strip().splitlines()[-3:])


def agreement(db: Path, out: Path) -> dict[str, Any]:
    """How the Spark tables compare with the local store's export."""
    from storytrace.export import build_export, export_tables
    from storytrace.importer import read_tables
    from storytrace.store import Store

    with Store(db) as store:
        local = export_tables(build_export(store))
    spark = read_tables(out)

    def passages(tables: dict[str, Any]) -> set[tuple[Any, ...]]:
        return {
            (r["family_id"], r["article_id"], r["start"], r["end"])
            for r in tables["reuse_passages"]
        }

    def stories(tables: dict[str, Any]) -> dict[str, str]:
        return {r["article_id"]: r["story_id"] for r in tables["story_articles"]}

    return {
        "families_local": len(local["reuse_families"]),
        "families_spark": len(spark["reuse_families"]),
        "same_families": passages(local) == passages(spark),
        "stories_local": len(local["stories"]),
        "stories_spark": len(spark["stories"]),
        "stories_bcubed_f1": round(_bcubed(stories(spark), stories(local))["f1"], 4),
        "findings_local": len(local["findings"]),
        "findings_spark": len(spark["findings"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/storytrace-bench-spark"))
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    for size in args.sizes:
        corpus = args.work / f"corpus-{size}.jsonl"
        if not corpus.exists():
            generate(size, corpus)
        db, out = args.work / f"local-{size}.db", args.work / f"spark-{size}"
        for stale in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            stale.unlink(missing_ok=True)
        local_s, local_mib, _ = measure(
            [str(Path(PYTHON).parent / "storytrace"), "run", str(corpus), "--db", str(db), "-q"]
        )
        print(f"{size:>7} local  {local_s:8.1f} s {size / local_s:7.1f} art/s {local_mib:7.0f} MiB")
        master = f"local[{args.cores}]"
        command = [PYTHON, "-m", "storytrace.spark", "run", str(corpus), "--out", str(out)]
        spark_s, spark_mib, tail = measure([*command, "--master", master])
        print(f"{size:>7} spark  {spark_s:8.1f} s {size / spark_s:7.1f} art/s {spark_mib:7.0f} MiB")
        print("        " + tail.replace("\n", "\n        "))
        row = {
            "articles": size,
            "local_seconds": round(local_s, 1),
            "local_peak_mib": round(local_mib),
            "spark_seconds": round(spark_s, 1),
            "spark_peak_mib": round(spark_mib),
            "spark_cores": args.cores,
            **agreement(db, out),
        }
        print("        " + json.dumps(row))
        rows.append(row)
    for before, after in pairwise(rows):
        factor = after["articles"] / before["articles"]
        for path in ("local", "spark"):
            grow = after[f"{path}_seconds"] / before[f"{path}_seconds"]
            memory = after[f"{path}_peak_mib"] / before[f"{path}_peak_mib"]
            print(f"{path}: {factor:.0f}x articles -> {grow:.1f}x time, {memory:.1f}x peak memory")
    last = rows[-1]
    per_core = last["articles"] / (last["spark_seconds"] * last["spark_cores"])
    print(
        f"\nprojection from {per_core:.1f} articles/s per core (Spark local[{args.cores}], "
        f"{last['articles']:,} articles):"
    )
    print("assumptions: per-core throughput as measured here (including Spark's fixed costs,")
    print("which shrink in share as the corpus grows), 70% parallel efficiency on a cluster")
    print("(shuffles, stragglers), clustering blocks small enough to spread over the cores, and")
    print("reuse work growing as measured for the local path (candidate pairs about linearly,")
    print("fingerprint postings faster: 10k -> 100k took 16.5x), so larger corpora cost more per")
    print("article than this linear figure.")
    for corpus_size, cores in ((1_000_000, 64), (10_000_000, 256), (100_000_000, 1024)):
        hours = corpus_size / (per_core * cores * 0.7) / 3600
        print(f"  {corpus_size:>12,} articles on {cores:>5} cores: about {hours:6.1f} h (linear)")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
