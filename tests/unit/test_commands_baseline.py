"""scaffold.commands.baseline: findings accepted by rule, file and key; stale entries counted."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from scaffold.commands.baseline import Baseline, baseline_text, load_baseline
from scaffold.errors import UsageError
from scaffold.model.findings import Finding


def finding(rule: str, path: str, key: str, line: int = 1, message: str = "m") -> Finding:
    return Finding(rule, "error", path, line, message, "fix", key)


A = finding("missing-driver", "server/api4/user.py", "GET /api/v4/users/{}")
A_MOVED = finding(
    "missing-driver", "server/api4/user.py", "GET /api/v4/users/{}", line=90, message="other words"
)
B = finding("missing-status-case", "server/api4/user_test.py", "GET /api/v4/users/{}#403")
C = finding("stale-doc", "api/v4/source/users.yaml", "DELETE /api/v4/users/{}")


def entries(*found: Finding) -> Counter[tuple[str, str, str]]:
    return Counter((f.rule, f.path, f.key) for f in found)


@pytest.mark.parametrize(
    ("accepted", "findings", "new", "old", "stale"),
    [
        pytest.param([], [A, B], [A, B], [], 0, id="empty-baseline"),
        pytest.param([A, B], [A, B], [], [A, B], 0, id="all-accepted"),
        pytest.param([A], [A_MOVED], [], [A_MOVED], 0, id="matched-by-key-not-line-or-message"),
        pytest.param([A], [A, B], [B], [A], 0, id="one-new"),
        pytest.param([A, C], [A], [], [A], 1, id="one-stale"),
        pytest.param([A], [A, A], [A], [A], 0, id="twice-needs-two-entries"),
        pytest.param([A, A], [A, A], [], [A, A], 0, id="two-entries-accept-two"),
        pytest.param([A, A], [A], [], [A], 1, id="second-entry-stale"),
        pytest.param([A, A, C], [], [], [], 3, id="stale-counts-entries-not-identities"),
        pytest.param(
            [finding("missing-driver", "server/api4/team.py", A.key)],
            [A],
            [A],
            [],
            1,
            id="other-file-does-not-match",
        ),
        pytest.param(
            [finding("missing-tests", A.path, A.key)],
            [A],
            [A],
            [],
            1,
            id="other-rule-does-not-match",
        ),
    ],
)
def test_split(
    accepted: list[Finding],
    findings: list[Finding],
    new: list[Finding],
    old: list[Finding],
    stale: int,
) -> None:
    baseline = Baseline(entries(*accepted))
    assert baseline.split(findings) == (new, old, stale)
    assert baseline.entries == entries(*accepted)  # splitting does not use the baseline up


def test_baseline_text_is_sorted_by_path_rule_and_key() -> None:
    b2 = finding("missing-status-case", B.path, "GET /api/v4/users/{}#401")
    text = baseline_text([A, B, C, b2])
    data = json.loads(text)
    assert data["version"] == 1
    assert [(e["path"], e["rule"], e["key"]) for e in data["findings"]] == [
        (C.path, C.rule, C.key),
        (A.path, A.rule, A.key),
        (B.path, B.rule, "GET /api/v4/users/{}#401"),
        (B.path, B.rule, B.key),
    ]
    assert data["findings"][0] == {"rule": C.rule, "path": C.path, "key": C.key, "message": "m"}
    assert text.endswith("}\n") and text.startswith('{\n  "version": 1,')


def test_a_written_baseline_loads_back(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(baseline_text([A, B, A]))
    assert load_baseline(path).entries == entries(A, A, B)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            "{",
            "is not a baseline: Expecting property name enclosed in double quotes",
            id="not-json",
        ),
        pytest.param(b"\xff\xfe", "is not a baseline: 'utf-8' codec can't decode", id="not-utf8"),
        pytest.param("[]", "is not a version 1 baseline", id="a-list"),
        pytest.param(
            '{"version": 2, "findings": []}', "is not a version 1 baseline", id="other-version"
        ),
        pytest.param('{"version": 1}', "is not a version 1 baseline", id="no-findings"),
        pytest.param(
            '{"version": 1, "findings": {}}',
            "is not a version 1 baseline",
            id="findings-not-a-list",
        ),
        pytest.param(
            '{"version": 1, "findings": [{"rule": "r", "path": "p"}]}',
            "is not a version 1 baseline",
            id="entry-no-key",
        ),
        pytest.param(
            '{"version": 1, "findings": [{"rule": "r", "path": "p", "key": 3}]}',
            "is not a version 1 baseline",
            id="entry-key-not-text",
        ),
        pytest.param(
            '{"version": 1, "findings": ["r"]}',
            "is not a version 1 baseline",
            id="entry-not-an-object",
        ),
    ],
)
def test_load_baseline_refuses(tmp_path: Path, content: str | bytes, message: str) -> None:
    path = tmp_path / "baseline.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(UsageError) as raised:
        load_baseline(path)
    error = raised.value
    assert error.message.startswith(f"baseline {path} {message}")
    assert (error.path, error.hint, error.exit_code) == (
        path,
        "write it again with `scaffold check --write-baseline FILE`",
        2,
    )


def test_load_baseline_of_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    with pytest.raises(UsageError) as raised:
        load_baseline(path)
    assert (raised.value.message, raised.value.hint) == (
        f"baseline {path} does not exist",
        "write one with `scaffold check --write-baseline FILE`",
    )


def test_load_baseline_of_a_directory(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as raised:
        load_baseline(tmp_path)
    assert raised.value.message.startswith(f"baseline {tmp_path} is not a baseline: ")


def test_an_empty_baseline_is_a_baseline(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_text('{"version": 1, "findings": []}')
    assert load_baseline(path).entries == Counter()
