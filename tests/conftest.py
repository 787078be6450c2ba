"""Shared fixtures: a store filled by hand (no pipeline), with hostile text in it."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

from storytrace.model import (
    Article,
    Family,
    Finding,
    FindingValue,
    Mention,
    Passage,
    RemovedBlock,
    ReuseLink,
    Story,
)
from storytrace.store import Store

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
SEEDS = REPO.parent / "shared" / "seeds"
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)> [link=http://x]y[/link] \x1b[31m"


def load_bench_module(file_name: str, module_name: str) -> ModuleType:
    """A script of bench/ imported as ``module_name`` (bench/ is not a package).

    bench/ is on sys.path while it loads, for its imports of its sibling modules; the module is
    registered in sys.modules because dataclasses look their module up there.
    """
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location(module_name, BENCH / file_name)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH))
    return module


@pytest.fixture
def filled_store(tmp_path: Path) -> Store:
    """Two articles in one story sharing a passage (a claim in both), one finding, hostile
    strings everywhere."""
    text_a = f"=SUM(A1) The council said {HOSTILE} that 40 homes flooded in March."
    text_b = f"Reports say {HOSTILE} that 40 homes flooded in April."
    a = Article(
        id="aaaa000000000001",
        origin="a.txt",
        format="text",
        raw=b"a",
        source="one.example",
        url="javascript:alert(3)",
        title=f"Flood {HOSTILE}",
        author="=cmd|' /C calc'!A0",
        published=datetime(2021, 3, 4, tzinfo=UTC),
        text=text_a,
        removed=(RemovedBlock(f"Share {HOSTILE}", "widget", 0),),
    )
    b = Article(
        id="bbbb000000000002",
        origin="b.txt",
        format="text",
        raw=b"b",
        source="two.example",
        url="https://two.example/flood",
        title="Flood two",
        text=text_b,
        published=datetime(2021, 3, 5, tzinfo=UTC),
    )
    store = Store(tmp_path / "filled.db")
    store.add_articles([a, b])
    start_a, start_b = text_a.index(HOSTILE), text_b.index(HOSTILE)
    # One reported claim in both articles, inside the copied passage: a single-source statement.
    claim_a = Mention(
        a.id, start_a, start_a + len(HOSTILE), "claim", HOSTILE, "The council", "said"
    )
    claim_b = Mention(b.id, start_b, start_b + len(HOSTILE), "claim", HOSTILE, "", "say")
    store.save_cleaned([(a, [], [claim_a]), (b, [], [claim_b])])
    pa = Passage(a.id, start_a, start_a + len(HOSTILE))
    pb = Passage(b.id, start_b, start_b + len(HOSTILE))
    with store.transaction():
        store.save_links([ReuseLink(pa, pb, 1.0, "verbatim")])
    store.replace_families([Family("fam1", "copy", (pa, pb), a.id)])
    store.save_stories([Story("s1", f"Flood {HOSTILE}", a.published, a.published, (a.id, b.id))])
    ma = Mention(
        a.id, text_a.index("March"), text_a.index("March") + 5, "date", "--03", "flooded", "month"
    )
    mb = Mention(
        b.id, text_b.index("April"), text_b.index("April") + 5, "date", "--04", "flooded", "month"
    )
    store.replace_findings(
        "s1",
        [
            Finding(
                "s1",
                "disagree",
                f"flooded {HOSTILE}",
                (FindingValue("--03", (a.id,), (ma,)), FindingValue("--04", (b.id,), (mb,))),
                2,
                "f1",
            )
        ],
    )
    return store


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/golden/*.json from this run"
    )
