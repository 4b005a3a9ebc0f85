"""The repo's own environment runs the repo's code: the import check, its tests and its
formatter use the repo's interpreter (`[server] python`, else `.venv`, else the active
virtualenv, else scaffold's own), and an environment that is missing or incomplete is said as
such — one line naming the interpreter and what it lacks, exit 2, nothing written."""

from __future__ import annotations

import os
import sysconfig
import venv
from pathlib import Path

import pytest

from scaffold.errors import RepoLayoutError, ScaffoldError, ValidationError
from scaffold.model.changes import Change, ChangeSet
from scaffold.repo.open import open_repo
from scaffold.repo.runner import import_modules, passing_tests
from tests.conftest import Cli, tree_digest

ADD = ("endpoint", "add", "GET", "/users/{user_id}/sessions", "--permission", "edit_other_users", "--yes")
#: A .pth line that writes down which interpreter started, when SCAFFOLD_TEST_MARK names a file.
MARK = 'import os, sys; p = os.environ.get("SCAFFOLD_TEST_MARK"); p and open(p, "a").write(sys.executable + "\\n")\n'


def make_venv(where: Path, *, complete: bool) -> Path:
    """A virtualenv without pip (fast to make) that writes down each start; `complete`: it
    sees this test run's packages (starlette, pytest…), else only the standard library."""
    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(where)
    site = next(where.glob("lib/python3*/site-packages"), None) or where / "Lib" / "site-packages"
    lines = MARK
    if complete:
        lines += f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n"
    (site / "scaffold_test.pth").write_text(lines, encoding="utf-8")
    return where / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def configure(repo: Path, line: str) -> None:
    config = repo / "scaffold.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("[server]\n", f"[server]\n{line}\n", 1), encoding="utf-8")


@pytest.fixture
def marks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The file each start of a test virtualenv's interpreter is written to."""
    path = tmp_path / "started.txt"
    monkeypatch.setenv("SCAFFOLD_TEST_MARK", str(path))
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    return path


def started(marks: Path) -> list[str]:
    return marks.read_text(encoding="utf-8").split() if marks.exists() else []


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_the_import_check_runs_with_the_repos_venv(cli: Cli, repo: Path, marks: Path) -> None:
    python = make_venv(repo / ".venv", complete=True)
    result = cli(*ADD, "--repo", str(repo))
    assert result.exit_code == 0, result.output
    assert str(python) in started(marks)


def test_a_venv_without_the_servers_dependencies_is_named_not_blamed_on_the_server(
    cli: Cli, repo: Path, marks: Path
) -> None:
    make_venv(repo / ".venv", complete=False)
    before = tree_digest(repo)
    result = cli(*ADD, "--repo", str(repo))
    line = one_line_error(result)
    assert result.exit_code == 2, line
    assert ".venv/bin/python (the repo's .venv) has no module 'starlette'" in line
    assert "make install" in line and "nothing was written" in line
    assert "does not import" not in line
    assert tree_digest(repo) == before


def test_server_python_names_the_interpreter(cli: Cli, repo: Path, tmp_path: Path, marks: Path) -> None:
    inside = make_venv(repo / "envs" / "py", complete=True)
    make_venv(repo / ".venv", complete=False)  # named over: never used
    configure(repo, 'python = "envs/py/bin/python"')
    assert cli(*ADD, "--repo", str(repo)).exit_code == 0
    assert set(started(marks)) == {str(inside)}


def test_server_python_may_be_an_absolute_path_outside_the_repo(
    cli: Cli, repo: Path, tmp_path: Path, marks: Path
) -> None:
    outside = make_venv(tmp_path / "elsewhere", complete=True)
    configure(repo, f"python = {str(outside)!r}")
    assert cli(*ADD, "--repo", str(repo)).exit_code == 0
    assert set(started(marks)) == {str(outside)}


def test_a_named_interpreter_that_is_missing_is_one_line_at_its_key(cli: Cli, repo: Path) -> None:
    configure(repo, 'python = ".venv/bin/python"')
    before = tree_digest(repo)
    result = cli(*ADD, "--repo", str(repo))
    line = one_line_error(result)
    assert result.exit_code == 2
    assert "scaffold.toml:" in line and "the interpreter .venv/bin/python" in line and "does not exist" in line
    assert tree_digest(repo) == before


@pytest.mark.parametrize("link", [".venv", ".venv/bin/python"])
def test_a_venv_that_links_out_of_the_repo_is_refused(cli: Cli, repo: Path, tmp_path: Path, link: str) -> None:
    outside = make_venv(tmp_path / "elsewhere", complete=True)
    if link == ".venv":
        (repo / ".venv").symlink_to(outside.parent.parent, target_is_directory=True)
    else:
        (repo / ".venv" / "bin").mkdir(parents=True)
        (repo / link).symlink_to(outside)  # no pyvenv.cfg: not the venv's own link to its base
    before = tree_digest(repo)
    result = cli(*ADD, "--repo", str(repo))
    line = one_line_error(result)
    assert result.exit_code == 2
    assert "resolves outside the repo through a symlink" in line
    assert tree_digest(repo) == before


def test_an_interpreter_that_does_not_run_is_named(cli: Cli, repo: Path) -> None:
    fake = repo / ".venv" / "bin" / "python"
    fake.parent.mkdir(parents=True)
    fake.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    fake.chmod(0o755)
    before = tree_digest(repo)
    result = cli(*ADD, "--repo", str(repo))
    line = one_line_error(result)
    assert result.exit_code == 2
    assert "the repo's interpreter .venv/bin/python (the repo's .venv) cannot run" in line
    assert "does not import" not in line
    assert tree_digest(repo) == before


def test_the_active_virtualenv_comes_after_the_repos_own(
    cli: Cli, repo: Path, tmp_path: Path, marks: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    active = make_venv(tmp_path / "active", complete=True)
    monkeypatch.setenv("VIRTUAL_ENV", str(active.parent.parent))
    assert cli(*ADD, "--repo", str(repo)).exit_code == 0
    assert set(started(marks)) == {str(active)}


def test_the_repos_tests_run_with_its_interpreter(repo: Path, marks: Path) -> None:
    make_venv(repo / ".venv", complete=False)
    with pytest.raises(RepoLayoutError) as raised:
        passing_tests(open_repo(repo), ["server/api4/system_test.py::test_get_ping"])
    assert "has no module 'pytest'" in str(raised.value)
    assert "nothing was written" in str(raised.value)


@pytest.mark.parametrize(
    ("imported", "expected"),
    [
        ("server.model.no_such_module", "the edited server does not import: ModuleNotFoundError: No module named 'server.model.no_such_module'"),
        ("no_such_distribution_anywhere", "has no module 'no_such_distribution_anywhere'"),
    ],
)
def test_a_missing_module_of_the_repo_is_the_servers_fault_any_other_the_environments(
    repo: Path, imported: str, expected: str
) -> None:
    path = "server/api4/extra.py"
    (repo / path).write_text(f"import {imported}\n", encoding="utf-8")
    with pytest.raises(ScaffoldError) as raised:
        import_modules(open_repo(repo), ChangeSet([Change(path, None, f"import {imported}\n")]))
    assert expected in str(raised.value)
    assert type(raised.value) is (ValidationError if imported.startswith("server.") else RepoLayoutError)


def test_the_formatter_runs_in_the_repos_venv(cli: Cli, repo: Path, marks: Path) -> None:
    python = make_venv(repo / ".venv", complete=True)
    tool = python.parent / "repo-format"
    tool.write_text(f"#!{python}\nimport sys\nsys.stdout.write(sys.stdin.read())\n", encoding="utf-8")
    tool.chmod(0o755)
    text = (repo / "scaffold.toml").read_text(encoding="utf-8")
    text = text.replace("[format]\n", "[format]\ncommand = \"repo-format\"\n", 1)
    (repo / "scaffold.toml").write_text(text, encoding="utf-8")
    result = cli(*ADD, "--repo", str(repo))
    assert result.exit_code == 0, result.output
    assert started(marks).count(str(python)) >= 2  # the formatter, then the import check


def test_a_relative_server_python_that_leaves_the_repo_is_refused(cli: Cli, repo: Path) -> None:
    configure(repo, 'python = "../venv/bin/python"')
    result = cli("check", "--repo", str(repo))
    line = one_line_error(result)
    assert result.exit_code == 2
    assert "scaffold.toml:" in line and "[server] python = '../venv/bin/python' points outside the repo" in line


def test_help_says_which_interpreter_runs_the_repos_code(cli: Cli) -> None:
    for command in ((), ("endpoint", "add"), ("endpoint", "remove"), ("check",)):
        text = " ".join(cli(*command, "--help").stdout.split())
        assert "[server] python in scaffold.toml, else the repo's .venv, else the active virtualenv" in text
