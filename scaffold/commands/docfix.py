"""`check --fix` for the docs rules: the fixes that are mechanical, made in the fragments.

A 401 or 403 a doc operation should list is added as the shared response the spec defines; an
operationId that is not PascalCase is renamed
(only in a repo of docs alone: elsewhere the name ties the doc to the code). Nothing else of
the fragment changes.
"""

from __future__ import annotations

from scaffold.artifacts.doc_fixes import FragmentFixes
from scaffold.commands.rules.operations import AUTH_RESPONSES
from scaffold.model.findings import Finding
from scaffold.naming import to_pascal, to_snake
from scaffold.repo.workspace import Workspace
from scaffold.scan.catalog import Catalog

#: The rules whose fixable findings are fixed here, in the fragments.
DOC_FIX_RULES = frozenset({"unauthorized-response", "forbidden-response", "operation-id"})


def plan_doc_fixes(
    findings: list[Finding], joined: Catalog, workspace: Workspace
) -> tuple[list[Finding], list[tuple[Finding, str]]]:
    """Plan the fixes of `findings` into `workspace`: (those fixed, those skipped with why)."""
    records = {record.key: record for record in joined.endpoints}
    fragments: dict[str, FragmentFixes] = {}
    fixed: list[Finding] = []
    skipped: list[tuple[Finding, str]] = []
    for finding in findings:
        record = records.get(finding.endpoint or "")
        doc = record.doc if record is not None else None
        if doc is None:
            skipped.append((finding, "its operation was not found"))
            continue
        path = doc.location.path
        if path not in fragments:
            fragments[path] = FragmentFixes(workspace.read(path), path)
        fixes = fragments[path]
        line = doc.location.line
        if finding.rule == "operation-id":
            old = doc.operation_id or ""
            done = fixes.rename_operation_id(doc.operation_id_line, old, to_pascal(to_snake(old)))
        else:
            status = 401 if finding.rule == "unauthorized-response" else 403
            done = fixes.add_response(line, status, AUTH_RESPONSES[status])
        if done:
            fixed.append(finding)
        else:
            skipped.append((finding, "the operation is not written in a way this fix can edit"))
    for path, fixes in fragments.items():
        if fixes.splices:
            workspace.write(path, fixes.result())
    return fixed, skipped
