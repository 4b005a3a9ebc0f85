"""The fifth checklist item, one reviewable change: `init` makes a git repository with a first
commit, and `endpoint add` says the change's release-note line and its description."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Cli

ADD = (
    "endpoint", "add", "GET", "/users/{user_id}/sessions", "--permission", "edit_other_users",
    "--summary", "Get the sessions of a user", "--yes",
)
NOTE = "Added new API endpoint GET /api/v4/users/{user_id}/sessions"

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


@needs_git
def test_init_makes_a_git_repository_with_everything_in_its_first_commit(cli: Cli, tmp_path: Path) -> None:
    result = cli("init", str(tmp_path / "r"))
    assert result.exit_code == 0, result.output
    assert "a git repository with its first commit" in result.stdout
    repo = tmp_path / "r"
    assert len(git(repo, "log", "--format=%H").split()) == 1
    assert git(repo, "status", "--porcelain") == ""
    assert "scaffold.toml" in git(repo, "ls-files").split()


@needs_git
def test_the_added_endpoint_is_one_change_against_the_first_commit(cli: Cli, tmp_path: Path) -> None:
    repo = tmp_path / "r"
    cli("init", str(repo))
    assert cli(*ADD, "--repo", str(repo)).exit_code == 0
    changed = {line[3:] for line in git(repo, "status", "--porcelain").splitlines()}
    assert changed == {
        "api/v4/source/users.yaml", "server/api4/user.py", "server/app/user.py",
        "server/model/client4.py", "server/api4/user_test.py", "server/web/securitytestlib.py",
    }


def test_no_git_makes_no_repository(cli: Cli, tmp_path: Path) -> None:
    result = cli("init", "--no-git", str(tmp_path / "r"))
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "r" / ".git").exists()
    assert (tmp_path / "r" / "scaffold.toml").is_file()


def test_without_git_init_says_so_and_goes_on(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = cli("init", str(tmp_path / "r"))
    assert result.exit_code == 0, result.output
    assert "no git repository (git was not found on PATH)" in result.stdout
    assert (tmp_path / "r" / "scaffold.toml").is_file() and not (tmp_path / "r" / ".git").exists()


@needs_git
def test_inside_a_work_tree_init_makes_no_nested_repository(cli: Cli, tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path / "outer")], check=True)
    result = cli("init", str(tmp_path / "outer" / "r"))
    assert result.exit_code == 0, result.output
    assert "it is inside the git work tree" in result.stdout
    assert not (tmp_path / "outer" / "r" / ".git").exists()


@needs_git
def test_a_failing_git_leaves_nothing_behind(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "bin" / "git"
    fake.parent.mkdir()
    real = shutil.which("git")
    # A git that answers questions but cannot commit (a full disk, a broken hook…).
    fake.write_text(f'#!/bin/sh\ncase "$*" in *commit*) echo "fatal: cannot commit" >&2; exit 128;; esac\nexec {real} "$@"\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:{Path(real or '').parent}")
    result = cli("init", str(tmp_path / "r"))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: git could not make the new repo's first commit: fatal: cannot commit — nothing was created; "
        "fix git, or run `scaffold init --no-git DIR` and commit by hand"
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin"]


def test_add_says_the_release_note_and_the_description(cli: Cli, repo: Path) -> None:
    result = cli(*ADD, "--repo", str(repo))
    assert result.exit_code == 0, result.output
    assert f"release note: {NOTE}\n" in result.stdout
    description = next(line for line in result.stdout.splitlines() if line.startswith("description:"))
    assert description.split(":", 1)[1].strip() == (
        "Adds GET /api/v4/users/{user_id}/sessions (GetUserSessions): get the sessions of a user. "
        "It requires a session with the edit_other_users permission. The change documents it in "
        "api/v4/source/users.yaml, routes it to the handler get_user_sessions in server/api4/user.py, "
        "adds Client4.get_user_sessions to the driver (server/model/client4.py) and tests each "
        "documented status (200, 400, 401, 403, 404) in server/api4/user_test.py, with its row in the "
        "security table (server/web/securitytestlib.py). Its app function "
        "server.app.user.get_user_sessions is a stub answering 501 for now: the cases that need it are "
        "marked xfail until it is written."
    )


def test_add_in_json_carries_them_too(cli: Cli, repo: Path) -> None:
    result = cli(*ADD, "--format", "json", "--repo", str(repo))
    report = json.loads(result.stdout)
    assert report["release_note"] == NOTE
    assert report["description"].startswith("Adds GET /api/v4/users/{user_id}/sessions (GetUserSessions)")


def test_the_description_names_only_what_the_change_adds(cli: Cli, repo: Path) -> None:
    result = cli(
        "endpoint", "add", "GET", "/system/time", "--auth", "public", "--only", "docs,driver",
        "--format", "json", "--repo", str(repo),
    )
    description = json.loads(result.stdout)["description"]
    assert "Anyone may call it, without a session." in description
    assert "The change documents it in api/v4/source/system.yaml and adds Client4.get_system_time" in description
    assert "handler" not in description and "tests" not in description and "stub" not in description
