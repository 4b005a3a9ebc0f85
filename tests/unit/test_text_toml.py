"""scaffold.text.toml: any valid scaffold.toml a person writes is edited correctly, or refused."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from scaffold.model.layout import TagLayout
from scaffold.text.toml import add_fragment, add_tag_table, remove_fragment, remove_tag_table

REFERENCE = (Path(__file__).parents[2] / "reference" / "scaffold.toml").read_text(encoding="utf-8")
WIDGETS = TagLayout("widgets", "widget", "Widget", ("/widgets",))

VARIANTS = [
    pytest.param(REFERENCE, id="reference"),
    # Issue 12 item 15: a table appended at the end, after [tests] and [format].
    pytest.param(REFERENCE + '\n[tags.imports]\nresource = "imports"\n', id="table-after-format"),
    pytest.param(REFERENCE + '\n[tags.imports]\nresource = "imports"', id="no-final-newline"),
    pytest.param(REFERENCE.replace("\n", "\r\n"), id="crlf"),
    pytest.param('tags.imports.resource = "imports"\n' + REFERENCE, id="dotted-keys"),
    pytest.param(REFERENCE.replace("[tags.users]", '[tags]\nimports = { resource = "imports" }\n\n[tags.users]'), id="inline-under-tags"),
    pytest.param(
        'tags = { imports = { resource = "imports" } }\n' + REFERENCE.split("# One table per tag")[0]
        + REFERENCE.split("# The permission model")[1].join(["# The permission model", ""]),
        id="inline-tags-table",
    ),
    pytest.param(REFERENCE + "\n[docs.extra]\nnote = 1\n", id="docs-out-of-order"),
    pytest.param(REFERENCE.replace('build = [\n    "introduction.yaml",', 'build = ["introduction.yaml", # first\n   '), id="build-with-comment"),
]


@pytest.mark.parametrize("text", VARIANTS)
def test_a_new_tag_is_added_and_removed(text: str) -> None:
    tomllib.loads(text)  # a valid file to begin with
    added = add_tag_table(add_fragment(text, "widgets.yaml", "definitions.yaml"), WIDGETS)
    data = tomllib.loads(added)
    assert data["docs"]["build"][-2:] == ["widgets.yaml", "definitions.yaml"]
    assert data["tags"]["widgets"] == {"resource": "widget", "section": "Widget", "paths": ["/widgets"]}
    removed = remove_tag_table(remove_fragment(added, "widgets.yaml"), "widgets")
    assert tomllib.loads(removed) == tomllib.loads(text)
    if "inline" not in str(text[:60]) and "tags = {" not in text:
        assert removed == text  # a table spliced in as text comes out as text


def test_a_tag_named_with_spaces_gets_a_quoted_table_and_its_fragment() -> None:
    tag = TagLayout("audit logs", "audit_log", "AuditLog", ("/audit",))
    added = add_tag_table(REFERENCE, tag, fragment="auditlogs.yaml")
    assert '[tags."audit logs"]\nresource = "audit_log"\nsection = "AuditLog"\nfragment = "auditlogs.yaml"\n' in added
    assert remove_tag_table(added, "audit logs") == REFERENCE


def test_no_build_list_is_no_edit() -> None:
    text = '[docs]\nsource = "api"\n'
    assert add_fragment(text, "x.yaml", "definitions.yaml") == text
    assert remove_fragment(text, "x.yaml") == text
