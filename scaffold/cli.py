"""The command line: parse, call one core function, print. Only the cli modules print or exit."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.prompt import Confirm

from scaffold import __version__
from scaffold.apply import apply_changes
from scaffold.changes import ChangeSet
from scaffold.config import RepoLayout, find_repo, load_layout
from scaffold.errors import EXIT_BUG, EXIT_INTERRUPTED, INTERRUPTED, ScaffoldError, internal_error

app = typer.Typer(
    name="scaffold",
    help="Add endpoints to a Mattermost-style REST API v4 server and prove every route is complete.",
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    add_completion=False,
)
docs_app = typer.Typer(help="Build the merged OpenAPI spec from its fragments.", no_args_is_help=True)
app.add_typer(docs_app, name="docs")
endpoint_app = typer.Typer(help="Add, remove and list endpoints.", no_args_is_help=True)
app.add_typer(endpoint_app, name="endpoint")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

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


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a ScaffoldError into `error: …` on stderr and its exit code; Ctrl-C into 130."""
    try:
        yield
    except ScaffoldError as exc:
        if os.environ.get("SCAFFOLD_DEBUG") == "1":
            raise
        if exc.path is not None:
            exc.path = _shown_path(exc.path)
        err.print(f"[red]error:[/red] {escape(str(exc))}", markup=True, highlight=False)
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


def _layout(repo: Path | None) -> RepoLayout:
    layout = load_layout(repo if repo is not None else find_repo(Path.cwd()))
    _current_root.set(layout.root)
    if layout.recovered:
        err.print(
            "[yellow]rolled back:[/yellow] a scaffold command was killed while writing; restored "
            + escape(", ".join(layout.recovered)),
            highlight=False,
        )
    return layout


def apply_checked(layout: RepoLayout, changes: ChangeSet) -> None:
    """Apply a planned edit of the server: it must parse, its spec validate, and it must import."""
    from scaffold.report import paused_gc
    from scaffold.validate import check_syntax, import_check, spec_check

    with paused_gc():  # the merged spec is many small objects and no cycles
        apply_changes(
            layout.root, changes, validators=[check_syntax, spec_check(layout)], post_checks=[import_check(layout)]
        )


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
def docs_build(
    repo: RepoOption = None,
    format: FormatOption = "text",
    html: Annotated[bool, typer.Option("--html", help="Also write a browsable API reference page.")] = False,
) -> None:
    """Merge the doc fragments in build order, validate the result and write the spec."""
    from scaffold.docs import build_docs

    _check_format(format, ("text", "json"))
    with user_errors():
        layout = _layout(repo)
        result = build_docs(layout, html=html)
        apply_changes(layout.root, result.changes)
        if format == "json":
            report: dict[str, Any] = {"output": result.output, "paths": result.paths, "operations": result.operations}
            if result.html:
                report["html"] = result.html
            _print_json(report)
        else:
            out.print(f"wrote {result.output}: {result.paths} paths, {result.operations} operations, valid")
            if result.html:
                out.print(f"wrote {result.html}: open it, or run `scaffold docs serve`")


@docs_app.command("serve")
def docs_serve(
    repo: RepoOption = None,
    port: Annotated[int, typer.Option(help="The port on 127.0.0.1 (0: any free one).")] = 8066,
) -> None:
    """Build the browsable API reference and serve it on 127.0.0.1 until Ctrl-C."""
    from scaffold.docs import build_docs
    from scaffold.htmldocs import docs_server, page_directory

    with user_errors():
        layout = _layout(repo)
        apply_changes(layout.root, build_docs(layout, html=True).changes)
        server = docs_server(layout.root / page_directory(layout.docs_output), port)
        bound = server.server_address[1]
        out.print(f"serving the API reference on http://127.0.0.1:{bound}/ (Ctrl-C to stop)")
        try:
            server.serve_forever()
        finally:
            server.server_close()


@endpoint_app.command("add")
def endpoint_add(
    method: Annotated[str, typer.Argument(help="GET, POST, PUT, PATCH or DELETE.")],
    path: Annotated[str, typer.Argument(help="/users/<user_id>/sessions or /users/{user_id}/sessions.")],
    summary: Annotated[str | None, typer.Option(help="A few words for the docs.")] = None,
    description: Annotated[str | None, typer.Option(help="A sentence or two for the docs.")] = None,
    permission: Annotated[str | None, typer.Option(help="The permission checked (403), or none.")] = None,
    auth: Annotated[str | None, typer.Option(help="session (the default), public or trust-requester.")] = None,
    tag: Annotated[str | None, typer.Option(help="The doc tag (default: from the path).")] = None,
    query: Annotated[str | None, typer.Option(help="Query parameters: name:type,...")] = None,
    body: Annotated[str | None, typer.Option(help="Body fields name:type,... or a schema name.")] = None,
    response: Annotated[str | None, typer.Option(help="The response schema name.")] = None,
    status: Annotated[int | None, typer.Option(help="Success status (201 for POST, else 200).")] = None,
    etag: Annotated[bool | None, typer.Option("--etag/--no-etag", help="Answer 304 on a matching Etag.")] = None,
    name: Annotated[str | None, typer.Option(help="The operation name (default: from method and path).")] = None,
    only: Annotated[str | None, typer.Option(help="Only these artifacts: docs,route,handler,driver,tests.")] = None,
    fill: Annotated[bool, typer.Option(help="Add only the artifacts that are missing.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the diffs; write nothing.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Apply without asking.")] = False,
    repo: RepoOption = None,
    format: FormatOption = "text",
) -> None:
    """Add the five artifacts of an endpoint — docs, route, handler, driver, tests — as one change."""
    from scaffold.add import plan_add
    from scaffold.artifacts import ARTIFACTS
    from scaffold.endpoint import EndpointOptions, parse_endpoint
    from scaffold.formatter import format_changes
    from scaffold.output import changes_json, endpoint_json, print_diff, print_summary
    from scaffold.prompts import ask_missing, describe
    from scaffold.report import cached_inventory, paused_gc

    _check_format(format, ("text", "json"))
    with user_errors():
        layout = _layout(repo)
        options = EndpointOptions(
            summary=summary, description=description, permission=permission, auth=auth or "session",
            tag=tag, query=query, body=body, response=response, status=status, etag=etag, name=name,
        )
        # Ask only on a terminal, and only for what was not given; never in JSON mode.
        interactive = format == "text" and sys.stdin.isatty() and not yes
        inventory = cached_inventory(layout)
        if interactive:
            given = {key for key, value in (("summary", summary), ("auth", auth), ("permission", permission), ("tag", tag)) if value is not None}
            options = ask_missing(out, method, path, options, given, layout, inventory)
        endpoint = parse_endpoint(method, path, options, layout)
        selected = [part.strip() for part in only.split(",")] if only else list(ARTIFACTS)
        # Planning allocates much and frees it all, without cycles: see `paused_gc`.
        with paused_gc():
            plan = plan_add(layout, endpoint, only=selected, fill=fill, inventory=inventory)
            plan = replace(plan, changes=format_changes(layout, plan.changes))
        applied = False
        if plan.changes and not dry_run:
            if interactive:
                out.print(describe(endpoint))
                print_summary(out, plan.changes, applied=False)
                if not Confirm.ask("Apply these changes?", default=True, console=out):
                    out.print("nothing was changed")
                    raise typer.Exit(1)
            apply_checked(layout, plan.changes)
            applied = True
        if format == "json":
            _print_json(
                {"endpoint": endpoint_json(endpoint), "changes": changes_json(plan.changes), "applied": applied}
            )
        elif dry_run:
            print_diff(out, plan.changes)
        elif not plan.changes:
            out.print(f"{endpoint.method.value} {endpoint.full_path}: nothing to add")
        else:
            out.print(f"added {endpoint.method.value} {endpoint.full_path} ({endpoint.operation_id}):")
            print_summary(out, plan.changes, applied=True)


templates_app = typer.Typer(help="The templates new code is written from.", no_args_is_help=True)
app.add_typer(templates_app, name="templates")


@templates_app.command("list")
def templates_list(repo: RepoOption = None, format: FormatOption = "text") -> None:
    """List the built-in templates and which ones the repo overrides in .scaffold/templates."""
    from scaffold.render import OVERRIDES, Renderer
    from scaffold.resources import templates_dir

    _check_format(format, ("text", "json"))
    with user_errors():
        layout = _layout(repo)
        names = Renderer(layout.root).names()
        if format == "json":
            _print_json([{"name": name, "overridden": overridden} for name, overridden in names])
            return
        for name, overridden in names:
            where = f"{OVERRIDES}/{name}" if overridden else "built-in"
            out.print(f"  {name:<28} {where}")
        out.print(f"Override one by copying it from {templates_dir()} to {OVERRIDES}/ in the repo.")


# Commands kept in their own modules register themselves on the apps above.
from scaffold import cli_check  # noqa: F401


@endpoint_app.command("remove")
def endpoint_remove(
    method: Annotated[str, typer.Argument(help="GET, POST, PUT, PATCH or DELETE.")],
    path: Annotated[str, typer.Argument(help="/users/{user_id}/sessions (or with <user_id>, or /api/v4).")],
    force: Annotated[bool, typer.Option("--force", help="Also remove parts edited by hand.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the diffs; write nothing.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Apply without asking.")] = False,
    repo: RepoOption = None,
    format: FormatOption = "text",
) -> None:
    """Remove every artifact of an endpoint — the exact inverse of `endpoint add`."""
    from scaffold.errors import ConflictError
    from scaffold.output import changes_json, endpoint_json, print_diff, print_summary
    from scaffold.remove import plan_remove
    from scaffold.report import cached_inventory, paused_gc

    _check_format(format, ("text", "json"))
    with user_errors():
        layout = _layout(repo)
        inventory = cached_inventory(layout)
        with paused_gc():  # as for add
            plan = plan_remove(layout, method, path, force=force, inventory=inventory)
        endpoint = plan.endpoint
        if plan.edited:
            if format == "text":
                for part in plan.edited:
                    err.print(part.diff, end="", markup=False, highlight=False)
            where = ", ".join(f"{part.artifact} at {part.location}" for part in plan.edited)
            raise ConflictError(
                f"{endpoint.method.value} {endpoint.full_path}: edited by hand since it was generated: {where}",
                hint="nothing was removed; re-run with --force to remove these parts too",
            )
        applied = False
        if plan.changes and not dry_run:
            if format == "text" and sys.stdin.isatty() and not yes:
                print_summary(out, plan.changes, applied=False)
                if not Confirm.ask("Remove these?", default=True, console=out):
                    out.print("nothing was changed")
                    raise typer.Exit(1)
            apply_checked(layout, plan.changes)
            applied = True
        if format == "json":
            _print_json(
                {
                    "endpoint": endpoint_json(endpoint),
                    "changes": changes_json(plan.changes),
                    "applied": applied,
                    "kept": plan.kept,
                }
            )
            return
        if dry_run:
            print_diff(out, plan.changes)
        else:
            out.print(f"removed {endpoint.method.value} {endpoint.full_path} ({endpoint.operation_id}):")
            print_summary(out, plan.changes, applied=True)
        for note in plan.kept:
            out.print(f"[yellow]kept:[/yellow] {escape(note)}")


def main() -> None:
    """The console script."""
    try:
        app(prog_name="scaffold")
    except BrokenPipeError:
        # `scaffold check | head`: the reader left; say nothing more, like other tools.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":
    main()
