"""The repo's own code, run by scaffold: its formatter, an import of the edited modules, and
its tests — each with the repo's interpreter (`scaffold.repo.interpreter`), never scaffold's.

Only commands that write run these (`endpoint add`, `endpoint remove`, `check --fix`): the
formatter over the Python files a plan writes, before anything touches disk, so a formatter
failure leaves the repo as it was; the import once the files are in place, so a module that
does not import is rolled back. A module the environment lacks (not one of the repo's) is the
environment's fault, said as such: the edited server is not broken.
"""

from __future__ import annotations

import functools
import json
import re
import secrets
import shlex
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path
from typing import IO

from scaffold.errors import ValidationError
from scaffold.model.changes import Change, ChangeSet
from scaffold.model.layout import RepoLayout
from scaffold.naming import dotted, spelt
from scaffold.repo import import_child
from scaffold.repo.cache import code_cache_dir, ignore_cache
from scaffold.repo.files import read_regular
from scaffold.repo.interpreter import Interpreter, repo_interpreter

#: The first line each script prints: without it, the interpreter did not run the script.
_STARTED = import_child.STARTED
#: Runs pytest with the arguments on its command line; without pytest, exits 4 (no run).
_PYTEST = f"""\
import sys
print({_STARTED!r}, flush=True)
try:
    import pytest
except ModuleNotFoundError as err:
    print(f"ModuleNotFoundError: No module named {{err.name!r}}", file=sys.stderr)
    sys.exit(4)
sys.exit(pytest.main(sys.argv[1:]))
"""


def format_changes(layout: RepoLayout, changes: ChangeSet) -> ChangeSet:
    """The change set with every written .py file passed through `[format] command`."""
    if not layout.formatter:
        return changes
    python = repo_interpreter(layout)
    formatted = []
    for change in changes.changes:
        if change.after is None or not change.path.endswith(".py"):
            formatted.append(change)
            continue
        formatted.append(Change(change.path, change.before, _run(layout, python, change.path, change.after)))
    return ChangeSet(formatted, list(changes.warnings))


def _run(layout: RepoLayout, python: Interpreter, path: str, text: str) -> str:
    command = [part.replace("{path}", path) for part in shlex.split(layout.formatter or "")]
    try:
        result = subprocess.run(
            command, input=text, capture_output=True, text=True, cwd=layout.root, timeout=120, check=False,
            env=python.environment(),
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise ValidationError(
            f"the formatter `{layout.formatter}` could not run: {err}",
            hint="fix [format] command in scaffold.toml (it reads stdin and writes stdout); nothing was written",
            path=layout.config_path,
        ) from None
    if result.returncode != 0 or not result.stdout.strip():
        detail = (result.stderr.strip().splitlines() or ["no output"])[0]
        raise ValidationError(
            f"the formatter `{layout.formatter}` failed on {path}: {detail}",
            hint="nothing was written; fix the formatter or [format] command in scaffold.toml",
            path=layout.config_path,
        )
    return result.stdout


def writes_python(changes: ChangeSet) -> bool:
    """Whether `changes` writes a Python module: the edited server must then import."""
    return any(change.after is not None and change.path.endswith(".py") for change in changes.changes)


def written_modules(changes: ChangeSet) -> list[str]:
    """The dotted names of the Python modules `changes` writes that the import check imports
    itself: every one but those that import as they did (`imports_as_before`). The routes
    module is imported beside them whatever they are: a module left out may still be imported
    by others the routes module reaches, and they must find what they import."""
    return [dotted(change.path) for change in _to_import(changes)]


def _to_import(changes: ChangeSet) -> list[Change]:
    return [
        change
        for change in changes.changes
        if change.after is not None and change.path.endswith(".py") and not imports_as_before(change)
    ]


@functools.lru_cache(maxsize=32)  # asked of each change before the write, and for the check
def imports_as_before(change: Change) -> bool:
    """Whether the module `change` writes imports as it did, without importing it: it only lost
    whole top-level definitions (`Change.compiles_as_before`), and no name they defined is
    spelt in what is left, so nothing left can reach them as the module runs. A test module
    that lost an endpoint's tests is then neither compiled nor imported again (16,000 lines:
    an eighth of a second). Another module that imports it still does, from its file."""
    if not change.compiles_as_before or change.before is None or change.after is None:
        return False
    gone = Counter(_DEFINITION.findall(change.before)) - Counter(_DEFINITION.findall(change.after))
    return not any(spelt(name, change.after) for name in gone)


#: A definition at the top level: the name it binds.
_DEFINITION = re.compile(r"^(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)", re.MULTILINE)


def import_modules(layout: RepoLayout, changes: ChangeSet) -> None:
    """The Python modules `changes` writes import, with the routes module that ties them
    (run by the repo's interpreter, in the repo), once they are in place."""
    with ImportCheck(layout, changes) as check:
        check(changes)


#: A top-level import: the module it names.
_IMPORT_LINE = re.compile(r"^(?:from|import)[ \t]+([A-Za-z_][\w.]*)", re.MULTILINE)


class ImportCheck:
    """The import of the modules a change writes, by the repo's interpreter — started before
    the change is written (before it is even planned, where the command can), so that what
    the modules import from outside the repo (the web framework, the test runner: a third of
    a second) loads, and the written modules compile, while scaffold plans, checks and writes
    the change; once the files are in place, only importing them is left."""

    #: Seconds the import may take once the files are in place.
    TIMEOUT = 120

    def __init__(self, layout: RepoLayout, changes: ChangeSet | None = None) -> None:
        """Start the interpreter; `changes`, where already known, is sent at once (else by
        `expect`). Nothing starts for a change that writes no Python module."""
        self.layout = layout
        self.modules: list[str] = []
        self.process: subprocess.Popen[str] | None = None
        self.feeding: threading.Thread | None = None
        self.output: tuple[list[str], list[str]] = ([], [])
        self.readers: list[threading.Thread] = []
        #: set once the child says every module imported, or ends
        self.answered = threading.Event()
        #: sent to the child, which says it after `import_child.IMPORTED` once all imported
        self.token = secrets.token_hex(8)
        self.imported_line = f"{import_child.IMPORTED} {self.token}\n"
        self.imported = False
        if layout.docs_only or (changes is not None and not writes_python(changes)):
            return
        self.python = repo_interpreter(layout)
        routes = (read_regular(layout.root / layout.routes) or b"").decode("utf-8", "replace")
        cache = code_cache_dir(layout.root)
        # The repo is the child's working directory, so its modules are found first; it is
        # not on PYTHONPATH, where a `sitecustomize` of the repo would run as Python starts.
        env = {**self.python.environment(), "PYTHONDONTWRITEBYTECODE": "1"}
        env.pop("PYTHONPATH", None)
        try:
            self.process = subprocess.Popen(
                [str(self.python.executable), "-c", _child_program(), str(cache or ""), *_imported(routes)],
                cwd=layout.root, env=env, text=True,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            )
        except OSError as err:
            raise self.python.broken(err.strerror or str(err)) from None
        # Read as it comes: a child that writes more than a pipe holds never waits on us.
        for stream, lines, answer in zip((self.process.stdout, self.process.stderr), self.output, (self.answered, None)):
            reader = threading.Thread(target=self._drain, args=(stream, lines, answer), daemon=True)
            reader.start()
            self.readers.append(reader)
        if changes is not None:
            self.expect(changes)

    def expect(self, changes: ChangeSet) -> None:
        """The change this check is for: its modules' imports load and its texts compile now."""
        self.modules = written_modules(changes)
        if not writes_python(changes):
            self.close()
            self.process = None
            return
        self.modules.append(dotted(self.layout.routes))
        written = {change.path: change.after or "" for change in _to_import(changes)}
        message = {
            "outside": [name for text in written.values() for name in _imported(text)],
            "written": written,
            "token": self.token,
        }
        # Sent beside the work here: a pipe holds less than a big module.
        self.feeding = threading.Thread(target=self._send, args=(json.dumps(message) + "\n",), daemon=True)
        self.feeding.start()

    def _send(self, text: str, *, last: bool = False) -> None:
        assert self.process is not None and self.process.stdin is not None
        try:
            self.process.stdin.write(text)
            self.process.stdin.flush()
            if last:
                self.process.stdin.close()
        except (BrokenPipeError, OSError, ValueError):
            pass  # the child ended (or was stopped): what it says, or its absence, is the verdict

    def __call__(self, changes: ChangeSet) -> None:
        """Import the written modules, now in place (`changes`, the change set this check was
        made for, is written); a module that does not import is an error."""
        if self.process is None:
            return
        deadline = time.monotonic() + self.TIMEOUT
        if self.feeding is not None:
            self.feeding.join(self.TIMEOUT)
            if self.feeding.is_alive():
                self.close()
                raise self._timed_out()
        self._send("\n".join(dict.fromkeys(self.modules)) + "\n", last=True)
        try:
            if not self.answered.wait(max(deadline - time.monotonic(), 0)):
                raise subprocess.TimeoutExpired(self.process.args, self.TIMEOUT)
            if self.imported_line in self.output[0]:
                # Every module imported; the child keeps what it compiled while the command
                # goes on, and `close` waits for it.
                self.imported = True
                return
            self.process.wait(max(deadline - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            self.close()
            raise self._timed_out() from None
        for reader in self.readers:
            reader.join()
        stdout, stderr = ("".join(lines) for lines in self.output)
        _require_started(self.python, stdout, stderr, self.process.returncode)
        if self.process.returncode != 0:
            last = (stderr.strip().splitlines() or ["(no output)"])[-1]
            lacking = self.python.missing_module(self.layout, last)
            if lacking is not None:
                raise self.python.lacking(lacking)
            raise ValidationError(
                f"the edited server does not import: {last}",
                hint="nothing was written; fix the module named above, or the overriding template",
            )
        ignore_cache(self.layout.root)  # the child kept what it compiled

    def _timed_out(self) -> ValidationError:
        return ValidationError(
            f"the edited server did not finish importing in {self.TIMEOUT} s",
            hint="nothing was written; see what its modules wait for as they are imported "
            "(run `python -c 'import <module>'` in the repo)",
        )

    #: Seconds the child may take to keep what it compiled, once every module imported.
    KEEPING = 30

    def close(self, *, keep: bool = True) -> None:
        """Stop the interpreter if it is still waiting (the change was refused, or interrupted);
        once every module imported, wait for it to keep what it compiled, unless not to `keep`
        it (the change is rolled back). Ctrl-C then stops only the keeping, as the facts' (see
        `scaffold.scan.written`): the change is made, and a cache only saves time."""
        if self.process is None:
            return
        if self.imported and keep:
            try:
                self.process.wait(self.KEEPING)
            except (subprocess.TimeoutExpired, KeyboardInterrupt):
                pass
            ignore_cache(self.layout.root)  # the child kept what it compiled
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.feeding is not None:
            self.feeding.join(5)  # its write fails now that the child is gone
        if self.process.stdin is not None and not self.process.stdin.closed:
            try:
                self.process.stdin.close()
            except OSError:
                pass  # a pipe whose reader is gone: closed all the same
        for reader in self.readers:
            reader.join(5)

    def _drain(self, stream: IO[str] | None, lines: list[str], answered: threading.Event | None) -> None:
        """Read `stream` as it comes; `answered` is set at the line that says every module
        imported, or at the end."""
        try:
            if stream is not None:
                with stream:
                    for line in iter(stream.readline, ""):
                        lines.append(line)
                        if answered is not None and line == self.imported_line:
                            answered.set()
        finally:
            if answered is not None:
                answered.set()

    def __enter__(self) -> ImportCheck:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@functools.cache
def _child_program() -> str:
    return Path(import_child.__file__).read_text(encoding="utf-8")


def _imported(text: str) -> list[str]:
    """The modules a module imports at its top level (the child leaves out the repo's own)."""
    return [name for name in dict.fromkeys(_IMPORT_LINE.findall(text)) if name != "__future__"]


def passing_tests(layout: RepoLayout, node_ids: list[str]) -> set[str]:
    """Of the repo's tests `node_ids` (`path::name`), those that pass, their xfail marks set
    aside (run in a fresh interpreter, in the repo)."""
    if not node_ids:
        return set()
    return {node for node, outcome in test_outcomes(layout, node_ids).items() if outcome == "PASSED"}


def test_outcomes(layout: RepoLayout, selection: list[str]) -> dict[str, str]:
    """Run the repo's tests `selection` (pytest arguments: node ids, `-k` expressions) with their
    xfail marks set aside, with the repo's interpreter, in the repo: node id → PASSED, FAILED…"""
    python = repo_interpreter(layout)
    env = {**python.environment(), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTEST_ADDOPTS", None)
    arguments = ["-q", "-p", "no:cacheprovider", "--runxfail", "-rA", *selection]
    try:
        result = _python_run(python, [str(python.executable), "-c", _PYTEST, *arguments],
                             cwd=layout.root, env=env, timeout=600)
    except subprocess.TimeoutExpired as err:
        raise ValidationError(
            f"the repo's tests could not run: {err}",
            hint="run them with `python -m pytest` in the repo to see why; nothing was written",
        ) from None
    # 1: the tests ran (some failed, as some may); 5: none selected; anything else may be a
    # module the tests lack.
    ran = result.returncode in (0, 1, 5)
    lacking = None if ran else python.missing_module(layout, result.stdout + result.stderr)
    if lacking is not None:
        raise python.lacking(lacking)
    if not ran:
        detail = (result.stdout.strip().splitlines() or result.stderr.strip().splitlines() or ["no output"])[-1]
        raise ValidationError(
            f"the repo's tests could not run: {detail}",
            hint="run them with `python -m pytest` in the repo to see why; nothing was written",
        )
    outcomes = {}
    for line in result.stdout.splitlines():
        # `-rA` lines: `PASSED path::name[id]`, `FAILED path::name[id] - reason`.
        match = _SUMMARY.match(line)
        if match:
            outcomes[match["node"]] = match["outcome"]
    return outcomes


_SUMMARY = re.compile(r"(?P<outcome>PASSED|FAILED|ERROR|SKIPPED) (?P<node>\S+::[^\s\[]+(?:\[.*?\])?)(?: - .*)?$")


def _python_run(
    python: Interpreter, command: list[str], *, cwd: Path, env: dict[str, str], timeout: int
) -> subprocess.CompletedProcess[str]:
    """Run the repo's interpreter; one that cannot start at all is the environment's fault."""
    try:
        result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    except OSError as err:
        raise python.broken(err.strerror or str(err)) from None
    _require_started(python, result.stdout, result.stderr, result.returncode)
    return result


def _require_started(python: Interpreter, stdout: str, stderr: str, returncode: int) -> None:
    """Without the first line every script prints, the interpreter did not run it."""
    if not stdout.startswith(_STARTED):
        detail = (stderr.strip().splitlines() or [f"exit status {returncode}, no output"])[-1]
        raise python.broken(detail)
