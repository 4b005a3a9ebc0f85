"""The repo's own code, run by scaffold: its formatter, and an import of the edited modules.

Only commands that write run these (`endpoint add`, `endpoint remove`, `check --fix`): the
formatter over the Python files a plan writes, before anything touches disk, so a formatter
failure leaves the repo as it was; the import once the files are in place, so a module that
does not import is rolled back.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

from scaffold.errors import ValidationError
from scaffold.model.changes import Change, ChangeSet
from scaffold.model.layout import RepoLayout
from scaffold.naming import dotted


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


def import_modules(layout: RepoLayout, changes: ChangeSet) -> None:
    """The Python modules `changes` writes import, with the routes module that ties them
    (run in a fresh interpreter, in the repo)."""
    modules = [dotted(c.path) for c in changes.changes if c.after is not None and c.path.endswith(".py")]
    if not modules:
        return
    modules.append(dotted(layout.routes))
    script = "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)\n"
    env = {**os.environ, "PYTHONPATH": str(layout.root), "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "-c", script, *dict.fromkeys(modules)],
        cwd=layout.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise ValidationError(
            f"the edited server does not import: {last}",
            hint="nothing was written; fix the module named above, or the overriding template",
        )


def passing_tests(layout: RepoLayout, node_ids: list[str]) -> set[str]:
    """Of the repo's tests `node_ids` (`path::name`), those that pass, their xfail marks set
    aside (run in a fresh interpreter, in the repo)."""
    if not node_ids:
        return set()
    return {node for node, outcome in test_outcomes(layout, node_ids).items() if outcome == "PASSED"}


def test_outcomes(layout: RepoLayout, selection: list[str]) -> dict[str, str]:
    """Run the repo's tests `selection` (pytest arguments: node ids, `-k` expressions) with their
    xfail marks set aside, in a fresh interpreter, in the repo: node id → PASSED, FAILED…"""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTEST_ADDOPTS", None)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--runxfail", "-rA", *selection]
    try:
        result = subprocess.run(command, cwd=layout.root, env=env, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise ValidationError(
            f"the repo's tests could not run: {err}",
            hint="run them with `python -m pytest` in the repo to see why; nothing was written",
        ) from None
    if result.returncode not in (0, 1, 5):  # 1: some failed, as some may; 5: none selected
        detail = (result.stdout.strip().splitlines() or result.stderr.strip().splitlines() or ["no output"])[-1]
        raise ValidationError(
            f"the repo's tests could not run: {detail}",
            hint="run them with `python -m pytest` in the repo to see why; nothing was written",
        )
    outcomes = {}
    for line in result.stdout.splitlines():
        # `-rA` lines: `PASSED path::name[id]`, `FAILED path::name[id] - reason`.
        match = _SUMMARY.match(line)
        if match:
            outcomes[match["node"]] = match["outcome"]
    return outcomes


_SUMMARY = re.compile(r"(?P<outcome>PASSED|FAILED|ERROR|SKIPPED) (?P<node>\S+::[^\s\[]+(?:\[.*?\])?)(?: - .*)?$")
