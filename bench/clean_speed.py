"""Speed of the text cleaner (``format="text"``): articles/s on one core, two input sets.

- ``aeb``: the 181 scrapinghub pages flattened as a naive scraper renders them
  (``visible_text``; flattening is done before the clock), ~190 lines a page;
- ``reuse``: the first ``--limit`` texts of ``../shared/data/reuse-synthetic/articles.jsonl``,
  short plain articles.

Each article goes through the front ``storytrace.clean.clean``; figures are the median of
``--repeat`` timed passes in one process, after one untimed warm-up pass (model loading,
regex compilation). The byline date cache is emptied before every pass, so that dates are
parsed as on unseen pages. Wall-clock figures come with CPU-time ones: the machine is shared,
and the process's own CPU time moves less with its neighbours' load. ``--inputs FILE`` reads
both sets from a JSON file ``{"aeb": [[id, text], ...], "reuse": [[id, text], ...]}``
instead (frozen inputs, so that changes elsewhere cannot move the figures);
``--save-inputs FILE`` writes that file.

Usage: ``python bench/clean_speed.py [--repeat 3] [--limit 1000] [--inputs FILE]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import aeb
from storytrace.byline import clear_date_cache
from storytrace.clean import CleanSettings, clean
from storytrace.model import Article

REUSE = Path(__file__).resolve().parents[2] / "shared" / "data" / "reuse-synthetic"
Texts = list[tuple[str, str]]


def load_inputs(limit: int) -> dict[str, Texts]:
    from storytrace.clean_html import parse_html, visible_text

    flat = [(page.id, visible_text(parse_html(page.html))) for page in aeb.load_pages()]
    reuse: Texts = []
    with (REUSE / "articles.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            if len(reuse) >= limit:
                break
            record = json.loads(line)
            reuse.append((str(record["id"]), str(record["text"])))
    return {"aeb": flat, "reuse": reuse}


def articles_per_second(texts: Texts, repeat: int) -> tuple[float, list[float], float]:
    """Articles/s (median wall-clock pass), the passes' wall-clock seconds, and articles/s in
    CPU time (median pass)."""
    settings = CleanSettings()
    articles = [
        Article(id=key, origin="bench", format="text", raw=text.encode()) for key, text in texts
    ]
    for article in articles:  # warm-up
        clean(article, settings)
    times: list[float] = []
    cpu: list[float] = []
    for _ in range(repeat):
        clear_date_cache()
        start, start_cpu = time.perf_counter(), time.process_time()
        for article in articles:
            clean(article, settings)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    count = len(articles)
    return count / statistics.median(times), times, count / statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--inputs", type=Path)
    parser.add_argument("--save-inputs", type=Path)
    args = parser.parse_args()
    if args.inputs is not None:
        sets = {
            k: [(str(i), str(t)) for i, t in v]
            for k, v in json.loads(args.inputs.read_text("utf-8")).items()
        }
    else:
        sets = load_inputs(args.limit)
    if args.save_inputs is not None:
        args.save_inputs.write_text(json.dumps(sets), "utf-8")
    for name, texts in sets.items():
        rate, times, cpu_rate = articles_per_second(texts, args.repeat)
        lines = sum(text.count("\n") + 1 for _, text in texts) / max(len(texts), 1)
        passes = ", ".join(f"{t:.2f}" for t in times)
        print(
            f"{name}: {len(texts)} articles (~{lines:.0f} lines each): {rate:.0f} articles/s "
            f"(passes {passes} s; CPU time: {cpu_rate:.0f} articles/s)"
        )


if __name__ == "__main__":
    main()
