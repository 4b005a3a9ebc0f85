"""New Python code formatted as black would, at the repo's line length.

Only new code is formatted, never the module it goes into, so the rest of that file stays as
its authors wrote it.

black takes a tenth of a second to import, more than formatting every snippet of a change.
A command that plans code starts `formatting_beside()` first: a child process imports black
while this one reads the repo, then formats each snippet on request. Whatever goes wrong
there (the child failed, black refused the code), the snippet is formatted here instead,
where black's own error surfaces.
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from scaffold.repo.forked import close_inherited

#: a message's length, ahead of its pickled bytes
_HEADER = struct.Struct("!I")


class UnformattableCode(Exception):
    """black refused the code: it does not parse (`line`: the first line it names, if any)."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def format_code(code: str, line_length: int, depth: int = 0) -> str:
    """Format code as black would at `depth` levels of indentation (`UnformattableCode` on
    bad syntax)."""
    if _beside is not None:
        formatted = _beside.format(code, line_length, depth)
        if formatted is not None:
            return formatted
    import black  # imported here: only planning new code needs it, and it is slow to import

    try:
        return _formatted(black, code, line_length, depth)
    except black.parsing.InvalidInput as err:
        position = str(err).splitlines()[0].rsplit(": ", 1)[-1]
        line = position.split(":")[0]
        raise UnformattableCode(str(err), int(line) if line.isdigit() else None) from None


def _formatted(black: Any, code: str, line_length: int, depth: int) -> str:
    mode = black.Mode(
        line_length=max(line_length - 4 * depth, 40),
        target_versions={black.mode.TargetVersion.PY311},
    )
    return black.format_str(code, mode=mode)  # type: ignore[no-any-return]


class _Beside:
    """A child process with black imported, formatting what it is sent."""

    def __init__(self) -> None:
        self._pid: int | None = None
        if not hasattr(os, "fork"):
            return
        requests, self._requests = os.pipe()
        self._replies, replies = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: serve until the parent closes its end, then leave
            status = 1
            try:
                os.close(self._requests)
                os.close(self._replies)
                close_inherited(requests, replies)
                _serve(requests, replies)
                status = 0
            finally:
                os._exit(status)
        os.close(requests)
        os.close(replies)
        self._pid = pid

    def format(self, code: str, line_length: int, depth: int) -> str | None:
        """The formatted code, or None where the child cannot say (then format it here)."""
        if self._pid is None:
            return None
        try:
            _send(self._requests, (code, line_length, depth))
            reply = _receive(self._replies)
        except (OSError, EOFError, pickle.UnpicklingError):
            reply = None
        if not isinstance(reply, str):
            self.stop()  # it failed once: every other snippet is formatted here too
        return reply if isinstance(reply, str) else None

    def stop(self) -> None:
        if self._pid is None:
            return
        os.close(self._requests)  # the child's next read ends, and so does the child
        os.close(self._replies)
        try:
            os.kill(self._pid, signal.SIGTERM)  # it may still be importing black
        except ProcessLookupError:
            pass
        os.waitpid(self._pid, 0)
        self._pid = None


def _serve(requests: int, replies: int) -> None:
    import black

    while True:
        try:
            code, line_length, depth = _receive(requests)
        except EOFError:
            return
        try:
            reply: str | None = _formatted(black, code, line_length, depth)
        except Exception:  # noqa: BLE001 (formatted again by the parent, which says why)
            reply = None
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


#: the formatter of the running command, if it started one
_beside: _Beside | None = None


@contextmanager
def formatting_beside() -> Iterator[None]:
    """While the block runs, black is imported and run in a child process."""
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
