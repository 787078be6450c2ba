"""Time of the pipeline's cluster call (``assign_stories``, all new articles in one batch).

The pipeline clusters every new article of a run in one batch against the open window; on a
generated corpus whose dates all fall inside the window, that batch is the whole corpus. Run
it once with the code to measure and once with ``PYTHONPATH`` pointing at a ``git worktree``
of the code to compare against; ``--out`` writes the story of each article so the two answers
can be compared.

Usage: ``python bench/cluster_batch.py CORPUS.jsonl --articles 20000 [--out stories.json]``
(corpora from ``bench/generate_corpus.py``).
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import datetime
from pathlib import Path

from storytrace.cluster import assign_stories
from storytrace.model import Article


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    articles = []
    with args.corpus.open(encoding="utf-8") as lines:
        for _, line in zip(range(args.articles), lines, strict=False):
            record = json.loads(line)
            articles.append(
                Article(
                    id=record["id"], origin="bench", format="text", raw=b"",
                    text=record["text"], source=record["source"],
                    published=datetime.fromisoformat(record["published"].replace("Z", "+00:00")),
                )
            )  # fmt: skip
    start = time.perf_counter()
    stories = assign_stories(articles, {}, {a.id: a for a in articles}, [])
    seconds = time.perf_counter() - start
    print(f"{len(articles):,} articles: {seconds:.1f} s, {len(set(stories.values())):,} stories")
    if args.out is not None:
        args.out.write_text(json.dumps(stories, sort_keys=True), "utf-8")


if __name__ == "__main__":
    main()
