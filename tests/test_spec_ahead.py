"""The spec check begun while an add plans its code: its verdict stands only for the docs it
checked, and a refusal is always the one the check makes where it is used."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scaffold.commands.add import plan_add
from scaffold.commands.guards import SpecCheckAhead, spec_check
from scaffold.errors import ValidationError
from scaffold.model.changes import Change, ChangeSet
from scaffold.model.options import EndpointOptions, parse_endpoint
from scaffold.repo.open import open_repo
from tests.conftest import Cli

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the check runs ahead only where the OS forks")

SYSTEM_YAML = "api/v4/source/system.yaml"


def planned(repo: Path) -> ChangeSet:
    layout = open_repo(repo)
    endpoint = parse_endpoint("GET", "/users/{user_id}/sessions", EndpointOptions(permission="edit_other_users"), layout)
    return plan_add(layout, endpoint).changes


def test_a_check_ahead_of_the_same_docs_gives_the_verdict_of_the_check(repo: Path) -> None:
    changes = planned(repo)
    ahead = SpecCheckAhead(open_repo(repo), changes)
    assert ahead.passed(changes) == []
    notes: list[str] = []
    spec_check(open_repo(repo), notes, ahead)(changes)
    assert notes == []


def test_other_docs_are_checked_anew(repo: Path) -> None:
    changes = planned(repo)
    ahead = SpecCheckAhead(open_repo(repo), changes)
    text = (repo / SYSTEM_YAML).read_text(encoding="utf-8")
    broken = ChangeSet([*changes.changes, Change(SYSTEM_YAML, text, text.replace("$ref: \"#/components/schemas/StatusOK\"", "$ref: \"#/components/schemas/Nothing\"", 1))])
    assert broken.changes[-1].after != text
    assert ahead.passed(broken) is None
    with pytest.raises(ValidationError):
        spec_check(open_repo(repo), [], ahead)(broken)


def test_a_refusal_ahead_is_made_again_where_the_check_is_used(repo: Path) -> None:
    changes = planned(repo)
    text = (repo / SYSTEM_YAML).read_text(encoding="utf-8")
    broken = ChangeSet([*changes.changes, Change(SYSTEM_YAML, text, text + "  /system/broken:\n    get: [\n")])
    ahead = SpecCheckAhead(open_repo(repo), broken)
    assert ahead.passed(broken) is None  # the child refused: no verdict to take
    with pytest.raises(ValidationError) as inline:
        spec_check(open_repo(repo), [])(broken)
    with pytest.raises(ValidationError) as collected:
        spec_check(open_repo(repo), [], ahead)(broken)
    assert str(collected.value) == str(inline.value)


def test_an_add_with_the_check_ahead_writes_and_says_what_one_without_does(
    cli: Cli, repo: Path, pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    other = tmp_path / "other"
    shutil.copytree(pristine, other)
    args = ["endpoint", "add", "GET", "/users/{user_id}/sessions", "--permission", "edit_other_users", "--yes"]
    alone = cli(*args, "--repo", str(other))
    monkeypatch.setattr(SpecCheckAhead, "THRESHOLD", 0)  # the reference's spec is small
    ahead = cli(*args, "--repo", str(repo))
    assert ahead.exit_code == alone.exit_code == 0, ahead.output
    assert ahead.stdout.replace(str(repo), "R") == alone.stdout.replace(str(other), "R")
    assert (repo / "api/v4/source/users.yaml").read_bytes() == (other / "api/v4/source/users.yaml").read_bytes()
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child left behind


def test_a_remove_begins_the_check_of_its_docs_while_it_plans_its_code(
    cli: Cli, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scaffold.commands.remove import plan_remove

    args = ["GET", "/users/{user_id}/sessions"]
    assert cli("endpoint", "add", *args, "--permission", "edit_other_users", "--yes", "--repo", str(repo)).exit_code == 0
    monkeypatch.setattr(SpecCheckAhead, "THRESHOLD", 0)
    begun: list[SpecCheckAhead] = []
    plan = plan_remove(open_repo(repo), *args, begin=begun.append)
    assert len(begun) == 1
    assert begun[0].passed(plan.changes) == []  # it checked the docs the removal leaves


def test_the_files_a_check_ahead_loaded_are_not_loaded_again(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from scaffold.commands import guards

    changes = planned(repo)
    assert any(c.path.endswith(".yaml") for c in changes.changes)
    ahead = SpecCheckAhead(open_repo(repo), changes)
    assert ahead.passed(changes) == []

    def loading(*args: object, **kwargs: object) -> None:
        raise AssertionError("loaded again")

    monkeypatch.setattr(guards.yaml, "compose", loading)
    guards.syntax_check(ahead)(changes)  # the docs: loaded by the check ahead; the code: here
    with pytest.raises(AssertionError, match="loaded again"):
        guards.syntax_check()(changes)


def test_a_check_ahead_vouches_only_for_files_that_load_on_their_own(repo: Path) -> None:
    from scaffold.commands.guards import syntax_check

    changes = planned(repo)
    broken = ChangeSet([*changes.changes, Change("ci/workflow.yaml", None, "jobs: [\n")])
    ahead = SpecCheckAhead(open_repo(repo), broken)
    assert ahead.passed(broken) is None  # the spec validates, but that file does not load
    with pytest.raises(ValidationError, match="not valid YAML"):
        syntax_check(ahead)(broken)


def test_the_code_is_compiled_before_the_verdict_ahead_is_waited_for(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scaffold.commands import guards

    changes = planned(repo)
    ahead = SpecCheckAhead(open_repo(repo), changes)
    order: list[str] = []
    real_passed, real_compile = SpecCheckAhead.passed, compile

    def passed(self: SpecCheckAhead, changes: ChangeSet) -> list[str] | None:
        order.append("verdict ahead")
        return real_passed(self, changes)

    def compiling(source: str, path: str, *args: object, **kwargs: object) -> object:
        order.append(f"compile {path}")
        return real_compile(source, path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(SpecCheckAhead, "passed", passed)
    monkeypatch.setattr(guards, "compile", compiling, raising=False)
    guards.syntax_check(ahead)(changes)
    assert order[-1] == "verdict ahead" and len(order) > 1
    assert all(step.startswith("compile ") and step.endswith(".py") for step in order[:-1])
