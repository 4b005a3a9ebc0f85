"""scaffold.text.yamlnode: one node edited in place with ruamel.yaml, the rest byte for byte."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from scaffold.errors import RepoLayoutError
from scaffold.text.yamlnode import edit_node

DOC = """\
# a comment that ruamel.yaml would keep, or not
tags:
  - name: users
    description: >
      Accounts.
x-tagGroups:
  - name: Endpoints
    tags:
      - users   # the first
      - "teams"
servers:
  - url: 'http://x'
"""


def append(tag: str):  # type: ignore[no-untyped-def]
    def change(data: Any) -> None:
        data["x-tagGroups"][0]["tags"].append(tag)

    return change


def test_only_the_node_changes() -> None:
    edited = edit_node(DOC, 5, 10, append("data retention"), "intro.yaml")
    assert edited == DOC.replace('      - "teams"\n', '      - "teams"\n      - data retention\n')
    assert yaml.safe_load(edited)["x-tagGroups"][0]["tags"] == ["users", "teams", "data retention"]


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_a_nested_node_keeps_its_indentation_and_line_ends(newline: str) -> None:
    text = DOC.replace("\n", newline)
    edited = edit_node(text, 7, 10, lambda data: data["tags"].insert(0, "bots"), "intro.yaml")
    assert edited == DOC.replace("    tags:\n", "    tags:\n      - bots\n").replace("\n", newline)


@pytest.mark.parametrize(
    "node",
    [
        pytest.param("x-tagGroups:\n  - name: Endpoints\n    tags: [ users ,  teams ]\n", id="flow-spacing"),
        pytest.param("x-tagGroups:\n  - name:   Endpoints\n    tags:\n      - users\n", id="value-spacing"),
    ],
)
def test_a_node_that_does_not_round_trip_is_refused(node: str) -> None:
    with pytest.raises(RepoLayoutError, match="would not write it back byte for byte"):
        edit_node(node, 0, node.count("\n"), append("x"), "intro.yaml")


def test_a_node_ending_the_file_without_a_newline_still_does() -> None:
    text = "a: 1\nlist:\n  - x"
    assert edit_node(text, 1, 3, lambda data: data["list"].append("y"), "f.yaml") == "a: 1\nlist:\n  - x\n  - y"
