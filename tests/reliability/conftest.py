"""The reliability suite: property tests, fault injection, conformance, security cases.

Every test reports what it tried through the `tally` fixture; the session ends with one table
(inputs tried, faults injected, operations × examples, security cases, failures found).
Without `--reliability` each runs a quick pass (`make test` runs those of all but the property
tests and schemathesis conformance); `make reliability` runs the long one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest

_counts: Counter[str] = Counter()
_failures: Counter[str] = Counter()


@pytest.fixture(scope="session")
def thorough(request: pytest.FixtureRequest) -> bool:
    """True in the long run (`make reliability`): tests scale their example counts by it."""
    return bool(request.config.getoption("--reliability"))


@pytest.fixture
def tally() -> Callable[[str, int], None]:
    """Count what a test tried, under a row of the final table."""

    def count(row: str, n: int = 1) -> None:
        _counts[row] += n

    return count


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        _failures[item.nodeid.split("::")[0].rsplit("/", 1)[-1]] += 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _counts:
        return
    write = terminalreporter.write_line
    width = max(len(row) for row in [*_counts, "failures found"]) + 2
    terminalreporter.section("reliability")
    for row, n in sorted(_counts.items()):
        write(f"{row:<{width}}{n:>10}")
    write(f"{'failures found':<{width}}{sum(_failures.values()):>10}")
