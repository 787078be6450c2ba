"""Rich rendering of one story for ``storytrace show``: untrusted text only as ``Text``."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import regex
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .model import Article, Family
from .reuse_diff import differences
from .reuse_graph import article_reuse, reused_share
from .statements import Statement
from .store import Store
from .views import display_value, story_detail

# What a terminal acts on instead of showing: C0/C1 controls (ESC starts every CSI, OSC 8
# hyperlink and title sequence; BEL, CR, backspace), format characters (bidi overrides and
# isolates, zero-width ones, BOM, invisible Unicode tags) and lone surrogates. Tab and line feed
# are layout. By Unicode category, so a character added to a category later is covered too.
_CONTROL = regex.compile(r"(?![\t\n])[\p{Cc}\p{Cf}\p{Cs}]")
# Line and paragraph separators break a line in some terminals and not others: one space.
_SEPARATORS = {0x2028: " ", 0x2029: " "}
_SPACES = re.compile(r"\s+")
DIFF_STYLE = "bold reverse"
_KIND_STYLE = {"disagree": "bold red", "variant": "yellow", "agree": "green"}


def strip_controls(text: str | None) -> str:
    """Drop control characters (terminal escapes, bidi overrides) from untrusted text.

    What remains is printed as it is: with escapes gone, no sequence can be rebuilt from it.
    """
    return _CONTROL.sub("", (text or "").translate(_SEPARATORS))


def safe(text: str | None) -> Text:
    """Untrusted text as a Rich Text: no markup parsing, no control or bidi characters."""
    return Text(strip_controls(text))


def print_story(store: Store, story_id: str, console: Console, limit: int | None = 20) -> None:
    """A story in the terminal: header, articles, then at most ``limit`` reuse families and
    ``limit`` findings (disagreements come first), with a line saying how many more there are.

    A large story can hold thousands of findings; printed whole they bury the few that matter
    under screens of agreements. ``limit=None`` prints everything.
    """
    detail = story_detail(store, story_id)
    if detail is None:
        console.print(f"no story {story_id}", markup=False)
        return
    story = detail.story
    header = Text.assemble(("Story ", "bold"), (story.id, "cyan"), "  ")
    header.append_text(safe(story.title))
    console.print(header)
    first = story.first_seen.isoformat() if story.first_seen else "unknown"
    last = story.last_seen.isoformat() if story.last_seen else "unknown"
    console.print(f"first seen {first} · last seen {last}", markup=False)
    if detail.key_names:
        names = Text("key names: ", style="bold")
        names.append_text(
            safe(", ".join(f"{name} ({count})" for name, _, count in detail.key_names))
        )
        console.print(names)

    articles = Table(title="Articles", show_lines=False)
    for column in ("id", "outlet", "published", "title"):
        articles.add_column(column, overflow="fold")
    for a in detail.articles:
        articles.add_row(
            a.id,
            safe(a.source or "unknown"),
            a.published.isoformat() if a.published else "unknown",
            safe(a.title),
        )
    console.print(articles)

    by_id = {a.id: a for a in detail.articles}
    for family in detail.families[:limit]:
        print_family(family, by_id, console)
    _print_more(console, len(detail.families), limit, "reuse families")

    if not detail.findings:
        console.print("No findings.", markup=False)
    for finding in detail.findings[:limit]:
        title = Text.assemble((finding.kind.upper(), _KIND_STYLE.get(finding.kind, "")), "  ")
        title.append_text(safe(finding.topic))
        title.append(f"  ({finding.independent_sources} independent source(s))")
        lines = []
        for value in finding.values:
            line = Text("• ")
            line.append_text(safe(display_value(value)))
            line.append(f"  [{', '.join(value.article_ids)}]")
            lines.append(line)
            for m in value.evidence:
                text = (
                    detail.article(m.article_id).text if m.article_id in story.article_ids else ""
                )
                ev = Text("    ")
                ev.append(f"{m.article_id}: ", style="dim")
                ev.append_text(_evidence_line(text, m.start, m.end))
                lines.append(ev)
        console.print(Panel(Group(*lines), title=title, title_align="left"))
    _print_more(console, len(detail.findings), limit, "findings")
    _print_statements(detail.statements, {a.id: a for a in detail.articles}, console, limit)


def _print_statements(
    statements: Sequence[Statement],
    articles: Mapping[str, Article],
    console: Console,
    limit: int | None,
) -> None:
    """Who said what: a row per statement, its speaker, its first wording and its sources."""
    if not statements:
        return
    table = Table(title="Who said what (quotes and reported claims)", show_lines=False)
    for column in ("speaker", "words", "articles", "sources"):
        table.add_column(column, overflow="fold")
    for statement in statements[:limit]:
        lead = statement.lead
        text = articles[lead.article_id].text if lead.article_id in articles else ""
        sources = (
            Text("single source", style="yellow")
            if statement.single_source
            else Text(f"{statement.independent_sources} independent")
        )
        table.add_row(
            safe(statement.speaker or "not named"),
            safe(_one_line(text[lead.start : lead.end])),
            str(len(statement.article_ids)),
            sources,
        )
    console.print(table)
    _print_more(console, len(statements), limit, "statements")


def _print_more(console: Console, total: int, limit: int | None, what: str) -> None:
    if limit is not None and total > limit:
        console.print(
            f"… {total - limit} more {what} not shown (--limit 0 shows all)",
            markup=False,
            style="dim",
        )


def print_family(family: Family, articles: Mapping[str, Article], console: Console) -> None:
    """A family's passages side by side, words that differ from the reference highlighted.

    The reference is the origin when dates decide it, else the first passage.
    """
    origin = family.origin_article_id or "unknown (dates cannot decide)"
    shown = [p for p in family.passages if p.article_id in articles]
    if len(shown) < 2:
        return
    reference = next((p for p in shown if p.article_id == family.origin_article_id), shown[0])
    # Differences are found on the text as shown (control and bidi characters dropped), so
    # the highlighted offsets match what the terminal prints.
    reference_text = strip_controls(
        articles[reference.article_id].text[reference.start : reference.end]
    )
    table = Table(title=Text(f"Reuse family {family.id} ({family.kind}), origin: {origin}"))
    cells = []
    for p in shown:
        article = articles[p.article_id]
        marker = " *" if p == reference else ""
        # A header given as Text is never parsed as Rich markup (outlet names are untrusted).
        table.add_column(
            Text(f"{p.article_id} ({strip_controls(article.source or '?')}){marker}"),
            overflow="fold",
            ratio=1,
        )
        text = strip_controls(article.text[p.start : p.end])
        cell = Text(text)
        if p != reference:
            _, changed = differences(reference_text, text)
            for start, end in changed:
                cell.stylize(DIFF_STYLE, start, end)
        cells.append(cell)
    table.add_row(*cells)
    console.print(table)


def _evidence_line(text: str, start: int, end: int, context: int = 60) -> Text:
    """The mention with a little context on each side, the mention itself highlighted."""
    left = max(0, start - context)
    right = min(len(text), end + context)
    out = Text("…" if left else "")
    out.append_text(safe(_one_line(text[left:start])))
    mention = safe(_one_line(text[start:end]))
    mention.stylize("bold underline")
    out.append_text(mention)
    out.append_text(safe(_one_line(text[end:right])))
    out.append("…" if right < len(text) else "")
    return out


def _one_line(text: str) -> str:
    """Line breaks and runs of spaces as one space (edges kept, so words stay apart)."""
    return _SPACES.sub(" ", text)


_DIRECTION_WORDS = {"took": "taken from", "gave": "copied by", "shared": "shared with"}


def print_article_reuse(store: Store, article_id: str, console: Console) -> None:
    """What one article shares with others: taken from whom, copied by whom, share original."""
    article = store.article(article_id)
    if article is None:
        console.print(f"no article {article_id}", markup=False)
        return
    families = store.families([article_id])
    links = store.links_of(article_id)
    others = {p.article_id for link in links for p in (link.a, link.b)} | {article_id}
    articles = {a.id: a for a in store.articles(sorted(others))}
    header = Text.assemble(("Article ", "bold"), (article.id, "cyan"), "  ")
    header.append_text(safe(article.title or ""))
    console.print(header)
    published = article.published.isoformat() if article.published else "unknown"
    console.print(
        Text.assemble("outlet ", safe(article.source or "unknown"), f" · published {published}")
    )
    share = reused_share(article, links, families, articles)
    console.print(
        f"{1 - share:.0%} original · {share:.0%} taken from other outlets "
        "(from earlier articles of other outlets; quotes and undated pairs not counted)",
        markup=False,
    )
    rows = article_reuse(article_id, links, families, articles)
    if not rows:
        console.print("No passage of this article is shared with another article.", markup=False)
        return
    table = Table(show_lines=True)
    for column in ("passage", "", "other article", "kind", "text"):
        table.add_column(column, overflow="fold")
    for row in rows:
        other = articles.get(row.other.article_id)
        when = other.published.date().isoformat() if other and other.published else "date unknown"
        who = Text(f"{row.other.article_id}\n")
        who.append_text(safe(other.source if other else "unknown"))
        who.append(f"\n{when}")
        table.add_row(
            f"{row.passage.start}-{row.passage.end}",
            _DIRECTION_WORDS[row.direction],
            who,
            row.kind,
            safe(_one_line(article.text[row.passage.start : row.passage.end])),
        )
    console.print(table)
