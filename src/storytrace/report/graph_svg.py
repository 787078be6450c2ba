"""The outlet reuse graph as a static SVG: who reused whose text, readable without JavaScript.

Outlets sit on a circle (sorted by name, so the picture is the same on every run); a node's
area grows with the outlet's articles, an arrow's width with the characters reused along it,
and arrows point from the outlet that published first to the one that reused the text.
Labels are escaped: outlet names come from untrusted input.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

from ..model import OutletEdge

WIDTH, HEIGHT = 900, 600
_CENTRE_X, _CENTRE_Y = WIDTH / 2, HEIGHT / 2
_RADIUS = HEIGHT / 2 - 60  # room left and right for the labels


def _positions(outlets: Sequence[str]) -> dict[str, tuple[float, float]]:
    count = max(len(outlets), 1)
    return {
        name: (
            _CENTRE_X + _RADIUS * math.cos(2 * math.pi * i / count - math.pi / 2),
            _CENTRE_Y + _RADIUS * math.sin(2 * math.pi * i / count - math.pi / 2),
        )
        for i, name in enumerate(outlets)
    }


def _node_radius(articles: int, most: int) -> float:
    return 6 + 18 * math.sqrt(articles / most) if most else 6


def outlet_graph_svg(edges: Sequence[OutletEdge], articles: Mapping[str, int]) -> Markup:
    """An SVG element for the graph; outlets without any reuse edge are left out."""
    outlets = sorted({e.from_source for e in edges} | {e.to_source for e in edges})
    if not outlets:
        return Markup("")
    at = _positions(outlets)
    most_articles = max((articles.get(o, 1) for o in outlets), default=1)
    most_chars = max(e.characters for e in edges)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        'aria-labelledby="graph-title" class="outlet-graph">',
        '<title id="graph-title">Outlet reuse graph: arrows point from the outlet that '
        "published a passage first to the outlet that reused it</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="12" '
        'markerHeight="12" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" fill="#0b5cad"/></marker></defs>',
    ]
    for edge in sorted(edges, key=lambda e: (e.from_source, e.to_source)):
        (x1, y1), (x2, y2) = at[edge.from_source], at[edge.to_source]
        r2 = _node_radius(articles.get(edge.to_source, 1), most_articles)
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        # stop the arrow at the target node's rim
        x2e, y2e = x2 - (x2 - x1) * (r2 + 2) / length, y2 - (y2 - y1) * (r2 + 2) / length
        width = 1 + 7 * edge.characters / most_chars
        label = escape(
            f"{edge.from_source} → {edge.to_source}: {edge.passages} passage(s), "
            f"{edge.characters} characters"
        )
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2e:.1f}" y2="{y2e:.1f}" '
            f'stroke="#0b5cad" stroke-opacity="0.6" stroke-width="{width:.1f}" '
            f'marker-end="url(#arrow)"><title>{label}</title></line>'
        )
    for name in outlets:
        x, y = at[name]
        radius = _node_radius(articles.get(name, 1), most_articles)
        anchor = "start" if x >= _CENTRE_X - 1 else "end"
        dx = radius + 4 if x >= _CENTRE_X - 1 else -radius - 4
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="#ffbf47" stroke="#1b1b1b">'
            f"<title>{escape(name)}: {articles.get(name, 0)} article(s)</title></circle>"
            f'<text x="{x + dx:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}" font-size="13">'
            f"{escape(name)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
