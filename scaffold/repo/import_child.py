"""The program the import check runs in the repo's interpreter (given to it with `-c`).

It uses the standard library alone: the repo's interpreter need not have scaffold installed.
It is started before the change is written, and works in two steps:

1. At once, while scaffold checks and writes the change: import what the edited modules
   need from outside the repo (the names on its command line; one that fails is skipped,
   the second step says what is wrong), and compile the modules the change will write (sent
   as one JSON line on standard input, path → text) into the code cache.
2. Once the files are in place (the module names on the rest of standard input): import them,
   and exit with the first `ModuleNotFoundError` or the traceback of any other failure. Only
   when every one imported is what was compiled kept in the cache: a change that is refused
   or rolled back leaves it as it was.

The code cache (the first argument, a folder under the repo's `.scaffold/cache`; empty for
none) holds one file for each module of the repo: its code and the hash of the bytes it was
compiled from. A module is compiled only when its bytes changed — the unchanged ones never
again, the written ones in step 1 — and one whose file holds other bytes than those compiled
is compiled from its file, as Python would. Nothing is written outside the cache. The cache
is trusted as Python trusts the repo's `__pycache__` folders, which it stands in for.

The repo is the working directory (the imports' first path entry).
"""

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


class CodeCache:
    """The compiled code of the repo's modules: what the cache folder holds, and what this run
    compiled, kept (`save`) only once every module imported."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.fresh: dict[str, tuple[bytes, types.CodeType]] = {}

    def code(self, path: str, source: bytes) -> types.CodeType:
        """The code of `source` (the module at `path`), kept or compiled now."""
        stored = os.path.join(self.folder, f"{importlib.util.source_hash(path.encode()).hex()}.{sys.implementation.cache_tag}")
        key = importlib.util.source_hash(source)
        kept = self.fresh.get(stored) or self._read(stored)
        if kept is not None and kept[0] == key:
            return kept[1]
        code = compile(source, path, "exec", dont_inherit=True)
        self.fresh[stored] = (key, code)
        return code

    @staticmethod
    def _read(stored: str) -> tuple[bytes, types.CodeType] | None:
        try:
            # A plain file or nothing: never through a link, never a pipe (which would never end).
            fd = os.open(stored, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as handle:
                if stat.S_ISREG(os.fstat(fd).st_mode):
                    key, code = marshal.load(handle)
                    if isinstance(key, bytes) and isinstance(code, types.CodeType):
                        return key, code
        except (OSError, EOFError, ValueError, TypeError):
            pass  # not there, or not whole: compile it
        return None

    def save(self) -> None:
        try:
            os.makedirs(self.folder, exist_ok=True)
        except OSError:
            return  # a cache that cannot be written only costs time
        for stored, kept in self.fresh.items():
            temporary = f"{stored}.{os.getpid()}.tmp"
            try:
                fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
            except OSError:
                continue  # left by a run that was stopped, or planted: not written through
            try:
                with os.fdopen(fd, "wb") as handle:
                    marshal.dump(kept, handle)
                os.replace(temporary, stored)  # whole or not at all, as another run reads it
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


def main() -> None:
    print(STARTED, flush=True)
    folder, outside = sys.argv[1], sys.argv[2:]
    written = json.loads(sys.stdin.readline() or "{}")
    for name in outside:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 (step 2 reports it, in the words of the module that needs it)
            pass
    cache = CodeCache(folder)
    if folder:
        root = os.getcwd()
        for path, text in written.items():
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
    if folder:
        cache.save()


if __name__ == "__main__":
    main()
