"""The console script replays a read-only command on an unchanged repo, and never otherwise."""

from __future__ import annotations

import gc
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scaffold.cli.replay import Invocation
from tests.conftest import Cli, Script
from tests.edits import drop_functions, edit

DRIVER = "server/model/client4.py"
USER_TESTS = "server/api4/user_test.py"


@pytest.fixture
def script(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Script:
    return Script(monkeypatch, capsys)


def fresh(cli: Cli, *argv: str) -> tuple[int, str]:
    """What the command prints when nothing at all comes from a cache."""
    result = cli(*argv, "--no-cache") if argv[0] == "check" else cli(*argv)
    return result.exit_code, result.stdout


@pytest.mark.parametrize(
    "argv",
    [
        ("check",),
        ("check", "--format", "json"),
        ("check", "--format=sarif", "--strict"),
        ("check", "--no-matrix", "--format", "github"),
        ("endpoint", "list"),
        ("endpoint", "list", "--format", "json", "--missing"),
    ],
)
def test_an_unchanged_repo_is_replayed_without_loading_the_command_line(
    script: Script, cli: Cli, repo: Path, argv: tuple[str, ...]
) -> None:
    first = script(*argv, "--repo", str(repo))
    again = script(*argv, "--repo", str(repo))
    assert first[2] and not again[2]
    assert again[:2] == first[:2] == fresh(cli, *argv, "--repo", str(repo))


def test_a_replay_keeps_the_exit_code_of_findings(script: Script, repo: Path) -> None:
    drop_functions(repo / DRIVER, {"get_user_by_username"})
    first = script("check", "--repo", str(repo))
    again = script("check", "--repo", str(repo))
    assert first[0] == again[0] == 1 and not again[2]
    assert again[1] == first[1] and "missing-driver" in again[1]


def _new_test_file(repo: Path) -> None:
    shutil.copy(repo / USER_TESTS, repo / "server/api4/audit_test.py")


CHANGES = {
    "a driver method deleted": lambda repo: drop_functions(repo / DRIVER, {"get_user_by_username"}),
    "a test edited": lambda repo: edit(repo / USER_TESTS, "def test_get_user(", "def test_renamed("),
    "a file appears that the scan reads": _new_test_file,
    "scaffold.toml edited": lambda repo: (repo / "scaffold.toml").write_text(
        (repo / "scaffold.toml").read_text() + "\n# a comment\n"
    ),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_changed_repo_runs_the_command_again(
    script: Script, cli: Cli, repo: Path, change: str
) -> None:
    argv = ("check", "--format", "json", "--repo", str(repo))
    script(*argv)
    CHANGES[change](repo)
    code, out, ran = script(*argv)
    assert ran
    assert (code, out) == fresh(cli, *argv)


def test_other_options_environment_or_directory_run_the_command_again(
    script: Script, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ("check", "--repo", str(repo))
    script(*argv)
    assert script(*argv, "--strict")[2]
    monkeypatch.setenv("NO_COLOR", "1")
    assert script(*argv)[2]
    monkeypatch.chdir(tmp_path)
    assert script(*argv)[2]
    assert not script(*argv)[2]


def test_a_changed_baseline_runs_the_command_again(script: Script, cli: Cli, repo: Path) -> None:
    drop_functions(repo / DRIVER, {"get_user_by_username"})
    baseline = repo.parent / "baseline.json"
    cli("check", "--repo", str(repo), "--write-baseline", str(baseline))
    argv = ("check", "--repo", str(repo), "--baseline", str(baseline), "--format", "json")
    accepted = script(*argv)
    assert accepted[0] == 0 and not script(*argv)[2]
    baseline.write_text('{"version": 1, "findings": []}\n')
    code, out, ran = script(*argv)
    assert ran and (code, out) == fresh(cli, *argv)


def test_a_corrupt_record_is_a_miss(script: Script, cli: Cli, repo: Path) -> None:
    argv = ("check", "--repo", str(repo))
    script(*argv)
    (repo / ".scaffold/cache/replay.pickle").write_bytes(b"\x80\x05 not a pickle")
    code, out, ran = script(*argv)
    assert ran and (code, out) == fresh(cli, *argv)
    assert not script(*argv)[2]


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--version"],
        ["check", "--no-cache"],
        ["check", "--fix"],
        ["check", "--output", "report.txt"],
        ["check", "-o", "report.txt"],
        ["check", "--write-baseline", "b.json"],
        ["check", "--help"],
        ["check", "--repo", "a", "--repo", "b"],
        ["check", "--format=json", "--format", "text"],
        ["check", "--format"],
        ["check", "--format", "--strict"],
        ["check", "--strict=yes"],
        ["check", "extra"],
        ["endpoint", "add", "GET", "/users/{user_id}/x"],
        ["endpoint", "list", "--strict"],
        ["checklist", "GET", "/users/me"],
    ],
)
def test_what_is_never_replayed(argv: list[str]) -> None:
    assert Invocation.parse(argv) is None


def test_what_may_be_replayed() -> None:
    found = Invocation.parse(["check", "--format=json", "--baseline", "b.json", "--repo=r", "--strict"])
    assert found is not None and found.repo == Path("r") and found.baseline == Path("b.json")
    assert Invocation.parse(["endpoint", "list", "--missing"]) is not None


def test_the_console_script_replays_without_importing_typer(repo: Path) -> None:
    command = [sys.executable, "-X", "importtime", "-m", "scaffold", "check", "--repo", str(repo)]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    first = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    again = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert first.returncode == again.returncode == 0
    assert again.stdout == first.stdout and "0 errors" in again.stdout
    typer_imported = re.compile(r"\|\s+typer$", re.MULTILINE)
    assert typer_imported.search(first.stderr) and not typer_imported.search(again.stderr)


def test_the_console_script_leaves_what_is_alive_out_of_its_exit_collection(
    script: Script, repo: Path
) -> None:
    # A command that ran, and one the parser refused: both end through the freeze.
    assert script("check", "--repo", str(repo), "--no-cache")[2]
    assert script.frozen > 10_000
    code, _, ran = script("nonsense-command")
    assert code == 2 and ran and script.frozen > 10_000
    assert gc.get_freeze_count() == 0


def test_a_journal_left_by_a_killed_command_is_never_replayed_over(script: Script, repo: Path) -> None:
    from scaffold.repo.transaction import JOURNAL_NAME

    argv = ("check", "--repo", str(repo))
    script(*argv)
    (repo / JOURNAL_NAME).write_text("{}")
    code, out, ran = script(*argv)
    assert ran and code == 2 and out == ""


def test_a_baseline_read_from_a_pipe_is_read_once_by_the_command(
    script: Script, cli: Cli, repo: Path, tmp_path: Path
) -> None:
    import threading

    drop_functions(repo / DRIVER, {"get_user_by_username"})
    saved = tmp_path / "baseline.json"
    cli("check", "--repo", str(repo), "--write-baseline", str(saved))
    pipe = tmp_path / "pipe"
    for _ in range(2):  # never recorded, so never replayed: each run reads the pipe itself
        os.mkfifo(pipe)
        # The baseline named on the command line may be a pipe (`--baseline <(git show …)`),
        # unlike the files of the repo.
        writer = threading.Thread(target=lambda: pipe.write_bytes(saved.read_bytes()), daemon=True)
        writer.start()
        code, out, ran = script("check", "--repo", str(repo), "--baseline", str(pipe), "--no-matrix")
        writer.join(timeout=5)
        assert not writer.is_alive(), "the pipe was never read"
        pipe.unlink()
        assert ran and code == 0 and "1 accepted" in out, out


def test_a_replay_that_cannot_write_says_so_in_one_line(
    script: Script, repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import errno
    import io

    from scaffold.cli import entry

    argv = ("check", "--repo", str(repo))
    script(*argv)

    class Full(io.StringIO):
        def flush(self) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(sys, "argv", ["scaffold", *argv])
    monkeypatch.setattr(sys, "stdout", Full())
    with pytest.raises(SystemExit) as exited:
        entry.main()
    assert exited.value.code == 70
    assert capsys.readouterr().err == (
        "internal error: OSError: [Errno 28] No space left on device — run again with "
        "SCAFFOLD_DEBUG=1 for the traceback and report it\n"
    )
