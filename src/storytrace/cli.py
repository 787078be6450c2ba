"""The ``storytrace`` command: a thin Typer shell over :mod:`storytrace`'s public API.

Parses options, opens the store, calls the pipeline, formats output. Untrusted article text is
printed through :func:`terminal_safe` and Rich ``Text`` objects, never as markup.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .errors import StorytraceError

if TYPE_CHECKING:
    from rich.console import Console

    from . import Corpus
    from .live import LiveSettings, RoundReport
    from .views import StoryFilter

app = typer.Typer(
    name="storytrace",
    help="Find the stories in a pile of news, who copied whom, and where sources disagree.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    add_completion=False,
)

DbOption = Annotated[
    Path,
    typer.Option(
        "--db",
        envvar="STORYTRACE_DB",
        help="SQLite store to use (created if missing).",
        show_default=True,
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="TOML settings file, one \\[section] per stage.", exists=True),
]
VerboseOption = Annotated[int, typer.Option("--verbose", "-v", count=True, help="More logging.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Only errors.")]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show tracebacks.")]
WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        "-j",
        min=1,
        help="Processes that clean, segment and extract facts (default: one per CPU core, "
        "at most 16; "
        "1: this one only). Overrides the settings file's \\[pipeline] workers.",
    ),
]


def terminal_safe(text: str | None) -> str:
    """Drop control characters (terminal escapes, bidi overrides) from untrusted text."""
    from .terminal import strip_controls

    return strip_controls(text)


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def _setup_logging(verbose: int, quiet: bool) -> None:
    from rich.logging import RichHandler

    level = (
        logging.ERROR
        if quiet
        else (logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    )
    logging.basicConfig(
        level=level,
        format="%(message)s",
        handlers=[RichHandler(console=_console(stderr=True), show_path=False, markup=False)],
        force=True,
    )
    # trafilatura and htmldate log every page they find little text in; that is routine for
    # feed fragments and not the user's business unless they ask for detail.
    for noisy in ("trafilatura", "htmldate", "charset_normalizer"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbose > 1 else logging.ERROR + 10)


@contextmanager
def _corpus(
    db: Path,
    config: Path | None,
    debug: bool,
    *,
    must_exist: bool = False,
    workers: int | None = None,
) -> Iterator[Corpus]:
    """Open the store; turn storytrace errors into one line and exit 1 (tracebacks on --debug).

    Commands that only read (``must_exist``) refuse a missing file instead of creating an
    empty store under a mistyped name. ``workers`` overrides the settings' analysis processes.
    """
    from . import open as open_corpus
    from .settings import load_settings

    try:
        if must_exist and not db.exists():
            raise StorytraceError(f"{db}: no such store (run `storytrace run PATHS --db {db}`)")
        settings = load_settings(config)
        if workers is not None:
            settings = replace(settings, pipeline=replace(settings.pipeline, workers=workers))
        corpus = open_corpus(db, settings)
    except StorytraceError as exc:
        _fail(exc, debug)
    try:
        yield corpus
    except StorytraceError as exc:
        _fail(exc, debug)
    finally:
        corpus.close()


def _fail(exc: Exception, debug: bool) -> typer.Exit:
    if debug:
        raise exc
    typer.echo(f"error: {terminal_safe(str(exc))}", err=True)
    raise typer.Exit(1)


@contextmanager
def _progress_bar(quiet: bool) -> Iterator[object]:
    """A Rich progress bar with one task per pipeline step."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("{task.description:>8}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=_console(stderr=True),
        transient=False,
    ) as bar:
        tasks: dict[str, object] = {}

        def update(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=total or None)
            bar.update(tasks[step], completed=done, total=total or None)  # type: ignore[arg-type]

        yield update


def _print_errors(errors: list[str]) -> None:
    """One line per bad file or record, never wrapped, so the lines can be grepped."""
    for line in errors:
        typer.echo(f"error: {terminal_safe(line)}", err=True)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to read.")],
    db: DbOption = Path("storytrace.db"),
    config: ConfigOption = None,
    verbose: VerboseOption = 0,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Read text, HTML, RSS/Atom, WARC and JSONL files (also .gz, folders) into the store.

    Example: [bold]storytrace ingest examples/ --db news.db[/bold]
    """
    _setup_logging(verbose, quiet)
    with _corpus(db, config, debug) as corpus, _progress_bar(quiet) as progress:
        report = corpus.ingest(paths, progress)  # type: ignore[arg-type]
    _print_errors(report.errors)
    if not quiet:
        _console().print(
            f"read {report.read} articles, {report.new} new, {len(report.errors)} errors -> {db}",
            markup=False,
        )


@app.command()
def analyze(
    db: DbOption = Path("storytrace.db"),
    config: ConfigOption = None,
    workers: WorkersOption = None,
    verbose: VerboseOption = 0,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Clean, segment, extract facts, find reuse, cluster stories and compare sources.

    Only new work is done: a second run over the same store is quick.
    Example: [bold]storytrace analyze --db news.db[/bold]
    """
    _setup_logging(verbose, quiet)
    with (
        _corpus(db, config, debug, workers=workers) as corpus,
        _progress_bar(quiet) as progress,
    ):
        report = corpus.analyze(progress)  # type: ignore[arg-type]
    _print_errors(report.errors)
    if not quiet:
        _console().print(
            f"cleaned {report.cleaned}, reuse links {report.reuse_links}, families "
            f"{report.families}, stories touched {report.stories_touched}, findings "
            f"{report.findings}",
            markup=False,
        )
        _print_modes(report.modes)


def _print_modes(modes: dict[str, str]) -> None:
    _console().print(
        "modes: " + "; ".join(f"{stage} {mode}" for stage, mode in modes.items()),
        markup=False,
        style="dim",
    )


@app.command()
def run(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to read.")],
    db: DbOption = Path("storytrace.db"),
    config: ConfigOption = None,
    workers: WorkersOption = None,
    verbose: VerboseOption = 0,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Ingest PATHS and analyse: the whole pipeline, then print the stories.

    Example: [bold]storytrace run examples/ --db news.db[/bold]
    """
    _setup_logging(verbose, quiet)
    with _corpus(db, config, debug, workers=workers) as corpus:
        with _progress_bar(quiet) as progress:
            ingested = corpus.ingest(paths, progress)  # type: ignore[arg-type]
            analysed = corpus.analyze(progress)  # type: ignore[arg-type]
        _print_errors(ingested.errors + analysed.errors)
        if not quiet:
            _print_stories(corpus, _console())
            _print_modes(analysed.modes)


@app.command()
def stories(
    db: DbOption = Path("storytrace.db"),
    since: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Last seen on or after.")
    ] = None,
    until: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="First seen on or before.")
    ] = None,
    outlet: Annotated[str | None, typer.Option(help="An outlet name contains this.")] = None,
    query: Annotated[
        str | None, typer.Option(help="Full-text search over titles and texts (FTS5).")
    ] = None,
    min_size: Annotated[int, typer.Option(help="At least this many articles.")] = 1,
    sort: Annotated[
        str, typer.Option(help="size, recent, outlets or disagreements.", case_sensitive=False)
    ] = "size",
    limit: Annotated[int, typer.Option(help="Show at most this many stories.")] = 50,
    debug: DebugOption = False,
) -> None:
    """List the stories, filtered and sorted (largest first by default).

    Example: [bold]storytrace stories --query ferry --since 2024-03-01 --sort recent[/bold]
    """
    from .views import StoryFilter

    sort = sort.lower()
    if sort not in ("size", "recent", "outlets", "disagreements"):
        raise _fail(
            StorytraceError(f"--sort {sort}: use size, recent, outlets or disagreements"), debug
        )
    filters = StoryFilter(
        since=since.date() if since else None,
        until=until.date() if until else None,
        outlet=outlet,
        query=query,
        min_size=min_size,
        sort=sort,  # type: ignore[arg-type]  # checked against the four names just above
    )
    with _corpus(db, None, debug, must_exist=True) as corpus:
        _print_stories(corpus, _console(), limit, filters)


def _print_stories(
    corpus: Corpus, console: Console, limit: int = 50, filters: StoryFilter | None = None
) -> None:
    from rich.table import Table
    from rich.text import Text

    from .views import story_rows

    table = Table(title="Stories", show_lines=False)
    for column in ("story", "title", "articles", "outlets", "first seen", "disagree"):
        table.add_column(column, overflow="fold")
    rows = story_rows(corpus.store) if filters is None else story_rows(corpus.store, filters)
    for row in rows[:limit]:
        table.add_row(
            Text(row.story_id),
            Text(terminal_safe(row.title)),
            str(row.articles),
            Text(terminal_safe(_outlet_summary(row.outlets))),
            row.first_seen or "unknown",
            str(row.disagreements),
        )
    console.print(table)
    if len(rows) > limit:
        console.print(f"… {len(rows) - limit} more (use --limit)", markup=False)


def _outlet_summary(outlets: tuple[str, ...], shown: int = 3) -> str:
    names = ", ".join(outlets[:shown])
    return f"{len(outlets)}: {names}" + (" …" if len(outlets) > shown else "")


@app.command()
def show(
    story_id: Annotated[str, typer.Argument(help="A story id or a unique prefix of one.")],
    db: DbOption = Path("storytrace.db"),
    limit: Annotated[
        int,
        typer.Option(min=0, help="Reuse families, findings and statements shown at most (0: all)."),
    ] = 20,
    debug: DebugOption = False,
) -> None:
    """Show one story: articles, copied passages side by side, findings, who said what.

    Example: [bold]storytrace show s1e31eddb --db news.db[/bold]
    """
    from .terminal import print_story

    with _corpus(db, None, debug, must_exist=True) as corpus:
        matches = corpus.store.find_story_ids(story_id)
        if len(matches) != 1:
            cause = "no story has this id" if not matches else f"{len(matches)} stories match"
            raise _fail(StorytraceError(f"{story_id}: {cause}"), debug)
        print_story(corpus.store, matches[0], _console(), limit or None)


@app.command()
def reuse(
    article_id: Annotated[
        str, typer.Argument(help="An article id, a unique prefix of one, or its external id.")
    ],
    db: DbOption = Path("storytrace.db"),
    debug: DebugOption = False,
) -> None:
    """What one article took from whom, who copied it, and how much of it is original.

    Example: [bold]storytrace reuse 1ebcc64b --db news.db[/bold]
    """
    from .terminal import print_article_reuse

    with _corpus(db, None, debug, must_exist=True) as corpus:
        matches = corpus.store.find_article_ids(article_id)
        if len(matches) != 1:
            cause = "no article has this id" if not matches else f"{len(matches)} articles match"
            raise _fail(StorytraceError(f"{article_id}: {cause}"), debug)
        print_article_reuse(corpus.store, matches[0], _console())


@app.command()
def export(
    out: Annotated[
        Path, typer.Option("--out", help="Output file (json) or folder (csv, parquet).")
    ],
    fmt: Annotated[
        str, typer.Option("--format", help="json, csv or parquet.", case_sensitive=False)
    ] = "json",
    db: DbOption = Path("storytrace.db"),
    debug: DebugOption = False,
) -> None:
    """Export articles, stories, reuse families and findings (docs/export-schema.md).

    Example: [bold]storytrace export --format json --out news.json --db news.db[/bold]
    """
    fmt = fmt.lower()
    if fmt not in ("json", "csv", "parquet"):
        raise _fail(StorytraceError(f"--format {fmt}: use json, csv or parquet"), debug)
    with _corpus(db, None, debug, must_exist=True) as corpus:
        written = corpus.export(fmt, out)  # type: ignore[arg-type]
    _console().print(f"wrote {len(written)} file(s) to {out}", markup=False)


@app.command()
def backup(
    out: Annotated[Path, typer.Argument(help="File to write the copy to.")],
    db: DbOption = Path("storytrace.db"),
    force: Annotated[bool, typer.Option("--force", help="Replace OUT if it exists.")] = False,
    debug: DebugOption = False,
) -> None:
    """Copy the store with SQLite's online backup: safe while ingest or analyze writes to it.

    The copy is one consistent snapshot, checked with PRAGMA integrity_check.
    Example: [bold]storytrace backup news-backup.db --db news.db[/bold]
    """
    from .backup import backup as backup_store

    try:
        done = backup_store(db, out, replace=force)
    except StorytraceError as exc:
        raise _fail(exc, debug) from exc
    _console().print(
        f"backed up {db} to {done.out}: {done.pages} pages, {done.size_bytes} bytes, "
        f"{done.seconds:.1f} s, integrity ok",
        markup=False,
    )


@app.command()
def report(
    out: Annotated[Path, typer.Option("--out", help="Folder for the static HTML report.")],
    db: DbOption = Path("storytrace.db"),
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the report in the default browser.")
    ] = False,
    debug: DebugOption = False,
) -> None:
    """Write a static HTML report (opens from the file system; no server needed).

    Example: [bold]storytrace report --out report/ --db news.db --open[/bold]
    """
    from .report import write_report

    with _corpus(db, None, debug, must_exist=True) as corpus:
        index = write_report(corpus.store, out)
    _console().print(f"report: {index}", markup=False)
    if open_browser:
        import webbrowser

        webbrowser.open(index.resolve().as_uri())


@app.command()
def serve(
    db: DbOption = Path("storytrace.db"),
    host: Annotated[
        str, typer.Option("--host", help="Address to bind; other than loopback shares the UI.")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)
    ] = 8000,
    debug: DebugOption = False,
) -> None:
    """Serve the web UI and JSON API over a store (read-only), on this machine by default.

    Pages at http://127.0.0.1:8000/, the API under /api (OpenAPI: /api/openapi.json).

    Example: [bold]storytrace serve --db news.db --port 8000[/bold]
    """
    import ipaddress

    with _corpus(db, None, debug, must_exist=True):
        pass  # creates nothing; checks the store exists, opens and is not newer than we are
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        _console(stderr=True).print(
            f"warning: binding {terminal_safe(host)}: anyone who can reach this address can "
            "read the corpus (there is no login)",
            markup=False,
        )
    import uvicorn

    from .web import create_app

    _console().print(f"serving {db} on http://{host}:{port}/ (Ctrl+C stops)", markup=False)
    uvicorn.run(create_app(db), host=host, port=port, log_level="warning")


# -- live sources: fetch, watch, feeds (storytrace.live) ------------------------------------

ContactOption = Annotated[
    str | None,
    typer.Option(
        "--contact",
        envvar="STORYTRACE_CONTACT",
        help="URL or e-mail put in the User-Agent, so sites can reach whoever runs this.",
    ),
]
DelayOption = Annotated[
    float,
    typer.Option("--delay", min=0.0, help="Seconds between two requests to the same site."),
]
NoAnalyzeOption = Annotated[
    bool,
    typer.Option("--no-analyze", help="Only fetch and archive; ingest the WARC files later."),
]


def _live_settings(contact: str | None, delay: float, no_analyze: bool) -> LiveSettings:
    from .live import LiveSettings

    return LiveSettings(contact=contact, host_delay_seconds=delay, analyze=not no_analyze)


@app.command()
def fetch(
    urls: Annotated[list[str] | None, typer.Argument(help="Page URLs to fetch.")] = None,
    from_file: Annotated[
        Path | None, typer.Option("--from", help="A file of URLs, one per line.", exists=True)
    ] = None,
    db: DbOption = Path("storytrace.db"),
    config: ConfigOption = None,
    contact: ContactOption = None,
    delay: DelayOption = 1.0,
    no_analyze: NoAnalyzeOption = False,
    verbose: VerboseOption = 0,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Fetch pages politely (robots.txt, rate limits), archive them as WARC, and analyse them.

    Responses go to [bold]<db>-warc/*.warc.gz[/bold]; [bold]storytrace ingest[/bold] replays one.
    Example: [bold]storytrace fetch https://example.org/news/1 --from urls.txt --db news.db[/bold]
    """
    from .live import fetch_urls, read_url_list
    from .settings import load_settings

    _setup_logging(verbose, quiet)
    try:
        wanted = list(urls or []) + (read_url_list(from_file) if from_file else [])
        if not wanted:
            raise StorytraceError("no URLs: give some, or --from FILE")
        pipeline_settings = load_settings(config)
        with _progress_bar(quiet) as progress:
            report = fetch_urls(
                db,
                wanted,
                _live_settings(contact, delay, no_analyze),
                progress,  # type: ignore[arg-type]
                pipeline_settings,
            )
    except StorytraceError as exc:
        raise _fail(exc, debug) from None
    _print_errors(report.errors)
    if not quiet:
        failed = sum(1 for o in report.outcomes if o.error is not None)
        new = report.ingest.new if report.ingest is not None else 0
        archive = ", ".join(str(p) for p in report.warcs) or "nothing new"
        _console().print(
            f"fetched {report.fetched}, unchanged {report.not_modified}, failed {failed}, "
            f"new articles {new} -> {db} (archive: {archive})",
            markup=False,
        )


@app.command()
def watch(
    feeds: Annotated[list[str] | None, typer.Argument(help="RSS or Atom feed URLs.")] = None,
    opml: Annotated[
        Path | None, typer.Option("--opml", help="Feeds from an OPML file.", exists=True)
    ] = None,
    every: Annotated[
        str, typer.Option("--every", help="Time between polls: 90s, 15m, 1h.")
    ] = "15m",
    once: Annotated[bool, typer.Option("--once", help="Poll once and exit (for cron).")] = False,
    db: DbOption = Path("storytrace.db"),
    config: ConfigOption = None,
    contact: ContactOption = None,
    delay: DelayOption = 1.0,
    no_analyze: NoAnalyzeOption = False,
    verbose: VerboseOption = 0,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Poll feeds, fetch their new entries' pages and analyse them as they arrive (Ctrl+C stops).

    Health per feed goes to [bold]<db>-live.sqlite[/bold] ([bold]storytrace feeds[/bold] lists it).
    Example: [bold]storytrace watch --opml feeds.opml --every 15m --db news.db[/bold]
    """
    from .live import parse_interval, read_opml
    from .live import watch as watch_feeds
    from .settings import load_settings

    _setup_logging(verbose, quiet)
    try:
        wanted = list(feeds or []) + (read_opml(opml) if opml else [])
        if not wanted:
            raise StorytraceError("no feeds: give some, or --opml FILE")
        try:
            seconds = parse_interval(every)
        except ValueError as exc:
            raise StorytraceError(f"--every {exc}") from None
        pipeline_settings = load_settings(config)
    except StorytraceError as exc:
        raise _fail(exc, debug) from None

    def on_round(round_report: RoundReport) -> None:
        _print_errors(round_report.all_errors)
        if quiet:
            return
        new = round_report.ingest.new if round_report.ingest is not None else 0
        _console().print(
            f"round {round_report.number}: {round_report.feeds_polled} feeds "
            f"({round_report.feeds_failed} failed, {round_report.feeds_unchanged} unchanged), "
            f"{round_report.new_entries} new entries, {round_report.pages_fetched} pages, "
            f"{round_report.pages_failed} failed, {new} new articles "
            f"in {round_report.seconds:.1f}s",
            markup=False,
        )

    try:
        with _progress_bar(quiet or not once) as progress:
            report = watch_feeds(
                db,
                wanted,
                seconds,
                once,
                _live_settings(contact, delay, no_analyze),
                progress,  # type: ignore[arg-type]
                on_round=on_round,
                pipeline_settings=pipeline_settings,
            )
    except StorytraceError as exc:
        raise _fail(exc, debug) from None
    if report.interrupted and not quiet:
        _console().print(
            f"stopped after {report.rounds} round(s); anything fetched but not yet analysed "
            "is picked up by the next run",
            markup=False,
        )


@app.command()
def feeds(
    db: DbOption = Path("storytrace.db"),
    debug: DebugOption = False,
) -> None:
    """List the watched feeds with their health; dead ones (failing for long) are flagged.

    Example: [bold]storytrace feeds --db news.db[/bold]
    """
    from rich.table import Table
    from rich.text import Text

    from .live import LiveSettings, feed_health

    try:
        health = feed_health(db)
    except StorytraceError as exc:
        raise _fail(exc, debug) from None
    if not health:
        _console().print(f"no feeds watched yet for {db} (run `storytrace watch`)", markup=False)
        return
    table = Table(title="Feeds", show_lines=False)
    for column in ("feed", "title", "status", "last success", "failures", "items", "last error"):
        table.add_column(column, overflow="fold")
    for feed in health:
        status = "DEAD" if feed.dead else "failing" if feed.consecutive_failures else "ok"
        table.add_row(
            Text(terminal_safe(feed.url)),
            Text(terminal_safe(feed.title)),
            Text(status, style="bold red" if feed.dead else "yellow" if status != "ok" else ""),
            feed.last_success or "never",
            str(feed.consecutive_failures),
            str(feed.items_seen),
            Text(terminal_safe(feed.last_error)),
        )
    _console().print(table)
    dead = sum(1 for feed in health if feed.dead)
    if dead:
        _console(stderr=True).print(
            f"{dead} dead feed(s): failing for {LiveSettings().dead_after_failures} polls "
            "in a row or for days; check or drop them",
            markup=False,
        )


@app.command("import")
def import_(
    path: Annotated[
        Path, typer.Argument(help="JSON export file, or folder of Parquet tables (export/Spark).")
    ],
    db: DbOption = Path("storytrace.db"),
    debug: DebugOption = False,
) -> None:
    """Load an export or a Spark run's tables into a new store (for stories, show, serve).

    Example: [bold]storytrace import results/ --db news.db[/bold]
    """
    from .importer import import_path

    with _corpus(db, None, debug) as corpus:
        report = import_path(path, corpus.store)
    _console().print(
        f"imported {report.articles} articles, {report.stories} stories, {report.families} "
        f"families, {report.links} links, {report.findings} findings -> {db}",
        markup=False,
    )


def _add_spark_app() -> None:
    """``storytrace spark ...``; the sub-app imports pyspark only when a command runs."""
    from .spark.cli import spark_app

    app.add_typer(spark_app, name="spark")


_add_spark_app()


def main() -> None:  # pragma: no cover - entry point for python -m
    app()
