"""bench/clean.py on hand-made pages: scoring per half, failures counted, table printed.

No benchmark data and no peer is loaded: peers are imported only when ``systems()`` runs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import load_bench_module

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture(scope="module")
def bench_clean() -> ModuleType:
    return load_bench_module("clean.py", "bench_clean")


def _inputs(bench_clean: ModuleType) -> list[object]:
    aeb = sys.modules["aeb"]
    body = "The council approved the new budget for the city schools on Monday night."
    inputs = []
    for page_id in ("p1", "p2", "p3", "p4"):  # p1 is in the tuning half, the rest held out
        html = f"<html><body><nav>Home News Sport</nav><p>{body}</p></body></html>"
        page = aeb.Page(page_id, "", html, body)
        flat = bench_clean._flatten(html)
        inputs.append(bench_clean.Input(page, html.encode(), flat, body.encode()))
    return inputs


def test_both_halves_scored(bench_clean: ModuleType) -> None:
    inputs = _inputs(bench_clean)
    assert {sys.modules["aeb"].is_tuning(i.page.id) for i in inputs} == {True, False}
    exact = bench_clean.System("exact", lambda item: item.page.body)
    result = bench_clean.measure([exact], inputs, repeat=2)["exact"]
    assert result["all"]["f1"] == 1.0 and result["all"]["pages"] == 4
    assert result["tuning"]["pages"] + result["held_out"]["pages"] == 4
    assert len(result["seconds"]) == 2 and result["failures"] == 0


def test_failures_counted_and_scored_empty(bench_clean: ModuleType) -> None:
    def broken(item: object) -> str:
        raise RuntimeError("boom")

    result = bench_clean.measure([bench_clean.System("b", broken)], _inputs(bench_clean), 1)["b"]
    assert result["failures"] == 4
    assert result["all"]["recall"] == 0.0


def test_table_and_ratio(bench_clean: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = _inputs(bench_clean)
    flat = bench_clean.System(bench_clean.BASELINE, lambda item: item.flat, timed=False)
    exact = bench_clean.System("exact", lambda item: item.page.body)
    results = bench_clean.measure([exact, flat], inputs, 1)
    assert results[bench_clean.BASELINE]["pages_per_s"] is None
    bench_clean.print_table(results, len(inputs), 1, 100.0)
    out = capsys.readouterr().out
    assert "| exact | 1.000 | 1.000 | 1.000 |" in out
    assert bench_clean._ratio(results, "exact", bench_clean.BASELINE).startswith("exact / ")
    assert "skipped" in bench_clean._ratio(results, "exact", "trafilatura default")


def test_table_names_the_peers_that_did_not_run(
    bench_clean: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = _inputs(bench_clean)
    exact = bench_clean.System("storytrace HTML", lambda item: item.page.body)
    results = bench_clean.measure([exact], inputs, repeat=1)
    bench_clean.print_table(results, len(inputs), 1, 1.0)
    out = capsys.readouterr().out
    assert "NOT RUN" in out and "readability-lxml" in out and "newspaper4k" in out
