"""`docs build` and `check` have the spec judged in a child process started before the command
line loads: its verdict serves the command only for the very fragments the command reads."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from scaffold.cli import entry
from scaffold.repo.open import open_repo
from scaffold.repo.transaction import LOCK_NAME
from scaffold.spec import background
from scaffold.spec.merge import read_fragments
from scaffold.spec.problems import judge_fragments
from tests.conftest import Cli, Script
from tests.edits import edit
from tests.test_docs_build_cache import OUTPUT, SYSTEM_YAML, UNDESCRIBED, build, counted_merges

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the spec is judged ahead only where the OS forks")


@pytest.fixture(autouse=True)
def no_child_left() -> Iterator[None]:
    yield
    background.cancel_ahead()
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # every child the test started was reaped


@pytest.fixture
def invalid(repo: Path, tmp_path: Path) -> Path:
    """A copy of the repo whose spec has a response without a description."""
    copy = tmp_path / "invalid"
    shutil.copytree(repo, copy)
    edit(copy / SYSTEM_YAML, *UNDESCRIBED)
    return copy


@pytest.mark.parametrize("hand_over", [False, True])
def test_a_verdict_judged_ahead_lets_docs_build_write_the_spec_without_parsing_it(
    cli: Cli, repo: Path, hand_over: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = build(cli, repo, "--no-cache")
    spec = (repo / OUTPUT).read_bytes()
    (repo / OUTPUT).unlink()
    background.judge_ahead(repo, hand_over=hand_over)
    merges = counted_merges(monkeypatch)
    result = build(cli, repo, "--no-cache")
    assert (result.exit_code, result.stdout) == (expected.exit_code, expected.stdout) == (0, expected.stdout)
    assert (repo / OUTPUT).read_bytes() == spec
    assert merges == []


@pytest.mark.parametrize("hand_over", [False, True])
def test_a_verdict_judged_ahead_of_other_fragments_serves_nothing(
    cli: Cli, repo: Path, invalid: Path, hand_over: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = build(cli, invalid, "--no-cache")
    background.judge_ahead(repo, hand_over=hand_over)  # valid: it must not vouch for the copy
    merges = counted_merges(monkeypatch)
    result = build(cli, invalid, "--no-cache")
    assert result.exit_code == expected.exit_code == 1 and result.stderr == expected.stderr
    assert f"{SYSTEM_YAML}:" in result.stderr and not (invalid / OUTPUT).exists()
    assert merges == [1]


@pytest.mark.parametrize("hand_over", [False, True])
@pytest.mark.parametrize(
    "broken",
    [
        UNDESCRIBED,  # invalid OpenAPI
        ("    get:\n", "    get:\n   - x\n"),  # not YAML: the merge itself fails
        ("  /api/v4/system/ping:\n", "  /api/v4/system/ping:\n    summary: x\n    summary: y\n"),  # a key twice
    ],
)
def test_a_verdict_with_problems_judged_ahead_is_raised_as_a_merge_raises_it(
    cli: Cli, repo: Path, broken: tuple[str, str], hand_over: bool
) -> None:
    edit(repo / SYSTEM_YAML, *broken)
    expected = build(cli, repo, "--no-cache")
    assert expected.exit_code in (1, 2) and f"{SYSTEM_YAML}:" in expected.stderr
    background.judge_ahead(repo, hand_over=hand_over)
    result = build(cli, repo, "--no-cache")
    assert (result.exit_code, result.stderr) == (expected.exit_code, expected.stderr)
    assert not (repo / OUTPUT).exists()


@pytest.mark.parametrize("hand_over", [False, True])
def test_a_verdict_judged_ahead_is_the_verdict_of_the_fragments(repo: Path, invalid: Path, hand_over: bool) -> None:
    for target in (repo, invalid):
        fragments = read_fragments(open_repo(target), lambda path: (target / path).read_text())
        background.judge_ahead(target, hand_over=hand_over)
        found = background.verdict_from_ahead(fragments)
        # Handed over, an invalid document's data gives no verdict: the command merges it.
        assert found == (judge_fragments(fragments) if target == repo or not hand_over else None)
    assert judge_fragments(fragments).problems  # the copy is invalid indeed


def test_check_collects_the_verdict_judged_ahead(
    cli: Cli, repo: Path, invalid: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = cli("check", "--no-cache", "--repo", str(invalid), "--format", "json")
    background.judge_ahead(invalid)

    def not_here(fragments: object) -> None:
        raise AssertionError("judged in the command's own process")

    monkeypatch.setattr("scaffold.spec.problems.judge_fragments", not_here)
    result = cli("check", "--no-cache", "--repo", str(invalid), "--format", "json")
    assert (result.exit_code, result.stdout) == (expected.exit_code, expected.stdout)
    assert "invalid-spec" in result.stdout


def test_a_validation_judged_ahead_of_other_fragments_is_done_again(
    cli: Cli, repo: Path, invalid: Path
) -> None:
    expected = cli("check", "--no-cache", "--repo", str(invalid), "--format", "json")
    background.judge_ahead(repo)
    result = cli("check", "--no-cache", "--repo", str(invalid), "--format", "json")
    assert (result.exit_code, result.stdout) == (expected.exit_code, expected.stdout)


def test_a_repo_a_killed_command_left_is_not_judged_ahead(repo: Path) -> None:
    """The command recovers it first: what the child would read may be half-written."""
    fragments = read_fragments(open_repo(repo), lambda path: (repo / path).read_text())
    background.judge_ahead(repo)
    assert background.verdict_from_ahead(fragments) is not None
    (repo / LOCK_NAME).write_text("")
    background.judge_ahead(repo)
    assert background.verdict_from_ahead(fragments) is None


def test_an_unclaimed_validation_is_stopped_and_reaped(repo: Path) -> None:
    background.judge_ahead(repo)
    background.judge_ahead(repo)  # the first one is stopped here
    background.cancel_ahead()
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


@pytest.mark.parametrize(
    ("argv", "judged"),
    [
        # docs build has nothing to do but wait: it takes the validation over
        (["docs", "build", "--repo", "some/where"], [(Path("some/where"), True)]),
        (["docs", "build", "--no-cache", "--repo=some/where"], [(Path("some/where"), True)]),
        (["check", "--format", "json"], [(None, False)]),
        (["check", "--repo"], [(None, False)]),  # the command line will say what is missing
        (["docs", "serve"], []),
        (["docs", "build", "--html"], []),  # the page needs the merge in the command itself
        (["endpoint", "add", "GET", "/x", "--repo", "some/where"], []),
        ([], []),
    ],
)
def test_the_console_script_judges_ahead_for_the_commands_that_judge_the_spec(
    argv: list[str], judged: list[tuple[Path | None, bool]], monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[tuple[Path | None, bool]] = []
    monkeypatch.setattr(entry, "judge_ahead", lambda repo, *, hand_over: started.append((repo, hand_over)))
    entry._judge_ahead(argv)
    assert started == judged


def test_the_console_script_builds_and_refuses_as_the_command_line_does(
    cli: Cli, repo: Path, invalid: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    script = Script(monkeypatch, capsys)
    for target, code in ((repo, 0), (invalid, 1)):
        expected = build(cli, target, "--no-cache")
        spec = (target / OUTPUT).read_bytes() if code == 0 else None
        assert script("docs", "build", "--no-cache", "--repo", str(target))[:2] == (code, expected.stdout)
        assert (target / OUTPUT).read_bytes() == spec if code == 0 else not (target / OUTPUT).exists()


def test_the_console_script_leaves_no_child_when_a_replay_answers(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    script = Script(monkeypatch, capsys)
    first = script("check", "--repo", str(repo))
    assert script("check", "--repo", str(repo)) == (*first[:2], False)  # replayed
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_refs_nested_too_deep_to_validate_handed_over_are_judged_by_the_command(cli: Cli, repo: Path) -> None:
    chain = "".join(
        f"    Deep{i}:\n      type: object\n      properties:\n        next:\n"
        f"          $ref: '#/components/schemas/Deep{i + 1}'\n"
        for i in range(1500)
    )
    edit(repo / "api/v4/source/definitions.yaml", "  schemas:\n", "  schemas:\n" + chain + "    Deep1500:\n      type: object\n")
    expected = build(cli, repo, "--no-cache")
    assert expected.exit_code == 1 and "its $refs nest too deep" in expected.stderr
    background.judge_ahead(repo, hand_over=True)
    result = build(cli, repo, "--no-cache")
    assert (result.exit_code, result.stderr) == (expected.exit_code, expected.stderr)


def test_a_ref_no_check_follows_is_followed_by_the_child_that_handed_over(cli: Cli, repo: Path) -> None:
    # An unused parameter's schema: only the walk over every $ref reaches it.
    edit(
        repo / "api/v4/source/definitions.yaml",
        "  parameters:\n",
        "  parameters:\n    Unused:\n      name: unused\n      in: query\n      schema:\n"
        "        $ref: '#/components/schemas/Nothing'\n",
    )
    expected = build(cli, repo, "--no-cache")
    assert expected.exit_code == 1 and "points to nothing" in expected.stderr
    background.judge_ahead(repo, hand_over=True)
    result = build(cli, repo, "--no-cache")
    assert (result.exit_code, result.stderr) == (expected.exit_code, expected.stderr)


def test_an_interrupted_claim_leaves_no_child(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fragments = read_fragments(open_repo(repo), lambda path: (repo / path).read_text())
    background.judge_ahead(repo, hand_over=True)

    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(background, "_load_validator", interrupted)
    with pytest.raises(KeyboardInterrupt):
        background.verdict_from_ahead(fragments)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_check_stopped_after_its_scan_leaves_no_child(
    cli: Cli, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    background.judge_ahead(repo)

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("scaffold.commands.audit.audit", interrupted)
    assert cli("check", "--no-cache", "--repo", str(repo)).exit_code == 130
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


@pytest.mark.parametrize("argv", [["docs", "build", "--no-cache"], ["check"]], ids=["docs-build", "check"])
def test_the_console_script_started_with_sigchld_ignored_still_collects_its_children(
    repo: Path, argv: list[str]
) -> None:
    # Whatever started scaffold may ignore SIGCHLD (the system then reaps the children itself,
    # and waiting for one fails); scaffold's children must answer all the same. Twice: the
    # second check is a replay.
    start = (
        "import os, signal, sys; signal.signal(signal.SIGCHLD, signal.SIG_IGN); "
        "os.execv(sys.executable, [sys.executable, '-m', 'scaffold', *sys.argv[1:]])"
    )
    command = [sys.executable, "-c", start, *argv, "--repo", str(repo)]
    for _ in range(2):
        run = subprocess.run(command, capture_output=True, text=True, cwd="/")
        assert (run.returncode, run.stderr) == (0, ""), run.stderr
