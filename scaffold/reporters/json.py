"""`check --format json`: the shape documented by schemas/check-report.schema.json."""

from __future__ import annotations

from typing import Any

from scaffold.report import Report

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
