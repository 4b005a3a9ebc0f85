"""`scaffold init DIR`: a working copy of the reference server."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from scaffold.errors import UsageError
from scaffold.resources import reference_dir

# Build products and local state of the reference tree are never copied.
_IGNORED = shutil.ignore_patterns(
    "__pycache__", "*.pyc", ".pytest_cache", ".hypothesis", ".mypy_cache", "data", "html",
    ".scaffold", ".scaffold.lock", ".scaffold.journal",
)


def init_repo(target: Path) -> Path:
    """Copy the reference server to `target`, which must be missing or empty."""
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
        if target.exists():
            target.rmdir()
        tree.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
