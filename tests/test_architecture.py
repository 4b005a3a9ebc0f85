"""The package's shape holds: imports point down the layers of DESIGN §4, no cycles, no private
name borrowed from another module, and modules small enough to hold one idea."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "scaffold"

#: A module longer than this holds more than one idea: split it.
MAX_LINES = 400


def test_import_linter_contracts_are_kept() -> None:
    """The layers, the light read side, printing only in the CLI, and no cycles at any depth
    (the contracts are in pyproject.toml)."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--config", str(PACKAGE.parent / "pyproject.toml")],
        cwd=PACKAGE.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def private_imports(tree: ast.Module) -> list[tuple[int, str]]:
    """`from scaffold.x import _name` anywhere in a module: (line, what)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("scaffold"):
            found += [
                (node.lineno, f"{node.module}.{a.name}")
                for a in node.names
                if a.name.startswith("_") and not a.name.endswith("__")
            ]
    return found


def test_no_private_name_is_imported_across_modules() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {name}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, name in private_imports(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert offenders == []


def test_the_private_import_check_sees_one() -> None:
    tree = ast.parse("def f():\n    from scaffold.spec.merge import _secret\n")
    assert private_imports(tree) == [(2, "scaffold.spec.merge._secret")]


def test_modules_hold_one_idea() -> None:
    long = {
        str(path.relative_to(PACKAGE.parent)): count
        for path in sorted(PACKAGE.rglob("*.py"))
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
