"""A new repo's git history: `scaffold init` makes its copy a repository with one first commit,
so that each endpoint added afterwards is a change of its own to review.

Git runs only on the copy, never on a repository around it: a copy made inside another work
tree gets no repository of its own (it belongs to the one around it), and the variables that
point git elsewhere (`GIT_DIR`, `GIT_WORK_TREE`, …) are cleared.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from scaffold.errors import ScaffoldError

FIRST_COMMIT = "A Mattermost-style REST API v4 server: the reference, as `scaffold init` copies it"
#: Who the first commit is by when git knows no one (no user.name or user.email anywhere).
_FALLBACK_IDENTITY = ("-c", "user.name=scaffold", "-c", "user.email=scaffold@localhost")
#: Variables that would make git act on another repository than the one named.
_REDIRECTS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_CEILING_DIRECTORIES")


def why_no_repository(target: Path) -> str | None:
    """Why a new repo at `target` gets no git repository (None: it gets one)."""
    git = shutil.which("git")
    if git is None:
        return "git was not found on PATH"
    existing = next(p for p in (target, *target.parents) if p.is_dir())
    inside = _git(git, existing, "rev-parse", "--show-toplevel")
    if inside.returncode == 0:
        return f"it is inside the git work tree {inside.stdout.strip()}"
    return None


def first_commit(root: Path) -> None:
    """Make `root` a git repository whose first commit holds everything in it."""
    git = shutil.which("git")
    if git is None:
        raise _failed("git was not found on PATH")
    identity = () if _git(git, root, "var", "GIT_COMMITTER_IDENT").returncode == 0 else _FALLBACK_IDENTITY
    for step in (("init", "-q"), ("add", "-A"), (*identity, "commit", "-q", "--no-verify", "-m", FIRST_COMMIT)):
        result = _git(git, root, *step)
        if result.returncode != 0:
            raise _failed((result.stderr.strip().splitlines() or [f"exit status {result.returncode}"])[-1])


def _git(git: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in _REDIRECTS}
    return subprocess.run([git, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def _failed(detail: str) -> ScaffoldError:
    return ScaffoldError(
        f"git could not make the new repo's first commit: {detail}",
        hint="nothing was created; fix git, or run `scaffold init --no-git DIR` and commit by hand",
    )
