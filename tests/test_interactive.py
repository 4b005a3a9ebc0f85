"""The dialogue of `endpoint add` on a terminal (a pseudo-terminal here), and its absence off one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pexpect

from tests.conftest import tree_digest


def spawn(repo: Path, *args: str) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        ["-m", "scaffold", "endpoint", "add", *args, "--repo", str(repo)],
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 200),
        env={"PATH": "/usr/bin:/bin", "TERM": "dumb", "NO_COLOR": "1", "PYTHONPATH": str(Path.cwd())},
    )


def test_asks_for_what_is_missing_then_applies(repo: Path) -> None:
    child = spawn(repo, "GET", "/users/{user_id}/sessions")
    child.expect(r"Summary \(Get user sessions\): ")
    child.sendline("Get a user's sessions")
    child.expect(r"Auth \[session/public/trust-requester\] \(session\): ")
    child.sendline("")
    child.expect(r"Permission \(none, ([a-z_, ]+), or another\) \(none\): ")
    offered = child.match.group(1).split(", ")
    assert "edit_other_users" in offered and "manage_team" in offered
    child.sendline("edit_other_users")
    child.expect("GetUserSessions")
    child.expect(r"Apply these changes\? \[y/n\] \(y\): ")
    child.sendline("y")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    handler = (repo / "server/api4/user.py").read_text()
    assert 'c.set_permission_error("edit_other_users")' in handler
    assert "summary: Get a user's sessions" in (repo / "api/v4/source/users.yaml").read_text()


def test_declining_changes_nothing(repo: Path) -> None:
    before = tree_digest(repo)
    child = spawn(repo, "GET", "/system/time", "--summary", "Get the time", "--auth", "public")
    child.expect(r"Apply these changes\? \[y/n\] \(y\): ")
    child.sendline("n")
    child.expect("nothing was changed")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert tree_digest(repo) == before


def test_a_bad_answer_is_asked_again(repo: Path) -> None:
    child = spawn(repo, "GET", "/hooks/{hook_id}", "--summary", "Get a hook", "--auth", "session")
    child.expect(r"Permission .*\(none\): ")
    child.sendline("Not A Permission")
    child.expect("not a permission name")
    child.expect(r"Permission .*\(none\): ")
    child.sendline("manage_tem")  # a permission the repo does not have
    child.expect("did you mean manage_team")
    child.expect(r"Permission .*\(none\): ")
    child.sendline("manage_team")
    child.expect(r"Tag \(new, or one of [a-z, ]+\) \(hooks\): ")
    child.sendline("webhooks")
    child.expect(r"Apply these changes\? \[y/n\] \(y\): ")
    child.sendline("y")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert (repo / "api/v4/source/webhooks.yaml").is_file()
    assert (repo / "server/api4/webhook.py").is_file()


def test_off_a_terminal_nothing_is_asked(repo: Path) -> None:
    # stdin is a pipe: no prompt, no hang. A permission is never assumed: it must be said.
    command = [sys.executable, "-m", "scaffold", "endpoint", "add", "GET", "/widgets", "--repo", str(repo)]
    before = tree_digest(repo)
    refused = subprocess.run(command, input="", capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "--permission none" in refused.stderr
    assert refused.stderr.count("\n") == 1 and tree_digest(repo) == before
    # The rest has defaults.
    result = subprocess.run(
        [*command, "--permission", "none"], input="", capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "?" not in result.stdout and "Summary" not in result.stdout
    assert (repo / "api/v4/source/widgets.yaml").is_file()
