"""Printing for the CLI: change sets as summaries or diffs, and JSON shapes of the core's data."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.syntax import Syntax

from scaffold.changes import ChangeSet
from scaffold.endpoint import Endpoint


def endpoint_json(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "method": endpoint.method.value,
        "path": endpoint.full_path,
        "operation_id": endpoint.operation_id,
        "name": endpoint.name,
        "tag": endpoint.tag,
        "resource": endpoint.resource,
        "auth": endpoint.auth.value,
        "permission": endpoint.permission,
        "status": endpoint.status,
        "etag": endpoint.etag,
        "statuses": list(endpoint.statuses()),
        "summary": endpoint.summary,
    }


def changes_json(changes: ChangeSet) -> list[dict[str, Any]]:
    return [{"path": c.path, "action": c.action, "diff": c.diff()} for c in changes.changes]


def print_diff(console: Console, changes: ChangeSet) -> None:
    """Unified diffs: highlighted on a terminal, plain text otherwise."""
    text = changes.diff()
    if console.is_terminal:
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
