"""Who said what: quotes and claims grouped across a story's articles, with their sources."""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from storytrace.compare_quotes import group_by_words, same_words
from storytrace.model import Article, Family, Mention, Passage
from storytrace.report import write_report
from storytrace.statements import story_statements
from storytrace.store import Store
from storytrace.terminal import print_story
from storytrace.views import story_detail

from .conftest import HOSTILE

QUOTE = "we will rebuild every school that the flood destroyed"


def _article(article_id: str, source: str, text: str) -> Article:
    return Article(
        id=article_id, origin=f"{article_id}.txt", format="text", raw=b"", source=source, text=text
    )


def _speech(article: Article, words: str, kind: str, speaker: str = "") -> Mention:
    start = article.text.index(words)
    value = " ".join(words.lower().replace(",", "").split())
    return Mention(article.id, start, start + len(words), kind, value, speaker, "said")  # type: ignore[arg-type]


def _three_outlets() -> tuple[list[Article], list[Mention]]:
    a = _article("a", "one.example", f'"{QUOTE}," the mayor, Ana Ruiz, said on Monday.')
    b = _article("b", "two.example", f"Ruiz said {QUOTE} within a year.")
    c = _article("c", "three.example", 'The governor said "help is on the way for every family".')
    mentions = [
        _speech(a, QUOTE, "quote", "Ana Ruiz"),
        _speech(b, f"{QUOTE} within a year", "claim", "Ruiz"),
        _speech(c, "help is on the way for every family", "quote", "governor"),
        # too short to match anything: stays a statement of its own
        _speech(a, "Ana Ruiz", "quote"),
    ]
    return [a, b, c], mentions


def test_a_quote_and_its_reported_version_are_one_statement() -> None:
    articles, mentions = _three_outlets()
    statements = story_statements(mentions, articles, [])
    first = statements[0]
    assert first.article_ids == ("a", "b")
    assert [m.kind for m in first.evidence] == ["quote", "claim"]
    assert first.independent_sources == 2 and not first.single_source
    assert first.lead.kind == "quote"  # the direct words come first
    # equal votes: the speaker named first wins
    assert first.speaker == "Ana Ruiz"
    assert [s.article_ids for s in statements[1:]] == [("a",), ("c",)]
    assert all(s.single_source for s in statements[1:])


def test_copies_of_one_passage_and_one_outlet_count_once() -> None:
    articles, mentions = _three_outlets()
    a, b, _ = articles
    quote_a, claim_b = mentions[0], mentions[1]
    family = Family(
        "f1",
        "copy",
        (
            Passage("a", 0, len(a.text)),
            Passage("b", claim_b.start - 10, claim_b.end),
        ),
        "a",
    )
    [copied] = [s for s in story_statements(mentions, articles, [family]) if len(s.article_ids) > 1]
    assert copied.independent_sources == 1 and copied.single_source
    same_outlet = [a, _article("b", "one.example", b.text), articles[2]]
    [grouped] = [s for s in story_statements(mentions, same_outlet, []) if len(s.article_ids) > 1]
    assert grouped.single_source
    assert quote_a in grouped.evidence


def test_mentions_outside_the_story_and_other_kinds_are_left_out() -> None:
    articles, mentions = _three_outlets()
    stray = Mention("zz", 0, 5, "quote", QUOTE, "Someone")
    number = Mention("a", 0, 2, "number", "40")
    statements = story_statements([*mentions, stray, number], articles[:2], [])
    assert all(m.article_id in ("a", "b") for s in statements for m in s.evidence)
    assert all(m.kind in ("quote", "claim") for s in statements for m in s.evidence)


def _naive_groups(values: list[str], min_words: int, min_ratio: float) -> list[list[int]]:
    """The first-fit rule written plainly: each value joins the first group whose head matches."""
    groups: list[list[int]] = []
    for index, value in enumerate(values):
        for members in groups:
            if same_words(values[members[0]], value, min_words, min_ratio):
                members.append(index)
                break
        else:
            groups.append([index])
    return groups


WORD = st.sampled_from(["the", "flood", "school", "we", "will", "rebuild", "a", "year", "x"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(WORD, min_size=1, max_size=9).map(" ".join), max_size=12))
def test_grouping_equals_the_plain_first_fit_rule(values: list[str]) -> None:
    mentions = [Mention(str(i), 0, 1, "quote", v) for i, v in enumerate(values)]
    grouped = group_by_words(mentions, 4, 90.0)
    assert [[int(m.article_id) for m in g] for g in grouped] == _naive_groups(values, 4, 90.0)


def test_story_page_terminal_and_api_show_statements(filled_store: Store, tmp_path: Path) -> None:
    """The fixture's claim (hostile words, in one copied passage of two outlets) is shown as
    one single-source statement, escaped everywhere it is rendered."""
    detail = story_detail(filled_store, "s1")
    assert detail is not None
    [statement] = detail.statements
    assert statement.article_ids == ("aaaa000000000001", "bbbb000000000002")
    assert statement.single_source and statement.speaker == "The council"

    write_report(filled_store, tmp_path / "report")
    [page] = (tmp_path / "report").glob("story-*.html")
    html = page.read_text("utf-8")
    assert "Who said what" in html and 'class="badge single"' in html
    assert HOSTILE not in html and "&lt;script&gt;" in html

    out = io.StringIO()
    print_story(filled_store, "s1", Console(file=out, width=200, color_system=None))
    shown = out.getvalue()
    assert "Who said what" in shown and "single source" in shown
    assert "\x1b" not in shown
