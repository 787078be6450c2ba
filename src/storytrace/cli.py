"""The ``storytrace`` command: a thin Typer shell over :mod:`storytrace`'s public API.

Parses options, opens the store, calls the pipeline, formats output. Untrusted article text is
printed through :func:`terminal_safe` and Rich ``Text`` objects, never as markup.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .errors import StorytraceError

if TYPE_CHECKING:
    from rich.console import Console

    from . import Corpus
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
    db: Path, config: Path | None, debug: bool, *, must_exist: bool = False
) -> Iterator[Corpus]:
    """Open the store; turn storytrace errors into one line and exit 1 (tracebacks on --debug).

    Commands that only read (``must_exist``) refuse a missing file instead of creating an
    empty store under a mistyped name.
    """
    from . import open as open_corpus
    from .settings import load_settings

    try:
        if must_exist and not db.exists():
            raise StorytraceError(f"{db}: no such store (run `storytrace run PATHS --db {db}`)")
        corpus = open_corpus(db, load_settings(config))
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
    verbose: VerboseOption = 0,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Clean, segment, extract facts, find reuse, cluster stories and compare sources.

    Only new work is done: a second run over the same store is quick.
    Example: [bold]storytrace analyze --db news.db[/bold]
    """
    _setup_logging(verbose, quiet)
    with _corpus(db, config, debug) as corpus, _progress_bar(quiet) as progress:
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
    verbose: VerboseOption = 0,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Ingest PATHS and analyse: the whole pipeline, then print the stories.

    Example: [bold]storytrace run examples/ --db news.db[/bold]
    """
    _setup_logging(verbose, quiet)
    with _corpus(db, config, debug) as corpus:
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
    debug: DebugOption = False,
) -> None:
    """Show one story: its articles, copied passages side by side, findings with evidence.

    Example: [bold]storytrace show s1e31eddb --db news.db[/bold]
    """
    from .terminal import print_story

    with _corpus(db, None, debug, must_exist=True) as corpus:
        matches = corpus.store.find_story_ids(story_id)
        if len(matches) != 1:
            cause = "no story has this id" if not matches else f"{len(matches)} stories match"
            raise _fail(StorytraceError(f"{story_id}: {cause}"), debug)
        print_story(corpus.store, matches[0], _console())


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


def main() -> None:  # pragma: no cover - entry point for python -m
    app()
