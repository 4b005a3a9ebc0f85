"""A content-hash cache under the repo's `.scaffold/cache/`: warm runs skip unchanged work.

Four things are kept, each by the hash of everything it was computed from:

- the facts of each scanned file, so an unchanged file is not parsed again;
- the problems of the merged spec, so content already validated is not validated again;
- the last report (endpoints and findings), so a repo where nothing changed is not even joined
  and audited again;
- and, kept by `scaffold.cli.replay`, what the last read-only commands printed, so that one run
  again on an unchanged repo does not even load the command line.

scaffold's own source is part of every key: upgrading or editing scaffold empties the cache.
A cache must never fail a command: an unreadable or corrupt cache is an empty one, and a repo
where it cannot be written simply runs cold every time.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import pickle
import tempfile
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


class Store:
    """One pickle file: loaded on first use, written back only when it changed."""

    def __init__(self, path: Path, fingerprint: bytes, enabled: bool) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.enabled = enabled
        self.dirty = False
        self._data: dict[Any, Any] | None = None

    @property
    def data(self) -> dict[Any, Any]:
        if self._data is None:
            self._data = self._load() if self.enabled else {}
        return self._data

    def _load(self) -> dict[Any, Any]:
        try:
            with open(self.path, "rb") as handle:
                stored = pickle.load(handle)
        except Exception:  # noqa: BLE001 (missing, truncated, or from another version: start empty)
            return {}
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == self.fingerprint:
            return stored[1]  # type: ignore[no-any-return]
        return {}

    def save(self) -> None:
        if not (self.enabled and self.dirty and self._data is not None):
            return
        directory = self.path.parent
        try:
            directory.mkdir(parents=True, exist_ok=True)
            ignore = directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text(
                    "# written by scaffold: nothing here belongs in version control\n*\n"
                )
            fd, temp = tempfile.mkstemp(dir=directory, prefix=f".{self.path.name}.", suffix=".tmp")
        except OSError:
            return
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(
                    (self.fingerprint, self._data), handle, protocol=pickle.HIGHEST_PROTOCOL
                )
            # Replaced whole: a reader sees the old cache or the new one, never half of one.
            os.replace(temp, self.path)
            self.dirty = False
        except OSError:
            Path(temp).unlink(missing_ok=True)


class CheckCache:
    """The cache of one repo; each store is read at most once and written at most once."""

    def __init__(self, root: Path, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self.fingerprint = code_fingerprint() if enabled else b""
        directory = root / CACHE_DIR
        self._facts = Store(directory / "facts.pickle", self.fingerprint, enabled)
        self._spec = Store(directory / "spec.pickle", self.fingerprint, enabled)
        self._report = Store(directory / "report.pickle", self.fingerprint, enabled)
        #: files whose facts came from the cache / had to be computed, in this process
        self.hits = self.misses = 0

    # -- facts of files ------------------------------------------------------------------------

    def memo(self, kind: str, path: str, text: str, compute: Callable[[], _T]) -> _T:
        """The facts of one file (a `scan.scanner.FactsMemo`)."""
        key = digest(text)
        found = self._facts.data.get((kind, path))
        if found is not None and found[0] == key:
            self.hits += 1
            return found[1]  # type: ignore[no-any-return]
        self.misses += 1
        facts = compute()
        self._facts.data[(kind, path)] = (key, facts)
        self._facts.dirty = True
        return facts

    # -- the spec ------------------------------------------------------------------------------

    @staticmethod
    def key(parts: Iterable[tuple[str, str]]) -> bytes:
        """A key for results computed from (name, text) pairs."""
        hasher = hashlib.blake2b(digest_size=16)
        for name, text in parts:
            hasher.update(name.encode() + b"\0" + digest(text))
        return hasher.digest()

    def spec_problems(self, key: bytes) -> Any | None:
        return self._spec.data.get(key)

    def remember_spec(self, key: bytes, problems: Any) -> None:
        # Only the latest spec is kept: a branch switched back is validated once again.
        self._spec.data.clear()
        self._spec.data[key] = problems
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
