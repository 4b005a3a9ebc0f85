"""Two `endpoint add` processes on one repo at the same moment: one wins, the other is refused.

Both processes plan on the same repo, then reach the transaction together (a barrier holds
each one between planning and applying). Whatever the interleaving, the loser must exit 2
with one clear line — the lock is taken, or a file it planned from has changed — and the
repo must be exactly what the winner alone would have made of it: no lost update, no mix.
"""

from __future__ import annotations

import select
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scaffold.cli.app import app
from tests.conftest import run_repo_tests, tree_digest

Tally = Callable[[str, int], None]

#: The two adds of each race: the same endpoint twice, and two endpoints of one resource
#: (they edit the same handlers module, app module, driver, tests and fragment).
RACES = {
    "same-endpoint": (
        ["GET", "/users/{user_id}/sessions", "--permission", "edit_other_users"],
        ["GET", "/users/{user_id}/sessions", "--permission", "edit_other_users"],
    ),
    "same-resource": (
        ["GET", "/users/{user_id}/sessions", "--permission", "edit_other_users"],
        ["POST", "/users/{user_id}/sessions/revoke", "--permission", "none", "--body", "session_id:string"],
    ),
}

#: Why a loser may be refused. Anything else is a failure.
REFUSALS = (
    "another scaffold command is changing this repo",
    "changed on disk since the plan was made",
    "already exists",
)

#: Runs the CLI; with a go-file, waits for it between planning and applying.
RACER = """
import sys, time
from pathlib import Path
import scaffold.commands.guards
from scaffold.cli.main import main

go = Path(sys.argv[1]) if sys.argv[1] != "-" else None
real = scaffold.commands.guards.apply_changes

def apply_when_told(*args, **kwargs):
    print("planned", flush=True)
    while go is not None and not go.exists():
        time.sleep(0.0005)
    return real(*args, **kwargs)

scaffold.commands.guards.apply_changes = apply_when_told
sys.argv = ["scaffold", *sys.argv[2:]]
main()
"""


@dataclass(frozen=True)
class Outcome:
    args: list[str]
    code: int
    stderr: str


def race(repo: Path, first: list[str], second: list[str], go: Path | None) -> list[Outcome]:
    """Start both adds at once; with `go`, release them together once both have planned."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(go) if go else "-", "endpoint", "add", *args, "--repo", str(repo), "--yes"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in (first, second)
    ]
    try:
        if go is not None:
            for process in processes:
                assert process.stdout is not None
                ready, _, _ = select.select([process.stdout], [], [], 60)
                assert ready and process.stdout.readline().strip() == "planned"
            go.touch()
        outcomes = []
        for args, process in zip((first, second), processes):
            _, stderr = process.communicate(timeout=120)
            outcomes.append(Outcome(args, process.returncode, stderr))
        return outcomes
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()


def tree(root: Path) -> dict[str, str]:
    """Every file's hash; the lock and caches left aside."""
    return tree_digest(root)


def applied_alone(pristine: Path, target: Path, *adds: list[str]) -> dict[str, str]:
    """The repo after `adds`, one after the other, with nobody else around."""
    shutil.copytree(pristine, target)
    for args in adds:
        result = CliRunner().invoke(app, ["endpoint", "add", *args, "--repo", str(target)], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
    return tree(target)


def assert_refused(outcome: Outcome) -> None:
    assert outcome.code == 2, (outcome.code, outcome.stderr)
    assert outcome.stderr.startswith("error: ") and outcome.stderr.count("\n") == 1, outcome.stderr
    assert any(reason in outcome.stderr for reason in REFUSALS), outcome.stderr


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # The quick pass races two endpoints of one resource (refused by the lock or by the stale
    # check); the long run the same endpoint twice as well.
    if "race_name" in metafunc.fixturenames:
        thorough = bool(metafunc.config.getoption("--reliability"))
        metafunc.parametrize("race_name", list(RACES) if thorough else ["same-resource"])


def test_two_adds_released_together_one_wins(
    pristine: Path, tmp_path: Path, race_name: str, thorough: bool, tally: Tally
) -> None:
    first, second = RACES[race_name]
    rounds = 3 if thorough else 1
    for round_number in range(rounds):
        repo = tmp_path / f"repo-{round_number}"
        shutil.copytree(pristine, repo)
        outcomes = race(repo, first, second, go=tmp_path / f"go-{round_number}")
        tally("concurrent adds", 2)
        winners = [o for o in outcomes if o.code == 0]
        losers = [o for o in outcomes if o.code != 0]
        assert len(winners) == 1 and len(losers) == 1, outcomes
        assert_refused(losers[0])
        # Exactly the winner's change, nothing of the loser's.
        expected = applied_alone(pristine, tmp_path / f"alone-{round_number}", winners[0].args)
        assert tree(repo) == expected
    if thorough:
        # The quick pass stops at the tree: equal to the winner's add alone, whose suite the
        # add tests run. The long run runs this repo's whole suite too.
        tests = run_repo_tests(repo)
        assert tests.returncode == 0, tests.stdout[-2000:]


def test_two_adds_started_together_never_lose_an_update(
    pristine: Path, tmp_path: Path, thorough: bool, tally: Tally
) -> None:
    # No barrier: the processes race through planning too. Whoever is refused, the repo is
    # what the successful adds make of it in some order.
    if not thorough:
        pytest.skip("the long run only: the released-together races cover the quick pass")
    first, second = RACES["same-resource"]
    for round_number in range(4):
        repo = tmp_path / f"repo-{round_number}"
        shutil.copytree(pristine, repo)
        started = time.monotonic()
        outcomes = race(repo, first, second, go=None)
        tally("concurrent adds", 2)
        assert time.monotonic() - started < 120
        winners = [o.args for o in outcomes if o.code == 0]
        for outcome in outcomes:
            if outcome.code != 0:
                assert_refused(outcome)
        assert winners, outcomes
        possible = [applied_alone(pristine, tmp_path / f"alone-{round_number}-a", *winners)]
        if len(winners) == 2:
            possible.append(applied_alone(pristine, tmp_path / f"alone-{round_number}-b", *reversed(winners)))
        assert tree(repo) in possible
        assert not (repo / ".scaffold.lock").exists() and not (repo / ".scaffold.journal").exists()
        assert not [p for p in repo.rglob("*.tmp")], "temporary files were left behind"
    tests = run_repo_tests(repo)
    assert tests.returncode == 0, tests.stdout[-2000:]
