"""Which driver arguments take a JSON object: told from the annotation's name, whatever its form."""

from __future__ import annotations

import ast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scaffold.scan.driver import _is_mapping as is_mapping

MAPPINGS = ("dict", "Dict", "Mapping", "MutableMapping")


def by_text(annotation: ast.expr) -> bool:
    """The reading of an annotation by its text, which the fast one must agree with."""
    return ast.unparse(annotation).split("[", 1)[0].rsplit(".", 1)[-1] in MAPPINGS


@pytest.mark.parametrize(
    ("annotation", "mapping"),
    [
        ("dict[str, Any]", True),
        ("typing.Dict[str, Any]", True),
        ("collections.abc.Mapping[str, object]", True),
        ("MutableMapping", True),
        ("list[dict[str, Any]]", False),
        ("Optional[dict[str, Any]]", False),
        ("dict[str, Any] | None", True),
        ("dict | None", False),
        ("'dict[str, Any]'", False),
        ("str", False),
        ("models.User", False),
    ],
)
def test_the_annotations_that_take_a_json_object(annotation: str, mapping: bool) -> None:
    node = ast.parse(annotation, mode="eval").body
    assert is_mapping(node) is mapping is by_text(node)


names = st.sampled_from([*MAPPINGS, "list", "Any", "typing", "abc", "str", "Optional", "x"])
expressions = st.recursive(
    names,
    lambda inner: st.one_of(
        st.builds(lambda a, b: f"{a}.{b}", inner, names),
        st.builds(lambda a, b: f"{a}[{b}]", inner, inner),
        st.builds(lambda a, b: f"{a} | {b}", inner, inner),
        st.builds(lambda a: f"'{a}'", names),
        st.builds(lambda a, b: f"{a}[0].{b}", inner, names),
    ),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(expressions)
def test_every_annotation_is_read_as_its_text_reads(annotation: str) -> None:
    node = ast.parse(annotation, mode="eval").body
    assert is_mapping(node) is by_text(node)
