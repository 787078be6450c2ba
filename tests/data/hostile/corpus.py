"""Write the hostile corpus: every payload of payloads.json in every field an article has.

Used by tests/test_hostile.py and tests/test_api_fuzz.py, and runnable by hand to look at the
output with real tools::

    python tests/data/hostile/corpus.py /tmp/hostile && storytrace run /tmp/hostile --db h.db

Each payload goes into two JSONL records from two outlets that carry the same story text with
the payload inside it, so the payload also travels through reuse families (a copied passage),
stories (a title) and findings (the two records disagree on a number). One record uses the
payload as its outlet, author, title, external id and language, the other as its URL. An HTML
page and plain-text files add the payloads as a page would carry them (title, meta author, site
name, body, file name), and one record carries the 1 MB token. The 1 MB token is made here, not
stored, to keep the repository small.
"""

from __future__ import annotations

import html
import json
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True, slots=True)
class Payload:
    kind: str  # the payload's class: html, url, rich, terminal, sql, unicode, null, csv, ...
    name: str
    value: str


def payloads() -> list[Payload]:
    """The hostile strings, in file order."""
    doc = json.loads((HERE / "payloads.json").read_text("utf-8"))
    return [Payload(p["class"], p["name"], p["value"]) for p in doc["payloads"]]


def huge_token() -> str:
    """One word of 1 MB (no space inside): the size a tokenizer or a layout must survive."""
    doc = json.loads((HERE / "payloads.json").read_text("utf-8"))
    chars: int = doc["huge_token_chars"]
    return "Z" * chars


# Three stories, so the corpus has several; each sentence with a number or a month, so the two
# records of a payload disagree on something and the payload shows up in a finding.
_STORIES = (
    (
        "Harbour flood",
        "The harbour master said on Tuesday that {n} homes flooded in March after the storm "
        "broke the sea wall near the old ferry terminal. {p} Residents of the lower town were "
        "moved to the sports hall, where volunteers served soup until late at night. The "
        "council promised to rebuild the wall before the winter storms return next year.",
    ),
    (
        "Bridge closure",
        "Engineers closed the river bridge on Friday after inspectors found {n} cracked "
        "girders during a routine survey of the structure. {p} Commuters were told to use the "
        "northern ring road, which added about twenty minutes to most journeys into the city "
        "centre. The transport minister said repairs would take at least six weeks.",
    ),
    (
        "School fire",
        "Firefighters spent the night tackling a blaze at the village school, which destroyed "
        "{n} classrooms and the library on Sunday. {p} Nobody was hurt because the building "
        "was empty for the holidays, the fire brigade said in a statement. Lessons will move "
        "to the community centre while the school is rebuilt over the summer.",
    ),
)


STORY_TITLES = tuple(title for title, _ in _STORIES)


def _text(story: int, number: int, payload: str) -> str:
    _, template = _STORIES[story % len(_STORIES)]
    return template.format(n=number, p=f"A witness said {payload} was written on the wall.")


def jsonl_records() -> list[dict[str, str]]:
    """Two records per payload, then one with the 1 MB token in its text and title."""
    records: list[dict[str, str]] = []
    for index, p in enumerate(payloads()):
        title, _ = _STORIES[index % len(_STORIES)]
        records.append(
            {
                "id": p.value,
                "title": f"{title} {p.value}",
                "text": _text(index, 40, p.value),
                "source": p.value,
                "author": p.value,
                "url": f"https://outlet-one.example/{index}",
                "published": "2024-03-04T10:00:00Z",
                "lang": p.value,
            }
        )
        records.append(
            {
                "id": f"two-{index}",
                "title": p.value,
                "text": _text(index, 45, p.value),
                "source": "outlet-two.example",
                "author": f"Reporter {p.value}",
                "url": p.value,
                "published": "2024-03-05T09:00:00Z",
            }
        )
    token = huge_token()
    records.append(
        {
            "id": "huge",
            "title": f"Huge {token[:5000]}",
            "text": _text(0, 41, token),
            "source": "huge.example",
            "author": token[:1000],
            "published": "2024-03-06T09:00:00Z",
        }
    )
    return records


def html_page() -> str:
    """A page with payloads where a page carries them; what the page text says is escaped."""
    chosen = {p.name: p.value for p in payloads()}
    title = chosen["script-tag"] + chosen["bold-red"] + chosen["csi-colour"]
    body = "\n".join(
        f"<p>{html.escape(_text(i, 40 + i, p.value))}</p>"
        for i, p in enumerate(payloads())
        if p.kind != "null"  # a NUL byte makes a file binary (refused), not a page
    )
    return (
        "<!doctype html><html><head>"
        f"<title>{html.escape(title)}</title>"
        f'<meta name="author" content="{html.escape(chosen["img-onerror"])}">'
        f'<meta property="og:site_name" content="{html.escape(chosen["link-file"])}">'
        f'<meta property="og:url" content="{html.escape(chosen["javascript-url"])}">'
        '<meta property="article:published_time" content="2024-03-07T08:00:00Z">'
        "<script>alert('page script')</script>"
        f"</head><body><article><h1>{html.escape(title)}</h1>{body}"
        # Live markup in the page itself: the cleaner must keep it out of the text.
        "<p>Raw markup <img src=x onerror=alert('raw')> <svg onload=alert('raw')></svg> end.</p>"
        "</article></body></html>"
    )


def text_files() -> dict[str, str]:
    """Plain-text articles: a hostile headline, and a hostile file name (the origin)."""
    chosen = {p.name: p.value for p in payloads()}
    headline = chosen["attr-break-double"] + " " + chosen["osc8-hyperlink"]
    return {
        "headline.txt": f"{headline}\n\n{_text(1, 44, chosen['formula-equals'])}\n",
        # A file name is untrusted too: it becomes the article's origin ("Read from").
        "[bold]<img src=x onerror=alert(19)>\x1b[31m=1+1.txt": _text(2, 46, "nothing") + "\n",
    }


def write_corpus(out: Path) -> list[Path]:
    """Write the corpus into ``out`` (created); returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    jsonl = out / "hostile.jsonl"
    with jsonl.open("w", encoding="utf-8") as handle:
        for record in jsonl_records():
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    written.append(jsonl)
    page = out / "page.html"
    page.write_text(html_page(), "utf-8")
    written.append(page)
    for name, text in text_files().items():
        path = out / name
        path.write_text(text, "utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - a helper for looking at the corpus by hand
    for path in write_corpus(Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")):
        print(path)
