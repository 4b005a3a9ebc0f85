"""`scaffold checklist METHOD PATH`: the five items of one endpoint, done, missing or pending."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import Cli
from tests.edits import drop_functions


def checklist(cli: Cli, repo: Path, method: str, path: str) -> dict[str, Any]:
    result = cli("checklist", method, path, "--repo", str(repo), "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def states(data: dict[str, Any]) -> list[str]:
    return [item["state"] for item in data["items"]]


def test_a_reference_endpoint_is_all_done(cli: Cli, repo: Path) -> None:
    data = checklist(cli, repo, "GET", "/users/<user_id>")
    assert (data["path"], data["operation_id"], data["complete"]) == (
        "/api/v4/users/{user_id}",
        "GetUser",
        True,
    )
    assert states(data) == ["done"] * 5
    assert data["items"][0]["title"] == "Document it"
    tests = data["items"][3]
    assert tests["location"]["path"] == "server/api4/user_test.py"
    assert any(line.startswith("304: done — test_get_user_etag") for line in tests["details"])


def test_a_freshly_added_endpoint_is_pending(cli: Cli, repo: Path) -> None:
    added = cli(
        "endpoint",
        "add",
        "GET",
        "/users/{user_id}/sessions",
        "--permission",
        "edit_other_users",
        "--repo",
        str(repo),
        "--yes",
    )
    assert added.exit_code == 0, added.output
    data = checklist(cli, repo, "GET", "/api/v4/users/{user_id}/sessions")
    assert states(data) == ["done", "pending", "done", "pending", "pending"]
    handler, tests = data["items"][1], data["items"][3]
    assert handler["command"] == "implement get_user_sessions in server/app/user.py"
    assert any(line.startswith("200: pending") for line in tests["details"])
    assert any(line.startswith("403: done") for line in tests["details"])
    assert tests["command"].startswith("implement server.app.user.get_user_sessions")


def test_a_missing_driver_names_the_command_that_adds_it(cli: Cli, repo: Path) -> None:
    drop_functions(repo / "server/model/client4.py", {"get_ping"})
    data = checklist(cli, repo, "GET", "/system/ping")
    assert states(data) == ["done", "done", "missing", "done", "missing"]
    command = "scaffold endpoint add GET /api/v4/system/ping --fill --auth public --name GetPing --response StatusOK"
    assert data["items"][2]["command"] == data["items"][4]["command"] == command


def test_an_unknown_endpoint_is_all_missing(cli: Cli, repo: Path) -> None:
    data = checklist(cli, repo, "POST", "/widgets")
    assert states(data) == ["missing"] * 5
    assert {item["command"] for item in data["items"]} == {
        "scaffold endpoint add POST /api/v4/widgets --permission none"
    }


def test_text(cli: Cli, repo: Path) -> None:
    result = cli("checklist", "GET", "/system/ping", "--repo", str(repo))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("GET /api/v4/system/ping") and "(GetPing)" in lines[0]
    assert lines[1].startswith("1. ✓ done") and "Document it" in lines[1]


def test_bad_input_is_exit_2(cli: Cli, repo: Path) -> None:
    result = cli("checklist", "FETCH", "/x", "--repo", str(repo))
    assert result.exit_code == 2 and "unsupported method" in result.stderr
