"""A computation in a child process, beside the work of this one: a second core is free while
the main process reads Python and YAML, and a fork starts in milliseconds with everything
already loaded. Where the OS cannot fork, or the child fails, the caller computes inline."""

from __future__ import annotations

import os
import pickle
import signal
from collections.abc import Callable
from typing import Generic, TypeVar

_T = TypeVar("_T")


class Forked(Generic[_T]):
    """`compute()` started in a child process now; `result()` collects its value."""

    def __init__(self, compute: Callable[[], _T]) -> None:
        self._pid: int | None = None
        self._read: int | None = None
        if not hasattr(os, "fork"):
            return
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: compute, send the value, and leave without cleanup
            status = 1
            try:
                os.close(read)
                close_inherited(write)
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(pickle.dumps(compute()))
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        self._pid, self._read = pid, read

    def result(self) -> tuple[bool, _T | None]:
        """(True, the value), or (False, None) where no child ran or it failed (raised, was
        killed, ran out of memory): then the caller computes it inline, where errors surface."""
        if self._pid is None or self._read is None:
            return False, None
        with os.fdopen(self._read, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self._pid, 0)
        self._pid = self._read = None
        if status != 0 or not data:
            return False, None
        value: _T = pickle.loads(data)
        return True, value

    def cancel(self) -> None:
        """Stop the child, if one runs, and reap it (an error or Ctrl-C ends the command)."""
        if self._pid is not None and self._read is not None:
            os.close(self._read)
            try:
                os.kill(self._pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            os.waitpid(self._pid, 0)
            self._pid = self._read = None


def close_inherited(*keep: int) -> None:
    """In a forked child, close every descriptor but the standard streams and `keep`: a pipe
    the parent writes to another process (the import check's input) must see its end when
    the parent closes it, not when this child ends."""
    start = 3
    for fd in sorted(keep):
        os.closerange(start, fd)
        start = max(start, fd + 1)
    os.closerange(start, _MAX_FD)


#: Past the highest descriptor a process holds (`closerange` skips those that are closed).
_MAX_FD = 1 << 16
