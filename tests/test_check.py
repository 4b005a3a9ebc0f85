"""`scaffold check` end to end: exit codes, the Done-when edits of issue 4, baselines, cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scaffold.spec.problems import SpecVerdict
from tests.conftest import Cli, tree_digest
from tests.edits import check_json, drop_functions, edit, line_of, where

USER = "server/api4/user.py"
USER_TESTS = "server/api4/user_test.py"
DRIVER = "server/model/client4.py"
USERS_YAML = "api/v4/source/users.yaml"
SYSTEM_YAML = "api/v4/source/system.yaml"

NEW_DOC = """\
  /api/v4/system/version:
    get:
      tags:
        - system
      summary: Get the server version
      description: |
        Get the version of the server.
        ##### Permissions
        Must be authenticated.
      operationId: GetServerVersion
      responses:
        "200":
          description: Version retrieval successful
        "401":
          $ref: "#/components/responses/Unauthorized"

"""


def test_a_fresh_copy_is_clean(cli: Cli, repo: Path) -> None:
    code, data = check_json(cli, repo)
    assert code == 0, data["findings"]
    assert data["findings"] == []
    summary = data["summary"]
    assert summary["endpoints"] == summary["complete"] > 20
    assert summary["errors"] == summary["warnings"] == 0


# -- the edits of issue 4: each exits 1 with the right rule at the right file:line -------------


def test_a_deleted_driver_method_is_missing_driver_at_its_route(cli: Cli, repo: Path) -> None:
    drop_functions(repo / DRIVER, {"get_user_by_username"})
    code, data = check_json(cli, repo)
    assert code == 1
    route_line = line_of(repo / USER, "api.api_session_required(get_user_by_username)")
    assert where(data, "missing-driver") == [(USER, route_line)]
    [finding] = data["findings"]
    assert "Client4.get_user_by_username" in finding["message"]
    assert finding["fix"].startswith(
        "scaffold endpoint add GET /api/v4/users/username/{username} --fill"
    )


def test_a_deleted_route_line_is_a_stale_doc(cli: Cli, repo: Path) -> None:
    edit(
        repo / USER,
        '    api.routes.user.handle("/patch", api.api_session_required(patch_user), "PUT")\n',
        "",
    )
    code, data = check_json(cli, repo)
    assert code == 1
    doc_line = line_of(repo / USERS_YAML, '"/api/v4/users/{user_id}/patch":') + 1
    assert [(f["rule"], f["path"], f["line"]) for f in data["findings"]] == [
        ("stale-doc", USERS_YAML, doc_line)
    ]
    assert "handler patch_user" in data["findings"][0]["message"]  # and says why: not registered


def test_a_deleted_doc_operation_is_an_undocumented_route(cli: Cli, repo: Path) -> None:
    yaml_path = repo / USERS_YAML
    text = yaml_path.read_text(encoding="utf-8")
    start = text.index("  /api/v4/users/logout:\n")
    end = text.index("\n  ", text.index("\n\n", start)) + 1
    yaml_path.write_text(text[:start] + text[end:], encoding="utf-8")
    code, data = check_json(cli, repo)
    assert code == 1
    route_line = line_of(repo / USER, "api.api_session_required(logout)")
    assert [(f["rule"], f["path"], f["line"]) for f in data["findings"]] == [
        ("undocumented-route", USER, route_line)
    ]
    assert (
        data["findings"][0]["fix"]
        == "scaffold endpoint add POST /api/v4/users/logout --fill --permission none --name Logout"
    )


def test_a_changed_doc_method_is_a_method_mismatch_at_the_doc(cli: Cli, repo: Path) -> None:
    edit(
        repo / USERS_YAML, "  /api/v4/users/logout:\n    post:", "  /api/v4/users/logout:\n    put:"
    )
    code, data = check_json(cli, repo)
    assert code == 1
    doc_line = line_of(repo / USERS_YAML, "  /api/v4/users/logout:") + 1
    assert [(f["rule"], f["path"], f["line"]) for f in data["findings"]] == [
        ("method-mismatch", USERS_YAML, doc_line)
    ]
    assert "registers POST" in data["findings"][0]["message"]


def test_a_removed_forbidden_assertion_is_a_missing_status_case_at_its_test(
    cli: Cli, repo: Path
) -> None:
    tests = repo / USER_TESTS
    text = tests.read_text(encoding="utf-8")
    start = text.index("def test_delete_user_forbidden(")
    body_end = text.index("\n\n", start)
    function = text[start:body_end]
    assert "check_forbidden_status(resp)" in function
    tests.write_text(
        text[:start] + function.replace("\n    check_forbidden_status(resp)", "") + text[body_end:]
    )
    code, data = check_json(cli, repo)
    assert code == 1
    test_line = line_of(tests, "def test_delete_user_forbidden(")
    assert [(f["rule"], f["path"], f["line"]) for f in data["findings"]] == [
        ("missing-status-case", USER_TESTS, test_line)
    ]
    assert "403" in data["findings"][0]["message"]


def test_a_doc_only_path_is_a_stale_doc(cli: Cli, repo: Path) -> None:
    edit(repo / SYSTEM_YAML, "  /api/v4/system/ping:\n", NEW_DOC + "  /api/v4/system/ping:\n")
    code, data = check_json(cli, repo)
    assert code == 1
    assert [(f["rule"], f["path"], f["line"]) for f in data["findings"]] == [
        ("stale-doc", SYSTEM_YAML, 2)
    ]
    assert (
        data["findings"][0]["fix"]
        == "scaffold endpoint add GET /api/v4/system/version --fill --permission none --name GetServerVersion"
    )
    assert data["findings"][0]["fixable"]


def test_401_listed_on_the_public_ping_is_a_doc_status_mismatch(cli: Cli, repo: Path) -> None:
    edit(
        repo / SYSTEM_YAML,
        '      responses:\n        "200":',
        '      responses:\n        "401":\n          $ref: "#/components/responses/Unauthorized"\n        "200":',
    )
    code, data = check_json(cli, repo)
    assert code == 1
    doc_line = line_of(repo / SYSTEM_YAML, "/api/v4/system/ping:") + 1
    assert [(f["rule"], f["path"], f["line"]) for f in data["findings"]] == [
        ("doc-status-mismatch", SYSTEM_YAML, doc_line)
    ]
    assert "public" in data["findings"][0]["message"]


# -- exit codes -------------------------------------------------------------------------------


def test_warnings_alone_exit_0_and_strict_makes_them_errors(cli: Cli, repo: Path) -> None:
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
    code, data = check_json(cli, repo)
    assert code == 0
    pending = [f for f in data["findings"] if f["rule"] == "pending-status-case"]
    assert pending and all(f["severity"] == "warning" for f in pending)
    assert {f["key"].rsplit("#", 1)[1] for f in pending} == {"200", "404"}
    code, data = check_json(cli, repo, "--strict")
    assert code == 1
    assert data["summary"]["errors"] == len(pending) and data["summary"]["strict"]


def test_a_directory_without_scaffold_toml_is_exit_2(cli: Cli, tmp_path: Path) -> None:
    result = cli("check", "--repo", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "scaffold.toml" in result.stderr


def test_a_python_syntax_error_is_exit_2_with_its_line(cli: Cli, repo: Path) -> None:
    (repo / USER).write_text((repo / USER).read_text() + "\ndef broken(:\n")
    result = cli("check", "--repo", str(repo))
    assert result.exit_code == 2
    assert f"{USER}:" in result.stderr and "syntax error" in result.stderr


def test_a_yaml_syntax_error_is_an_invalid_spec_finding(cli: Cli, repo: Path) -> None:
    edit(repo / SYSTEM_YAML, "      operationId: GetPing\n", "      operationId: [GetPing\n")
    code, data = check_json(cli, repo)
    assert code == 1
    [finding] = data["findings"]
    assert finding["rule"] == "invalid-spec" and finding["path"] == SYSTEM_YAML


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        pytest.param(["--format", "xml"], "--format", id="format"),
        pytest.param(["--dry-run"], "--dry-run only works with --fix", id="dry-run-alone"),
        pytest.param(["--baseline", "missing.json"], "does not exist", id="no-baseline"),
    ],
)
def test_bad_options_exit_2(cli: Cli, repo: Path, args: list[str], fragment: str) -> None:
    result = cli("check", "--repo", str(repo), *args)
    assert result.exit_code == 2
    assert fragment in result.output


def test_a_malformed_baseline_exits_2(cli: Cli, repo: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text('{"version": 1, "findings": [{"rule": 3}]}')
    result = cli("check", "--repo", str(repo), "--baseline", str(baseline))
    assert result.exit_code == 2 and "not a version 1 baseline" in result.stderr


# -- baselines --------------------------------------------------------------------------------


def test_a_baseline_accepts_known_findings_and_catches_new_ones(
    cli: Cli, repo: Path, tmp_path: Path
) -> None:
    drop_functions(repo / DRIVER, {"get_user_by_username"})
    baseline = tmp_path / "baseline.json"
    written = cli("check", "--repo", str(repo), "--write-baseline", str(baseline))
    assert written.exit_code == 0
    entries = json.loads(baseline.read_text())["findings"]
    assert [e["rule"] for e in entries] == ["missing-driver"]

    # Lines move: the accepted finding stays accepted.
    edit(repo / USER, "def init_user(", "# A comment that moves every line.\n\n\ndef init_user(")
    code, data = check_json(cli, repo, "--baseline", str(baseline))
    assert code == 0 and data["findings"] == []
    assert data["summary"]["baselined"] == 1

    # A new finding fails the check; the accepted one does not appear.
    drop_functions(repo / DRIVER, {"get_ping"})
    code, data = check_json(cli, repo, "--baseline", str(baseline))
    assert code == 1
    assert [f["key"] for f in data["findings"]] == ["GET /api/v4/system/ping"]


def test_a_fixed_finding_leaves_a_stale_baseline_entry(
    cli: Cli, repo: Path, tmp_path: Path
) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text(
        json.dumps(
            {
                "version": 1,
                "findings": [
                    {
                        "rule": "missing-driver",
                        "path": USER,
                        "key": "GET /api/v4/users/{}",
                        "message": "fixed since",
                    }
                ],
            }
        )
    )
    result = cli("check", "--repo", str(repo), "--baseline", str(baseline), "--no-matrix")
    assert result.exit_code == 0
    assert "1 baseline entries no longer occur" in result.stdout


# -- text output ------------------------------------------------------------------------------


def test_text_output_has_the_matrix_then_findings_by_file(cli: Cli, repo: Path) -> None:
    drop_functions(repo / DRIVER, {"get_ping"})
    result = cli("check", "--repo", str(repo))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["method", "path", "docs", "route", "handler", "driver", "tests"]
    ping = next(line for line in lines if "/api/v4/system/ping" in line)
    assert ping.split()[2:] == ["✓", "✓", "✓", "✗", "✓"]
    assert "server/api4/system.py" in lines
    assert any("missing-driver" in line for line in lines)
    assert lines[-2].endswith("1 error, 0 warnings")
    assert "\x1b[" not in result.stdout  # no colour off a terminal


def test_output_file(cli: Cli, repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    result = cli("check", "--repo", str(repo), "--format", "html", "--output", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text().startswith("<!DOCTYPE html>")
    assert "wrote" in result.stderr


def test_check_never_writes_to_the_repo_but_its_cache(cli: Cli, repo: Path) -> None:
    def outside_cache(digest: dict[str, str]) -> dict[str, str]:
        return {path: value for path, value in digest.items() if not path.startswith(".scaffold/")}

    before = tree_digest(repo)
    cli("check", "--repo", str(repo))
    assert outside_cache(tree_digest(repo)) == outside_cache(before)
    assert (repo / ".scaffold/cache/.gitignore").read_text().strip().endswith("*")


# -- the cache --------------------------------------------------------------------------------


def test_a_warm_run_neither_parses_nor_validates_again(
    cli: Cli, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = cli("check", "--repo", str(repo), "--format", "json")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed or validated again")

    monkeypatch.setattr("scaffold.scan.scanner.scan", refuse)
    monkeypatch.setattr("scaffold.spec.problems.judge_fragments", refuse)
    warm = cli("check", "--repo", str(repo), "--format", "json")
    assert warm.exit_code == cold.exit_code == 0
    assert warm.stdout == cold.stdout


def test_an_edit_reparses_only_that_file_and_keeps_the_spec_result(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scaffold.commands.check import run_check, scan_repo
    from scaffold.repo.cache import CheckCache
    from scaffold.repo.open import open_repo

    layout = open_repo(repo)
    run_check(layout)
    edit(repo / USER_TESTS, "def test_get_user(", "def test_renamed_but_the_same(")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("validated again")

    monkeypatch.setattr("scaffold.spec.problems.judge_fragments", refuse)
    cache = CheckCache(repo)
    scanned = scan_repo(layout, cache)
    assert cache.misses == 1 and cache.hits > 10
    assert scanned.spec is not None and scanned.spec.problems() == []


def test_a_corrupt_cache_is_an_empty_one(cli: Cli, repo: Path) -> None:
    cli("check", "--repo", str(repo))
    for stored in (repo / ".scaffold/cache").glob("*.pickle"):
        stored.write_bytes(b"not a pickle")
    result = cli("check", "--repo", str(repo), "--no-matrix")
    assert result.exit_code == 0 and "0 errors" in result.stdout


def test_a_spec_problem_is_remembered_too(
    cli: Cli, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(repo / SYSTEM_YAML, "          description: Status of the system\n", "")
    code, first = check_json(cli, repo)
    assert code == 1 and where(first, "invalid-spec")
    # A Python file changes, the fragments do not: the spec is not validated again.
    edit(repo / USER_TESTS, "def test_get_user(", "def test_renamed_but_the_same(")
    monkeypatch.setattr("scaffold.spec.problems.judge_fragments", lambda fragments: SpecVerdict(()))
    code, again = check_json(cli, repo)
    assert code == 1 and where(again, "invalid-spec") == where(first, "invalid-spec")


def test_an_operation_id_used_twice_is_one_finding(cli: Cli, repo: Path) -> None:
    # The spec's validation and the operation-id rule both see it: it is said once.
    edit(repo / USERS_YAML, "operationId: GetUsers\n", "operationId: GetUserByUsername\n")
    code, data = check_json(cli, repo)
    twice = [f for f in data["findings"] if "is used twice" in f["message"]]
    assert code == 1 and [f["rule"] for f in twice] == ["operation-id"]


@pytest.mark.parametrize(("key", "path"), [("routes", "server/api4/api.py"), ("driver", DRIVER)])
def test_a_file_the_layout_names_that_is_gone_is_the_configurations_to_fix(
    cli: Cli, repo: Path, key: str, path: str
) -> None:
    (repo / path).unlink()
    result = cli("check", "--repo", str(repo))
    assert result.exit_code == 2
    assert f"{path} does not exist — fix [server] {key} in scaffold.toml" in result.stderr
    assert "scaffold.toml" in result.stderr.split(" does not exist")[0]
