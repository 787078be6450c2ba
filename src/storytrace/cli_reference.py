"""Generate docs/cli.md from the CLI's own --help, so the reference cannot drift from the code.

Run ``python -m storytrace.cli_reference > docs/cli.md`` (``make docs``); a test fails when the
file is stale.
"""

from __future__ import annotations

import sys

from typer.testing import CliRunner

from .cli import app

_ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb", "FORCE_COLOR": ""}


def command_names() -> list[str]:
    """Every command as typed after ``storytrace``, sub-apps' commands included ("spark run")."""
    names = [c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands]
    for group in app.registered_groups:
        sub = group.typer_instance
        if group.name and sub is not None:
            names += [f"{group.name} {c.name}" for c in sub.registered_commands if c.name]
    return sorted(n.replace("_", "-") for n in names if n)


def render() -> str:
    runner = CliRunner()
    lines = ["# storytrace CLI reference", "", "Generated from `--help` by `make docs`.", ""]
    top = runner.invoke(app, ["--help"], env=_ENV, prog_name="storytrace")
    lines += ["```text", _plain(top.stdout), "```", ""]
    for name in command_names():
        result = runner.invoke(app, [*name.split(), "--help"], env=_ENV, prog_name="storytrace")
        lines += [f"## storytrace {name}", "", "```text", _plain(result.stdout), "```", ""]
    return "\n".join(lines).rstrip() + "\n"


def _plain(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


if __name__ == "__main__":
    sys.stdout.write(render())
