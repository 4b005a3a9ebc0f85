"""Fixtures: a fresh copy of the reference server per test, and a CLI runner."""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import scaffold.cli.main
from scaffold.cli import entry
from scaffold.cli.app import app
from scaffold.commands.init import init_repo
from scaffold.repo.cache import CACHE_DIR
from scaffold.text import beside


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens", action="store_true", help="rewrite tests/golden/*/expected from the current output"
    )
    parser.addoption(
        "--reliability",
        action="store_true",
        help="the long reliability run (tests/reliability): many more generated inputs and examples",
    )
    parser.addoption(
        "--install",
        action="store_true",
        help="the install test (tests/test_install.py): pip install of the checkout in a fresh venv, from the package index",
    )
    parser.addoption(
        "--mutants",
        action="store_true",
        help="the whole mutation suite (tests/mutation): every endpoint of the reference, every mutant",
    )


class _NoHelper:
    """In place of the helper child (`scaffold.text.beside`): the command does the work."""

    def ask(self, kind: str, args: tuple[object, ...]) -> None:
        return None

    def stop(self) -> None:
        return None


@pytest.fixture(autouse=True)
def _commands_here_plan_alone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands run in the test process format and compile their templates themselves:
    forking the whole test process for each add and remove costs the suite more than the
    helper saves a command. The helper is tested on its own (`@pytest.mark.helper`), and
    through the console script."""
    if request.node.get_closest_marker("helper") is None:
        monkeypatch.setattr(beside, "_Beside", _NoHelper)


@pytest.fixture(scope="session")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One `scaffold init` copy per session; tests copy it rather than edit it."""
    return init_repo(tmp_path_factory.mktemp("pristine") / "repo")


@pytest.fixture
def repo(pristine: Path, tmp_path: Path) -> Path:
    """A fresh copy of the reference server for one test."""
    target = tmp_path / "repo"
    shutil.copytree(pristine, target)
    return target


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


class Cli:
    """Run the CLI in-process and return the result (stdout and stderr apart)."""

    def __init__(self, runner: CliRunner) -> None:
        self.runner = runner

    def __call__(self, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        result = self.runner.invoke(app, list(args), input=input, catch_exceptions=False)
        assert "Traceback" not in result.output
        return result


@pytest.fixture
def cli(runner: CliRunner) -> Cli:
    return Cli(runner)


class Script:
    """Run the console script in this process: (exit code, stdout, whether the CLI ran)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
        self.monkeypatch = monkeypatch
        self.capsys = capsys
        #: how many objects the last run left frozen for its exit
        self.frozen = 0

    def __call__(self, *argv: str) -> tuple[int, str, bool]:
        ran = []
        real = scaffold.cli.main.main

        def counted() -> None:
            ran.append(True)
            real()

        with self.monkeypatch.context() as patch:
            patch.setattr(scaffold.cli.main, "main", counted)
            patch.setattr(sys, "argv", ["scaffold", *argv])
            with pytest.raises(SystemExit) as exited:
                try:
                    entry.main()
                finally:
                    # The console script freezes what is alive as its process ends; this one
                    # goes on, and must collect its garbage as ever.
                    self.frozen = gc.get_freeze_count()
                    gc.unfreeze()
        captured = self.capsys.readouterr()
        assert "Traceback" not in captured.err
        return exited.value.code or 0, captured.out, bool(ran)


def tree_digest(root: Path) -> dict[str, str]:
    """Every file under `root` and the hash of its bytes (caches excluded: Python's, pytest's and
    scaffold's, which `check` fills and an applied change may add compiled modules to)."""
    digest = {}
    cache = root / CACHE_DIR
    for path in sorted(root.rglob("*")):
        if path.is_relative_to(cache):
            continue
        if path.is_file() and "__pycache__" not in path.parts and ".pytest_cache" not in path.parts:
            digest[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


def check_errors(repo: Path) -> list[str]:
    """The error findings of the repo's own `scaffold check` (none: it passes its CI gate)."""
    import json

    result = CliRunner().invoke(app, ["check", "--repo", str(repo), "--no-cache", "--format", "json"], catch_exceptions=False)
    findings = json.loads(result.stdout)["findings"]
    errors = [f"{f['path']}:{f['line']}: {f['rule']}: {f['message']}" for f in findings if f["severity"] == "error"]
    assert (result.exit_code == 0) == (not errors), result.stdout
    return errors


def run_repo_tests(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the repo's own test suite in a fresh interpreter."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTEST_ADDOPTS", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def chdir_repo(repo: Path) -> Iterator[Path]:
    old = Path.cwd()
    os.chdir(repo)
    try:
        yield repo
    finally:
        os.chdir(old)
