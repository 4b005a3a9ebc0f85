"""The gate and the view of one endpoint: `check` and `checklist`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from scaffold.cli.app import (
    REPO_PYTHON,
    RepoOption,
    app,
    check_format,
    err,
    open_layout,
    out,
    print_json,
    user_errors,
)
from scaffold.cli.output import (
    confirm_changes,
    emit_json,
    emit_text,
    log_console,
    print_diff,
    print_summary,
    write_file,
)
from scaffold.cli.parsing import Command
from scaffold.cli.replay import record
from scaffold.errors import EXIT_FINDINGS, EXIT_OK, UsageError
from scaffold.reporters import FORMATS

if TYPE_CHECKING:
    from scaffold.commands.checklist import Checklist
    from scaffold.model.layout import RepoLayout
    from scaffold.model.report import Report


@app.command("check", cls=Command, epilog=REPO_PYTHON)
def check(
    repo: RepoOption = None,
    format: Annotated[
        str, typer.Option("--format", help="text, json, sarif, github or html.")
    ] = "text",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the report to FILE instead of stdout."),
    ] = None,
    baseline: Annotated[
        Path | None, typer.Option("--baseline", help="Accept the findings a baseline FILE lists.")
    ] = None,
    write_baseline: Annotated[
        Path | None,
        typer.Option(
            "--write-baseline", help="Write a baseline FILE accepting every current finding."
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Pending (xfail) status cases are errors.")
    ] = False,
    fix: Annotated[
        bool,
        typer.Option(
            "--fix",
            help="Fill every fixable gap through `endpoint add --fill`. This runs the repo's own "
            "code: its formatter, an import of the edited server, and its tests.",
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="With --fix: show the diffs; write nothing.")
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="With --fix: apply without asking.")
    ] = False,
    matrix: Annotated[
        bool, typer.Option("--matrix/--no-matrix", help="Text: show the endpoint matrix.")
    ] = True,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Parse and validate everything again.")
    ] = False,
    only: Annotated[
        str | None,
        typer.Option(
            "--only",
            help="docs: only the rules that read the docs alone (no code is read); "
            "always so in a repo whose scaffold.toml has no [server].",
        ),
    ] = None,
) -> None:
    """Prove that every endpoint has its five artifacts; exit 1 on any error finding.

    `check` only reads the repo and never runs its code. `check --fix` writes, and runs the repo's own code as `endpoint add` does (its formatter, an import of the edited server) and its tests.
    """
    from scaffold.commands.baseline import baseline_text, load_baseline
    from scaffold.commands.check import run_check

    check_format(format, FORMATS)
    with user_errors():
        for flag, given in (("--dry-run", dry_run), ("--yes", yes)):
            if given and not fix:
                raise UsageError(f"{flag} only works with --fix", hint=f"use `scaffold check --fix {flag}`")
        if only not in (None, "docs"):
            raise UsageError(f"--only: unknown scope {only!r}", hint="the one scope is `--only docs`")
        layout = open_layout(repo)
        only_docs = only == "docs" or layout.docs_only
        if fix:
            quiet = format != "text" and output is None
            _fix(layout, dry_run=dry_run, quiet=quiet, only_docs=only_docs, yes=yes or format != "text")
        accepted = load_baseline(baseline) if baseline is not None else None
        report = run_check(
            layout, strict=strict, baseline=accepted, use_cache=not no_cache, only_docs=only_docs
        )
        if write_baseline is not None:
            everything = report.findings + report.baselined
            write_file(write_baseline, baseline_text(everything))
            err.print(f"wrote {write_baseline}: {len(everything)} findings accepted")
            raise typer.Exit(EXIT_OK)
        printed = _print_report(report, format, output, matrix)
        if printed is not None:
            record(layout.root, report.content, printed, report.exit_code)
        raise typer.Exit(report.exit_code)


def _fix(layout: RepoLayout, *, dry_run: bool, quiet: bool, only_docs: bool, yes: bool) -> None:
    """Plan and apply the fixes; a dry run only shows them, and the command ends there."""
    from rich.markup import escape

    from scaffold.commands.fix import plan_fix
    from scaffold.commands.guards import apply_checked, check_planned

    if not only_docs:
        from scaffold.commands.language import require_generated

        require_generated(layout, "check --fix")
    plan = plan_fix(layout, only_docs=only_docs)
    console = err if quiet else out
    for finding, reason in plan.skipped:
        err.print(
            f"[yellow]not fixed:[/yellow] {finding.location}: {finding.rule}: {escape(reason)}",
            highlight=False,
        )
    if dry_run:
        check_planned(layout, plan.changes)
        print_diff(out, plan.changes)
        fixed = sum(len(findings) for _, findings in plan.planned) + len(plan.docs_fixed)
        err.print(f"--dry-run: {fixed} findings would be fixed; nothing was written")
        busy = plan.planned or plan.docs_fixed or plan.manual or plan.skipped
        raise typer.Exit(EXIT_FINDINGS if busy else EXIT_OK)
    if plan.changes:
        confirm_changes(console, plan.changes, "Apply these fixes?", yes=yes)
        notes = apply_checked(layout, plan.changes)
        for note in notes:
            console.print(f"[yellow]note:[/yellow] {escape(note)}", highlight=False)
        for finding in plan.docs_fixed:
            console.print(f"fixed {finding.location}: {finding.rule}", highlight=False)
        for endpoint, findings in plan.planned:
            console.print(
                f"fixed {endpoint.method.value} {endpoint.full_path}: "
                + ", ".join(sorted({f.rule for f in findings})),
                highlight=False,
            )
        print_summary(console, plan.changes, applied=True)
    if not only_docs:
        _finish(layout, console, yes=yes)


def _finish(layout: RepoLayout, console: Console, *, yes: bool) -> None:
    """Drop the xfail marks of the pending cases that pass now that their app function is written."""
    from rich.markup import escape

    from scaffold.commands.finish import plan_finish
    from scaffold.commands.guards import apply_checked

    plan = plan_finish(layout)
    if plan.changes:
        confirm_changes(console, plan.changes, "Drop the xfail marks of these passing tests?", yes=yes)
        apply_checked(layout, plan.changes)
        for endpoint, names in plan.finished:
            console.print(f"finished {endpoint}: {', '.join(names)} pass: their xfail marks are gone", highlight=False)
        for name in plan.secured:
            console.print(f"finished {name}: its security cases pass: it is no longer pending", highlight=False)
        print_summary(console, plan.changes, applied=True)
    for test in plan.failing:
        console.print(f"[yellow]still pending:[/yellow] {test.location}: {test.name} fails", highlight=False)
    for name, cases in plan.insecure:
        shown = ", ".join(cases[:3]) + (f" and {len(cases) - 3} more" if len(cases) > 3 else "")
        console.print(f"[yellow]still pending:[/yellow] {name} in the security table: {escape(shown) or 'no case ran'} fails", highlight=False)


def _print_report(report: Report, format: str, output: Path | None, matrix: bool) -> str | None:
    """Print the report (or write it to `output`); what went to stdout, when it went as text."""
    if format == "json":
        from scaffold.reporters.json import report_json

        return emit_json(report_json(report), output)
    if format == "sarif":
        from scaffold.reporters.sarif import report_sarif

        return emit_json(report_sarif(report), output)
    if format == "text":
        from scaffold.reporters.text import report_text

        color = output is None and out.is_terminal and out.color_system is not None
        text = report_text(report, color=color, show_matrix=matrix)
    elif format == "github":
        from scaffold.reporters.github import report_github

        text = report_github(report)
    else:
        from scaffold.reporters.html import report_html

        text = report_html(report)
    printed = emit_text(text, output)
    if output is not None:
        summary = report.summary()
        err.print(
            f"wrote {output}: {summary['errors']} errors, {summary['warnings']} warnings",
            highlight=False,
        )
    return printed


@app.command("checklist", cls=Command)
def checklist(
    method: Annotated[str, typer.Argument(help="GET, POST, PUT, PATCH or DELETE.")],
    path: Annotated[
        str, typer.Argument(help="/users/{user_id}/sessions or /users/<user_id>/sessions.")
    ],
    repo: RepoOption = None,
    format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """The five checklist items of one endpoint: done, missing or pending, and what completes each."""
    from scaffold.commands.checklist import build_checklist

    check_format(format, ("text", "json"))
    with user_errors():
        layout = open_layout(repo)
        result = build_checklist(layout, method, path)
        if format == "json":
            print_json(_checklist_json(result))
            return
        _print_checklist(result)


def _checklist_json(result: Checklist) -> dict[str, Any]:
    return {
        "method": result.method,
        "path": result.path,
        "operation_id": result.operation_id,
        "complete": result.complete,
        "items": [
            {
                "number": item.number,
                "title": item.title,
                "state": item.state,
                "location": None
                if item.location is None
                else {"path": item.location.path, "line": item.location.line},
                "command": item.command,
                "details": item.details,
            }
            for item in result.items
        ],
    }


def _print_checklist(result: Checklist) -> None:
    from rich.text import Text

    styles = {"done": "green", "missing": "bold red", "pending": "yellow"}
    marks = {"done": "✓ done", "missing": "✗ missing", "pending": "… pending"}
    console = log_console()
    title = Text(f"{result.method} {result.path}", style="bold")
    if result.operation_id:
        title.append(f"  ({result.operation_id})", style="dim")
    console.print(title)
    for item in result.items:
        line = Text(f"{item.number}. ")
        line.append(f"{marks[item.state]:<10}", style=styles[item.state])
        line.append(item.title)
        if item.location is not None:
            line.append(f"  {item.location}", style="dim")
        console.print(line)
        for detail in item.details:
            console.print(Text(f"   {'':<10}{detail}"))
        if item.command:
            console.print(Text(f"   {'':<10}→ {item.command}", style="cyan"))
