"""Which files of a repo `check` reads, and reading them: the few names a warm run needs.

`scaffold.scan` parses these files; a run whose result is cached only lists, reads and
hashes them, so this module stays free of the parsers.
"""

from __future__ import annotations

import glob
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from scaffold.errors import RepoLayoutError

if TYPE_CHECKING:
    from scaffold.model.layout import RepoLayout

#: Returns the text of a repo-relative path, or None when there is no such file.
Reader = Callable[[str], "str | None"]


def disk_reader(root: Path) -> Reader:
    """Read repo files as text, keeping line endings; None for a missing file."""

    def read(path: str) -> str | None:
        try:
            with open(root / path, encoding="utf-8", newline="") as handle:
                return handle.read()
        except (FileNotFoundError, IsADirectoryError):
            return None
        except UnicodeDecodeError:
            raise RepoLayoutError(
                "not UTF-8 text", hint="save the file as UTF-8", path=path
            ) from None

    return read


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

    config = layout.config_path.read_text(encoding="utf-8")
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
