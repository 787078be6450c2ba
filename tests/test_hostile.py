"""Hostile text (issue 11, item 5): every payload of tests/data/hostile/ comes out inert.

The corpus (tests/data/hostile/corpus.py) puts XSS, template, Rich-markup, terminal-escape, SQL,
bidi/zero-width, NUL, CSV-formula and path payloads into titles, bodies, authors, URLs, outlet
names, file names and JSONL fields; the real CLI ingests and analyses it once per module. Each
test then reads one output the way its consumer would: the terminal (ANSI sequences decoded),
the browser (HTML parsed, links resolved), spreadsheets (formula prefixes), Parquet (exact
strings). A test asserts both that nothing is live and that the payload did arrive, so a stage
dropping the payloads cannot make the test pass by itself.

The grep-level SQL test and the path-traversal tests need no corpus and run by default; the
corpus tests take ~30 s and are marked slow.
"""

from __future__ import annotations

import ast
import asyncio
import csv
import functools
import importlib.util
import json
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import unquote, urlsplit

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from storytrace.cli import app, terminal_safe
from storytrace.export import export_tables
from storytrace.model import Article
from storytrace.report import page_name
from storytrace.store import Store
from storytrace.web import create_app

from .conftest import REPO

HOSTILE_DIR = Path(__file__).resolve().parent / "data" / "hostile"


def _load_corpus_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("hostile_corpus", HOSTILE_DIR / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["hostile_corpus"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


hostile_corpus = _load_corpus_module()
PAYLOADS = hostile_corpus.payloads()
runner = CliRunner()
# Wide, and colours on: Rich then writes its own styles as escape sequences, as in a real
# terminal, and any markup it wrongly interpreted from the data would show up as one.
CLI_ENV = {"COLUMNS": "4000", "FORCE_COLOR": "1", "NO_COLOR": "", "TERM": "xterm-256color"}


@dataclass(frozen=True)
class Analysed:
    db: Path
    corpus: Path
    run_out: str
    run_err: str


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> Analysed:
    """The hostile corpus through ``storytrace run`` (ingest + analyze), once per module."""
    folder = tmp_path_factory.mktemp("hostile")
    corpus = folder / "corpus"
    hostile_corpus.write_corpus(corpus)
    db = folder / "hostile.db"
    result = runner.invoke(app, ["run", str(corpus), "--db", str(db)], env=CLI_ENV)
    assert result.exit_code == 0, result.stderr
    return Analysed(db, corpus, result.stdout, result.stderr)


@pytest.fixture(scope="module")
def articles(analysed: Analysed) -> list[Article]:
    with Store(analysed.db, readonly=True) as store:
        return store.articles()


def _first_record(by_url: dict[str | None, Article], index: int) -> Article:
    """The article of a payload's first JSONL record (payload as outlet, author, title...)."""
    return by_url[f"https://outlet-one.example/{index}"]


def _cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=CLI_ENV)
    return result.exit_code, result.stdout, result.stderr


# -- the corpus arrived ---------------------------------------------------------------------


@pytest.mark.slow
def test_every_payload_reaches_the_store_in_every_field(
    analysed: Analysed, articles: list[Article]
) -> None:
    """Otherwise the tests below would prove nothing: the payloads must be there to render."""
    assert not analysed.run_err.strip(), analysed.run_err
    by_url = {a.url: a for a in articles}
    for index, p in enumerate(PAYLOADS):
        first = _first_record(by_url, index)
        # The readers normalise whitespace in metadata (clean_field), the cleaner line breaks
        # in the text; nothing else is changed.
        value = " ".join(p.value.split())
        story_title = hostile_corpus.STORY_TITLES[index % len(hostile_corpus.STORY_TITLES)]
        assert first.title == f"{story_title} {value}", p.name
        assert (first.author, first.source, first.external_id) == (value, value, value), p.name
        sentence = " ".join(f"A witness said {p.value} was".split())
        assert sentence in " ".join(first.text.split()), p.name
    huge = next(a for a in articles if a.external_id == "huge")
    assert hostile_corpus.huge_token() in huge.text
    origins = {a.origin for a in articles}
    assert any("\x1b[31m" in origin for origin in origins)  # the hostile file name
    assert any(a.format == "html" for a in articles)


# -- terminal ---------------------------------------------------------------------------------

_SGR = re.compile(r"\x1b\[[0-9;]*m")  # the colour/style sequences Rich itself writes
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def assert_terminal_inert(output: str, where: str) -> None:
    """Only Rich's own SGR styles; no other escape, control, bidi or invisible character
    (tab and line feed are layout)."""
    assert "\x1b]" not in output, f"{where}: an OSC sequence (hyperlink, title) got through"
    plain = _SGR.sub("", output)
    bad = sorted(
        {f"U+{ord(ch):04X}" for ch in plain if ch not in "\t\n" and _unsafe_in_terminal(ch)}
    )
    assert not bad, f"{where}: raw control/format characters {bad}"


def _unsafe_in_terminal(ch: str) -> bool:
    return unicodedata.category(ch) in _UNSAFE_CATEGORIES


@given(st.text())
def test_terminal_safe_leaves_nothing_a_terminal_acts_on(text: str) -> None:
    shown = terminal_safe(text)
    assert not any(_unsafe_in_terminal(ch) for ch in shown if ch not in "\t\n")
    # Printable text goes through unchanged (only what a terminal acts on is dropped).
    printable = "".join(ch for ch in text if not _unsafe_in_terminal(ch))
    assert terminal_safe(printable) == printable


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: p.name)
def test_terminal_safe_neutralises_each_payload(payload: Any) -> None:
    shown = terminal_safe(payload.value)
    assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown
    assert_terminal_inert(shown.replace("\t", " "), payload.name)


@pytest.mark.slow
def test_cli_stories_show_and_reuse_print_payloads_literally_and_inert(
    analysed: Analysed, articles: list[Article]
) -> None:
    assert_terminal_inert(analysed.run_out, "run")
    code, out, err = _cli("stories", "--db", str(analysed.db), "--limit", "1000")
    assert code == 0, err
    assert_terminal_inert(out, "stories")
    with Store(analysed.db, readonly=True) as store:
        story_ids = [s.id for s in store.stories()]
    assert len(story_ids) >= 3
    for story_id in story_ids:
        code, out, err = _cli("show", story_id, "--db", str(analysed.db))
        assert code == 0, err
        assert_terminal_inert(out, f"show {story_id}")
    by_url = {a.url: a for a in articles}
    for index, p in enumerate(PAYLOADS):
        article = _first_record(by_url, index)
        code, out, err = _cli("reuse", article.id, "--db", str(analysed.db))
        assert code == 0, err
        assert_terminal_inert(out, f"reuse ({p.name})")
        # The title is printed as it is, less what a terminal would act on: Rich markup such
        # as [link=file:///etc/passwd] stays text (interpreted, it would vanish or link).
        assert terminal_safe(article.title) in _SGR.sub("", out), p.name


@pytest.mark.slow
def test_cli_errors_about_hostile_input_are_one_inert_line(analysed: Analysed) -> None:
    for p in PAYLOADS:
        # After "--": a payload such as "-2+3" is an argument, not an unknown option.
        code, _, err = _cli("show", "--db", str(analysed.db), "--", p.value)
        assert code == 1
        assert err.count("\n") == 1 and err.startswith("error: "), (p.name, err)
        assert_terminal_inert(err, f"show error ({p.name})")


# -- HTML (web UI and static report) ---------------------------------------------------------

# Every element the templates and the SVG graph write; an element from the data is a failure.
_ALLOWED_TAGS = frozenset(
    {"html", "head", "meta", "title", "link", "body", "header", "nav", "main", "a", "h1", "h2"}
    | {"h3", "p", "dl", "dt", "dd", "article", "details", "summary", "ul", "ol", "li", "span"}
    | {"mark", "table", "thead", "tbody", "tr", "th", "td", "form", "label", "input", "select"}
    | {"option", "button", "section", "small", "strong", "blockquote", "cite", "div", "figure"}
    | {"svg", "defs", "marker", "path", "line", "circle", "text", "time"}
)
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster"})
_PAGE_LINK = re.compile(
    r"(?:index|outlets)\.html(?:\?[^#]*)?|[a-z]+-[A-Za-z0-9_.-]+\.html|style\.css"
)


class _Elements(HTMLParser):
    """Elements with their attributes, and the text of each h1, as a browser parses them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.h1: list[str] = []
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))
        if tag == "h1":
            self._in_h1 = True
            self.h1.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1[-1] += data


def assert_html_inert(html: str, where: str) -> _Elements:
    """No element, attribute or URL from the data: only what the templates write."""
    raw_tags = {t.lower() for t in re.findall(r"<\s*/?\s*([A-Za-z][A-Za-z0-9:-]*)", html)}
    assert raw_tags <= _ALLOWED_TAGS, f"{where}: unexpected elements {raw_tags - _ALLOWED_TAGS}"
    parsed = _Elements()
    parsed.feed(html)
    parsed.close()
    csp = 0
    for tag, attrs in parsed.elements:
        assert tag in _ALLOWED_TAGS, f"{where}: <{tag}>"
        for name, value in attrs:
            assert not name.startswith("on"), f"{where}: event handler {name}= on <{tag}>"
            assert name != "style", f"{where}: inline style on <{tag}>"
            if name in _URL_ATTRIBUTES:
                assert value is not None and _safe_link(value), f"{where}: {name}={value!r}"
        if tag == "meta" and dict(attrs).get("http-equiv"):
            assert dict(attrs)["http-equiv"] == "Content-Security-Policy", where
            assert "default-src 'none'" in (dict(attrs).get("content") or ""), where
            csp += 1
    assert csp == 1, f"{where}: {csp} CSP meta elements"
    return parsed


def _safe_link(url: str) -> bool:
    """A page of the report/UI by its safe file name, or an http(s) URL with a host."""
    if _PAGE_LINK.fullmatch(url):
        return True
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and url == url.strip()


def _titles(articles: list[Article]) -> dict[str, str]:
    return {a.id: a.title or a.id for a in articles}


@pytest.fixture(scope="module")
def client(analysed: Analysed) -> Iterator[TestClient]:
    with TestClient(create_app(analysed.db)) as test_client:
        yield test_client


def _assert_strict_headers(response: Any, where: str) -> None:
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp, where
    assert "frame-ancestors 'none'" in csp, where
    assert response.headers["x-content-type-options"] == "nosniff", where


@pytest.mark.slow
def test_every_web_page_is_inert(client: TestClient, articles: list[Article]) -> None:
    """Crawl the UI from the index, following every link: each page parses to template-only
    elements, and each article page shows its hostile title as text, exactly."""
    titles = _titles(articles)
    seen: set[str] = set()
    todo = ["index.html"]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        response = client.get("/" + path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html"), path
        _assert_strict_headers(response, path)
        parsed = assert_html_inert(response.text, path)
        if path.startswith("article-"):
            assert parsed.h1 == [titles[path.removeprefix("article-").removesuffix(".html")]]
        for _, attrs in parsed.elements:
            href = dict(attrs).get("href")
            if href and not urlsplit(href).scheme and href != "style.css":
                todo.append(href)
    pages = {p.split("-")[0] for p in seen}
    assert {"story", "article", "family", "outlet"} <= pages
    assert sum(p.startswith("article-") for p in seen) == len(articles)
    # Every outlet has a page of its own, even those whose names clean up the same way.
    outlets = {a.source for a in articles}
    assert sum(p.startswith("outlet-") for p in seen) == len(outlets)


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


@pytest.mark.slow
@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: p.name)
def test_reflected_parameters_are_inert(client: TestClient, payload: Any) -> None:
    """Search words and outlet filters come back in the form: as attribute values only."""
    response = client.get("/index.html", params={"q": payload.value, "outlet": payload.value})
    assert response.status_code in (200, 400), response.text
    _assert_strict_headers(response, payload.name)
    if response.status_code == 200:
        parsed = assert_html_inert(response.text, payload.name)
        inputs = {
            dict(a).get("name"): dict(a).get("value") for t, a in parsed.elements if t == "input"
        }
        # Compared as a browser reads the page: its input stream turns CR and CRLF into LF
        # (html.parser, which reads the page here, does not).
        assert _newlines(inputs["outlet"] or "") == _newlines(payload.value)
    else:
        assert response.headers["content-type"] == "application/json"
    for path in ("/api/search", "/api/stories"):
        answer = client.get(path, params={"q": payload.value})
        assert answer.status_code in (200, 400), (path, answer.text)
        assert answer.headers["content-type"] == "application/json", path


@pytest.mark.slow
def test_json_api_returns_hostile_text_as_exact_json_data(
    client: TestClient, articles: list[Article]
) -> None:
    """JSON is data, not markup: strings come back exactly (no HTML escaping to double up),
    served as application/json with nosniff, so no browser renders them."""
    paths = ["/api/stories?limit=500", "/api/articles?limit=500", "/api/findings?limit=500"]
    paths += ["/api/families?limit=500", "/api/outlets?limit=500", "/api/graph"]
    stories = client.get("/api/stories", params={"limit": 500}).json()["items"]
    paths += [f"/api/stories/{s['id']}" for s in stories]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"] == "application/json", path
        _assert_strict_headers(response, path)
        json.loads(response.text, parse_constant=_no_constant)
    for article in articles:
        record = client.get(f"/api/articles/{article.id}").json()
        assert (record["title"], record["author"], record["source"], record["url"]) == (
            article.title,
            article.author,
            article.source,
            article.url,
        )
    outlets = {o["outlet"] for o in client.get("/api/outlets?limit=500").json()["items"]}
    assert {p.value for p in PAYLOADS if p.kind == "html"} <= outlets


def _no_constant(name: str) -> None:
    raise AssertionError(f"JSON has {name}, which is not JSON")


@pytest.mark.slow
def test_static_report_is_inert_and_stays_in_its_folder(
    analysed: Analysed, articles: list[Article], tmp_path: Path
) -> None:
    out = tmp_path / "site" / "report"
    code, _, err = _cli("report", "--db", str(analysed.db), "--out", str(out))
    assert code == 0, err
    assert [p for p in tmp_path.rglob("*") if out not in (p, *p.parents)] == [tmp_path / "site"]
    titles = _titles(articles)
    pages = sorted(out.glob("*.html"))
    for page in pages:
        parsed = assert_html_inert(page.read_text("utf-8"), page.name)
        if page.name.startswith("article-"):
            assert parsed.h1 == [titles[page.stem.removeprefix("article-")]], page.name
        for _, attrs in parsed.elements:
            href = dict(attrs).get("href") or ""
            if href and not urlsplit(href).scheme:
                assert (out / href).is_file(), f"{page.name}: broken link {href}"
    assert sum(p.name.startswith("article-") for p in pages) == len(articles)
    assert sum(p.name.startswith("outlet-") for p in pages) == len({a.source for a in articles})
    assert all(len(p.name.encode()) <= 255 for p in pages)


# -- exports ----------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.slow
def test_exports_json_exact_csv_formula_safe_parquet_exact(
    analysed: Analysed, articles: list[Article], tmp_path: Path
) -> None:
    db = str(analysed.db)
    for fmt, out in (("json", "e.json"), ("csv", "csv"), ("parquet", "pq")):
        code, _, err = _cli("export", "--db", db, "--format", fmt, "--out", str(tmp_path / out))
        assert code == 0, err
    document = json.loads((tmp_path / "e.json").read_text("utf-8"), parse_constant=_no_constant)
    exported = {a["id"]: a for a in document["articles"]}
    for article in articles:
        record = exported[article.id]
        assert (record["title"], record["author"], record["source"], record["text"]) == (
            article.title,
            article.author,
            article.source,
            article.text,
        )
    tables = export_tables(document)
    csv.field_size_limit(2**31 - 1)  # the 1 MB token is one cell (Python's default: 128 KiB)
    neutralised = 0
    for name, rows in tables.items():
        with (tmp_path / "csv" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            read = list(csv.DictReader(handle))
        assert len(read) == len(rows), name
        for row, cells in zip(rows, read, strict=True):
            for column, value in row.items():
                if not isinstance(value, str):
                    continue
                cell = cells[column]
                # No cell a spreadsheet would run; prefixed with ' and otherwise unchanged.
                assert not cell.startswith(_FORMULA_START), (name, column, cell[:40])
                if value.startswith(_FORMULA_START):
                    assert cell == "'" + value, (name, column)
                    neutralised += 1
                else:
                    assert cell == value, (name, column)
        table = pq.read_table(tmp_path / "pq" / f"{name}.parquet").to_pylist()
        assert table == rows, f"{name}.parquet differs from the export's rows"
    assert neutralised >= 6 * len([p for p in PAYLOADS if p.kind == "csv"]) // 2


# -- SQL: values are always bound -------------------------------------------------------------

_EXECUTE = frozenset({"execute", "executemany", "executescript"})


@dataclass
class _SqlFinding:
    where: str
    sql: str


def _sql_fragments(
    tree: ast.AST,
) -> Iterator[tuple[ast.Call, ast.FunctionDef | ast.AsyncFunctionDef]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for call in ast.walk(node):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and call.func.attr in _EXECUTE
                    and call.args
                ):
                    yield call, node


def _safe_names(function: ast.AST) -> set[str]:
    """Names in ``function`` that can only hold SQL text the code wrote, never a value.

    * ``marks = ",".join("?" * n)``: placeholders;
    * ``for table in ("a", "b")``: identifiers from constants;
    * names assigned (or unpacked) from string constants and f-strings of safe names only.
    """
    safe: set[str] = set()
    changed = True
    while changed:
        changed = False
        for node in ast.walk(function):
            targets: list[tuple[ast.expr, ast.expr]] = []
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                targets.append((node.targets[0], node.value))
            elif isinstance(node, ast.For) and (
                _is_str_constants(node.iter) or _from_constants(node.iter, safe)
            ):
                for name_node in ast.walk(node.target):
                    if isinstance(name_node, ast.Name):
                        targets.append((name_node, ast.Constant("identifier")))
            for target, value in targets:
                for name, part in _unpack(target, value):
                    if name not in safe and (
                        _is_placeholders(part)
                        or _is_safe_sql(part, safe)
                        or _from_constants(part, safe)
                    ):
                        safe.add(name)
                        changed = True
    return safe


def _is_str_constants(node: ast.expr) -> bool:
    return isinstance(node, ast.Tuple | ast.List) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
    )


_BUILTINS = frozenset({"enumerate", "len", "range", "sorted", "str"})
# Functions of src/ that only take SQL text apart (like ``str.split``), adding none of their own:
# schema.statements cuts a migration into its statements.
_SQL_SPLITTERS = frozenset({"statements"})


def _from_constants(node: ast.expr, safe: set[str]) -> bool:
    """Text taken apart from SQL constants (``for s in MIGRATIONS[v:]``, ``s.split(";")``):
    every name in it is safe, a module's SQL constant, a builtin, a comprehension variable, or
    only picks an item (an index), and at least one name is a constant or safe."""
    bound = {
        n.id
        for comp in ast.walk(node)
        if isinstance(comp, ast.comprehension)
        for n in ast.walk(comp.target)
        if isinstance(n, ast.Name)
    }
    index = {
        n.id
        for sub in ast.walk(node)
        if isinstance(sub, ast.Subscript)
        for n in ast.walk(sub.slice)
        if isinstance(n, ast.Name)
    }
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    sources = safe | _sql_constants()
    return bool(names & sources) and names <= sources | bound | index | _BUILTINS | _SQL_SPLITTERS


@functools.cache
def _sql_constants() -> frozenset[str]:
    """Module-level UPPER_CASE names in src/ bound to a string or a tuple of strings."""
    found = set()
    for path in (REPO / "src" / "storytrace").rglob("*.py"):
        for node in ast.parse(path.read_text("utf-8")).body:
            target, value = None, None
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign):
                target, value = node.target, node.value
            if (
                isinstance(target, ast.Name)
                and re.fullmatch(r"_?[A-Z][A-Z0-9_]*", target.id)
                and value is not None
                and (
                    (isinstance(value, ast.Constant) and isinstance(value.value, str))
                    or _is_str_constants(value)
                )
            ):
                found.add(target.id)
    return frozenset(found)


def _unpack(target: ast.expr, value: ast.expr) -> Iterator[tuple[str, ast.expr]]:
    if isinstance(target, ast.Name):
        yield target.id, value
    elif isinstance(target, ast.Tuple):
        if isinstance(value, ast.Tuple) and len(value.elts) == len(target.elts):
            for t, v in zip(target.elts, value.elts, strict=True):
                yield from _unpack(t, v)
        elif isinstance(value, ast.IfExp):
            for t_index, t in enumerate(target.elts):
                branches = [
                    b.elts[t_index] if isinstance(b, ast.Tuple) else None
                    for b in (value.body, value.orelse)
                ]
                if all(b is not None for b in branches) and isinstance(t, ast.Name):
                    yield t.id, ast.IfExp(value.test, branches[0], branches[1])  # type: ignore[arg-type]


def _is_placeholders(node: ast.expr) -> bool:
    """``",".join("?" * n)`` or ``", ".join("?" for ...)``: question marks and commas only."""
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "join"
        and isinstance(node.func.value, ast.Constant)
        and set(str(node.func.value.value)) <= {",", " "}
        and len(node.args) == 1
    ):
        return False
    constants = [
        n.value
        for n in ast.walk(node.args[0])
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]
    return bool(constants) and all(set(c) <= {"?", ",", " "} for c in constants)


def _is_safe_sql(node: ast.expr, safe: set[str]) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Name):
        return node.id in safe or node.id in _sql_constants()
    if isinstance(node, ast.IfExp):
        return _is_safe_sql(node.body, safe) and _is_safe_sql(node.orelse, safe)
    if isinstance(node, ast.JoinedStr):
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                spec = part.format_spec
                as_int = (
                    isinstance(spec, ast.JoinedStr)
                    and len(spec.values) == 1
                    and isinstance(spec.values[0], ast.Constant)
                    and spec.values[0].value == "d"
                )
                # {n:d} can only be digits (an int, e.g. PRAGMA user_version, which cannot be
                # bound); anything else must be SQL text the code wrote.
                if not as_int and not _is_safe_sql(part.value, safe):
                    return False
        return True
    return False


def _unsafe_sql(path: Path) -> list[_SqlFinding]:
    tree = ast.parse(path.read_text("utf-8"))
    found = []
    for call, function in _sql_fragments(tree):
        safe = _safe_names(function)
        # Parameters that carry SQL fragments into private helpers: the callers are checked.
        if function.name.startswith("_"):
            safe |= {a.arg for a in function.args.args if a.arg in _FRAGMENT_PARAMETERS}
        sql = call.args[0]
        if not _is_safe_sql(sql, safe):
            where = f"{path.relative_to(REPO)}:{call.lineno}"
            found.append(_SqlFinding(where, ast.unparse(sql)[:80]))
    return found


# Private helpers taking a WHERE clause the caller wrote (store.Store._links); every call to
# them is itself checked below, so a value can only reach them bound.
_FRAGMENT_PARAMETERS = frozenset({"where"})


def _fragment_calls(path: Path) -> list[_SqlFinding]:
    """Calls that pass a ``where`` fragment: it must be safe SQL in the calling function."""
    tree = ast.parse(path.read_text("utf-8"))
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef):
            continue
        safe = _safe_names(function)
        for call in ast.walk(function):
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "_links"
                and call.args
                and not _is_safe_sql(call.args[0], safe)
            ):
                found.append(_SqlFinding(f"{path.relative_to(REPO)}:{call.lineno}", "_links"))
    return found


def test_sql_binds_every_value() -> None:
    """No SQL in src/ is built from values: text in an execute call is a constant, or an
    f-string of placeholders (``?,?,?``), identifiers from constant tuples, integer
    formats, and fragments that are themselves all of those."""
    sources = sorted((REPO / "src" / "storytrace").rglob("*.py"))
    calls = 0
    found: list[_SqlFinding] = []
    for path in sources:
        calls += sum(1 for _ in _sql_fragments(ast.parse(path.read_text("utf-8"))))
        found += _unsafe_sql(path) + _fragment_calls(path)
    assert calls > 50  # the scan does see the store's queries
    assert not found, "\n".join(f"{f.where}: {f.sql}" for f in found)


def test_the_sql_check_catches_values_in_sql() -> None:
    bad = ast.parse(
        "def f(db, name, n):\n"
        "    db.execute(f\"SELECT * FROM t WHERE name = '{name}'\")\n"
        "    db.execute('SELECT * FROM t WHERE name = ' + name)\n"
        "    db.execute('SELECT * FROM t WHERE name = %s' % name)\n"
        "    db.execute('SELECT {}'.format(name))\n"
        "    where = f'WHERE x = {name}'\n"
        "    db.execute(f'SELECT * FROM t {where}')\n"
        "    marks = ','.join('?' * n)\n"
        "    db.execute(f'SELECT * FROM t WHERE id IN ({marks})', name)\n"
        "    for table in ('a', 'b'):\n"
        "        db.execute(f'DELETE FROM {table}')\n"
        "    db.execute(f'PRAGMA user_version = {n:d}')\n"
    )
    safe = _safe_names(bad.body[0])
    verdicts = [_is_safe_sql(call.args[0], safe) for call, _ in _sql_fragments(bad)]
    assert verdicts == [False, False, False, False, False, True, True, True]


# -- path traversal ---------------------------------------------------------------------------

_SENTINEL = "storytrace-secret-4f1d"
TRAVERSALS = [
    "..%2f..%2f..%2fetc%2fpasswd",
    "..%2F..%2Fsecret.txt",
    "%2e%2e%2f%2e%2e%2fsecret.txt",
    "%252e%252e%252fsecret.txt",
    "..%5c..%5csecret.txt",
    "....%2f%2f....%2f%2fsecret.txt",
    "%2e%2e",
    "..%00.html",
    "..",
]
_RAW_PATHS = [
    "/static/../../secret.txt",
    "/../../secret.txt",
    "/style.css/../../secret.txt",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/..%2f..%2fsecret.txt",
    "/story-..%2f..%2fetc%2fpasswd.html",
    "/outlet-..%2f..%2fsecret.txt.html",
    "/index.html/..%2f..%2fsecret.txt",
    "/api/../../secret.txt",
    "//etc/passwd",
    "/%2fetc%2fpasswd",
    "/file:%2f%2f%2fetc%2fpasswd",
]


def _route_paths() -> list[str]:
    """Every route with each traversal in each path parameter."""
    paths = list(_RAW_PATHS)
    for route in create_app(Path("unused.db")).routes:
        template = getattr(route, "path", "")
        if "{" not in template:
            paths += [f"{template.rstrip('/')}/{t}" for t in TRAVERSALS if template != "/"]
            continue
        for t in TRAVERSALS:
            paths.append(re.sub(r"\{[^}]+\}", t, template))
            paths.append(re.sub(r"\{[^}]+\}", f"story-{t}", template))
    return paths


async def _raw_get(application: Any, raw_path: str) -> tuple[int, bytes]:
    """One GET straight through the ASGI interface, the path exactly as a client sent it
    (httpx would normalise ``..`` away before the app ever saw it)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": unquote(raw_path),
        "raw_path": raw_path.encode("ascii"),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await application(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The app over an empty store, with a secret file next to the store and one above it."""
    folder = tmp_path_factory.mktemp("traversal") / "store"
    folder.mkdir()
    (folder / "secret.txt").write_text(_SENTINEL, "utf-8")
    (folder.parent / "secret.txt").write_text(_SENTINEL, "utf-8")
    Store(folder / "empty.db").close()
    return create_app(folder / "empty.db")


@pytest.mark.parametrize("raw_path", _route_paths())
def test_path_traversal_is_refused_on_every_route(served: Any, raw_path: str) -> None:
    status, body = asyncio.run(_raw_get(served, raw_path))
    assert status in (307, 400, 404, 405, 422), (raw_path, status)
    assert _SENTINEL.encode() not in body and b"root:" not in body, raw_path


def test_page_names_are_safe_unique_and_short() -> None:
    names = ["a/b", "a_b", "a b", "A_b", "../../etc/passwd", ".._.._etc_passwd", "x" * 400]
    names += ["..", ".", "", "con", "\x00", "outlet.example", "a_b-0123456789ab"]
    pages = [page_name("outlet", n) for n in names]
    assert len(set(pages)) == len(pages), pages  # two outlets never share (or overwrite) a page
    for page in pages:
        assert re.fullmatch(r"outlet-[A-Za-z0-9_.-]+\.html", page), page
        assert len(page.encode()) <= 120 and "/" not in page and not page.startswith(".")
    assert page_name("outlet", "outlet.example") == "outlet-outlet.example.html"
    assert page_name("story", "s027c1ca39ee7") == "story-s027c1ca39ee7.html"
