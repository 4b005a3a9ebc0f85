"""`endpoint add`, `endpoint remove` and `endpoint list`."""

from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from scaffold.cli.app import (
    REPO_PYTHON,
    FormatOption,
    RepoOption,
    check_format,
    endpoint_app,
    err,
    open_layout,
    out,
    print_json,
    user_errors,
)
from scaffold.cli.output import confirm_changes, emit_json, emit_text, print_diff, print_summary
from scaffold.cli.parsing import Command
from scaffold.cli.replay import record
from scaffold.errors import EXIT_OK, UsageError

if TYPE_CHECKING:
    from collections.abc import Callable

    from scaffold.commands.guards import SpecCheckAhead
    from scaffold.model.changes import ChangeSet
    from scaffold.model.endpoint import Endpoint
    from scaffold.model.layout import RepoLayout
    from scaffold.repo.runner import ImportCheck


@endpoint_app.command("add", cls=Command, epilog=REPO_PYTHON)
def endpoint_add(
    method: Annotated[str, typer.Argument(help="GET, POST, PUT, PATCH or DELETE.")],
    path: Annotated[str, typer.Argument(help="/users/<user_id>/sessions or /users/{user_id}/sessions.")],
    summary: Annotated[str | None, typer.Option(help="A few words for the docs.")] = None,
    description: Annotated[str | None, typer.Option(help="A sentence or two for the docs.")] = None,
    permission: Annotated[str | None, typer.Option(help="The permission the handler checks (403), or none. Required off a terminal unless --auth public.")] = None,
    auth: Annotated[str | None, typer.Option(help="session (the default), public or trust-requester.")] = None,
    tag: Annotated[str | None, typer.Option(help="The doc tag, as the docs name it (default: the tag of the path's nearest documented siblings, else its first segment). Says that a new tag is meant where the path looks mistyped.")] = None,
    query: Annotated[str | None, typer.Option(help="Query parameters: name:type,...")] = None,
    body: Annotated[str | None, typer.Option(help="Body fields name:type,... (types: string, integer, number, boolean, id, email, enum(A|B); bounds name:string{1,64}; ? optional) or a schema name.")] = None,
    response: Annotated[str | None, typer.Option(help="The response schema: Name, or Name[] for a list.")] = None,
    status: Annotated[int | None, typer.Option(help="Success status (201 for POST, else 200).")] = None,
    etag: Annotated[bool | None, typer.Option("--etag/--no-etag", help="Answer 304 on a matching Etag.")] = None,
    statuses: Annotated[str | None, typer.Option(help="The documented codes, e.g. 200,400,401,403 (default: the status matrix).")] = None,
    name: Annotated[str | None, typer.Option(help="The operation name (default: from method and path).")] = None,
    only: Annotated[str | None, typer.Option(help="Only these artifacts: docs,route,handler,driver,tests.")] = None,
    fill: Annotated[bool, typer.Option(help="Add only the artifacts that are missing.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the diffs; write nothing.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Apply without asking.")] = False,
    repo: RepoOption = None,
    format: FormatOption = "text",
) -> None:
    """Add the five artifacts of an endpoint — docs, route, handler, driver, tests — as one change.

    This runs the repo's own code: its formatter (`\\[format] command`) over the new code, and an import of the edited server before the change is kept. Run it only on a repo whose code you trust.
    """
    from scaffold.cli.prompts import ask_missing, ask_params, describe, known_permissions
    from scaffold.commands.add import add_endpoint, place, refuse_guesses
    from scaffold.commands.language import require_generated
    from scaffold.model.endpoint import ARTIFACTS
    from scaffold.model.options import EndpointOptions, parse_endpoint
    from scaffold.scan.scanner import cached_inventory

    check_format(format, ("text", "json"))
    with user_errors(), contextlib.ExitStack() as cleanup:
        layout = open_layout(repo)
        require_generated(layout, "endpoint add")
        started = _start_early(layout, dry_run, cleanup)
        options = EndpointOptions(
            summary=summary, description=description, permission=permission, auth=auth or "session",
            tag=tag, query=query, body=body, response=response, status=status, etag=etag, name=name,
            statuses=statuses,
        )
        # Ask only on a terminal, and only for what was not given; never in JSON mode.
        interactive = format == "text" and sys.stdin.isatty() and not yes
        inventory = cached_inventory(layout)
        layout, placement = place(layout, inventory, path, tag)
        if tag is None:
            options.tag = placement.tag.key
        if interactive:
            path = ask_params(out, path, placement, layout.docs_prefix)
            given = {key for key, value in (("summary", summary), ("auth", auth), ("permission", permission), ("tag", tag)) if value is not None}
            options = ask_missing(out, method, path, options, given, layout, inventory, placement)
        else:
            refuse_guesses(placement, path, layout.docs_prefix)
        endpoint = parse_endpoint(
            method, path, options, layout,
            known_permissions=known_permissions(layout, inventory), validators=inventory.param_validators,
        )
        if options.permission is None and not endpoint.is_public:
            raise UsageError(
                "--permission is missing: say which permission the handler checks",
                hint="pass --permission NAME (a 403 case proves it), or --permission none for an endpoint with no permission check",
            )
        selected = [part.strip() for part in only.split(",")] if only else list(ARTIFACTS)
        aheads: list[SpecCheckAhead] = []
        plan = add_endpoint(
            layout, endpoint, only=selected, fill=fill, inventory=inventory, rename=options.name is None,
            begin=_keeper(aheads, cleanup),
        )
        endpoint = plan.endpoint  # under a distinct name, where another endpoint had its own
        if not plan.changes and format == "text" and not dry_run:
            out.print(f"{endpoint.method.value} {endpoint.full_path}: nothing to add")
            return
        from scaffold.reporters.release import pr_description, release_note

        review = (release_note(endpoint), pr_description(endpoint, layout, plan.changes, plan.planned, stub=plan.stub))
        _finish(layout, endpoint, plan.changes, "added", dry_run=dry_run, yes=yes, format=format,
                question="Apply these changes?", intro=describe(endpoint), notes=_docs_alone(layout), review=review,
                started=started, ahead=next(iter(aheads), None))


@endpoint_app.command("remove", cls=Command, epilog=REPO_PYTHON)
def endpoint_remove(
    method: Annotated[str, typer.Argument(help="GET, POST, PUT, PATCH or DELETE.")],
    path: Annotated[str, typer.Argument(help="/users/{user_id}/sessions (or with <user_id>, or /api/v4).")],
    force: Annotated[bool, typer.Option("--force", help="Also remove parts edited by hand.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the diffs; write nothing.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Apply without asking.")] = False,
    repo: RepoOption = None,
    format: FormatOption = "text",
) -> None:
    """Remove every artifact of an endpoint — the exact inverse of `endpoint add`.

    Like `endpoint add`, this runs the repo's own code: its formatter (`\\[format] command`) and an import of the edited server. Run it only on a repo whose code you trust.
    """
    from scaffold.commands.language import require_generated
    from scaffold.commands.remove import plan_remove
    from scaffold.errors import ConflictError
    from scaffold.scan.scanner import cached_inventory

    check_format(format, ("text", "json"))
    with user_errors(), contextlib.ExitStack() as cleanup:
        layout = open_layout(repo)
        require_generated(layout, "endpoint remove")
        started = _start_early(layout, dry_run, cleanup)
        aheads: list[SpecCheckAhead] = []
        plan = plan_remove(
            layout, method, path, force=force, inventory=cached_inventory(layout), begin=_keeper(aheads, cleanup)
        )
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
        _finish(layout, endpoint, plan.changes, "removed", dry_run=dry_run, yes=yes, format=format,
                question="Remove these?", kept=plan.kept, notes=_docs_alone(layout), started=started,
                ahead=next(iter(aheads), None))
        if format == "text":
            for note in plan.kept:
                out.print(f"[yellow]kept:[/yellow] {escape(note)}")


def _keeper(aheads: list[SpecCheckAhead], cleanup: contextlib.ExitStack) -> Callable[[SpecCheckAhead], None]:
    """Where a planner puts the spec check it begins: collected by the guards, or stopped on
    the way out."""

    def begin(ahead: SpecCheckAhead) -> None:
        aheads.append(ahead)
        cleanup.callback(ahead.cancel)

    return begin


def _start_early(layout: RepoLayout, dry_run: bool, cleanup: contextlib.ExitStack) -> ImportCheck | None:
    """For a change to apply, the import check started now: the repo's interpreter loads what
    it can while the change is planned (stopped on the way out, if never used)."""
    from scaffold.commands.guards import start_import_check
    from scaffold.text.beside import working_beside

    cleanup.enter_context(working_beside())
    started = None if dry_run else start_import_check(layout)
    if started is not None:
        cleanup.callback(started.close)
    return started


def _finish(
    layout: RepoLayout,
    endpoint: Endpoint,
    changes: ChangeSet,
    done: str,
    *,
    dry_run: bool,
    yes: bool,
    format: str,
    question: str,
    intro: str | None = None,
    kept: list[str] | None = None,
    notes: list[str] | None = None,
    review: tuple[str, str] | None = None,
    started: ImportCheck | None = None,
    ahead: SpecCheckAhead | None = None,
) -> None:
    """The tail of `add` and `remove`: confirm on a terminal, apply (guarded), and say what
    was done — or, for a dry run, show the diffs. `review`: the change's release-note line and
    its description, for the pull request; `started`: the import check, started early;
    `ahead`: the spec check, begun while the change was planned."""
    from scaffold.commands.guards import apply_checked, check_planned
    from scaffold.reporters.json import changes_json, endpoint_json

    applied = False
    notes = list(notes or [])
    if changes and dry_run:
        check_planned(layout, changes, ahead)
    if format == "text" and dry_run:
        for note in notes:
            err.print(f"[yellow]note:[/yellow] {escape(note)}", highlight=False)
    if changes and not dry_run:
        confirm_changes(out, changes, question, yes=yes or format != "text", intro=intro)
        notes += apply_checked(layout, changes, started, ahead)
        applied = True
    if format == "json":
        report = {"endpoint": endpoint_json(endpoint), "changes": changes_json(changes), "applied": applied}
        if review is not None:
            report["release_note"], report["description"] = review
        report = report if kept is None else {**report, "kept": kept}
        print_json({**report, "notes": notes} if notes else report)
    elif dry_run:
        print_diff(out, changes)
    else:
        out.print(f"{done} {endpoint.method.value} {endpoint.full_path} ({endpoint.operation_id}):")
        print_summary(out, changes, applied=True)
        for note in notes:
            out.print(f"[yellow]note:[/yellow] {escape(note)}")
        if review is not None:
            out.print(f"\nrelease note: {escape(review[0])}\ndescription:  {escape(review[1])}")


def _docs_alone(layout: RepoLayout) -> list[str]:
    if not layout.docs_only:
        return []
    return ["this repo has docs alone (its scaffold.toml has no [server]): only the docs are changed"]


@endpoint_app.command("list", cls=Command)
def endpoint_list(
    repo: RepoOption = None,
    format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    missing: Annotated[
        bool, typer.Option("--missing", help="Only endpoints that lack an artifact.")
    ] = False,
) -> None:
    """List every endpoint with where each of its five artifacts is (file:line)."""
    from scaffold.commands.listing import list_endpoints
    from scaffold.model.endpoint import ARTIFACTS
    from scaffold.reporters.json import list_entry

    check_format(format, ("text", "json"))
    with user_errors():
        layout = open_layout(repo)
        listing = list_endpoints(layout, missing=missing)
        entries = [list_entry(record) for record in listing.endpoints]
        if format == "json":
            printed = emit_json(entries, None)
        else:
            from scaffold.reporters.text import Painter, listing_lines

            color = out.is_terminal and out.color_system is not None
            shown = ("docs",) if layout.docs_only else ARTIFACTS
            printed = emit_text("\n".join(listing_lines(entries, Painter(color), shown)) + "\n", None)
        if printed is not None:
            record(layout.root, listing.content, printed, EXIT_OK)
