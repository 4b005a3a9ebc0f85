"""Work of a command that plans code, done in a child process beside it.

Planning code needs black (a tenth of a second to import) and jinja's compiler (a few
milliseconds a template), and neither depends on what the command has read of the repo. A
command that plans starts `working_beside()` first: a child process forked then gets ready
(each module that `serves` a kind of work says how: black imported, the built-in templates
compiled) while this one reads the repo, then answers each request. Whatever it cannot
answer (it failed, the work raised) comes back as None, and the caller does the work itself,
where its errors surface.
"""

from __future__ import annotations

import os
import pickle
import struct
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from scaffold.repo.forked import close_inherited, fork_child, stop_child

#: a message's length, ahead of its pickled bytes
_HEADER = struct.Struct("!I")

#: kind of work → (what does it in the child, what gets the child ready for it)
_SERVED: dict[str, tuple[Callable[..., Any], Callable[[], None] | None]] = {}


def serves(kind: str, work: Callable[..., Any], ready: Callable[[], None] | None = None) -> None:
    """Let the child do `kind` of work with `work(*args)`; `ready()` runs as the child starts."""
    _SERVED[kind] = (work, ready)


def ask(kind: str, *args: Any) -> Any | None:
    """`kind` of work done beside, or None: no child runs, it failed, or the work raised."""
    return None if _beside is None else _beside.ask(kind, args)


class _Beside:
    def __init__(self) -> None:
        self._pid: int | None = None
        started = fork_child(pipes=2)
        if started is None:
            return  # no fork here, or none now (a process limit): the work is done here
        pid, [(requests, self._requests), (self._replies, replies)] = started
        if pid == 0:  # the child: serve until the parent closes its end, then leave
            status = 1
            try:
                close_inherited(requests, replies)
                _serve(requests, replies)
                status = 0
            finally:
                os._exit(status)
        os.close(requests)
        os.close(replies)
        self._pid = pid

    def ask(self, kind: str, args: tuple[Any, ...]) -> Any | None:
        if self._pid is None:
            return None
        try:
            _send(self._requests, (kind, args))
            done, value = _receive(self._replies)
        except (OSError, EOFError, pickle.UnpicklingError, TypeError, ValueError):
            self.stop()  # it failed once: the rest of the work is done here too
            return None
        except BaseException:
            self.stop()  # interrupted between a request and its reply: never ask it again
            raise
        return value if done else None

    def stop(self) -> None:
        if self._pid is None:
            return
        os.close(self._requests)  # the child's next read ends, and so does the child
        os.close(self._replies)
        pid, self._pid = self._pid, None
        stop_child(pid)  # it may still be getting ready


def _serve(requests: int, replies: int) -> None:
    for _, ready in _SERVED.values():
        if ready is not None:
            try:
                ready()
            except Exception:  # noqa: BLE001 (the work itself then fails, and is done by the parent)
                pass
    while True:
        try:
            kind, args = _receive(requests)
        except EOFError:
            return
        try:
            reply = (True, _SERVED[kind][0](*args))
        except Exception:  # noqa: BLE001 (done again by the parent, which says why)
            reply = (False, None)
        _send(replies, reply)


def _send(fd: int, value: Any) -> None:
    data = pickle.dumps(value)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def _receive(fd: int) -> Any:
    (size,) = _HEADER.unpack(_read_exactly(fd, _HEADER.size))
    return pickle.loads(_read_exactly(fd, size))


def _read_exactly(fd: int, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, left)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


#: the child of the running command, if it started one
_beside: _Beside | None = None


def _forget() -> None:
    """In any forked child: the pipes to the parent's helper are the parent's alone."""
    global _beside
    _beside = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget)


@contextmanager
def working_beside() -> Iterator[None]:
    """While the block runs, a child process does the work modules `serves`."""
    global _beside
    if _beside is not None:
        yield
        return
    _beside = _Beside()
    try:
        yield
    finally:
        beside, _beside = _beside, None
        beside.stop()
