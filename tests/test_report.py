"""Static report: pages exist, links are relative, untrusted text is inert."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from storytrace import report as report_module
from storytrace.model import OutletEdge
from storytrace.report import highlight, write_report
from storytrace.store import Store


def test_report_pages_are_written_with_relative_links(filled_store: Store, tmp_path: Path) -> None:
    index = write_report(filled_store, tmp_path / "report")
    pages = sorted(p.name for p in (tmp_path / "report").glob("*.html"))
    assert index.name == "index.html"
    assert "story-s1.html" in pages
    assert "article-aaaa000000000001.html" in pages
    assert {"family-fam1.html", "outlet-one.example.html", "outlet-two.example.html"} <= set(pages)
    for page in (tmp_path / "report").glob("*.html"):
        html = page.read_text("utf-8")
        for href in re.findall(r'(?:href|src)="([^"]*)"', html):
            assert not href.startswith(("/", "//")), href
            if not href.startswith("https://"):
                assert (tmp_path / "report" / href).exists(), href


def test_untrusted_text_is_escaped_everywhere(filled_store: Store, tmp_path: Path) -> None:
    write_report(filled_store, tmp_path / "report")
    for page in (tmp_path / "report").glob("*.html"):
        html = page.read_text("utf-8")
        assert "<script>" not in html
        assert "onerror=" not in html.replace("onerror=alert", "") or "<img" not in html
        assert "<img" not in html
        assert 'href="javascript:' not in html
    article = (tmp_path / "report" / "article-aaaa000000000001.html").read_text("utf-8")
    assert "&lt;script&gt;" in article
    assert "Content-Security-Policy" in article


def test_external_links_are_http_only_and_nofollow(filled_store: Store, tmp_path: Path) -> None:
    write_report(filled_store, tmp_path / "report")
    page = (tmp_path / "report" / "article-bbbb000000000002.html").read_text("utf-8")
    assert 'href="https://two.example/flood" rel="noopener noreferrer nofollow"' in page


def test_highlight_escapes_and_marks() -> None:
    html = highlight("a <b> c", [(2, 5, "reuse copy")])
    assert str(html) == 'a <mark class="reuse copy">&lt;b&gt;</mark> c'


def test_family_differences_are_marked() -> None:
    from storytrace.model import Family, Passage
    from storytrace.report import family_cells

    texts = {"a": "The ferry struck a sandbank.", "b": "The ferry hit a <sandbank>."}
    family = Family("f", "copy", (Passage("a", 0, 27), Passage("b", 0, 26)), "a")
    cells = family_cells(family, texts)
    assert str(cells[0][1]) == "The ferry struck a sandbank"
    assert str(cells[1][1]) == 'The ferry <mark class="diff">hit</mark> a &lt;sandbank&gt;'


def test_outlet_graph_svg_escapes_names_and_draws_every_edge() -> None:
    from storytrace.model import OutletEdge
    from storytrace.report.graph_svg import outlet_graph_svg

    edges = [OutletEdge("<b>wire</b>", "daily", 2, 300), OutletEdge("daily", "weekly", 1, 50)]
    svg = str(outlet_graph_svg(edges, {"<b>wire</b>": 3, "daily": 5}))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<line") == 2
    assert svg.count("<circle") == 3
    assert "<b>" not in svg and "&lt;b&gt;wire&lt;/b&gt;" in svg
    assert str(outlet_graph_svg([], {})) == ""


def test_outlets_page_shows_the_heaviest_edges_only(
    filled_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edges = [
        OutletEdge("a.example", "b.example", 1, 500),
        OutletEdge("c.example", "d.example", 1, 90),
        OutletEdge("e.example", "f.example", 1, 700),
    ]
    monkeypatch.setattr(report_module, "outlet_graph", lambda families, sources: edges)
    monkeypatch.setattr(report_module, "OUTLET_PAGE_EDGES", 2)
    write_report(filled_store, tmp_path / "report")
    page = (tmp_path / "report" / "outlets.html").read_text("utf-8")
    assert "The 2 heaviest of 3 outlet pairs" in page
    table = page[page.index("<tbody>") :]
    assert table.index("e.example") < table.index("a.example")  # heaviest first
    assert "c.example" not in page


def test_report_has_an_outlets_page(filled_store: Store, tmp_path: Path) -> None:
    write_report(filled_store, tmp_path / "report")
    page = (tmp_path / "report" / "outlets.html").read_text("utf-8")
    assert "<svg" in page
    assert "one.example" in page and "two.example" in page
