"""The pipeline: batches commit, an interrupted run resumes, nothing committed is lost."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import storytrace
from storytrace import pipeline
from storytrace.clean import clean
from storytrace.export import build_export
from storytrace.model import Article
from storytrace.settings import PipelineSettings, Settings
from storytrace.store import STAGE_CLEANED, STAGE_INGESTED

from .conftest import REPO

EXAMPLES = REPO / "examples"


@pytest.mark.parametrize("step", ["find_reuse", "build_families", "compare"])
def test_interrupted_analysis_resumes_to_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    with storytrace.open(tmp_path / "whole.db") as corpus:
        corpus.ingest([EXAMPLES])
        corpus.analyze()
        expected = build_export(corpus.store)

    def crash(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt

    with storytrace.open(tmp_path / "cut.db") as corpus:
        corpus.ingest([EXAMPLES])
        monkeypatch.setattr(pipeline, step, crash)
        with pytest.raises(KeyboardInterrupt):
            corpus.analyze()
        # the clean stage's batches were committed before the crash
        assert corpus.store.article_ids_at_stage(STAGE_CLEANED) or step != "find_reuse"
        monkeypatch.undo()
        report = corpus.analyze()
        assert report.cleaned == 0  # nothing cleaned twice
        assert build_export(corpus.store) == expected
        assert corpus.store.stories_to_compare() == []


def test_adding_articles_later_keeps_story_ids(tmp_path: Path) -> None:
    with storytrace.open(tmp_path / "s.db") as corpus:
        corpus.ingest([EXAMPLES / "html", EXAMPLES / "seeds"])
        corpus.analyze()
        before = {s.id: set(s.article_ids) for s in corpus.stories()}
        corpus.ingest([EXAMPLES / "feeds", EXAMPLES / "jsonl"])
        corpus.analyze()
        after = {s.id: set(s.article_ids) for s in corpus.stories()}
    for story_id, members in before.items():
        assert story_id in after
        assert members <= after[story_id]


def _fail_to_clean_the_first_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the cleaner raise on the first seed article (forked workers inherit the patch)."""
    real_clean = pipeline.clean

    def clean_or_fail(article: storytrace.Article, *rest: Any) -> storytrace.Article:
        if article.external_id == "000_1e31eddbd92e1f78":
            raise ValueError("pathological page")
        return real_clean(article, *rest)

    monkeypatch.setattr(pipeline, "clean", clean_or_fail)


def test_a_failing_article_is_reported_and_the_rest_analysed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fail_to_clean_the_first_seed(monkeypatch)
    with storytrace.open(tmp_path / "s.db") as corpus:
        corpus.ingest([EXAMPLES / "seeds"])
        report = corpus.analyze()
    assert report.cleaned == 1
    assert len(report.errors) == 1
    assert (
        "000_1e31eddbd92e1f78.txt: cannot analyse: ValueError: pathological page"
        in report.errors[0]
    )


FURNITURE = "The Harbourside News is published every weekday by the Coastal Media Group."
LONG_REPEAT = (
    "Harbourside has covered the town for ninety years, and our reporters still walk the quay "
    "every morning to hear what the boats brought in and what the council plans next for it."
)


def test_an_outlets_repeated_lines_are_removed_as_furniture(tmp_path: Path) -> None:
    outlet = tmp_path / "harbourside-news"
    outlet.mkdir()
    bodies = [
        "The council approved the new sea wall after a two-hour debate on Monday night.",
        "Fishermen say the early mackerel season has been the best in a decade so far.",
        "The ferry timetable changes next week as the summer crossings begin again.",
        "Volunteers cleared four tonnes of plastic from the north beach on Saturday.",
    ]
    pages = [
        f"Headline number {i} for the town\n\n{body} It was a long day for everyone "
        f"involved, officials said.\n\n{LONG_REPEAT}\n\n{FURNITURE}\n"
        for i, body in enumerate(bodies)
    ]
    alone = clean(Article(id="x", origin="x", format="text", raw=pages[0].encode()))
    assert FURNITURE in alone.text  # the page alone gives no reason to drop the line
    for i, page in enumerate(pages):
        (outlet / f"a{i}.txt").write_text(page, "utf-8")
    with storytrace.open(tmp_path / "s.db") as corpus:
        corpus.ingest([outlet])
        corpus.analyze()
        articles = corpus.articles()
    assert len(articles) == 4
    for article in articles:
        assert FURNITURE not in article.text
        assert ("repeated", FURNITURE) in {(b.reason, b.text) for b in article.removed}
        assert LONG_REPEAT in article.text  # long prose is never counted as furniture


def test_analysis_in_worker_processes_gives_the_sequential_answer(tmp_path: Path) -> None:
    """Workers get each batch's line counts read ahead; the export must not change, including
    the lines an outlet repeats (counted across batches of two articles)."""
    outlet = tmp_path / "harbourside-news"
    outlet.mkdir()
    for i in range(6):
        page = f"Headline {i}\n\nThe quay reopened after repairs, day {i}.\n\n{FURNITURE}\n"
        (outlet / f"a{i}.txt").write_text(page, "utf-8")
    exports = []
    for workers in (1, 2):
        settings = Settings(
            pipeline=PipelineSettings(batch_size=2, workers=workers, parallel_min_articles=1)
        )
        with storytrace.open(tmp_path / f"w{workers}.db", settings) as corpus:
            corpus.ingest([EXAMPLES, outlet])
            report = corpus.analyze()
            assert report.cleaned > 10 and not report.errors
            exports.append(build_export(corpus.store))
    assert exports[0] == exports[1]
    assert any("repeated" in json.dumps(a) for a in exports[1]["articles"])


@given(
    st.lists(st.booleans(), min_size=1, max_size=40),
    st.lists(st.booleans(), min_size=40, max_size=40),
    st.integers(min_value=1, max_value=7),
    st.integers(min_value=1, max_value=7),
)
def test_reuse_batches_are_the_sorted_cleaned_articles_cut_from_the_first(
    left_over: list[bool], fails: list[bool], clean_batch: int, reuse_batch: int
) -> None:
    """Reuse runs while later batches are still being cleaned, yet it must take the batches it
    would take after all cleaning (the answers and the Spark job depend on them): with articles
    left cleaned by an interrupted run among the new ones, and articles that fail to clean."""
    ids = [f"{i:03d}" for i in range(len(left_over))]
    cleaned_before = [key for key, old in zip(ids, left_over, strict=True) if old]
    pending = [key for key, old in zip(ids, left_over, strict=True) if not old]
    failed = {key for key, fail in zip(pending, fails, strict=False) if fail}
    settings = Settings(pipeline=PipelineSettings(batch_size=reuse_batch))
    step = pipeline._ReuseStep(None, settings, pipeline.AnalyzeReport(), lambda *_: None)  # type: ignore[arg-type]
    batches: list[list[str]] = []
    step._run = lambda batch: batches.append(list(batch))  # type: ignore[method-assign]
    step.add(cleaned_before)
    for start in range(0, len(pending), clean_batch):
        batch = pending[start : start + clean_batch]
        step.run_full_batches()
        step.add([key for key in batch if key not in failed], frontier=batch[-1])
    step.run_all()
    everything = sorted([*cleaned_before, *(key for key in pending if key not in failed)])
    assert batches == [list(b) for b in pipeline._batches(everything, reuse_batch)]


def test_reuse_overlapping_the_cleaning_takes_the_batches_of_the_sorted_cleaned_articles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same, through the store: a run cut short after cleaning, more articles ingested,
    one of them failing to clean, two analysis workers."""
    real_find_reuse = pipeline.find_reuse
    batches: list[list[str]] = []

    def recording(batch: Any, *rest: Any) -> Any:
        batches.append([article.id for article, _ in batch])
        return real_find_reuse(batch, *rest)

    def crash(*_: object) -> object:
        raise KeyboardInterrupt

    settings = Settings(pipeline=PipelineSettings(batch_size=3, workers=2, parallel_min_articles=1))
    with storytrace.open(tmp_path / "s.db", settings) as corpus:
        corpus.ingest([EXAMPLES / "html", EXAMPLES / "jsonl"])
        monkeypatch.setattr(pipeline, "find_reuse", crash)
        with pytest.raises(KeyboardInterrupt):
            corpus.analyze()
        left = corpus.store.article_ids_at_stage(STAGE_CLEANED)
        assert left
        corpus.ingest([EXAMPLES / "feeds", EXAMPLES / "seeds"])
        monkeypatch.setattr(pipeline, "find_reuse", recording)
        _fail_to_clean_the_first_seed(monkeypatch)
        report = corpus.analyze()
        failed = corpus.store.article_ids_at_stage(STAGE_INGESTED)
        reused = sorted({a.id for a in corpus.articles()} - set(failed))
        assert len(report.errors) == 1
    assert [key for batch in batches for key in batch] == reused
    assert set(left) <= set(reused)
    assert batches == [list(b) for b in pipeline._batches(reused, 3)]


def _flood_report(day: str, outlet: str, words: str) -> str:
    text = (
        f"The river Aldmere burst its banks at Kettleby on {words}, flooding two hundred homes. "
        "The Kettleby council opened the Aldmere school hall as a shelter and asked residents "
        "of the low streets near the Kettleby bridge to leave before the next high tide."
    )
    record = {
        "id": f"{outlet}-{day}",
        "title": "Aldmere floods Kettleby",
        "text": text,
        "source": outlet,
        "published": f"{day}T09:00:00Z",
    }
    return json.dumps(record) + "\n"


def test_a_story_idle_longer_than_the_window_takes_no_new_articles(tmp_path: Path) -> None:
    """Later runs compare new articles with the stories of the open window only (as a
    streaming StoryIndex does): a report months after a story went quiet starts a new one."""
    runs = [
        _flood_report("2024-01-02", "one.example", "Tuesday")
        + _flood_report("2024-01-03", "two.example", "Tuesday night"),
        _flood_report("2024-01-20", "three.example", "Tuesday"),  # 17 days on: same story
        _flood_report("2024-04-01", "four.example", "Tuesday"),  # 72 days on: closed
    ]
    with storytrace.open(tmp_path / "w.db") as corpus:
        for number, lines in enumerate(runs):
            path = tmp_path / f"run{number}.jsonl"
            path.write_text(lines, "utf-8")
            corpus.ingest([path])
            corpus.analyze()
        outlets = [
            {article.source for article in corpus.store.articles(list(story.article_ids))}
            for story in corpus.stories()
        ]
    assert sorted(outlets, key=len) == [
        {"four.example"},
        {"one.example", "two.example", "three.example"},
    ]


@pytest.mark.skipif(sys.platform != "linux", reason="analysis workers are forked on Linux only")
def test_analysis_workers_die_with_their_parent() -> None:
    """A killed run must not leave workers behind (a forked worker never sees its queue
    close, so without the parent-death signal it would wait forever)."""
    script = (
        "import os, time\n"
        "from storytrace.pipeline import _AnalysisPool\n"
        "pool = _AnalysisPool(2)\n"
        "assert pool._pool is not None\n"
        "print(*[p.submit(os.getpid).result() for p in [pool._pool] * 4], flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    workers = {int(pid) for pid in parent.stdout.readline().split()}
    assert workers and parent.pid not in workers
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its new parent to reap it has finished)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def test_a_story_is_named_by_a_headline_not_by_a_date_title() -> None:
    def member(key: str, title: str | None, day: int) -> Article:
        published = datetime(2026, 3, day, tzinfo=UTC)
        return Article(key, "t", "text", b"", title=title, published=published, text="Body text.")

    dated = member("a", "March 02, 2026", 2)
    headline = member("b", "Flood waters reach the old bridge", 3)
    assert pipeline.story_summary("s", [dated, headline]).title == headline.title
    assert pipeline.story_summary("s", [dated]).title == "March 02, 2026"
