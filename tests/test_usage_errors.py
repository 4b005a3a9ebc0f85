"""Usage errors: one `error: … — remedy` line and exit 2, the repo untouched; each option once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
import typer

from scaffold.cli.main import app
from scaffold.cli.parsing import Command
from tests.conftest import Cli, tree_digest
from tests.edits import drop_functions

ADD = ["endpoint", "add", "GET", "/users/{user_id}/sessions", "--permission", "edit_other_users"]


def refused(cli: Cli, repo: Path, *argv: str) -> str:
    """Run `argv` on `repo`; it must exit 2 with one error line and leave the repo as it was."""
    before = tree_digest(repo)
    result = cli(*argv, "--repo", str(repo))
    assert result.exit_code == 2, result.output
    assert "╭" not in result.stderr and "Usage:" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and " — " in lines[0], result.stderr
    assert result.stdout == ""
    assert tree_digest(repo) == before
    return lines[0]


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        pytest.param([*ADD, "--status", "abc"], "'--status': 'abc' is not a valid int", id="status-abc"),
        pytest.param(["check", "--format", "xml"], "'xml' is not one of text, json", id="check-format"),
        pytest.param(["endpoint", "list", "--format", "xml"], "'xml' is not one of text, json", id="list-format"),
        pytest.param(["check", "--frob"], "No such option: --frob", id="unknown-option"),
        pytest.param(["endpoint", "add"], "Missing argument 'method'", id="no-arguments"),
        pytest.param(["endpoint", "add", "GET"], "Missing argument 'path'", id="no-path"),
        pytest.param(["checklist", "GET"], "Missing argument 'path'", id="checklist-no-path"),
        pytest.param(["endpoint", "remove", "GET", "/x", "extra"], "unexpected extra argument", id="extra-argument"),
    ],
)
def test_a_usage_error_is_one_line_with_its_remedy(cli: Cli, repo: Path, argv: list[str], says: str) -> None:
    line = refused(cli, repo, *argv)
    assert says in line, line
    command = " ".join(word for word in argv[:2] if not word.startswith("-") and word.islower())
    assert f"run `scaffold {command}" in line and "--help` for its usage" in line, line


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        pytest.param([*ADD, "--status", "200", "--status", "201"], "--status", id="status"),
        pytest.param([*ADD, "--tag", "users", "--tag=teams"], "--tag", id="tag"),
        pytest.param([*ADD, "--etag", "--no-etag"], "--etag/--no-etag", id="etag-pair"),
        pytest.param([*ADD, "--yes", "-y"], "--yes/-y", id="yes"),
        pytest.param(["endpoint", "list", "--format", "json", "--format", "text"], "--format", id="list-format"),
        pytest.param(["check", "--baseline", "a.json", "--baseline", "b.json"], "--baseline", id="baseline"),
        pytest.param(["check", "--matrix", "--no-matrix"], "--matrix/--no-matrix", id="matrix-pair"),
    ],
)
def test_an_option_given_twice_is_refused(cli: Cli, repo: Path, argv: list[str], option: str) -> None:
    assert f"error: {option} is given twice; give it once" in refused(cli, repo, *argv)


def test_every_command_refuses_an_option_given_twice() -> None:
    """Every command of the command line is parsed by `Command`, the one that refuses."""
    group = typer.main.get_command(app)

    def commands(command: object) -> list[object]:
        found = []
        for child in getattr(command, "commands", {}).values():
            found += commands(child) if hasattr(child, "commands") else [child]
        return found

    every = commands(group)
    assert len(every) >= 9
    assert [c.name for c in every if not isinstance(c, Command)] == []  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        pytest.param(["--tag", ""], "--tag '' is empty", id="empty-tag"),
        pytest.param(["--body", "name"], "--body: name has no type", id="body-without-type"),
        pytest.param(["--body", "name:string??"], "--body: cannot read", id="body-two-marks"),
        pytest.param(["--body", "name?:string?"], "--body: name is marked optional twice", id="body-marks-both-sides"),
        pytest.param(["--body", "name??"], "--body: name has no type", id="body-marks-no-type"),
        pytest.param(["--query", "page:integer,q"], "--query: q has no type", id="query-without-type"),
    ],
)
def test_values_that_used_to_mean_something_else_are_refused(
    cli: Cli, repo: Path, extra: list[str], says: str
) -> None:
    method = "GET" if "--query" in extra or "--tag" in extra else "POST"
    argv = ["endpoint", "add", method, "/users/{user_id}/widgets", "--permission", "none", "--yes", *extra]
    assert says in refused(cli, repo, *argv)


# ---------------------------------------------------------------------------------------------
# `check --fix` asks on a terminal, as `add` and `remove` do


def leave_a_gap(repo: Path) -> None:
    drop_functions(repo / "server/model/client4.py", {"get_team"})


def spawn_fix(repo: Path, *args: str) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        ["-m", "scaffold", "check", "--fix", "--no-matrix", *args, "--repo", str(repo)],
        encoding="utf-8",
        timeout=120,
        dimensions=(40, 200),
        env={"PATH": "/usr/bin:/bin", "TERM": "dumb", "NO_COLOR": "1", "PYTHONPATH": str(Path.cwd())},
    )


def test_check_fix_on_a_terminal_asks_and_a_no_changes_nothing(repo: Path) -> None:
    leave_a_gap(repo)
    before = tree_digest(repo)
    child = spawn_fix(repo)
    child.expect("server/model/client4.py")
    child.expect(r"Apply these fixes\? \[y/n\] \(y\): ")
    child.sendline("n")
    child.expect("nothing was changed")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert {k: v for k, v in tree_digest(repo).items() if not k.startswith(".scaffold/")} == before


def test_check_fix_yes_on_a_terminal_applies_without_asking(repo: Path) -> None:
    leave_a_gap(repo)
    child = spawn_fix(repo, "--yes")
    index = child.expect([r"Apply these fixes\?", pexpect.EOF])
    child.close()
    assert index == 1, "asked despite --yes"
    assert child.exitstatus == 0, child.before
    assert "def get_team(" in (repo / "server/model/client4.py").read_text()


def test_check_fix_off_a_terminal_applies_without_asking(repo: Path) -> None:
    leave_a_gap(repo)
    result = subprocess.run(
        [sys.executable, "-m", "scaffold", "check", "--fix", "--no-matrix", "--repo", str(repo)],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Apply these fixes?" not in result.stdout
    assert "def get_team(" in (repo / "server/model/client4.py").read_text()


def test_check_yes_without_fix_is_refused(cli: Cli, repo: Path) -> None:
    assert "--yes only works with --fix" in refused(cli, repo, "check", "--yes")
