"""What an applied change leaves in scaffold's cache: the import check's compiled modules (it
starts before the change is written, compiles each module once, and never takes the cache's
word over the file it imports), and the facts of the files the change wrote."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from scaffold.commands.guards import apply_checked
from scaffold.errors import ValidationError
from scaffold.model.changes import Change, ChangeSet
from scaffold.repo import import_child
from scaffold.repo.cache import CACHE_DIR, CheckCache
from scaffold.repo.open import open_repo
from scaffold.repo.runner import ImportCheck, import_modules
from scaffold.scan.scanner import scan
from scaffold.scan.tests import tests_facts as read_test_cases
from scaffold.scan.written import WrittenFacts
from tests.conftest import Cli, tree_digest
from tests.test_environment import make_venv

MODULE = "server/api4/extra.py"


def write(repo: Path, text: str) -> ChangeSet:
    (repo / MODULE).write_text(text, encoding="utf-8")
    return ChangeSet([Change(MODULE, None, text)])


def kept(repo: Path) -> dict[str, bytes]:
    folder = repo / CACHE_DIR / "code"
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.is_dir() else {}


def test_the_repos_modules_are_compiled_once_then_read_from_the_cache(repo: Path) -> None:
    import_modules(open_repo(repo), write(repo, "VALUE = 1\n"))
    first = kept(repo)
    assert len(first) > 10  # the routes module and what it imports, not only the written one
    assert (repo / CACHE_DIR / ".gitignore").is_file()
    import_modules(open_repo(repo), write(repo, "VALUE = 2\n"))
    second = kept(repo)
    assert second.keys() == first.keys()
    assert len([name for name in first if first[name] != second[name]]) == 1  # the edited module alone


def test_a_module_changed_since_it_was_compiled_is_compiled_from_its_file(repo: Path) -> None:
    import_modules(open_repo(repo), write(repo, "VALUE = 1\n"))
    with pytest.raises(ValidationError, match="does not import: RuntimeError: the new text"):
        import_modules(open_repo(repo), write(repo, "raise RuntimeError('the new text')\n"))


def test_the_text_compiled_ahead_is_not_taken_for_the_file_written(repo: Path) -> None:
    # The check compiles what the change will write before it is written; the file in place
    # (say, a formatter's output, or someone's edit) is what must import.
    planned = ChangeSet([Change(MODULE, None, "VALUE = 1\n")])
    with ImportCheck(open_repo(repo), planned) as check:
        (repo / MODULE).write_text("raise RuntimeError('what the file holds')\n", encoding="utf-8")
        with pytest.raises(ValidationError, match="what the file holds"):
            check(planned)


def test_a_check_that_never_runs_keeps_nothing(repo: Path) -> None:
    # A change refused before it is written: the interpreter started for it is stopped and
    # leaves the cache as it was.
    with ImportCheck(open_repo(repo), ChangeSet([Change(MODULE, None, "VALUE = 1\n")])) as check:
        assert check.process is not None
    assert check.process.poll() is not None
    assert not (repo / ".scaffold").exists()


def test_a_failed_import_keeps_nothing(repo: Path) -> None:
    with pytest.raises(ValidationError):
        import_modules(open_repo(repo), write(repo, "raise RuntimeError('no')\n"))
    assert not (repo / ".scaffold").exists()


def test_a_planted_cache_is_neither_waited_on_nor_written_through(repo: Path, tmp_path: Path) -> None:
    import_modules(open_repo(repo), write(repo, "VALUE = 1\n"))
    folder = repo / CACHE_DIR / "code"
    outside = tmp_path / "outside"
    outside.mkdir()
    for index, entry in enumerate(sorted(folder.iterdir())):
        entry.unlink()
        if index % 2:
            os.mkfifo(entry)  # read, it would never end
        else:
            entry.symlink_to(outside / entry.name)  # written through, it would land outside
    import_modules(open_repo(repo), write(repo, "VALUE = 2\n"))
    assert list(outside.iterdir()) == []


def test_a_cache_folder_leading_out_of_the_repo_is_not_used(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo / ".scaffold").mkdir()
    (repo / CACHE_DIR).symlink_to(outside, target_is_directory=True)
    import_modules(open_repo(repo), write(repo, "VALUE = 1\n"))
    assert list(outside.iterdir()) == []


def test_a_check_started_early_never_loads_the_repos_own_modules_before_they_are_written(
    repo: Path,
) -> None:
    # What the last check loaded from outside the repo is loaded first, the next time; a name
    # of the repo's own planted there would load the module as it was before the change.
    import_modules(open_repo(repo), write(repo, "VALUE = 1\n"))
    remembered = next((repo / CACHE_DIR / "code").glob("outside.*"))
    remembered.write_text(remembered.read_text() + "\nserver.api4.extra\n")
    with ImportCheck(open_repo(repo)) as check:
        time.sleep(2)  # while the change is planned, the interpreter loads what it can
        changes = write(repo, "raise RuntimeError('the change')\n")
        check.expect(changes)
        with pytest.raises(ValidationError, match="the change"):
            check(changes)


def test_a_check_started_early_for_a_change_without_python_stops(repo: Path) -> None:
    with ImportCheck(open_repo(repo)) as check:
        process = check.process
        assert process is not None
        check.expect(ChangeSet([Change("api/v4/source/users.yaml", "a: 1\n", "a: 2\n")]))
        check(ChangeSet())
    assert process.poll() is not None


def test_an_add_keeps_the_facts_of_what_it_wrote_as_a_scan_reads_them(
    cli: Cli, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(WrittenFacts, "THRESHOLD", 0)
    path = "server/api4/user_test.py"

    def add(url: str) -> None:
        result = cli("endpoint", "add", "GET", url, "--permission", "edit_other_users", "--yes", "--repo", str(repo))
        assert result.exit_code == 0, result.output

    add("/users/{user_id}/sessions")  # brings the imports the next one needs
    assert cli("check", "--repo", str(repo)).exit_code == 0  # the cache holds every module
    before = (repo / path).read_text(encoding="utf-8")
    add("/users/{user_id}/devices")
    text = (repo / path).read_text(encoding="utf-8")
    assert text.startswith(before)  # only appended to
    kept = CheckCache(repo).facts("tests", path, text)
    assert kept is not None
    assert kept == read_test_cases(text, path)
    assert any(case.name == "test_get_user_devices" for case in kept)
    # Every file the add wrote (handlers, docs, driver, security table) is read from the cache.
    layout, cache = open_repo(repo), CheckCache(repo)
    assert scan(layout, memo=cache.memo) == scan(layout)
    assert cache.misses == 0 and cache.hits > 10
    assert not list((repo / CACHE_DIR).glob("*.tmp"))


def test_a_remove_keeps_the_facts_of_the_tests_it_left_without_reading_them_again(
    cli: Cli, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(WrittenFacts, "THRESHOLD", 0)
    path = "server/api4/user_test.py"
    for url in ("/users/{user_id}/sessions", "/users/{user_id}/devices"):
        added = cli("endpoint", "add", "GET", url, "--permission", "edit_other_users", "--yes", "--repo", str(repo))
        assert added.exit_code == 0, added.output
    assert cli("check", "--repo", str(repo)).exit_code == 0  # the cache holds every module
    assert "def test_get_user_sessions" in (repo / path).read_text(encoding="utf-8")

    def unread(text: str, where: str) -> list[object]:
        raise AssertionError(f"{where} read again")

    # The facts child is forked from this process: it finds the scanner without its reader.
    monkeypatch.setattr("scaffold.scan.scanner.tests_facts", unread)
    removed = cli("endpoint", "remove", "GET", "/users/{user_id}/sessions", "--yes", "--repo", str(repo))
    assert removed.exit_code == 0, removed.output
    text = (repo / path).read_text(encoding="utf-8")
    kept = CheckCache(repo).facts("tests", path, text)
    assert kept is not None and kept == read_test_cases(text, path)
    assert any(case.name == "test_get_user_devices" for case in kept)
    assert not any(case.name.startswith("test_get_user_sessions") for case in kept)


def removal_of_sessions(cli: Cli, repo: Path) -> list[str]:
    """Add an endpoint, remove it: the modules the removal's import check imported."""
    added = cli("endpoint", "add", "GET", SESSIONS, "--permission", "edit_other_users", "--yes", "--repo", str(repo))
    assert added.exit_code == 0, added.output
    imported: list[str] = []
    real = ImportCheck.expect

    def expect(self: ImportCheck, changes: ChangeSet) -> None:
        real(self, changes)
        imported.extend(self.modules)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ImportCheck, "expect", expect)
        removed = cli("endpoint", "remove", "GET", SESSIONS, "--yes", "--repo", str(repo))
    assert removed.exit_code == 0, removed.output
    return imported


SESSIONS = "/users/{user_id}/sessions"


def test_a_test_module_that_only_lost_tests_is_not_imported_again(cli: Cli, repo: Path) -> None:
    imported = removal_of_sessions(cli, repo)
    assert "server.api4.user_test" not in imported
    assert "server.api4.api" in imported and "server.model.client4" in imported


def test_a_removed_test_that_the_module_still_names_fails_the_import(cli: Cli, repo: Path) -> None:
    added = cli("endpoint", "add", "GET", SESSIONS, "--permission", "edit_other_users", "--yes", "--repo", str(repo))
    assert added.exit_code == 0, added.output
    tests = repo / "server/api4/user_test.py"
    test = next(line[4:].partition("(")[0] for line in tests.read_text().splitlines() if line.startswith("def test_get_user_sessions"))
    tests.write_text(tests.read_text() + f"\nALIASED = {test}\n")
    before = tree_digest(repo)
    removed = cli("endpoint", "remove", "GET", SESSIONS, "--yes", "--repo", str(repo))
    assert removed.exit_code == 1, removed.stderr
    assert "does not import" in removed.stderr and f"name '{test}' is not defined" in removed.stderr
    assert tree_digest(repo) == before


def test_a_refused_change_leaves_the_facts_as_they_were(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(WrittenFacts, "THRESHOLD", 0)
    layout = open_repo(repo)
    cache = CheckCache(repo)
    scan(layout, memo=cache.memo)
    cache.save()
    facts = repo / CACHE_DIR / "facts.pickle"
    kept = facts.read_bytes()
    module = "server/api4/user.py"
    before = (repo / module).read_text(encoding="utf-8")
    changes = ChangeSet([Change(module, before, before + "\nraise RuntimeError('no')\n")])
    with pytest.raises(ValidationError, match="does not import"):
        apply_checked(layout, changes)
    assert facts.read_bytes() == kept
    assert sorted(p.name for p in (repo / CACHE_DIR).iterdir() if p.is_file()) == [".gitignore", "facts.pickle"]


def older_pythons() -> list[str]:
    """Interpreters of Python 3.8 and 3.9 on this machine (on PATH, or installed by pyenv)."""
    found = [shutil.which(f"python3.{minor}") for minor in (8, 9)]
    root = Path(os.environ.get("PYENV_ROOT", "~/.pyenv")).expanduser()
    found += [str(p) for p in sorted(root.glob("versions/3.[89].*/bin/python3"))]
    return [p for p in dict.fromkeys(found) if p and subprocess.run([p, "-c", "pass"], capture_output=True).returncode == 0]


@pytest.mark.skipif(not older_pythons(), reason="no Python 3.8 or 3.9 on this machine")
def test_the_import_check_runs_on_the_oldest_python_a_repo_may_have(tmp_path: Path) -> None:
    (tmp_path / "mod.py").write_text("VALUE = 1\n", encoding="utf-8")
    program = Path(import_child.__file__).read_text(encoding="utf-8")
    for index, python in enumerate(older_pythons()):
        cache = tmp_path / f"cache-{index}"
        ran = subprocess.run(
            [python, "-c", program, str(cache), "json"],
            input=json.dumps({"written": {"mod.py": "VALUE = 1\n"}}) + "\nmod\n",
            cwd=tmp_path, capture_output=True, text=True, timeout=60,
        )
        assert (ran.returncode, ran.stdout.splitlines()[:1]) == (0, [import_child.STARTED]), (python, ran.stderr)
        assert len(list(cache.iterdir())) == 2  # the module's code, the names loaded


def test_a_child_that_writes_much_as_it_starts_is_not_waited_on_forever(repo: Path) -> None:
    # What the edited modules import from outside the repo may print, a lot, as it loads;
    # the texts sent to be compiled ahead are bigger than a pipe holds.
    python = make_venv(repo / ".venv", complete=True)
    site = next(python.parent.parent.glob("lib/python3*/site-packages"))
    (site / "noisy_dependency.py").write_text("import sys\nsys.stderr.write('x' * 300_000)\n", encoding="utf-8")
    big = "import noisy_dependency\n" + "# padding\n" * 20_000 + "VALUE = 1\n"
    done: list[BaseException | None] = []

    def check() -> None:
        try:
            import_modules(open_repo(repo), write(repo, big))
            done.append(None)
        except BaseException as err:  # noqa: BLE001 (reported below)
            done.append(err)

    worker = threading.Thread(target=check, daemon=True)
    worker.start()
    worker.join(60)
    assert done == [None], "the import check waited on a child blocked writing its output"


def test_a_module_the_repo_holds_on_another_path_is_never_loaded_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An editable install puts the repo's src/ on the path: its packages are the repo's own,
    # whose files the change may not have written yet.
    (tmp_path / "src" / "editable_pkg").mkdir(parents=True)
    (tmp_path / "src" / "editable_pkg" / "__init__.py").write_text("", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    import_child.load_outside(["editable_pkg", "json"], str(tmp_path))
    assert "editable_pkg" not in sys.modules
    assert "json" in sys.modules


def _warm(repo: Path) -> bytes:
    cache = CheckCache(repo)
    scan(open_repo(repo), memo=cache)
    cache.save()
    return (repo / CACHE_DIR / "facts.pickle").read_bytes()


def _facts_kept_of_any_change(repo: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """The facts cache filled, a change of any size keeping the facts it writes; the module
    a test changes, and its text."""
    monkeypatch.setattr(WrittenFacts, "THRESHOLD", 0)
    _warm(repo)
    module = "server/api4/user.py"
    return module, (repo / module).read_text(encoding="utf-8")


def _left(repo: Path) -> list[str]:
    return sorted(p.name for p in (repo / CACHE_DIR).iterdir() if p.name.endswith(".tmp"))


def test_ctrl_c_while_the_server_imports_leaves_no_facts_behind(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(WrittenFacts, "THRESHOLD", 0)
    kept = _warm(repo)
    module = "server/api4/user.py"
    before = (repo / module).read_text(encoding="utf-8")

    def interrupted(self: ImportCheck, changes: ChangeSet) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(ImportCheck, "__call__", interrupted)
    with pytest.raises(KeyboardInterrupt):
        apply_checked(open_repo(repo), ChangeSet([Change(module, before, before + "\nX = 1\n")]))
    assert (repo / module).read_text(encoding="utf-8") == before
    assert (repo / CACHE_DIR / "facts.pickle").read_bytes() == kept and _left(repo) == []
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_ctrl_c_while_the_facts_are_kept_leaves_the_change_made(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scaffold.repo import forked

    module, before = _facts_kept_of_any_change(repo, monkeypatch)
    real = forked.Forked.result

    def interrupted(self: forked.Forked[object]) -> object:
        if isinstance(self, forked.Forked) and self.__dict__.get("_kept_by_written_facts"):
            raise KeyboardInterrupt
        return real(self)

    def marked(self: WrittenFacts) -> None:
        if self._child is not None:
            self._child.__dict__["_kept_by_written_facts"] = True
        original_keep(self)

    original_keep = WrittenFacts.keep
    monkeypatch.setattr(WrittenFacts, "keep", marked)
    monkeypatch.setattr(forked.Forked, "result", interrupted)
    apply_checked(open_repo(repo), ChangeSet([Change(module, before, before + "\nX = 1\n")]))
    assert (repo / module).read_text(encoding="utf-8") == before + "\nX = 1\n"
    assert _left(repo) == []
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_a_module_that_prints_the_answer_is_not_taken_for_it(repo: Path) -> None:
    text = f"print({import_child.IMPORTED!r})\nraise RuntimeError('after the words')\n"
    with pytest.raises(ValidationError, match="RuntimeError: after the words"):
        import_modules(open_repo(repo), write(repo, text))


def answered_and_lingering(repo: Path, seconds: int) -> ImportCheck:
    """An import check whose child said every module imported, and lingers `seconds` as it
    ends (after it kept its cache)."""
    changes = write(repo, f"import atexit, time\natexit.register(time.sleep, {seconds})\n")
    check = ImportCheck(open_repo(repo), changes)
    assert check.process is not None
    check(changes)
    return check


def test_the_command_goes_on_while_the_child_keeps_what_it_compiled(repo: Path) -> None:
    check = answered_and_lingering(repo, 3)
    assert check.process is not None
    assert check.imported and check.process.poll() is None  # answered, and still running
    check.close()
    assert check.process.returncode == 0 and kept(repo) and (repo / CACHE_DIR / ".gitignore").is_file()


def test_ctrl_c_while_the_child_keeps_what_it_compiled_stops_it_quietly(repo: Path) -> None:
    check = answered_and_lingering(repo, 30)
    process = check.process
    assert process is not None
    real_wait = process.wait

    def interrupted(timeout: float | None = None) -> int:
        if timeout is not None:
            raise KeyboardInterrupt
        return real_wait()

    process.wait = interrupted  # type: ignore[method-assign]
    check.close()  # the change is made: Ctrl-C stops only the keeping
    assert process.poll() is not None


def test_a_module_that_only_lost_a_definition_another_module_imports_fails_the_import(repo: Path) -> None:
    # ids.py imports as it did without is_valid_id, but channel.py (reached from the routes
    # module) imports that name: the routes module is imported all the same.
    path = "server/model/ids.py"
    before = (repo / path).read_text(encoding="utf-8")
    start = before.index("\n\ndef is_valid_id(")
    after = before[:start] + "\n"
    (repo / path).write_text(after, encoding="utf-8")
    change = ChangeSet([Change(path, before, after, compiles_as_before=True)])
    with pytest.raises(ValidationError, match="cannot import name 'is_valid_id'"):
        import_modules(open_repo(repo), change)


def test_a_stop_that_interrupts_the_import_checks_close_leaves_no_facts_behind(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module, before = _facts_kept_of_any_change(repo, monkeypatch)
    real_close = ImportCheck.close

    def interrupted(self: ImportCheck, *, keep: bool = True) -> None:
        real_close(self, keep=keep)
        raise KeyboardInterrupt  # a second Ctrl-C, as the child is stopped

    monkeypatch.setattr(ImportCheck, "close", interrupted)
    with pytest.raises(KeyboardInterrupt):
        apply_checked(open_repo(repo), ChangeSet([Change(module, before, before + "\nraise RuntimeError('no')\n")]))
    assert _left(repo) == []
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_a_change_rolled_back_after_its_import_stops_the_child_at_once(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scaffold.commands import guards

    module = "server/api4/user.py"
    before = (repo / module).read_text(encoding="utf-8")
    # The child lingers as it ends: waited for, it would end well, 5 s later.
    after = before + "\nimport atexit, time\natexit.register(time.sleep, 5)\n"
    checks: list[ImportCheck] = []
    real_apply = guards.apply_changes

    def failing_after_the_import(root: Path, changes: ChangeSet, **kwargs: object) -> None:
        post_checks = kwargs.pop("post_checks")
        real_apply(root, changes, **kwargs)  # type: ignore[arg-type]
        for check in post_checks:  # type: ignore[attr-defined]
            check(changes)
        raise OSError("the disk filled as the change was kept")

    real_init = ImportCheck.__init__

    waited: list[float | None] = []

    def init(self: ImportCheck, *args: object, **kwargs: object) -> None:
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]
        checks.append(self)
        assert self.process is not None
        real_wait = self.process.wait

        def wait(timeout: float | None = None) -> int:
            waited.append(timeout)
            return real_wait(timeout)

        self.process.wait = wait  # type: ignore[method-assign]

    monkeypatch.setattr(guards, "apply_changes", failing_after_the_import)
    monkeypatch.setattr(ImportCheck, "__init__", init)
    with pytest.raises(OSError, match="the disk filled"):
        apply_checked(open_repo(repo), ChangeSet([Change(module, before, after)]))
    [check] = checks
    assert check.imported and check.process is not None and check.process.returncode != 0
    assert ImportCheck.KEEPING not in waited  # never waited on to keep its cache
