"""Which files of a repo `check` reads, and reading them: the few names a warm run needs.

`scaffold.scan` parses these files; a run whose result is cached only lists, reads and
hashes them, so this module stays free of the parsers.
"""

from __future__ import annotations

import glob
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from scaffold.errors import RepoLayoutError
from scaffold.model.layout import CONFIG_NAME
from scaffold.model.reader import decode_utf8

if TYPE_CHECKING:
    from scaffold.model.layout import RepoLayout

#: Returns the text of a repo-relative path, or None when there is no such file.
Reader = Callable[[str], "str | None"]


#: What a file that is not a regular file is, for the error that refuses it.
_KINDS = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}
#: Opening never waits: a named pipe opened without O_NONBLOCK blocks until a writer comes.
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


def read_regular(path: Path, shown: Path | str | None = None) -> bytes | None:
    """The bytes of the regular file at `path` (links followed); None when there is none or it
    is a directory. Anything else — a named pipe, a socket, a device — is refused in one line
    (naming `shown`, else `path`) rather than read: reading a pipe would wait forever."""
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            return None
        _refuse_unless_regular(mode, shown if shown is not None else path)
        # Not blocking even so: a pipe swapped in since the stat is refused, not waited on.
        fd = os.open(path, _OPEN_FLAGS)
    except (FileNotFoundError, NotADirectoryError):
        return None
    with open(fd, "rb") as handle:
        _refuse_unless_regular(os.fstat(fd).st_mode, shown if shown is not None else path)
        return handle.read()


def _refuse_unless_regular(mode: int, shown: Path | str) -> None:
    if not stat.S_ISREG(mode):
        raise RepoLayoutError(
            f"is {_KINDS.get(stat.S_IFMT(mode), 'not a regular file')}, not a file scaffold can read",
            hint="replace it with a regular file (or remove it)",
            path=shown,
        )


def disk_reader(root: Path) -> Reader:
    """Read repo files as text, keeping line endings; None for a missing file."""

    def read(path: str) -> str | None:
        data = read_regular(root / path, path)
        return None if data is None else decode_utf8(data, path)

    return read


def read_config(root: Path) -> str:
    """The text of `root/scaffold.toml`, refused in one line unless a regular UTF-8 file."""
    path = root / CONFIG_NAME
    data = read_regular(path)
    if data is None:
        raise RepoLayoutError(
            f"{root} has no {CONFIG_NAME}",
            hint="pass the repo's top directory with --repo, or create one with `scaffold init DIR`",
        )
    return decode_utf8(data, path)


def read_sources(layout: RepoLayout) -> dict[str, str]:
    """The text of every file a scan reads (missing files left out)."""
    read = disk_reader(layout.root)
    texts = {}
    for path in source_files(layout):
        text = read(path)
        if text is not None:
            texts[path] = text
    return texts


def content_key(layout: RepoLayout, texts: dict[str, str]) -> bytes:
    """The key of everything a report on the repo is computed from: its scaffold.toml and `texts`
    (as `read_sources` gives them). Equal keys, equal reports."""
    from scaffold.repo.cache import CheckCache

    config = read_config(layout.root)
    return CheckCache.key([(layout.config_path.name, config), *sorted(texts.items())])


def source_files(layout: RepoLayout) -> list[str]:
    """Every file `scan` reads, in the order it reads them (those missing on disk included)."""
    fragments = [layout.fragment_path(name) for name in layout.build] + unbuilt_fragments(layout)
    if layout.docs_only:
        return fragments
    files = [
        layout.routes,
        *handler_modules(layout),
        *fragments,
        layout.driver,
        *(path for path, _ in matching_files(layout, layout.tests)),
        *([layout.security.table] if layout.security is not None else []),
        *([layout.makefile] if layout.makefile else []),
    ]
    if layout.language != "python":
        return files  # the app layer and the Context are read only to write Python
    return [*files, *(path for path, _ in matching_files(layout, layout.app)), layout.context]


def unbuilt_fragments(layout: RepoLayout) -> list[str]:
    """The YAML files of the docs source that the build list leaves out."""
    built = set(layout.build)
    source = f"{layout.root}/{layout.docs_source}/"
    found = sorted(glob.glob(glob.escape(source) + "*.yaml"))
    return [f"{layout.docs_source}/{Path(p).name}" for p in found if Path(p).name not in built]


def handler_modules(layout: RepoLayout) -> list[str]:
    """The modules that may hold route lines and handlers.

    The tests usually sit beside them (`user.py`, `user_test.py`) and match the same pattern:
    they are left to the tests' scan, so that the biggest files are not parsed twice.
    """
    others = {layout.routes, layout.driver, layout.context}
    others |= {path for path, _ in matching_files(layout, layout.tests)}
    return [path for path, _ in matching_files(layout, layout.handlers) if path not in others]


def matching_files(layout: RepoLayout, pattern: str) -> list[tuple[str, str]]:
    """(path, resource) of every file on disk matching a `{resource}` pattern."""
    head, _, tail = pattern.partition("{resource}")
    found = []
    # Joined as text: a Path would drop the trailing "/" of a head like "server/api4/".
    for match in sorted(glob.glob(glob.escape(f"{layout.root}/{head}") + "*" + glob.escape(tail))):
        relative = Path(match).relative_to(layout.root).as_posix()
        resource = relative[len(head) : len(relative) - len(tail)]
        if re.fullmatch(r"[a-z_][a-z0-9_]*", resource):
            found.append((relative, resource))
    return found
