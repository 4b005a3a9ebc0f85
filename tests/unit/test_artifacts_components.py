"""The components an add plans against: read from the last fragment alone where that is the
same as reading the whole spec, and from the whole spec otherwise."""

from __future__ import annotations

import pytest

from scaffold.artifacts.context import Components, components_fragments, components_of
from scaffold.spec.merge import merge

INTRO = "openapi: 3.0.0\ninfo:\n  title: t\n  version: '1'\npaths:\n"
USERS = "  /users:\n    get:\n      responses:\n        '200':\n          description: ok\n"
DEFINITIONS = (
    "# shared\n\ncomponents:\n  schemas:\n    User:\n      type: object\n"
    "      properties:\n        id:\n          type: string\n"
)


def components(fragments: list[tuple[str, str]]) -> Components:
    return components_of(merge(components_fragments(fragments) or fragments, only="components"), "Id")


def test_the_last_fragment_alone_gives_what_the_whole_spec_gives() -> None:
    fragments = [("intro.yaml", INTRO), ("users.yaml", USERS), ("definitions.yaml", DEFINITIONS)]
    assert components_fragments(fragments) == [fragments[-1]]
    assert components(fragments) == components_of(merge(fragments, only="components"), "Id")
    assert components(fragments).schemas == {"User"}


@pytest.mark.parametrize(
    "fragments",
    [
        pytest.param(
            [("intro.yaml", INTRO + "components:\n  schemas:\n    Team:\n      type: object\n"), ("users.yaml", USERS)],
            id="not-the-last-fragment",
        ),
        pytest.param(
            [("intro.yaml", INTRO + USERS + "components:\n"), ("definitions.yaml", "  schemas:\n    Team:\n      type: object\n")],
            id="the-last-continues-the-one-before",
        ),
        pytest.param(
            [("intro.yaml", INTRO + "  /teams:\n"), ("definitions.yaml", USERS.split("\n", 1)[1] + DEFINITIONS)],
            id="the-last-opens-inside-a-path-of-the-one-before",
        ),
    ],
)
def test_otherwise_the_whole_spec_is_read(fragments: list[tuple[str, str]]) -> None:
    assert components_fragments(fragments) is None
    assert components(fragments) == components_of(merge(fragments, only="components"), "Id")
