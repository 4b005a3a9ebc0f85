"""The facts of the files a change writes, kept in the cache once the change is: the next
command (a `check`, or removing the endpoint again) reads them from there, not anew — a
quarter of a second on a Mattermost-sized repo."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from scaffold.model.changes import ChangeSet
from scaffold.model.layout import RepoLayout
from scaffold.repo.cache import CheckCache
from scaffold.repo.forked import Forked
from scaffold.repo.workspace import Workspace
from scaffold.scan.scanner import scan
from scaffold.scan.tests import TestCase, tests_facts, tests_facts_after_cuts
from scaffold.text.python import appended_code


class WrittenFacts:
    """The facts of a change's files, for the cache (see the module's docstring).

    A child process computes them from the planned texts while this one checks and writes
    them, and writes the cache it would keep into a file beside the cache; keeping the change
    puts that file in place. A test module the change only appends to keeps the facts of its
    text before, with those of the appended tests read alone on the lines they have: each
    test's facts come from its own function, and the module is 16,000 lines long. One that
    only lost whole tests keeps the facts of the others, moved to their lines.
    """

    #: Below this many characters written, the next command reads the files again in less
    #: time than a child takes to start.
    THRESHOLD = 500_000

    def __init__(self, layout: RepoLayout, changes: ChangeSet) -> None:
        self.store = CheckCache(layout.root).facts_store
        self._child: Forked[bool] | None = None
        # The file the child writes is named here: whatever ends the command, this process
        # deletes it unless it became the cache.
        self._temp: Path | None = None
        written = sum(len(change.after or "") for change in changes.changes)
        if written >= self.THRESHOLD:
            self._temp = self.store.reserve()
        if self._temp is not None:
            self._child = Forked(partial(_facts_written_into, layout, changes, self._temp))

    def keep(self) -> None:
        """The change is kept: so are the facts, once the child has them. An interruption
        meanwhile leaves them to the next command: the change itself is made already."""
        try:
            done, written = self._child.result() if self._child is not None else (False, None)
            if done and written and self._temp is not None:
                self.store.put_in_place(self._temp)
                self._temp = None
        except KeyboardInterrupt:
            pass
        finally:
            self.cancel()

    def cancel(self) -> None:
        """The change was refused or rolled back (or kept, and this is what is left): the
        child is stopped and its file deleted."""
        child, self._child = self._child, None
        if child is not None:
            child.cancel()
        temp, self._temp = self._temp, None
        if temp is not None:
            temp.unlink(missing_ok=True)


def _facts_written_into(layout: RepoLayout, changes: ChangeSet, temp: Path) -> bool:
    """The cache of facts, with those of the repo as `changes` leave it, written into `temp`."""
    cache = CheckCache(layout.root)
    for change in changes.changes:
        if change.before is None or change.after is None:
            continue
        kept = cache.facts("tests", change.path, change.before)
        if kept is None:
            continue  # not a test module, or not in the cache
        appended = appended_code(change.before, change.after)
        facts: list[TestCase] | None = None
        if appended is not None:
            facts = [*kept, *tests_facts(appended, change.path)]
        elif change.compiles_as_before:
            facts = tests_facts_after_cuts(change.before, change.after, kept)
        if facts is not None:
            cache.remember_facts("tests", change.path, change.after, facts)
    scan(layout, Workspace.overlay(layout.root, changes).read_or_none, cache)
    return cache.facts_store.write_into(temp)
