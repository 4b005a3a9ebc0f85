"""The command line's shared parts: the typer apps, the consoles, the options every command
takes, and the one boundary that turns errors into a line and an exit code.

Only the `scaffold.cli` modules print, prompt or exit; each command parses its options, calls
one core function of `scaffold.commands`, and prints what it returns. The commands import the
heavy modules inside their bodies, so `scaffold --help` and the other commands do not pay for
them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from scaffold import __version__
from scaffold.cli.parsing import Group
from scaffold.errors import EXIT_BUG, EXIT_INTERRUPTED, INTERRUPTED, ScaffoldError, internal_error
from scaffold.model.layout import RepoLayout
from scaffold.repo.interpreter import HOW_CHOSEN
from scaffold.repo.open import find_repo, open_repo

app = typer.Typer(
    name="scaffold",
    cls=Group,
    help="Add endpoints to a Mattermost-style REST API v4 server and prove every route is complete.",
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    epilog=escape(HOW_CHOSEN),
)
docs_app = typer.Typer(help="Build the merged OpenAPI spec from its fragments.", no_args_is_help=True)
app.add_typer(docs_app, name="docs")
endpoint_app = typer.Typer(help="Add, remove and list endpoints.", no_args_is_help=True)
app.add_typer(endpoint_app, name="endpoint")
templates_app = typer.Typer(help="The templates new code is written from.", no_args_is_help=True)
app.add_typer(templates_app, name="templates")

#: What the commands that write say of the interpreter they run the repo's code with.
REPO_PYTHON = escape(HOW_CHOSEN)

# No emoji codes: `users.yaml:100:` is a location, not a "hundred points" sign.
out = Console(highlight=False, soft_wrap=True, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)

RepoOption = Annotated[
    Path | None,
    typer.Option("--repo", help="The server repo (default: the nearest parent with scaffold.toml)."),
]
FormatOption = Annotated[str, typer.Option("--format", help="Output format: text or json.")]


#: The repo of the running command: error paths relative to it are shown from the cwd.
_current_root: ContextVar[Path | None] = ContextVar("current_root", default=None)


def _shown_path(path: Path) -> Path:
    """A path as the user can open it: relative to the cwd when inside it, else absolute."""
    root = _current_root.get()
    absolute = path if path.is_absolute() or root is None else root / path
    try:
        return absolute.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return absolute


def error_line(exc: ScaffoldError) -> str:
    """`error: file:line: what — remedy`, the file as the user can open it."""
    if exc.path is not None:
        exc.path = _shown_path(exc.path)
    return f"[red]error:[/red] {escape(str(exc))}"


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a ScaffoldError into `error: …` on stderr and its exit code; Ctrl-C into 130."""
    try:
        yield
    except ScaffoldError as exc:
        if os.environ.get("SCAFFOLD_DEBUG") == "1":
            raise
        err.print(error_line(exc), markup=True, highlight=False)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        err.print(INTERRUPTED)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except (typer.Exit, typer.Abort, BrokenPipeError):
        raise
    except Exception as exc:  # a bug: say so in one line unless debugging
        if os.environ.get("SCAFFOLD_DEBUG") == "1":
            raise
        err.print(internal_error(exc), markup=False)
        raise typer.Exit(EXIT_BUG) from None


def open_layout(repo: Path | None) -> RepoLayout:
    """Open the repo of `--repo` (or the one around the cwd), saying what a rollback restored."""
    layout = open_repo(repo if repo is not None else find_repo(Path.cwd()))
    _current_root.set(layout.root)
    for note in layout.recovered:
        what, _, rest = note.partition(":")
        err.print(f"[yellow]{escape(what)}:[/yellow]{escape(rest)}", highlight=False)
    return layout


def check_format(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(allowed)}", param_hint="--format")
    return value


def print_json(data: Any) -> None:
    out.print_json(json.dumps(data)) if out.is_terminal else print(json.dumps(data, indent=2))


def _version(value: bool) -> None:
    if value:
        print(f"scaffold {__version__}")
        raise typer.Exit()


TOUR = """\
[bold]scaffold[/bold] writes the five artifacts of a REST API v4 endpoint — the OpenAPI doc, the
route, the handler, the driver method and the status-code tests — as one change.

Try it on a copy of the reference server:

  scaffold init demo && cd demo
  scaffold endpoint add GET /users/{user_id}/sessions --permission edit_other_users --dry-run
  scaffold docs build

Run `scaffold --help` for every command."""


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Add endpoints to a Mattermost-style REST API v4 server and prove every route is complete."""
    if ctx.invoked_subcommand is None:
        out.print(TOUR)
