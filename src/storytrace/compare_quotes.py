"""Which quotes (and reported claims) of a story are the same words, whoever carries them.

Outlets trim a quotation, join two of its sentences or drop a clause, so "the same words" is
containment or near-containment: the shorter text, of at least ``min_words`` words, lies inside
the longer one at a rapidfuzz ``partial_ratio`` of at least ``min_ratio`` (containment scores
100). Short texts never match: two- and three-word phrases ("cannot be ignored") recur in
unrelated quotes.

Grouping is first-fit in the mentions' order: each mention joins the first group whose first
member it matches, else starts a group. The candidate groups are scored in one rapidfuzz call
(C loop) rather than one Python call per group; a story with thousands of quotes would
otherwise spend seconds here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz, process

from .model import Mention

_WORDS = re.compile(r"\w+")


def same_words(a: str, b: str, min_words: int, min_ratio: float) -> bool:
    """True when the shorter text (``min_words`` words or more) lies (nearly) inside the other."""
    short, long = sorted((a, b), key=len)
    if len(_WORDS.findall(short)) < min_words:
        return False
    if f" {short} " in f" {long} ":
        return True
    return fuzz.partial_ratio(short, long) >= min_ratio


def group_by_words(
    mentions: Iterable[Mention], min_words: int, min_ratio: float
) -> list[list[Mention]]:
    """Mentions grouped by :func:`same_words` on their values, first fit, in input order."""
    groups: list[list[Mention]] = []
    heads: list[str] = []
    head_words: list[int] = []
    for mention in mentions:
        value = mention.value
        words = len(_WORDS.findall(value))
        chosen = -1
        if heads:
            hits = process.extract(
                value, heads, scorer=fuzz.partial_ratio, score_cutoff=min_ratio, limit=None
            )
            # The word count is the shorter text's: filter the hits as same_words would.
            eligible = [
                index
                for _, _, index in hits
                if (head_words[index] if len(heads[index]) <= len(value) else words) >= min_words
            ]
            if eligible:
                chosen = min(eligible)
        if chosen < 0:
            groups.append([mention])
            heads.append(value)
            head_words.append(words)
        else:
            groups[chosen].append(mention)
    return groups
