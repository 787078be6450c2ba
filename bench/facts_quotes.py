"""Quote benchmark: storytrace's quotes and speakers against hand labels on 65 ECB+ articles.

Labels: ``bench/data/ecbplus_quotes.jsonl`` (offsets only, guidelines and selection rule in
``bench/data/README.md``); texts: ``../shared/data/ecbplus/articles.jsonl``. Each article's text
goes through what the pipeline runs after cleaning: ``segment()`` then ``extract_facts()`` on an
``Article(format="text")`` whose ``text`` is the ECB+ text (so offsets are the labels' offsets);
its ``quote`` mentions are the predictions. storytrace extracts quoted text only, so every
prediction is scored against the *direct* gold quotes; reported speech ("X said that ...") is
labelled too and only its recall by overlap is printed, for information.

Matching rules (per article, then summed per split and over all articles):

- **exact span**: a prediction and a gold quote match when each boundary is equal or off by one
  character that is not a letter or digit (a space, a quote mark, a comma or full stop trimmed
  on one side). Each gold and each prediction is matched once.
- **overlap span**: the prediction covers >= 50% of the gold span's characters; pairs are taken
  greedily by overlap size, each gold and each prediction matched once.
- **speaker** (on the overlap-matched pairs): the prediction's speaker is its ``key`` (a name, or
  "" when storytrace found none). It is *correct* when
  (a) the key, searched case-insensitively in the article text, occurs at a position that
  overlaps the gold speaker span (``speaker_start:speaker_end``); or
  (b) the key equals the gold ``speaker_name`` after case-folding, or its last word equals the
  last word of the gold name or of one of its "A and B" parts (last-name match: "Obama" =
  "Barack Obama", "Meron" = "Craig Zadan and Neil Meron"); or
  (c) the key is "" and the gold has no ``speaker_name`` (a speaker the article never names:
  "a police spokesman", "officials", or no speaker at all).
  A non-empty key for a gold quote without a name is correct only by (a) (a key "Surrey Police"
  for the gold span "A Surrey Police spokeswoman").
  Speaker accuracy = correct / matched pairs. Speaker precision = correct non-empty keys /
  non-empty keys; recall = correct keys / pairs whose gold has a ``speaker_name``.
- **quote+speaker**: a prediction counts only if it is overlap-matched AND its speaker is
  correct; precision over all predictions, recall over all direct gold quotes.

Speed: articles/s of ``extract_facts`` (names, dates, numbers and quotes; segmentation done
before the clock) and of ``segment`` + ``extract_facts``, median of ``--repeat`` passes over the
selected articles.

Published figures printed beside ours (other data, other definitions, for orientation only):
PARC 3.0, Citron (Newell et al. 2018): all-quote span F1 0.567 exact, 0.832 by overlap; source
F1 0.82 exact. GenderGapTracker rule-based quotes (Asr et al. 2021): quote F1 0.837 at a loose
overlap on its own 98 annotated articles.

Usage: ``python bench/facts_quotes.py [--repeat 3] [--errors] [--json PATH]``;
``--errors`` lists every missed, spurious and wrongly attributed quote of the first set and of
the second and third development sets (``ecbplus_quotes_dev2.jsonl``,
``ecbplus_quotes_dev3.jsonl``, labelled blind like the held-out set); the held-out set's errors
are never listed, so that no rule is fitted to them.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storytrace.facts import FactsSettings, extract_facts
from storytrace.model import Article, Mention
from storytrace.segment import segment

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "bench" / "data" / "ecbplus_quotes.jsonl"
# 40 more articles labelled blind after the rules were tuned (bench/quotes_holdout.py).
HOLDOUT = ROOT / "bench" / "data" / "ecbplus_quotes_holdout.jsonl"
# 40 more, labelled blind later still, as a second development set for error analysis.
DEV2 = ROOT / "bench" / "data" / "ecbplus_quotes_dev2.jsonl"
# And 40 more, labelled blind in the seventh session, as a third development set.
DEV3 = ROOT / "bench" / "data" / "ecbplus_quotes_dev3.jsonl"
ARTICLES = ROOT.parent / "shared" / "data" / "ecbplus" / "articles.jsonl"
SPLITS = ("train", "test", "all", "dev2", "dev3", "holdout")
SETTINGS = FactsSettings()  # the pipeline's defaults
PUBLISHED = (
    ("PARC 3.0, Citron (all quotes)", "0.567", "0.832", "0.82 (source, exact)"),
    ("GenderGapTracker rules (98 own articles)", "", "0.837 (loose)", ""),
)

# Selection rule (bench/data/README.md): texts of 300-3000 characters; one seeded pick per topic
# among articles with a quotation mark, 12 more such articles, 5 + 5 without any.
SELECTION_SEED = 7
_MARK = re.compile(r"[\"“”]|(?<![\w'])'(?=\w)[^'\n]*?[\w.,!?]'(?![\w'])|‘")


def select_articles(articles: Sequence[dict[str, Any]]) -> list[str]:
    """The ids of the labelled articles, in label-file order, by the recorded seeded rule."""

    def fits(a: dict[str, Any]) -> bool:
        return 300 <= len(a["text"]) <= 3000

    def quoted(a: dict[str, Any]) -> bool:
        return bool(_MARK.search(a["text"]))

    rng = random.Random(SELECTION_SEED)
    chosen: list[str] = []
    for topic in sorted({a["topic"] for a in articles}):
        pool = sorted(a["id"] for a in articles if a["topic"] == topic and fits(a) and quoted(a))
        if pool:
            chosen.append(rng.choice(pool))
    rest = sorted(a["id"] for a in articles if fits(a) and quoted(a) and a["id"] not in chosen)
    chosen += rng.sample(rest, 12)
    for split in ("train", "test"):
        pool = sorted(
            a["id"] for a in articles if fits(a) and not quoted(a) and a["split"] == split
        )
        chosen += rng.sample(pool, 5)
    return chosen


def load_articles(path: Path = ARTICLES) -> dict[str, dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines if line.strip()]
    return {r["id"]: r for r in records}


def load_labels(path: Path = LABELS) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def predict(article_id: str, text: str) -> list[Mention]:
    """storytrace's quote and claim (reported speech) mentions for one plain-text article, as
    the pipeline finds them."""
    article = Article(id=article_id, origin="bench", format="text", raw=b"", text=text)
    mentions = extract_facts(article, segment(article), SETTINGS)
    return [m for m in mentions if m.kind in ("quote", "claim")]


def _boundary_ok(text: str, a: int, b: int) -> bool:
    if a == b:
        return True
    return abs(a - b) == 1 and not text[min(a, b)].isalnum()


def exact_match(text: str, pred: tuple[int, int], gold: tuple[int, int]) -> bool:
    return _boundary_ok(text, pred[0], gold[0]) and _boundary_ok(text, pred[1], gold[1])


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match_exact(
    text: str, preds: Sequence[tuple[int, int]], golds: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """(pred index, gold index) pairs whose spans match exactly, each index used once."""
    pairs, used = [], set()
    for g, gold in enumerate(golds):
        for p, pred in enumerate(preds):
            if p not in used and exact_match(text, pred, gold):
                pairs.append((p, g))
                used.add(p)
                break
    return pairs


def match_overlap(
    preds: Sequence[tuple[int, int]], golds: Sequence[tuple[int, int]], share: float = 0.5
) -> list[tuple[int, int]]:
    """(pred, gold) pairs where the prediction covers >= ``share`` of the gold, greedy, 1:1."""
    candidates = []
    for p, pred in enumerate(preds):
        for g, gold in enumerate(golds):
            common = _overlap(pred, gold)
            if common > 0 and common >= share * (gold[1] - gold[0]):
                candidates.append((common, p, g))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    pairs, used_p, used_g = [], set(), set()
    for _, p, g in candidates:
        if p not in used_p and g not in used_g:
            pairs.append((p, g))
            used_p.add(p)
            used_g.add(g)
    return sorted(pairs)


_NON_WORD = re.compile(r"[^\w\s]+")


def _last_word(name: str) -> str:
    name = re.sub(r"['’]s$", "", name.strip())
    words = _NON_WORD.sub(" ", name).casefold().split()
    return words[-1] if words else ""


def speaker_correct(text: str, key: str, gold: dict[str, Any]) -> bool:
    """The rule of the module docstring: span overlap, name or last-name match, or both none."""
    name = gold.get("speaker_name")
    if not key:
        return name is None
    start, end = gold.get("speaker_start"), gold.get("speaker_end")
    if start is not None and end is not None:
        pattern = r"\s+".join(re.escape(w) for w in key.split())
        for m in re.finditer(pattern, text, re.IGNORECASE):
            if m.start() < end and start < m.end():
                return True
    if name is None:
        return False
    if key.casefold() == name.casefold():
        return True
    last = _last_word(key)
    return bool(last) and any(last == _last_word(part) for part in name.split(" and "))


@dataclass
class Counts:
    """Sums over articles for one split."""

    articles: int = 0
    gold: int = 0
    pred: int = 0
    exact: int = 0
    overlap: int = 0
    speaker_correct: int = 0
    key_nonempty: int = 0
    key_nonempty_correct: int = 0
    gold_named: int = 0
    gold_named_correct: int = 0
    indirect: int = 0
    claims: int = 0
    claims_found: int = 0
    claims_speaker_correct: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: Counts) -> None:
        for name, value in vars(other).items():
            if name == "errors":
                self.errors.extend(value)
            else:
                setattr(self, name, getattr(self, name) + value)


def _prf(tp_p: int, n_p: int, tp_r: int, n_r: int) -> tuple[float, float, float]:
    p = tp_p / n_p if n_p else 0.0
    r = tp_r / n_r if n_r else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _short(text: str, start: int, end: int, width: int = 70) -> str:
    body = text[start:end].replace("\n", " / ")
    return body if len(body) <= width else body[: width - 25] + " ... " + body[-20:]


def score_article(
    article_id: str, text: str, quotes: Sequence[dict[str, Any]], mentions: Sequence[Mention]
) -> Counts:
    preds = [m for m in mentions if m.kind == "quote"]
    claims = [m for m in mentions if m.kind == "claim"]
    direct = [q for q in quotes if q["kind"] == "direct"]
    indirect = [q for q in quotes if q["kind"] == "indirect"]
    golds = [(q["start"], q["end"]) for q in direct]
    spans = [(m.start, m.end) for m in preds]
    c = Counts(articles=1, gold=len(golds), pred=len(spans), indirect=len(indirect))
    c.exact = len(match_exact(text, spans, golds))
    pairs = match_overlap(spans, golds)
    c.overlap = len(pairs)
    for p, g in pairs:
        key, gold = preds[p].key, direct[g]
        ok = speaker_correct(text, key, gold)
        c.speaker_correct += ok
        c.key_nonempty += bool(key)
        c.key_nonempty_correct += bool(key) and ok
        c.gold_named += gold["speaker_name"] is not None
        c.gold_named_correct += gold["speaker_name"] is not None and ok
        if not ok:
            c.errors.append(
                f"{article_id} SPEAKER {key!r} != {gold['speaker_name']!r} "
                f"(span {text[gold['speaker_start'] or 0 : gold['speaker_end'] or 0]!r}): "
                f"{_short(text, *golds[g])!r}"
            )
    claim_pairs = match_overlap(
        [(m.start, m.end) for m in claims], [(q["start"], q["end"]) for q in indirect]
    )
    c.claims, c.claims_found = len(claims), len(claim_pairs)
    c.claims_speaker_correct = sum(
        speaker_correct(text, claims[p].key, indirect[g]) for p, g in claim_pairs
    )
    matched_p = {p for p, _ in pairs}
    matched_g = {g for _, g in pairs}
    for p, m in enumerate(preds):
        if p not in matched_p:
            c.errors.append(f"{article_id} SPURIOUS [{m.key!r}] {_short(text, m.start, m.end)!r}")
    for g, (s, e) in enumerate(golds):
        if g not in matched_g:
            c.errors.append(f"{article_id} MISSED {_short(text, s, e)!r}")
    return c


def evaluate(
    labels: Iterable[dict[str, Any]], articles: dict[str, dict[str, Any]]
) -> dict[str, Counts]:
    totals = {split: Counts() for split in SPLITS}
    for record in labels:
        text = articles[record["article_id"]]["text"]
        preds = predict(record["article_id"], text)
        counts = score_article(record["article_id"], text, record["quotes"], preds)
        totals[record["split"]].add(counts)
        if record["split"] in ("train", "test"):  # "all": the first set, as first reported
            totals["all"].add(counts)
    return totals


def figures(c: Counts) -> dict[str, float | int]:
    exact = _prf(c.exact, c.pred, c.exact, c.gold)
    overlap = _prf(c.overlap, c.pred, c.overlap, c.gold)
    spk = _prf(c.key_nonempty_correct, c.key_nonempty, c.gold_named_correct, c.gold_named)
    both = _prf(c.speaker_correct, c.pred, c.speaker_correct, c.gold)
    claim = _prf(c.claims_found, c.claims, c.claims_found, c.indirect)
    both_c = _prf(c.claims_speaker_correct, c.claims, c.claims_speaker_correct, c.indirect)
    return {
        "articles": c.articles,
        "gold_direct": c.gold,
        "predicted": c.pred,
        "exact_p": exact[0],
        "exact_r": exact[1],
        "exact_f1": exact[2],
        "overlap_p": overlap[0],
        "overlap_r": overlap[1],
        "overlap_f1": overlap[2],
        "speaker_accuracy": c.speaker_correct / c.overlap if c.overlap else 0.0,
        "speaker_p": spk[0],
        "speaker_r": spk[1],
        "speaker_f1": spk[2],
        "quote_speaker_p": both[0],
        "quote_speaker_r": both[1],
        "quote_speaker_f1": both[2],
        "gold_indirect": c.indirect,
        "claims": c.claims,
        **dict(zip(("claim_p", "claim_r", "claim_f1"), claim, strict=True)),
        **dict(
            zip(("claim_speaker_p", "claim_speaker_r", "claim_speaker_f1"), both_c, strict=True)
        ),
    }


def speed(
    labels: Sequence[dict[str, Any]], articles: dict[str, dict[str, Any]], repeat: int
) -> dict[str, float]:
    """Articles/s, median of ``repeat`` passes: extract_facts alone, and segment + facts."""
    items = [
        Article(id=r["article_id"], origin="bench", format="text", raw=b"", text=t)
        for r in labels
        for t in [articles[r["article_id"]]["text"]]
    ]
    segmented = [(a, segment(a)) for a in items]
    facts_s, both_s = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for article, seg in segmented:
            extract_facts(article, seg, SETTINGS)
        facts_s.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for article in items:
            extract_facts(article, segment(article), SETTINGS)
        both_s.append(time.perf_counter() - t0)
    n = len(items)
    return {
        "facts_articles_per_s": n / statistics.median(facts_s),
        "segment_facts_articles_per_s": n / statistics.median(both_s),
    }


def table(results: dict[str, dict[str, float | int]]) -> str:
    rows = [
        "| split | articles | gold direct | predicted | exact P / R / F1 | overlap P / R / F1 "
        "| speaker acc | speaker P / R / F1 | quote+speaker P / R / F1 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for split, f in results.items():

        def trio(prefix: str, f: dict[str, float | int] = f) -> str:
            return " / ".join(f"{f[f'{prefix}_{k}']:.3f}" for k in ("p", "r", "f1"))

        rows.append(
            f"| {split} | {f['articles']} | {f['gold_direct']} | {f['predicted']} "
            f"| {trio('exact')} | {trio('overlap')} | {f['speaker_accuracy']:.3f} "
            f"| {trio('speaker')} | {trio('quote_speaker')} |"
        )
    rows += [
        "",
        "| published (other data) | span F1 exact | span F1 overlap | speaker / source F1 |",
        "|---|---|---|---|",
    ]
    rows += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in PUBLISHED]
    return "\n".join(rows)


def claims_table(results: dict[str, dict[str, float | int]]) -> str:
    """Reported speech: claims against the labelled indirect quotes, by overlap."""
    rows = [
        "| split | gold reported speech | claims | overlap P / R / F1 | claim+speaker P / R / F1 |",
        "|---|---|---|---|---|",
    ]
    for split, f in results.items():
        trio = " / ".join(f"{f[f'claim_{k}']:.3f}" for k in ("p", "r", "f1"))
        both = " / ".join(f"{f[f'claim_speaker_{k}']:.3f}" for k in ("p", "r", "f1"))
        rows.append(f"| {split} | {f['gold_indirect']} | {f['claims']} | {trio} | {both} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--errors", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    articles = load_articles()
    labels = load_labels()
    labelled = [*labels, *load_labels(DEV2), *load_labels(DEV3), *load_labels(HOLDOUT)]
    totals = evaluate(labelled, articles)
    results = {split: figures(totals[split]) for split in SPLITS}
    print(table(results))
    print()
    print(claims_table(results))
    rates = speed(labels, articles, args.repeat)
    print(
        f"\nspeed over {len(labels)} articles (median of {args.repeat}): "
        f"extract_facts {rates['facts_articles_per_s']:.0f} articles/s, "
        f"segment + extract_facts {rates['segment_facts_articles_per_s']:.0f} articles/s"
    )
    if args.errors:
        print()
        print("\n".join(totals["all"].errors))
        print("\ndev2:")
        print("\n".join(totals["dev2"].errors))
        print("\ndev3:")
        print("\n".join(totals["dev3"].errors))
    if args.json:
        payload = {
            "results": results,
            "speed": rates,
            "errors": totals["all"].errors,
            "errors_dev2": totals["dev2"].errors,
            "errors_dev3": totals["dev3"].errors,
        }
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
