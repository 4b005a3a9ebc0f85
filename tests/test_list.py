"""`scaffold endpoint list`: every endpoint with the file:line of each of its five artifacts."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Cli
from tests.edits import drop_functions, line_of


def test_json_lists_every_endpoint_with_its_artifacts(cli: Cli, repo: Path) -> None:
    result = cli("endpoint", "list", "--repo", str(repo), "--format", "json")
    assert result.exit_code == 0
    endpoints = json.loads(result.stdout)
    assert len(endpoints) > 20
    assert all(set(e) == {"method", "path", "operation_id", "artifacts"} for e in endpoints)
    get_user = next(
        e for e in endpoints if (e["method"], e["path"]) == ("GET", "/api/v4/users/{user_id}")
    )
    assert get_user["operation_id"] == "GetUser"
    artifacts = get_user["artifacts"]
    assert list(artifacts) == ["docs", "route", "handler", "driver", "tests"]
    assert artifacts["route"] == {
        "path": "server/api4/user.py",
        "line": line_of(repo / "server/api4/user.py", '(get_user), "GET")'),
    }
    assert artifacts["handler"] == {
        "path": "server/api4/user.py",
        "line": line_of(repo / "server/api4/user.py", "def get_user("),
    }
    assert artifacts["driver"] == {
        "path": "server/model/client4.py",
        "line": line_of(repo / "server/model/client4.py", "def get_user("),
    }
    assert artifacts["tests"] == {
        "path": "server/api4/user_test.py",
        "line": line_of(repo / "server/api4/user_test.py", "def test_get_user("),
    }
    assert artifacts["docs"]["path"] == "api/v4/source/users.yaml"


def test_a_missing_artifact_is_null_and_missing_filters(cli: Cli, repo: Path) -> None:
    drop_functions(repo / "server/model/client4.py", {"get_ping"})
    listed = json.loads(cli("endpoint", "list", "--repo", str(repo), "--format", "json").stdout)
    ping = next(e for e in listed if e["path"] == "/api/v4/system/ping")
    assert ping["artifacts"]["driver"] is None
    missing = json.loads(
        cli("endpoint", "list", "--repo", str(repo), "--format", "json", "--missing").stdout
    )
    assert [e["path"] for e in missing] == ["/api/v4/system/ping"]


def test_text_is_a_table(cli: Cli, repo: Path) -> None:
    result = cli("endpoint", "list", "--repo", str(repo))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "method",
        "path",
        "operationId",
        "docs",
        "route",
        "handler",
        "driver",
        "tests",
    ]
    row = next(line for line in lines if "/api/v4/system/ping" in line).split()
    assert row[:3] == ["GET", "/api/v4/system/ping", "GetPing"]
    assert row[3].startswith("api/v4/source/system.yaml:")
    assert lines[-1].endswith("endpoints")


def test_a_bad_repo_is_exit_2(cli: Cli, tmp_path: Path) -> None:
    result = cli("endpoint", "list", "--repo", str(tmp_path))
    assert result.exit_code == 2 and result.stderr.startswith("error: ")
