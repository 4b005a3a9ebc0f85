"""`check --fix`: every gap the add engine can fill, filled as one change set.

Each endpoint with a fixable finding becomes an Endpoint (docs first: from its doc operation
when it has one, else from its route and handler) and goes through `plan_add(fill=True)`.
The plans build up one Workspace, so each sees the edits of those before it (each plans on a
copy, so one that fails half-way leaves nothing behind), and the result is applied as one
transaction — or, with `--dry-run`, only shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from scaffold.artifacts.context import plan_context
from scaffold.artifacts.docs import add_responses
from scaffold.commands.add import plan_add
from scaffold.commands.audit import audit
from scaffold.commands.derive import endpoint_of
from scaffold.commands.docfix import DOC_FIX_RULES, plan_doc_fixes
from scaffold.errors import ScaffoldError
from scaffold.model.changes import ChangeSet
from scaffold.model.endpoint import ARTIFACTS, Endpoint
from scaffold.model.findings import Finding
from scaffold.model.layout import RepoLayout
from scaffold.repo.workspace import Workspace
from scaffold.scan.catalog import EndpointRecord, catalog
from scaffold.scan.scanner import Inventory, TextMemo, scan

#: The findings that the generated test matrix fixes.
TEST_RULES = ("missing-tests", "missing-status-case")


@dataclass
class FixPlan:
    changes: ChangeSet
    #: the endpoints planned, each with the findings it fixes
    planned: list[tuple[Endpoint, list[Finding]]] = field(default_factory=list)
    #: fixable findings that could not be planned, with the reason
    skipped: list[tuple[Finding, str]] = field(default_factory=list)
    #: findings no command fixes (they need an edit by hand)
    manual: list[Finding] = field(default_factory=list)
    #: the findings fixed in the docs alone (see `scaffold.commands.docfix`)
    docs_fixed: list[Finding] = field(default_factory=list)


def plan_fix(layout: RepoLayout, *, only_docs: bool = False) -> FixPlan:
    """Every fixable finding, fixed as one change set: in the docs alone with `only_docs` (and
    in a repo of docs alone), else also through the add engine."""
    memo = TextMemo()  # the re-scans between plans parse only the files the plans edited
    inventory = scan(layout, memo=memo)
    joined = catalog(inventory, layout)
    findings = audit(joined, layout, only_docs=only_docs)
    by_key: dict[str, list[Finding]] = {}
    in_docs: list[Finding] = []
    plan = FixPlan(ChangeSet())
    for finding in findings:
        if finding.rule in ("pending-status-case", "pending-security-case"):
            continue  # finished by running its tests once the app function is written
        if finding.fixable and finding.rule in DOC_FIX_RULES:
            in_docs.append(finding)
        elif finding.fixable and finding.endpoint is not None:
            by_key.setdefault(finding.endpoint, []).append(finding)
        elif finding.severity == "error":
            plan.manual.append(finding)
    workspace = Workspace(layout.root)
    plan.docs_fixed, skipped = plan_doc_fixes(in_docs, joined, workspace)
    plan.skipped += skipped
    for record in joined.endpoints:
        fixes = by_key.get(record.key)
        if not fixes:
            continue
        try:
            endpoint = _plan_record(record, fixes, layout, workspace, memo)
        except ScaffoldError as err:
            plan.skipped += [(finding, str(err)) for finding in fixes]
            continue
        plan.planned.append((endpoint, fixes))
    plan.changes = workspace.change_set()
    return plan


def _plan_record(
    record: EndpointRecord,
    fixes: list[Finding],
    layout: RepoLayout,
    workspace: Workspace,
    memo: TextMemo,
) -> Endpoint:
    # Planned on a copy, so a plan that fails half-way leaves nothing behind in `workspace`.
    trial = Workspace.overlay(layout.root, workspace.change_set())
    # An earlier plan may have changed scaffold.toml (a new tag): plan against the layout as planned.
    current = trial.layout()
    inventory = scan(current, trial.read_or_none, memo)
    endpoint = endpoint_of(record, layout, inventory.param_validators)
    responses = sorted({code for f in fixes for code in _unlisted(f)})
    if responses and record.doc is not None:
        ctx = plan_context(current, trial, inventory, endpoint)
        add_responses(ctx, record.doc.location, responses)
        fixes = [f for f in fixes if not _unlisted(f)]
        if not fixes:
            _keep(trial, workspace)
            return endpoint
        inventory = scan(current, trial.read_or_none, memo)
    only = list(ARTIFACTS)
    if any(f.rule in TEST_RULES for f in fixes):
        # Other tests may call the driver method, even assert a status in passing: the
        # endpoint still has no tests of its own, whatever `add` would conclude from them.
        inventory = _without_tests_of(inventory, record.driver_name or endpoint.name)
    elif record.route is not None and not any(f.rule == "missing-security-case" for f in fixes):
        only.remove("tests")  # covered, or written by hand under the generated names
    plan_add(current, endpoint, only=only, fill=True, inventory=inventory, workspace=trial)
    _keep(trial, workspace)
    return endpoint


def _keep(trial: Workspace, workspace: Workspace) -> None:
    for change in trial.change_set().changes:
        workspace.write(change.path, change.after)


def _unlisted(finding: Finding) -> list[int]:
    """The error responses a doc-status finding asks to add to the doc (none for others)."""
    if finding.rule != "doc-status-mismatch" or not finding.fixable:
        return []
    _, _, codes = finding.key.partition("#undocumented:")
    if not codes:
        _, _, codes = finding.key.partition("#unlisted:")
    return [int(code) for code in codes.split(",") if code.strip().isdigit()]


def _without_tests_of(inventory: Inventory, driver_method: str) -> Inventory:
    return replace(
        inventory, tests=[t for t in inventory.tests if driver_method not in t.driver_calls]
    )
