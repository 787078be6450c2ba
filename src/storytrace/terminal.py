"""Rich rendering of one story for ``storytrace show``: untrusted text only as ``Text``."""

from __future__ import annotations

import re

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .store import Store
from .views import display_value, story_detail

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")
_KIND_STYLE = {"disagree": "bold red", "variant": "yellow", "agree": "green"}


def strip_controls(text: str | None) -> str:
    """Drop control characters (terminal escapes, bidi overrides) from untrusted text."""
    return _CONTROL.sub("", text or "")


def safe(text: str | None) -> Text:
    """Untrusted text as a Rich Text: no markup parsing, no control or bidi characters."""
    return Text(strip_controls(text))


def print_story(store: Store, story_id: str, console: Console) -> None:
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

    for family in detail.families:
        origin = family.origin_article_id or "unknown (dates cannot decide)"
        table = Table(title=f"Reuse family {family.id} ({family.kind}), origin: {origin}")
        columns = []
        for p in family.passages:
            article = detail.article(p.article_id) if p.article_id in story.article_ids else None
            if article is None:
                continue
            table.add_column(
                f"{p.article_id} ({strip_controls(article.source or '?')})",
                overflow="fold",
                ratio=1,
            )
            columns.append(safe(article.text[p.start : p.end]))
        if columns:
            table.add_row(*columns)
            console.print(table)

    if not detail.findings:
        console.print("No findings.", markup=False)
    for finding in detail.findings:
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
