"""Cluster stage: assign articles to stories; story ids never change once given.

Algorithm ``cluster.single_pass.v1`` (streaming, in the style of Miranda et al. 2018): new
articles are taken one at a time in a fixed order (dated ones by publication time, then undated
ones by id) and each joins the most similar story that is open to it, or starts its own. An
existing assignment is never revisited, so a story's id (``"s"`` + its first article's id) is
stable however many articles arrive later, and re-running a batch gives the same answer.

Similarity is the cosine between the article's TF-IDF vector and the story's centroid (or its
closest member, see ``linkage``). The vectors weigh headline words and capitalised words
(mostly names) higher, since who and where tell two similar events apart better than what. A
reuse link to a story member is strong evidence of the same story. Two articles published more
than ``window_days`` apart do not meet; an unknown date blocks nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction.text import TfidfVectorizer

from .model import Article, ReuseLink
from .segment import tokenize

FloatArray = npt.NDArray[np.float64]

# Function words that carry no topic; small on purpose (TF-IDF already discounts the rest).
_STOP_WORDS_TEXT = """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves said says say told according new one two also mr mrs ms would could may might
    must shall s t don't can't won't it's he's she's they're we're i'm
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


_NO_DATE = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ClusterSettings:
    """Options of the cluster stage (threshold tuned on the ECB+ train split only)."""

    # Least similarity for an article to join a story rather than start one.
    threshold: float = 0.22
    # "centroid": cosine to the story's centroid; "max": cosine to its closest member.
    linkage: Literal["centroid", "max"] = "centroid"
    # Articles published further apart than this never share a story (unknown dates: no limit).
    # 30 days: on the ECB+ train split a week cost 0.016 B-cubed F1 against 30 days (coverage of
    # one event spreads wider than a news cycle); wider windows scored higher still there, but
    # ECB+ dates are sparse and a real stream needs some bound.
    window_days: float = 30.0
    # Times a headline word counts, against once for a body word.
    title_weight: int = 3
    # Times a capitalised word (a name, mostly) counts.
    name_weight: int = 2
    # A reuse link with both passages at least this long (characters) ties two articles.
    min_link_chars: int = 60
    # Added to the similarity of a story holding an article linked by reuse.
    link_bonus: float = 1.0


def _features(article: Article, settings: ClusterSettings) -> list[str]:
    """The words an article is compared on, repeated by weight (headline, names)."""
    features: list[str] = []
    parts = ((article.title or "", settings.title_weight), (article.text, 1))
    for text, weight in parts:
        for token in tokenize(text):
            norm = token.norm
            if len(norm) < 2 or not any(ch.isalpha() for ch in norm) or norm in STOP_WORDS:
                continue
            times = weight
            if text[token.start].isupper():
                times *= settings.name_weight
            features.extend([norm] * times)
    return features


@dataclass(slots=True)
class _Story:
    """A story's id, date range and the squared norm of its members' vector sum."""

    id: str
    first: datetime | None
    last: datetime | None
    norm_sq: float

    def add_date(self, published: datetime | None) -> None:
        if published is None:
            return
        self.first = published if self.first is None else min(self.first, published)
        self.last = published if self.last is None else max(self.last, published)

    def open_to(self, published: datetime | None, window: timedelta) -> bool:
        """Whether an article of this date may join (within the window of the story's dates)."""
        if published is None or self.first is None or self.last is None:
            return True
        if published < self.first:
            return self.first - published <= window
        return published - self.last <= window


def _order_key(article: Article) -> tuple[int, datetime, str]:
    """Dated articles first, by time; then undated ones, by id."""
    if article.published is None:
        return (1, _NO_DATE, article.id)
    return (0, article.published, article.id)


def _linked(links: Sequence[ReuseLink], settings: ClusterSettings) -> dict[str, list[str]]:
    """Articles tied by a long enough reuse link, each neighbour list sorted."""
    neighbours: dict[str, dict[str, None]] = {}
    for link in links:
        if link.a.article_id == link.b.article_id:
            continue
        shortest = min(link.a.end - link.a.start, link.b.end - link.b.start)
        if shortest < settings.min_link_chars:
            continue
        neighbours.setdefault(link.a.article_id, {})[link.b.article_id] = None
        neighbours.setdefault(link.b.article_id, {})[link.a.article_id] = None
    return {key: sorted(value) for key, value in neighbours.items()}


def _new_story_id(article_id: str, taken: Mapping[str, object]) -> str:
    """``"s"`` + the first article's id prefix; a numbered suffix only if that id is taken."""
    base = "s" + article_id[:12]
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def assign_stories(
    new: Sequence[Article],
    assigned: Mapping[str, str],
    articles: Mapping[str, Article],
    links: Sequence[ReuseLink],
    settings: ClusterSettings = ClusterSettings(),
) -> dict[str, str]:
    """Story id for each new article.

    ``assigned`` maps already-clustered article ids to their story ids, and ``articles`` holds
    every article mentioned (new and old). Existing assignments are never changed; a new story
    gets a stable id derived from its first article. The IDF is fitted on ``articles``, so the
    caller decides the reference collection (typically the articles of the open time window).
    A new article already in ``assigned`` keeps its story.
    """
    clusters = _Clusters(articles, assigned, settings)
    neighbours = _linked(links, settings)
    result: dict[str, str] = {}
    for article in sorted({a.id: a for a in new}.values(), key=_order_key):
        if article.id in assigned:
            result[article.id] = assigned[article.id]
            continue
        scores, dots = clusters.scores(article.id)
        for other in neighbours.get(article.id, ()):
            linked = clusters.story_number(assigned.get(other) or result.get(other))
            if linked is not None:
                scores[linked] = max(scores[linked], 0.0) + settings.link_bonus
        result[article.id] = clusters.place(article, scores, dots)
    return result


class _Clusters:
    """The stories as the streaming pass sees them: members, dates and centroid norms.

    A centroid is never stored: the similarity of an article to a story is the sum of its
    cosines to the members divided by the norm of the members' sum, and that norm is updated
    incrementally, so each article costs one sparse matrix-vector product.
    """

    def __init__(
        self,
        articles: Mapping[str, Article],
        assigned: Mapping[str, str],
        settings: ClusterSettings,
    ) -> None:
        self.settings = settings
        self.window = timedelta(days=settings.window_days)
        ids = sorted(articles)
        self.row = {article_id: position for position, article_id in enumerate(ids)}
        self.matrix = _vectors([articles[article_id] for article_id in ids], settings)
        self.story_of_row = np.full(len(ids), -1, dtype=np.int64)
        self.stories: list[_Story] = []
        self.number_of: dict[str, int] = {}
        for article_id, story_id in sorted(assigned.items(), key=lambda item: (item[1], item[0])):
            number = self._story(story_id)
            if article_id in self.row:
                self._add(number, articles[article_id], 0.0)

    def _story(self, story_id: str) -> int:
        if story_id not in self.number_of:
            self.number_of[story_id] = len(self.stories)
            self.stories.append(_Story(story_id, None, None, 0.0))
        return self.number_of[story_id]

    def story_number(self, story_id: str | None) -> int | None:
        return None if story_id is None else self.number_of.get(story_id)

    def _add(self, number: int, article: Article, dot: float) -> None:
        """Make ``article`` a member; ``dot`` is its vector's dot product with the members' sum
        (recomputed here for members loaded from ``assigned``)."""
        story = self.stories[number]
        story.add_date(article.published)
        position = self.row.get(article.id)
        if position is None or self.matrix is None:
            return
        own = self.matrix[position]
        if dot == 0.0 and story.norm_sq > 0.0:
            members = np.flatnonzero(self.story_of_row == number)
            dot = float((self.matrix[members] @ own.T).sum())
        story.norm_sq += 2.0 * dot + float(own.multiply(own).sum())
        self.story_of_row[position] = number

    def scores(self, article_id: str) -> tuple[FloatArray, FloatArray]:
        """Similarity of the article to every story, and its dot product with each members' sum."""
        count = len(self.stories)
        position = self.row.get(article_id)
        if position is None or self.matrix is None or count == 0:
            return np.zeros(count), np.zeros(count)
        sims = np.asarray((self.matrix @ self.matrix[position].T).todense()).ravel()
        members = self.story_of_row >= 0
        owners, weights = self.story_of_row[members], sims[members]
        dots = np.bincount(owners, weights=weights, minlength=count).astype(np.float64)
        if self.settings.linkage == "max":
            best = np.zeros(count)
            np.maximum.at(best, owners, weights)
            return best, dots
        norms = np.sqrt(np.maximum([story.norm_sq for story in self.stories], 1e-12))
        return dots / norms, dots

    def place(self, article: Article, scores: FloatArray, dots: FloatArray) -> str:
        """Join the best-scoring open story at or above the threshold, else start one."""
        for candidate in np.argsort(-scores, kind="stable").tolist():
            number = int(candidate)
            if scores[number] < self.settings.threshold:
                break
            if self.stories[number].open_to(article.published, self.window):
                self._add(number, article, float(dots[number]))
                return self.stories[number].id
        started = self._story(_new_story_id(article.id, self.number_of))
        self._add(started, article, 0.0)
        return self.stories[started].id


def _vectors(articles: Sequence[Article], settings: ClusterSettings) -> Any:
    """L2-normalised TF-IDF rows (a sparse matrix, sublinear term frequency), the IDF fitted on
    ``articles``; None when no article has a single word to compare on."""
    features = [_features(article, settings) for article in articles]
    if not any(features):
        return None
    vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
    return vectorizer.fit_transform(features).tocsr()


def _identity(features: list[str]) -> list[str]:
    return features
