"""`scaffold endpoint add` end to end: the generated code is run, not just read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.conftest import Cli, run_repo_tests, tree_digest

ISSUE_ENDPOINTS = [
    pytest.param(["GET", "/users/<user_id>/sessions", "--permission", "edit_other_users"], id="user-sessions"),
    pytest.param(["POST", "/channels/{channel_id}/pin", "--permission", "read_channel"], id="channel-pin"),
    pytest.param(
        ["DELETE", "/teams/{team_id}/members/{user_id}", "--permission", "remove_user_from_team"],
        id="team-member-delete",
    ),
    pytest.param(["GET", "/system/time", "--auth", "public"], id="system-time-public"),
    pytest.param(["GET", "/widgets/{widget_id}", "--permission", "none"], id="new-tag-widgets"),
]


@pytest.mark.parametrize("args", ISSUE_ENDPOINTS)
def test_add_then_everything_still_works(cli: Cli, repo: Path, args: list[str]) -> None:
    result = cli("endpoint", "add", *args, "--repo", str(repo), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["applied"] is True
    written = {change["path"] for change in report["changes"]}
    assert {c for c in written if c.endswith("_test.py")}, "a test file was written"

    # The repo's suite passes: the new cases pass or xfail strictly. The whole suite (the
    # security cases over every operation included) after an add to an existing resource and
    # after a new tag; for the other shapes, the test modules the add wrote (make test's CPU is
    # counted).
    whole = args[1].startswith(("/users/", "/widgets/"))
    selected = () if whole else tuple(sorted(c for c in written if c.endswith("_test.py")))
    tests = run_repo_tests(repo, "-rpxX", *selected)
    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-3000:]
    name = report["endpoint"]["name"]
    outcomes = {
        line.split("::")[-1].split(" ")[0]: line.split(" ")[0]
        for line in tests.stdout.splitlines()
        if f"::test_{name}" in line and line.startswith(("PASSED", "XFAIL"))
    }
    assert outcomes[f"test_{name}"] == "XFAIL"  # the success case waits for the app function
    for test, outcome in outcomes.items():
        if test != f"test_{name}" and not test.endswith(("_etag", "_not_found")):
            assert outcome == "PASSED", test  # 400, 401, 403, 413: these need no business logic
    statuses = set(report["endpoint"]["statuses"])
    assert (f"test_{name}_unauthorized" in outcomes) == (401 in statuses)
    assert (f"test_{name}_forbidden" in outcomes) == (403 in statuses)

    # The docs build and validate; the new operation is in them with its responses.
    build = cli("docs", "build", "--repo", str(repo), "--format", "json")
    assert build.exit_code == 0, build.output
    spec = yaml.safe_load((repo / json.loads(build.stdout)["output"]).read_text())
    operation = spec["paths"][report["endpoint"]["path"]][args[0].lower()]
    assert operation["operationId"] == report["endpoint"]["operation_id"]
    assert sorted(int(code) for code in operation["responses"]) == report["endpoint"]["statuses"]

    # The same add again is refused, and changes nothing.
    before = tree_digest(repo)
    again = cli("endpoint", "add", *args, "--repo", str(repo))
    assert again.exit_code == 2
    assert "already exists" in again.stderr
    assert again.stderr.count("\n") == 1
    assert tree_digest(repo) == before


def test_dry_run_writes_nothing_and_shows_every_diff(cli: Cli, repo: Path) -> None:
    before = tree_digest(repo)
    result = cli("endpoint", "add", "GET", "/widgets/{widget_id}", "--permission", "none", "--repo", str(repo), "--dry-run")
    assert result.exit_code == 0
    assert tree_digest(repo) == before
    for path in (
        "api/v4/source/widgets.yaml",
        "api/v4/source/introduction.yaml",
        "scaffold.toml",
        "server/api4/widget.py",
        "server/api4/api.py",
        "server/app/widget.py",
        "server/model/client4.py",
        "server/api4/widget_test.py",
    ):
        assert f"b/{path}\n" in result.stdout, path


def test_untouched_parts_stay_byte_identical(cli: Cli, repo: Path) -> None:
    originals = {p: (repo / p).read_bytes() for p in ("server/api4/user.py", "server/model/client4.py", "api/v4/source/users.yaml")}
    result = cli("endpoint", "add", "GET", "/users/{user_id}/sessions", "--permission", "none", "--repo", str(repo), "--format", "json")
    assert result.exit_code == 0
    for path, original in originals.items():
        after = (repo / path).read_bytes()
        # Every original line is still there, in order: the edit only inserted lines.
        original_lines, after_lines = original.splitlines(keepends=True), after.splitlines(keepends=True)
        position = 0
        for line in original_lines:
            position = after_lines.index(line, position) + 1
        assert len(after_lines) > len(original_lines)


def test_fill_after_a_complete_add_plans_nothing(cli: Cli, repo: Path) -> None:
    args = ["POST", "/channels/{channel_id}/pin", "--permission", "read_channel", "--repo", str(repo)]
    assert cli("endpoint", "add", *args).exit_code == 0
    before = tree_digest(repo)
    again = cli("endpoint", "add", *args, "--fill", "--format", "json")
    assert again.exit_code == 0
    assert json.loads(again.stdout)["changes"] == []
    assert tree_digest(repo) == before


def test_fill_adds_only_what_is_missing(cli: Cli, repo: Path) -> None:
    args = ["GET", "/users/{user_id}/sessions", "--permission", "none", "--repo", str(repo)]
    assert cli("endpoint", "add", *args, "--only", "docs,route,handler").exit_code == 0
    result = cli("endpoint", "add", *args, "--fill", "--format", "json")
    assert result.exit_code == 0, result.output
    paths = {change["path"] for change in json.loads(result.stdout)["changes"]}
    assert paths == {"server/model/client4.py", "server/api4/user_test.py", "server/web/securitytestlib.py"}
    assert run_repo_tests(repo, "-k", "get_user_sessions").returncode == 0


def test_existing_artifact_blocks_add_and_says_where(cli: Cli, repo: Path) -> None:
    result = cli("endpoint", "add", "GET", "/users/{user_id}", "--permission", "none", "--repo", str(repo))
    assert result.exit_code == 2
    message = result.stderr
    for artifact in ("docs at api/v4/source/users.yaml:", "route at server/api4/user.py:", "driver at server/model/client4.py:", "tests at server/api4/user_test.py:"):
        assert artifact in message


def test_second_endpoint_in_a_new_tag_extends_its_files(cli: Cli, repo: Path) -> None:
    assert cli("endpoint", "add", "GET", "/widgets/{widget_id}", "--permission", "none", "--repo", str(repo)).exit_code == 0
    result = cli("endpoint", "add", "POST", "/widgets", "--permission", "none", "--body", "name:string,size:int?", "--repo", str(repo))
    assert result.exit_code == 0, result.output
    toml = (repo / "scaffold.toml").read_text()
    assert toml.count('"widgets.yaml"') == 1 and toml.count("[tags.widgets]") == 1
    assert (repo / "server/api4/widget.py").read_text().count("def init_widget") == 1
    assert (repo / "server/model/client4.py").read_text().count("# Widget Section") == 1
    tests = run_repo_tests(repo, "server/api4/widget_test.py")
    assert tests.returncode == 0, tests.stdout[-2000:]
