"""Speed of grouping a story's quotes and claims into statements (``compare_quotes``).

A large story (a major event in a big corpus) holds thousands of quotes and claims: each is
compared with the statements found so far. Two ways, on the same generated quotes, in one run:
the word indexes of ``group_by_words`` and the plain loop testing every group's head with the
same rule (``same_words``), the groups checked equal. Quotes are drawn from a fixed vocabulary
(seeded): a third are trimmed or extended copies of earlier ones, as outlets repeat a quote.

Usage: ``python bench/statements.py [--sizes 500 2000 8000] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

from storytrace.compare_quotes import group_by_words, same_words
from storytrace.model import Mention

MIN_WORDS, MIN_RATIO = 4, 90.0


def generate(size: int, seed: int = 7) -> list[Mention]:
    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(3000)] + ["the", "a", "of", "to", "and", "we", "will"]
    values: list[str] = []
    for _ in range(size):
        if values and rng.random() < 0.33:
            words = rng.choice(values).split()
            cut = rng.randint(0, max(0, len(words) - MIN_WORDS))
            words = words[cut:] + rng.choices(vocabulary, k=rng.randint(0, 3))
        else:
            words = rng.choices(vocabulary, k=rng.randint(4, 30))
        values.append(" ".join(words))
    return [Mention(str(i), 0, 1, "quote", v) for i, v in enumerate(values)]


def plain(mentions: list[Mention]) -> list[list[Mention]]:
    groups: list[list[Mention]] = []
    for mention in mentions:
        for members in groups:
            if same_words(members[0].value, mention.value, MIN_WORDS, MIN_RATIO):
                members.append(mention)
                break
        else:
            groups.append([mention])
    return groups


Groups = list[list[Mention]]


def seconds(
    run: Callable[[list[Mention]], Groups], mentions: list[Mention], repeat: int
) -> tuple[float, Groups]:
    """Median seconds of ``repeat`` runs, and the last run's groups."""
    times: list[float] = []
    result: Groups = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = run(mentions)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 8000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("| quotes + claims | statements | indexed s | plain loop s | plain / indexed |")
    print("|---|---|---|---|---|")
    for size in args.sizes:
        mentions = generate(size)
        fast, grouped = seconds(
            lambda m: group_by_words(m, MIN_WORDS, MIN_RATIO), mentions, args.repeat
        )
        slow, expected = seconds(plain, mentions, 1 if size > 2000 else args.repeat)
        assert grouped == expected, "the indexes changed the groups"
        print(f"| {size:,} | {len(grouped):,} | {fast:.3f} | {slow:.3f} | {slow / fast:.0f}x |")


if __name__ == "__main__":
    main()
