"""Cleaning benchmark: storytrace's cleaner against extraction peers on the scrapinghub pages.

On the 181 pages of ``../shared/data/scrapinghub-aeb`` (``aeb.py``: pages, tuning split, metric),
in one process, each system predicts every page's body, scored on each half and on all pages:
storytrace on the HTML; storytrace on the flattened page (``visible_text``: all visible text, one
block a line, as a naive scraper renders it); that flattened text unchanged (the baseline);
storytrace on the gold body alone (a chrome-free article, as article-level scrapers deliver:
its recall says how much of a clean article the text cleaner keeps, its speed is the text
cleaner's on article-sized input); trafilatura (default, favor_precision, favor_recall),
readability-lxml, justext, newspaper4k.

Speed: pages/s, median of ``--repeat`` timed passes, extraction only (each tool parses the HTML
string itself; flattening is done before the clock). A page a peer raises on gets "" and counts
as a failure; a peer that cannot be imported is skipped. No network is used.

Usage: ``python bench/clean.py [--repeat 3] [--half tuning|held-out|both] [--json PATH]``;
``--half`` restricts the pages run (default both: all pages).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import logging
import platform
import random
import socket
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import aeb
from storytrace.clean import CleanSettings, clean
from storytrace.clean_html import parse_html, visible_text
from storytrace.model import Article

logger = logging.getLogger("bench.clean")

SETTINGS = CleanSettings()
# Elements that break a line when readability's summary HTML is turned into text.
_BLOCK_NAMES = """address article aside blockquote br dd div dl dt figcaption figure footer h1
h2 h3 h4 h5 h6 header hr li main nav ol p pre section table td th tr ul"""
READABILITY_BLOCKS = frozenset(_BLOCK_NAMES.split())
BASELINE = "flattened text, unchanged (baseline)"
ALONE = "storytrace text (gold body alone)"


@dataclass(frozen=True, slots=True)
class Input:
    """One page as each system receives it, prepared before any clock starts."""

    page: aeb.Page
    raw: bytes  # the HTML as bytes, what storytrace reads
    flat: str  # the page's visible text, one block a line
    alone: bytes  # the gold body alone, as UTF-8


Extract = Callable[[Input], str]


@dataclass(frozen=True, slots=True)
class System:
    name: str
    extract: Extract
    timed: bool = True  # False for the baseline: it does no work, its speed means nothing


def _flatten(html: str) -> str:
    """The naive scraper's rendering: all visible text, one block a line."""
    root = parse_html(html)
    return visible_text(root) if root is not None else ""


def _storytrace_html(item: Input) -> str:
    page = item.page
    article = Article(id=page.id, origin="aeb", format="html", raw=item.raw, url=page.url or None)
    return clean(article, SETTINGS).text


def _clean_as_text(page_id: str, raw: bytes) -> str:
    """What storytrace's text cleaner keeps of ``raw``."""
    return clean(Article(id=page_id, origin="aeb", format="text", raw=raw), SETTINGS).text


def _storytrace_text(item: Input) -> str:
    return _clean_as_text(item.page.id, item.flat.encode("utf-8"))


def _storytrace_text_alone(item: Input) -> str:
    return _clean_as_text(item.page.id, item.alone)


def _trafilatura(favor_precision: bool = False, favor_recall: bool = False) -> Extract:
    import trafilatura

    def extract(item: Input) -> str:
        html, precision, recall = item.page.html, favor_precision, favor_recall
        text = trafilatura.extract(
            html, include_comments=False, favor_precision=precision, favor_recall=recall
        )
        return text or ""

    return extract


def _readability() -> Extract:
    import lxml.html
    import readability

    def extract(item: Input) -> str:
        summary = readability.Document(item.page.html).summary()
        root = lxml.html.fromstring(summary)
        for element in root.iter():
            if isinstance(element.tag, str) and element.tag.lower() in READABILITY_BLOCKS:
                element.text = "\n" + (element.text or "")
                element.tail = "\n" + (element.tail or "")
        lines = (" ".join(line.split()) for line in root.text_content().splitlines())
        return "\n".join(line for line in lines if line)

    return extract


def _justext() -> Extract:
    import justext

    stoplist = justext.get_stoplist("English")

    def extract(item: Input) -> str:
        paragraphs = justext.justext(item.page.html, stoplist)
        return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)

    return extract


def _newspaper() -> Extract:
    import newspaper

    config = newspaper.Config()
    config.fetch_images = config.memorize_articles = False

    def extract(item: Input) -> str:
        article = newspaper.Article(item.page.url or "https://example.com/", config=config)
        article.download(input_html=item.page.html)
        article.parse()
        return str(article.text or "")

    return extract


def _peers() -> list[tuple[str, Callable[[], Extract]]]:
    """The peers, in table order, each with the function that imports and sets it up."""
    return [
        ("trafilatura default", _trafilatura),
        ("trafilatura favor_precision", lambda: _trafilatura(favor_precision=True)),
        ("trafilatura favor_recall", lambda: _trafilatura(favor_recall=True)),
        ("readability-lxml", _readability),
        ("justext (English)", _justext),
        ("newspaper4k", _newspaper),
    ]


def systems() -> list[System]:
    """The systems to run, in table order; peers that cannot be imported are left out."""
    found = [
        System("storytrace HTML", _storytrace_html),
        System("storytrace text (flattened pages)", _storytrace_text),
        System(BASELINE, lambda item: item.flat, timed=False),
        System(ALONE, _storytrace_text_alone),
    ]
    for name, make in _peers():
        try:
            found.append(System(name, make()))
        except ImportError as exc:
            print(f"skipped {name}: cannot import ({exc})")
    return found


def run_pass(system: System, inputs: list[Input], log: bool) -> tuple[list[str], float, int]:
    """(predicted bodies, seconds, failures) of one timed pass; ``log`` names failed pages."""
    predictions: list[str] = []
    failures, start = 0, time.perf_counter()
    for item in inputs:
        try:
            predictions.append(system.extract(item))
        except Exception as exc:  # a peer failing on one page must not stop the benchmark
            if log:
                logger.warning("%s failed on page %s: %r", system.name, item.page.id, exc)
            predictions.append("")
            failures += 1
    return predictions, time.perf_counter() - start, failures


def measure(found: list[System], inputs: list[Input], repeat: int) -> dict[str, dict[str, Any]]:
    """Scores per half, pages/s and failures of each system; the first of ``repeat`` rounds is
    scored. Rounds go over all systems in turn, so a change in load touches all alike."""
    first: dict[str, tuple[list[str], int]] = {}
    timings: dict[str, list[float]] = {system.name: [] for system in found}
    for round_ in range(repeat):
        for system in found:
            predictions, seconds, failures = run_pass(system, inputs, log=round_ == 0)
            timings[system.name].append(seconds)
            first.setdefault(system.name, (predictions, failures))
            if predictions != first[system.name][0]:
                print(f"note: {system.name} gave different output on a repeated pass")
    results = {}
    for system in found:
        predictions, failures = first[system.name]
        by_half: dict[str, list[tuple[str, str]]] = {"tuning": [], "held_out": [], "all": []}
        for item, predicted in zip(inputs, predictions, strict=True):
            half = "tuning" if aeb.is_tuning(item.page.id) else "held_out"
            by_half[half].append((predicted, item.page.body))
            by_half["all"].append((predicted, item.page.body))
        median = statistics.median(timings[system.name])
        results[system.name] = {
            **{half: asdict(aeb.score(pairs)) for half, pairs in by_half.items() if pairs},
            "seconds": timings[system.name],
            "pages_per_s": len(inputs) / median if system.timed else None,
            "failures": failures,
        }
    return results


def _prf(scores: dict[str, Any], half: str) -> str:
    if half not in scores:
        return "– | – | –"
    s = scores[half]
    return f"{s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f}"


def _ratio(results: dict[str, dict[str, Any]], ours: str, theirs: str) -> str:
    if ours not in results or theirs not in results:
        return f"{ours} / {theirs}: – (a system was skipped)"
    a, b = results[ours], results[theirs]
    half = "held_out" if "held_out" in a else "all"
    f1 = a[half]["f1"] / b[half]["f1"] if b[half]["f1"] else float("nan")
    line = f"{ours} / {theirs}: F1 ({half.replace('_', '-')}) {f1:.3f}"
    if a["pages_per_s"] is None or b["pages_per_s"] is None:
        return line
    return f"{line}, pages/s {a['pages_per_s'] / b['pages_per_s']:.2f}"


def print_table(
    results: dict[str, dict[str, Any]], n_pages: int, repeat: int, flatten_pages_per_s: float
) -> None:
    print(f"\n## scrapinghub-aeb: {n_pages} pages, speed the median of {repeat} passes\n")
    print(
        "| system | tune P | tune R | tune F1 | held-out P | held-out R | held-out F1 "
        "| all F1 | pages/s | failures |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        speed = "–" if r["pages_per_s"] is None else f"{r['pages_per_s']:.1f}"
        print(
            f"| {name} | {_prf(r, 'tuning')} | {_prf(r, 'held_out')} | {r['all']['f1']:.3f} "
            f"| {speed} | {r['failures']} |"
        )
    missing = [name for name, _ in _peers() if name not in results]
    if missing:
        # Said under the table too, so a partial table is not read as the full one.
        print(f"\nNOT RUN (cannot import; pip install -e .[bench]): {', '.join(missing)}")
    print("\n" + _ratio(results, "storytrace HTML", "trafilatura default"))
    print(_ratio(results, "storytrace text (flattened pages)", BASELINE))
    print(f"flattening (parse_html + visible_text, untimed): {flatten_pages_per_s:.1f} pages/s")


def _versions() -> dict[str, str]:
    names = ["storytrace", "trafilatura", "readability-lxml", "justext", "newspaper4k", "lxml"]
    found = {d.metadata["Name"].lower(): d.version for d in importlib.metadata.distributions()}
    return {"python": platform.python_version()} | {n: found.get(n, "absent") for n in names}


def _forbid_network() -> None:
    """Make any connection attempt fail loudly: the benchmark is offline by design."""

    def refuse(*args: object, **kwargs: object) -> socket.socket:
        raise OSError("bench/clean.py: network access attempted")

    socket.create_connection = refuse
    socket.socket.connect = refuse  # type: ignore[assignment,method-assign]  # offline guard


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=aeb.DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, choices=range(1, 100), default=3, metavar="N")
    parser.add_argument("--half", choices=["tuning", "held-out", "both"], default="both")
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    random.seed(0)
    _forbid_network()
    started = time.perf_counter()
    pages = aeb.load_pages(args.data)
    if args.half != "both":
        pages = [p for p in pages if aeb.is_tuning(p.id) == (args.half == "tuning")]
    flatten_seconds = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        flats = [_flatten(page.html) for page in pages]
        flatten_seconds.append(time.perf_counter() - start)
    inputs = [
        Input(p, p.html.encode("utf-8"), f, p.body.encode("utf-8"))
        for p, f in zip(pages, flats, strict=True)
    ]
    flatten_pages_per_s = len(pages) / statistics.median(flatten_seconds)
    versions = _versions()
    print(", ".join(f"{k} {v}" for k, v in versions.items()))
    results = measure(systems(), inputs, args.repeat)
    print_table(results, len(inputs), args.repeat, flatten_pages_per_s)
    elapsed = time.perf_counter() - started
    print(f"\nwhole run: {elapsed:.0f} s")
    if args.json:
        report = dict(pages=len(inputs), half=args.half, repeat=args.repeat, versions=versions)
        report.update(flatten_pages_per_s=flatten_pages_per_s, run_seconds=elapsed, systems=results)
        args.json.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", "utf-8")


if __name__ == "__main__":
    main()
