"""Where two copies of a passage differ, as character spans in each: for side-by-side views.

Words are compared in their normal form (case, quote style and dashes aside, as the reuse
stage compares them), so a curly quote against a straight one is no difference, while a
changed, inserted or dropped word is.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from .segment import tokenize

Spans = list[tuple[int, int]]


def differences(a: str, b: str) -> tuple[Spans, Spans]:
    """Spans of ``a`` and of ``b`` (offsets into each) whose words the other lacks."""
    tokens_a = [t for t in tokenize(a) if t.norm[0].isalnum()]
    tokens_b = [t for t in tokenize(b) if t.norm[0].isalnum()]
    matcher = SequenceMatcher(
        a=[t.norm for t in tokens_a], b=[t.norm for t in tokens_b], autojunk=False
    )
    spans_a: Spans = []
    spans_b: Spans = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1:
            spans_a.append((tokens_a[i1].start, tokens_a[i2 - 1].end))
        if j2 > j1:
            spans_b.append((tokens_b[j1].start, tokens_b[j2 - 1].end))
    return spans_a, spans_b
