"""Finishing an endpoint: once its app function is written, the pending cases that pass lose
their xfail marks (`check --fix` does it after filling the gaps).

Which tests pass is a fact of the repo's own code, so the repo's tests are run — the pending
ones only, their marks set aside; a case that still fails keeps its mark and its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scaffold.artifacts.tests import drop_xfail_marks
from scaffold.model.changes import ChangeSet
from scaffold.model.layout import RepoLayout
from scaffold.repo.runner import passing_tests
from scaffold.repo.workspace import Workspace
from scaffold.scan.catalog import EndpointRecord, catalog
from scaffold.scan.scanner import scan
from scaffold.scan.tests import TestCase


@dataclass
class FinishPlan:
    changes: ChangeSet
    #: (endpoint, the tests whose marks go)
    finished: list[tuple[str, list[str]]] = field(default_factory=list)
    #: pending tests of written app functions that still fail: their marks stay
    failing: list[TestCase] = field(default_factory=list)


def pending_of_written(record: EndpointRecord) -> list[TestCase]:
    """The xfail tests of an endpoint whose app function is written (no longer the stub)."""
    if record.app_function is None or record.app_function.stub:
        return []
    found = {t.name: t for case in record.cases.values() for t in case.tests if t.xfail}
    return sorted(found.values(), key=lambda t: (t.location.path, t.location.line))


def plan_finish(layout: RepoLayout) -> FinishPlan:
    """Run the pending tests of every written app function; plan dropping the marks of those
    that pass."""
    joined = catalog(scan(layout), layout)
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
    plan.changes = workspace.change_set()
    return plan
