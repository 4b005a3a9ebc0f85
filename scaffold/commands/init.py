"""`scaffold init DIR`: a working copy of the reference server, as a git repository with its
first commit when git is there."""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from scaffold.errors import ScaffoldError, UsageError
from scaffold.repo.git import first_commit, why_no_repository
from scaffold.resources import reference_dir

# Build products and local state of the reference tree are never copied.
_IGNORED = shutil.ignore_patterns(
    "__pycache__", "*.pyc", ".pytest_cache", ".hypothesis", ".mypy_cache", "data", "html",
    ".scaffold", ".scaffold.lock", ".scaffold.journal", ".venv", "*.egg-info",
)


@dataclass(frozen=True)
class Created:
    path: Path
    #: why the copy is no git repository of its own (None: it is one, with its first commit)
    no_git: str | None


def create_repo(target: Path, *, git: bool = True) -> Created:
    """`scaffold init`: the copy, committed as a new git repository unless `git` is False or
    git cannot make one there (no git, or a work tree around the target)."""
    reason = why_no_repository(target.resolve()) if git else "--no-git"
    return Created(init_repo(target, commit=reason is None), reason)


def init_repo(target: Path, *, commit: bool = False) -> Path:
    """Copy the reference server to `target`, which must be missing or empty (`commit`: as a
    git repository with its first commit)."""
    target = target.resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(
            f"{target} is not empty",
            hint="choose a new directory, or empty this one first",
        )
    made = [parent for parent in (target.parent, *target.parent.parents) if not parent.exists()]
    existed = target.exists()
    staging: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # Copy into a sibling first and rename, so an interrupted copy leaves nothing behind.
        staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
        tree = staging / "repo"
        shutil.copytree(reference_dir(), tree, ignore=_IGNORED)
        if commit:
            first_commit(tree)
        if target.exists():
            target.rmdir()
        tree.rename(target)
    except OSError as err:  # a full disk, a read-only or vanished directory: the user's to fix
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
            staging = None
        if existed and not target.exists():
            target.mkdir()
        for parent in made:  # innermost first: the directories this command made
            _rmdir_quietly(parent)
        raise ScaffoldError(
            f"cannot create {target}: {_reason(err)}",
            hint="nothing was created; fix the cause (free some space?) and run it again",
        ) from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _reason(err: OSError) -> str:
    """What went wrong, in a few words: copytree gathers the error of every file it could not copy."""
    if isinstance(err, shutil.Error) and err.args and isinstance(err.args[0], list) and err.args[0]:
        first = str(err.args[0][0][2])  # "[Errno 28] No space left on device: '<file>'"
        found = re.match(r"\[Errno \d+\] ([^:]+)", first)
        return found.group(1) if found else first
    return err.strerror or str(err)


def _rmdir_quietly(path: Path) -> None:
    try:
        path.rmdir()
    except OSError:
        pass
