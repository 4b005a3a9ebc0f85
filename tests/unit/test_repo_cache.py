"""scaffold.repo.cache: a store that is empty rather than wrong, and memoized facts."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from scaffold.repo import cache as cache_module
from scaffold.repo.cache import CACHE_DIR, CheckCache, Store

PRINT = b"fingerprint-1"


def stored(path: Path, data: object) -> Path:
    path.write_bytes(pickle.dumps(data))
    return path


# ---------------------------------------------------------------------------------------------
# Store: what a file on disk loads as

GOOD = {("facts", "a.py"): (b"k", [1, 2])}
PICKLED = pickle.dumps((PRINT, GOOD))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(PICKLED, GOOD, id="good"),
        pytest.param(None, {}, id="missing"),
        pytest.param(b"", {}, id="empty-file"),
        pytest.param(PICKLED[: len(PICKLED) // 2], {}, id="truncated"),
        pytest.param(b"\x80\x05garbage\xff", {}, id="corrupt"),
        pytest.param(pickle.dumps((b"fingerprint-0", GOOD)), {}, id="other-version-of-scaffold"),
        pytest.param(pickle.dumps(GOOD), {}, id="not-a-pair"),
        pytest.param(pickle.dumps((PRINT, GOOD, 1)), {}, id="three-items"),
        pytest.param(pickle.dumps([PRINT, GOOD]), {}, id="list-not-tuple"),
    ],
)
def test_store_loads(tmp_path: Path, content: bytes | None, expected: dict[object, object]) -> None:
    path = tmp_path / "facts.pickle"
    if content is not None:
        path.write_bytes(content)
    assert Store(path, PRINT, enabled=True).data == expected


def test_a_disabled_store_reads_nothing_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "facts.pickle"
    path.write_bytes(PICKLED)
    store = Store(path, PRINT, enabled=False)
    assert store.data == {}
    store.data["x"] = 1
    store.dirty = True
    store.save()
    assert path.read_bytes() == PICKLED


def test_save_writes_only_what_changed(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "facts.pickle"
    store = Store(path, PRINT, enabled=True)
    assert store.data == {}
    store.save()
    assert not path.parent.exists()  # nothing changed: nothing written
    store.data["k"] = "v"
    store.dirty = True
    store.save()
    assert store.dirty is False
    assert pickle.loads(path.read_bytes()) == (PRINT, {"k": "v"})
    assert Store(path, PRINT, enabled=True).data == {"k": "v"}
    assert (path.parent / ".gitignore").read_text().splitlines()[-1] == "*"
    assert sorted(p.name for p in path.parent.iterdir()) == [".gitignore", "facts.pickle"]


def test_save_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "facts.pickle"
    path.write_bytes(PICKLED)
    store = Store(path, PRINT, enabled=True)
    store.data["new"] = 1
    store.dirty = True

    def fail(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    store.save()  # a cache never fails a command
    assert path.read_bytes() == PICKLED  # the old cache, whole
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".gitignore",
        "facts.pickle",
    ]  # no temp left
    assert store.dirty is True


def test_save_where_the_directory_cannot_be(tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("a file where the directory should be")
    store = Store(tmp_path / "cache" / "facts.pickle", PRINT, enabled=True)
    store.data["k"] = 1
    store.dirty = True
    store.save()
    assert store.dirty is True
    assert (tmp_path / "cache").read_text() == "a file where the directory should be"


def test_save_keeps_an_existing_gitignore(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("mine\n")
    store = Store(tmp_path / "facts.pickle", PRINT, enabled=True)
    store.data["k"] = 1
    store.dirty = True
    store.save()
    assert (tmp_path / ".gitignore").read_text() == "mine\n"


# ---------------------------------------------------------------------------------------------
# CheckCache


class Compute:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> list[int]:
        self.calls += 1
        return [self.calls]


@pytest.mark.parametrize(
    ("calls", "results", "hits", "misses"),
    [
        pytest.param([("py", "a.py", "x = 1")], [[1]], 0, 1, id="first-is-a-miss"),
        pytest.param([("py", "a.py", "x = 1")] * 2, [[1], [1]], 1, 1, id="same-text-hits"),
        pytest.param(
            [("py", "a.py", "x = 1"), ("py", "a.py", "x = 2")],
            [[1], [2]],
            0,
            2,
            id="changed-text-misses",
        ),
        pytest.param(
            [("py", "a.py", "x = 1"), ("py", "a.py", "x = 2"), ("py", "a.py", "x = 1")],
            [[1], [2], [3]],
            0,
            3,
            id="one-version-a-file",
        ),
        pytest.param(
            [("py", "a.py", "x"), ("py", "b.py", "x")], [[1], [2]], 0, 2, id="other-path-misses"
        ),
        pytest.param(
            [("py", "a.py", "x"), ("yaml", "a.py", "x")], [[1], [2]], 0, 2, id="other-kind-misses"
        ),
    ],
)
def test_memo(
    tmp_path: Path,
    calls: list[tuple[str, str, str]],
    results: list[list[int]],
    hits: int,
    misses: int,
) -> None:
    cache = CheckCache(tmp_path)
    compute = Compute()
    assert [cache.memo(kind, path, text, compute) for kind, path, text in calls] == results
    assert (cache.hits, cache.misses, compute.calls) == (hits, misses, misses)


def test_memo_survives_the_process(tmp_path: Path) -> None:
    first = CheckCache(tmp_path)
    first.memo("py", "a.py", "x = 1", Compute())
    first.save()
    assert (tmp_path / CACHE_DIR / "facts.pickle").exists()
    again = CheckCache(tmp_path)
    compute = Compute()
    assert again.memo("py", "a.py", "x = 1", compute) == [1]
    assert (again.hits, again.misses, compute.calls) == (1, 0, 0)


def test_a_disabled_cache_is_never_written(tmp_path: Path) -> None:
    cache = CheckCache(tmp_path, enabled=False)
    cache.memo("py", "a.py", "x = 1", Compute())
    cache.remember_spec(b"k", ["problem"])
    cache.save()
    assert not (tmp_path / CACHE_DIR).exists()


def test_the_spec_and_the_report_keep_only_the_latest(tmp_path: Path) -> None:
    cache = CheckCache(tmp_path)
    cache.remember_spec(b"one", ["p1"])
    cache.remember_spec(b"two", ["p2"])
    cache.remember_report(b"r1", "report 1")
    cache.remember_report(b"r2", "report 2")
    cache.save()
    again = CheckCache(tmp_path)
    assert (again.spec_verdict(b"one"), again.spec_verdict(b"two")) == (None, ["p2"])
    assert (again.report(b"r1"), again.report(b"r2")) == (None, "report 2")


@pytest.mark.parametrize(
    ("left", "right"),
    [
        pytest.param([("a", "x")], [("a", "y")], id="text"),
        pytest.param([("a", "x")], [("b", "x")], id="name"),
        pytest.param([("a", "x"), ("b", "y")], [("b", "y"), ("a", "x")], id="order"),
        pytest.param([("a", "bc")], [("ab", "c")], id="name-and-text-apart"),
        pytest.param([("a", "x")], [("a", "x"), ("b", "")], id="one-more-part"),
    ],
)
def test_key_tells_inputs_apart(left: list[tuple[str, str]], right: list[tuple[str, str]]) -> None:
    assert CheckCache.key(left) != CheckCache.key(right)
    assert CheckCache.key(left) == CheckCache.key(list(left))


def test_a_store_loaded_again_in_the_process_is_copied_not_unpickled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = CheckCache(tmp_path)
    cache.remember_spec(b"k", ["p"])
    cache.save()
    first = CheckCache(tmp_path)
    assert first.spec_verdict(b"k") == ["p"]
    first.remember_spec(b"other", ["q"])  # in memory only: the file still holds k

    def unpickled(self: object) -> object:
        raise AssertionError("unpickled again")

    monkeypatch.setattr(cache_module._ValuesOnly, "load", unpickled)
    again = CheckCache(tmp_path)
    assert (again.spec_verdict(b"k"), again.spec_verdict(b"other")) == (["p"], None)


def test_a_store_replaced_since_it_was_loaded_is_loaded_again(tmp_path: Path) -> None:
    cache = CheckCache(tmp_path)
    cache.remember_spec(b"k", ["p"])
    cache.save()
    assert CheckCache(tmp_path).spec_verdict(b"k") == ["p"]
    other = CheckCache(tmp_path)
    other.remember_spec(b"k", ["r"])  # as long as the first: only the file's identity differs
    other.save()
    assert CheckCache(tmp_path).spec_verdict(b"k") == ["r"]
