"""Hand edits of a reference copy, as a contributor would make them, for the check tests."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

from tests.conftest import Cli


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of `old` in the file."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of the one line that contains `needle`."""
    lines = [
        n
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if needle in line
    ]
    assert len(lines) == 1, f"{needle!r} is on lines {lines} of {path}"
    return lines[0]


def drop_functions(path: Path, names: set[str]) -> None:
    """Delete functions and methods by name, with their decorators and the blank lines before."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    spans = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef) and node.name in names:
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            while start > 1 and not lines[start - 2].strip():
                start -= 1
            spans.append((start, node.end_lineno or node.lineno))
    assert len(spans) == len(names), f"found {len(spans)} of {sorted(names)} in {path}"
    for start, end in sorted(spans, reverse=True):
        del lines[start - 1 : end]
    path.write_text("".join(lines), encoding="utf-8")


def operation_tests(path: Path, operation: str) -> set[str]:
    """The test functions of one operation: `test_<operation>` and `test_<operation>_<case>`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    prefix = f"test_{operation}"
    cases = ("", "_etag", "_bad_request", "_unauthorized", "_forbidden", "_not_found")
    return {
        n.name
        for n in tree.body
        if isinstance(n, ast.FunctionDef) and n.name in {prefix + case for case in cases}
    }


def check_json(cli: Cli, repo: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = cli("check", "--repo", str(repo), "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


def where(data: dict[str, Any], rule: str) -> list[tuple[str, int]]:
    """The file:line of every finding of `rule`."""
    return [(f["path"], f["line"]) for f in data["findings"] if f["rule"] == rule]


_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@")


def apply_diff(before: str | None, diff: str) -> str:
    """The text a unified diff (as `Change.diff` writes it) turns `before` into."""
    old = [] if before is None else before.splitlines(keepends=True)
    lines = diff.splitlines(keepends=True)
    result: list[str] = []
    position = 0
    index = next((i for i, line in enumerate(lines) if line.startswith("@@")), len(lines))
    while index < len(lines):
        hunk = _HUNK.match(lines[index])
        assert hunk, lines[index]
        start, count = int(hunk.group(1)), int(hunk.group(2) or 1)
        first = start - 1 if count else start
        result += old[position:first]
        position = first
        index += 1
        while index < len(lines) and not lines[index].startswith("@@"):
            kind, text = lines[index][0], lines[index][1:]
            if index + 1 < len(lines) and lines[index + 1].startswith("\\ No newline"):
                text = text.removesuffix("\n")
                index += 1
            if kind in " -":
                assert old[position] == text, (old[position], text)
                position += 1
            if kind in " +":
                result.append(text)
            index += 1
    return "".join(result + old[position:])
