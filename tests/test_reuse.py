"""Reuse on invented texts: copies found with exact spans, edits tolerated, nothing invented."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.model import Article, Passage, ReuseLink, Segmentation
from storytrace.reuse import (
    MemoryFingerprintIndex,
    PreparedCache,
    ReuseSettings,
    build_families,
    find_reuse,
    fingerprints,
    quoted_spans,
)
from storytrace.reuse_align import ngram_hashes, token_hash, words_of
from storytrace.segment import segment, tokenize
from storytrace.store import FINGERPRINT_LEVELS

WIRE = (
    "The regional water authority said on Tuesday that it would spend 1,000 million euros "
    "over the next decade to rebuild the river defences that failed during the spring floods, "
    "after engineers found that several embankments had been neglected for years. "
    "Residents of the lower valley, where hundreds of homes were damaged, welcomed the plan "
    "but asked why the repairs had taken so long to begin."
)
FILLER_A = (
    "Local shops reopened slowly this week as volunteers cleared mud from the streets. "
    "A market trader said business was down by half compared with last summer."
)
FILLER_B = (
    "In other news, the city council approved a new cycling lane along the harbour front. "
    "Construction is expected to begin in the autumn and last several months."
)
UNRELATED = (
    "The home side won the derby three goals to one on Saturday evening in front of a full "
    "stadium, with the young striker scoring twice before half time and the captain adding a "
    "late penalty. The visiting coach blamed the referee for a disallowed equaliser."
)


def _article(article_id: str, text: str, published: datetime | None = None) -> Article:
    return Article(
        id=article_id,
        origin="test",
        format="text",
        raw=text.encode("utf-8"),
        text=text,
        published=published,
    )


def _run(*articles: Article, settings_: ReuseSettings | None = None) -> tuple[ReuseLink, ...]:
    pairs = [(a, segment(a)) for a in articles]

    def load(article_id: str) -> tuple[Article, Segmentation]:
        raise AssertionError(f"unexpected load of {article_id}")

    return find_reuse(pairs, MemoryFingerprintIndex(), load, settings_ or ReuseSettings())


def _texts(link: ReuseLink, *articles: Article) -> tuple[str, str]:
    by_id = {a.id: a for a in articles}
    return (
        by_id[link.a.article_id].text[link.a.start : link.a.end],
        by_id[link.b.article_id].text[link.b.start : link.b.end],
    )


def test_verbatim_copy_is_found_with_exact_spans() -> None:
    source = _article("a", f"{FILLER_A}\n\n{WIRE}")
    copy = _article("b", f"{FILLER_B}\n\n{WIRE}\n\nMore later.")
    links = _run(source, copy)
    assert len(links) == 1
    link = links[0]
    assert (link.a.article_id, link.b.article_id) == ("a", "b")
    assert link.kind == "verbatim"
    assert link.similarity == 1.0
    assert _texts(link, source, copy) == (WIRE, WIRE)


def test_copy_at_offset_zero_is_found() -> None:
    source = _article("a", f"{FILLER_A}\n\n{WIRE}")
    copy = _article("b", f"{WIRE}\n\n{FILLER_B}")
    (link,) = _run(source, copy)
    assert link.b == Passage("b", 0, len(WIRE))


def test_lightly_edited_copy_is_one_edited_passage() -> None:
    edited = (
        "The regional water authority said on Tuesday it would spend 1000 million euros "
        "over the coming decade to rebuild the river defences which failed during the spring "
        "floods, after engineers discovered that several embankments had been neglected for "
        "years. Residents of the lower valley, where hundreds of houses were damaged, welcomed "
        "the plan but asked why repairs had taken so long to start."
    )
    source = _article("a", f"{FILLER_A}\n\n“{WIRE}”")
    copy = _article("b", f'{FILLER_B}\n\n"{edited}"')
    (link,) = _run(source, copy)
    assert link.kind == "edited"
    assert 0.8 < link.similarity < 1.0
    text_a, text_b = _texts(link, source, copy)
    assert text_a == WIRE
    assert text_b == edited


def test_unrelated_articles_give_no_link() -> None:
    assert _run(_article("a", WIRE), _article("b", UNRELATED), _article("c", FILLER_A)) == ()


def test_same_article_twice_links_nothing_and_is_indexed_once() -> None:
    article = _article("a", f"{WIRE} {WIRE}")
    index = MemoryFingerprintIndex()
    pairs = [(article, segment(article))] * 2
    assert find_reuse(pairs, index, lambda _id: (article, segment(article))) == ()
    defaults = ReuseSettings()
    ngrams = ngram_hashes(words_of(segment(article)), defaults.ngram_words)
    hashes, _ = fingerprints(ngrams, defaults.winnow_window)
    postings = index.postings(hashes).rows()
    # The memory index holds each of an article's hashes once (the text repeats itself).
    assert len(postings) == len(set(hashes.tolist())) < len(hashes)
    # A later run over the same article neither links it to itself nor indexes it again.
    assert find_reuse(pairs[:1], index, lambda _id: (article, segment(article))) == ()
    assert len(index.postings(hashes).rows()) == len(postings)


def test_links_are_symmetric_in_input_order() -> None:
    articles = [
        _article("x", f"{FILLER_A}\n\n{WIRE}"),
        _article("m", f"{WIRE}\n\n{FILLER_B}"),
        _article("c", f"{UNRELATED} {WIRE[:160]}"),
    ]
    forward = _run(*articles)
    backward = _run(*reversed(articles))
    assert forward == backward
    assert len(forward) == 3
    assert all(link.a.article_id < link.b.article_id for link in forward)


def test_new_articles_are_matched_against_the_index() -> None:
    old = _article("old", f"{FILLER_A}\n\n{WIRE}")
    new = _article("new", f"{WIRE}\n\n{FILLER_B}")
    index = MemoryFingerprintIndex()
    stored = {"old": (old, segment(old))}
    assert find_reuse([stored["old"]], index, stored.__getitem__) == ()
    (link,) = find_reuse([(new, segment(new))], index, stored.__getitem__)
    assert (link.a.article_id, link.b.article_id) == ("new", "old")


def test_common_phrases_over_the_document_frequency_cap_propose_no_pair() -> None:
    articles = [_article(f"a{k}", f"{WIRE} Item number {k}.") for k in range(4)]
    assert len(_run(*articles)) == 6
    assert _run(*articles, settings_=ReuseSettings(max_df=3)) == ()


def test_hashes_are_stable_across_runs_and_machines() -> None:
    assert token_hash("news") == 15092568253382157997
    words = words_of(Segmentation("x", (), tokenize("The quick brown fox jumps over the lazy dog")))
    assert ngram_hashes(words, 5).tolist() == [
        -6119229904504037955,
        -570314724833240777,
        4613693428282416105,
        -3666750568999040553,
        -5609813833208344781,
    ]


def test_winnowing_keeps_the_rightmost_minimum_of_each_window() -> None:
    hashes, positions = fingerprints(np.array([5, 3, 3, 9, 8, 1, 7], dtype=np.int64), 3)
    assert positions.tolist() == [2, 5]
    assert hashes.tolist() == [3, 1]
    short_hashes, short_positions = fingerprints(np.array([4, 2], dtype=np.int64), 3)
    assert (short_hashes.tolist(), short_positions.tolist()) == ([2], [1])


def test_quoted_spans_pair_straight_and_curly_marks_within_a_line() -> None:
    text = 'He said "yes" and “no”.\n"Unclosed line\nlast'
    assert quoted_spans(text) == [(8, 13), (18, 22)]


def _family_links(text_a: str, text_b: str) -> tuple[ReuseLink, ...]:
    return _run(_article("a", text_a), _article("b", text_b))


def test_family_of_copied_text_is_a_copy_with_the_earliest_origin() -> None:
    early, late = datetime(2020, 1, 1, tzinfo=UTC), datetime(2020, 1, 2, tzinfo=UTC)
    articles = {
        "a": _article("a", f"{FILLER_A}\n\n{WIRE}", late),
        "b": _article("b", f"{WIRE}\n\n{FILLER_B}", early),
        "c": _article("c", f"{UNRELATED}\n{WIRE}", late),
    }
    links = _run(*articles.values())
    (family,) = build_families(links, articles)
    assert family.kind == "copy"
    assert family.origin_article_id == "b"
    assert [p.article_id for p in family.passages] == ["a", "b", "c"]
    assert build_families(links, articles) == (family,)
    tied = {key: _article(key, article.text, late) for key, article in articles.items()}
    assert build_families(links, tied)[0].origin_article_id is None
    undated = {**articles, "c": _article("c", articles["c"].text)}
    assert build_families(links, undated)[0].origin_article_id is None


def test_largely_overlapping_passages_of_one_article_join_one_family() -> None:
    articles = {
        "hub": _article("hub", WIRE),
        "p": _article("p", f"{FILLER_A} {WIRE[:220]}"),
        "q": _article("q", f"{FILLER_B} {WIRE[20:240]}"),
    }
    links = _run(*articles.values())
    (family,) = build_families(links, articles)
    hub = [p for p in family.passages if p.article_id == "hub"]
    assert len(hub) == 1


def test_passages_that_merely_touch_stay_in_separate_families() -> None:
    # p took the first part of the wire, q the second: sharing 50 characters in the hub does
    # not make p's and q's texts one family (each keeps its own origin).
    first, second = WIRE[:200], WIRE[150:]
    articles = {
        "hub": _article("hub", WIRE),
        "p": _article("p", f"{FILLER_A} {first}"),
        "q": _article("q", f"{FILLER_B} {second}"),
    }
    families = build_families(_run(*articles.values()), articles)
    members = sorted(sorted({p.article_id for p in f.passages}) for f in families)
    assert ["hub", "p"] in members and ["hub", "q"] in members


def test_a_sentence_taken_from_a_copied_paragraph_is_its_own_family() -> None:
    # b took a whole paragraph from a; c, later, took one sentence of it. c's passage lies
    # inside the paragraph in a and b but is not the same text: it forms its own family (a's,
    # b's and c's copies of the sentence), so the paragraph's family does not list c.
    days = [datetime(2020, 1, day, tzinfo=UTC) for day in (1, 2, 3)]
    paragraph = f"{WIRE} {FILLER_A}"
    sentence = WIRE[: WIRE.index(".") + 1]
    articles = {
        "a": _article("a", paragraph, days[0]),
        "b": _article("b", f"{FILLER_B}\n\n{paragraph}", days[1]),
        "c": _article("c", f"{UNRELATED}\n{sentence}", days[2]),
    }
    families = build_families(_run(*articles.values()), articles)
    members = sorted(sorted({p.article_id for p in f.passages}) for f in families)
    assert members == [["a", "b"], ["a", "b", "c"]]
    assert {f.origin_article_id for f in families} == {"a"}


@settings(max_examples=40, deadline=None)
@given(
    prefix=st.text(alphabet="abc XYZ.,\"'\n“”-1", max_size=40),
    suffix=st.text(alphabet="abc XYZ.,\"'\n“”-1", max_size=40),
    cut=st.integers(min_value=0, max_value=len(WIRE) // 2),
)
def test_spans_stay_inside_the_texts(prefix: str, suffix: str, cut: int) -> None:
    articles = [_article("a", prefix + WIRE[cut:]), _article("b", WIRE[: len(WIRE) - cut] + suffix)]
    by_id = {a.id: a for a in articles}
    for link in _run(*articles):
        for passage in (link.a, link.b):
            text = by_id[passage.article_id].text
            assert 0 <= passage.start < passage.end <= len(text)
            assert text[passage.start : passage.end].strip()
        assert link.a.article_id != link.b.article_id


def test_a_copy_of_exactly_min_words_words_is_always_found() -> None:
    # Two windows of winnow_window n-grams fit in min_words words, so such a copy shares two
    # fingerprints whatever its hashes are; check it for every cut of the wire text.
    defaults = ReuseSettings()
    words = WIRE.split()
    for first in range(0, len(words) - defaults.min_words, 3):
        copied = " ".join(words[first : first + defaults.min_words])
        text_a, text_b = f"{UNRELATED} {copied} {FILLER_A}", f"{FILLER_B} {copied}"
        (link,) = _family_links(text_a, text_b)
        assert text_a[link.a.start : link.a.end].startswith(copied.rstrip(".,"))
        assert text_b[link.b.start : link.b.end].startswith(copied.rstrip(".,"))


# Hash values spread over 64 bits, as real fingerprints are (the hash filter reads top bits).
_SPREAD = np.random.default_rng(7).integers(-(2**63), 2**63 - 1, 13, dtype=np.int64).tolist()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(_SPREAD[:11]), max_size=6),
            st.booleans(),  # look up after this article (sorts the buffer into a run)
        ),
        max_size=12,
    ),
    st.lists(st.sampled_from(_SPREAD), max_size=8),
    st.sampled_from([1, 4, 1 << 26]),  # runs stop merging at this size
    # When the hash filter starts, and its size (a small one makes false positives).
    st.sampled_from([(1 << 22, 31), (0, 4), (5, 8)]),
)
def test_memory_index_answers_like_a_plain_dict(
    articles: list[tuple[list[int], bool]],
    query: list[int],
    max_run_rows: int,
    hash_filter: tuple[int, int],
) -> None:
    index = MemoryFingerprintIndex(max_run_rows, *hash_filter)
    expected: dict[int, list[str]] = {}
    for number, (hashes, look) in enumerate(articles):
        positions = list(range(len(hashes)))
        index.add(f"a{number}", np.array(hashes, np.int64), np.array(positions, np.int32))
        for value in set(hashes):  # each hash once an article
            expected.setdefault(value, []).append(f"a{number}")
        if look:
            index.postings(np.array(query, np.int64))
    got = sorted(index.postings(np.array(query, np.int64)).rows())
    want = sorted((v, a) for v in set(query) for a in expected.get(v, ()))
    assert got == want
    for cap in range(3):
        rows = index.postings(np.array(query, np.int64), cap).rows()
        assert_capped([(v, a, 0) for v, a in rows], [(v, a, 0) for v, a in want], cap)


def assert_capped(
    got: Iterable[tuple[int, str, int]], every: list[tuple[int, str, int]], cap: int
) -> None:
    """``got`` is a lookup capped at ``cap`` holders of the full answer ``every``: all postings
    of a hash held by at most ``cap`` articles, more than ``cap`` of the holders of any other
    (the memory index gives ``cap + 1``, the store up to that many from each of its levels)."""
    got = list(got)
    assert set(got) <= set(every)
    for value in {v for v, _, _ in every}:
        holders = {a for v, a, _ in every if v == value}
        kept = [(a, p) for v, a, p in got if v == value]
        if len(holders) <= cap:
            assert sorted(kept) == sorted((a, p) for v, a, p in every if v == value)
        else:
            assert cap < len({a for a, _ in kept}) <= (cap + 1) * FINGERPRINT_LEVELS


def test_a_prepared_cache_changes_no_link_and_drops_the_least_recently_used() -> None:
    articles = [_article("a", f"{FILLER_A} {WIRE}"), _article("b", f"{WIRE} {FILLER_B}")]
    pairs = [(a, segment(a)) for a in articles]
    load = {a.id: (a, s) for a, s in pairs}.__getitem__
    index, cached_index = MemoryFingerprintIndex(), MemoryFingerprintIndex()
    cache = PreparedCache(size=1)
    plain = find_reuse(pairs[:1], index, load) + find_reuse(pairs[1:], index, load)
    cached = find_reuse(pairs[:1], cached_index, load, ReuseSettings(), cache)
    cached += find_reuse(pairs[1:], cached_index, load, ReuseSettings(), cache)
    assert cached == plain and plain
    # Each batch's own articles are kept for the next batches: "b" came last, so it is held,
    # and with room for one, "a" was dropped.
    prepared = cache.get("b", lambda: pytest.fail("cached: not made again"))
    remade: list[str] = []

    def make_a() -> object:
        remade.append("a")
        return prepared

    cache.get("a", make_a)  # type: ignore[arg-type]
    assert remade == ["a"]


_PIECES = ["Rain", "fell", "U.S.", "3.5", "1,000", "it's", '"', "“", "”", ".", "!", "?", ",", "…"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_PIECES), st.sampled_from(["", " ", "  ", "\n"]))))
def test_word_view_marks_sentence_edges_as_the_tokens_say(pieces: list[tuple[str, str]]) -> None:
    """``words_of`` reads sentence edges from the tokens once, into plain arrays; each word's
    flags equal the token-by-token definitions alignment used to read directly."""
    text = "".join(piece + gap for piece, gap in pieces)
    segmentation = segment(_article("a", text))
    tokens = list(segmentation.tokens)
    starts = {sentence.start for sentence in segmentation.sentences}
    positions = [i for i, token in enumerate(tokens) if any(c.isalnum() for c in token.norm)]
    words = words_of(segmentation)
    assert len(words) == len(positions)
    for word, position in enumerate(positions):
        after = tokens[position + 1] if position + 1 < len(tokens) else None
        closing = (
            after is not None
            and after.start == tokens[position].end
            and after.norm in {".", "!", "?"}
        )
        assert words.closing[word] == (ord(after.norm) if closing and after else 0)
        before = tokens[position - 1] if position > 0 else None
        opens = (
            position == 0
            or tokens[position].start in starts
            or (
                before is not None
                and before.norm == '"'
                and (position == 1 or before.start in starts)
            )
        )
        assert words.opens[word] == opens
