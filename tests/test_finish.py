"""Finishing an endpoint: once its app function is written, `check --fix` runs the pending
cases and drops the marks of those that pass."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from tests.conftest import Cli, run_repo_tests

#: get_user_sessions as Mattermost's GetSessions reads them: the user's own sessions (a user
#: that does not exist is a 404 of get_user).
IMPLEMENTATION = '''
def get_user_sessions(a: App, user_id: str) -> Any:
    get_user(a, user_id)
    rows = a.store.conn.execute(
        "SELECT id, create_at, expires_at, last_activity_at, user_id FROM sessions WHERE user_id = ?",
        (user_id,),
    )
    keys = ("id", "create_at", "expires_at", "last_activity_at", "user_id")
    return [dict(zip(keys, row)) for row in rows]
'''


def write_app_function(repo: Path) -> None:
    app = repo / "server/app/user.py"
    text = app.read_text(encoding="utf-8")
    start = text.index("def get_user_sessions(")
    end = text.index("\n\n\n", start) if "\n\n\n" in text[start:] else len(text)
    app.write_text(text[:start] + IMPLEMENTATION.strip("\n") + "\n" + text[end:], encoding="utf-8")


def test_check_fix_finishes_a_written_endpoint(cli: Cli, repo: Path) -> None:
    args = ["GET", "/users/{user_id}/sessions", "--permission", "edit_other_users", "--repo", str(repo)]
    assert cli("endpoint", "add", *args).exit_code == 0
    tests = repo / "server/api4/user_test.py"
    assert tests.read_text().count("@pytest.mark.xfail") == 2
    table = repo / "server/web/securitytestlib.py"
    assert pending_operations(table) == ("GetUserSessions",)
    pending = json.loads(cli("check", "--repo", str(repo), "--format", "json").stdout)
    assert {f["rule"] for f in pending["findings"]} == {"pending-status-case"}
    assert not any(f["fixable"] for f in pending["findings"])  # nothing to run yet: the stub

    write_app_function(repo)
    fixed = cli("check", "--fix", "--repo", str(repo))
    assert fixed.exit_code == 0, fixed.output
    assert "finished GET /api/v4/users/{user_id}/sessions: test_get_user_sessions, test_get_user_sessions_not_found" in fixed.stdout
    assert "xfail" not in tests.read_text()
    assert "finished GetUserSessions: its security cases pass" in fixed.stdout
    assert pending_operations(table) == ()
    assert run_repo_tests(repo, "server/api4/user_test.py", "server/web/security_test.py").returncode == 0
    after = json.loads(cli("check", "--repo", str(repo), "--format", "json").stdout)
    assert after["findings"] == []
    # Generated, then finished: still what scaffold writes, so remove takes it without --force.
    assert cli("endpoint", "remove", "GET", "/users/{user_id}/sessions", "--repo", str(repo), "--dry-run").exit_code == 0


def pending_operations(table: Path) -> tuple[str, ...]:
    """The PENDING tuple of the security table, as Python reads it."""
    tree = ast.parse(table.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == "PENDING":
            return tuple(ast.literal_eval(node.value)) if node.value else ()
    raise AssertionError("no PENDING in the table")


def test_an_operation_whose_security_cases_fail_stays_pending(cli: Cli, repo: Path) -> None:
    args = ["GET", "/users/{user_id}/sessions", "--permission", "edit_other_users", "--repo", str(repo)]
    assert cli("endpoint", "add", *args).exit_code == 0
    write_app_function(repo)
    app = repo / "server/app/user.py"
    # Written, but it fails on every request the security cases send (500).
    app.write_text(app.read_text().replace("    get_user(a, user_id)\n    rows", "    raise RuntimeError(user_id)\n    rows"))
    fixed = cli("check", "--fix", "--repo", str(repo))
    assert "still pending: GetUserSessions in the security table" in fixed.stdout, fixed.output
    assert "test_operation_allowed_with_a_valid_token[GetUserSessions]" in fixed.stdout
    assert pending_operations(repo / "server/web/securitytestlib.py") == ("GetUserSessions",)
    assert run_repo_tests(repo, "server/web/security_test.py").returncode == 0


def test_a_pending_case_that_still_fails_keeps_its_mark(cli: Cli, repo: Path) -> None:
    args = ["GET", "/users/{user_id}/sessions", "--permission", "edit_other_users", "--repo", str(repo)]
    assert cli("endpoint", "add", *args).exit_code == 0
    app = repo / "server/app/user.py"
    # Written, but wrong: it answers for users that do not exist.
    app.write_text(app.read_text().replace('raise AppError.not_implemented("server.app.user.get_user_sessions")', "return []"))
    fixed = cli("check", "--fix", "--repo", str(repo))
    assert "finished GET /api/v4/users/{user_id}/sessions: test_get_user_sessions " in fixed.stdout + " "
    assert "still pending:" in fixed.stdout and "test_get_user_sessions_not_found fails" in fixed.stdout
    assert (repo / "server/api4/user_test.py").read_text().count("@pytest.mark.xfail") == 1


def test_removing_a_mark_by_hand_while_the_stub_stays_is_an_edit(cli: Cli, repo: Path) -> None:
    args = ["GET", "/users/{user_id}/sessions", "--permission", "edit_other_users", "--repo", str(repo)]
    assert cli("endpoint", "add", *args).exit_code == 0
    tests = repo / "server/api4/user_test.py"
    text = tests.read_text()
    mark = '@pytest.mark.xfail(strict=True, reason="implement server.app.user.get_user_sessions")\n'
    tests.write_text(text.replace(mark + "def test_get_user_sessions(", "def test_get_user_sessions("))
    refused = cli("endpoint", "remove", "GET", "/users/{user_id}/sessions", "--repo", str(repo))
    assert refused.exit_code == 2 and "tests at server/api4/user_test.py" in refused.stderr


def test_the_last_mark_takes_the_pytest_import_along(cli: Cli, repo: Path) -> None:
    # status_test.py imports pytest only for the marks scaffold writes there.
    args = ["GET", "/users/{user_id}/status/history", "--permission", "edit_other_users", "--repo", str(repo)]
    assert cli("endpoint", "add", *args).exit_code == 0
    tests = repo / "server/api4/status_test.py"
    assert "import pytest\n" in tests.read_text()
    app = repo / "server/app/status.py"
    app.write_text(
        app.read_text().replace(
            'raise AppError.not_implemented("server.app.status.get_user_status_history")',
            "from server.app.user import get_user\n\n    get_user(a, user_id)\n    return {}",
        )
    )
    fixed = cli("check", "--fix", "--repo", str(repo))
    assert fixed.exit_code == 0, fixed.output
    text = tests.read_text()
    assert "xfail" not in text and "import pytest" not in text
    assert run_repo_tests(repo, "server/api4/status_test.py").returncode == 0
