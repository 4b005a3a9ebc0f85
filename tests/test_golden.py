"""Golden files: the exact output of a handful of adds, and its stability.

Each case in tests/golden/<case>/ has `endpoint.yaml` (the command-line arguments) and
`expected/`, the full text of every file the add writes. Regenerate with
`pytest tests/test_golden.py --update-goldens` and review the diff.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from scaffold.commands.add import plan_add
from scaffold.model.options import EndpointOptions, parse_endpoint
from scaffold.repo.open import open_repo
from scaffold.repo.transaction import apply_changes

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "endpoint.yaml").is_file())


def plan(repo: Path, case: Path):  # type: ignore[no-untyped-def]
    spec = yaml.safe_load((case / "endpoint.yaml").read_text())
    layout = open_repo(repo)
    endpoint = parse_endpoint(spec["method"], spec["path"], EndpointOptions(**spec.get("options", {})), layout)
    return layout, endpoint, plan_add(layout, endpoint).changes


def read_exact(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


@pytest.mark.parametrize("name", CASES)
def test_golden(repo: Path, name: str, request: pytest.FixtureRequest) -> None:
    case = GOLDEN / name
    if (case / "before").is_dir():
        shutil.copytree(case / "before", repo, dirs_exist_ok=True)
    layout, endpoint, changes = plan(repo, case)
    expected_dir = case / "expected"
    if request.config.getoption("--update-goldens"):
        shutil.rmtree(expected_dir, ignore_errors=True)
        for change in changes.changes:
            target = expected_dir / change.path
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "w", encoding="utf-8", newline="") as handle:
                handle.write(change.after or "")
    expected = {
        p.relative_to(expected_dir).as_posix(): read_exact(p) for p in sorted(expected_dir.rglob("*")) if p.is_file()
    }
    assert sorted(changes.paths) == sorted(expected)
    for change in changes.changes:
        assert change.after == expected[change.path], change.path

    # Stable: after applying, planning the same endpoint again finds nothing to add.
    apply_changes(repo, changes)
    assert not plan_add(open_repo(repo), endpoint, fill=True).changes
