"""A synthetic news stream for the clustering benchmark: seeded, made-up names, dated events.

Each event has a kind (its topic words: a quake, a trial, a match, ...), two or three made-up
people, an organisation, a place, a few numbers, a dozen made-up detail words (what its
coverage keeps repeating) and a date; its articles appear over the next
few days, each mixing the event's words and names with common filler words. Events of one kind
recur with other names and dates, so the stream has the look-alike events ECB+ tests. Events
start evenly over ``days`` days, so a 30-day window holds about ``30 / days`` of the stream.

Usage: ``python bench/stream.py N [--seed 7] [--days 365] > stream.jsonl`` (one article a line:
id, title, text, published, event); ``bench/cluster.py --stream N`` uses ``generate`` directly.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ren",
    "dar",
    "vel",
    "tos",
    "una",
    "bri",
    "gan",
    "sel",
    "or",
    "pet",
    "ril",
    "mon",
    "zu",
    "fa",
    "hel",
    "ost",
    "ara",
]
_FILLER = [
    "people",
    "officials",
    "reported",
    "local",
    "early",
    "later",
    "statement",
    "week",
    "morning",
    "evening",
    "city",
    "region",
    "country",
    "government",
    "police",
    "team",
    "members",
    "group",
    "public",
    "news",
    "meeting",
    "plan",
    "support",
    "issue",
    "report",
    "time",
    "area",
    "work",
    "days",
    "hours",
    "families",
    "residents",
    "service",
    "community",
    "leaders",
    "center",
    "national",
    "state",
    "office",
    "question",
    "response",
    "situation",
    "effort",
    "share",
    "result",
    "major",
]
_KINDS = {
    "quake": "earthquake magnitude tremor epicentre aftershock rubble collapsed buildings",
    "flood": "flood river rain water evacuation banks rescue boats submerged",
    "trial": "court trial judge jury charged murder verdict sentence prosecutor",
    "match": "match goals striker coach derby league referee stadium scored",
    "election": "election vote ballot parliament candidate polls turnout coalition",
    "takeover": "acquisition deal shares company billion merger shareholders offer",
    "fire": "fire blaze firefighters smoke flames burned arson destroyed",
    "crash": "crash plane pilot passengers runway aircraft investigators wreckage",
    "heist": "robbery thieves jewellery stolen police store diamonds raid",
    "rehab": "rehab clinic actress treatment addiction publicist checked sober",
}


def _name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(parts)).capitalize()


@dataclass(frozen=True, slots=True)
class _Event:
    number: int
    kind: str
    people: tuple[str, ...]
    org: str
    place: str
    numbers: tuple[str, ...]
    details: tuple[str, ...]
    start: datetime
    articles: int


def _event(rng: random.Random, number: int, start: datetime) -> _Event:
    people = tuple(
        f"{_name(rng, 2)} {_name(rng, rng.choice((2, 3)))}" for _ in range(rng.choice((2, 3)))
    )
    org = f"{_name(rng, 2)} {rng.choice(('Group', 'Council', 'Corp', 'Agency', 'United'))}"
    numbers = tuple(str(rng.randint(2, 999)) for _ in range(3))
    details = tuple(_name(rng, rng.choice((2, 3))).lower() for _ in range(12))
    size = min(60, max(1, int(rng.expovariate(1 / 10))))
    return _Event(
        number,
        rng.choice(sorted(_KINDS)),
        people,
        org,
        _name(rng, 3),
        numbers,
        details,
        start,
        size,
    )


def _sentence(rng: random.Random, event: _Event, topic: list[str]) -> str:
    words = (
        rng.choices(_FILLER, k=rng.randint(4, 9))
        + rng.choices(topic, k=rng.randint(1, 3))
        + rng.choices(event.details, k=rng.randint(2, 4))
    )
    words.insert(rng.randrange(len(words)), rng.choice((*event.people, event.org, event.place)))
    if rng.random() < 0.4:
        words.insert(rng.randrange(len(words)), rng.choice(event.numbers))
    rng.shuffle(words)
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def generate(n: int, seed: int = 7, days: float = 365.0) -> Iterator[dict[str, object]]:
    """``n`` articles in publication order (ties by id); ``event`` is the gold story."""
    rng = random.Random(seed)
    origin = datetime(2024, 1, 1, tzinfo=UTC)
    mean_size = 10.0
    events_total = max(1, int(n / mean_size))
    pending: list[tuple[datetime, str, dict[str, object]]] = []
    produced = 0
    number = 0
    while produced < n:
        start = origin + timedelta(days=days * number / events_total)
        event = _event(rng, number, start)
        number += 1
        topic = _KINDS[event.kind].split()
        for k in range(event.articles):
            published = start + timedelta(hours=rng.expovariate(1 / 30))
            title_words = [rng.choice((*event.people, event.place)), *rng.sample(topic, 3)]
            body = " ".join(_sentence(rng, event, topic) for _ in range(rng.randint(6, 14)))
            article_id = f"e{event.number:07d}-{k:02d}"
            record = {
                "id": article_id,
                "title": " ".join(title_words).capitalize(),
                "text": body,
                "published": published.isoformat(),
                "event": f"e{event.number}",
            }
            pending.append((published, article_id, record))
        # Articles appear up to a few days after their event starts: release what is settled.
        pending.sort(key=lambda item: (item[0], item[1]))
        horizon = start - timedelta(days=10)
        while pending and pending[0][0] < horizon and produced < n:
            yield pending.pop(0)[2]
            produced += 1
        if number > events_total * 2:
            break
    for _, _, record in pending[: n - produced]:
        yield record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--days", type=float, default=365.0)
    args = parser.parse_args()
    for record in generate(args.n, args.seed, args.days):
        sys.stdout.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()
