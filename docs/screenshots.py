"""Screenshots of the web UI for the README: ``python docs/screenshots.py``.

Runs the whole pipeline on ``examples/`` into a temporary store, serves it with
``storytrace.web`` on a free loopback port, and photographs the story list, the ferry story and
its "who said what" section, an article page and the outlet graph with Debian's Chromium
(Playwright; needs the ``browser`` extra and ``apt-get install chromium``). Writes
``docs/img/*.png``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

import storytrace
from storytrace.web import serve_in_background

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "img"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "examples.db"
        with storytrace.open(db) as corpus:
            corpus.ingest([REPO / "examples"])
            corpus.analyze()
            story = max(corpus.stories(), key=lambda s: len(s.article_ids))
            article = story.article_ids[0]
        with serve_in_background(db) as base, sync_playwright() as driver:
            browser = driver.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"]
            )
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            shots = {
                "stories.png": "/index.html",
                "story.png": f"/story-{story.id}.html",
                "statements.png": f"/story-{story.id}.html#statements",
                "article.png": f"/article-{article}.html",
                "outlets.png": "/outlets.html",
            }
            for name, path in shots.items():
                page.goto(base + path)
                page.screenshot(path=str(OUT / name), full_page=False)
                print(OUT / name)
            browser.close()


if __name__ == "__main__":
    main()
