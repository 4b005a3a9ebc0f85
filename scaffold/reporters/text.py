"""The text report: a matrix of endpoints × artifacts, findings grouped by file, a summary.

Formatted here as plain lines, with ANSI colours when the console has colour: a real API has
hundreds of endpoints and findings, and laying them out cell by cell through a table widget
costs more than the whole warm `check`.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from scaffold.model.endpoint import ARTIFACTS
from scaffold.model.findings import Finding
from scaffold.model.report import Report
from scaffold.reporters import SYMBOLS

_SGR = {
    "bold": "1",
    "dim": "2",
    "underline": "4",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "cyan": "36",
}
_STATES = {"done": "green", "missing": "bold red", "pending": "yellow"}
_SEVERITIES = {"error": "bold red", "warning": "yellow"}


class Painter:
    """Wraps text in ANSI styles, or leaves it plain."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, style: str) -> str:
        if not self.color or not text:
            return text
        codes = ";".join(_SGR[word] for word in style.split())
        return f"\x1b[{codes}m{text}\x1b[0m"


def columns(header: list[str], rows: list[list[tuple[str, str]]], paint: Painter) -> list[str]:
    """Left-aligned columns two spaces apart; each cell is (text, style), styled after padding."""
    widths = [len(name) for name in header]
    for row in rows:
        widths = [max(width, len(text)) for width, (text, _) in zip(widths, row)]
    lines = [paint("  ".join(f"{name:<{w}}" for name, w in zip(header, widths)).rstrip(), "bold")]
    for row in rows:
        cells = [
            paint(f"{text:<{w}}", style) if style else f"{text:<{w}}"
            for (text, style), w in zip(row, widths)
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def listing_lines(
    endpoints: list[dict[str, Any]], paint: Painter, artifacts: tuple[str, ...] = ARTIFACTS
) -> list[str]:
    """`endpoint list`: each endpoint and the file:line of each artifact (✗ where it is missing)."""
    rows = []
    for entry in endpoints:
        row = [(entry["method"], "bold"), (entry["path"], ""), (entry["operation_id"] or "", "")]
        for name in artifacts:
            where = entry["artifacts"][name]
            row.append(
                (f"{where['path']}:{where['line']}", "")
                if where
                else (SYMBOLS["missing"], _STATES["missing"])
            )
        rows.append(row)
    return [
        *columns(["method", "path", "operationId", *artifacts], rows, paint),
        f"{len(endpoints)} endpoints",
    ]


def matrix_lines(
    endpoints: list[dict[str, Any]], paint: Painter, artifacts: tuple[str, ...] = ARTIFACTS
) -> list[str]:
    widths = [len("method"), len("path")]
    for entry in endpoints:
        widths = [max(widths[0], len(entry["method"])), max(widths[1], len(entry["path"]))]
    columns = [max(len(name), len(SYMBOLS["pending"])) for name in artifacts]
    header = f"{'method':<{widths[0]}}  {'path':<{widths[1]}}  " + "  ".join(
        f"{name:^{width}}" for name, width in zip(artifacts, columns)
    )
    lines = [paint(header.rstrip(), "bold")]
    for entry in endpoints:
        cells = []
        for name, width in zip(artifacts, columns):
            state = entry["states"][name]
            cells.append(paint(f"{SYMBOLS[state]:^{width}}", _STATES[state]))
        method = paint(f"{entry['method']:<{widths[0]}}", "bold")
        lines.append(f"{method}  {entry['path']:<{widths[1]}}  " + "  ".join(cells))
    return lines


def finding_lines(findings: list[Finding], paint: Painter) -> list[str]:
    lines = []
    for path, group in groupby(
        sorted(findings, key=lambda f: (f.path, f.line)), key=lambda f: f.path
    ):
        lines.append(paint(path, "bold underline"))
        for finding in group:
            severity = paint(f"{finding.severity:<7}", _SEVERITIES[finding.severity])
            lines.append(
                f"  {finding.line:>5}  {severity} {paint(finding.rule, 'cyan')}  {finding.message}"
            )
            lines.append(f"         {paint('fix:', 'dim')} {finding.fix}")
    return lines


def summary_lines(report: Report, paint: Painter) -> list[str]:
    summary = report.summary()
    errors, warnings = summary["errors"], summary["warnings"]
    counted = (
        f"{summary['endpoints']} endpoints, {summary['complete']} complete; "
        if report.artifacts == ARTIFACTS
        else f"{summary['endpoints']} documented operations (docs rules only); "
    )
    line = (
        counted
        + paint(f"{errors} error{'s' if errors != 1 else ''}", "bold red" if errors else "green")
        + ", "
        + paint(
            f"{warnings} warning{'s' if warnings != 1 else ''}", "yellow" if warnings else "green"
        )
    )
    if summary["baselined"]:
        line += f"; {summary['baselined']} accepted by the baseline"
    if summary["stale_baseline"]:
        line += (
            f"; {summary['stale_baseline']} baseline entries no longer occur "
            "(write the baseline again to drop them)"
        )
    lines = [line]
    if summary["fixable"]:
        lines.append(paint(f"{summary['fixable']} can be fixed with `scaffold check --fix`", "dim"))
    return lines


def report_text(report: Report, *, color: bool = False, show_matrix: bool = True) -> str:
    paint = Painter(color)
    lines: list[str] = []
    if show_matrix and report.endpoints:
        lines += [*matrix_lines(report.endpoints, paint, report.artifacts), ""]
    if report.findings:
        lines += [*finding_lines(report.findings, paint), ""]
    lines += summary_lines(report, paint)
    return "\n".join(lines) + "\n"
