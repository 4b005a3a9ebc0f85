"""The security cases' table is part of an endpoint's tests: `add` writes the row, `remove`
takes it out, `check` finds an endpoint missing from it and `check --fix` writes it back."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Cli, run_repo_tests, tree_digest
from tests.test_finish import pending_operations

TABLE = "server/web/securitytestlib.py"


def drop_row(repo: Path, name: str, start: str, end: str) -> None:
    """Take operation `name` out of the table as if it had never been added: its request
    (the lines from `start` to `end`) and its name among the operations."""
    table = repo / TABLE
    text = table.read_text(encoding="utf-8")
    first = text.index(start)
    last = text.index(end, first) + len(end)
    text = text[:first] + text[last:]
    table.write_text(text.replace(f'    "{name}",\n', "", 1), encoding="utf-8")


def test_check_finds_an_endpoint_missing_from_the_table_and_fix_writes_it(cli: Cli, repo: Path) -> None:
    drop_row(repo, "GetPost", '        "GetPost": Req(', "),\n")
    report = json.loads(cli("check", "--repo", str(repo), "--format", "json").stdout)
    found = [f for f in report["findings"] if f["rule"] == "missing-security-case"]
    assert [f["message"] for f in found] == [
        "GET /api/v4/posts/{post_id} (GetPost) is not in the security table: its security cases skip it"
    ]
    assert found[0]["path"] == TABLE and found[0]["fixable"]
    assert "scaffold endpoint add GET /api/v4/posts/{post_id}" in found[0]["fix"] and "--fill" in found[0]["fix"]

    fixed = cli("check", "--fix", "--repo", str(repo))
    assert fixed.exit_code == 0, fixed.output
    text = (repo / TABLE).read_text(encoding="utf-8")
    assert '"GetPost": Req("GET", "/posts/{post_id}", {"post_id": th.basic_post.id}),' in text
    assert pending_operations(repo / TABLE) == ()  # its app function is written: not pending
    assert json.loads(cli("check", "--repo", str(repo), "--format", "json").stdout)["findings"] == []
    again = cli("check", "--fix", "--dry-run", "--repo", str(repo))
    assert again.exit_code == 0 and "0 findings would be fixed" in again.stderr
    cases = run_repo_tests(repo, "server/web/security_test.py", "-k", "GetPost")
    assert cases.returncode == 0 and " passed" in cases.stdout, cases.stdout[-2000:]


def test_an_endpoint_only_the_admin_may_call_sends_the_admin_token(cli: Cli, repo: Path) -> None:
    args = ["GET", "/system/stats", "--permission", "manage_system", "--response", "StatusOK", "--repo", str(repo)]
    assert cli("endpoint", "add", *args).exit_code == 0, "added"
    text = (repo / TABLE).read_text(encoding="utf-8")
    assert '"GetSystemStats": Req("GET", "/system/stats", admin=True),' in text
    app = repo / "server/app/system.py"
    app.write_text(
        app.read_text().replace('raise AppError.not_implemented("server.app.system.get_system_stats")', 'return {"status": "OK"}')
    )
    fixed = cli("check", "--fix", "--repo", str(repo))
    assert "finished GetSystemStats: its security cases pass" in fixed.stdout, fixed.output
    assert pending_operations(repo / TABLE) == ()
    assert run_repo_tests(repo, "server/web/security_test.py", "-k", "GetSystemStats").returncode == 0
    # Sent with the basic user's token, the control case fails: the admin flag is what admits it.
    finished = (repo / TABLE).read_text(encoding="utf-8")
    (repo / TABLE).write_text(finished.replace(", admin=True", ""))
    assert run_repo_tests(repo, "server/web/security_test.py", "-k", "GetSystemStats").returncode == 1


def test_a_row_edited_by_hand_stays_without_force(cli: Cli, repo: Path) -> None:
    args = ["GET", "/users/{user_id}/sessions", "--permission", "edit_other_users", "--repo", str(repo)]
    assert cli("endpoint", "add", *args).exit_code == 0
    table = repo / TABLE
    table.write_text(table.read_text().replace('{"user_id": th.basic_user.id}),\n    }', '{"user_id": me.id}),\n    }'))
    refused = cli("endpoint", "remove", "GET", "/users/{user_id}/sessions", "--repo", str(repo))
    assert refused.exit_code == 2 and f"tests at {TABLE}:" in refused.stderr, refused.output
    forced = cli("endpoint", "remove", "GET", "/users/{user_id}/sessions", "--repo", str(repo), "--force")
    assert forced.exit_code == 0, forced.output
    assert "GetUserSessions" not in table.read_text()


def test_public_endpoints_are_named_once_among_the_operations(cli: Cli, repo: Path) -> None:
    before = tree_digest(repo)
    args = ["GET", "/system/time", "--auth", "public", "--permission", "none", "--repo", str(repo)]
    assert cli("endpoint", "add", *args).exit_code == 0
    text = (repo / TABLE).read_text()
    assert 'PUBLIC = ("CreateUser", "Login", "GetPing", "GetSystemTime")' in text
    assert text.count('"GetSystemTime"') == 3  # its row, PUBLIC (which OPERATIONS takes in), PENDING
    assert run_repo_tests(repo, "server/web/security_test.py", "-k", "listed_operations").returncode == 0
    assert cli("endpoint", "remove", "GET", "/system/time", "--repo", str(repo)).exit_code == 0
    assert tree_digest(repo) == before
