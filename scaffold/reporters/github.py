"""GitHub Actions workflow commands: one `::error`/`::warning` annotation per finding.

The fix goes into the annotation's message, so it shows on the line in the pull request.
"""

from __future__ import annotations

from scaffold.model.report import Report


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def report_github(report: Report) -> str:
    lines = []
    for finding in report.findings:
        properties = (
            f"file={_property(finding.path)},line={finding.line},title={_property(finding.rule)}"
        )
        message = f"{finding.message}\nfix: {finding.fix}"
        lines.append(f"::{finding.severity} {properties}::{_data(message)}")
    summary = report.summary()
    lines.append(
        f"scaffold check: {summary['endpoints']} endpoints, {summary['complete']} complete, "
        f"{_count(summary['errors'], 'error')}, {_count(summary['warnings'], 'warning')}"
        + (f", {summary['baselined']} accepted by the baseline" if summary["baselined"] else "")
    )
    return "\n".join(lines) + "\n"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
