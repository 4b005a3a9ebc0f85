"""SARIF 2.1.0 for code scanning: one run, one rule per check, one result per finding."""

from __future__ import annotations

import hashlib
from typing import Any

from scaffold import __version__
from scaffold.model.findings import RULES
from scaffold.model.report import Report

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_LEVELS = {"error": "error", "warning": "warning"}


def report_sarif(report: Report) -> dict[str, Any]:
    rule_ids = list(RULES)
    rules = [
        {
            "id": rule.id,
            "name": "".join(part.capitalize() for part in rule.id.split("-")),
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.summary},
            "defaultConfiguration": {"level": _LEVELS[rule.severity]},
            "properties": {"tags": ["api", "checklist"]},
        }
        for rule in RULES.values()
    ]
    results = [
        {
            "ruleId": finding.rule,
            "ruleIndex": rule_ids.index(finding.rule),
            "level": _LEVELS[finding.severity],
            "message": {"text": f"{finding.message}. Fix: {finding.fix}"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": finding.path, "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": finding.line},
                    }
                }
            ],
            # Code scanning tracks a result across commits by this, not by its line.
            "partialFingerprints": {
                "scaffoldKey/v1": hashlib.sha256(
                    f"{finding.rule}\0{finding.path}\0{finding.key}".encode()
                ).hexdigest()
            },
            "properties": {"fix": finding.fix, "fixable": finding.fixable},
        }
        for finding in report.findings
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "scaffold",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {
                    "%SRCROOT%": {"description": {"text": "The server repo's root."}}
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
