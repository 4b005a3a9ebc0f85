"""Safety at scale: journals through links, named pipes, bytes that are not UTF-8, linked
modules, and commands killed while staging — many more of each than `tests/test_safety.py`.

Each case is a copy of the reference server made hostile (or left half-written by a kill) and
a command run on it. A refusal must be one line naming the file (and its line, for a bad byte)
with exit 2, nothing inside or outside the repo changed; a kill's leftovers must be undone and
said, every time; an edit through a link must edit its target and keep the link.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from scaffold.cli.app import app
from scaffold.repo import transaction as apply
from scaffold.repo.journal import Journal, JournalEntry
from tests.conftest import run_repo_tests
from tests.reliability.test_faults import ADDS, kill_while_paused, snapshot
from tests.reliability.test_properties import examples

Tally = Callable[[str, int], None]

ADD = ["endpoint", "add", *ADDS["user-sessions"]]
#: Commands that only read, and one that would write: all of them open the repo first.
COMMANDS = (["check"], ["endpoint", "list"], ["checklist", "GET", "/users/{user_id}"], [*ADD, "--dry-run"])


def run(repo: Path, *argv: str) -> Result:
    return CliRunner().invoke(app, [*argv, "--repo", str(repo)], catch_exceptions=False)


def one_line(stderr: str) -> str:
    assert "Traceback" not in stderr and "╭" not in stderr, stderr
    assert stderr.count("\n") == 1, stderr
    return stderr.rstrip("\n")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def without_cache(entries: dict[str, tuple[str, int, str]]) -> dict[str, tuple[str, int, str]]:
    return {path: entry for path, entry in entries.items() if not path.startswith(".scaffold")}


@pytest.fixture
def fresh(pristine: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[], tuple[Path, Path]]:
    """A new copy of the reference server and an empty outside directory, as often as asked."""

    def make() -> tuple[Path, Path]:
        base = tmp_path_factory.mktemp("case")
        shutil.copytree(pristine, base / "repo", symlinks=True)
        (base / "outside").mkdir()
        return base / "repo", base / "outside"

    return make


# ---------------------------------------------------------------------------------------------
# Journals through links

#: Where a link inside the repo may sit, and what a journal may ask through it.
LINK_AT = ("lnk", "server/lnk", "api/v4/source/lnk")
KINDS = ("delete", "overwrite", "rmdir", "backup-link")


def plant(repo: Path, outside: Path, link_at: str, kind: str, depth: int) -> None:
    inner = outside.joinpath(*["d"] * depth)
    inner.mkdir(parents=True, exist_ok=True)
    (inner / "victim.py").write_text("precious\n")
    (repo / link_at).symlink_to(outside, target_is_directory=True)
    named = "/".join([link_at, *["d"] * depth, "victim.py"])
    victim = sha(b"precious\n")
    if kind == "delete":
        journal = Journal([JournalEntry(named, None, victim)])
    elif kind == "overwrite":
        (inner / ".victim.py.scaffold-old.tmp").write_text("planted\n")
        journal = Journal([JournalEntry(named, sha(b"planted\n"), victim)])
    elif kind == "rmdir":
        (inner / "empty").mkdir()
        journal = Journal([], [named.replace("victim.py", "empty")])
    else:  # a backup inside the repo that is a link to an outside file
        module = repo / "server/api4/team.py"
        (module.parent / ".team.py.scaffold-old.tmp").symlink_to(inner / "victim.py")
        journal = Journal([JournalEntry("server/api4/team.py", victim, sha(module.read_bytes()))])
    (repo / apply.JOURNAL_NAME).write_text(journal.dump())


def test_a_journal_through_links_never_reaches_out(
    fresh: Callable[[], tuple[Path, Path]], thorough: bool, tally: Tally
) -> None:
    cases = [
        (link_at, kind, depth, command)
        for link_at in LINK_AT
        for kind in KINDS
        for depth in (0, 2)
        for command in COMMANDS
    ]
    if not thorough:
        cases = cases[:: max(1, len(cases) // 8)]
    for link_at, kind, depth, command in cases:
        repo, outside = fresh()
        plant(repo, outside, link_at, kind, depth)
        before, outside_before = snapshot(repo), snapshot(outside)
        result = run(repo, *command)
        assert result.exit_code == 2, (link_at, kind, command, result.output)
        line = one_line(result.stderr)
        assert apply.JOURNAL_NAME in line and "nothing was changed" in line, line
        assert snapshot(outside) == outside_before, (link_at, kind, command)
        assert snapshot(repo) == before, (link_at, kind, command)
        tally("journals through links", 1)


# ---------------------------------------------------------------------------------------------
# Named pipes

#: Every file a command reads, by what it is.
READ = {
    "fragment": "api/v4/source/users.yaml",
    "other fragment": "api/v4/source/system.yaml",
    "routes module": "server/api4/api.py",
    "handler module": "server/api4/team.py",
    "test module": "server/api4/user_test.py",
    "app module": "server/app/user.py",
    "driver": "server/model/client4.py",
    "context": "server/web/context.py",
    "config": "scaffold.toml",
    "journal": apply.JOURNAL_NAME,
}


def test_a_named_pipe_anywhere_is_refused_at_once(
    fresh: Callable[[], tuple[Path, Path]], thorough: bool, tally: Tally
) -> None:
    commands = COMMANDS if thorough else (["check", "--no-cache"], [*ADD, "--dry-run"])
    names = list(READ) if thorough else ["fragment", "app module", "journal"]
    for name in names:
        for command in commands:
            repo, _ = fresh()
            path = repo / READ[name]
            path.unlink(missing_ok=True)
            os.mkfifo(path)
            try:
                result = subprocess.run(
                    [sys.executable, "-m", "scaffold", *command, "--repo", str(repo)],
                    capture_output=True, text=True, timeout=120, check=False,
                )
            except subprocess.TimeoutExpired:
                pytest.fail(f"{' '.join(command)} waited on a named pipe at {READ[name]}")
            # The context and the app modules are read only by what writes Python.
            if result.returncode == 0 and command[0] in ("check", "checklist") and name in ("context", "app module"):
                continue
            if result.returncode == 0 and command[:2] == ["endpoint", "list"] and name in ("context", "app module"):
                continue
            assert result.returncode == 2, (name, command, result.stderr)
            assert f"{READ[name]}: is a named pipe" in one_line(result.stderr), (name, command)
            tally("named pipes", 1)


# ---------------------------------------------------------------------------------------------
# Bytes that are not UTF-8

BAD_BYTES = st.sampled_from([b"\xff", b"\xfe", b"\xc3", b"\x80", b"\xe9", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80"])
UTF8_FILES = ("scaffold.toml", "api/v4/source/users.yaml", "server/api4/user.py", "server/model/client4.py")


def test_a_byte_that_is_not_utf8_is_placed_at_its_line(
    pristine: Path, tmp_path_factory: pytest.TempPathFactory, thorough: bool, tally: Tally
) -> None:
    @examples(thorough, quick=8, long=60)
    @given(data=st.data())
    def case(data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(UTF8_FILES))
        repo = tmp_path_factory.mktemp("utf8") / "repo"
        shutil.copytree(pristine, repo, symlinks=True)
        lines = (repo / name).read_bytes().split(b"\n")
        line = data.draw(st.integers(1, len(lines) - 1))
        column = data.draw(st.integers(0, len(lines[line - 1])))
        bad = data.draw(BAD_BYTES)
        lines[line - 1] = lines[line - 1][:column] + bad + lines[line - 1][column:]
        (repo / name).write_bytes(b"\n".join(lines))
        before = snapshot(repo)
        command = data.draw(st.sampled_from(COMMANDS))
        result = run(repo, *command)
        assert result.exit_code == 2, result.output
        said = one_line(result.stderr)
        assert f"{name}:{line}: not UTF-8 text: byte 0x{bad[0]:02x}" in said, said
        assert without_cache(snapshot(repo)) == without_cache(before)
        tally("bytes not UTF-8", 1)

    case()


# ---------------------------------------------------------------------------------------------
# Linked modules

#: Each file `add` edits, and where it is moved to (inside the repo) with a link left behind.
EDITED = {
    "fragment": ("api/v4/source/users.yaml", "api/v4/users-fragment.yaml"),
    "handler module": ("server/api4/user.py", "shared/user_handlers.py"),
    "test module": ("server/api4/user_test.py", "shared/user_tests.py.txt"),
    "app module": ("server/app/user.py", "shared/user_app.py"),
    "driver": ("server/model/client4.py", "shared/client.py"),
    "linked directory": ("server/app", "shared/app_layer"),
}


def test_linked_modules_are_edited_through_their_links(
    fresh: Callable[[], tuple[Path, Path]], thorough: bool, tally: Tally
) -> None:
    names = list(EDITED) if thorough else ["handler module", "linked directory"]
    for name in names:
        repo, _ = fresh()
        path, to = EDITED[name]
        (repo / to).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).rename(repo / to)
        (repo / path).symlink_to(os.path.relpath(repo / to, (repo / path).parent))
        link = os.readlink(repo / path)
        before = snapshot(repo)
        added = run(repo, *ADD, "--yes")
        assert added.exit_code == 0, (name, added.stderr)
        assert os.readlink(repo / path) == link, name
        assert snapshot(repo)[to] != before[to] or name == "linked directory", f"{to} was not edited"
        assert run(repo, "check").exit_code == 0, name
        if thorough and name == "handler module":
            tests = run_repo_tests(repo, "server/api4/user_test.py")
            assert tests.returncode == 0, tests.stdout[-2000:]
        removed = run(repo, "endpoint", "remove", *ADDS["user-sessions"][:2], "--yes")
        assert removed.exit_code == 0, (name, removed.stderr)
        assert without_cache(snapshot(repo)) == without_cache(before), name
        tally("linked modules", 1)


# ---------------------------------------------------------------------------------------------
# Killed while staging


def staged_texts(repo: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """How many texts the add stages (its journal, the backups, the new texts)."""
    calls = []
    real = apply.stage_text
    with monkeypatch.context() as patch:
        patch.setattr(apply, "stage_text", lambda *args: calls.append(args) or real(*args))
        assert run(repo, "endpoint", "add", *ADDS["new-tag"], "--yes").exit_code == 0
    return len(calls)


def test_every_kill_while_staging_is_undone_out_loud(
    fresh: Callable[[], tuple[Path, Path]], monkeypatch: pytest.MonkeyPatch, thorough: bool, tally: Tally
) -> None:
    """Killed at each file it stages (journal, backups, new texts), the next command of any kind
    says what it cleaned up, and leaves nothing: no temporary file, journal or lock."""
    count = staged_texts(fresh()[0], monkeypatch)
    stages = range(1, count + 1) if thorough else (1, count // 2, count)
    for n, nth in enumerate(stages):
        repo, _ = fresh()
        before = snapshot(repo)
        kill_while_paused(repo, "new-tag", "stage_text", nth)
        command = COMMANDS[n % len(COMMANDS)]
        result = run(repo, *command)
        assert result.exit_code in (0, 1), (nth, command, result.stderr)
        said = result.stderr.splitlines()[0] if result.stderr else ""
        assert said.startswith("cleaned up: a scaffold command was killed before it changed any file; removed"), (
            nth, command, result.stderr,
        )
        assert apply.LOCK_NAME in said, said
        assert without_cache(snapshot(repo)) == without_cache(before), (nth, command)
        again = run(repo, *command)
        assert again.stderr == "", again.stderr
        tally("kills while staging, undone out loud", 1)
