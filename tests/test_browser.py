"""The web UI and the static report in a real browser: Debian's Chromium driven by Playwright.

Skipped (with the reason) where Playwright for Python or /usr/bin/chromium is missing; .ci/run
installs both, so CI always runs them. No browser is ever downloaded.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from storytrace.report import write_report
from storytrace.store import Store

from .conftest import HOSTILE, SEEDS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

CHROMIUM = Path("/usr/bin/chromium")
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed")


@pytest.fixture(scope="module")
def seeds_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds run through the whole pipeline, plus a story full of hostile text."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not present")
    import storytrace

    folder = tmp_path_factory.mktemp("browser")
    db = folder / "seeds.db"
    with storytrace.open(db) as corpus:
        corpus.ingest([SEEDS])
        corpus.analyze()
    body = (
        f"The river council said {HOSTILE} that the flood barrier near the old mill failed on "
        "Tuesday night and forty homes were flooded. Engineers will inspect every barrier along "
        "the river before the winter storms."
    )
    hostile = folder / "hostile.jsonl"
    hostile.write_text(
        "\n".join(
            json.dumps(
                {
                    "id": f"payload{n}",
                    "source": f"outlet{n}.example",
                    "published": f"2021-03-0{n}T10:00:00Z",
                    "title": f"Flood {HOSTILE} number {n}",
                    "text": body,
                }
            )
            for n in (1, 2)
        ),
        "utf-8",
    )
    with storytrace.open(db) as corpus:
        corpus.ingest([hostile])
        corpus.analyze()
    return db


@pytest.fixture(scope="module")
def server(seeds_store: Path) -> Iterator[str]:
    """storytrace's web app under uvicorn on a free loopback port, in a thread."""
    from storytrace.web import serve_in_background

    with serve_in_background(seeds_store) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with playwright_api.sync_playwright() as driver:
        launched = driver.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page that records dialogs and console errors (none may happen)."""
    context = browser.new_context()
    opened = context.new_page()
    problems: list[str] = []
    opened.on("dialog", lambda d: (problems.append(f"dialog {d.message}"), d.dismiss()))
    opened.on(
        "console", lambda m: problems.append(f"console {m.text}") if m.type == "error" else None
    )
    opened.on("pageerror", lambda e: problems.append(f"error {e}"))
    _PROBLEMS[id(opened)] = problems
    yield opened
    context.close()


_PROBLEMS: dict[int, list[str]] = {}


def problems(page: Page) -> list[str]:
    """Dialogs, console errors and uncaught script errors the page has had so far."""
    return _PROBLEMS[id(page)]


def _follow(page: Page, link: Locator) -> None:
    """Click a link and wait for the page it leads to."""
    with page.expect_navigation():
        link.click()


def _seed_story_link(page: Page) -> None:
    """Open the story both seeds belong to."""
    _follow(page, page.get_by_role("link", name="Gay Chechens", exact=False).first)


def _check_seed_story(page: Page) -> None:
    body = page.locator("main")
    articles = body.locator("ol.timeline li")
    assert articles.count() == 2
    findings = body.locator("section.finding")
    assert findings.first.get_attribute("class") == "finding disagree"
    first = findings.first.inner_text()
    assert "March" in first and "April" in first
    assert body.locator("section.family blockquote").count() >= 2


def test_seed_story_shows_both_articles_and_the_disagreement_first(server: str, page: Page) -> None:
    page.goto(f"{server}/index.html")
    _seed_story_link(page)
    _check_seed_story(page)
    # The shared quote is highlighted in both articles' pages.
    for n in range(2):
        _follow(page, page.locator("ol.timeline li a").nth(n))
        assert page.locator("article.body mark.reuse").count() >= 1
        page.go_back()
    assert problems(page) == []


def test_search_finds_an_article_and_the_graph_renders(server: str, page: Page) -> None:
    page.goto(f"{server}/index.html")
    page.get_by_label("Search").fill("Svetlana")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    rows = page.locator("tbody tr")
    assert rows.count() == 1 and "Gay Chechens" in rows.first.inner_text()
    page.goto(f"{server}/outlets.html")
    assert page.locator("svg.outlet-graph").count() == 1
    assert problems(page) == []


def test_hostile_text_shows_as_text_and_runs_nothing(server: str, page: Page) -> None:
    page.goto(f"{server}/index.html?q=barrier")
    link = page.locator("tbody a").first
    assert "<script>" in link.inner_text()
    _follow(page, link)
    assert "<img src=x onerror=alert(2)>" in page.locator("main").inner_text()
    _follow(page, page.locator("ol.timeline li a").first)
    assert "<script>alert(1)</script>" in page.locator("article.body").inner_text()
    assert page.locator("main img").count() == 0
    assert problems(page) == []


def test_static_report_passes_the_same_checks_over_file_urls(
    seeds_store: Path, tmp_path: Path, page: Page
) -> None:
    with Store(seeds_store) as store:
        index = write_report(store, tmp_path / "report")
    page.goto(index.as_uri())
    _seed_story_link(page)
    _check_seed_story(page)
    page.goto(index.as_uri())
    _follow(page, page.locator("tbody a", has_text="Flood").first)
    assert "<img src=x onerror=alert(2)>" in page.locator("main").inner_text()
    assert page.locator("main img").count() == 0
    assert problems(page) == []
