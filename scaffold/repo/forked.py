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
    """`compute()` started in a child process now; `result()` collects its value.

    With `then`, the child goes on once its value is sent: `then(value)` runs there, beside
    what the parent does with the value, and `held()` waits for its answer.
    """

    def __init__(self, compute: Callable[[], _T], then: Callable[[_T], bool] | None = None) -> None:
        self._pid: int | None = None
        self._read: int | None = None
        self._then = then is not None
        started = fork_child(pipes=1)
        if started is None:
            return  # no fork here, or none possible now (a process limit): computed inline
        pid, [(read, write)] = started
        if pid == 0:  # the child: compute, send the value, and leave without cleanup
            status = 1
            try:
                os.close(read)
                close_inherited(write)
                value = compute()
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(pickle.dumps(value))
                status = 0 if then is None or then(value) else _THEN_FAILED
            finally:
                os._exit(status)
        os.close(write)
        self._pid, self._read = pid, read

    def result(self) -> tuple[bool, _T | None]:
        """(True, the value), or (False, None) where no child ran or it failed (raised, was
        killed, ran out of memory): then the caller computes it inline, where errors surface.
        Interrupted meanwhile, the child is stopped and reaped before the interruption goes on.
        A child with `then` is left to go on (the value whole, it was sent whole)."""
        pid, read = self._pid, self._read
        self._read = None
        if pid is None or read is None:
            return False, None
        try:
            with os.fdopen(read, "rb") as pipe:
                data = pipe.read()
        except BaseException:
            self.cancel()
            raise
        if not (self._then and data):  # a child that goes on is not waited for
            self._pid = None
            if exit_status(pid) not in (0, None):  # None: reaped by the system, status unknown
                return False, None
        try:  # a value that loads was sent whole
            value: _T = pickle.loads(data)
        except (pickle.UnpicklingError, EOFError, ValueError):  # none, or cut short: it failed
            self.cancel()
            return False, None
        return True, value

    def held(self) -> bool:
        """Whether `then` held, once the child ends (waited for here); False where it did not,
        or the child failed."""
        pid, self._pid = self._pid, None
        if pid is None:
            return False
        try:
            return exit_status(pid) == 0  # unknown (reaped by the system): not known to hold
        except BaseException:
            stop_child(pid)
            raise

    def cancel(self) -> None:
        """Stop the child, if one runs, and reap it (an error or Ctrl-C ends the command)."""
        pid, read = self._pid, self._read
        self._pid = self._read = None
        if read is not None:
            os.close(read)
        if pid is not None:
            stop_child(pid)


#: the exit status of a child whose `then` did not hold
_THEN_FAILED = 3


def fork_child(pipes: int) -> tuple[int, list[tuple[int, int]]] | None:
    """(pid, the (read, write) ends of `pipes` pipes) of a child forked now — the pid is 0 in
    the child; None where none can be (no fork here, or a process limit), every pipe closed."""
    if not hasattr(os, "fork"):
        return None
    made: list[tuple[int, int]] = []
    try:
        for _ in range(pipes):
            made.append(os.pipe())
        return os.fork(), made
    except OSError:
        for ends in made:
            for fd in ends:
                os.close(fd)
        return None


def stop_child(pid: int) -> None:
    """Stop a child, if it still runs, and reap it. SIGKILL: a child has nothing to clean up
    (it leaves with `os._exit`), and one that inherited an ignored SIGTERM would go on."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    exit_status(pid)


def exit_status(pid: int) -> int | None:
    """Wait for a child to end: its exit status, or None where the system reaped it already
    (a process started with SIGCHLD ignored reaps nothing itself)."""
    try:
        return os.waitpid(pid, 0)[1]
    except ChildProcessError:
        return None


def close_inherited(*keep: int) -> None:
    """In a forked child, close every descriptor but `keep`, and point the standard streams at
    /dev/null. A pipe the parent writes to another process (the import check's input) must see
    its end when the parent closes it, and one a caller reads the command's output from must
    end with the command: not when this child ends (were the parent killed alone, the child
    would hold them open until it is done)."""
    null = os.open(os.devnull, os.O_RDWR)
    for stream in (0, 1, 2):
        os.dup2(null, stream)
    os.close(null)
    start = 3
    for fd in sorted(keep):
        os.closerange(start, fd)
        start = max(start, fd + 1)
    # Past the highest descriptor the process may hold (`closerange` skips closed ones).
    os.closerange(start, max(os.sysconf("SC_OPEN_MAX"), 1 << 16))
