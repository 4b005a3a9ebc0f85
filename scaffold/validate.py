"""Checks of a planned change set, run by the transaction before and after writing."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from collections.abc import Callable

import yaml

from scaffold.changes import ChangeSet, Workspace
from scaffold.config import CONFIG_NAME, RepoLayout, parse_layout
from scaffold.errors import ValidationError
from scaffold.imports import dotted
from scaffold.spec import merge, read_fragments, validate
from scaffold.yamltext import Loader


def check_syntax(changes: ChangeSet) -> None:
    """Every written Python file compiles, every YAML and TOML file loads."""
    for change in changes.changes:
        if change.after is None:
            continue
        try:
            if change.path.endswith(".py"):
                compile(change.after, change.path, "exec", dont_inherit=True)
            elif change.path.endswith((".yaml", ".yml")):
                yaml.compose(change.after, Loader=Loader)
            elif change.path.endswith(".toml"):
                tomllib.loads(change.after)
        except SyntaxError as err:
            raise _invalid(change.path, err.lineno, f"the result does not compile: {err.msg}") from None
        except yaml.MarkedYAMLError as err:
            line = err.problem_mark.line + 1 if err.problem_mark else None
            raise _invalid(change.path, line, f"the result is not valid YAML: {err.problem}") from None
        except tomllib.TOMLDecodeError as err:
            raise _invalid(change.path, None, f"the result is not valid TOML: {err}") from None


def _invalid(path: str, line: int | None, message: str) -> ValidationError:
    return ValidationError(
        message, hint="nothing was written; this is a bug in scaffold or a template", path=path, line=line
    )


def spec_check(layout: RepoLayout) -> Callable[[ChangeSet], None]:
    """The merged spec, as the change set leaves it, validates."""

    def check(changes: ChangeSet) -> None:
        workspace = Workspace(layout.root)
        for change in changes.changes:
            workspace.write(change.path, change.after)
        planned = parse_layout(layout.root, workspace.read(CONFIG_NAME))
        touched = {c.path for c in changes.changes if c.path.startswith(planned.docs_source + "/")}
        if not touched and CONFIG_NAME not in changes.paths:
            return
        merged = merge(read_fragments(planned, workspace.read_or_none))
        # Path items of fragments the change leaves alone were valid before and still are;
        # a change of the build list or of shared components validates everything.
        definitions = planned.fragment_path(planned.build[-1])
        introduction = planned.fragment_path(planned.build[0])
        whole = CONFIG_NAME in changes.paths or definitions in touched or introduction in touched
        validate(merged, only=None if whole else touched)

    return check


def import_check(layout: RepoLayout) -> Callable[[ChangeSet], None]:
    """The touched Python modules import (run in a fresh interpreter, in the repo)."""

    def check(changes: ChangeSet) -> None:
        modules = [
            dotted(c.path) for c in changes.changes if c.after is not None and c.path.endswith(".py")
        ]
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

    return check
