"""Finishing an endpoint: once its app function is written, the pending cases that pass lose
their xfail marks, and its operation leaves the pending ones of the security table once its
security cases pass (`check --fix` does it after filling the gaps).

Which tests pass is a fact of the repo's own code, so the repo's tests are run — the pending
ones only, their marks set aside; a case that still fails keeps its mark and its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scaffold.artifacts.security import drop_pending
from scaffold.artifacts.tests import drop_xfail_marks
from scaffold.model.changes import ChangeSet
from scaffold.model.layout import RepoLayout
from scaffold.repo.runner import passing_tests, test_outcomes
from scaffold.repo.workspace import Workspace
from scaffold.scan.catalog import EndpointRecord, catalog
from scaffold.scan.scanner import Inventory, scan
from scaffold.scan.tests import TestCase


@dataclass
class FinishPlan:
    changes: ChangeSet
    #: (endpoint, the tests whose marks go)
    finished: list[tuple[str, list[str]]] = field(default_factory=list)
    #: pending tests of written app functions that still fail: their marks stay
    failing: list[TestCase] = field(default_factory=list)
    #: (operation, its security cases that still fail): it stays pending in the table
    insecure: list[tuple[str, list[str]]] = field(default_factory=list)
    #: operations whose security cases pass: they leave the pending ones
    secured: list[str] = field(default_factory=list)


def pending_of_written(record: EndpointRecord) -> list[TestCase]:
    """The xfail tests of an endpoint whose app function is written (no longer the stub)."""
    if not _written(record):
        return []
    found = {t.name: t for case in record.cases.values() for t in case.tests if t.xfail}
    return sorted(found.values(), key=lambda t: (t.location.path, t.location.line))


def plan_finish(layout: RepoLayout) -> FinishPlan:
    """Run the pending tests of every written app function; plan dropping the marks of those
    that pass."""
    inventory = scan(layout)
    joined = catalog(inventory, layout)
    pending = {record.key: (record, pending_of_written(record)) for record in joined.endpoints}
    pending = {key: value for key, value in pending.items() if value[1]}
    node_ids = [f"{t.location.path}::{t.name}" for _, tests in pending.values() for t in tests]
    passing = passing_tests(layout, node_ids)
    workspace = Workspace(layout.root)
    plan = FinishPlan(ChangeSet())
    for record, tests in pending.values():
        done = [t for t in tests if f"{t.location.path}::{t.name}" in passing]
        plan.failing += [t for t in tests if t not in done]
        if not done:
            continue
        for path in sorted({t.location.path for t in done}):
            names = {t.name for t in done if t.location.path == path}
            drop_xfail_marks(workspace, layout.line_length, path, names)
        plan.finished.append((f"{record.method} {record.full_path}", [t.name for t in done]))
    _finish_security(layout, inventory, [r for r in joined.endpoints if _written(r)], workspace, plan)
    plan.changes = workspace.change_set()
    return plan


def _written(record: EndpointRecord) -> bool:
    return record.app_function is not None and not record.app_function.stub


def _finish_security(
    layout: RepoLayout, inventory: Inventory, written: list[EndpointRecord], workspace: Workspace, plan: FinishPlan
) -> None:
    """Run the security cases of the pending operations whose app function is written; those
    whose cases all pass leave the pending ones."""
    security, table = layout.security, inventory.security
    if security is None or table is None:
        return
    names = sorted({r.operation_id for r in written if r.operation_id and table.pending(r.operation_id)})
    if not names:
        return
    outcomes = test_outcomes(layout, [security.cases, "-k", " or ".join(names)])
    done = set()
    for name in names:
        # A case's id names its operation between brackets or dashes: `[GetUser-user_id]`.
        own = re.compile(rf"[\[-]{re.escape(name)}[\]-]")
        cases = {node: outcome for node, outcome in outcomes.items() if own.search(node)}
        failing = sorted(node for node, outcome in cases.items() if outcome != "PASSED")
        if cases and not failing:
            done.add(name)
        else:
            plan.insecure.append((name, failing))
    if done:
        drop_pending(workspace, security, done, layout.line_length)
        plan.secured = sorted(done)
