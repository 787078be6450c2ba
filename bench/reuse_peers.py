"""MinHash peers of storytrace's reuse stage, for bench/reuse.py.

Units are sentences (a simple regex splitter: a terminator and closing quotes before a space,
never across a line) or paragraphs (non-empty lines). Each unit is the set of its word 5-grams
(lower-cased ``\\w+`` words; units under 5 words are skipped). Articles are streamed in the
given order: each unit queries the LSH index of earlier articles' units, a candidate is kept
when its estimated Jaccard is >= ``threshold``, then the article's units are added. Matched
units of one article pair that follow each other on both sides are merged into one passage.
Both libraries use the same band/row split (:func:`bands_rows`), 128 permutations, seed 1.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from reuse_metrics import Doc, RawPair

SHINGLE_WORDS = 5
NUM_PERM = 128
_WORD = re.compile(r"\w+")
_LINE = re.compile(r"[^\n]+")
# A terminator (and closing quotes) before a space ends a sentence.
_SENTENCE = re.compile(r"\S(?:.*?[.!?][\"'’”)\]]*(?=\s)|.*)")


# --- MinHash peers -------------------------------------------------------------------------


def units(text: str, level: str) -> list[tuple[int, int]]:
    """Sentence or paragraph spans of ``text`` (paragraph = non-empty line)."""
    spans = []
    for line in _LINE.finditer(text):
        if level == "paragraph":
            stripped = line.group().strip()
            if stripped:
                first = line.start() + line.group().index(stripped)
                spans.append((first, first + len(stripped)))
            continue
        spans.extend(
            (line.start() + m.start(), line.start() + m.end())
            for m in _SENTENCE.finditer(line.group())
        )
    return spans


def _shingles(text: str) -> list[bytes]:
    words = [w.lower() for w in _WORD.findall(text)]
    return sorted(
        {
            " ".join(words[i : i + SHINGLE_WORDS]).encode()
            for i in range(len(words) - SHINGLE_WORDS + 1)
        }
    )


def bands_rows(threshold: float) -> tuple[int, int]:
    """Bands x rows = NUM_PERM whose S-curve threshold (1/b)^(1/r) is highest at or below
    ``threshold``: LSH proposes a superset, the Jaccard estimate decides."""
    splits = [(b, NUM_PERM // b) for b in (1, 2, 4, 8, 16, 32, 64, 128)]
    return max((s for s in splits if (1 / s[0]) ** (1 / s[1]) <= threshold), key=lambda s: s[1])


def lsh_pairs(docs: Sequence[Doc], level: str, threshold: float, library: str) -> list[RawPair]:
    """Matched units (estimated Jaccard >= threshold) as passages; consecutive ones merged."""
    from datasketch import MinHash, MinHashLSH

    bands, rows = bands_rows(threshold)
    if library == "rensa":
        import rensa

        lsh: Any = rensa.RMinHashLSH(threshold, NUM_PERM, bands)
    else:
        lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM, params=(bands, rows))
    keyed: list[tuple[int, int, int, int]] = []  # doc index, unit index, start, end
    sketches: list[Any] = []
    matched: list[tuple[int, int]] = []
    for doc_index, doc in enumerate(docs):
        mine = []
        for unit_index, (start, end) in enumerate(units(doc.text, level)):
            grams = _shingles(doc.text[start:end])
            if not grams:
                continue
            if library == "rensa":
                sketch: Any = rensa.RMinHash(NUM_PERM, 1)
                sketch.update(grams)
            else:
                sketch = MinHash(num_perm=NUM_PERM, seed=1)
                sketch.update_batch(grams)
            key = len(keyed)
            keyed.append((doc_index, unit_index, start, end))
            sketches.append(sketch)
            mine.append(key)
            for other in lsh.query(sketch):
                if keyed[other][0] != doc_index and sketch.jaccard(sketches[other]) >= threshold:
                    matched.append((other, key))
        for key in mine:
            lsh.insert(key, sketches[key])
    return _merge_units(docs, keyed, matched)


def _merge_units(
    docs: Sequence[Doc], units: list[tuple[int, int, int, int]], matched: list[tuple[int, int]]
) -> list[RawPair]:
    pairs: list[RawPair] = []
    # (doc a, doc b) -> its last matched (unit a, unit b) and that passage pair's index
    last: dict[tuple[int, int], tuple[int, int, int]] = {}
    for a, b in sorted(matched, key=lambda m: (units[m[0]][0], units[m[1]][0], m)):
        da, ua, sa, ea = units[a]
        db, ub, sb, eb = units[b]
        prev = last.get((da, db))
        if prev is not None and prev[0] + 1 == ua and prev[1] + 1 == ub:
            (_, s0, _), (_, s1, _) = pairs[prev[2]]
            pairs[prev[2]] = ((docs[da].id, s0, ea), (docs[db].id, s1, eb))
            last[(da, db)] = (ua, ub, prev[2])
        else:
            last[(da, db)] = (ua, ub, len(pairs))
            pairs.append(((docs[da].id, sa, ea), (docs[db].id, sb, eb)))
    return pairs


def document_pairs(docs: Sequence[Doc], threshold: float) -> list[RawPair]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    pairs: list[RawPair] = []
    for index, doc in enumerate(docs):
        sketch = MinHash(num_perm=NUM_PERM, seed=1)
        sketch.update_batch(_shingles(doc.text))
        for other in lsh.query(sketch):
            pairs.append(((docs[other].id, 0, len(docs[other].text)), (doc.id, 0, len(doc.text))))
        lsh.insert(index, sketch)
    return pairs
