"""Generate docs/cli.md from the CLI's own --help, so the reference cannot drift from the code.

Run ``python -m storytrace.cli_reference > docs/cli.md``; a test fails when the file is stale.
"""

from __future__ import annotations

import click
import typer

from .cli import app


def render() -> str:
    command = typer.main.get_command(app)
    assert isinstance(command, click.Group)
    lines = ["# storytrace CLI reference", "", "Generated from `--help`; do not edit by hand.", ""]
    context = click.Context(command, info_name="storytrace", terminal_width=100)
    for name in sorted(command.list_commands(context)):
        sub = command.get_command(context, name)
        if sub is None:
            continue
        sub_context = click.Context(sub, info_name=name, parent=context, terminal_width=100)
        lines += [f"## storytrace {name}", "", "```text", _plain(sub.get_help(sub_context)), "```", ""]
    return "\n".join(lines)


def _plain(text: str) -> str:
    """Help text without Rich markup tags such as [bold]."""
    import re

    return re.sub(r"\[/?bold\]", "", text).rstrip()


if __name__ == "__main__":
    print(render())
