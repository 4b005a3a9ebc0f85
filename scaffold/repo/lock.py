"""The repo lock: one scaffold command changes a repo at a time.

The lock is an flock on `.scaffold.lock`, held by an open file: the kernel drops it when its
holder dies, however it dies. The file itself outlives a process killed outright; a file no
one holds locks nothing, and the next command that opens the repo removes it and says so.

The file is removed while still locked, never after: a command that opened it before that
then locks an unlinked file, which filelock refuses (and this command reports the repo as
busy). Removed after the release, a second command could lock the old file while a third
creates and locks a new one, and both would write.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from scaffold.errors import ScaffoldError

if TYPE_CHECKING:
    from filelock import FileLock

LOCK_NAME = ".scaffold.lock"


def take_lock(root: Path) -> FileLock | None:
    """The repo lock, taken; None while another command holds it."""
    # Imported here: commands that only read a repo lock it only to clear a stale lock.
    from filelock import FileLock, Timeout

    lock = FileLock(str(root / LOCK_NAME), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        return None
    except OSError as err:
        raise ScaffoldError(
            f"cannot take the lock {LOCK_NAME}: {err.strerror or err}",
            hint=f"{LOCK_NAME} must be a plain file (or absent): delete it",
            path=root / LOCK_NAME,
        ) from None
    return lock


def release_lock(root: Path, lock: FileLock) -> None:
    """Remove the lock file, then release the lock (see the module's docstring for the order)."""
    try:
        (root / LOCK_NAME).unlink(missing_ok=True)
    finally:
        lock.release()


def clear_stale_lock(root: Path) -> bool:
    """Remove a lock file that no command holds (one killed outright left it); True if one was."""
    if not os.path.lexists(root / LOCK_NAME):
        return False
    lock = take_lock(root)
    if lock is None:
        return False  # a live command holds it
    release_lock(root, lock)
    return True
