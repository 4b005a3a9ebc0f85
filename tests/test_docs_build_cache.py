"""`docs build` keeps its verdict by the fragments' content, and shares it with `check`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scaffold.spec import merge as spec_merge
from tests.conftest import Cli
from tests.edits import edit

OUTPUT = "api/v4/html/static/openapi-v4.yaml"
SYSTEM_YAML = "api/v4/source/system.yaml"
#: a response without its description: invalid OpenAPI
UNDESCRIBED = ("          description: Status of the system\n", "")


def counted_merges(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one for each merge `docs build` parses."""
    calls: list[int] = []
    real: Callable[..., Any] = spec_merge.merge

    def merge(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr("scaffold.commands.docs.merge", merge)
    return calls


def build(cli: Cli, repo: Path, *options: str) -> Any:
    return cli("docs", "build", "--repo", str(repo), *options)


def test_a_rebuild_of_valid_fragments_writes_the_same_spec_without_parsing_them(
    cli: Cli, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = build(cli, repo, "--format", "json")
    spec = (repo / OUTPUT).read_bytes()
    (repo / OUTPUT).unlink()
    merges = counted_merges(monkeypatch)
    warm = build(cli, repo, "--format", "json")
    assert warm.exit_code == cold.exit_code == 0 and warm.stdout == cold.stdout
    assert (repo / OUTPUT).read_bytes() == spec
    assert merges == []


def test_the_verdict_of_check_serves_docs_build(
    cli: Cli, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("check", "--repo", str(repo)).exit_code == 0
    merges = counted_merges(monkeypatch)
    result = build(cli, repo)
    assert result.exit_code == 0 and "20 paths, 27 operations, valid" in result.stdout
    assert merges == []


def test_a_fragment_edited_after_a_valid_build_is_validated_again(cli: Cli, repo: Path) -> None:
    assert build(cli, repo).exit_code == 0
    written = (repo / OUTPUT).read_bytes()
    edit(repo / SYSTEM_YAML, *UNDESCRIBED)
    result = build(cli, repo)
    assert result.exit_code == 1 and f"{SYSTEM_YAML}:" in result.stderr and "invalid OpenAPI" in result.stderr
    assert (repo / OUTPUT).read_bytes() == written  # nothing was written


def test_an_invalid_spec_is_found_invalid_again_with_the_same_problems(cli: Cli, repo: Path) -> None:
    edit(repo / SYSTEM_YAML, *UNDESCRIBED)
    first = build(cli, repo)
    again = build(cli, repo)
    assert first.exit_code == again.exit_code == 1 and again.stderr == first.stderr
    assert not (repo / OUTPUT).exists()


def test_no_cache_validates_the_fragments_again(
    cli: Cli, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert build(cli, repo).exit_code == 0
    merges = counted_merges(monkeypatch)
    result = build(cli, repo, "--no-cache")
    assert result.exit_code == 0 and merges == [1]
