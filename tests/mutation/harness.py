"""The mutation suite's machinery: regenerate the reference's tests, then run them against each
handler mutant of each endpoint.

Regenerating: a copy of the reference server loses every test of each endpoint whose app
function is written, and `scaffold check --fix` writes them again — so what runs is exactly
what scaffold generates. Those tests must pass on the real implementation, and each mutant of
a handler must make at least one of its endpoint's tests fail.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from scaffold.commands.init import init_repo
from scaffold.model.layout import RepoLayout
from scaffold.model.permissions import forbidden_actor, success_actor
from scaffold.repo.open import open_repo
from scaffold.scan.catalog import EndpointRecord, catalog
from scaffold.scan.scanner import scan
from scaffold.text.python import Source
from tests.mutation.mutants import mutate


@dataclass(frozen=True)
class Target:
    """An endpoint of the regenerated repo: its handler and its tests."""

    operation: str
    handler_module: str
    handler: str
    tests: tuple[str, ...]  # node ids
    record: EndpointRecord


def owner_of(test: str, names: list[str]) -> str | None:
    """The endpoint a generated test belongs to: `test_<name>` or `test_<name>_<case>`, the
    longest name first (`test_get_user_by_username` is not get_user's)."""
    return next((n for n in names if test == f"test_{n}" or test.startswith(f"test_{n}_")), None)


def regenerate(target: Path) -> Path:
    """A copy of the reference whose written endpoints have only generated tests."""
    repo = init_repo(target)
    layout = open_repo(repo)
    joined = catalog(scan(layout), layout)
    names = sorted({r.name for r in joined.endpoints if r.name}, key=len, reverse=True)
    written = {r.name for r in joined.endpoints if r.app_function is not None and not r.app_function.stub}
    for path in sorted({t.location.path for t in joined.inventory.tests}):
        source = Source.parse((repo / path).read_text(encoding="utf-8"), path)
        body = source.tree.body
        cuts = {
            source.region(body, index, 0): ""
            for index, node in enumerate(body)
            if isinstance(node, ast.FunctionDef) and owner_of(node.name, names) in written
        }
        (repo / path).write_text(source.without(cuts), encoding="utf-8")
    fixed = subprocess.run(
        [sys.executable, "-m", "scaffold", "check", "--fix", "--repo", str(repo)],
        capture_output=True, text=True, timeout=600, env=_env(),
    )
    assert fixed.returncode in (0, 1), fixed.stderr
    return repo


def targets(repo: Path) -> list[Target]:
    layout = open_repo(repo)
    joined = catalog(scan(layout), layout)
    names = sorted({r.name for r in joined.endpoints if r.name}, key=len, reverse=True)
    found = []
    for record in joined.endpoints:
        if record.handler is None or record.app_function is None or record.app_function.stub:
            continue
        tests = tuple(
            f"{t.location.path}::{t.name}"
            for t in joined.inventory.tests
            if owner_of(t.name, names) == record.name
        )
        found.append(Target(record.operation_id or record.key, record.handler.module, record.handler.name, tests, record))
    return found


def passes(repo: Path, node_ids: tuple[str, ...]) -> bool:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *node_ids],
        cwd=repo, capture_output=True, text=True, timeout=600, env=_env(),
    )
    return result.returncode == 0


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTEST_ADDOPTS", None)
    return env


def everyone_and_admin(layout: RepoLayout) -> tuple[str, str]:
    """A permission every logged-in actor holds, and one only an all-granting role holds."""
    permissions = layout.permissions
    held = [
        permissions.known & {p for role in actor.roles for p in permissions.roles.get(role, ())}
        for actor in layout.actors
        if any(permissions.roles.get(role) for role in actor.roles)
    ]
    everyone = sorted(set.intersection(*map(set, held)))[0]
    granted = {p for role, ps in permissions.roles.items() for p in ps}
    admin_only = sorted(permissions.known - granted)[0]
    return everyone, admin_only


def equivalent(layout: RepoLayout, target: Target, mutant: str, everyone: str, admin_only: str) -> bool:
    """Whether no actor of the repo can tell the mutant from the handler: then no test can."""
    handler = target.record.handler
    if handler is None or not handler.permissions or mutant not in ("everyone", "admin-only"):
        return False
    permissions = layout.permissions
    check = handler.permission_check
    scope = permissions.scope_checked_by(*check) if check and check[0] != permissions.check else None
    permission = handler.permissions[0]
    if mutant == "admin-only":
        actor = success_actor(permissions, layout.actors, permission, scope)
        return actor is not None and permissions.admits(actor, admin_only, scope)
    actor = forbidden_actor(permissions, layout.actors, permission, scope)
    return actor is None or not permissions.admits(actor, everyone, scope)


def run_mutant(repo: Path, target: Target, mutant: str, everyone: str, admin_only: str) -> str:
    """killed, survived, or n/a (the mutant does not apply to this handler)."""
    module = repo / target.handler_module
    original = module.read_text(encoding="utf-8")
    mutated = mutate(original, target.handler, mutant, everyone=everyone, admin_only=admin_only)
    if mutated is None:
        return "n/a"
    module.write_text(mutated, encoding="utf-8")
    try:
        return "survived" if passes(repo, target.tests) else "killed"
    finally:
        module.write_text(original, encoding="utf-8")


def copy_for(repo: Path, scratch: Path) -> Path:
    target = scratch / repo.name
    shutil.copytree(repo, target)
    return target
