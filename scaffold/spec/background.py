"""Validation of the merged spec alongside the scan: in a child process, or inline.

Merging a Mattermost-sized spec (reading 20k lines of YAML) and validating it takes about a
sixth of a second, most of it the YAML; on a machine with a second core that is free beside
the scan of the Python, so `check` starts it in a child process before it scans, and
collects it at the end (measured: a cold check a tenth of a second faster than inline).
"""

from __future__ import annotations

import os
import pickle
import signal
from collections.abc import Callable

from scaffold.spec.problems import Fragments, SpecProblem, validate_fragments

#: Above this many characters of YAML, a cold validation runs beside the scan (where the OS
#: can fork); below it, starting a process costs more than it saves.
PARALLEL_THRESHOLD = 200_000


class PendingValidation:
    """A validation started now and collected with `result()`: in a child process, or inline."""

    def __init__(self, fragments: Fragments, *, parallel: bool) -> None:
        self._fragments = fragments
        self._pid: int | None = None
        self._read: int | None = None
        if parallel and hasattr(os, "fork"):
            self._fork()

    def _fork(self) -> None:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: validate, send the result, and leave without cleanup
            status = 1
            try:
                os.close(read)
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(pickle.dumps(validate_fragments(self._fragments)))
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        self._pid, self._read = pid, read

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

    def result(self) -> list[SpecProblem]:
        if self._pid is None or self._read is None:
            return validate_fragments(self._fragments)
        with os.fdopen(self._read, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self._pid, 0)
        self._pid = self._read = None
        if status != 0 or not data:
            # The child failed (out of memory, killed): validate here, where errors surface.
            return validate_fragments(self._fragments)
        problems: list[SpecProblem] = pickle.loads(data)
        return problems


def start_validation(
    fragments: Fragments,
    recall: Callable[[], list[SpecProblem] | None],
) -> PendingValidation | list[SpecProblem]:
    """The remembered result for these fragments, or a validation started for them."""
    known = recall()
    if known is not None:
        return known
    size = sum(len(text) for _, text in fragments)
    return PendingValidation(fragments, parallel=size >= PARALLEL_THRESHOLD)
