"""Each handler mutant of an endpoint makes at least one of its regenerated tests fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffold.model.layout import RepoLayout
from scaffold.repo.open import open_repo
from scaffold.resources import reference_dir
from scaffold.scan.catalog import catalog
from scaffold.scan.scanner import scan
from tests.mutation.conftest import RESULTS
from tests.mutation.harness import Target, equivalent, passes, run_mutant
from tests.mutation.mutants import MUTANTS

#: The quick pass of `make test` (a bare `pytest`): two endpoints whose mutants take every
#: shape of check — a team permission with a body to validate, and a post its author may delete
#: where others need a permission. `make mutants` takes every endpoint.
QUICK = ("PatchTeam", "DeletePost")


def _operations() -> list[str]:
    layout = open_repo(reference_dir())
    joined = catalog(scan(layout), layout)
    return sorted(r.operation_id for r in joined.endpoints if r.operation_id and r.app_function and not r.app_function.stub)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "operation" in metafunc.fixturenames:
        everything = metafunc.config.getoption("--mutants")
        metafunc.parametrize("operation", [o for o in _operations() if everything or o in QUICK])


Regenerated = tuple[Path, RepoLayout, dict[str, Target]]


def test_the_regenerated_tests_pass_on_the_real_implementation(regenerated: Regenerated) -> None:
    repo, _, found = regenerated
    everything = tuple(node for target in found.values() for node in target.tests)
    assert len(found) == len(_operations()) and everything
    assert passes(repo, everything)


@pytest.mark.parametrize("mutant", MUTANTS)
def test_every_mutant_is_killed(
    regenerated: Regenerated, permissions_to_swap: tuple[str, str], operation: str, mutant: str
) -> None:
    repo, layout, found = regenerated
    target = found[operation]
    everyone, admin_only = permissions_to_swap
    if equivalent(layout, target, mutant, everyone, admin_only):
        RESULTS[(operation, mutant)] = "equivalent"
        pytest.skip("no actor of the repo tells this mutant from the handler")
    outcome = run_mutant(repo, target, mutant, everyone, admin_only)
    RESULTS[(operation, mutant)] = outcome
    if outcome == "n/a":
        pytest.skip(f"{operation} has nothing this mutant changes")
    assert outcome == "killed", f"{mutant} of {target.handler} survives its tests {list(target.tests)}"
