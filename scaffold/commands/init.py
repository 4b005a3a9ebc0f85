"""`scaffold init DIR`: a working copy of the reference server, as a git repository with its
first commit when git is there."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from scaffold.errors import UsageError
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
    target.parent.mkdir(parents=True, exist_ok=True)
    # Copy into a sibling first and rename, so an interrupted copy leaves nothing behind.
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    try:
        tree = staging / "repo"
        shutil.copytree(reference_dir(), tree, ignore=_IGNORED)
        if commit:
            first_commit(tree)
        if target.exists():
            target.rmdir()
        tree.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
