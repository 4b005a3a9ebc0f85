"""The JSON scaffold prints: `check --format json` (the shape documented by
schemas/check-report.schema.json) and the endpoints of `endpoint list --format json`."""

from __future__ import annotations

from typing import Any

from scaffold.model.changes import ChangeSet
from scaffold.model.endpoint import ARTIFACTS, Endpoint
from scaffold.model.report import Report
from scaffold.scan.catalog import EndpointRecord
from scaffold.scan.facts import Location

#: Bumped when a field changes meaning or goes away; new fields do not bump it.
SCHEMA_VERSION = 1


def report_json(report: Report) -> dict[str, Any]:
    return {
        "version": SCHEMA_VERSION,
        "summary": report.summary(),
        "findings": [f.as_json() for f in report.findings],
        "baselined": [f.as_json() for f in report.baselined],
        "endpoints": report.endpoints,
    }


def list_entry(record: EndpointRecord) -> dict[str, Any]:
    """An endpoint as `endpoint list --format json` prints it."""
    return {
        "method": record.method,
        "path": record.full_path,
        "operation_id": record.operation_id,
        "artifacts": {name: _location(where) for name, where in record.artifacts().items()},
    }


def check_entry(record: EndpointRecord) -> dict[str, Any]:
    """An endpoint as `check` reports it: with the state of each artifact and status case."""
    return {
        **list_entry(record),
        "states": {name: record.state(name) for name in ARTIFACTS},
        "cases": [
            {
                "status": case.status,
                "state": case.state,
                "required": case.status in record.required,
                "tests": [
                    {"name": t.name, "path": t.location.path, "line": t.location.line}
                    for t in case.tests
                ],
            }
            for case in sorted(record.cases.values(), key=lambda c: c.status)
        ],
    }


def _location(location: Location | None) -> dict[str, Any] | None:
    return None if location is None else {"path": location.path, "line": location.line}


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
