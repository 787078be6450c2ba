"""Static HTML report: one folder of pages that open from the file system.

Jinja2 with autoescape on every template: article text is untrusted. Links are relative, the
stylesheet ships in the package, nothing is loaded from the network.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from ..model import Article, Family, Passage
from ..reuse_diff import differences
from ..reuse_graph import UNKNOWN_OUTLET, outlet_graph
from ..store import Store
from ..views import display_value, story_detail, story_rows
from .graph_svg import outlet_graph_svg

_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]")


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
    return f"{kind}-{_SAFE_NAME.sub('_', identifier)}.html"


def highlight(text: str, spans: list[tuple[int, int, str]]) -> Markup:
    """Escape ``text`` and wrap the given (start, end, css class) spans in <mark>."""
    out: list[str] = []
    cursor = 0
    for start, end, css in sorted(spans):
        if start < cursor:
            continue
        out.append(str(escape(text[cursor:start])))
        out.append(f'<mark class="{escape(css)}">{escape(text[start:end])}</mark>')
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


def write_report(store: Store, out: Path) -> Path:
    """Write index.html, one page per story and per article; returns the index path."""
    out.mkdir(parents=True, exist_ok=True)
    env = _environment()
    static = resources.files("storytrace.report") / "static" / "style.css"
    with resources.as_file(static) as css:
        shutil.copyfile(css, out / "style.css")
    rows = story_rows(store)
    common: dict[str, Any] = {
        "page_name": page_name,
        "display_value": display_value,
        "family_cells": family_cells,
    }
    (out / "index.html").write_text(
        env.get_template("index.html").render(stories=rows, **common), "utf-8"
    )
    all_articles = store.articles()
    by_id = {a.id: a for a in all_articles}
    edges = outlet_graph(store.families(), by_id)
    outlet_articles = Counter(a.source or UNKNOWN_OUTLET for a in all_articles)
    (out / "outlets.html").write_text(
        env.get_template("outlets.html").render(
            edges=edges, svg=outlet_graph_svg(edges, outlet_articles), **common
        ),
        "utf-8",
    )
    for row in rows:
        detail = story_detail(store, row.story_id)
        if detail is None:
            continue
        texts = {a.id: a.text for a in detail.articles}
        outlets = {a.id: a.source or "unknown outlet" for a in detail.articles}
        (out / page_name("story", row.story_id)).write_text(
            env.get_template("story.html").render(
                detail=detail, texts=texts, outlets=outlets, row=row, **common
            ),
            "utf-8",
        )
        families = list(detail.families)
        for article in detail.articles:
            body = highlight(article.text, _article_spans(article, families))
            (out / page_name("article", article.id)).write_text(
                env.get_template("article.html").render(
                    article=article, body=body, story=detail.story, **common
                ),
                "utf-8",
            )
    return out / "index.html"
