"""The commands around the repo rather than one endpoint: `init`, `docs build`, `docs serve`,
`templates list`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from scaffold.cli.app import (
    FormatOption,
    RepoOption,
    app,
    check_format,
    docs_app,
    open_layout,
    out,
    print_json,
    templates_app,
    user_errors,
)
from scaffold.cli.parsing import Command


@app.command(cls=Command)
def init(directory: Annotated[Path, typer.Argument(help="A new or empty directory.")]) -> None:
    """Create a working copy of the reference server in DIRECTORY."""
    from scaffold.commands.init import init_repo

    with user_errors():
        target = init_repo(directory)
        out.print(f"created {target} — try: cd {directory} && python -m pytest -q")


@docs_app.command("build", cls=Command)
def docs_build(
    repo: RepoOption = None,
    format: FormatOption = "text",
    html: Annotated[bool, typer.Option("--html", help="Also write a browsable API reference page.")] = False,
) -> None:
    """Merge the doc fragments in build order, validate the result and write the spec."""
    from scaffold.commands.docs import build_docs
    from scaffold.repo.transaction import apply_changes

    check_format(format, ("text", "json"))
    with user_errors():
        layout = open_layout(repo)
        result = build_docs(layout, html=html)
        apply_changes(layout.root, result.changes)
        if format == "json":
            report: dict[str, Any] = {"output": result.output, "paths": result.paths, "operations": result.operations}
            if result.html:
                report["html"] = result.html
            print_json(report)
        else:
            out.print(f"wrote {result.output}: {result.paths} paths, {result.operations} operations, valid")
            if result.html:
                out.print(f"wrote {result.html}: open it, or run `scaffold docs serve`")


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
