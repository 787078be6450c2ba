"""A seeded synthetic news corpus for the reuse stage's scale benchmark (issue 5).

``python bench/generate_corpus.py N OUT.jsonl [--seed 1] [--copy-fraction 0.3]`` writes ``N``
articles of about 500 words (``{"id", "source", "published", "text"}``, sorted by
``published``) and ``OUT.gold.jsonl`` with the copied spans (the format of reuse-synthetic's
``gold.jsonl``). No news text is copied: words are pseudo-words made of random syllables,
drawn with Zipf frequencies from a 40,000-word vocabulary, in sentences of 8-30 words (3.5 %
quoted) and paragraphs of 2-4 sentences. A ``--copy-fraction`` of the articles copy 1-3
passages (1-3 consecutive sentences of one paragraph) from one of the previous ``--window``
articles; a third of those passages are lightly edited (about one word in ten replaced).
Articles come about every 30 s from 500 outlets. The same arguments always give the same bytes.
"""

from __future__ import annotations

import argparse
import json
from collections import deque
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from pysbd.lang.english import English

VOCABULARY = 40_000
OUTLETS = 500
_ONSETS = ["", "b", "br", "c", "ch", "d", "dr", "f", "g", "gr", "h", "k", "l", "m", "n", "p",
           "pr", "r", "s", "sh", "st", "t", "tr", "v", "w", "z"]  # fmt: skip
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ou"]
_CODAS = ["", "", "n", "r", "s", "t", "l", "m", "nd", "st"]


def _vocabulary(rng: np.random.Generator) -> list[str]:
    """Distinct pseudo-words of 1-4 syllables, shortest first drawn most often (as in English).

    No one-letter words: drawn first, the five lone vowels made a quarter of all words (English
    has two, "a" and "I", about 3 % of news text), so a quarter of the sentences ended in a
    one-letter word, which looks like an initial or a list mark to a sentence splitter, and
    60 % of the paragraphs took the splitter's slow path (ECB+ news: 9 %). For the same reason
    no word is a known abbreviation ("al", "st", "no": pysbd's English list), which the first
    ranks would otherwise make the commonest sentence end.
    """
    abbreviations = {
        word.lower()
        for words in (
            English.Abbreviation.ABBREVIATIONS,
            English.Abbreviation.PREPOSITIVE_ABBREVIATIONS,
            English.Abbreviation.NUMBER_ABBREVIATIONS,
        )
        for word in words
    }
    words: dict[str, None] = {}
    while len(words) < VOCABULARY:
        syllables = 1 + min(3, int(rng.exponential(0.9)))
        word = "".join(
            _ONSETS[rng.integers(len(_ONSETS))]
            + _VOWELS[rng.integers(len(_VOWELS))]
            + _CODAS[rng.integers(len(_CODAS))]
            for _ in range(syllables)
        )
        if len(word) > 1 and word not in abbreviations:
            words[word] = None
    return sorted(words, key=lambda w: (len(w), w))


class Generator:
    def __init__(self, seed: int, copy_fraction: float, window: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.words = _vocabulary(self.rng)
        weights = 1.0 / np.arange(1, VOCABULARY + 1) ** 1.05
        self.cdf = np.cumsum(weights) / weights.sum()
        self.outlets = [f"{w.capitalize()} {s}" for w, s in zip(
            self.rng.choice(self.words[2000:], OUTLETS, replace=False),
            self.rng.choice(["Times", "Post", "Herald", "Daily", "News", "Wire"], OUTLETS),
            strict=True)]  # fmt: skip
        self.copy_fraction = copy_fraction
        # Recent articles: (id, paragraphs as lists of (sentence, offset in text)).
        self.recent: deque[tuple[str, list[list[tuple[str, int]]]]] = deque(maxlen=window)

    def sentence(self) -> str:
        length = int(self.rng.integers(8, 31))
        picks = np.searchsorted(self.cdf, self.rng.random(length))
        words = [self.words[i] for i in picks]
        words[0] = words[0].capitalize()
        if length > 14 and self.rng.random() < 0.4:
            words[int(self.rng.integers(3, length - 3))] += ","
        text = " ".join(words) + "."
        # Quotations: what sends real news paragraphs to the sentence splitter's slow path most
        # (ECB+: about 9 % of paragraphs take it, mostly for quotation marks).
        return f'"{text}"' if self.rng.random() < 0.035 else text

    def edit(self, text: str) -> str:
        words = text.split(" ")
        for i in range(1, len(words) - 1):
            if self.rng.random() < 0.1:
                words[i] = self.words[int(np.searchsorted(self.cdf, self.rng.random()))]
        return " ".join(words)

    def article(self, number: int) -> tuple[str, str, list[dict[str, object]]]:
        """(id, text, gold spans) of article ``number``."""
        article_id = f"g{number:07d}"
        target = int(self.rng.normal(500, 60))
        copies = []
        if self.recent and self.rng.random() < self.copy_fraction:
            copies = [self.rng.integers(len(self.recent)) for _ in range(self.rng.integers(1, 4))]
        paragraphs: list[list[tuple[str, int]]] = []
        gold: list[dict[str, object]] = []
        text, words = "", 0
        while words < target or copies:
            if text:
                text += "\n\n"
            if copies and self.rng.random() < 0.5:
                source_id, source_paragraphs = self.recent[copies.pop()]
                chosen = source_paragraphs[self.rng.integers(len(source_paragraphs))]
                first = int(self.rng.integers(len(chosen)))
                run = chosen[first : first + int(self.rng.integers(1, 4))]
                source_start = run[0][1]
                copied = " ".join(s for s, _ in run)
                edited = self.rng.random() < 1 / 3
                piece = self.edit(copied) if edited else copied
                sentences = [(piece, len(text))]
                gold.append({"derived_id": article_id, "derived_start": len(text),
                             "derived_end": len(text) + len(piece), "source_id": source_id,
                             "source_start": source_start,
                             "source_end": source_start + len(copied),
                             "edit_kind": "edited" if edited and piece != copied else "verbatim",
                             "passage_kind": "sentences"})  # fmt: skip
            else:
                sentences = []
                for k in range(int(self.rng.integers(2, 5))):
                    sentence = self.sentence()
                    sentences.append((sentence, len(text) + (1 if k else 0)))
                    text += (" " if k else "") + sentence
                paragraphs.append(sentences)
                words += sum(s.count(" ") + 1 for s, _ in sentences)
                continue
            text += piece
            words += piece.count(" ") + 1
        self.recent.append((article_id, paragraphs))
        return article_id, text, gold


def generate(
    n: int, out: Path, seed: int = 1, copy_fraction: float = 0.3, window: int = 2000
) -> None:
    """Writes ``out`` and ``out.gold.jsonl`` (see the module docstring)."""
    generator = Generator(seed, copy_fraction, window)
    published = datetime(2024, 1, 1, tzinfo=UTC)
    gold_path = out.with_suffix(".gold.jsonl")
    with out.open("w", encoding="utf-8") as articles, gold_path.open("w", encoding="utf-8") as gold:
        for number in range(n):
            published += timedelta(seconds=int(generator.rng.integers(1, 60)))
            article_id, text, spans = generator.article(number)
            source = generator.outlets[int(generator.rng.integers(OUTLETS))]
            date = published.isoformat().replace("+00:00", "Z")
            record = {"id": article_id, "source": source, "published": date, "text": text}
            articles.write(json.dumps(record) + "\n")
            gold.writelines(json.dumps(span) + "\n" for span in spans)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("out", type=Path, help="output JSONL (gold spans go beside it)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--copy-fraction", type=float, default=0.3)
    parser.add_argument("--window", type=int, default=2000, help="copies come from this many")
    args = parser.parse_args()
    generate(args.n, args.out, args.seed, args.copy_fraction, args.window)


if __name__ == "__main__":
    main()
