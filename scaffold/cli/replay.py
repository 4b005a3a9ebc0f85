"""Print again what a read-only command printed last time, when nothing it read has changed.

A warm `scaffold check` of a big repo spends more time starting its command line (typer, rich,
the reporters) than checking: the report itself comes from the cache. So `check` and
`endpoint list` write down what they printed, keyed by everything that output depends on — the
command line, the working directory, the environment and the terminal, scaffold and the
libraries that render, the baseline, and the content of every file the command read. A run
with the same key prints the same bytes and exits with the same code without loading the
command line at all.

Anything this module is unsure of is a miss, and the command runs as ever: an option it does
not know, an option given twice, `--no-cache`, `--output`, a missing or unreadable record, a
repo that does not load. A replay must never fail a command nor change what it says.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from scaffold.repo.cache import CACHE_DIR, Store, code_fingerprint

#: command → (options that take a value, flags): what a replayed command line may hold
_REPLAYABLE: dict[tuple[str, ...], tuple[frozenset[str], frozenset[str]]] = {
    ("check",): (
        frozenset({"--repo", "--format", "--baseline", "--only"}),
        frozenset({"--strict", "--matrix", "--no-matrix"}),
    ),
    ("endpoint", "list"): (frozenset({"--repo", "--format"}), frozenset({"--missing"})),
}
#: variables a shell changes between two runs of the same command that no output depends on
_VOLATILE = frozenset({"_", "OLDPWD", "SHLVL"})
#: libraries whose version shapes the output (tables, colours, JSON spacing)
_RENDERERS = ("rich", "typer")
#: outputs kept per repo (text and JSON of check and list, with and without a baseline…)
_KEPT = 16


@dataclass(frozen=True)
class Record:
    """What one command printed, and the content it was computed from."""

    content: bytes
    stdout: str
    exit_code: int


@dataclass(frozen=True)
class Invocation:
    """A command line that may be replayed, with the files its options name."""

    argv: tuple[str, ...]
    repo: Path | None
    baseline: Path | None

    @classmethod
    def parse(cls, argv: list[str]) -> Invocation | None:
        """The invocation of `argv`, or None when it is not a replayable command line."""
        for command, (valued, flags) in _REPLAYABLE.items():
            if tuple(argv[: len(command)]) == command:
                break
        else:
            return None
        values: dict[str, str] = {}
        seen: set[str] = set()
        rest = iter(argv[len(command) :])
        for token in rest:
            name, equals, value = token.partition("=")
            if name in seen:
                return None  # which one wins is the parser's business: leave it to the parser
            seen.add(name)
            if name in flags and not equals:
                continue
            if name not in valued:
                return None
            if not equals:
                value = next(rest, "")
            if not value or value.startswith("-"):
                return None
            values[name] = value
        repo, baseline = values.get("--repo"), values.get("--baseline")
        return cls(
            tuple(argv), Path(repo) if repo else None, Path(baseline) if baseline else None
        )

    def root(self) -> Path:
        from scaffold.repo.open import find_repo

        return self.repo.resolve() if self.repo is not None else find_repo(Path.cwd())

    def key(self) -> bytes:
        """Everything but the repo's content that what the command prints depends on."""
        hasher = hashlib.blake2b(digest_size=16)

        def add(*parts: object) -> None:
            for part in parts:
                hasher.update(repr(part).encode("utf-8", "surrogateescape") + b"\0")

        add(self.argv, os.getcwd(), sys.version, sys.executable)
        add(sorted(item for item in os.environ.items() if item[0] not in _VOLATILE))
        for stream in (sys.stdout, sys.stderr):
            add(_terminal(stream), getattr(stream, "encoding", None))
        for name in _RENDERERS:
            found = importlib.util.find_spec(name)
            origin = Path(found.origin) if found is not None and found.origin else None
            add(name, origin, _stamp(origin))
        if self.baseline is not None:
            # Only a plain file can be read twice (here, and by the command): a pipe cannot.
            if not stat.S_ISREG(self.baseline.stat().st_mode):
                raise OSError(f"{self.baseline} is not a plain file")
            add(self.baseline.read_bytes())
        return hasher.digest()


def _terminal(stream: object) -> tuple[int, int] | None:
    """A terminal's size, None off a terminal."""
    try:
        fileno = stream.fileno()  # type: ignore[attr-defined]
        return tuple(os.get_terminal_size(fileno)) if os.isatty(fileno) else None  # type: ignore[return-value]
    except (AttributeError, OSError, ValueError):
        return None


def _stamp(path: Path | None) -> tuple[int, int] | None:
    """A file's size and change time: a reinstalled library has new ones."""
    if path is None:
        return None
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def _store(root: Path) -> Store:
    return Store(root / CACHE_DIR / "replay.pickle", code_fingerprint(), enabled=True, root=root)


#: The invocation of the running command, its repo and its key (see `recording`).
_recording: ContextVar[tuple[Invocation, Path, bytes] | None] = ContextVar("recording", default=None)


def prepare(invocation: Invocation) -> tuple[Path, bytes] | None:
    """The repo and key `invocation` is recorded under; None when they cannot be known."""
    try:
        return invocation.root(), invocation.key()
    except Exception:  # noqa: BLE001 (a missing repo or baseline: the command will say so)
        return None


def replay(root: Path, key: bytes) -> int | None:
    """Print the output recorded under `key` and return its exit code; None on a miss."""
    try:
        from scaffold.repo.files import content_key, read_sources
        from scaffold.repo.open import open_repo
        from scaffold.repo.transaction import may_need_recovery

        recorded = _store(root).data.get(key)
        if not isinstance(recorded, Record) or may_need_recovery(root):
            return None  # what a killed command left is undone by the command, which says so
        layout = open_repo(root)
        if content_key(layout, read_sources(layout)) != recorded.content:
            return None
    except Exception:  # noqa: BLE001 (whatever it is, the command itself will meet it and say so)
        return None
    sys.stdout.write(recorded.stdout)
    sys.stdout.flush()
    return recorded.exit_code


def record(root: Path, content: bytes, stdout: str, exit_code: int) -> None:
    """Keep what the running command printed, if its command line is replayable."""
    current = _recording.get()
    if current is None:
        return
    invocation, _, key = current
    if prepare(invocation) != (root, key):
        return  # the baseline, say, changed while the command ran: this output is of neither
    store = _store(root)
    entries = store.data
    entries.pop(key, None)  # re-inserted last: the oldest entries are dropped first
    entries[key] = Record(content, stdout, exit_code)
    for stale in list(entries)[:-_KEPT]:
        del entries[stale]
    store.dirty = True
    store.save()


@contextmanager
def recording(current: tuple[Invocation, Path, bytes] | None) -> Iterator[None]:
    """While the command of `current` runs, `record` keeps what it prints."""
    token = _recording.set(current)
    try:
        yield
    finally:
        _recording.reset(token)
