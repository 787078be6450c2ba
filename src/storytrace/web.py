"""``storytrace serve``: the report's pages, live, and a JSON API over the same store.

The pages are the static report's (``storytrace.report.Pages``) rendered on request, under the
same file-style names (``story-<id>.html``), so a link works the same in both; the live index
adds a search form. The API returns what the pages show, built from the same store queries and
the export's records (docs/export-schema.md), paginated where a list can grow with the corpus.
FastAPI writes the OpenAPI description (``/api/openapi.json``); its interactive docs pages are
off because they load scripts from a CDN, and nothing here may reach the network.

Each request opens the store read-only: SQLite connections are not shared across the server's
threads, and the UI can never change what it shows. Every response carries a strict
Content-Security-Policy (no scripts at all), ``nosniff`` and ``no-referrer``; article text
reaches HTML only through Jinja2's autoescape.
"""

# No ``from __future__ import annotations`` here: FastAPI reads the endpoints' annotations at
# run time, and the dependency aliases below are local to ``create_app``.
import re
import socket
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel, BeforeValidator

from . import __version__
from .errors import StorytraceError
from .export import (
    article_record,
    edge_record,
    family_record,
    finding_record,
    statement_record,
    story_record,
)
from .report import LIVE_CSP, Pages, page_name, stylesheet
from .reuse_graph import UNKNOWN_OUTLET, outlet_graph, reused_share
from .store import Store
from .views import SortKey, StoryFilter, story_detail, story_rows

MAX_PAGE = 500
PAGE_ROWS = 100  # stories per page of the live story list
_SECURITY_HEADERS = {
    "Content-Security-Policy": f"{LIVE_CSP}; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
# Bounded, so offset + limit always fits SQLite's 64-bit integers (schemathesis found a 500).
MAX_OFFSET = 10**12
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="items to skip")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="items to return")]
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day_only(value: object) -> object:
    """Refuse what pydantic would otherwise read as a date: a Unix time such as ``0``."""
    if isinstance(value, str) and value and not _ISO_DAY.fullmatch(value):
        raise ValueError("not a date (YYYY-MM-DD)")
    return value


# A date filter: a day, or "" for none (the page's form sends an empty field for "no date").
# Typed, so a bad date is FastAPI's own 422 and the OpenAPI description says what is accepted.
Day = Annotated[
    date | Literal[""] | None,
    BeforeValidator(_iso_day_only),
    Query(description="YYYY-MM-DD, or empty for none"),
]


class Problem(BaseModel):
    """The body of a 400 or 404 answer: what was wrong, in one line."""

    detail: str


# The answers besides 200 and FastAPI's 422 that an endpoint gives, for the OpenAPI description
# (schemathesis checks that every status an endpoint answers with is described).
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "no such item"}
}
_BAD_QUERY: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "not a valid full-text (FTS5) search"}
}


def _page(items: list[Any], offset: int, limit: int) -> dict[str, Any]:
    return {"total": len(items), "offset": offset, "limit": limit, "items": items[offset:][:limit]}


def create_app(db: str | Path) -> FastAPI:
    """The web application over the store at ``db`` (which must exist)."""
    path = Path(db)
    app = FastAPI(
        title="storytrace",
        version=__version__,
        description="Stories, copied passages and cross-source findings of a news corpus.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )

    def store() -> Iterator[Store]:
        # One snapshot per request: a page never mixes two commits of a running analyze.
        with Store(path, readonly=True) as opened, opened.snapshot():
            yield opened

    StoreDep = Annotated[Store, Depends(store)]

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers.update(_SECURITY_HEADERS)
        return response

    @app.exception_handler(StorytraceError)
    async def bad_request(request: Request, exc: StorytraceError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    def filters(
        q: str | None = None,
        outlet: str | None = None,
        since: Day = None,
        until: Day = None,
        min_size: Annotated[int, Query(ge=1)] = 1,
        sort: SortKey = "size",
    ) -> StoryFilter:
        return StoryFilter(
            since=since or None, until=until or None, outlet=outlet or None,
            query=q or None, min_size=min_size, sort=sort,
        )  # fmt: skip

    FilterDep = Annotated[StoryFilter, Depends(filters)]

    # -- JSON API ---------------------------------------------------------------------------

    @app.get("/api/stories", tags=["stories"], responses=_BAD_QUERY)
    def api_stories(s: StoreDep, f: FilterDep, offset: Offset = 0, limit: Limit = 50) -> Any:
        """Stories with size, outlets, dates and disagreements; the story list's filters."""
        rows = [
            {
                "id": r.story_id,
                "title": r.title,
                "articles": r.articles,
                "outlets": list(r.outlets),
                "first_seen": r.first_seen,
                "last_seen": r.last_seen,
                "disagreements": r.disagreements,
            }
            for r in story_rows(s, f)
        ]
        return _page(rows, offset, limit)

    @app.get("/api/stories/{story_id}", tags=["stories"], responses=_NOT_FOUND)
    def api_story(s: StoreDep, story_id: str) -> Any:
        """One story: its articles (timeline order), key names, findings, reuse families and
        statements (who said what: quotes and claims grouped, with independent sources)."""
        detail = story_detail(s, story_id)
        if detail is None:
            raise HTTPException(404, f"no story {story_id!r}")
        texts = {a.id: a.text for a in detail.articles}
        return {
            **story_record(detail.story),
            "articles": [
                {
                    "id": a.id,
                    "title": a.title,
                    "source": a.source,
                    "published": a.published.isoformat() if a.published else None,
                    "url": a.url,
                }
                for a in detail.articles
            ],
            "key_names": [
                {"name": name, "kind": kind, "articles": count}
                for name, kind, count in detail.key_names
            ],
            "findings": [finding_record(f, texts) for f in detail.findings],
            "reuse": [family_record(f, texts) for f in detail.families],
            "statements": [statement_record(st, texts) for st in detail.statements],
        }

    @app.get("/api/articles", tags=["articles"])
    def api_articles(
        s: StoreDep, outlet: str | None = None, offset: Offset = 0, limit: Limit = 50
    ) -> Any:
        """Article ids with their outlet (text-free; fetch one article for its text)."""
        sources = sorted(s.article_sources().items())
        if outlet:
            sources = [(i, o) for i, o in sources if outlet.casefold() in (o or "").casefold()]
        items = [{"id": i, "source": o} for i, o in sources]
        return _page(items, offset, limit)

    @app.get("/api/articles/{article_id}", tags=["articles"], responses=_NOT_FOUND)
    def api_article(s: StoreDep, article_id: str) -> Any:
        """One article: clean text, removed boilerplate, story, families, reused share."""
        article = s.article(article_id)
        if article is None:
            raise HTTPException(404, f"no article {article_id!r}")
        families = s.families([article_id])
        others = s.articles(sorted({p.article_id for f in families for p in f.passages}))
        by_id = {a.id: a for a in others} | {article.id: article}
        texts = {a.id: a.text for a in by_id.values()}
        story = s.story_of(article_id)
        return {
            **article_record(
                article, reused_share(article, s.links_of(article_id), families, by_id)
            ),
            "story_id": story.id if story else None,
            "reuse": [family_record(f, texts) for f in families],
        }

    @app.get("/api/findings", tags=["findings"])
    def api_findings(
        s: StoreDep,
        story_id: str | None = None,
        kind: str | None = Query(None, pattern="^(agree|disagree|variant)$"),
        offset: Offset = 0,
        limit: Limit = 50,
    ) -> Any:
        """Findings, disagreements first within a story, with evidence spans and their text."""
        found = [f for f in s.findings(story_id) if kind is None or f.kind == kind]
        shown = found[offset:][:limit]
        texts = {a.id: a.text for a in s.articles(_evidence_ids(shown))}
        return {
            "total": len(found),
            "offset": offset,
            "limit": limit,
            "items": [finding_record(f, texts) for f in shown],
        }

    @app.get("/api/families", tags=["reuse"])
    def api_families(
        s: StoreDep, article_id: str | None = None, offset: Offset = 0, limit: Limit = 50
    ) -> Any:
        """Reuse families (copied or quoted passages), all or those touching one article."""
        found = s.families(None if article_id is None else [article_id])
        shown = found[offset:][:limit]
        ids = sorted({p.article_id for f in shown for p in f.passages})
        texts = {a.id: a.text for a in s.articles(ids)}
        return {
            "total": len(found),
            "offset": offset,
            "limit": limit,
            "items": [family_record(f, texts) for f in shown],
        }

    @app.get("/api/outlets", tags=["reuse"])
    def api_outlets(s: StoreDep, offset: Offset = 0, limit: Limit = 50) -> Any:
        """Outlets with their article counts and the passages they took and gave."""
        sources = Counter((o or UNKNOWN_OUTLET) for o in s.article_sources().values())
        edges = _edges(s)
        took, gave = Counter[str](), Counter[str]()
        for edge in edges:
            took[edge.to_source] += edge.passages
            gave[edge.from_source] += edge.passages
        items = [
            {"outlet": name, "articles": count, "took": took[name], "gave": gave[name]}
            for name, count in sorted(sources.items(), key=lambda item: (-item[1], item[0]))
        ]
        return _page(items, offset, limit)

    @app.get("/api/graph", tags=["reuse"])
    def api_graph(s: StoreDep) -> Any:
        """The outlet reuse graph: from the outlet that published first to the one reusing."""
        return {"edges": [edge_record(e) for e in _edges(s)]}

    @app.get("/api/search", tags=["articles"], responses=_BAD_QUERY)
    def api_search(
        s: StoreDep, q: Annotated[str, Query(min_length=1)], offset: Offset = 0, limit: Limit = 50
    ) -> Any:
        """Articles matching an FTS5 query over titles and texts, best first."""
        try:
            ids = s.search(q, limit=offset + limit)
        except sqlite3.OperationalError as exc:
            raise HTTPException(400, f"not a valid search {q!r}: {exc}") from exc
        shown = s.articles(ids[offset:])
        order = {article_id: rank for rank, article_id in enumerate(ids)}
        items = [
            {"id": a.id, "title": a.title, "source": a.source, "story_id": _story_id(s, a.id)}
            for a in sorted(shown, key=lambda a: order[a.id])
        ]
        return {"offset": offset, "limit": limit, "items": items}

    # -- HTML pages -------------------------------------------------------------------------

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/index.html")

    @app.get("/index.html", response_class=HTMLResponse, include_in_schema=False)
    def page_index(s: StoreDep, f: FilterDep, offset: Offset = 0) -> str:
        return Pages(s, live=True).index(f, offset, PAGE_ROWS)

    @app.get("/outlets.html", response_class=HTMLResponse, include_in_schema=False)
    def page_outlets(s: StoreDep) -> str:
        return Pages(s, live=True).outlets()

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)  # browsers ask; an empty answer is not an error

    @app.get("/style.css", include_in_schema=False)
    def page_style() -> Response:
        return Response(stylesheet(), media_type="text/css")

    @app.get("/{name}.html", response_class=HTMLResponse, include_in_schema=False)
    def page_item(s: StoreDep, name: str) -> str:
        kind, _, identifier = name.partition("-")
        pages = Pages(s, live=True)
        page = None
        if kind == "story":
            page = pages.story(identifier)
        elif kind == "article":
            page = pages.article(identifier)
        elif kind == "family":
            page = pages.family(identifier)
        elif kind == "outlet":
            # Outlet names are free text; the page name is the sanitized one (page_name).
            names = {source or UNKNOWN_OUTLET for source in s.article_sources().values()}
            wanted = f"{name}.html"
            found = next((n for n in sorted(names) if page_name("outlet", n) == wanted), None)
            page = pages.outlet(found) if found is not None else None
        if page is None:
            raise HTTPException(404, f"no page {name}.html")
        return page

    return app


@contextmanager
def serve_in_background(db: str | Path, start_timeout: float = 20.0) -> Iterator[str]:
    """The app under uvicorn on a free 127.0.0.1 port, in a thread; yields its base URL.

    For the browser tests, bench/web.py and the README's screenshots: a real server (threads,
    sockets, headers as uvicorn sends them) without a second process. Stops on exit.
    """
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="error")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout
    try:
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError(f"the web server did not start within {start_timeout} s")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _edges(store: Store) -> list[Any]:
    return list(outlet_graph(store.families(), store.article_sources()))


def _evidence_ids(findings: list[Any]) -> list[str]:
    return sorted({m.article_id for f in findings for v in f.values for m in v.evidence})


def _story_id(store: Store, article_id: str) -> str | None:
    story = store.story_of(article_id)
    return story.id if story else None
