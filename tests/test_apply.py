"""The transaction: all files change or none does, whatever fails on the way."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scaffold.errors import ScaffoldError, StaleRepoError, ValidationError
from scaffold.model.changes import ChangeSet
from scaffold.repo import transaction as apply
from scaffold.repo.transaction import ApplyError, apply_changes
from scaffold.repo.workspace import Workspace
from tests.conftest import tree_digest


def three_changes(root: Path) -> ChangeSet:
    (root / "a.txt").write_text("a\n")
    (root / "b.txt").write_text("b\r\nkept as is\r\n")
    workspace = Workspace(root)
    workspace.write("a.txt", "a changed\n")
    workspace.write("b.txt", workspace.read("b.txt") + "more\r\n")
    workspace.write("new/dir/c.txt", "c\n")
    return workspace.change_set()


def test_applies_every_change(tmp_path: Path) -> None:
    changes = three_changes(tmp_path)
    apply_changes(tmp_path, changes)
    assert (tmp_path / "a.txt").read_text() == "a changed\n"
    assert (tmp_path / "b.txt").read_bytes() == b"b\r\nkept as is\r\nmore\r\n"
    assert (tmp_path / "new/dir/c.txt").read_text() == "c\n"
    assert not (tmp_path / apply.LOCK_NAME).exists()
    assert sorted(p.name for p in tmp_path.rglob("*.tmp")) == []


def test_keeps_file_mode(tmp_path: Path) -> None:
    changes = three_changes(tmp_path)
    os.chmod(tmp_path / "a.txt", 0o755)
    apply_changes(tmp_path, changes)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o755


@pytest.mark.parametrize("step", ["stage_text", "replace_file"])
@pytest.mark.parametrize("nth", [1, 2, 3])
@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(OSError(errno.ENOSPC, "No space left on device"), id="enospc"),
        pytest.param(OSError(errno.EACCES, "Permission denied"), id="eacces"),
        pytest.param(KeyboardInterrupt(), id="ctrl-c"),
    ],
)
def test_failure_at_any_write_leaves_repo_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str, nth: int, fault: BaseException
) -> None:
    changes = three_changes(tmp_path)
    before = tree_digest(tmp_path)
    real = getattr(apply, step)
    calls = {"n": 0}

    def failing(*args: object) -> object:
        calls["n"] += 1
        if calls["n"] == nth:
            raise fault
        return real(*args)

    monkeypatch.setattr(apply, step, failing)
    expected = KeyboardInterrupt if isinstance(fault, KeyboardInterrupt) else ApplyError
    with pytest.raises(expected):
        apply_changes(tmp_path, changes)
    monkeypatch.setattr(apply, step, real)
    assert tree_digest(tmp_path) == before
    assert not (tmp_path / "new").exists()


def test_failing_post_check_restores_everything(tmp_path: Path) -> None:
    changes = three_changes(tmp_path)
    before = tree_digest(tmp_path)

    def post_check(_: ChangeSet) -> None:
        assert (tmp_path / "a.txt").read_text() == "a changed\n"  # the files are in place
        raise ValidationError("the edited server does not import")

    with pytest.raises(ValidationError):
        apply_changes(tmp_path, changes, post_checks=[post_check])
    assert tree_digest(tmp_path) == before


def test_failing_validator_writes_nothing(tmp_path: Path) -> None:
    changes = three_changes(tmp_path)
    before = tree_digest(tmp_path)

    def validator(_: ChangeSet) -> None:
        raise ValidationError("invalid spec")

    with pytest.raises(ValidationError):
        apply_changes(tmp_path, changes, validators=[validator])
    assert tree_digest(tmp_path) == before


def test_file_changed_since_planning_is_refused(tmp_path: Path) -> None:
    changes = three_changes(tmp_path)
    (tmp_path / "b.txt").write_text("someone else's edit\n")
    before = tree_digest(tmp_path)
    with pytest.raises(StaleRepoError, match="changed on disk since the plan"):
        apply_changes(tmp_path, changes)
    assert tree_digest(tmp_path) == before


def test_file_created_since_planning_is_refused(tmp_path: Path) -> None:
    changes = three_changes(tmp_path)
    (tmp_path / "new/dir").mkdir(parents=True)
    (tmp_path / "new/dir/c.txt").write_text("already here\n")
    with pytest.raises(StaleRepoError):
        apply_changes(tmp_path, changes)
    assert (tmp_path / "new/dir/c.txt").read_text() == "already here\n"


def test_concurrent_run_is_refused(tmp_path: Path) -> None:
    changes = three_changes(tmp_path)
    before = tree_digest(tmp_path)
    # Another process holds the lock (in one process the lock is re-entrant by design).
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(tmp_path / apply.LOCK_NAME)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(ScaffoldError, match="another scaffold command"):
            apply_changes(tmp_path, changes)
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()
    after = tree_digest(tmp_path)
    after.pop(apply.LOCK_NAME)  # the holder's, not ours
    assert after == before
    apply_changes(tmp_path, changes)  # the holder died: its lock went with it
    assert (tmp_path / "a.txt").read_text() == "a changed\n"


HOLD_LOCK = """
import sys, time
from filelock import FileLock
lock = FileLock(sys.argv[1])
lock.acquire()
print("locked", flush=True)
time.sleep(60)
"""


def test_stale_lock_file_of_a_dead_process_is_no_obstacle(tmp_path: Path) -> None:
    # The lock is an OS lock on the file, released when its holder dies; the file left
    # behind by a killed run does not block the next one.
    changes = three_changes(tmp_path)
    (tmp_path / apply.LOCK_NAME).write_text("")
    apply_changes(tmp_path, changes)
    assert (tmp_path / "a.txt").read_text() == "a changed\n"


def test_deletes_are_restored_on_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "gone.txt").write_text("keep me\n")
    (tmp_path / "a.txt").write_text("a\n")
    workspace = Workspace(tmp_path)
    workspace.write("gone.txt", None)
    workspace.write("a.txt", "a changed\n")
    changes = workspace.change_set()
    before = tree_digest(tmp_path)

    def post_check(_: ChangeSet) -> None:
        assert not (tmp_path / "gone.txt").exists()
        raise ValidationError("no")

    with pytest.raises(ValidationError):
        apply_changes(tmp_path, changes, post_checks=[post_check])
    assert tree_digest(tmp_path) == before
