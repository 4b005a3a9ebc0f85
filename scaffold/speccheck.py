"""Validation of the merged spec for `check`: every problem located, each content validated once.

Full OpenAPI validation is the slowest step of `check` (about a second for a Mattermost-sized
spec, plus half a second to import the validator), so its result is kept by the content of the
fragments, and a cold run validates in a child process while the parent scans the Python.
"""

from __future__ import annotations

import os
import pickle
import signal
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

from scaffold.errors import ValidationError

#: Above this many characters of YAML, a cold validation runs beside the scan (where the OS
#: can fork); below it, starting a process costs more than it saves.
PARALLEL_THRESHOLD = 200_000

#: More problems than this are one problem to fix first, not a list to read.
MAX_PROBLEMS = 50


@dataclass(frozen=True)
class SpecProblem:
    message: str
    path: str | None
    line: int | None
    hint: str | None = None


Fragments = list[tuple[str, str]]


def validate_fragments(fragments: Fragments) -> list[SpecProblem]:
    """Merge the fragments as `docs build` does and list every OpenAPI problem, located.

    Duplicate operationIds are left to the `operation-id` rule of `check`, so they do not hide
    the problems behind them.
    """
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    from scaffold.spec import _UNRESOLVED_PATH, _shorten, merge, node_at, validate

    try:
        merged = merge(fragments)
    except ValidationError as err:
        return [_problem(err)]
    version = str(merged.data.get("openapi", ""))
    validator = OpenAPIV31SpecValidator if version.startswith("3.1") else OpenAPIV30SpecValidator
    try:
        errors = list(islice(validator(merged.data).iter_errors(), MAX_PROBLEMS))
    except Exception:
        # `docs build`'s validation says why and where; it raises anything it cannot place.
        try:
            validate(merged)
        except ValidationError as err:
            return [_problem(err)]
        raise
    problems = []
    for error in errors:
        where = list(getattr(error, "absolute_path", []) or [])
        match = _UNRESOLVED_PATH.search(error.message)
        if not where and match:
            where = ["paths", match.group(1)]
        fragment, line = merged.locate_node(node_at(merged.root, where))
        at = "/".join(str(p) for p in where) or "document"
        problems.append(
            SpecProblem(
                f"invalid OpenAPI at {at}: {_shorten(error.message)}",
                fragment,
                line,
                "fix the operation in this fragment; `scaffold docs build` shows the merged result",
            )
        )
    return problems


def _problem(err: ValidationError) -> SpecProblem:
    return SpecProblem(err.message, str(err.path) if err.path else None, err.line, err.hint)


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
