"""The program the import check runs in the repo's interpreter (given to it with `-c`).

It uses the standard library alone: the repo's interpreter need not have scaffold installed.
It is started before the change is written, and works in two steps:

1. At once, while scaffold checks and writes the change: import what the edited modules
   need from outside the repo (the names on its command line; one that fails is skipped,
   the second step says what is wrong), and compile the modules the change will write (sent
   as one JSON line on standard input, path → text) into the code cache.
2. Once the files are in place (the module names on the rest of standard input): import them,
   and exit with the first `ModuleNotFoundError` or the traceback of any other failure. Once
   every one imported, say so (`IMPORTED`, with the token of the JSON line: a module that
   prints the words is not taken for the answer), and only then keep what was compiled in
   the cache, while scaffold goes on: a change that is refused
   or rolled back leaves it as it was.

The code cache (the first argument, a folder under the repo's `.scaffold/cache`; empty for
none) holds one file for each module of the repo: its code and the hash of the bytes it was
compiled from. A module is compiled only when its bytes changed — the unchanged ones never
again, the written ones in step 1 — and one whose file holds other bytes than those compiled
is compiled from its file, as Python would. Nothing is written outside the cache. The cache
is trusted as Python trusts the repo's `__pycache__` folders, which it stands in for.

The repo is the working directory (the imports' first path entry, added once the interpreter
has started: a `sitecustomize` of the repo does not run). The program runs on Python 3.8 on.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import json
import marshal
import os
import stat
import sys
import types

STARTED = "scaffold: python runs"
#: The line that says every module imported (followed by the token scaffold sent).
IMPORTED = "scaffold: imported"


class CodeCache:
    """The compiled code of the repo's modules: what the cache folder holds, and what this run
    compiled, kept (`save`) only once every module imported. Beside it, the names of the
    modules from outside the repo that the last check loaded: the next one loads them first."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.fresh: dict[str, tuple[bytes, types.CodeType]] = {}

    def code(self, path: str, source: bytes) -> types.CodeType:
        """The code of `source` (the module at `path`), kept or compiled now."""
        stored = self._file(importlib.util.source_hash(path.encode()).hex())
        key = importlib.util.source_hash(source)
        kept = self.fresh.get(stored) or self._kept_code(stored)
        if kept is not None and kept[0] == key:
            return kept[1]
        code = compile(source, path, "exec", dont_inherit=True)
        self.fresh[stored] = (key, code)
        return code

    def outside(self) -> list[str]:
        kept = _read(self._file("outside")) if self.folder else None
        return kept.decode("utf-8", "replace").split() if kept else []

    def save(self, outside: list[str]) -> None:
        try:
            os.makedirs(self.folder, exist_ok=True)
        except OSError:
            return  # a cache that cannot be written only costs time
        for stored, kept in self.fresh.items():
            _write(stored, marshal.dumps(kept))
        _write(self._file("outside"), "\n".join(sorted(outside)).encode("utf-8"))

    def _file(self, name: str) -> str:
        # As a .pyc is: for this interpreter's bytecode and optimization level alone.
        magic = importlib.util.MAGIC_NUMBER.hex()
        return os.path.join(self.folder, f"{name}.{sys.implementation.cache_tag}-{magic}-{sys.flags.optimize}")

    @staticmethod
    def _kept_code(stored: str) -> tuple[bytes, types.CodeType] | None:
        data = _read(stored)
        try:
            key, code = marshal.loads(data) if data else (None, None)
        except (EOFError, ValueError, TypeError):
            return None  # not whole, or not code: compile it
        return (key, code) if isinstance(key, bytes) and isinstance(code, types.CodeType) else None


def _read(path: str) -> bytes | None:
    """A plain file's bytes, or None: never through a link, never a pipe (which would never end)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            return handle.read() if stat.S_ISREG(os.fstat(fd).st_mode) else None
    except OSError:
        return None


def _write(path: str, data: bytes) -> None:
    """Replace the file whole (another run may be reading it); never write through a link."""
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError:
        return  # left by a run that was stopped, or planted: not written through
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass


class CachedLoader(importlib.machinery.SourceFileLoader):
    """Loads a repo module with its code from the cache."""

    cache = CodeCache("")

    def get_code(self, fullname: str) -> types.CodeType:
        return self.cache.code(self.path, self.get_data(self.path))


class RepoFinder(importlib.machinery.PathFinder):
    """Finds modules as Python does, and loads the repo's own through the cache."""

    root = ""

    @classmethod
    def find_spec(cls, fullname, path=None, target=None):  # type: ignore[no-untyped-def]
        spec = super().find_spec(fullname, path, target)
        if (
            spec is not None
            and isinstance(spec.loader, importlib.machinery.SourceFileLoader)
            and spec.origin is not None
            and spec.origin.startswith(cls.root)
        ):
            spec.loader = CachedLoader(fullname, spec.origin)
        return spec


def load_outside(names: list[str], root: str) -> None:
    """Import what the repo's modules need from elsewhere — never one of the repo's own, whose
    files may not be in place yet (found in the repo, or through an editable install's path
    into it: where its top-level package would be found is asked without importing it). One
    that fails is skipped: step 2 says what is wrong, in the words of the module that needs it."""
    inside = os.path.join(root, "")
    for name in names:
        top = name.partition(".")[0]
        if not top.isidentifier() or name in sys.modules:
            continue
        try:
            spec = importlib.util.find_spec(top)
        except (ImportError, ValueError):
            continue
        places = [spec.origin or ""] + list(spec.submodule_search_locations or []) if spec else [""]
        if spec is None or any(os.path.abspath(place).startswith(inside) for place in places if place):
            continue
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001
            pass


def main() -> None:
    print(STARTED, flush=True)
    folder, root = sys.argv[1], os.getcwd()
    cache = CodeCache(folder)
    load_outside(sys.argv[2:] + cache.outside(), root)
    change = json.loads(sys.stdin.readline() or "{}")
    load_outside(change.get("outside", []), root)
    if folder:
        for path, text in change.get("written", {}).items():
            try:
                cache.code(os.path.join(root, path), text.encode("utf-8"))
            except SyntaxError:
                pass  # step 2 reports it, from the file
        CachedLoader.cache, RepoFinder.root = cache, os.path.join(root, "")
        sys.meta_path.insert(0, RepoFinder)
    for name in sys.stdin.read().split():
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as err:
            sys.exit(f"ModuleNotFoundError: No module named {err.name!r}")
    print(IMPORTED, change.get("token", ""), flush=True)
    if folder:
        inside = os.path.join(root, "")
        cache.save(
            outside=[
                name
                for name, module in sys.modules.items()
                if name != "__main__" and not (getattr(module, "__file__", None) or "").startswith(inside)
            ]
        )


if __name__ == "__main__":
    main()
