"""The repo's own formatter, when scaffold.toml names one, run over the Python files a plan
writes — before anything touches disk, so a formatter failure leaves the repo as it was."""

from __future__ import annotations

import shlex
import subprocess

from scaffold.changes import Change, ChangeSet
from scaffold.config import RepoLayout
from scaffold.errors import ValidationError


def format_changes(layout: RepoLayout, changes: ChangeSet) -> ChangeSet:
    """The change set with every written .py file passed through `[format] command`."""
    if not layout.formatter:
        return changes
    formatted = []
    for change in changes.changes:
        if change.after is None or not change.path.endswith(".py"):
            formatted.append(change)
            continue
        formatted.append(Change(change.path, change.before, _run(layout, change.path, change.after)))
    return ChangeSet(formatted, list(changes.warnings))


def _run(layout: RepoLayout, path: str, text: str) -> str:
    command = [part.replace("{path}", path) for part in shlex.split(layout.formatter or "")]
    try:
        result = subprocess.run(
            command, input=text, capture_output=True, text=True, cwd=layout.root, timeout=120, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise ValidationError(
            f"the formatter `{layout.formatter}` could not run: {err}",
            hint="fix [format] command in scaffold.toml (it reads stdin and writes stdout); nothing was written",
            path=layout.config_path,
        ) from None
    if result.returncode != 0 or not result.stdout.strip():
        detail = (result.stderr.strip().splitlines() or ["no output"])[0]
        raise ValidationError(
            f"the formatter `{layout.formatter}` failed on {path}: {detail}",
            hint="nothing was written; fix the formatter or [format] command in scaffold.toml",
            path=layout.config_path,
        )
    return result.stdout
