"""Opening a repo: find it, roll back a command killed while writing, THEN read its layout.

Every command opens its repo once, here. The order matters: a killed command's journal is
undone before anything reads the files it had half-written, and scaffold.toml is parsed once.
"""

from __future__ import annotations

import glob
from dataclasses import replace
from pathlib import Path

from scaffold.errors import RepoLayoutError
from scaffold.model.layout import CONFIG_NAME, RepoLayout, parse_layout
from scaffold.model.reader import line_of
from scaffold.repo.buildlist import with_build_list
from scaffold.repo.files import disk_reader, read_config
from scaffold.repo.transaction import recover


def find_repo(start: Path) -> Path:
    """Walk up from `start` to the directory that holds scaffold.toml."""
    start = start.resolve()
    for directory in (start, *start.parents):
        if (directory / CONFIG_NAME).is_file():
            return directory
    raise RepoLayoutError(
        f"no {CONFIG_NAME} in {start} or any parent directory",
        hint="run inside a server repo, pass --repo DIR, or create one with `scaffold init DIR`",
    )


def open_repo(root: Path) -> RepoLayout:
    """Recover `root` from a killed command, then read and check its scaffold.toml."""
    root = root.resolve()
    _check_config(root)
    # A command killed while writing leaves a journal: undo its half-written change before
    # anything reads the repo (the transaction itself would only do so once it writes).
    recovery = recover(root)
    layout = _layout_of(root)
    return replace(layout, recovered=(recovery.describe(),)) if recovery else layout


def read_repo(root: Path) -> RepoLayout:
    """Read and check the scaffold.toml of `root`, recovering nothing: what a child process
    reading beside a command needs (the command itself recovers, with `open_repo`)."""
    root = root.resolve()
    _check_config(root)
    return _layout_of(root)


def _layout_of(root: Path) -> RepoLayout:
    """The layout the scaffold.toml of the resolved `root` describes, its paths checked."""
    text = read_config(root)
    layout = with_build_list(parse_layout(root, text), disk_reader(root))
    _check_configured_paths(layout, text)
    _check_links(layout)
    return layout


def _check_config(root: Path) -> None:
    """The resolved `root` holds a scaffold.toml of its own (not a link out of it)."""
    path = root / CONFIG_NAME
    if not path.exists():
        raise RepoLayoutError(
            f"{root} has no {CONFIG_NAME}",
            hint="pass the repo's top directory with --repo, or create one with `scaffold init DIR`",
        )
    if not path.resolve().is_relative_to(root):
        raise RepoLayoutError(
            f"{CONFIG_NAME} resolves outside the repo (a symlink)",
            hint="replace the link with the file itself",
            path=path,
        )


def _check_configured_paths(layout: RepoLayout, text: str) -> None:
    """No path scaffold.toml names leads out of the repo through a link."""
    for key, value in layout.configured_paths():
        table, _, name = key.partition(".")
        probe = value.replace("{resource}", "x")
        if not (layout.root / probe).resolve().is_relative_to(layout.root):
            raise RepoLayoutError(
                f"[{table}] {name} = {value!r} resolves outside the repo through a symlink",
                hint="fix scaffold.toml",
                path=layout.config_path,
                line=line_of(text, table, name),
            )


def _check_links(layout: RepoLayout) -> None:
    """No file scaffold reads is a symlink out of the repo: what it reads, it may copy in
    (a fragment into the built spec), and a repo must not reach into its reader's files."""
    root = layout.root
    candidates = [root / layout.fragment_path(name) for name in layout.build]
    for pattern in filter(None, (layout.handlers, layout.tests, layout.app)):
        head, _, tail = pattern.partition("{resource}")
        candidates += [Path(p) for p in glob.glob(glob.escape(f"{root}/{head}") + "*" + glob.escape(tail))]
    # Resolving every file would cost milliseconds on a large repo: resolve each directory
    # once, and only the files that are links themselves.
    inside: dict[Path, bool] = {}
    for candidate in candidates:
        parent = candidate.parent
        if parent not in inside:
            inside[parent] = parent.resolve().is_relative_to(root)
        if not inside[parent] or (candidate.is_symlink() and not candidate.resolve().is_relative_to(root)):
            raise RepoLayoutError(
                f"{candidate.relative_to(root).as_posix()} resolves outside the repo (a symlink)",
                hint="replace the link with the file itself",
                path=candidate,
            )
