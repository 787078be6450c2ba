"""What travels between the Spark stages: small picklable records built from model objects."""

from __future__ import annotations

import gc
from dataclasses import dataclass

from ..model import Article, Mention, Segmentation, Sentence
from ..segment import tokenize_columns


@dataclass(frozen=True, slots=True)
class Cleaned:
    """An article after clean, segment and facts (``raw`` dropped: nothing later reads it)."""

    article: Article
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]

    def segmentation(self) -> Segmentation:
        """The segmentation the local reuse stage rebuilds from the store: stored sentences,
        tokens remade from the text (the same tokenizer, as columns: ``tokenize_columns``)."""
        return Segmentation(self.article.id, self.sentences, tokenize_columns(self.article.text))


@dataclass(frozen=True, slots=True)
class Stub:
    """The little of an article that families, reused shares and the outlet graph read."""

    id: str
    source: str | None
    published_iso: str | None
    text: str

    @staticmethod
    def of(article: Article) -> Stub:
        published = article.published.isoformat() if article.published else None
        return Stub(article.id, article.source, published, article.text)

    def article(self) -> Article:
        from datetime import datetime

        published = datetime.fromisoformat(self.published_iso) if self.published_iso else None
        return Article(
            id=self.id,
            origin="",
            format="text",
            raw=b"",
            source=self.source,
            published=published,
            text=self.text,
        )


def freeze_imports() -> None:
    """Exempt everything imported so far from the garbage collector's scans.

    PySpark's worker runs ``gc.collect()`` after every task; with storytrace's dependencies
    loaded (scikit-learn, trafilatura, pysbd) each full collection walks a few hundred MB of
    module objects that never die, which cost seconds per task. ``gc.freeze`` moves them to a
    permanent generation; objects made later are collected as usual. Called by each stage
    module once its imports are done.
    """
    gc.freeze()
