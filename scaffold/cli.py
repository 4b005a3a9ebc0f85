"""The command line: parse, call one core function, print. The only module that prints or exits."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console

from scaffold import __version__
from scaffold.apply import apply_changes
from scaffold.config import RepoLayout, find_repo, load_layout
from scaffold.errors import EXIT_INTERRUPTED, ScaffoldError

app = typer.Typer(
    name="scaffold",
    help="Add endpoints to a Mattermost-style REST API v4 server and prove every route is complete.",
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    add_completion=False,
)
docs_app = typer.Typer(help="Build the merged OpenAPI spec from its fragments.", no_args_is_help=True)
app.add_typer(docs_app, name="docs")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_BUG = 70

RepoOption = Annotated[
    Optional[Path],
    typer.Option("--repo", help="The server repo (default: the nearest parent with scaffold.toml)."),
]
FormatOption = Annotated[str, typer.Option("--format", help="Output format: text or json.")]


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a ScaffoldError into `error: …` on stderr and its exit code; Ctrl-C into 130."""
    try:
        yield
    except ScaffoldError as exc:
        if os.environ.get("SCAFFOLD_DEBUG") == "1":
            raise
        err.print(f"[red]error:[/red] {exc}", markup=True, highlight=False)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        err.print("interrupted: nothing was changed")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:  # a bug: say so in one line unless debugging
        if os.environ.get("SCAFFOLD_DEBUG") == "1":
            raise
        err.print(
            f"internal error: {type(exc).__name__}: {exc} — run again with SCAFFOLD_DEBUG=1 "
            "for the traceback and report it",
            markup=False,
        )
        raise typer.Exit(EXIT_BUG) from None


def _layout(repo: Path | None) -> RepoLayout:
    return load_layout(repo if repo is not None else find_repo(Path.cwd()))


def _check_format(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(allowed)}", param_hint="--format")
    return value


def _print_json(data: Any) -> None:
    out.print_json(json.dumps(data)) if out.is_terminal else print(json.dumps(data, indent=2))


def _version(value: bool) -> None:
    if value:
        print(f"scaffold {__version__}")
        raise typer.Exit()


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


TOUR = """\
[bold]scaffold[/bold] writes the five artifacts of a REST API v4 endpoint — the OpenAPI doc, the
route, the handler, the driver method and the status-code tests — as one change.

Try it on a copy of the reference server:

  scaffold init demo && cd demo
  scaffold endpoint add GET /users/{user_id}/sessions --permission edit_other_users --dry-run
  scaffold docs build

Run `scaffold --help` for every command."""


@app.command()
def init(directory: Annotated[Path, typer.Argument(help="A new or empty directory.")]) -> None:
    """Create a working copy of the reference server in DIRECTORY."""
    from scaffold.init import init_repo

    with user_errors():
        target = init_repo(directory)
        out.print(f"created {target} — try: cd {directory} && python -m pytest -q")


@docs_app.command("build")
def docs_build(repo: RepoOption = None, format: FormatOption = "text") -> None:
    """Merge the doc fragments in build order, validate the result and write the spec."""
    from scaffold.docs import build_docs

    _check_format(format, ("text", "json"))
    with user_errors():
        layout = _layout(repo)
        result = build_docs(layout)
        apply_changes(layout.root, result.changes)
        if format == "json":
            _print_json({"output": result.output, "paths": result.paths, "operations": result.operations})
        else:
            out.print(f"wrote {result.output}: {result.paths} paths, {result.operations} operations, valid")


def main() -> None:
    """The console script."""
    app(prog_name="scaffold")


if __name__ == "__main__":
    sys.exit(main())
