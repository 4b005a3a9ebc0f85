"""Validation of the merged spec beside the rest of a command: in a child process, or inline.

Merging a Mattermost-sized spec (reading 20k lines of YAML) and validating it takes about a
sixth of a second, most of it the YAML; on a machine with a second core that is free. `check`
starts it in a child process before it scans, and collects it at the end (measured: a cold
check a tenth of a second faster than inline). Earlier still, `judge_ahead` lets the console
script start it before the command line itself loads (typer and rich take a tenth of a
second to import): the child reads the repo's fragments on its own, and its verdict serves
the command only if the fragments the command reads are those it judged. For `docs build`,
which has nothing else to do, the work is shared: the child merges the fragments and hands
the document's data over, the command validates it (its validator loaded meanwhile), and the
child goes on to follow the `$ref`s no check follows.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from scaffold.repo.forked import Forked

# The validator and YAML are imported where a spec is judged: `judge_ahead` runs before the
# command line loads, and forks a child that imports them beside it.
if TYPE_CHECKING:
    from scaffold.spec.problems import Fragments, SpecVerdict

#: Above this many characters of YAML, a cold validation runs beside the scan (where the OS
#: can fork); below it, starting a process costs more than it saves.
PARALLEL_THRESHOLD = 200_000


@dataclass(frozen=True)
class ReadSpec:
    """Fragments that merged, as the data of the document, for the receiver to validate."""

    data: dict[str, Any]
    paths: int
    operations: int


#: What a child sends back: the key of the fragments it judged, and its verdict — or, handing
#: the validation over, the merged document's data.
Judged = tuple[bytes, Union["SpecVerdict", ReadSpec]]


class PendingValidation:
    """A validation started now and collected with `result()`: in a child process, or inline."""

    def __init__(
        self, fragments: Fragments, *, parallel: bool = False, child: Forked[Judged | None] | None = None
    ) -> None:
        """In a child process started now with `parallel`; in `child`, one already started."""
        self._fragments = fragments
        self._child = Forked(partial(_judged, fragments)) if parallel and child is None else child

    def cancel(self) -> None:
        """Stop the child, if one runs, and reap it (an error or Ctrl-C ends the command)."""
        if self._child is not None:
            self._child.cancel()

    def result(self) -> SpecVerdict:
        from scaffold.spec.problems import judge_fragments

        return self.child_result() or judge_fragments(self._fragments)

    def child_result(self) -> SpecVerdict | None:
        """The child's verdict, if one ran, ended well and judged these very fragments; of
        data it handed over, the verdict when the data is valid (else the caller judges,
        where the problems are placed at their lines)."""
        from scaffold.repo.cache import CheckCache

        child = self._child
        if child is None:
            return None
        try:
            key = CheckCache.key(self._fragments)  # while the child still reads
            if isinstance(child, _HandingOver):
                _load_validator()
            done, judged = child.result()
            if not done or judged is None or judged[0] != key:
                return None
            found = judged[1]
            if not isinstance(found, ReadSpec):
                return found
            verdict = _valid(found)  # the child follows the $refs no check follows, meanwhile
            return verdict if verdict is not None and child.held() else None
        finally:
            child.cancel()  # one still running (other fragments, an error here) is stopped


def _load_validator() -> None:
    """The validator's modules, and the schemas of OpenAPI 3.0 (most specs') compiled."""
    import scaffold.spec.openapi  # noqa: F401
    from scaffold.spec.schemas import document_validator, draft4_meta_validator

    document_validator("3.0")
    draft4_meta_validator()


def _valid(read: ReadSpec) -> SpecVerdict | None:
    """The verdict of a merged document's data when it is valid; None when it is not (its
    problems are found again by a merge, which places them at their lines)."""
    from scaffold.spec.openapi import document_issues
    from scaffold.spec.problems import SpecVerdict

    try:
        issues = document_issues(read.data, limit=1, every_ref=False)
    except RecursionError:
        return None
    return None if issues else SpecVerdict((), read.paths, read.operations)


def start_validation(fragments: Fragments) -> PendingValidation:
    """A validation of these fragments: the one started ahead of the command line, if any;
    else one started beside the command where they are large; else one done inline."""
    ahead = _claim_ahead()
    if ahead is not None:
        return PendingValidation(fragments, child=ahead)
    return PendingValidation(fragments, parallel=sum(len(text) for _, text in fragments) >= PARALLEL_THRESHOLD)


def verdict_from_ahead(fragments: Fragments) -> SpecVerdict | None:
    """The verdict of these fragments from the validation started ahead of the command line,
    or None where none was started, it failed, or it judged other fragments."""
    ahead = _claim_ahead()
    return None if ahead is None else PendingValidation(fragments, child=ahead).child_result()


def judge_ahead(repo: Path | None, *, hand_over: bool = False) -> None:
    """Start judging the spec of the repo at `repo` (else the one around the working
    directory) in a child process now, for the command that is about to load.

    With `hand_over`, the child merges and sends the document's data, and the command
    validates it: for a command with nothing else to do once its command line has loaded
    (`docs build`), which would only wait while the child validates.
    """
    global _ahead
    cancel_ahead()
    _ahead = (_HandingOver if hand_over else Forked)(partial(_judge_repo, repo, hand_over))


def cancel_ahead() -> None:
    """Stop the validation started ahead, if no command claimed it, and reap its child."""
    global _ahead
    ahead, _ahead = _ahead, None
    if ahead is not None:
        ahead.cancel()


class _HandingOver(Forked["Judged | None"]):
    """A child that hands over the data of what it merged, for its parent to validate, and
    then follows every `$ref` of it: whether they all lead somewhere is its exit status."""

    def __init__(self, compute: Callable[[], Judged | None]) -> None:
        super().__init__(compute, then=_refs_lead_somewhere)


def _refs_lead_somewhere(judged: Judged | None) -> bool:
    """Whether every `$ref` of merged data handed over leads to a value (a loop does not)."""
    if judged is None or not isinstance(judged[1], ReadSpec):
        return True
    from scaffold.spec.refs import References

    data = judged[1].data
    references = References(data)
    references.every_ref(data)
    return not references.issues


def _judged(fragments: Fragments) -> Judged:
    from scaffold.repo.cache import CheckCache
    from scaffold.spec.problems import judge_fragments

    return CheckCache.key(fragments), judge_fragments(fragments)


def _judge_repo(repo: Path | None, hand_over: bool) -> Judged | None:
    """In the child: the repo's fragments as the command will read them, judged (or merged,
    to `hand_over`); None where a killed command left something to recover (the command
    recovers it, then reads)."""
    from scaffold.repo.cache import CheckCache
    from scaffold.repo.open import find_repo, read_repo
    from scaffold.repo.transaction import may_need_recovery
    from scaffold.repo.workspace import Workspace
    from scaffold.spec.merge import read_fragments

    gc.disable()  # a short-lived child: reference counting frees what it builds
    root = repo.resolve() if repo is not None else find_repo(Path.cwd())
    if may_need_recovery(root):
        return None
    layout = read_repo(root)
    fragments = read_fragments(layout, Workspace(layout.root).read_or_none)
    if not hand_over:
        return _judged(fragments)
    from scaffold.spec.problems import SpecVerdict, merge_or_verdict

    merged = merge_or_verdict(fragments)
    found = merged if isinstance(merged, SpecVerdict) else ReadSpec(merged.data, *merged.counts())
    return CheckCache.key(fragments), found


def _claim_ahead() -> Forked[Judged | None] | None:
    global _ahead
    ahead, _ahead = _ahead, None
    return ahead


#: the validation started ahead of the command line, until a command claims it
_ahead: Forked[Judged | None] | None = None


def _forget() -> None:
    """In any forked child: the parent's validation ahead is the parent's alone to collect."""
    global _ahead
    _ahead = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget)
