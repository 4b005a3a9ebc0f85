"""The repo layer's guards, one by one: journals, files that are not files, the cache's
unpickler, the lock's release, and edits through links."""

from __future__ import annotations

import os
import pickle
import socket
from pathlib import Path

import pytest

from scaffold.errors import RepoLayoutError, ScaffoldError
from scaffold.model.changes import Change, ChangeSet
from scaffold.model.endpoint import HttpMethod
from scaffold.model.reader import decode_utf8
from scaffold.repo import lock as repo_lock
from scaffold.repo.cache import Store
from scaffold.repo.files import read_regular
from scaffold.repo.journal import Journal, JournalEntry, Recovery, check_contained
from scaffold.repo.transaction import real_files
from scaffold.scan.facts import Location

# ---------------------------------------------------------------------------------------------
# Journals


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A repo with a link inside it, one out of it, and a loop."""
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg/mod.py").write_text("x = 1\n")
    (tmp_path / "outside").mkdir()
    (root / "inner").symlink_to(root / "pkg", target_is_directory=True)
    (root / "out").symlink_to(tmp_path / "outside", target_is_directory=True)
    (root / "loop").symlink_to(root / "loop")
    return root


@pytest.mark.parametrize(
    "journal",
    [
        pytest.param(Journal([JournalEntry("pkg/mod.py", "a", "b")], ["pkg/new"]), id="plain"),
        pytest.param(Journal([JournalEntry("inner/mod.py", "a", "b")]), id="link-inside"),
        pytest.param(Journal([JournalEntry("pkg/absent.py", None, "b")]), id="a-new-file"),
    ],
)
def test_a_journal_inside_the_repo_is_accepted(tree: Path, journal: Journal) -> None:
    check_contained(tree, journal)


@pytest.mark.parametrize(
    ("journal", "named"),
    [
        pytest.param(Journal([JournalEntry("out/victim.py", None, "b")]), "out/victim.py", id="file-through-link"),
        pytest.param(Journal([], ["out/dir"]), "out/dir", id="dir-through-link"),
        pytest.param(Journal([JournalEntry("out", None, "b")]), "out", id="the-link-itself"),
        pytest.param(Journal([JournalEntry("loop/x.py", None, "b")]), "loop/x.py", id="loop"),
    ],
)
def test_a_journal_reaching_out_is_refused(tree: Path, journal: Journal, named: str) -> None:
    with pytest.raises(ScaffoldError, match=f"names {named}, which leads outside the repo"):
        check_contained(tree, journal)


def test_a_temporary_file_that_is_a_link_is_refused(tree: Path) -> None:
    (tree / "pkg/.mod.py.scaffold-new.tmp").symlink_to(tree / "pkg/mod.py")
    with pytest.raises(ScaffoldError, match=r"names pkg/\.mod\.py\.scaffold-new\.tmp, which is a symlink"):
        check_contained(tree, Journal([JournalEntry("pkg/mod.py", "a", "b")]))


@pytest.mark.parametrize(
    ("recovery", "said"),
    [
        pytest.param(Recovery(), "", id="nothing"),
        pytest.param(
            Recovery(("a.py",), (".scaffold.journal",)),
            "rolled back: a scaffold command was killed while writing; restored a.py; "
            "removed what it had left: .scaffold.journal",
            id="restored",
        ),
        pytest.param(
            Recovery((), (".a.py.scaffold-new.tmp", ".scaffold.lock")),
            "cleaned up: a scaffold command was killed before it changed any file; "
            "removed what it had left: .a.py.scaffold-new.tmp, .scaffold.lock",
            id="cleaned",
        ),
    ],
)
def test_a_recovery_is_said_in_one_sentence(recovery: Recovery, said: str) -> None:
    assert bool(recovery) == bool(said)
    if said:
        assert recovery.describe() == said


# ---------------------------------------------------------------------------------------------
# Files that are not files, and bytes that are not UTF-8


def test_read_regular_reads_files_and_nothing_else(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"x\r\ny")
    (tmp_path / "link").symlink_to(tmp_path / "file")
    (tmp_path / "dir").mkdir()
    assert read_regular(tmp_path / "file") == b"x\r\ny"
    assert read_regular(tmp_path / "link") == b"x\r\ny"
    assert read_regular(tmp_path / "missing") is None
    assert read_regular(tmp_path / "dir") is None
    assert read_regular(tmp_path / "file/below") is None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")
def test_read_regular_refuses_a_pipe_and_a_socket_at_once(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "to-pipe").symlink_to(tmp_path / "pipe")
    with pytest.raises(RepoLayoutError, match="is a named pipe, not a file scaffold can read"):
        read_regular(tmp_path / "pipe")
    with pytest.raises(RepoLayoutError, match="named pipe") as refused:
        read_regular(tmp_path / "to-pipe", "shown/name.yaml")
    assert str(refused.value.path) == "shown/name.yaml"
    listening = socket.socket(socket.AF_UNIX)
    try:
        listening.bind(str(tmp_path / "sock"))
        with pytest.raises(RepoLayoutError, match="is a socket"):
            read_regular(tmp_path / "sock")
    finally:
        listening.close()


@pytest.mark.parametrize(
    ("data", "line"),
    [
        pytest.param(b"\xff", 1, id="first-byte"),
        pytest.param(b"a\nb\nc\xe9\n", 3, id="third-line"),
        pytest.param(b"a\r\nb\r\n\x80", 3, id="crlf"),
        pytest.param("é\n".encode() + b"\n\xc3", 3, id="truncated-at-the-end"),
    ],
)
def test_a_byte_that_is_not_utf8_is_placed_at_its_line(data: bytes, line: int) -> None:
    with pytest.raises(RepoLayoutError) as refused:
        decode_utf8(data, "scaffold.toml")
    assert refused.value.line == line
    assert str(refused.value).startswith(f"scaffold.toml:{line}: not UTF-8 text: byte 0x")


def test_utf8_text_keeps_its_line_endings_and_bom() -> None:
    assert decode_utf8("\ufeffa\r\nb".encode(), "x") == "\ufeffa\r\nb"


# ---------------------------------------------------------------------------------------------
# The cache's unpickler


class Reducer:
    def __init__(self, call: object, args: tuple[object, ...]) -> None:
        self.call, self.args = call, args

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return self.call, self.args


def stored(store: Store, value: object) -> dict[object, object]:
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_bytes(pickle.dumps((store.fingerprint, value)))
    return store.data


@pytest.mark.parametrize(
    "planted",
    [
        pytest.param(lambda mark: Reducer(os.mkdir, (str(mark),)), id="os.mkdir"),
        pytest.param(lambda mark: Reducer(eval, (f"__import__('os').mkdir({str(mark)!r})",)), id="eval"),
        pytest.param(lambda mark: Reducer(Path.mkdir, (mark,)), id="a-method"),
        pytest.param(lambda mark: Reducer(repo_lock.take_lock, (mark,)), id="a-scaffold-function"),
    ],
)
def test_a_planted_cache_runs_nothing(tmp_path: Path, planted: object) -> None:
    mark = tmp_path / "mark"
    store = Store(tmp_path / ".scaffold/cache/x.pickle", b"print", enabled=True, root=tmp_path)
    assert stored(store, {"key": planted(mark)}) == {}  # type: ignore[operator]
    assert not mark.exists()


def test_the_cache_keeps_scaffolds_values(tmp_path: Path) -> None:
    store = Store(tmp_path / ".scaffold/cache/x.pickle", b"print", enabled=True, root=tmp_path)
    value = {("docs", "a.yaml"): (b"k", [Location("a.yaml", 3)], HttpMethod.GET, frozenset({1}), None)}
    assert stored(store, value) == value


def test_a_cache_reached_through_a_link_is_empty(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo/.scaffold").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    store = Store(tmp_path / "repo/.scaffold/cache/x.pickle", b"print", enabled=True, root=tmp_path / "repo")
    assert stored(store, {"a": 1}) == {}
    store.data["b"] = 2
    store.dirty = True
    (tmp_path / "elsewhere/cache/x.pickle").unlink()
    store.save()
    assert list((tmp_path / "elsewhere/cache").iterdir()) == []


# ---------------------------------------------------------------------------------------------
# The lock, and edits through links


def test_the_lock_file_is_gone_before_the_lock_is_released(tmp_path: Path) -> None:
    lock = repo_lock.take_lock(tmp_path)
    assert lock is not None
    real_release = lock.release
    seen = []

    def release(*args: object, **kwargs: object) -> None:
        seen.append((tmp_path / repo_lock.LOCK_NAME).exists())
        real_release(*args, **kwargs)  # type: ignore[arg-type]

    lock.release = release  # type: ignore[method-assign]
    repo_lock.release_lock(tmp_path, lock)
    assert seen == [False]


def test_a_stale_lock_is_cleared_and_a_held_one_is_not(tmp_path: Path) -> None:
    assert repo_lock.clear_stale_lock(tmp_path) is False
    (tmp_path / repo_lock.LOCK_NAME).write_text("")
    assert repo_lock.clear_stale_lock(tmp_path) is True
    assert not (tmp_path / repo_lock.LOCK_NAME).exists()
    held = repo_lock.take_lock(tmp_path)
    assert held is not None
    try:
        assert repo_lock.clear_stale_lock(tmp_path) is False
        assert (tmp_path / repo_lock.LOCK_NAME).exists()
    finally:
        repo_lock.release_lock(tmp_path, held)


def test_real_files_edits_the_target_of_a_link(tree: Path) -> None:
    changes = ChangeSet([Change("inner/mod.py", "x = 1\n", "x = 2\n"), Change("pkg/new.py", None, "y\n")])
    assert [c.path for c in real_files(tree, changes)] == ["pkg/mod.py", "pkg/new.py"]


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        pytest.param([Change("out/victim.py", None, "y\n")], "resolves outside the repo", id="out"),
        pytest.param(
            [Change("inner/mod.py", "x = 1\n", "x = 2\n"), Change("pkg/mod.py", "x = 1\n", "x = 3\n")],
            "are one file",
            id="twice",
        ),
    ],
)
def test_real_files_refuses_what_it_cannot_write_once_inside(tree: Path, changes: list[Change], says: str) -> None:
    with pytest.raises(RepoLayoutError, match=says):
        real_files(tree, ChangeSet(changes))
