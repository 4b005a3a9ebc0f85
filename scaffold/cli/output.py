"""Printing for the CLI: change sets as summaries or diffs, and reports to stdout or a file."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from scaffold.cli.app import out, print_json
from scaffold.errors import ScaffoldError
from scaffold.model.changes import ChangeSet

#: Off a terminal (a CI log, a file) tables take the width they need, up to this.
_LOG_WIDTH = 400


def log_console() -> Console:
    """`out` on a terminal; elsewhere a console as wide as the tables need, not 80 columns."""
    return out if out.is_terminal else Console(width=_LOG_WIDTH, highlight=False, emoji=False)


def emit_json(data: Any, output: Path | None) -> str | None:
    """Print `data` as JSON (or write it to `output`); the text, when it went to stdout as text."""
    if output is None and out.is_terminal:
        print_json(data)
        return None
    # One line off a terminal: the C encoder is ten times faster than an indenting one.
    return emit_text(json.dumps(data, separators=(",", ":")) + "\n", output)


def emit_text(text: str, output: Path | None) -> str | None:
    """Print `text`, or write it to `output`; `text` when it was printed."""
    if output is not None:
        write_file(output, text)
        return None
    sys.stdout.write(text)
    sys.stdout.flush()
    return text


def write_file(path: Path, text: str) -> None:
    """Write a file the user named (a report, a baseline); a failure is one line, exit 2."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as err:
        raise ScaffoldError(
            f"cannot write {path}: {err.strerror or err}", hint="fix the cause and run the command again"
        ) from None


def print_diff(console: Console, changes: ChangeSet) -> None:
    """Unified diffs: highlighted on a terminal, plain text otherwise."""
    text = changes.diff()
    if console.is_terminal:
        from rich.syntax import Syntax  # with pygments: only a diff shown on a terminal needs them

        console.print(Syntax(text, "diff", theme="ansi_dark", background_color="default"))
    else:
        console.print(text, end="", markup=False, highlight=False)


def print_summary(console: Console, changes: ChangeSet, *, applied: bool) -> None:
    verb = {"create": "create", "update": "update", "delete": "delete"}
    for change in changes.changes:
        added, removed = change.counts()
        console.print(
            f"  {verb[change.action]:<7} {change.path}  [green]+{added}[/green] [red]-{removed}[/red]",
            highlight=False,
        )
    for warning in changes.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")


def confirm_changes(console: Console, changes: ChangeSet, question: str, *, yes: bool, intro: str | None = None) -> None:
    """On a terminal, unless `--yes`: show what will change and ask; a no ends the command
    (exit 1, nothing changed). Off a terminal nothing is asked: the command goes on."""
    if yes or not sys.stdin.isatty():
        return
    if intro:
        console.print(intro)
    print_summary(console, changes, applied=False)
    from rich.prompt import Confirm  # only a terminal is asked

    if not Confirm.ask(question, default=True, console=console):
        console.print("nothing was changed")
        raise typer.Exit(1)
