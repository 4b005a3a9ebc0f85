"""The facts of big test modules, read in a child process beside the rest of the scan: the
same inventory as read inline, and a module that does not parse still stops the scan."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scaffold.errors import RepoLayoutError
from scaffold.repo.cache import CheckCache
from scaffold.repo.open import open_repo
from scaffold.scan import scanner
from scaffold.scan.scanner import scan

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="read beside only where the OS forks")


def test_an_inventory_read_beside_is_the_one_read_inline(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inline = scan(open_repo(repo))
    monkeypatch.setattr(scanner, "TESTS_BESIDE_THRESHOLD", 0)
    cache = CheckCache(repo)
    beside = scan(open_repo(repo), memo=cache.memo)
    assert beside.tests == inline.tests
    assert beside.files == inline.files
    assert cache.misses > 0
    # What the child computed is kept by this process's cache.
    again = CheckCache(repo)
    cache.save()
    assert scan(open_repo(repo), memo=again.memo).tests == inline.tests
    assert again.misses == 0


def test_a_test_module_that_does_not_parse_stops_the_scan_read_beside(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scanner, "TESTS_BESIDE_THRESHOLD", 0)
    monkeypatch.setattr(scanner, "TESTS_BESIDE_SHARE", 1.0)  # every module in the child
    (repo / "server/api4/user_test.py").write_text("def test_broken(:\n", encoding="utf-8")
    with pytest.raises(RepoLayoutError, match="user_test.py"):
        scan(open_repo(repo))
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # the child was reaped


def test_only_facts_the_cache_lacks_are_read_beside(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scanner, "TESTS_BESIDE_THRESHOLD", 1)
    monkeypatch.setattr(scanner, "TESTS_BESIDE_SHARE", 1.0)
    cache = CheckCache(repo)
    inline = scan(open_repo(repo), memo=cache)
    cache.save()
    begun: list[object] = []
    real = scanner.Forked

    def counted(compute: object) -> object:
        begun.append(compute)
        return real(compute)  # type: ignore[arg-type]

    monkeypatch.setattr(scanner, "Forked", counted)
    assert scan(open_repo(repo), memo=CheckCache(repo)).tests == inline.tests
    assert begun == []  # every test module's facts were kept: no child to start
    path = repo / "server/api4/user_test.py"
    path.write_text(path.read_text(encoding="utf-8") + "\n\ndef test_more():\n    pass\n", encoding="utf-8")
    again = scan(open_repo(repo), memo=CheckCache(repo))
    assert len(begun) == 1 and any(case.name == "test_more" for case in again.tests)
