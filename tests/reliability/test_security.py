"""The reference server's security cases, run as its own suite runs them, and counted.

They live in the reference (server/web/security_test.py), beside the code they guard, so a
repo made by `scaffold init` keeps them. Here they run in a fresh interpreter from the
reference's root, and the cases that passed go into the reliability table.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

from scaffold.resources import reference_dir

SECURITY_TESTS = "server/web/security_test.py"


def run_security_tests(root: Path, report: Path) -> subprocess.CompletedProcess[str]:
    # No bytecode and no cache: the reference tree is what `scaffold init` copies.
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTEST_ADDOPTS", None)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--junitxml={report}",
            SECURITY_TESTS,
        ],
        check=False,
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def outcomes(report: Path) -> dict[str, int]:
    """Passed, failed, errors and skipped, from pytest's JUnit XML report."""
    suite = ElementTree.parse(report).getroot()
    if suite.tag == "testsuites":
        suite = suite[0]
    counts = {
        name: int(suite.get(name, "0")) for name in ("tests", "failures", "errors", "skipped")
    }
    passed = counts["tests"] - counts["failures"] - counts["errors"] - counts["skipped"]
    return {"passed": passed, **counts}


def test_security_cases(tmp_path: Path, tally: Callable[[str, int], None]) -> None:
    report = tmp_path / "security.xml"
    result = run_security_tests(reference_dir(), report)
    assert report.is_file(), result.stdout[-4000:] + result.stderr[-4000:]
    counts = outcomes(report)
    tally("security cases", counts["passed"])
    assert result.returncode == 0, result.stdout[-4000:]
    assert counts["failures"] == counts["errors"] == counts["skipped"] == 0, counts
    assert counts["passed"] > 0
