"""Apply a change set as one transaction: all files change, or none does.

The steps, under the repo lock: finish rolling back a run that was killed while writing (its
journal is still there); check that every file is still what the plan read; validate every
result; check again (validating takes a while); record what is about to happen in a journal;
write each new text, and a backup of each old one, to temporary files beside their targets;
`os.replace` the new texts one by one; run the post-checks (the edited server imports); commit
by removing the journal, then the backups.

Any failure on the way — an error, a full disk, Ctrl-C — puts the backups back and removes every
created file, temporary file and directory, so the repo is byte-identical to before. Putting a
backup back is a rename, so it needs no disk space. A run killed outright (kill -9, a power cut)
leaves its journal; the next command that loads the repo rolls it back the same way.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from scaffold.errors import RepoLayoutError, ScaffoldError, StaleRepoError
from scaffold.model.changes import Change, ChangeSet
from scaffold.repo.files import read_regular
from scaffold.repo.journal import (
    JOURNAL_NAME,
    NEW_SUFFIX,
    OLD_SUFFIX,
    Journal,
    JournalEntry,
    Recovery,
    check_contained,
    temp_path,
)
from scaffold.repo.lock import LOCK_NAME, clear_stale_lock, release_lock, take_lock

__all__ = ["JOURNAL_NAME", "LOCK_NAME", "NEW_SUFFIX", "OLD_SUFFIX", "ApplyError", "Transaction", "apply_changes", "recover"]

#: A check of the planned result: receives the change set, raises ScaffoldError.
Check = Callable[[ChangeSet], None]


class ApplyError(ScaffoldError):
    """Writing the change set failed; the repo was restored (or the message says what was not)."""


@dataclass
class Transaction:
    """Applies one change set to a repo."""

    root: Path
    changes: ChangeSet
    #: checks run on the planned texts before anything is written
    validators: list[Check] = field(default_factory=list)
    #: checks run after the files are in place; a failure restores them
    post_checks: list[Check] = field(default_factory=list)

    def run(self) -> None:
        lock = take_lock(self.root)
        if lock is None:
            raise ScaffoldError(
                "another scaffold command is changing this repo",
                hint=f"wait for it to finish; the lock is {self.root / LOCK_NAME}",
            )
        try:
            recovered = _recover_locked(self.root)
            files = real_files(self.root, self.changes)
            try:
                self._check_unchanged(files, recovered)
                for validate in self.validators:
                    validate(self.changes)
                # Someone may have saved a file while the validators ran.
                self._check_unchanged(files, recovered)
            except OSError as err:
                raise ApplyError(
                    f"could not check the changes: {err}",
                    hint="nothing was changed; fix the cause and run the command again",
                ) from err
            self._write(files)
        finally:
            release_lock(self.root, lock)

    def _check_unchanged(self, files: list[Change], recovered: Recovery) -> None:
        for change in files:
            if _sha_of_file(self.root / change.path) != _sha(change.before):
                hint = "nothing was written; run the command again"
                if recovered:
                    hint = f"{recovered.describe()}. {hint}"
                raise StaleRepoError("changed on disk since the plan was made", hint=hint, path=change.path)

    def _journal(self, files: list[Change]) -> Journal:
        entries = [JournalEntry(c.path, _sha(c.before), _sha(c.after)) for c in files]
        dirs: list[str] = []
        for change in files:
            if change.after is None:
                continue
            for parent in reversed(Path(change.path).parents):
                name = parent.as_posix()
                if name != "." and name not in dirs and not (self.root / name).exists():
                    dirs.append(name)
        return Journal(entries, dirs)

    def _write(self, files: list[Change]) -> None:
        journal = self._journal(files)
        _write_journal(self.root, journal)
        try:
            for directory in journal.dirs:
                (self.root / directory).mkdir()
            for change in files:
                target = self.root / change.path
                if change.before is not None:
                    stage_text(target, change.before, OLD_SUFFIX)
                if change.after is not None:
                    stage_text(target, change.after, NEW_SUFFIX)
            for change in files:
                target = self.root / change.path
                if change.after is not None:
                    replace_file(temp_path(target, NEW_SUFFIX), target)
                else:
                    delete_file(target)
            for check in self.post_checks:
                check(self.changes)
        except BaseException as err:
            failed = roll_back(self.root, journal)
            if failed:
                raise ApplyError(
                    f"{_describe(err)}, and restoring failed for {', '.join(failed)}",
                    hint=f"{JOURNAL_NAME} and the backups are kept: the next scaffold command "
                    "in this repo finishes the restore",
                ) from err
            _remove_quietly(self.root / JOURNAL_NAME)
            if isinstance(err, ScaffoldError | KeyboardInterrupt):
                raise
            raise ApplyError(
                f"could not write the changes: {err}",
                hint="nothing was changed; fix the cause and run the command again",
            ) from err
        # The commit: once the journal is gone, nothing will roll these changes back.
        _remove_quietly(self.root / JOURNAL_NAME)
        for change in files:
            _remove_quietly(temp_path(self.root / change.path, OLD_SUFFIX))


def apply_changes(
    root: Path,
    changes: ChangeSet,
    *,
    validators: Iterable[Check] = (),
    post_checks: Iterable[Check] = (),
) -> None:
    """Apply `changes` to the repo at `root`, all or nothing."""
    if changes:
        Transaction(root, changes, list(validators), list(post_checks)).run()


def real_files(root: Path, changes: ChangeSet) -> list[Change]:
    """The changes, each at the file it writes: a path through a symlink is the file the link
    leads to, so that editing a linked module edits its target and keeps the link. A path that
    leads out of the repo is refused (the workspace already refuses to read one)."""
    inside = root.resolve()
    files: dict[str, Change] = {}
    for change in changes.changes:
        real = (root / change.path).resolve()
        if not real.is_relative_to(inside):
            raise RepoLayoutError(
                f"{change.path} resolves outside the repo (a symlink?)",
                hint="replace the link with the file itself",
                path=change.path,
            )
        path = real.relative_to(inside).as_posix()
        if path in files:
            raise RepoLayoutError(
                f"{change.path} and {files[path].path} are one file (a symlink): scaffold would edit it twice",
                hint="replace the link with the file itself",
                path=change.path,
            )
        files[path] = Change(path, change.before, change.after)
    return list(files.values())


def recover(root: Path) -> Recovery:
    """Roll back what a scaffold command killed while writing left behind, and say what was
    undone. Does nothing while a live command holds the lock (the journal is its own)."""
    if not any(os.path.lexists(path) for path in (root / JOURNAL_NAME, _journal_temp(root))):
        # Killed before it wrote anything, it left its lock file at most.
        return Recovery(removed=(LOCK_NAME,)) if clear_stale_lock(root) else Recovery()
    stale = os.path.lexists(root / LOCK_NAME)
    lock = take_lock(root)
    if lock is None:
        return Recovery()
    try:
        recovered = _recover_locked(root)
    finally:
        release_lock(root, lock)
    return Recovery(recovered.restored, (*recovered.removed, *([LOCK_NAME] if stale else [])))


def may_need_recovery(root: Path) -> bool:
    """Whether a killed command may have left something for `recover` to undo."""
    return any(os.path.lexists(path) for path in (root / JOURNAL_NAME, _journal_temp(root), root / LOCK_NAME))


def _journal_temp(root: Path) -> Path:
    return temp_path(root / JOURNAL_NAME, NEW_SUFFIX)


def _recover_locked(root: Path) -> Recovery:
    """Roll back the journal's transaction, if there is a journal (the lock held)."""
    path = root / JOURNAL_NAME
    if path.is_symlink():
        raise ScaffoldError(
            f"{JOURNAL_NAME} is a symlink; scaffold never writes one",
            hint=f"delete {JOURNAL_NAME}",
            path=path,
        )
    try:
        data = read_regular(path)
        journal = None if data is None else Journal.load(data.decode("utf-8"))
    except (ValueError, KeyError, TypeError):
        raise ScaffoldError(
            f"{JOURNAL_NAME} is not a journal scaffold wrote",
            hint=f"check `git status` for half-written files, then delete {JOURNAL_NAME}",
            path=path,
        ) from None
    if journal is not None:
        check_contained(root, journal)
    removed: list[str] = []
    # Killed while writing its journal: that half-written journal is all it left.
    if _remove_quietly(_journal_temp(root)):
        removed.append(_journal_temp(root).name)
    if journal is None:
        return Recovery(removed=tuple(removed))
    restored = [entry.path for entry in journal.files if _differs(root, entry)]
    failed = roll_back(root, journal, removed)
    if failed:
        raise ApplyError(
            f"a scaffold command was killed while writing, and restoring {', '.join(failed)} failed",
            hint=f"restore them from git (or the {OLD_SUFFIX} backups beside them), then delete {JOURNAL_NAME}",
            path=root / JOURNAL_NAME,
        )
    _remove_quietly(root / JOURNAL_NAME)
    return Recovery(tuple(restored), (*removed, JOURNAL_NAME))


def roll_back(root: Path, journal: Journal, removed: list[str] | None = None) -> list[str]:
    """Undo a transaction, as far as it went; return the paths that could not be restored,
    and add the temporary files and directories it removed to `removed`.

    Idempotent, and safe at any point of the transaction: a target still holding its old text
    was never replaced, so its backup (perhaps half-written) is dropped rather than put back.
    Every file is attempted even if one fails or Ctrl-C arrives (it is re-raised as a failure).
    """
    failed: list[str] = []
    removed = [] if removed is None else removed
    for entry in reversed(journal.files):
        try:
            _roll_back_file(root, entry, removed)
        except BaseException:  # noqa: BLE001 - even Ctrl-C: restore the other files, then report
            failed.append(entry.path)
    for directory in reversed(journal.dirs):
        try:
            (root / directory).rmdir()
            removed.append(directory + "/")
        except OSError:
            pass
    return failed


def _roll_back_file(root: Path, entry: JournalEntry, removed: list[str]) -> None:
    target = root / entry.path
    new, old = temp_path(target, NEW_SUFFIX), temp_path(target, OLD_SUFFIX)
    current = _sha_of_file(target)
    if entry.before is None:
        # Created by the transaction: remove it if it is ours (a file someone else put there
        # since is not).
        if current is not None and current == entry.after:
            target.unlink()
    elif current == entry.before:
        # Never replaced (or already restored): the backup may be half-written; drop it.
        if _remove_quietly(old):
            removed.append(old.relative_to(root).as_posix())
    elif current in (entry.after, None) and old.exists():
        replace_file(old, target)
    else:
        raise StaleRepoError("changed by someone else after the failed write", path=entry.path)
    if _remove_quietly(new):
        removed.append(new.relative_to(root).as_posix())


def _differs(root: Path, entry: JournalEntry) -> bool:
    return _sha_of_file(root / entry.path) != entry.before


def _describe(err: BaseException) -> str:
    if isinstance(err, KeyboardInterrupt):
        return "interrupted"
    if isinstance(err, ScaffoldError):
        return err.message
    return f"could not write the changes: {err}"


def _write_journal(root: Path, journal: Journal) -> None:
    target = root / JOURNAL_NAME
    try:
        stage_text(target, journal.dump(), NEW_SUFFIX)
        replace_file(temp_path(target, NEW_SUFFIX), target)
    except BaseException as err:
        _remove_quietly(temp_path(target, NEW_SUFFIX))
        if isinstance(err, KeyboardInterrupt):
            raise
        raise ApplyError(
            f"could not write the changes: {err}",
            hint="nothing was changed; fix the cause and run the command again",
        ) from err


# The file operations are module-level functions so that tests can make any one of them fail.


def stage_text(target: Path, text: str, suffix: str = NEW_SUFFIX) -> Path:
    """Write `text` to the temporary file beside `target` named by `suffix`; return its path."""
    name = temp_path(target, suffix)
    # A leftover of a killed run is replaced, never written through (it could be a symlink).
    _remove_quietly(name)
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            os.chmod(name, target.stat().st_mode & 0o7777)
        else:
            os.chmod(name, 0o644)
    except BaseException:
        _remove_quietly(name)
        raise
    return name


def replace_file(temp: Path, target: Path) -> None:
    os.replace(temp, target)


def delete_file(target: Path) -> None:
    target.unlink()


def _sha(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def _sha_of_file(path: Path) -> str | None:
    data = read_regular(path)
    return None if data is None else hashlib.sha256(data).hexdigest()


def _remove_quietly(path: Path) -> bool:
    """Remove `path` (a link itself, never what it leads to); whether there was one."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True
