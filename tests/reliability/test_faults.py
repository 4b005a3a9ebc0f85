"""Fault injection over a real `endpoint add`: whatever fails, the repo is as it was.

An OSError, a full disk or Ctrl-C at every write, replace and check of the transaction; a file
changed by someone else between planning and writing; a process killed with SIGKILL while it
holds the lock. Each time the repo must be byte-identical afterwards (modes, directories and
leftovers included), the CLI must say what happened in one line with the documented exit
code, and the next add must go through.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Self

import pytest
from typer.testing import CliRunner, Result

import scaffold.commands.guards as cli_module
from scaffold.cli.app import app
from scaffold.commands import guards as validate
from scaffold.errors import ValidationError
from scaffold.model.changes import ChangeSet
from scaffold.repo import transaction as apply
from scaffold.repo.cache import CACHE_DIR
from tests.conftest import run_repo_tests

Tally = Callable[[str, int], None]

#: Two real adds: one extends an existing resource (five updates), one starts a new tag
#: (files created beside files updated, scaffold.toml and the introduction included).
ADDS = {
    "user-sessions": ["GET", "/users/{user_id}/sessions", "--permission", "edit_other_users"],
    "new-tag": ["POST", "/widgets", "--permission", "none", "--body", "name:string,size:int?"],
}

FAULTS: dict[str, Callable[[], BaseException]] = {
    "enospc": lambda: OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)),
    "eio": lambda: OSError(errno.EIO, os.strerror(errno.EIO)),
    "ctrl-c": KeyboardInterrupt,
    "invalid": lambda: ValidationError("the injected check says no", hint="nothing was written"),
}

#: The steps of the transaction a fault can hit: its two file operations (every call), the
#: validators, and the post-check that imports the edited server.
WRITE_STEPS = ("stage_text", "replace_file")
CHECK_STEPS = ("check_syntax", "spec_check", "import_check")


def snapshot(root: Path) -> dict[str, tuple[str, int, str]]:
    """Every entry under `root`: its kind, mode and content (directories and links too)."""
    entries = {}
    for path in sorted(root.rglob("*")):
        if "__pycache__" in path.parts or ".pytest_cache" in path.parts:
            continue
        if path.is_relative_to(root / CACHE_DIR) or path == (root / CACHE_DIR).parent:
            continue  # scaffold's cache: the import check keeps what it compiled
        info = path.lstat()
        if path.is_symlink():
            kind, content = "link", os.readlink(path)
        elif path.is_dir():
            kind, content = "dir", ""
        else:
            kind, content = "file", hashlib.sha256(path.read_bytes()).hexdigest()
        entries[path.relative_to(root).as_posix()] = (kind, info.st_mode, content)
    return entries


def add(repo: Path, name: str, *extra: str) -> Result:
    args = ["endpoint", "add", *ADDS[name], "--repo", str(repo), "--format", "json", *extra]
    return CliRunner().invoke(app, args, catch_exceptions=False)


def assert_one_line(result: Result) -> str:
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr


def assert_told(result: Result, fault: str, error: BaseException) -> None:
    """The exit code and the one line the CLI owes the user for `fault`."""
    line = assert_one_line(result)
    if fault == "ctrl-c":
        assert result.exit_code == 130, line
        assert line == "interrupted: nothing was changed\n"
    elif fault == "invalid":
        assert result.exit_code == 1, line
        assert "the injected check says no" in line and "nothing was written" in line
    else:
        assert result.exit_code == 2, line
        assert line.startswith("error: ") and "nothing was changed" in line
        assert isinstance(error, OSError) and str(error.strerror) in line


class Injected:
    """Counts the calls of one step and raises at the `nth`."""

    def __init__(self, nth: int, fault: str) -> None:
        self.nth, self.fault, self.calls = nth, fault, 0
        self.error: BaseException | None = None

    def tick(self) -> None:
        self.calls += 1
        if self.calls == self.nth:
            self.error = FAULTS[self.fault]()
            raise self.error

    @property
    def fired(self) -> bool:
        return self.error is not None


def inject(monkeypatch: pytest.MonkeyPatch, step: str, nth: int, fault: str) -> Injected:
    injected = Injected(nth, fault)
    if step in WRITE_STEPS:
        real = getattr(apply, step)

        def failing(*args: Any) -> Any:
            injected.tick()
            return real(*args)

        monkeypatch.setattr(apply, step, failing)
    elif step == "check_syntax":
        real_check = validate.check_syntax

        def failing_check(changes: ChangeSet, **options: bool) -> None:
            injected.tick()
            real_check(changes, **options)

        monkeypatch.setattr(validate, "check_syntax", failing_check)
    else:
        factory = getattr(validate, step)

        def failing_factory(layout: Any, *more: Any) -> Callable[[ChangeSet], None]:
            check = factory(layout, *more)

            def failing(changes: ChangeSet) -> None:
                # The post-check runs with every file in place: fail after its real work.
                check(changes)
                injected.tick()

            return failing

        monkeypatch.setattr(validate, step, failing_factory)
    return injected


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The long run hits every step of both adds with every fault, and kills at four points;
    the quick pass a cross section that still reaches each step and each fault, and one kill
    half-way through the writes."""
    thorough = bool(metafunc.config.getoption("--reliability"))
    if "kill_point" in metafunc.fixturenames:
        points = list(KILL_POINTS) if thorough else ["replacing"]
        metafunc.parametrize("kill_point", points)
    for fixture, quick_add in (("disk_add", "new-tag"), ("stale_add", "user-sessions")):
        if fixture in metafunc.fixturenames:
            metafunc.parametrize(fixture, list(ADDS) if thorough else [quick_add])
    if "fault_case" not in metafunc.fixturenames:
        return
    cases = []
    for name in ADDS:
        for step in (*WRITE_STEPS, *CHECK_STEPS):
            for fault in FAULTS:
                if fault == "invalid" and step in WRITE_STEPS:
                    continue
                cases.append((name, step, fault))
    if not thorough:
        quick = {
            ("new-tag", "stage_text", "enospc"),
            ("new-tag", "replace_file", "ctrl-c"),
            ("user-sessions", "replace_file", "eio"),
            ("new-tag", "check_syntax", "ctrl-c"),
            ("user-sessions", "spec_check", "eio"),
            ("new-tag", "import_check", "invalid"),
            ("new-tag", "import_check", "ctrl-c"),
        }
        cases = [case for case in cases if case in quick]
    metafunc.parametrize("fault_case", cases, ids=["-".join(case) for case in cases])


def test_fault_at_every_step_leaves_the_repo_as_it_was(
    repo: Path, monkeypatch: pytest.MonkeyPatch, fault_case: tuple[str, str, str], thorough: bool, tally: Tally
) -> None:
    name, step, fault = fault_case
    before = snapshot(repo)
    # The nth call of the step fails, for n = 1, 2, … until the add no longer reaches an nth
    # call and goes through; the quick pass strides over the calls.
    stride = 1 if thorough or step not in WRITE_STEPS else 3
    nth = 1
    while True:
        with monkeypatch.context() as patch:
            injected = inject(patch, step, nth, fault)
            result = add(repo, name)
        if not injected.fired:
            break
        tally("faults injected", 1)
        assert injected.error is not None
        assert_told(result, fault, injected.error)
        assert snapshot(repo) == before, f"{step} #{nth}: the repo changed"
        nth += stride
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["applied"] is True
    assert nth > 1, f"{step} was never called"


class FullDisk:
    """Stands in for `os` in scaffold.apply: once `budget` bytes are written in all, every
    write fails with ENOSPC, and keeps failing (a full disk stays full)."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0
        self.refused = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    def fdopen(self, fd: int, *args: Any, **kwargs: Any) -> Metered:
        return Metered(os.fdopen(fd, *args, **kwargs), self)


class Metered:
    """A text file whose writes count against a FullDisk."""

    def __init__(self, handle: Any, disk: FullDisk) -> None:
        self.handle, self.disk = handle, disk

    def write(self, text: str) -> int:
        room = self.disk.budget - self.disk.used
        if len(text.encode("utf-8")) > room:
            self.handle.write(text[: max(room, 0)])  # what fitted
            self.disk.used = self.disk.budget
            self.disk.refused += 1
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.disk.used += len(text.encode("utf-8"))
        return int(self.handle.write(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.handle, name)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()


def bytes_written(repo: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> int:
    """What the add writes in all (journal, backups, new texts), measured on a dry copy."""
    probe = repo.parent / "probe"
    shutil.copytree(repo, probe, symlinks=True)
    disk = FullDisk(10**12)
    with monkeypatch.context() as patch:
        patch.setattr(apply, "os", disk)
        patch.setattr(validate, "import_check", lambda layout, started: lambda changes: None)  # writes nothing
        assert add(probe, name).exit_code == 0
    return disk.used


def test_full_disk_at_any_byte_leaves_the_repo_as_it_was(
    repo: Path, monkeypatch: pytest.MonkeyPatch, disk_add: str, thorough: bool, tally: Tally
) -> None:
    name = disk_add
    total = bytes_written(repo, name, monkeypatch)
    before = snapshot(repo)
    steps = 24 if thorough else 2
    budgets = sorted({0, total - 1, *(total * k // steps for k in range(1, steps))})
    for budget in budgets:
        disk = FullDisk(budget)
        with monkeypatch.context() as patch:
            patch.setattr(apply, "os", disk)
            result = add(repo, name)
        assert disk.refused, budget
        tally("faults injected", 1)
        line = assert_one_line(result)
        assert result.exit_code == 2, line
        assert "No space left on device" in line and "nothing was changed" in line
        assert snapshot(repo) == before, f"disk full after {budget} bytes: the repo changed"


def test_disk_full_by_the_time_the_post_check_fails(
    repo: Path, monkeypatch: pytest.MonkeyPatch, disk_add: str, tally: Tally
) -> None:
    name = disk_add
    # Every write succeeded, then the disk filled up, then the post-check failed: restoring
    # must not need to write a byte.
    total = bytes_written(repo, name, monkeypatch)
    before = snapshot(repo)
    disk = FullDisk(total)

    def fail_after_filling(layout: Any, started: Any) -> Callable[[ChangeSet], None]:
        def check(changes: ChangeSet) -> None:
            disk.used = disk.budget
            raise ValidationError("the edited server does not import: injected", hint="nothing was written")

        return check

    with monkeypatch.context() as patch:
        patch.setattr(apply, "os", disk)
        patch.setattr(validate, "import_check", fail_after_filling)
        result = add(repo, name)
    tally("faults injected", 1)
    line = assert_one_line(result)
    assert result.exit_code == 1, line
    assert "does not import: injected" in line
    assert snapshot(repo) == before


# ---------------------------------------------------------------------------------------------
# Someone else's edit


def plan_paths(repo: Path, name: str) -> list[tuple[str, str]]:
    result = add(repo, name, "--dry-run")
    assert result.exit_code == 0
    return [(c["path"], c["action"]) for c in json.loads(result.stdout)["changes"]]


def someone_edits(repo: Path, path: str, action: str, how: str) -> None:
    target = repo / path
    if action == "create":
        target.write_text("# someone else's new file\n", encoding="utf-8")
    elif how == "delete":
        target.unlink()
    else:
        with open(target, "a", encoding="utf-8", newline="") as handle:
            handle.write("# someone else's edit\n")


def first(edit: Callable[[], None], apply_changes: Callable[..., None]) -> Callable[..., None]:
    """`apply_changes`, once someone else has made `edit`."""

    def apply_after_the_edit(*args: Any, **kwargs: Any) -> None:
        edit()
        apply_changes(*args, **kwargs)

    return apply_after_the_edit


def _edit_cases(thorough: bool, paths: list[tuple[str, str]]) -> Iterator[tuple[str, str, str]]:
    chosen = paths if thorough else [paths[0], paths[-1]]
    for path, action in chosen:
        for how in ("edit", "delete") if action == "update" else ("create",):
            yield path, action, how


def test_file_changed_between_plan_and_apply(
    repo: Path, pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stale_add: str, thorough: bool, tally: Tally
) -> None:
    name = stale_add
    paths = plan_paths(repo, name)
    real = cli_module.apply_changes
    for path, action, how in _edit_cases(thorough, paths):
        expected = tmp_path / f"expected-{path.replace('/', '_')}-{how}"
        shutil.copytree(pristine, expected)
        someone_edits(expected, path, action, how)
        work = tmp_path / f"{path.replace('/', '_')}-{how}"
        shutil.copytree(pristine, work)

        edit = functools.partial(someone_edits, work, path, action, how)
        with monkeypatch.context() as patch:
            patch.setattr(cli_module, "apply_changes", first(edit, real))
            result = add(work, name)
        tally("faults injected", 1)
        line = assert_one_line(result)
        assert result.exit_code == 2, line
        assert f"{path}: changed on disk since the plan was made" in line
        assert "nothing was written" in line
        assert snapshot(work) == snapshot(expected), f"{how} of {path}: more than the other edit changed"


@pytest.mark.parametrize("step", ["check_syntax", "spec_check"])
def test_file_changed_while_the_validators_run(
    repo: Path, monkeypatch: pytest.MonkeyPatch, step: str, tally: Tally
) -> None:
    # Validating takes a while; an editor may save a file meanwhile: it must not be lost.
    path = "server/model/client4.py"

    def editing_first(check: Callable[..., None]) -> Callable[..., None]:
        def edit_then_check(changes: ChangeSet, **options: bool) -> None:
            someone_edits(repo, path, "update", "edit")
            check(changes, **options)

        return edit_then_check

    with monkeypatch.context() as patch:
        if step == "check_syntax":
            patch.setattr(validate, step, editing_first(validate.check_syntax))
        else:
            factory = validate.spec_check
            patch.setattr(validate, step, lambda layout, *more: editing_first(factory(layout, *more)))
        result = add(repo, "user-sessions")
    tally("faults injected", 1)
    line = assert_one_line(result)
    assert result.exit_code == 2 and f"{path}: changed on disk since the plan was made" in line
    text = (repo / path).read_text(encoding="utf-8")
    assert text.endswith("# someone else's edit\n") and "def get_user_sessions" not in text
    assert not [p for p in repo.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".scaffold.")]


def test_someone_elses_edit_during_the_post_check_is_never_overwritten(
    repo: Path, monkeypatch: pytest.MonkeyPatch, tally: Tally
) -> None:
    # The files are in place, someone edits one, then the post-check fails: restoring must
    # keep that edit, say so, and leave the rest of the repo as it was.
    path = "server/api4/user_test.py"
    before = snapshot(repo)

    def edit_then_fail(layout: Any, started: Any) -> Callable[[ChangeSet], None]:
        def check(changes: ChangeSet) -> None:
            someone_edits(repo, path, "update", "edit")
            raise ValidationError("the edited server does not import: injected")

        return check

    with monkeypatch.context() as patch:
        patch.setattr(validate, "import_check", edit_then_fail)
        result = add(repo, "user-sessions")
    tally("faults injected", 1)
    line = assert_one_line(result)
    assert result.exit_code == 2, line
    assert f"restoring failed for {path}" in line
    assert (repo / path).read_text(encoding="utf-8").endswith("# someone else's edit\n")
    after = snapshot(repo)
    changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    backup = f"server/api4/.user_test.py{apply.OLD_SUFFIX}"
    assert changed == {path, apply.JOURNAL_NAME, backup}, changed
    # The journal says what is left to do: the next command refuses until it is resolved.
    again = add(repo, "user-sessions", "--dry-run")
    assert again.exit_code == 2 and "restoring server/api4/user_test.py failed" in assert_one_line(again)


# ---------------------------------------------------------------------------------------------
# A process killed while it holds the lock

PAUSE_AT = """
import sys, time
import scaffold.commands.guards as cli_module
from scaffold.commands import guards as validate
from scaffold.repo import transaction as apply
from scaffold.cli.main import main

step, nth = sys.argv[1], int(sys.argv[2])
calls = 0

def counting(real):
    def wrapper(*args):
        global calls
        calls += 1
        if calls == nth:
            print("paused", flush=True)
            time.sleep(600)
        return real(*args)
    return wrapper

if step in ("stage_text", "replace_file"):
    setattr(apply, step, counting(getattr(apply, step)))
else:
    factory = getattr(validate, step)
    setattr(validate, step, lambda *made: counting(factory(*made)))
sys.argv = ["scaffold", *sys.argv[3:]]
main()
"""


def kill_while_paused(repo: Path, name: str, step: str, nth: int) -> None:
    """Run the add in a real process, stop it at the nth call of `step`, and SIGKILL it."""
    args = [sys.executable, "-c", PAUSE_AT, step, str(nth), "endpoint", "add", *ADDS[name], "--repo", str(repo), "--yes"]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 60)
        assert ready, "the add never reached the step"
        assert process.stdout.readline().strip() == "paused", process.stderr.read() if process.stderr else ""
        os.kill(process.pid, signal.SIGKILL)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
    assert process.returncode == -signal.SIGKILL


#: Where the killed run stops: validating (nothing written), staging, half-way through the
#: replaces, and in the post-check (every file replaced, not yet verified).
KILL_POINTS = {
    "validating": ("spec_check", 1),
    "staging": ("stage_text", 4),
    "replacing": ("replace_file", 4),
    "post-check": ("import_check", 1),
}


def test_killed_while_holding_the_lock_then_the_next_add_succeeds(
    repo: Path, kill_point: str, thorough: bool, tally: Tally
) -> None:
    point = kill_point
    before = snapshot(repo)
    step, nth = KILL_POINTS[point]
    kill_while_paused(repo, "new-tag", step, nth)
    tally("faults injected", 1)
    assert (repo / apply.LOCK_NAME).exists(), "the killed run held no lock"
    writing = point != "validating"
    assert (repo / apply.JOURNAL_NAME).exists() == writing
    if point in ("replacing", "post-check"):
        assert snapshot(repo) != before  # half-written (or written and never verified)

    # Any command that loads the repo finishes the roll back; a dry run writes nothing else.
    dry = add(repo, "new-tag", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    # …and says what it undid, whatever it was: restored files, or only what was left beside them.
    said = "rolled back: a scaffold command was killed while writing" if point in ("replacing", "post-check") else (
        "cleaned up: a scaffold command was killed before it changed any file; removed what it had left:"
    )
    assert dry.stderr.startswith(said) and apply.LOCK_NAME in dry.stderr, dry.stderr
    assert snapshot(repo) == before  # the dead process's lock file included

    result = add(repo, "new-tag")
    assert result.exit_code == 0, result.stderr
    assert not (repo / apply.JOURNAL_NAME).exists() and not (repo / apply.LOCK_NAME).exists()
    if thorough:
        tests = run_repo_tests(repo, "server/api4/widget_test.py")
        assert tests.returncode == 0, tests.stdout[-2000:]
