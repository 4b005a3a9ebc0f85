"""A content-hash cache under the repo's `.scaffold/cache/`: warm runs skip unchanged work.

Four things are kept, each by the hash of everything it was computed from:

- the facts of each scanned file, so an unchanged file is not parsed again;
- the problems of the merged spec, so content already validated is not validated again;
- the last report (endpoints and findings), so a repo where nothing changed is not even joined
  and audited again;
- and, kept by `scaffold.cli.replay`, what the last read-only commands printed, so that one run
  again on an unchanged repo does not even load the command line.

Beside them, in `code/`, the import check of a command that writes keeps the repo's modules
compiled (`scaffold.repo.import_child`); and such a command keeps the facts of the files it
wrote (`scaffold.scan.written.WrittenFacts`).

scaffold's own source is part of every key: upgrading or editing scaffold empties the cache.
A cache must never fail a command: an unreadable or corrupt cache is an empty one, and a repo
where it cannot be written simply runs cold every time.

The cache lives in the repo, so it is as hostile as the repo: a pull request can commit one.
It is unpickled with nothing but scaffold's own value types (dataclasses, enums, named
tuples) and plain data: any other global — `os.system` above all — makes it an empty cache,
so a planted cache can never run code in `scaffold check`. And a cache directory that leads
out of the repo through a link is neither read nor written.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import importlib.util
import io
import os
import pickle
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

CACHE_DIR = ".scaffold/cache"
_FORMAT = b"1"

_T = TypeVar("_T")


def digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def code_sources() -> list[Path]:
    """Every module of scaffold: the whole package, not only this layer's."""
    return sorted(Path(__file__).resolve().parent.parent.rglob("*.py"))


@functools.cache
@functools.cache  # once a process: a command opens the cache several times (and its children)
def code_fingerprint() -> bytes:
    """scaffold's source, the spec validator's version and the Go grammar's: what every cached
    result depends on."""
    hasher = hashlib.blake2b(_FORMAT, digest_size=16)
    for source in code_sources():
        hasher.update(source.read_bytes())
    # The validator's version is in the file that holds its `__version__`: reading it is much
    # cheaper than importing the validator, and as exact.
    found = importlib.util.find_spec("openapi_spec_validator")
    if found is not None and found.origin:
        hasher.update(Path(found.origin).read_bytes())
    # The Go grammar's version is in the name of its installed metadata, beside the package.
    grammar = importlib.util.find_spec("tree_sitter_go")
    if grammar is not None and grammar.origin:
        site = Path(grammar.origin).parent.parent
        hasher.update(" ".join(sorted(p.name for p in site.glob("tree_sitter*.dist-info"))).encode())
    return hasher.digest()


class _ValuesOnly(pickle.Unpickler):
    """Unpickles plain data and scaffold's own value types, nothing else (no code runs)."""

    def find_class(self, module: str, name: str) -> Any:
        found = getattr(importlib.import_module(module), name, None) if module.startswith("scaffold.") else None
        if (
            isinstance(found, type)
            and found.__module__ == module
            and (dataclasses.is_dataclass(found) or issubclass(found, enum.Enum) or _is_named_tuple(found))
        ):
            return found
        raise pickle.UnpicklingError(f"{module}.{name} is not a value scaffold caches")


def _is_named_tuple(cls: type) -> bool:
    return issubclass(cls, tuple) and hasattr(cls, "_fields")


def _inside(root: Path, path: Path) -> bool:
    """`path` stays inside `root` with every link followed (it need not exist yet)."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return False


#: What this process loaded of each store, by the hash of the file's bytes: a second reader
#: in the process, or in a child forked from it, copies it instead of unpickling it again (a
#: few milliseconds to hash, against tens to unpickle the facts of a Mattermost-sized repo).
_loaded: dict[Path, tuple[bytes, Any]] = {}


class Store:
    """One pickle file: loaded on first use, written back only when it changed."""

    def __init__(self, path: Path, fingerprint: bytes, enabled: bool, root: Path | None = None) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.enabled = enabled
        #: the repo the file must stay inside (default: the directory above `.scaffold/cache`)
        self.root = root if root is not None else path.parent.parent.parent
        self.dirty = False
        self._data: dict[Any, Any] | None = None

    @property
    def data(self) -> dict[Any, Any]:
        if self._data is None:
            self._data = self._load() if self.enabled else {}
        return self._data

    def _load(self) -> dict[Any, Any]:
        if not _inside(self.root, self.path.parent):
            return {}
        try:
            # Not through a link, not a pipe (which would never end): a plain file, or nothing.
            fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as handle:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    return {}
                raw = handle.read()
            identity = hashlib.blake2b(raw, digest_size=16).digest()
            known = _loaded.get(self.path)
            stored = known[1] if known is not None and known[0] == identity else _ValuesOnly(io.BytesIO(raw)).load()
        except Exception:  # noqa: BLE001 (missing, truncated, planted, or from another version: start empty)
            return {}
        _loaded[self.path] = (identity, stored)
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == self.fingerprint:
            return dict(stored[1])  # its own: the one loaded stays as the file has it
        return {}

    def save(self) -> None:
        if not (self.enabled and self.dirty and self._data is not None):
            return
        directory = self.path.parent
        if not _inside(self.root, directory):
            return
        try:
            directory.mkdir(parents=True, exist_ok=True)
            _write_ignore(directory / ".gitignore")
        except OSError:
            return
        temp = self.reserve()  # checks again that no link leads out, swapped in meanwhile
        try:
            if temp is not None and self.write_into(temp):
                self.put_in_place(temp)
                temp = None
        finally:
            if temp is not None:  # not written whole, or interrupted: never left behind
                temp.unlink(missing_ok=True)

    def reserve(self) -> Path | None:
        """A new empty file beside the store, for `write_into` in another process; None where
        the store's directory does not exist yet or leads out of the repo."""
        directory = self.path.parent
        if not (self.enabled and directory.is_dir() and _inside(self.root, directory)):
            return None
        import tempfile  # a few milliseconds: the child that judges the spec ahead reads only keys

        try:
            fd, temp = tempfile.mkstemp(dir=directory, prefix=f".{self.path.name}.", suffix=".tmp")
        except OSError:
            return None
        os.close(fd)
        return Path(temp)

    def write_into(self, temp: Path) -> bool:
        """Write the store into `temp` (from `reserve`): True once it is all there."""
        if self._data is None:
            return False
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((self.fingerprint, self._data), handle, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:
            return False
        return True

    def put_in_place(self, temp: Path) -> None:
        """Make a file written `write_into` the store: replaced whole, a reader sees the old
        store or the new one, never half of one; where it cannot be, the file is deleted."""
        try:
            if temp.parent == self.path.parent and _inside(self.root, temp.parent):
                os.replace(temp, self.path)
                self.dirty = False
                return
        except OSError:
            pass
        temp.unlink(missing_ok=True)


def _write_ignore(path: Path) -> None:
    """`.gitignore` of the cache, created once; never written through a link."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except FileExistsError:
        return
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("# written by scaffold: nothing here belongs in version control\n*\n")


def code_cache_dir(root: Path) -> Path | None:
    """Where the import check keeps the repo's modules compiled (`scaffold.repo.import_child`),
    so that the next one compiles only the modules that changed; None where the cache leads
    out of the repo. Nothing is written into the repo's own folders."""
    code = root / CACHE_DIR / "code"
    return code if _inside(root, code) else None


def ignore_cache(root: Path) -> None:
    """The cache's `.gitignore`, where the cache has been written and lacks one."""
    directory = root / CACHE_DIR
    if directory.is_dir() and _inside(root, directory):
        try:
            _write_ignore(directory / ".gitignore")
        except OSError:
            return


class CheckCache:
    """The cache of one repo; each store is read at most once and written at most once."""

    def __init__(self, root: Path, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self.fingerprint = code_fingerprint() if enabled else b""
        directory = root / CACHE_DIR
        self._facts = Store(directory / "facts.pickle", self.fingerprint, enabled, root)
        self._spec = Store(directory / "spec.pickle", self.fingerprint, enabled, root)
        self._report = Store(directory / "report.pickle", self.fingerprint, enabled, root)
        #: files whose facts came from the cache / had to be computed, in this process
        self.hits = self.misses = 0

    # -- facts of files ------------------------------------------------------------------------

    def memo(self, kind: str, path: str, text: str, compute: Callable[[], _T]) -> _T:
        """The facts of one file (a `scan.scanner.FactsMemo`, as the cache itself is)."""
        found = self.facts(kind, path, text)
        if found is not None:
            self.hits += 1
            return found  # type: ignore[no-any-return]
        self.misses += 1
        facts = compute()
        self.remember_facts(kind, path, text, facts)
        return facts

    __call__ = memo

    def knows(self, kind: str, path: str, text: str) -> bool:
        """Whether the facts of `kind` of the file holding `text` are kept."""
        return self.facts(kind, path, text) is not None

    def facts(self, kind: str, path: str, text: str) -> Any | None:
        """The facts of `kind` kept for the file at `path` holding `text`, if any."""
        found = self._facts.data.get((kind, path))
        return found[1] if found is not None and found[0] == digest(text) else None

    def remember_facts(self, kind: str, path: str, text: str, facts: Any) -> None:
        self._facts.data[(kind, path)] = (digest(text), facts)
        self._facts.dirty = True

    @property
    def facts_store(self) -> Store:
        """The store of the facts of files (written aside by a child process, say)."""
        return self._facts

    # -- the spec ------------------------------------------------------------------------------

    @staticmethod
    def key(parts: Iterable[tuple[str, str]]) -> bytes:
        """A key for results computed from (name, text) pairs."""
        hasher = hashlib.blake2b(digest_size=16)
        for name, text in parts:
            hasher.update(name.encode() + b"\0" + digest(text))
        return hasher.digest()

    def spec_verdict(self, key: bytes) -> Any | None:
        """What the spec of these fragments was found to be (`spec.problems.SpecVerdict`)."""
        return self._spec.data.get(key)

    def remember_spec(self, key: bytes, verdict: Any) -> None:
        # Only the latest spec is kept: a branch switched back is validated once again.
        self._spec.data.clear()
        self._spec.data[key] = verdict
        self._spec.dirty = True

    # -- the report ----------------------------------------------------------------------------

    def report(self, key: bytes) -> Any | None:
        return self._report.data.get(key)

    def remember_report(self, key: bytes, value: Any) -> None:
        self._report.data.clear()
        self._report.data[key] = value
        self._report.dirty = True

    def save(self) -> None:
        for store in (self._facts, self._spec, self._report):
            store.save()
