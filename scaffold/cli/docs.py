"""The commands around the repo rather than one endpoint: `init`, `docs build`, `docs serve`,
`templates list`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from scaffold.cli.app import (
    FormatOption,
    RepoOption,
    app,
    check_format,
    docs_app,
    err,
    error_line,
    open_layout,
    out,
    print_json,
    templates_app,
    user_errors,
)
from scaffold.cli.parsing import Command
from scaffold.errors import EXIT_FINDINGS

if TYPE_CHECKING:
    from scaffold.spec.problems import SpecInvalid


@app.command(cls=Command)
def init(
    directory: Annotated[Path, typer.Argument(help="A new or empty directory.")],
    no_git: Annotated[bool, typer.Option("--no-git", help="Make no git repository.")] = False,
) -> None:
    """Create a working copy of the reference server in DIRECTORY: a git repository with its
    first commit, when git is installed and DIRECTORY is in no other work tree."""
    from scaffold.commands.init import create_repo

    with user_errors():
        created = create_repo(directory, git=not no_git)
        if created.no_git is None:
            out.print(f"created {created.path}: a git repository with its first commit")
        elif no_git:
            out.print(f"created {created.path}")
        else:
            out.print(f"created {created.path}: no git repository ({created.no_git})")
        out.print(f"next: cd {directory} && make test   (installs its own .venv, runs its tests)")


@docs_app.command("build", cls=Command)
def docs_build(
    repo: RepoOption = None,
    format: FormatOption = "text",
    html: Annotated[bool, typer.Option("--html", help="Also write a browsable API reference page.")] = False,
    allow_invalid: Annotated[
        bool,
        typer.Option("--allow-invalid", help="Write the merged spec even if it does not validate (still exit 1)."),
    ] = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Validate again, even fragments found valid before.")
    ] = False,
) -> None:
    """Merge the doc fragments in build order, validate the result and write the spec."""
    from scaffold.commands.docs import build_docs
    from scaffold.repo.transaction import apply_changes
    from scaffold.spec.problems import SpecInvalid

    check_format(format, ("text", "json"))
    with user_errors():
        layout = open_layout(repo)
        try:
            result = build_docs(layout, html=html, allow_invalid=allow_invalid, use_cache=not no_cache)
        except SpecInvalid as invalid:
            _print_problems(invalid, format, written=None)
            raise typer.Exit(EXIT_FINDINGS) from None
        apply_changes(layout.root, result.changes)
        if result.problems:
            _print_problems(SpecInvalid(list(result.problems)), format, written=result.output)
            raise typer.Exit(EXIT_FINDINGS)
        if format == "json":
            report: dict[str, Any] = {"output": result.output, "paths": result.paths, "operations": result.operations}
            if result.html:
                report["html"] = result.html
            print_json(report)
        else:
            out.print(f"wrote {result.output}: {result.paths} paths, {result.operations} operations, valid")
            if result.html:
                out.print(f"wrote {result.html}: open it, or run `scaffold docs serve`")


def _print_problems(invalid: SpecInvalid, format: str, written: str | None) -> None:
    """Every problem of an invalid spec, one `error:` line each at its key, and what was written."""
    problems = invalid.problems
    if format == "json":
        print_json(
            {
                "output": written,
                "valid": False,
                "problems": [
                    {"path": p.path, "line": p.line, "message": p.message, "hint": p.hint} for p in problems
                ],
            }
        )
    for problem in problems:
        err.print(error_line(problem.error()), highlight=False)
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    if written is None:
        err.print(f"the merged spec does not validate ({count}); nothing was written — "
                  "fix them, or pass --allow-invalid to write it anyway", highlight=False)
    else:
        err.print(f"wrote {written}, which does not validate ({count})", highlight=False)


@docs_app.command("serve", cls=Command)
def docs_serve(
    repo: RepoOption = None,
    port: Annotated[int, typer.Option(help="The port on 127.0.0.1 (0: any free one).")] = 8066,
) -> None:
    """Build the browsable API reference and serve it on 127.0.0.1 until Ctrl-C."""
    import gc

    from scaffold.commands.docs import build_docs
    from scaffold.repo.transaction import apply_changes
    from scaffold.spec.html import docs_server, page_directory

    with user_errors():
        layout = open_layout(repo)
        apply_changes(layout.root, build_docs(layout, html=True).changes)
        server = docs_server(layout.root / page_directory(layout.docs_output), port)
        bound = server.server_address[1]
        out.print(f"serving the API reference on http://127.0.0.1:{bound}/ (Ctrl-C to stop)")
        gc.enable()  # paused for the command's burst of work; a server runs on
        try:
            server.serve_forever()
        finally:
            server.server_close()


@templates_app.command("list", cls=Command)
def templates_list(repo: RepoOption = None, format: FormatOption = "text") -> None:
    """List the built-in templates and which ones the repo overrides in .scaffold/templates."""
    from scaffold.resources import templates_dir
    from scaffold.text.render import OVERRIDES, Renderer

    check_format(format, ("text", "json"))
    with user_errors():
        layout = open_layout(repo)
        names = Renderer(layout.root).names()
        if format == "json":
            print_json([{"name": name, "overridden": overridden} for name, overridden in names])
            return
        for name, overridden in names:
            where = f"{OVERRIDES}/{name}" if overridden else "built-in"
            out.print(f"  {name:<28} {where}")
        out.print(f"Override one by copying it from {templates_dir()} to {OVERRIDES}/ in the repo.")
