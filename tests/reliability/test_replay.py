"""Property: whatever happens to a repo between two runs, a replay prints what a fresh run prints.

Sequences of generated edits (lines deleted, duplicated or commented out in any file `check`
reads, files removed or copied in under a new resource, a step undone) run through the console
script after each step — replayed or not, as it decides — and through `check --no-cache`. The
two must print the same bytes and exit with the same code.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from scaffold.repo.files import source_files
from scaffold.repo.open import open_repo
from tests.conftest import Cli, Script

Tally = Callable[[str, int], None]

EDITS = ("delete", "duplicate", "comment", "remove file", "copy file", "undo")
edit = st.tuples(st.sampled_from(EDITS), st.integers(min_value=0), st.integers(min_value=0))
ARGVS = [("check", "--format", "json"), ("check",), ("endpoint", "list", "--format", "json")]


def apply_edit(repo: Path, files: list[str], kind: str, which: int, where: int) -> None:
    path = repo / files[which % len(files)]
    if kind == "remove file":
        path.unlink(missing_ok=True)
        return
    if kind == "copy file" and path.exists():
        shutil.copy(path, path.with_name(path.name.replace(path.stem.split("_")[0], "widget", 1)))
        return
    if not path.exists():
        return
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    if not lines:
        return
    at = where % len(lines)
    if kind == "delete":
        del lines[at]
    elif kind == "duplicate":
        lines.insert(at, lines[at])
    else:
        lines[at] = "# " + lines[at]
    path.write_text("".join(lines), encoding="utf-8")


def snapshot(repo: Path) -> dict[str, bytes]:
    return {
        p.relative_to(repo).as_posix(): p.read_bytes()
        for p in repo.rglob("*")
        if p.is_file() and ".scaffold" not in p.parts and "__pycache__" not in p.parts
    }


def restore(repo: Path, files: dict[str, bytes]) -> None:
    for path in list(snapshot(repo)):
        if path not in files:
            (repo / path).unlink()
    for path, data in files.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_bytes(data)


def test_a_replay_prints_what_a_fresh_run_prints(
    pristine: Path,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    thorough: bool,
    tally: Tally,
) -> None:
    script = Script(monkeypatch, capsys)
    cli = Cli(CliRunner())
    files = source_files(open_repo(pristine))
    replays = {"replayed": 0, "ran": 0}

    @settings(
        max_examples=100 if thorough else 4,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(steps=st.lists(edit, min_size=1, max_size=4), argv=st.sampled_from(ARGVS))
    def sequence(steps: list[tuple[str, int, int]], argv: tuple[str, ...]) -> None:
        repo = tmp_path_factory.mktemp("replay") / "repo"
        shutil.copytree(pristine, repo)
        command = (*argv, "--repo", str(repo))
        history = [snapshot(repo)]
        script(*command)
        for kind, which, where in steps:
            tally("inputs tried", 1)
            if kind == "undo":
                restore(repo, history[max(0, len(history) - 2)])
            else:
                apply_edit(repo, files, kind, which, where)
            history.append(snapshot(repo))
            for _ in range(2):  # the second run may be a replay of the first
                code, out, ran = script(*command)
                replays["ran" if ran else "replayed"] += 1
                result = cli(*command, *(("--no-cache",) if argv[0] == "check" else ()))
                assert (code, out) == (result.exit_code, result.stdout), (kind, which, where)

    sequence()
    assert replays["replayed"] and replays["ran"], replays
