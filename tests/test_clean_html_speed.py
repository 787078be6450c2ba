"""The HTML cleaner's shortcuts say the same as the slow paths they replace."""

from __future__ import annotations

import copy

import pytest
from trafilatura.metadata import extract_author as trafilatura_author

from storytrace.clean_html import extract, parse_html, strip_unread, visible_text
from storytrace.clean_html_meta import extract_author

AUTHOR_PAGES = [
    '<html><body><div class="author-name">Jane Doe</div><p>Text.</p></body></html>',
    '<html><body><span class="AuthorName">Max <b>Power</b></span></body></html>',
    '<html><body><p id="zuozhe-box">Li Wei</p></body></html>',
    '<html><body><div class="comments"><span class="author">Troll Person</span></div>'
    '<a rel="author" href="/a">Ann Writer</a></body></html>',
    '<html><body><div class="byline">By Sam Smith<time>May 1</time>, staff</div></body></html>',
    '<html><body><div data-component="Byline">Kim Lee</div></body></html>',
    '<html><body><h4 class="x-journalist-name">Ola Nord</h4></body></html>',
    '<html><body><div id="commentlist"><p class="writer">Nope Nope</p></div>'
    '<span class="screenname">Yes Person</span></body></html>',
    '<html><body><div class="sidebar-author">Side Bar</div><span class="Byline">'
    "Real Author<figure>caption</figure> Jr</span></body></html>",
    "<html><body><p>No author here at all.</p></body></html>",
    # Furniture inside the candidate goes, its tail stays; a candidate inside furniture goes.
    '<html><body><figure><span class="author">In Figure</span></figure><div class="author">'
    '<figure>Photo</figure>Jo Doe<span class="date">May 2</span> Sr<time>1</time></div>'
    "</body></html>",
    '<html><body><section class="sidebar"><a rel="author">Skipped Name</a></section>'
    '<p class="byline"><span class="print">x</span></p><span itemprop="author">Al Bo</span>'
    "</body></html>",
]


@pytest.mark.parametrize("html", AUTHOR_PAGES)
def test_author_queries_match_trafilatura(html: str) -> None:
    root = parse_html(html)
    assert extract_author(root) == trafilatura_author(root)


def test_strip_unread_keeps_text_tails_and_json_ld() -> None:
    root = parse_html(
        "<html><head><meta name='x' content='y'><style>p{}</style>"
        '<script type="application/ld+json">{"articleBody": "B"}</script></head><body>'
        "<p>One<script>var x;</script> two<svg><text>no</text></svg> three</p>"
        "<noscript>hidden</noscript>after</body></html>"
    )
    before = visible_text(root)
    strip_unread(root)
    assert visible_text(root) == before == "One two three\nafter"
    assert [s.get("type") for s in root.iter("script")] == ["application/ld+json"]
    assert not list(root.iter("style", "svg", "noscript", "meta"))


def test_stripped_tree_gives_trafilatura_the_same_body() -> None:
    paragraphs = "".join(
        f"<p>Paragraph {i} of the story, with enough words in it.</p>" for i in range(12)
    )
    html = (
        "<html><head><title>T</title><script>var a = 1;</script></head><body><nav>Home</nav>"
        f"<article>{paragraphs}<svg><path d='M0'/></svg></article>"
        "<footer>(c)</footer></body></html>"
    )
    root = parse_html(html)
    stripped = copy.deepcopy(root)
    strip_unread(stripped)
    plain, fast = extract(root, None), extract(stripped, None)
    assert plain is not None and fast is not None
    assert plain.text == fast.text
    assert "Paragraph 11" in fast.text
