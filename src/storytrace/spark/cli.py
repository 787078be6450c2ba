"""``storytrace spark run``: the Typer sub-app, also what ``python -m storytrace.spark`` runs
under ``spark-submit``. pyspark is imported only when a command runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

spark_app = typer.Typer(
    name="spark",
    help="Run the pipeline on Apache Spark (needs the spark extra and Java 17).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@spark_app.callback()
def spark_main() -> None:
    """Run the pipeline on Apache Spark (needs the spark extra and Java 17)."""


@spark_app.command("run")
def run(
    inputs: Annotated[
        list[str], typer.Argument(help="JSONL, Parquet or WARC files or folders (or s3a:// paths).")
    ],
    out: Annotated[str, typer.Option("--out", help="Folder for the Parquet tables.")],
    master: Annotated[
        str | None,
        typer.Option("--master", help="Spark master URL (default: spark-submit's, else local[*])."),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", help="TOML settings file, one \\[section] per stage.", exists=True
        ),
    ] = None,
    block_max_df: Annotated[
        int, typer.Option("--block-max-df", help="Rarest terms that join clustering blocks.")
    ] = 50,
) -> None:
    """Analyse INPUTS on Spark and write the export tables as Parquet under --out.

    Load the result into a store with [bold]storytrace import OUT --db news.db[/bold].
    Example: [bold]storytrace spark run news/ --out results/ --master local[4][/bold]
    """
    from ..errors import StorytraceError
    from ..settings import load_settings

    try:
        settings = load_settings(config)
    except StorytraceError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    try:
        from .job import SparkSettings, run_job
        from .session import spark_session
    except ImportError as exc:
        typer.echo(
            f"error: pyspark is not installed ({exc}); pip install 'storytrace[spark]'", err=True
        )
        raise typer.Exit(1) from None
    spark = spark_session(master)
    try:
        report = run_job(spark, inputs, out, settings, SparkSettings(block_max_df=block_max_df))
    finally:
        spark.stop()
    for line in report.errors:
        typer.echo(f"error: {line}", err=True)
    typer.echo(
        f"read {report.read} articles ({report.articles} distinct), cleaned {report.cleaned}, "
        f"reuse links {report.reuse_links}, families {report.families}, stories "
        f"{report.stories} in {report.blocks} blocks (largest {report.largest_block}), findings "
        f"{report.findings}, {report.seconds} s -> {out}"
    )
