"""Validation of the merged spec alongside the scan: in a child process, or inline.

Merging a Mattermost-sized spec (reading 20k lines of YAML) and validating it takes about a
sixth of a second, most of it the YAML; on a machine with a second core that is free beside
the scan of the Python, so `check` starts it in a child process before it scans, and
collects it at the end (measured: a cold check a tenth of a second faster than inline).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from scaffold.repo.forked import Forked
from scaffold.spec.problems import Fragments, SpecProblem, validate_fragments

#: Above this many characters of YAML, a cold validation runs beside the scan (where the OS
#: can fork); below it, starting a process costs more than it saves.
PARALLEL_THRESHOLD = 200_000


class PendingValidation:
    """A validation started now and collected with `result()`: in a child process, or inline."""

    def __init__(self, fragments: Fragments, *, parallel: bool) -> None:
        self._fragments = fragments
        self._child = Forked(partial(validate_fragments, fragments)) if parallel else None

    def cancel(self) -> None:
        """Stop the child, if one runs, and reap it (an error or Ctrl-C ends the command)."""
        if self._child is not None:
            self._child.cancel()

    def result(self) -> list[SpecProblem]:
        done, problems = self._child.result() if self._child is not None else (False, None)
        return problems if done and problems is not None else validate_fragments(self._fragments)


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
