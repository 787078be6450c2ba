"""Perturbation pairs for the facts benchmark: an article against a copy with one thing changed.

Each item is a real article (one of the two seeds, or an ECB+ article) and a copy of it in which
exactly ONE span of one sentence is edited. The edit either changes a fact, and storytrace should
report it, or rewords it without changing it, and storytrace must not call it a disagreement:

- changed (``group == "changed"``): ``number`` ("40 people" -> "83 people", "five" -> "twelve";
  expected ``disagree``), ``month`` ("April" -> "August"; ``disagree``), ``day`` (a weekday or a
  day of the month; ``disagree``), ``spelling`` (one surname with two inner letters swapped or
  one dropped; ``variant``), ``place`` (a place name swapped for another; ``disagree``);
- reworded (``group == "reworded"``, expected ``none``): ``digits_words`` ("40" <-> "forty"),
  ``hedge`` ("40 people" -> "about 40 people"), ``contraction`` ("cannot" <-> "can not",
  "don't" <-> "do not"), ``quote_style`` (straight <-> curly quotation marks), ``percent``
  ("%" <-> "percent" <-> "per cent").

Everything is deterministic for a given ``seed``: articles are visited in a seeded order and
every choice comes from one ``random.Random(seed)``. Sentences are the article's lines that are
long enough to be prose (headlines, datelines and bylines are skipped). Items are built in memory
(``build_items``); ``python bench/facts_perturb.py --out FILE`` writes them as JSONL, but only
outside the repository, because ECB+ text must not be committed.

Usage::

    python bench/facts_perturb.py [--data ../shared/data] [--seeds ../shared/seeds]
        [--seed 7] [--per-kind 40] --out /tmp/facts_perturb.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
SEEDS = REPO.parent / "shared" / "seeds"

CHANGED_KINDS = ("number", "month", "day", "spelling", "place")
REWORDED_KINDS = ("digits_words", "hedge", "contraction", "quote_style", "percent")
EXPECTED = {"spelling": "variant", **{k: "disagree" for k in ("number", "month", "day", "place")}}
MIN_SENTENCE_CHARS = 60

_SMALL = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty",
]  # fmt: skip
_TENS = {30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy", 80: "eighty"}
WORD_OF: dict[int, str] = {**dict(enumerate(_SMALL)), **_TENS, 90: "ninety"}
VALUE_OF: dict[str, int] = {w: n for n, w in WORD_OF.items()}
# Word numbers changed into clearly different ones (outside any hedge's range).
WORD_CHANGE = {
    "two": "seven", "three": "eight", "four": "nine", "five": "twelve", "six": "fifteen",
    "seven": "sixteen", "eight": "eighteen", "nine": "nineteen", "ten": "twenty",
    "twelve": "thirty", "twenty": "fifty", "thirty": "seventy", "forty": "ninety",
}  # fmt: skip
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
PLACES = [
    "Athens", "Paris", "London", "Berlin", "Madrid", "Rome", "Moscow", "Tehran", "Cairo",
    "Jakarta", "Tokyo", "Sydney", "Toronto", "Chicago", "Houston", "Atlanta", "Boston", "Denver",
    "Philadelphia", "Seattle", "Brooklyn", "Queens", "Texas", "California", "Alaska", "Oregon",
    "Michigan", "Oklahoma", "Utah", "Georgia", "Greece", "Iran", "Indonesia", "Italy", "Sicily",
    "France", "Germany", "Canada", "Mexico", "Russia", "Chechnya", "Egypt", "India", "Sudan",
    "Somalia", "Switzerland", "Australia", "Japan", "China", "Brazil", "Kenya", "Turkey",
    "Vancouver", "Palermo", "Manokwari", "Aceh", "Gaza", "Qeshm", "Wellington", "Millom",
    "Troy", "Staunton", "Albany", "Woodburn", "Wasilla", "Banstead", "Bloomington", "Baytown",
]  # fmt: skip
_PLACE_SET = set(PLACES)
CONTRACTIONS = [
    ("cannot", "can not"), ("don't", "do not"), ("doesn't", "does not"), ("didn't", "did not"),
    ("isn't", "is not"), ("won't", "will not"), ("wasn't", "was not"), ("aren't", "are not"),
]  # fmt: skip
_NOT_NAMES = set(MONTHS) | set(WEEKDAYS) | _PLACE_SET | {
    "The", "This", "That", "Police", "President", "Governor", "State", "United", "National",
    "North", "South", "East", "West", "New", "Supreme", "Court", "County", "City", "University",
}  # fmt: skip

_NAME_STOP = {
    "Rights", "Network", "Center", "Centre", "University", "Telecom", "Ethernet", "Europe",
    "Council", "Commission", "Service", "Church", "Street", "Avenue", "Hospital", "Party",
    "Department", "Agency", "Office", "Times", "Post", "News", "Games", "Awards", "Award",
}  # fmt: skip
_NUMBER_WORDS = "|".join(sorted(VALUE_OF, key=len, reverse=True))
# A count: digits or a number word, then up to two lowercase words and a plural noun ("40 people",
# "forty gay Chechens").
_PLURAL = r"(?:[A-Za-z]+s|men|women|people|children)\b"
NUMBER_RE = re.compile(
    rf"(?<![\w$.,:/-])(\d{{1,3}}(?:,\d{{3}})*|(?:{_NUMBER_WORDS}))(?= (?:[a-z]+ ){{0,2}}{_PLURAL})",
    re.IGNORECASE,
)
HEDGED_BEFORE = re.compile(
    r"(?:about|around|roughly|nearly|almost|some|approximately|over|more than|at least|up to|"
    r"fewer than|less than|under|than|of|the|\$)\s*$",
    re.IGNORECASE,
)
MONTH_RE = re.compile(r"\b(" + "|".join(MONTHS) + r")\b")
_MONTH_ALT = "|".join(MONTHS)
DAY_OF_MONTH_RE = re.compile(
    rf"\b(?:{_MONTH_ALT})\.? (\d{{1,2}})\b(?![:,]\d)|\b(\d{{1,2}}) (?:{_MONTH_ALT})\b"
)
WEEKDAY_RE = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b")
NAME_RE = re.compile(r"\b([A-Z][a-z]{2,}) ([A-Z][a-z]{4,})\b")
PLACE_RE = re.compile(r"\b(" + "|".join(sorted(PLACES, key=len, reverse=True)) + r")\b")
STRAIGHT_QUOTE_RE = re.compile(r'"([^"\n]{20,}?)"')
CURLY_QUOTE_RE = re.compile(r"“([^”\n]{20,}?)”")
SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”])) (?=[A-Z\"“])")
PERCENT_RE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)( percent\b| per cent\b|%)")


@dataclass(frozen=True, slots=True)
class Source:
    """A real article used as the original of some pairs."""

    id: str
    origin: str  # "seed" or "ecbplus"
    text: str


@dataclass(frozen=True, slots=True)
class Item:
    """One pair: ``original`` vs ``perturbed``, which differ only in [start, end) of the copy.

    ``orig_start``/``orig_end`` is the edited span in the original; ``old``/``new`` the text
    there before and after. ``expected`` is ``disagree``, ``variant`` or ``none``.
    """

    id: str
    source: str
    article_id: str
    group: str
    kind: str
    expected: str
    original: str
    perturbed: str
    start: int
    end: int
    orig_start: int
    orig_end: int
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class _Edit:
    start: int
    end: int
    new: str
    span_start: int = 0  # span of interest inside ``new`` (default: all of it)
    span_end: int = -1


def _sentences(text: str) -> Iterator[tuple[int, str]]:
    """Prose lines (offset, line); paragraphs of the seeds are split at sentence ends."""
    for match in re.finditer(r"[^\n]+", text):
        line = match.group(0)
        pieces = SENTENCE_END.split(line)
        offset = match.start()
        for piece in pieces:
            start = text.find(piece, offset)
            offset = start + len(piece)
            if len(piece) >= MIN_SENTENCE_CHARS and piece.rstrip().endswith((".", '"', "”")):
                yield start, piece


def _keep_case(old: str, new: str) -> str:
    if old.isupper() and len(old) > 1:
        return new.upper()
    return new[:1].upper() + new[1:] if old[:1].isupper() else new


def _to_int(token: str) -> int | None:
    if token.lower() in VALUE_OF:
        return VALUE_OF[token.lower()]
    digits = token.replace(",", "")
    return int(digits) if digits.isdigit() else None


def _numbers(line: str, unhedged: bool = False) -> Iterator[re.Match[str]]:
    """Counts in ``line``; ``unhedged`` leaves out those after a hedge or a determiner."""
    for match in NUMBER_RE.finditer(line):
        value = _to_int(match.group(1))
        if value is None or (1900 <= value <= 2100 and "," not in match.group(1)):
            continue
        if value in (0, 1) or (unhedged and HEDGED_BEFORE.search(line[: match.start()])):
            continue
        yield match


def _edit_number(line: str, rng: random.Random, text: str = "") -> list[_Edit]:
    edits = []
    for match in _numbers(line):
        token = match.group(1)
        if token.lower() in WORD_CHANGE:
            edits.append(_Edit(*match.span(1), _keep_case(token, WORD_CHANGE[token.lower()])))
        elif token[0].isdigit():
            value = _to_int(token)
            assert value is not None
            new = value * 2 + rng.choice((3, 5, 7))
            edits.append(_Edit(*match.span(1), f"{new:,}" if "," in token else str(new)))
    return edits


def _edit_month(line: str, rng: random.Random, text: str = "") -> list[_Edit]:
    edits = []
    for match in MONTH_RE.finditer(line):
        if match.group(1) == "May" and not re.match(r" \d", line[match.end() :]):
            continue  # "may" the verb, capitalized at a sentence start
        month = MONTHS.index(match.group(1))
        edits.append(_Edit(*match.span(1), MONTHS[(month + rng.choice((3, 4, 5))) % 12]))
    return edits


def _edit_day(line: str, rng: random.Random, text: str = "") -> list[_Edit]:
    edits = [
        _Edit(*m.span(1), WEEKDAYS[(WEEKDAYS.index(m.group(1)) + rng.choice((2, 3))) % 7])
        for m in WEEKDAY_RE.finditer(line)
    ]
    for match in DAY_OF_MONTH_RE.finditer(line):
        group = 1 if match.group(1) else 2
        day = int(match.group(group))
        if 1 <= day <= 31:
            edits.append(_Edit(*match.span(group), str(day + 9 if day <= 19 else day - 11)))
    return edits


def _misspell(word: str, rng: random.Random) -> str:
    """Swap two different adjacent inner letters, or drop a doubled one."""
    for i in range(1, len(word) - 2):
        if word[i] == word[i + 1]:
            return word[:i] + word[i + 1 :]
    positions = [i for i in range(1, len(word) - 2) if word[i] != word[i + 1]]
    i = rng.choice(positions)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _edit_spelling(line: str, rng: random.Random, text: str = "") -> list[_Edit]:
    edits = []
    for match in NAME_RE.finditer(line):
        first, last = match.group(1), match.group(2)
        if first in _NOT_NAMES or last in _NOT_NAMES or match.start() == 0:
            continue
        if first.endswith(("ian", "ese", "ish")) or last in _NAME_STOP:
            continue  # "Russian Human ...": not a person
        before, after = line[: match.start()], line[match.end() :]
        if re.search(r"[A-Z]\w*[ -]$", before) or re.match(r"[ -][A-Z0-9]", after):
            continue  # part of a longer name ("GigaPort Ethernet Thunderbolt")
        edits.append(_Edit(*match.span(2), _misspell(last, rng)))
    return edits


def _edit_place(line: str, rng: random.Random, text: str = "") -> list[_Edit]:
    edits = []
    for match in PLACE_RE.finditer(line):
        after, before = line[match.end() :], line[: match.start()]
        if re.match(r"['’-]|n\b| [A-Z]", after) or re.search(r"[A-Z]\w*[ -]$", before):
            continue  # inside a longer name ("Russia LGBT Network", "New York")
        others = [p for p in PLACES if p != match.group(1) and p not in line]
        edits.append(_Edit(*match.span(1), rng.choice(others)))
    return edits


def _reword_digits(line: str, rng: random.Random, text: str = "") -> list[_Edit]:
    edits = []
    for match in _numbers(line):
        token = match.group(1)
        value = _to_int(token)
        if value is None or value not in WORD_OF or value < 2:
            continue
        if token[0].isdigit():
            edits.append(_Edit(*match.span(1), WORD_OF[value]))
        else:
            edits.append(_Edit(*match.span(1), str(value)))
    return edits


def _reword_hedge(line: str, rng: random.Random, text: str = "") -> list[_Edit]:
    edits = []
    for match in _numbers(line, unhedged=True):
        start, end = match.span(1)
        hedge = rng.choice(("about", "roughly", "around"))
        if start == 0 or line[start - 1] != " ":
            continue
        token = match.group(1)
        word = token.lower() if token.lower() in VALUE_OF else token
        edits.append(_Edit(start, end, f"{hedge} {word}"))
    return edits


def _reword_contraction(line: str, rng: random.Random, text: str = "") -> list[_Edit]:
    edits = []
    for short, long in CONTRACTIONS:
        pairs = {(short, long), (long, short), (short.replace("'", "’"), long)}
        for form, other in sorted(pairs):
            for match in re.finditer(rf"\b{re.escape(form)}(?![\w'’])", line, re.IGNORECASE):
                edits.append(_Edit(*match.span(), _keep_case(match.group(0), other)))
    return edits


def _reword_quotes(line: str, rng: random.Random, text: str = "") -> list[_Edit]:
    edits = [_Edit(*m.span(), f"“{m.group(1)}”") for m in STRAIGHT_QUOTE_RE.finditer(line)]
    edits += [_Edit(*m.span(), f'"{m.group(1)}"') for m in CURLY_QUOTE_RE.finditer(line)]
    return edits


def _reword_percent(line: str, rng: random.Random, text: str = "") -> list[_Edit]:
    edits = []
    for match in PERCENT_RE.finditer(line):
        unit = match.group(2)
        choices = [u for u in ("%", " percent", " per cent") if u != unit]
        edits.append(_Edit(*match.span(2), rng.choice(choices)))
    return edits


EDITORS: dict[str, Callable[[str, random.Random, str], list[_Edit]]] = {
    "number": _edit_number,
    "month": _edit_month,
    "day": _edit_day,
    "spelling": _edit_spelling,
    "place": _edit_place,
    "digits_words": _reword_digits,
    "hedge": _reword_hedge,
    "contraction": _reword_contraction,
    "quote_style": _reword_quotes,
    "percent": _reword_percent,
}


def _apply(source: Source, kind: str, offset: int, edit: _Edit, number: int) -> Item:
    start, end = offset + edit.start, offset + edit.end
    old = source.text[start:end]
    perturbed = source.text[:start] + edit.new + source.text[end:]
    group = "changed" if kind in CHANGED_KINDS else "reworded"
    return Item(
        id=f"{source.origin}-{kind}-{number:03d}",
        source=source.origin,
        article_id=source.id,
        group=group,
        kind=kind,
        expected=EXPECTED.get(kind, "none"),
        original=source.text,
        perturbed=perturbed,
        start=start,
        end=start + len(edit.new),
        orig_start=start,
        orig_end=end,
        old=old,
        new=edit.new,
    )


def items_for(
    sources: list[Source], kind: str, rng: random.Random, limit: int | None, per_article: int
) -> list[Item]:
    """Up to ``limit`` items of one kind, at most ``per_article`` from each source article."""
    items: list[Item] = []
    for source in sources:
        candidates = [
            (offset, edit)
            for offset, line in _sentences(source.text)
            for edit in EDITORS[kind](line, rng, source.text)
            if line[edit.start : edit.end] != edit.new
        ]
        if not candidates:
            continue
        chosen = (
            candidates if len(candidates) <= per_article else rng.sample(candidates, k=per_article)
        )
        for offset, edit in sorted(chosen, key=lambda c: c[0] + c[1].start):
            items.append(_apply(source, kind, offset, edit, len(items) + 1))
            if limit is not None and len(items) >= limit:
                return items
    return items


def load_seeds(folder: Path = SEEDS) -> list[Source]:
    return [
        Source(p.stem, "seed", p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.txt"))
    ]


def load_ecbplus(data: Path = DATA) -> list[Source]:
    path = data / "ecbplus" / "articles.jsonl"
    with path.open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    return [Source(r["id"], "ecbplus", r["text"]) for r in records]


def build_items(
    seeds: list[Source],
    ecbplus: list[Source],
    seed: int = 7,
    per_kind: int = 40,
    seed_per_article: int = 6,
) -> list[Item]:
    """All items: every kind from the seeds (up to ``seed_per_article`` per article and kind,
    so the seeds' rewordings are covered nearly exhaustively) and up to ``per_kind`` per kind
    from ECB+ (one per article, articles in a seeded order)."""
    rng = random.Random(seed)
    order = sorted(ecbplus, key=lambda s: s.id)
    rng.shuffle(order)
    items: list[Item] = []
    for kind in (*CHANGED_KINDS, *REWORDED_KINDS):
        items += items_for(seeds, kind, rng, None, seed_per_article)
        if order:
            items += items_for(order, kind, rng, per_kind, 1)
    return items


def check(item: Item) -> None:
    """The pair differs in exactly the recorded span; raises AssertionError otherwise."""
    assert item.original[item.orig_start : item.orig_end] == item.old
    assert item.perturbed[item.start : item.end] == item.new
    assert item.old != item.new
    assert item.original[: item.orig_start] == item.perturbed[: item.start]
    assert item.original[item.orig_end :] == item.perturbed[item.end :]
    assert item.expected in ("disagree", "variant", "none")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-kind", type=int, default=40)
    parser.add_argument("--out", type=Path, required=True, help="JSONL file outside the repo")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    if out.is_relative_to(REPO):
        parser.error("write generated items outside the repository (they hold ECB+ text)")
    items = build_items(load_seeds(args.seeds), load_ecbplus(args.data), args.seed, args.per_kind)
    with out.open("w", encoding="utf-8") as handle:
        for item in items:
            check(item)
            handle.write(json.dumps(asdict(item), ensure_ascii=False) + "\n")
    print(f"{len(items)} items -> {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
