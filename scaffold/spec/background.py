"""Validation of the merged spec alongside the scan: in a child process, or inline.

Merging a Mattermost-sized spec (reading 20k lines of YAML) and validating it takes about a
sixth of a second, most of it the YAML; on a machine with a second core that is free beside
the scan of the Python, so `check` starts it in a child process before it scans, and
collects it at the end (measured: a cold check a tenth of a second faster than inline).
"""

from __future__ import annotations

from functools import partial

from scaffold.repo.forked import Forked
from scaffold.spec.problems import Fragments, SpecVerdict, judge_fragments

#: Above this many characters of YAML, a cold validation runs beside the scan (where the OS
#: can fork); below it, starting a process costs more than it saves.
PARALLEL_THRESHOLD = 200_000


class PendingValidation:
    """A validation started now and collected with `result()`: in a child process, or inline."""

    def __init__(self, fragments: Fragments, *, parallel: bool) -> None:
        self._fragments = fragments
        self._child = Forked(partial(judge_fragments, fragments)) if parallel else None

    def cancel(self) -> None:
        """Stop the child, if one runs, and reap it (an error or Ctrl-C ends the command)."""
        if self._child is not None:
            self._child.cancel()

    def result(self) -> SpecVerdict:
        done, verdict = self._child.result() if self._child is not None else (False, None)
        return verdict if done and verdict is not None else judge_fragments(self._fragments)


def start_validation(fragments: Fragments) -> PendingValidation:
    """A validation of these fragments, started beside the command where they are large."""
    size = sum(len(text) for _, text in fragments)
    return PendingValidation(fragments, parallel=size >= PARALLEL_THRESHOLD)
