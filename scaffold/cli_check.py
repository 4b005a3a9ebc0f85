"""The commands that read a repo and report: `check`, `endpoint list`, `checklist`.

Each parses its options, calls one core function and prints the result; the heavy modules
(the audit, the reporters, the fixer) are imported inside the commands, so `scaffold --help`
and the other commands do not pay for them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from scaffold.cli import (
    RepoOption,
    _check_format,
    _layout,
    _print_json,
    app,
    apply_checked,
    endpoint_app,
    err,
    out,
    user_errors,
)
from scaffold.cli_replay import record
from scaffold.errors import EXIT_FINDINGS, EXIT_OK, UsageError

if TYPE_CHECKING:
    from scaffold.checklist import Checklist
    from scaffold.config import RepoLayout
    from scaffold.report import Report

CHECK_FORMATS = ("text", "json", "sarif", "github", "html")
#: Off a terminal (a CI log, a file) tables take the width they need, up to this.
_LOG_WIDTH = 400


def _console() -> Console:
    """`out` on a terminal; elsewhere a console as wide as the tables need, not 80 columns."""
    return out if out.is_terminal else Console(width=_LOG_WIDTH, highlight=False)


@app.command("check")
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
        bool, typer.Option("--fix", help="Fill every fixable gap through `endpoint add --fill`.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="With --fix: show the diffs; write nothing.")
    ] = False,
    matrix: Annotated[
        bool, typer.Option("--matrix/--no-matrix", help="Text: show the endpoint matrix.")
    ] = True,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Parse and validate everything again.")
    ] = False,
) -> None:
    """Prove that every endpoint has its five artifacts; exit 1 on any error finding."""
    from scaffold.baseline import baseline_text, load_baseline
    from scaffold.report import run_check

    _check_format(format, CHECK_FORMATS)
    with user_errors():
        if dry_run and not fix:
            raise UsageError(
                "--dry-run only works with --fix", hint="use `scaffold check --fix --dry-run`"
            )
        layout = _layout(repo)
        if fix:
            _fix(layout, dry_run=dry_run, quiet=format != "text" and output is None)
        accepted = load_baseline(baseline) if baseline is not None else None
        report = run_check(layout, strict=strict, baseline=accepted, use_cache=not no_cache)
        if write_baseline is not None:
            everything = report.findings + report.baselined
            write_baseline.write_text(baseline_text(everything), encoding="utf-8")
            err.print(f"wrote {write_baseline}: {len(everything)} findings accepted")
            raise typer.Exit(EXIT_OK)
        printed = _print_report(report, format, output, matrix)
        if printed is not None:
            record(layout.root, report.content, printed, report.exit_code)
        raise typer.Exit(report.exit_code)


def _fix(layout: RepoLayout, *, dry_run: bool, quiet: bool) -> None:
    """Plan and apply the fixes; a dry run only shows them, and the command ends there."""
    from rich.markup import escape

    from scaffold.fix import plan_fix
    from scaffold.output import print_diff, print_summary

    plan = plan_fix(layout)
    console = err if quiet else out
    for finding, reason in plan.skipped:
        err.print(
            f"[yellow]not fixed:[/yellow] {finding.location}: {finding.rule}: {escape(reason)}",
            highlight=False,
        )
    if dry_run:
        print_diff(out, plan.changes)
        fixed = sum(len(findings) for _, findings in plan.planned)
        err.print(f"--dry-run: {fixed} findings would be fixed; nothing was written")
        raise typer.Exit(EXIT_FINDINGS if plan.planned or plan.manual or plan.skipped else EXIT_OK)
    if plan.changes:
        apply_checked(layout, plan.changes)
        for endpoint, findings in plan.planned:
            console.print(
                f"fixed {endpoint.method.value} {endpoint.full_path}: "
                + ", ".join(sorted({f.rule for f in findings})),
                highlight=False,
            )
        print_summary(console, plan.changes, applied=True)


def _print_report(report: Report, format: str, output: Path | None, matrix: bool) -> str | None:
    """Print the report (or write it to `output`); what went to stdout, when it went as text."""
    if format == "json":
        from scaffold.reporters.json import report_json

        return _emit_json(report_json(report), output)
    if format == "sarif":
        from scaffold.reporters.sarif import report_sarif

        return _emit_json(report_sarif(report), output)
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
    printed = _emit_text(text, output)
    if output is not None:
        summary = report.summary()
        err.print(
            f"wrote {output}: {summary['errors']} errors, {summary['warnings']} warnings",
            highlight=False,
        )
    return printed


def _emit_json(data: Any, output: Path | None) -> str | None:
    if output is None and out.is_terminal:
        _print_json(data)
        return None
    # One line off a terminal: the C encoder is ten times faster than an indenting one.
    return _emit_text(json.dumps(data, separators=(",", ":")) + "\n", output)


def _emit_text(text: str, output: Path | None) -> str | None:
    """Print `text`, or write it to `output`; `text` when it was printed."""
    if output is not None:
        output.write_text(text, encoding="utf-8")
        return None
    sys.stdout.write(text)
    sys.stdout.flush()
    return text


@endpoint_app.command("list")
def endpoint_list(
    repo: RepoOption = None,
    format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    missing: Annotated[
        bool, typer.Option("--missing", help="Only endpoints that lack an artifact.")
    ] = False,
) -> None:
    """List every endpoint with where each of its five artifacts is (file:line)."""
    from scaffold.artifacts import ARTIFACTS
    from scaffold.cache import CheckCache
    from scaffold.report import scan_repo
    from scaffold.sources import content_key, read_sources

    _check_format(format, ("text", "json"))
    with user_errors():
        layout = _layout(repo)
        cache = CheckCache(layout.root)
        texts = read_sources(layout)
        endpoints = scan_repo(layout, cache, validate_spec=False, texts=texts).catalog.endpoints
        cache.save()
        if missing:
            endpoints = [e for e in endpoints if any(e.state(a) == "missing" for a in ARTIFACTS)]
        entries = [e.list_entry() for e in endpoints]
        if format == "json":
            printed = _emit_json(entries, None)
        else:
            from scaffold.reporters.text import Painter, listing_lines

            color = out.is_terminal and out.color_system is not None
            printed = _emit_text("\n".join(listing_lines(entries, Painter(color))) + "\n", None)
        if printed is not None:
            record(layout.root, content_key(layout, texts), printed, EXIT_OK)


@app.command("checklist")
def checklist(
    method: Annotated[str, typer.Argument(help="GET, POST, PUT, PATCH or DELETE.")],
    path: Annotated[
        str, typer.Argument(help="/users/{user_id}/sessions or /users/<user_id>/sessions.")
    ],
    repo: RepoOption = None,
    format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """The five checklist items of one endpoint: done, missing or pending, and what completes each."""
    from scaffold.checklist import build_checklist

    _check_format(format, ("text", "json"))
    with user_errors():
        layout = _layout(repo)
        result = build_checklist(layout, method, path)
        if format == "json":
            _print_json(_checklist_json(result))
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
    console = _console()
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
