"""The lists a user hands the live commands: a URL-per-line file and an OPML subscription list."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from ..errors import StorytraceError


def read_url_list(path: Path) -> list[str]:
    """URLs from a ``--from`` file, one per line; blank lines and lines starting ``#`` skipped.

    Only whole lines are comments: ``#`` inside a URL is its fragment.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise StorytraceError(f"{path}: cannot read URL list: {exc}") from exc
    return [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def read_opml(path: Path) -> list[str]:
    """Feed URLs (``xmlUrl`` attributes of outlines, nested or not) from an OPML file, in order.

    OPML is what feed readers export; a DOCTYPE is refused so that an entity-expansion file
    cannot blow up the parser (subscription lists never need one).
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StorytraceError(f"{path}: cannot read OPML: {exc.strerror or exc}") from exc
    if b"<!DOCTYPE" in data[:4096].upper():
        raise StorytraceError(f"{path}: OPML with a DOCTYPE is not accepted")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise StorytraceError(f"{path}: malformed OPML: {exc}") from exc
    urls: list[str] = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if url and url not in urls:
            urls.append(url)
    if not urls:
        raise StorytraceError(f"{path}: no feeds (outline xmlUrl) in this OPML file")
    return urls
