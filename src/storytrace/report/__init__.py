"""Static HTML report: one folder of pages that open from the file system.

Jinja2 with autoescape on every template: article text is untrusted. Links are relative, the
stylesheet ships in the package, nothing is loaded from the network.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from ..model import Article, Family, Mention, Passage, Story
from ..reuse_diff import differences
from ..reuse_graph import UNKNOWN_OUTLET, heaviest_edges, outlet_graph, reused_share
from ..store import Store
from ..views import (
    StoryDetail,
    StoryFilter,
    display_value,
    evidence_sentence,
    story_detail,
    story_rows,
)
from .graph_svg import outlet_graph_svg

_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]")
# A name used as it is: lower case (no clash on case-insensitive file systems), no leading dot,
# short, and not ending like a hashed name (so no plain name can equal another's hashed one).
_PLAIN_NAME = re.compile(r"(?![.])[a-z0-9_.-]{1,80}")
_HASHED_TAIL = re.compile(r"-[0-9a-f]{12}$")
_NAME_CHARS = 60


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("storytrace.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date"] = lambda d: d.isoformat(timespec="minutes") if d else "unknown"
    env.filters["http_url"] = _http_url
    return env


def _http_url(url: str | None) -> str | None:
    """Only http(s) URLs from articles become links (no javascript:, data:, ...)."""
    if url and re.match(r"^https?://", url, re.IGNORECASE):
        return url
    return None


def page_name(kind: str, identifier: str) -> str:
    """The file name of an item's page, the same in the static report and the web UI.

    Ids are plain and kept as they are (``story-s1e31eddb.html``). Outlet names are free text:
    ``a/b`` and ``a_b``, ``BBC`` and ``bbc`` would share one cleaned-up name, and a long one
    would pass the file system's 255-byte limit; so any other name is cleaned, cut and given
    a hash of the whole name (``outlet-BBC_News-1f2e3d4c5b6a.html``): one page per outlet,
    inside the report's folder, never overwritten by another.
    """
    if _PLAIN_NAME.fullmatch(identifier) and not _HASHED_TAIL.search(identifier):
        return f"{kind}-{identifier}.html"
    digest = hashlib.sha256(identifier.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{kind}-{_SAFE_NAME.sub('_', identifier[:_NAME_CHARS])}-{digest}.html"


def highlight(
    text: str, spans: list[tuple[int, int, str]], links: dict[tuple[int, int], str] | None = None
) -> Markup:
    """Escape ``text`` and wrap the given (start, end, css class) spans in <mark>.

    A span with an entry in ``links`` also becomes a link there (a reused passage leads to its
    family's page).
    """
    out: list[str] = []
    cursor = 0
    for start, end, css in sorted(spans):
        if start < cursor:
            continue
        out.append(str(escape(text[cursor:start])))
        marked = f'<mark class="{escape(css)}">{escape(text[start:end])}</mark>'
        href = (links or {}).get((start, end))
        if href is not None:
            marked = f'<a href="{escape(href)}">{marked}</a>'
        out.append(marked)
        cursor = end
    out.append(str(escape(text[cursor:])))
    return Markup("".join(out))


def _article_spans(article: Article, families: list[Family]) -> list[tuple[int, int, str]]:
    return [
        (p.start, p.end, f"reuse {f.kind}")
        for f in families
        for p in f.passages
        if p.article_id == article.id
    ]


def _family_links(article: Article, families: list[Family]) -> dict[tuple[int, int], str]:
    return {
        (p.start, p.end): page_name("family", f.id)
        for f in families
        for p in f.passages
        if p.article_id == article.id
    }


def family_cells(family: Family, texts: dict[str, str]) -> list[tuple[Passage, Markup]]:
    """A family's passages, each with the words that differ from the reference marked.

    The reference (the origin when dates decide it, else the first passage) is shown plain.
    """
    shown = [p for p in family.passages if p.article_id in texts]
    if not shown:
        return []
    reference = next((p for p in shown if p.article_id == family.origin_article_id), shown[0])
    reference_text = texts[reference.article_id][reference.start : reference.end]
    cells = []
    for p in shown:
        text = texts[p.article_id][p.start : p.end]
        changed = [] if p == reference else differences(reference_text, text)[1]
        cells.append((p, highlight(text, [(s, e, "diff") for s, e in changed])))
    return cells


# The static report can only hold fixed pages: no scripts, no forms, nothing remote.
STATIC_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'"
)
# The live UI adds its search form (GET to itself); still no scripts and nothing remote.
# (frame-ancestors only works as an HTTP header, which the server adds; in a <meta> element
# browsers ignore it with a console error.)
LIVE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'"
)


# Reuse edges the outlets page draws and lists (the heaviest by characters); the export and
# the API's /api/graph hold them all.
OUTLET_PAGE_EDGES = 150
# Statements (who said what) shown on a story page; a story of thousands of articles has
# thousands, and the page stays readable and small. The API and the export keep them all.
STATEMENT_LIMIT = 300


class Pages:
    """The HTML pages of a store, rendered one at a time.

    The static report (:func:`write_report`) writes every page to a folder; the web UI
    (``storytrace.web``) renders the page asked for. Both use the same queries and templates,
    and the same file-style names (``story-<id>.html``), so links work in both.
    """

    def __init__(self, store: Store, *, live: bool = False) -> None:
        self.store = store
        self.live = live
        self.env = _environment()
        self._article_sources: dict[str, str | None] | None = None
        self.common: dict[str, Any] = {
            "page_name": page_name,
            "display_value": display_value,
            "family_cells": family_cells,
            "csp": LIVE_CSP if live else STATIC_CSP,
            "live": live,
        }

    def index(
        self, filters: StoryFilter | None = None, offset: int = 0, limit: int | None = None
    ) -> str:
        """The story list; the live UI shows it a page (``limit`` rows) at a time."""
        filters = filters or StoryFilter()
        rows = story_rows(self.store, filters)
        shown = rows[offset:] if limit is None else rows[offset : offset + limit]
        return self.env.get_template("index.html").render(
            stories=shown,
            total=len(rows),
            offset=offset,
            limit=limit,
            filters=filters,
            **self.common,
        )

    def outlets(self) -> str:
        sources = self._sources()
        edges = outlet_graph(self.store.families(), sources)
        outlet_articles = Counter(source or UNKNOWN_OUTLET for source in sources.values())
        # Hundreds of outlets make tens of thousands of edges: no one reads such a table or
        # picture, and rendering it took seconds, so the page shows the heaviest ones.
        shown = heaviest_edges(edges, OUTLET_PAGE_EDGES)
        return self.env.get_template("outlets.html").render(
            edges=shown,
            total_edges=len(edges),
            svg=outlet_graph_svg(shown, outlet_articles),
            **self.common,
        )

    def story(self, story_id: str) -> str | None:
        detail = story_detail(self.store, story_id)
        return None if detail is None else self.story_page(detail)

    def story_page(self, detail: StoryDetail) -> str:
        texts = {a.id: a.text for a in detail.articles}
        outlets = {a.id: a.source or UNKNOWN_OUTLET for a in detail.articles}
        spans = {
            article_id: [(s.start, s.end) for s in self.store.sentences(article_id)]
            for article_id in {
                *(m.article_id for f in detail.findings for v in f.values for m in v.evidence),
                *(m.article_id for st in detail.statements[:STATEMENT_LIMIT] for m in st.evidence),
            }
        }

        def evidence(mention: Mention) -> tuple[str, str, str]:
            text = texts.get(mention.article_id, "")
            return evidence_sentence(
                text, spans.get(mention.article_id, []), mention.start, mention.end
            )

        return self.env.get_template("story.html").render(
            detail=detail,
            texts=texts,
            outlets=outlets,
            evidence=evidence,
            statement_limit=STATEMENT_LIMIT,
            outlet_names=sorted(set(outlets.values())),
            **self.common,
        )

    def family(self, family_id: str) -> str | None:
        """One reuse family: its passages side by side, differences marked, and its origin."""
        family = self.store.family(family_id)
        if family is None:
            return None
        articles = {a.id: a for a in self.store.articles([p.article_id for p in family.passages])}
        return self.env.get_template("family.html").render(
            family=family,
            texts={i: a.text for i, a in articles.items()},
            articles=articles,
            outlets={i: a.source or UNKNOWN_OUTLET for i, a in articles.items()},
            **self.common,
        )

    def outlet(self, name: str) -> str | None:
        """One outlet: its articles, whom it took text from, who took from it, how much."""
        ids = sorted(
            i for i, source in self._sources().items() if (source or UNKNOWN_OUTLET) == name
        )
        if not ids:
            return None
        families = self.store.families(ids)
        involved = sorted({p.article_id for f in families for p in f.passages} | set(ids))
        by_id = {a.id: a for a in self.store.articles(involved)}
        articles = [by_id[i] for i in ids]
        edges = outlet_graph(families, {i: a.source for i, a in by_id.items()})
        links = self.store.links_touching(ids)
        shares = {a.id: reused_share(a, links[a.id], families, by_id) for a in articles}
        original = 1 - sum(shares.values()) / len(shares)
        return self.env.get_template("outlet.html").render(
            name=name,
            articles=sorted(articles, key=lambda a: (a.published is None, a.published, a.id)),
            shares=shares,
            original=original,
            took=[e for e in edges if e.to_source == name and e.from_source != name],
            gave=[e for e in edges if e.from_source == name and e.to_source != name],
            **self.common,
        )

    def _sources(self) -> dict[str, str | None]:
        """Every article's outlet, read once per Pages (a report writes hundreds of outlets)."""
        if self._article_sources is None:
            self._article_sources = self.store.article_sources()
        return self._article_sources

    def article(self, article_id: str) -> str | None:
        article = self.store.article(article_id)
        if article is None:
            return None
        families = self.store.families([article_id])
        story = self.store.story_of(article_id)
        return self._article_page(article, families, story)

    def _article_page(self, article: Article, families: list[Family], story: Story | None) -> str:
        body = highlight(
            article.text, _article_spans(article, families), _family_links(article, families)
        )
        return self.env.get_template("article.html").render(
            article=article, body=body, story=story, **self.common
        )


def stylesheet() -> bytes:
    """The report's CSS, shipped inside the package."""
    return (resources.files("storytrace.report") / "static" / "style.css").read_bytes()


def write_report(store: Store, out: Path) -> Path:
    """Write index.html, one page per story and per article; returns the index path."""
    out.mkdir(parents=True, exist_ok=True)
    pages = Pages(store)
    (out / "style.css").write_bytes(stylesheet())
    (out / "index.html").write_text(pages.index(), "utf-8")
    (out / "outlets.html").write_text(pages.outlets(), "utf-8")
    for name in sorted({source or UNKNOWN_OUTLET for source in pages._sources().values()}):
        page = pages.outlet(name)
        if page is not None:
            (out / page_name("outlet", name)).write_text(page, "utf-8")
    written_families: set[str] = set()
    for row in story_rows(store):
        detail = story_detail(store, row.story_id)
        if detail is None:
            continue
        (out / page_name("story", row.story_id)).write_text(pages.story_page(detail), "utf-8")
        families = list(detail.families)
        for family in families:
            if family.id not in written_families:
                written_families.add(family.id)
                family_page = pages.family(family.id)
                if family_page is not None:
                    (out / page_name("family", family.id)).write_text(family_page, "utf-8")
        for article in detail.articles:
            (out / page_name("article", article.id)).write_text(
                pages._article_page(article, families, detail.story), "utf-8"
            )
    return out / "index.html"
