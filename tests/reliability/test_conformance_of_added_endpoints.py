"""Schemathesis, every check, against a copy of the reference with the README's five endpoints
added by `endpoint add` and their app functions written: what scaffold documents and generates
is as precise as the reference's own docs.

The copy's `server` package cannot share this process with the reference's, so the conformance
suite runs in a fresh interpreter on the copy (SCAFFOLD_CONFORMANCE_REPO), for the new
operations only.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.conftest import Cli, run_repo_tests

HERE = Path(__file__).parent

#: The README's examples (`endpoint add`) and the demo's, with each app function written.
ADDED = {
    ("POST", "/channels/{channel_id}/pin"): (
        ["--permission", "read_channel"],
        "server/app/channel.py",
        "get_channel(a, channel_id)\n    return None",
    ),
    ("GET", "/system/time"): (
        ["--auth", "public", "--permission", "none"],
        "server/app/system.py",
        "import time\n\n    return {\"time\": int(time.time() * 1000)}",
    ),
    ("POST", "/teams/{team_id}/widgets"): (
        ["--body", "name:string,size:integer?", "--permission", "manage_team"],
        "server/app/team.py",
        "get_team(a, team_id)\n    return {\"id\": new_id(), \"team_id\": team_id, **body}",
    ),
    ("GET", "/widgets/{widget_id}"): (
        ["--permission", "none"],
        "server/app/widget.py",
        'raise AppError("app.widget.missing.app_error", "No such widget.", status_code=404)',
    ),
    ("GET", "/users/{user_id}/sessions"): (
        ["--summary", "Get the sessions of a user", "--permission", "edit_other_users"],
        "server/app/user.py",
        "get_user(a, user_id)\n"
        '    rows = a.store.conn.execute("SELECT id, user_id FROM sessions WHERE user_id = ?", (user_id,))\n'
        '    return [{"id": id, "user_id": owner} for id, owner in rows]',
    ),
}
#: The new operations' test ids, and no other's (`/system/ping` holds "pin").
SELECTION = "(channels and pin) or time or widgets or sessions"


def write_app_function(repo: Path, module: str, body: str) -> None:
    path = repo / module
    text = path.read_text(encoding="utf-8")
    stub_start = text.rindex("    raise AppError.not_implemented(")
    stub_end = text.index("\n", stub_start)
    if "new_id()" in body and "import new_id" not in text:
        text = "from server.model.ids import new_id\n" + text
        stub_start, stub_end = stub_start + 38, stub_end + 38
    path.write_text(text[:stub_start] + "    " + body + text[stub_end:], encoding="utf-8")


def test_conformance_of_added_endpoints(
    cli: Cli, repo: Path, thorough: bool, tally: Callable[[str, int], None]
) -> None:
    for (method, path), (options, module, body) in ADDED.items():
        added = cli("endpoint", "add", method, path, *options, "--repo", str(repo))
        assert added.exit_code == 0, added.output
        write_app_function(repo, module, body)
    finished = cli("check", "--fix", "--repo", str(repo))
    # No widget exists to read: its success and Etag cases stay pending, with reason.
    pending = [line for line in finished.stdout.splitlines() if "still pending" in line]
    assert finished.exit_code == 0 and all("widget" in line.lower() for line in pending), finished.output
    assert run_repo_tests(repo).returncode == 0
    env = {**os.environ, "SCAFFOLD_CONFORMANCE_REPO": str(repo), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTEST_ADDOPTS", None)
    command = [
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(HERE / "test_conformance.py"),
        "-k", SELECTION, *(["--reliability"] if thorough else []),
    ]
    result = subprocess.run(command, cwd=HERE.parent.parent, env=env, capture_output=True, text=True, timeout=3600)
    tally("README endpoints × roles checked by schemathesis", 2 * len(ADDED) if result.returncode == 0 else 0)
    assert result.returncode == 0, result.stdout[-4000:]
    assert f"{2 * len(ADDED)} passed" in result.stdout, result.stdout[-2000:]
