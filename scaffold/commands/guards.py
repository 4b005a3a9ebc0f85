"""Applying a planned edit of a server, guarded: every command that writes goes through here.

Before anything is written, each file must parse and the merged spec validate; once the files
are in place, the edited server must import — any failure restores every file.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from functools import partial

import yaml

from scaffold.errors import ScaffoldError, ValidationError
from scaffold.model.changes import Change, ChangeSet
from scaffold.model.layout import CONFIG_NAME, RepoLayout
from scaffold.repo.forked import Forked
from scaffold.repo.interpreter import repo_interpreter
from scaffold.repo.runner import ImportCheck, writes_python
from scaffold.repo.transaction import apply_changes
from scaffold.repo.workspace import Workspace
from scaffold.scan.written import WrittenFacts
from scaffold.spec.merge import merge, read_fragments
from scaffold.spec.problems import SpecInvalid, validate, validate_change
from scaffold.text.python import appended_code
from scaffold.text.yaml import Loader


def apply_checked(
    layout: RepoLayout,
    changes: ChangeSet,
    started: ImportCheck | None = None,
    ahead: SpecCheckAhead | None = None,
) -> list[str]:
    """Apply `changes` to the repo, all or nothing: they must parse, the spec validate (or,
    where it was already invalid, gain no problem), and the edited server import (with the
    repo's interpreter, found before anything is written; `started` early by the command, or
    now). Returns what the caller should tell the user."""
    notes: list[str] = []
    _require_interpreter(layout, changes)
    # The repo's interpreter loads and compiles what it can while the change is checked and
    # written; it imports the written modules once they are in place.
    check = ImportCheck(layout, changes) if started is None else started
    if started is not None:
        started.expect(changes)
    facts = WrittenFacts(layout, changes)
    try:
        apply_changes(
            layout.root,
            changes,
            validators=_validators(layout, notes, ahead),
            post_checks=[import_check(layout, check)],
        )
    except BaseException:
        try:
            check.close(keep=False)
        finally:
            facts.cancel()
        raise
    facts.keep()
    # Its child keeps what it compiled meanwhile; one started by the command is closed by it,
    # on its way out.
    if started is None:
        check.close()
    return notes


def start_import_check(layout: RepoLayout) -> ImportCheck | None:
    """The import check of a change not yet planned, started now so that it has loaded what
    it can by the time the change is written; None where it cannot start (`apply_checked`
    then says why, if the change needs it)."""
    try:
        return ImportCheck(layout)
    except ScaffoldError:
        return None


def check_planned(layout: RepoLayout, changes: ChangeSet, ahead: SpecCheckAhead | None = None) -> None:
    """What `apply_checked` checks before writing, for a plan only shown (`--dry-run`): a dry
    run refuses what the real one would."""
    _require_interpreter(layout, changes)
    for validate_changes in _validators(layout, [], ahead):
        validate_changes(changes)


def _require_interpreter(layout: RepoLayout, changes: ChangeSet) -> None:
    """The interpreter that will import the edited server: absent, or leading out of the repo,
    is an error before any write."""
    if writes_python(changes):
        repo_interpreter(layout)


def _validators(
    layout: RepoLayout, notes: list[str], ahead: SpecCheckAhead | None = None
) -> list[Callable[[ChangeSet], None]]:
    return [syntax_check(ahead), spec_check(layout, notes, ahead)]


def syntax_check(ahead: SpecCheckAhead | None = None) -> Callable[[ChangeSet], None]:
    """`check_syntax`, less the files the spec check begun `ahead` loaded: every file but
    the Python modules, where its verdict stands for them. The Python is compiled first,
    while that check may still run beside."""

    def check(changes: ChangeSet) -> None:
        check_syntax(changes, python=True, other=False)
        if ahead is None or ahead.passed(changes) is None:
            check_syntax(changes, python=False, other=True)

    return check


def check_syntax(changes: ChangeSet, *, python: bool = True, other: bool = True) -> None:
    """Every written Python file compiles (`python`), every YAML and TOML file loads (`other`);
    a module that only lost whole top-level statements compiles as it did (a removal from a
    16,000-line test module is not compiled again)."""
    for change in changes.changes:
        if change.after is None or change.compiles_as_before:
            continue
        if not (python if change.path.endswith(".py") else other):
            continue
        try:
            if change.path.endswith(".py"):
                compile(_code_to_compile(change.before, change.after), change.path, "exec", dont_inherit=True)
            elif change.path.endswith((".yaml", ".yml")):
                yaml.compose(change.after, Loader=Loader)
            elif change.path.endswith(".toml"):
                tomllib.loads(change.after)
        except SyntaxError as err:
            raise _invalid(change.path, err.lineno, f"the result does not compile: {err.msg}") from None
        except yaml.MarkedYAMLError as err:
            line = err.problem_mark.line + 1 if err.problem_mark else None
            raise _invalid(change.path, line, f"the result is not valid YAML: {err.problem}") from None
        except tomllib.TOMLDecodeError as err:
            raise _invalid(change.path, None, f"the result is not valid TOML: {err}") from None


#: What, in appended code, could be an error only beside the code before it.
_NEEDS_CONTEXT = re.compile(r"^[ \t]*(?:global\b|from[ \t]+__future__\b)", re.MULTILINE)


def _code_to_compile(before: str | None, after: str) -> str:
    """The part of a written module whose compiling proves the whole compiles.

    A module that only grows at its end (how a handler, an app function and a test file
    gain an endpoint) has its appended statements compiled alone, on the lines they will
    have: the module before the change was parsed while the change was planned (a syntax
    error there stops the command first), and compiling a 16,000-line test module again
    would cost a sixth of a dry run.
    """
    appended = appended_code(before, after)
    return after if appended is None or _NEEDS_CONTEXT.search(appended) else appended


def _invalid(path: str, line: int | None, message: str) -> ValidationError:
    return ValidationError(
        message, hint="nothing was written; this is a bug in scaffold or a template", path=path, line=line
    )


def spec_check(
    layout: RepoLayout, notes: list[str] | None = None, ahead: SpecCheckAhead | None = None
) -> Callable[[ChangeSet], None]:
    """The merged spec, as the change set leaves it, validates — or, if it did not validate
    before the change, has no problem the change brought (said in `notes`). `ahead`: the same
    check begun while the change was planned, whose verdict stands if it checked these docs."""

    def check(changes: ChangeSet) -> None:
        passed = ahead.passed(changes) if ahead is not None else None
        if passed is not None:
            if notes is not None:
                notes.extend(passed)
            return
        workspace = Workspace.overlay(layout.root, changes)
        planned = workspace.layout()
        touched = {c.path for c in changes.changes if c.path.startswith(planned.docs_source + "/")}
        if not touched and CONFIG_NAME not in changes.paths:
            return
        # Path items of fragments the change leaves alone were valid before and still are;
        # a change of the build list or of shared components validates everything.
        definitions = planned.fragment_path(planned.build[-1])
        introduction = planned.fragment_path(planned.build[0])
        whole = CONFIG_NAME in changes.paths or definitions in touched or introduction in touched
        only = None if whole else touched
        merged = merge(read_fragments(planned, workspace.read_or_none), paths_of=only)
        try:
            validate(merged, only=only)
        except SpecInvalid:
            before = Workspace(layout.root)
            old = merge(read_fragments(before.layout(), before.read_or_none), paths_of=only)
            left = validate_change(merged, old, only=only)
            if notes is not None:
                notes.append(
                    f"the spec was already invalid: this change brings no new problem and leaves "
                    f"{left} as they were (`scaffold docs build` lists them)"
                )

    return check


class SpecCheckAhead:
    """The spec check of a change, begun as soon as its docs are planned: in a child process,
    beside the planning of its code (a fifth of a second for a Mattermost-sized spec). Its
    verdict — those files load, each alone, and the merged spec validates — stands for a change
    set with the same files other than Python modules, the only ones it reads; a refusal, or
    docs planned again, is checked anew where it is used."""

    #: Below this many bytes of fragments, a child costs more than it saves.
    THRESHOLD = 200_000

    def __init__(self, layout: RepoLayout, changes: ChangeSet) -> None:
        self.inputs = _spec_inputs(changes)
        read = ChangeSet([Change(path, before, after) for path, before, after in self.inputs])
        self._child: Forked[list[str]] | None = Forked(partial(_checked_notes, layout, read))
        self._verdict: list[str] | None = None

    @classmethod
    def begin_for(cls, layout: RepoLayout, changes: ChangeSet, begin: Callable[[SpecCheckAhead], None]) -> None:
        """Begin the check of `changes`, planned so far, and give it to `begin`: where the
        spec is big enough for a child to pay."""
        sizes = (layout.root / layout.fragment_path(name) for name in layout.build)
        if sum(path.stat().st_size for path in sizes if path.is_file()) >= cls.THRESHOLD:
            begin(cls(layout, changes))

    def passed(self, changes: ChangeSet) -> list[str] | None:
        """The notes of the check begun ahead, if it checked what `changes` holds and passed;
        None: check now."""
        if self._child is not None:
            done, notes = self._child.result()
            self._child = None
            self._verdict = notes if done else None
        return self._verdict if _spec_inputs(changes) == self.inputs else None

    def cancel(self) -> None:
        if self._child is not None:
            self._child.cancel()
            self._child = None


def _spec_inputs(changes: ChangeSet) -> tuple[tuple[str, str | None, str | None], ...]:
    """What of a change set the spec check reads: every change but those of Python modules."""
    return tuple((c.path, c.before, c.after) for c in changes.changes if not c.path.endswith(".py"))


def _checked_notes(layout: RepoLayout, changes: ChangeSet) -> list[str]:
    check_syntax(changes)  # each file the check reads loads on its own, too
    notes: list[str] = []
    spec_check(layout, notes)(changes)
    return notes


def import_check(layout: RepoLayout, started: ImportCheck) -> Callable[[ChangeSet], None]:
    """The touched Python modules import, once they are in place (with the repo's interpreter,
    `started` before the change was written)."""

    def check(changes: ChangeSet) -> None:
        started(changes)

    return check
