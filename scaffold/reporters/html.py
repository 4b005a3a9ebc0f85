"""One self-contained HTML page (no external assets) with the matrix and the findings."""

from __future__ import annotations

from html import escape
from itertools import groupby

from scaffold import __version__
from scaffold.model.endpoint import ARTIFACTS
from scaffold.model.report import Report
from scaffold.reporters import SYMBOLS

_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem; color: #1f2328; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
table { border-collapse: collapse; } th, td { padding: .2rem .6rem; border-bottom: 1px solid #d0d7de; }
th { text-align: left; background: #f6f8fa; } td.state { text-align: center; }
.done { color: #1a7f37; } .missing { color: #cf222e; font-weight: bold; } .pending { color: #9a6700; }
.error { color: #cf222e; } .warning { color: #9a6700; } code { background: #f6f8fa; padding: 0 .2rem; }
.file { margin-top: 1rem; font-weight: bold; } ul { margin: .3rem 0; } li { margin: .3rem 0; }
.summary { font-size: 1.05rem; }
"""


def report_html(report: Report) -> str:
    summary = report.summary()
    rows = []
    for entry in report.endpoints:
        cells = "".join(
            f'<td class="state {state}">{escape(SYMBOLS[state])}</td>'
            for state in (entry["states"][name] for name in ARTIFACTS)
        )
        rows.append(
            f"<tr><td><b>{escape(entry['method'])}</b></td><td><code>{escape(entry['path'])}</code></td>"
            f"<td>{escape(entry['operation_id'] or '')}</td>{cells}</tr>"
        )
    header = "".join(f"<th>{name}</th>" for name in ("method", "path", "operationId", *ARTIFACTS))
    findings = []
    for path, group in groupby(
        sorted(report.findings, key=lambda f: (f.path, f.line)), key=lambda f: f.path
    ):
        items = "".join(
            f'<li><span class="{f.severity}">{f.severity}</span> <code>{escape(f.rule)}</code> '
            f"line {f.line}: {escape(f.message)}<br>fix: <code>{escape(f.fix)}</code></li>"
            for f in group
        )
        findings.append(f'<div class="file">{escape(path)}</div><ul>{items}</ul>')
    verdict = "passes" if not report.errors else "fails"
    accepted = f"; {summary['baselined']} accepted by the baseline" if summary["baselined"] else ""
    body_rows = "\n".join(rows)
    findings_html = "".join(findings) or "<p>None.</p>"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>scaffold check: {escape(verdict)}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>scaffold check {escape(verdict)}</h1>
<p class="summary">{summary["endpoints"]} endpoints, {summary["complete"]} complete;
<span class="error">{summary["errors"]} errors</span>,
<span class="warning">{summary["warnings"]} warnings</span>{accepted}.</p>
<h2>Findings</h2>
{findings_html}
<h2>Endpoints</h2>
<table>
<thead><tr>{header}</tr></thead>
<tbody>
{body_rows}
</tbody>
</table>
<p><small>scaffold {escape(__version__)}</small></p>
</body>
</html>
"""
