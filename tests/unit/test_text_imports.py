"""scaffold.text.imports: where sibling modules import a name from."""

from __future__ import annotations

import ast

import pytest

from scaffold.text.imports import import_source


def walked(texts: list[str | None], name: str) -> str | None:
    """The first `from X import name` of a whole-module walk: what import_source must find."""
    for text in texts:
        if not text or name not in text:
            continue
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if any(a.name == name and a.asname is None for a in node.names):
                    return node.module
    return None


CASES = {
    "at-the-head": ["from server.model.ids import new_id\n\ndef test_a():\n    new_id()\n"],
    "in-a-function-only": ["import os\n\ndef test_a():\n    from server.ids import new_id\n    new_id()\n"],
    "nested-at-the-head-top-level-later": [
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from typed import new_id\n\n"
        "def test_a():\n    pass\n\nfrom later import new_id\n"
    ],
    "aliased-is-not-it": ["from a import new_id as other\n\ndef f():\n    from b import new_id\n"],
    "relative-is-not-it": ["from .ids import new_id\n"],
    "broken-then-good": ["def broken(:\n    new_id\n", None, "from good import new_id\n"],
    "nowhere": ["new_id = 1\n"],
}


@pytest.mark.parametrize("texts", CASES.values(), ids=CASES.keys())
def test_the_import_found_is_the_first_a_whole_walk_meets(texts: list[str | None]) -> None:
    assert import_source(texts, "new_id") == walked(texts, "new_id")


def test_what_each_case_finds() -> None:
    found = {case: import_source(texts, "new_id") for case, texts in CASES.items()}
    assert found == {
        "at-the-head": "server.model.ids",
        "in-a-function-only": "server.ids",
        "nested-at-the-head-top-level-later": "later",
        "aliased-is-not-it": "b",
        "relative-is-not-it": None,
        "broken-then-good": "good",
        "nowhere": None,
    }
