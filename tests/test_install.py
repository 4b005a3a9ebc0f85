"""scaffold installed the way Python CLIs are, beside a server with an environment of its own.

scaffold needs only what its command line needs; the reference server declares its own
dependencies and builds its own `.venv` (`make install`, `make test`, `make run-server`). The
last test does it all for real — `pip install` of the checkout into a fresh venv, then `scaffold
init`, the new repo's `make test`, `endpoint add`, `check`, `docs build --html` — and needs the
package index: it runs with `--install` (`make install-test`).
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from scaffold.resources import reference_dir
from tests.conftest import Cli

ROOT = Path(__file__).resolve().parent.parent
#: What only the reference server runs on: never scaffold's own requirement.
SERVER_ONLY = {"starlette", "uvicorn", "httpx"}
#: Distributions whose import name differs from their name.
IMPORT_NAMES = {"pyyaml": "yaml"}
ENTRY = "import sys; from scaffold.cli.entry import main; sys.argv[0] = 'scaffold'; main()"


def requirement_name(requirement: str) -> str:
    name = requirement.split(";")[0]
    for mark in "<>=!~[ ":
        name = name.split(mark)[0]
    return name.strip().lower().replace("_", "-")


def third_party_imports(root: Path, own: str) -> set[str]:
    """The top-level modules the Python files under `root` import, but the standard library's
    and `own`."""
    found = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.partition(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.partition(".")[0])
    return {name for name in found if name not in sys.stdlib_module_names and name not in (own, "__future__")}


def test_scaffold_requires_none_of_the_servers_dependencies() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    required = {requirement_name(r) for r in project["dependencies"]}
    assert not required & SERVER_ONLY
    # scaffold's own tests run the reference server: they may need them.
    assert SERVER_ONLY <= {requirement_name(r) for r in project["optional-dependencies"]["test"]}
    assert not third_party_imports(ROOT / "scaffold", "scaffold") & SERVER_ONLY


def test_the_reference_declares_everything_it_imports() -> None:
    project = tomllib.loads((reference_dir() / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {requirement_name(r) for r in project["dependencies"]}
    tests = {requirement_name(r) for r in project["optional-dependencies"]["test"]}
    imported = third_party_imports(reference_dir() / "server", "server")
    declared = {IMPORT_NAMES.get(name, name) for name in runtime | tests}
    assert imported <= declared, f"imported but not declared: {sorted(imported - declared)}"
    assert SERVER_ONLY <= runtime
    assert "pytest" in tests


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_the_new_repos_make_targets_run_in_its_own_venv(cli: Cli, tmp_path: Path) -> None:
    assert cli("init", "--no-git", str(tmp_path / "r")).exit_code == 0
    plans = {
        target: subprocess.run(
            ["make", "-n", target], cwd=tmp_path / "r", capture_output=True, text=True, check=True
        ).stdout
        for target in ("install", "test", "run-server")
    }
    assert "-m venv .venv" in plans["install"] and ".venv/bin/python -m pip install" in plans["install"]
    assert "-e '.[test]'" in plans["install"]
    assert ".venv/bin/python -m pytest" in plans["test"] and "-m venv .venv" in plans["test"]
    assert ".venv/bin/python -m server" in plans["run-server"]


def complete(*words: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> list[str]:
    """What the console script completes the command line `words` (the last being typed) to."""
    environment = {
        **os.environ, **(env or {}),
        "_SCAFFOLD_COMPLETE": "complete_bash", "COMP_WORDS": " ".join(["scaffold", *words]), "COMP_CWORD": str(len(words)),
    }
    result = subprocess.run(
        [sys.executable, "-c", ENTRY], env=environment, cwd=cwd, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_shell_completion_works_through_the_console_script(repo: Path) -> None:
    # Off a shell (CI), name the shell rather than have it detected from the parent process.
    named = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    shown = subprocess.run(
        [sys.executable, "-c", ENTRY, "--show-completion", "bash"], env=named, capture_output=True, text=True, timeout=60
    )
    assert shown.returncode == 0, shown.stderr
    assert "_SCAFFOLD_COMPLETE=complete_bash" in shown.stdout
    assert complete("end") == ["endpoint"]
    assert complete("endpoint", "a") == ["add"]
    # In a repo whose `check` output is recorded for replay, completion is still completion.
    for _ in range(2):
        subprocess.run([sys.executable, "-c", ENTRY, "check"], cwd=repo, capture_output=True, timeout=120)
    assert "--format" in complete("check", "--fo", cwd=repo)


def checkout_copy(target: Path) -> Path:
    """The checkout as a clone of it would have it, uncommitted edits included."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True,
    )
    if listed.returncode != 0:
        ignored = shutil.ignore_patterns(".git", ".venv", "__pycache__", ".*_cache", ".hypothesis", ".demo", "data")
        shutil.copytree(ROOT, target, ignore=ignored)
        return target
    for name in filter(None, listed.stdout.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def test_pip_install_then_init_make_test_add_check_and_docs(
    request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not request.config.getoption("--install"):
        pytest.skip("installs from the package index: run with --install (make install-test)")
    timings: list[tuple[str, float]] = []
    venv = tmp_path / "venv"
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTEST_ADDOPTS")}
    env["PATH"] = os.pathsep.join([str(bindir), env.get("PATH", "")])
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"

    def step(name: str, *command: str | Path, cwd: Path = tmp_path) -> str:
        started = time.monotonic()
        result = subprocess.run(
            [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=1800
        )
        timings.append((name, time.monotonic() - started))
        assert result.returncode == 0, f"{name}: exit {result.returncode}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        return result.stdout

    clone = checkout_copy(tmp_path / "clone")
    step("python -m venv", sys.executable, "-m", "venv", venv)
    step("pip install <clone>", bindir / "python", "-m", "pip", "install", "--quiet", clone)
    shown = step("pip show scaffold", bindir / "python", "-m", "pip", "show", "scaffold")
    requires = next(line for line in shown.splitlines() if line.startswith("Requires:"))
    assert not {name.strip().lower() for name in requires.split(":", 1)[1].split(",")} & SERVER_ONLY, requires
    missing = subprocess.run([bindir / "python", "-c", "import starlette"], capture_output=True, env=env)
    assert missing.returncode != 0, "starlette came with scaffold"

    step("scaffold init r", "scaffold", "init", "r")
    repo = tmp_path / "r"
    assert "passed" in step("make test (the new repo's, into its .venv)", "make", "test", cwd=repo)
    added = step(
        "scaffold endpoint add --yes",
        "scaffold", "endpoint", "add", "GET", "/users/{user_id}/sessions",
        "--summary", "Get the sessions of a user", "--permission", "edit_other_users", "--yes",
        cwd=repo,
    )
    assert "release note: Added new API endpoint GET /api/v4/users/{user_id}/sessions" in added
    step("scaffold check", "scaffold", "check", cwd=repo)
    step("scaffold docs build --html", "scaffold", "docs", "build", "--html", cwd=repo)
    assert (repo / "api/v4/html/static/openapi-v4.yaml").is_file()
    assert "xfailed" in step("make test (again, with the new endpoint's tests)", "make", "test", cwd=repo)
    with capsys.disabled():
        print("\n" + "\n".join(f"  {seconds:7.1f} s  {name}" for name, seconds in timings))
