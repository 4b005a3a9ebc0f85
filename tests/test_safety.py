"""A repo as an attacker, a careless user or a full disk leaves it: nothing outside the repo is
touched, no code of the repo runs in a read-only command, nothing waits forever, every error
is one line, and whatever a killed command left is undone out loud."""

from __future__ import annotations

import errno
import hashlib
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scaffold.repo import transaction as apply
from scaffold.repo.journal import Journal, JournalEntry
from tests.conftest import Cli
from tests.conftest import tree_digest as every_file

ADD = ["endpoint", "add", "GET", "/users/{user_id}/sessions", "--permission", "edit_other_users", "--yes"]
READ_ONLY = [
    pytest.param(["check"], id="check"),
    pytest.param(["endpoint", "list"], id="list"),
]


def one_line(stderr: str) -> str:
    """The one error line of a refusal (no traceback, no box)."""
    assert "Traceback" not in stderr and "╭" not in stderr, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def tree_digest(root: Path) -> dict[str, str]:
    """Every file of the repo but scaffold's cache (which a command may write)."""
    return {path: digest for path, digest in every_file(root).items() if not path.startswith(".scaffold/")}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def entries(root: Path) -> dict[str, str]:
    """Every entry under `root`, links not followed: what it is and holds."""
    found = {}
    for path in sorted(root.rglob("*")):
        if "__pycache__" in path.parts:
            continue
        if path.is_symlink():
            found[path.relative_to(root).as_posix()] = "-> " + os.readlink(path)
        elif path.is_file():
            found[path.relative_to(root).as_posix()] = sha(path.read_bytes())
        else:
            found[path.relative_to(root).as_posix()] = "dir"
    return found


# ---------------------------------------------------------------------------------------------
# 1. A planted journal


def plant_journal(repo: Path, outside: Path, kind: str) -> None:
    """A link to `outside` in the repo, and a journal that reaches through it."""
    (outside / "victim.py").write_text("precious\n")
    (repo / "lnk").symlink_to(outside, target_is_directory=True)
    victim = sha(b"precious\n")
    if kind == "delete":  # "created by the killed command": removing it deletes the outside file
        journal = Journal([JournalEntry("lnk/victim.py", None, victim)])
    elif kind == "overwrite":  # "replaced": putting the backup back overwrites the outside file
        (outside / ".victim.py.scaffold-old.tmp").write_text("planted\n")
        journal = Journal([JournalEntry("lnk/victim.py", sha(b"planted\n"), victim)])
    else:  # "a directory it created": removing it removes the outside one
        (outside / "empty").mkdir()
        journal = Journal([], ["lnk/empty"])
    (repo / apply.JOURNAL_NAME).write_text(journal.dump())


@pytest.mark.parametrize("argv", READ_ONLY)
@pytest.mark.parametrize("kind", ["delete", "overwrite", "rmdir"])
def test_a_journal_through_a_link_touches_nothing_outside(
    cli: Cli, repo: Path, tmp_path: Path, kind: str, argv: list[str]
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    plant_journal(repo, outside, kind)
    before, outside_before = entries(repo), entries(outside)
    result = cli(*argv, "--repo", str(repo))
    assert result.exit_code == 2
    line = one_line(result.stderr)
    assert f"{apply.JOURNAL_NAME}: names lnk/" in line and "outside the repo" in line, line
    assert "nothing was changed" in line and f"delete {apply.JOURNAL_NAME}" in line
    assert entries(outside) == outside_before
    assert entries(repo) == before


def test_a_backup_that_is_a_link_is_never_put_back(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """A journal's backup is a file scaffold wrote: one that is a link would make the repo's
    file a link to anywhere."""
    (tmp_path / "elsewhere.py").write_text("x = 1\n")
    module = repo / "server/api4/team.py"
    (module.parent / ".team.py.scaffold-old.tmp").symlink_to(tmp_path / "elsewhere.py")
    journal = Journal([JournalEntry("server/api4/team.py", sha(b"x = 1\n"), sha(module.read_bytes()))])
    (repo / apply.JOURNAL_NAME).write_text(journal.dump())
    before = entries(repo)
    result = cli("check", "--repo", str(repo))
    assert result.exit_code == 2
    assert "is a symlink; scaffold never writes one" in one_line(result.stderr)
    assert entries(repo) == before


# ---------------------------------------------------------------------------------------------
# 3. The repo's code runs only in the commands that write


def plant_code(repo: Path, marks: Path) -> None:
    """A repo whose formatter, server module and cache each leave a mark when they run."""
    formatter = f"import pathlib, sys; pathlib.Path({str(marks / 'formatter')!r}).touch(); sys.stdout.write(sys.stdin.read())"
    config = repo / "scaffold.toml"
    text = config.read_text(encoding="utf-8")
    assert text.count("\n[format]\n") == 1
    config.write_text(text.replace("\n[format]\n", f'\n[format]\ncommand = "{sys.executable} -c \\"{formatter}\\""\n'))
    api = repo / "server/api4/api.py"
    api.write_text(api.read_text() + f"\n__import__('pathlib').Path({str(marks / 'import')!r}).touch()\n")


class Planted:
    """A pickle that makes a directory when it is loaded: what a committed cache could hold."""

    def __init__(self, mark: Path) -> None:
        self.mark = mark

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.mkdir, (str(self.mark),)


def plant_cache(repo: Path, marks: Path) -> None:
    cache = repo / ".scaffold/cache"
    cache.mkdir(parents=True, exist_ok=True)
    for name in ("facts", "spec", "report", "replay"):
        (cache / f"{name}.pickle").write_bytes(pickle.dumps(Planted(marks / f"cache-{name}")))


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["check"], id="check"),
        pytest.param(["endpoint", "list"], id="list"),
        pytest.param(["checklist", "GET", "/users/{user_id}"], id="checklist"),
        pytest.param(["docs", "build"], id="docs-build"),
    ],
)
def test_read_only_commands_never_run_the_repos_code(repo: Path, tmp_path: Path, argv: list[str]) -> None:
    marks = tmp_path / "marks"
    marks.mkdir()
    plant_code(repo, marks)
    plant_cache(repo, marks)
    # As the console script runs them (the replay reads its cache before the command line).
    result = subprocess.run(
        [sys.executable, "-m", "scaffold", *argv, "--repo", str(repo)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in marks.iterdir()) == []


def test_the_marks_are_left_by_a_command_that_writes(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """The counterpart: `add` does run the formatter and the import, as its --help says."""
    marks = tmp_path / "marks"
    marks.mkdir()
    plant_code(repo, marks)
    result = cli(*ADD, "--repo", str(repo))
    assert result.exit_code == 0, result.stderr
    assert {p.name for p in marks.iterdir()} == {"formatter", "import"}
    for command in (["endpoint", "add"], ["endpoint", "remove"], ["check"]):
        assert "runs the repo's own code" in cli(*command, "--help").stdout.replace("\n", " ")


def test_a_cache_linked_out_of_the_repo_is_neither_read_nor_written(cli: Cli, repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo / ".scaffold").symlink_to(outside, target_is_directory=True)
    assert cli("check", "--repo", str(repo)).exit_code == 0
    assert list(outside.iterdir()) == []


def test_the_caches_gitignore_is_never_written_through_a_link(cli: Cli, repo: Path, tmp_path: Path) -> None:
    (repo / ".scaffold/cache").mkdir(parents=True)
    (repo / ".scaffold/cache/.gitignore").symlink_to(tmp_path / "written-outside")
    assert cli("check", "--repo", str(repo)).exit_code == 0
    assert not (tmp_path / "written-outside").exists()


def test_docs_serve_serves_nothing_through_a_link(repo: Path, tmp_path: Path) -> None:
    import threading
    import urllib.error
    import urllib.request

    from scaffold.spec.html import docs_server

    page = repo / "api/v4/html"
    page.mkdir(parents=True)
    (page / "index.html").write_text("<html></html>")
    (tmp_path / "secret.txt").write_text("secret")
    (page / "secret.txt").symlink_to(tmp_path / "secret.txt")
    server = docs_server(page, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        with urllib.request.urlopen(f"{base}/index.html", timeout=10) as page_response:
            assert page_response.status == 200
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{base}/secret.txt", timeout=10).close()
        refused.value.close()
        assert refused.value.code == 404
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------------------------------------
# 7. Bad input and full disks are the user's to fix: exit 2, one line


def test_init_on_a_full_disk_says_so_and_leaves_nothing(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = shutil.copyfile
    copied = []

    def copyfile(src: str, dst: str, **kwargs: object) -> object:
        copied.append(dst)
        if len(copied) == 20:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), dst)
        return real(src, dst, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(shutil, "copyfile", copyfile)
    result = cli("init", str(tmp_path / "new" / "server"))
    assert result.exit_code == 2
    line = one_line(result.stderr)
    assert line.startswith("error: cannot create ") and "No space left on device" in line
    assert "nothing was created" in line
    assert list(tmp_path.iterdir()) == []


def test_a_byte_that_is_not_utf8_in_scaffold_toml_is_placed(cli: Cli, repo: Path) -> None:
    config = repo / "scaffold.toml"
    lines = config.read_bytes().split(b"\n")
    lines[2] += b" # caf\xe9"
    config.write_bytes(b"\n".join(lines))
    for argv in (["check"], ["endpoint", "list"], ADD):
        result = cli(*argv, "--repo", str(repo))
        assert result.exit_code == 2
        line = one_line(result.stderr)
        assert "scaffold.toml:3: not UTF-8 text: byte 0xe9" in line and "save the file as UTF-8" in line


def test_an_error_at_line_100_is_said_at_line_100(cli: Cli, repo: Path) -> None:
    """Not as an emoji: `:100:` is the code of one."""
    config = repo / "scaffold.toml"
    lines = config.read_bytes().split(b"\n")
    lines[99] += b"\xff"
    config.write_bytes(b"\n".join(lines))
    result = cli("check", "--repo", str(repo))
    assert "scaffold.toml:100: not UTF-8 text" in one_line(result.stderr)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        pytest.param(["GET", "/users/" + "a" * 100_000], "characters long, and a path may have 512", id="long-path"),
        pytest.param(["GET", "/users/{" + "a" * 5000 + "}"], "a path may have 512", id="long-param"),
        pytest.param(["GET", "/users/{" + "a" * 100 + "_id}"], "and a name may have 64", id="param-over-64"),
        pytest.param(["POST", "/users/x", "--body", "a" * 5000 + ":string"], "is too long", id="long-field"),
        pytest.param(["GET", "/users/x", "--tag", "a" * 5000], "is longer than 100 characters", id="long-tag"),
    ],
)
def test_names_too_long_for_the_files_are_bad_input(cli: Cli, repo: Path, args: list[str], says: str) -> None:
    before = tree_digest(repo)
    result = cli("endpoint", "add", *args, "--permission", "none", "--yes", "--repo", str(repo))
    assert result.exit_code == 2
    line = one_line(result.stderr)
    assert says in line and "bug" not in line and len(line) < 400, line[:400]
    assert tree_digest(repo) == before


# ---------------------------------------------------------------------------------------------
# 8. Files that are not files


def run_scaffold(*argv: str) -> subprocess.CompletedProcess[str]:
    """The console script in a fresh process, with a timeout: a wait on a pipe fails, not hangs."""
    return subprocess.run(
        [sys.executable, "-m", "scaffold", *argv], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
@pytest.mark.parametrize(
    ("path", "argv"),
    [
        pytest.param("api/v4/source/users.yaml", ["endpoint", "list"], id="fragment-list"),
        pytest.param("api/v4/source/users.yaml", ADD, id="fragment-add"),
        pytest.param("server/api4/team.py", ["check", "--no-cache"], id="module-check"),
        pytest.param("server/model/client4.py", ["check"], id="driver-check"),
        pytest.param("scaffold.toml", ["check"], id="config"),
        pytest.param(apply.JOURNAL_NAME, ["check"], id="journal"),
        pytest.param(".scaffold/cache/report.pickle", ["check"], id="cache"),
    ],
)
def test_a_named_pipe_is_refused_not_waited_on(repo: Path, path: str, argv: list[str]) -> None:
    target = repo / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    os.mkfifo(target)
    try:
        result = run_scaffold(*argv, "--repo", str(repo))
    except subprocess.TimeoutExpired:
        pytest.fail(f"waited on the named pipe {path}")
    if path.startswith(".scaffold/cache"):
        assert result.returncode == 0, result.stderr  # a cache that cannot be read is an empty one
        return
    assert result.returncode == 2, result.stderr
    line = one_line(result.stderr)
    assert f"{path}: is a named pipe, not a file scaffold can read" in line, line


# ---------------------------------------------------------------------------------------------
# 13. Linked modules


def link_to_moved(repo: Path, path: str, to: str) -> None:
    """Move a file elsewhere in the repo and leave a relative link to it in its place."""
    target = repo / to
    target.parent.mkdir(parents=True, exist_ok=True)
    (repo / path).rename(target)
    (repo / path).symlink_to(os.path.relpath(target, (repo / path).parent))


LINKED = {
    "server/app/user.py": "shared/app_user.py",
    "server/api4/user.py": "shared/api_user.py",
    "server/api4/user_test.py": "server/api4/shared_user_tests.py.txt",
    "api/v4/source/users.yaml": "api/v4/users.yaml",
}


def test_a_linked_module_has_its_target_edited_and_the_link_kept(cli: Cli, repo: Path) -> None:
    for path, to in LINKED.items():
        link_to_moved(repo, path, to)
    links = {path: os.readlink(repo / path) for path in LINKED}
    targets = {to: (repo / to).read_text() for to in LINKED.values()}
    added = cli(*ADD, "--repo", str(repo))
    assert added.exit_code == 0, added.stderr
    assert {path: os.readlink(repo / path) for path in LINKED if (repo / path).is_symlink()} == links
    for to, text in targets.items():
        assert (repo / to).read_text() != text, f"{to} was not edited"
    assert "get_user_sessions" in (repo / "shared/api_user.py").read_text()
    assert cli("check", "--repo", str(repo), "--format", "json").exit_code == 0
    removed = cli("endpoint", "remove", "GET", "/users/{user_id}/sessions", "--yes", "--repo", str(repo))
    assert removed.exit_code == 0, removed.stderr
    assert {to: (repo / to).read_text() for to in LINKED.values()} == targets
    assert all((repo / path).is_symlink() for path in LINKED)


def test_a_module_linked_out_of_the_repo_is_refused(cli: Cli, repo: Path, tmp_path: Path) -> None:
    shutil.move(repo / "server/app/user.py", tmp_path / "user.py")
    (repo / "server/app/user.py").symlink_to(tmp_path / "user.py")
    outside = (tmp_path / "user.py").read_bytes()
    result = cli(*ADD, "--repo", str(repo))
    assert result.exit_code == 2
    assert "server/app/user.py" in one_line(result.stderr) and "outside the repo" in result.stderr
    assert (tmp_path / "user.py").read_bytes() == outside


# ---------------------------------------------------------------------------------------------
# 14. What a killed command left is undone out loud


def leave_staged(repo: Path) -> dict[str, str]:
    """What a command killed while staging leaves: its lock, its journal, and some of the new
    texts and backups beside their targets, no target replaced yet. Returns the repo before."""
    before = tree_digest(repo)
    user, test = repo / "server/api4/user.py", repo / "server/api4/user_test.py"
    journal = Journal(
        [
            JournalEntry("server/api4/user.py", sha(user.read_bytes()), sha(b"new\n")),
            JournalEntry("server/api4/user_test.py", sha(test.read_bytes()), sha(b"new tests\n")),
            JournalEntry("server/api4/widget.py", None, sha(b"widget\n")),
        ],
        [],
    )
    (repo / apply.LOCK_NAME).write_text("")
    (repo / apply.JOURNAL_NAME).write_text(journal.dump())
    apply.stage_text(user, user.read_text(), apply.OLD_SUFFIX)
    apply.stage_text(user, "new\n", apply.NEW_SUFFIX)
    apply.stage_text(test, test.read_text()[:100], apply.OLD_SUFFIX)  # half-written when killed
    return before


@pytest.mark.parametrize("argv", READ_ONLY)
def test_leftovers_of_a_kill_during_staging_are_cleaned_out_loud(cli: Cli, repo: Path, argv: list[str]) -> None:
    before = leave_staged(repo)
    result = cli(*argv, "--repo", str(repo))
    assert result.exit_code == 0, result.stderr
    said = result.stderr
    assert said.startswith("cleaned up: a scaffold command was killed before it changed any file; removed"), said
    for left in (".user.py.scaffold-old.tmp", ".user.py.scaffold-new.tmp", ".user_test.py.scaffold-old.tmp"):
        assert left in said
    assert apply.JOURNAL_NAME in said and apply.LOCK_NAME in said
    assert tree_digest(repo) == before
    again = cli(*argv, "--repo", str(repo))
    assert again.stderr == ""


def test_a_stale_lock_alone_is_removed_out_loud(cli: Cli, repo: Path) -> None:
    before = tree_digest(repo)
    (repo / apply.LOCK_NAME).write_text("")
    result = cli("endpoint", "list", "--repo", str(repo))
    assert result.exit_code == 0
    assert result.stderr == (
        "cleaned up: a scaffold command was killed before it changed any file; "
        f"removed what it had left: {apply.LOCK_NAME}\n"
    )
    assert tree_digest(repo) == before


def test_a_rollback_says_what_it_restored_and_removed(cli: Cli, repo: Path) -> None:
    before = tree_digest(repo)
    leave_staged(repo)
    user = repo / "server/api4/user.py"
    os.replace(user.parent / f".user.py{apply.NEW_SUFFIX}", user)  # killed after the first replace
    result = cli("check", "--repo", str(repo))
    said = result.stderr
    assert said.startswith(
        "rolled back: a scaffold command was killed while writing; restored server/api4/user.py; removed"
    ), said
    assert tree_digest(repo) == before
