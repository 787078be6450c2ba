"""Story assignment: same event together, different events apart, story ids never change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storytrace.cluster import ClusterSettings, StoryIndex, assign_stories
from storytrace.model import Article, Passage, ReuseLink
from storytrace.reuse import MemoryFingerprintIndex, find_reuse
from storytrace.segment import segment

FLOOD_1 = (
    "Flood waters rise in Riverton",
    "Heavy rain pushed the Riverton river over its banks on Monday, flooding hundreds of homes "
    "in the lower valley. Mayor Helen Ostrova ordered the evacuation of the Eastside district "
    "and opened the Riverton sports hall as a shelter. Emergency crews used boats to reach "
    "residents trapped by the flood water.",
)
FLOOD_2 = (
    "Riverton evacuates Eastside as flood spreads",
    "Hundreds of Riverton residents spent the night in the sports hall after the flood reached "
    "the Eastside district. Mayor Ostrova said the river had risen faster than forecast and "
    "that boats were still rescuing families trapped in flooded homes in the valley.",
)
MATCH_1 = (
    "Northport beat Southgate in derby",
    "Northport won the derby against Southgate three goals to one on Saturday, with striker "
    "Marco Diallo scoring twice before half time in front of a full stadium. Southgate coach "
    "Peter Lind blamed the referee for a disallowed equaliser.",
)
MATCH_2 = (
    "Diallo double sinks Southgate",
    "Marco Diallo scored twice as Northport beat Southgate 3-1 in the derby. Coach Peter Lind "
    "of Southgate was furious with the referee after a late goal was disallowed, and the "
    "Northport fans celebrated the derby win long after the whistle.",
)
ELECTION = (
    "Parliament passes budget",
    "The parliament in Valmora approved the national budget on Thursday after a long debate "
    "over pension reform. Finance minister Ana Kovac said spending on schools would rise, "
    "while the opposition promised to challenge the tax changes in court.",
)

_SEED_DIRS = (
    Path(__file__).parents[1] / "examples" / "seeds",
    Path(__file__).parent / "data" / "seeds",
)
SEEDS = next((d for d in _SEED_DIRS if len(list(d.glob("0*.txt"))) >= 2), _SEED_DIRS[0])
DAY = datetime(2021, 3, 1, 9, 0, tzinfo=UTC)


def _article(article_id: str, story: tuple[str, str], published: datetime | None = None) -> Article:
    title, text = story
    return Article(
        id=article_id,
        origin="test",
        format="text",
        raw=text.encode("utf-8"),
        title=title,
        text=f"{title}\n\n{text}",
        published=published,
    )


def _by_id(*articles: Article) -> dict[str, Article]:
    return {article.id: article for article in articles}


def test_same_event_joins_and_different_events_stay_apart() -> None:
    articles = _by_id(
        _article("flood-a", FLOOD_1, DAY),
        _article("match-a", MATCH_1, DAY),
        _article("flood-b", FLOOD_2, DAY + timedelta(hours=5)),
        _article("match-b", MATCH_2, DAY + timedelta(hours=6)),
        _article("vote", ELECTION, DAY + timedelta(hours=7)),
    )
    result = assign_stories(list(articles.values()), {}, articles, [])
    assert result == {
        "flood-a": "sflood-a",
        "flood-b": "sflood-a",
        "match-a": "smatch-a",
        "match-b": "smatch-a",
        "vote": "svote",
    }


def test_result_does_not_depend_on_input_order() -> None:
    articles = [
        _article("flood-a", FLOOD_1),
        _article("match-a", MATCH_1),
        _article("flood-b", FLOOD_2),
        _article("match-b", MATCH_2),
    ]
    by_id = _by_id(*articles)
    assert assign_stories(articles, {}, by_id, []) == assign_stories(
        list(reversed(articles)), {}, by_id, []
    )


def test_later_articles_never_rename_or_move_existing_stories() -> None:
    first = _by_id(_article("flood-b", FLOOD_2, DAY), _article("match-a", MATCH_1, DAY))
    assigned = assign_stories(list(first.values()), {}, first, [])
    assert assigned == {"flood-b": "sflood-b", "match-a": "smatch-a"}
    # An earlier-dated article on the same flood arrives later: it joins, nothing is renamed.
    later = [_article("flood-a", FLOOD_1, DAY - timedelta(hours=3)), _article("vote", ELECTION)]
    everything = {**first, **_by_id(*later)}
    result = assign_stories(later, assigned, everything, [])
    assert result == {"flood-a": "sflood-b", "vote": "svote"}
    # Given again, an assigned article keeps its story even if it would now fit elsewhere.
    again = assign_stories([first["match-a"]], {"match-a": "sother"}, everything, [])
    assert again == {"match-a": "sother"}


def test_articles_too_far_apart_in_time_do_not_join_but_unknown_dates_do() -> None:
    articles = _by_id(
        _article("flood-a", FLOOD_1, DAY), _article("flood-b", FLOOD_2, DAY + timedelta(days=45))
    )
    capped = ClusterSettings(max_gap_days=30)
    result = assign_stories(list(articles.values()), {}, articles, [], capped)
    assert result == {"flood-a": "sflood-a", "flood-b": "sflood-b"}
    undated = {**articles, "flood-b": _article("flood-b", FLOOD_2)}
    result = assign_stories(list(undated.values()), {}, undated, [], capped)
    assert result == {"flood-a": "sflood-a", "flood-b": "sflood-a"}


def test_by_default_a_follow_up_weeks_later_still_joins_its_story() -> None:
    """No date limit by default (v3): late follow-ups and wrong page dates are common."""
    articles = _by_id(
        _article("flood-a", FLOOD_1, DAY), _article("flood-b", FLOOD_2, DAY + timedelta(days=45))
    )
    result = assign_stories(list(articles.values()), {}, articles, [])
    assert result == {"flood-a": "sflood-a", "flood-b": "sflood-a"}


def test_a_reuse_link_ties_articles_that_share_few_words() -> None:
    articles = _by_id(_article("vote", ELECTION), _article("match-a", MATCH_1))
    link = ReuseLink(Passage("match-a", 0, 120), Passage("vote", 0, 120), 1.0, "verbatim")
    assert len(set(assign_stories(list(articles.values()), {}, articles, []).values())) == 2
    result = assign_stories(list(articles.values()), {}, articles, [link])
    assert result == {"match-a": "smatch-a", "vote": "smatch-a"}
    short = ReuseLink(Passage("match-a", 0, 20), Passage("vote", 0, 20), 1.0, "verbatim")
    assert len(set(assign_stories(list(articles.values()), {}, articles, [short]).values())) == 2


def test_new_story_id_is_derived_from_the_first_article_and_never_collides() -> None:
    articles = _by_id(_article("0123456789abcdef", ELECTION), _article("x", MATCH_1))
    result = assign_stories([articles["0123456789abcdef"]], {"x": "s0123456789ab"}, articles, [])
    assert result == {"0123456789abcdef": "s0123456789ab-2"}


def test_nothing_to_compare_on_starts_one_story_per_article() -> None:
    articles = _by_id(
        Article(id="a", origin="t", format="text", raw=b"", text="the of and"),
        Article(id="b", origin="t", format="text", raw=b"", text=""),
    )
    assert assign_stories(list(articles.values()), {}, articles, [], ClusterSettings()) == {
        "a": "sa",
        "b": "sb",
    }


@pytest.mark.skipif(len(list(SEEDS.glob("0*.txt"))) < 2, reason="seed articles not available")
def test_seed_articles_share_one_story_apart_from_unrelated_ones() -> None:
    files = sorted(SEEDS.glob("0*.txt"))[:2]
    seeds = [
        Article(
            id=article_id,
            origin=str(path),
            format="text",
            raw=b"",
            text=path.read_text(encoding="utf-8"),
            published=published,
        )
        for path, article_id, published in zip(
            files, ("000", "001"), (None, datetime(2017, 5, 19, 5, 31, tzinfo=UTC)), strict=True
        )
    ]
    articles = _by_id(*seeds, _article("match-a", MATCH_1), _article("flood-a", FLOOD_1))
    pairs = [(seed, segment(seed)) for seed in seeds]
    links = find_reuse(
        pairs, MemoryFingerprintIndex(), {s.id: (s, g) for s, g in pairs}.__getitem__
    )
    for given_links in ((), links):
        result = assign_stories(list(articles.values()), {}, articles, given_links)
        assert result["000"] == result["001"]
        assert len({result["000"], result["match-a"], result["flood-a"]}) == 3


def _two_events_and_a_vote() -> list[Article]:
    """Two floods and two matches a few hours apart, then an unrelated vote."""
    return [
        _article("flood-a", FLOOD_1, DAY),
        _article("match-a", MATCH_1, DAY + timedelta(hours=1)),
        _article("flood-b", FLOOD_2, DAY + timedelta(hours=5)),
        _article("match-b", MATCH_2, DAY + timedelta(hours=6)),
        _article("vote", ELECTION, DAY + timedelta(hours=7)),
    ]


def test_streaming_index_keeps_ids_across_batches_and_agrees_with_one_call() -> None:
    articles = _two_events_and_a_vote()
    index = StoryIndex()
    first = index.add(articles[:2])
    assert first == {"flood-a": "sflood-a", "match-a": "smatch-a"}
    later = index.add(articles[2:] + articles[:1])  # a known article keeps its story
    assert later == {
        "flood-a": "sflood-a",
        "flood-b": "sflood-a",
        "match-b": "smatch-a",
        "vote": "svote",
    }
    one_call = assign_stories(articles, {}, _by_id(*articles), [])
    assert one_call == first | later
    assert StoryIndex().add(list(reversed(articles))) == one_call  # same order, same answer


def test_streaming_index_evicts_stories_idle_for_longer_than_the_window() -> None:
    index = StoryIndex(ClusterSettings(window_days=30))
    index.add([_article("flood-a", FLOOD_1, DAY), _article("match-a", MATCH_1, DAY)])
    assert (index.active_stories, index.active_articles) == (2, 2)
    index.add([_article("match-b", MATCH_2, DAY + timedelta(days=25))])
    assert index.add([_article("vote", ELECTION, DAY + timedelta(days=40))]) == {"vote": "svote"}
    # Before the next batch, the flood story (idle for 40 days) is evicted, the match story
    # (active 15 days ago) is not; a late article on the flood starts a new story.
    late = index.add([_article("flood-b", FLOOD_2, DAY + timedelta(days=41))])
    assert late == {"flood-b": "sflood-b"}
    assert index.story_of("flood-a") is None
    assert index.story_of("match-b") == "smatch-a"
    assert (index.active_stories, index.active_articles) == (3, 4)


def test_streaming_index_caps_active_articles_and_avoids_taken_ids() -> None:
    index = StoryIndex(
        ClusterSettings(max_active_articles=1), story_exists={"sflood-a"}.__contains__
    )
    assert index.add([_article("flood-a", FLOOD_1)]) == {"flood-a": "sflood-a-2"}
    index.add([_article("match-a", MATCH_1)])
    index.add([_article("vote", ELECTION)])
    # Before the last batch only the most recently active story fitted under the cap.
    assert index.active_articles == 2
    assert index.story_of("flood-a") is None
    assert (index.story_of("match-a"), index.story_of("vote")) == ("smatch-a", "svote")


# Two look-alike events: ship, place, commander and a detail each.
STAR = "Marlin Star,Socotra,Arun Mehta,Its grain cargo for Mombasa was unharmed"
DAWN = "Baltic Dawn,Eyl,Sofia Brandt,Two sailors hurt by gunfire flew home to Durban"


def _look_alike(event: str, names: str, number: int) -> Article:
    """One of several reports of an event: the words every pirate attack shares, the event's
    own names and details, and a detail of this report alone."""
    ship, place, commander, detail = names.split(",")
    text = (
        f"Pirates attacked the {ship} off {place} and the navy sent a warship. {detail}. "
        f"Commander {commander} said the {ship} reached {place} safely. Report {number}."
    )
    return _article(f"{event}-{number}", (f"Navy repels pirates attacking {ship}", text))


def test_split_repair_cuts_two_look_alike_events_chained_into_one_story() -> None:
    articles = [_look_alike("star", STAR, n) for n in range(6)]
    articles += [_look_alike("dawn", DAWN, n) for n in range(6)]
    by_id = _by_id(*articles)
    # A threshold low enough that one pass chains both events into one story.
    chained = ClusterSettings(threshold=0.05, split_min_part=0)
    assert len(set(assign_stories(articles, {}, by_id, [], chained).values())) == 1
    repaired = assign_stories(articles, {}, by_id, [], ClusterSettings(threshold=0.05))
    star = {repaired[a.id] for a in articles if a.id.startswith("star")}
    dawn = {repaired[a.id] for a in articles if a.id.startswith("dawn")}
    assert len(star) == 1 and len(dawn) == 1 and star != dawn
    # The part holding the story's first article (by id, none dated: "dawn-0") keeps its id;
    # the part split off is named after its own first article.
    assert (dawn, star) == ({"sdawn-0"}, {"sstar-0"})
    # Too few articles on one side: nothing is cut.
    few = articles[:6] + articles[6:9]
    lopsided = assign_stories(few, {}, _by_id(*few), [], ClusterSettings(threshold=0.05))
    assert len(set(lopsided.values())) == 1


def test_split_repair_never_moves_articles_of_earlier_batches() -> None:
    settings = ClusterSettings(threshold=0.05)
    index = StoryIndex(settings, evict=False)
    earlier = index.add([_look_alike("star", STAR, n) for n in range(6)])
    later = index.add([_look_alike("dawn", DAWN, n) for n in range(6)])
    # The second event joined the first batch's story, which is not repaired: its members stay.
    assert set(earlier.values()) == {"sstar-0"}
    assert {index.story_of(article_id) for article_id in earlier} == {"sstar-0"}
    assert set(later.values()) == {"sstar-0"}


def test_blocks_of_a_batch_give_the_stories_of_one_block() -> None:
    """A batch is assigned in blocks of ``assign_batch`` (among the batch's own articles, the
    cost is linear, not quadratic): each block joins the story sums as it ends, which gives the
    same products, so the same stories; the split repair still sees the whole batch."""
    articles = _two_events_and_a_vote()
    by_id = _by_id(*articles)
    whole = assign_stories(articles, {}, by_id, [])
    for size in (1, 2, 3):
        assert assign_stories(articles, {}, by_id, [], ClusterSettings(assign_batch=size)) == whole
    chained = [_look_alike("dawn", DAWN, n) for n in range(6)]
    chained += [_look_alike("star", STAR, n) for n in range(6)]
    stories = {
        size: assign_stories(
            chained, {}, _by_id(*chained), [], ClusterSettings(threshold=0.05, assign_batch=size)
        )
        for size in (1, 5, 12)
    }
    assert stories[1] == stories[5] == stories[12]
    assert len(set(stories[12].values())) == 2  # chained while assigned, then repaired
