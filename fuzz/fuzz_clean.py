"""atheris harness: the cleaner (trafilatura + block model for HTML, line model for text).

The first input byte picks the format (odd: HTML, even: text); the rest is the raw article.
"""

from __future__ import annotations

import atheris
from _harness import main

with atheris.instrument_imports(include=["storytrace"]):
    from storytrace.clean import clean
    from storytrace.model import Article


def test_one_input(data: bytes) -> None:
    if not data:
        return
    article = Article(
        id="fuzz", origin="fuzz/input", format="html" if data[0] & 1 else "text", raw=data[1:]
    )
    cleaned = clean(article)
    assert isinstance(cleaned.text, str)
    for block in cleaned.removed:
        assert isinstance(block.text, str)


if __name__ == "__main__":
    main(test_one_input, "clean", ["html/*.html", "text/*/*.txt"])
