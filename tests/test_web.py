"""The web UI and JSON API, in process (no server): every endpoint, paging edges, bad input."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from storytrace.store import Store
from storytrace.web import MAX_PAGE, create_app

from .conftest import HOSTILE


@pytest.fixture
def client(filled_store: Store) -> Iterator[TestClient]:
    path = filled_store.path
    filled_store.close()
    with TestClient(create_app(path)) as test_client:
        yield test_client


def test_story_list_is_paginated_and_filtered(client: TestClient) -> None:
    page = client.get("/api/stories").json()
    assert page["total"] == 1 and page["offset"] == 0
    (story,) = page["items"]
    assert story["id"] == "s1" and story["articles"] == 2 and story["disagreements"] == 1
    assert story["outlets"] == ["one.example", "two.example"]
    assert client.get("/api/stories", params={"offset": 1}).json()["items"] == []
    assert client.get("/api/stories", params={"outlet": "two"}).json()["total"] == 1
    assert client.get("/api/stories", params={"outlet": "three"}).json()["total"] == 0
    assert client.get("/api/stories", params={"min_size": 3}).json()["total"] == 0
    assert client.get("/api/stories", params={"q": "council"}).json()["total"] == 1
    assert client.get("/api/stories", params={"since": "2022-01-01"}).json()["total"] == 0


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": MAX_PAGE + 1},
        {"offset": -1},
        {"sort": "nonsense"},
        {"since": "yesterday"},
        {"min_size": 0},
    ],
)
def test_bad_list_parameters_are_a_clear_4xx(client: TestClient, params: dict[str, object]) -> None:
    response = client.get("/api/stories", params=params)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_text_that_is_not_fts5_syntax_is_searched_as_words(client: TestClient) -> None:
    for path in ("/api/stories", "/api/search"):
        for q in ('"unbalanced', "0.1.0", "NEAR(", "*"):
            response = client.get(path, params={"q": q})
            assert response.status_code == 200, (path, q)
            assert response.json()["items"] == []


def test_story_article_and_missing_ones(client: TestClient) -> None:
    story = client.get("/api/stories/s1").json()
    assert [a["id"] for a in story["articles"]] == ["aaaa000000000001", "bbbb000000000002"]
    (finding,) = story["findings"]
    assert finding["kind"] == "disagree"
    assert [e["text"] for v in finding["values"] for e in v["evidence"]] == ["March", "April"]
    assert story["reuse"][0]["passages"][0]["text"] == HOSTILE
    (statement,) = story["statements"]
    assert statement["single_source"] and statement["independent_sources"] == 1
    assert statement["speaker"] == "The council"
    assert [e["text"] for e in statement["evidence"]] == [HOSTILE, HOSTILE]
    article = client.get("/api/articles/aaaa000000000001").json()
    assert article["story_id"] == "s1" and article["text"].startswith("=SUM(A1)")
    assert article["removed"][0]["reason"] == "widget"
    assert article["reused_share"] == 0  # the origin: it gave the passage, took nothing
    copier = client.get("/api/articles/bbbb000000000002").json()
    assert 0 < copier["reused_share"] <= 1
    assert client.get("/api/stories/nope").status_code == 404
    assert client.get("/api/articles/nope").status_code == 404


def test_lists_of_articles_findings_families_outlets_and_the_graph(client: TestClient) -> None:
    articles = client.get("/api/articles", params={"limit": 1}).json()
    assert articles["total"] == 2 and len(articles["items"]) == 1
    assert client.get("/api/articles", params={"outlet": "one"}).json()["total"] == 1
    findings = client.get("/api/findings", params={"story_id": "s1", "kind": "disagree"}).json()
    assert findings["total"] == 1
    assert client.get("/api/findings", params={"kind": "agree"}).json()["total"] == 0
    assert client.get("/api/findings", params={"kind": "maybe"}).status_code == 422
    families = client.get("/api/families", params={"article_id": "bbbb000000000002"}).json()
    assert families["items"][0]["origin_article_id"] == "aaaa000000000001"
    outlets = {o["outlet"]: o for o in client.get("/api/outlets").json()["items"]}
    assert outlets["one.example"]["gave"] == 1 and outlets["two.example"]["took"] == 1
    (edge,) = client.get("/api/graph").json()["edges"]
    assert (edge["from_source"], edge["to_source"]) == ("one.example", "two.example")
    found = client.get("/api/search", params={"q": "council"}).json()["items"]
    assert [(a["id"], a["story_id"]) for a in found] == [("aaaa000000000001", "s1")]
    assert client.get("/api/search").status_code == 422


def test_openapi_describes_the_api_and_no_page_loads_from_a_cdn(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    assert {"/api/stories", "/api/stories/{story_id}", "/api/search"} <= set(spec["paths"])
    assert client.get("/docs").status_code == 404  # FastAPI's docs page pulls scripts from a CDN


def test_pages_are_the_reports_pages_with_a_search_form(client: TestClient) -> None:
    assert client.get("/", follow_redirects=False).headers["location"] == "/index.html"
    index = client.get("/index.html", params={"q": "council"})
    assert index.status_code == 200 and 'role="search"' in index.text
    assert "story-s1.html" in index.text
    assert "story-s1.html" not in client.get("/index.html", params={"offset": 1}).text
    assert 'rel="next"' not in index.text  # one story: one page
    story = client.get("/story-s1.html")
    assert story.status_code == 200
    assert story.text.index("disagree") < story.text.index("Copied passages")
    assert client.get("/article-aaaa000000000001.html").status_code == 200
    assert client.get("/outlets.html").status_code == 200
    assert client.get("/style.css").headers["content-type"].startswith("text/css")
    assert client.get("/family-fam1.html").status_code == 200
    outlet = client.get("/outlet-two.example.html")
    assert outlet.status_code == 200 and "one.example" in outlet.text  # it took from one.example
    assert client.get("/outlet-nobody.html").status_code == 404
    assert client.get("/story-nope.html").status_code == 404
    assert client.get("/nothing-here.html").status_code == 404


def test_untrusted_text_is_inert_and_headers_are_strict(client: TestClient) -> None:
    for path in ("/index.html", "/story-s1.html", "/article-aaaa000000000001.html"):
        response = client.get(path)
        assert "<script>" not in response.text and "<img" not in response.text, path
        assert "&lt;script&gt;" in response.text, path
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"
    article = client.get("/article-aaaa000000000001.html").text
    assert 'href="javascript:' not in article
