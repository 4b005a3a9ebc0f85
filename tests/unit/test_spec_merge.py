"""scaffold.spec.merge: fragments concatenated in build order, every problem at fragment:line."""

from __future__ import annotations

import pytest

from scaffold.errors import ValidationError
from scaffold.spec.merge import MAX_ALIAS_EXPANSION, MAX_NESTING, merge

INTRO = "openapi: 3.0.0\ninfo:\n  title: T\n  version: 1.0.0\npaths:\n"  # 5 lines
DEFS = "components:\n  schemas:\n    User:\n      type: object\n"


def operation(path: str, operation_id: str, method: str = "get") -> str:
    """A path item of a tag fragment, six lines."""
    return (
        f"  {path}:\n    {method}:\n      operationId: {operation_id}\n"
        '      responses:\n        "200":\n          description: ok\n'
    )


USERS = operation("/api/v4/users", "GetUsers")
TEAMS = operation("/api/v4/teams", "GetTeams")
SPEC = [("intro.yaml", INTRO), ("users.yaml", USERS), ("teams.yaml", TEAMS), ("defs.yaml", DEFS)]


# ---------------------------------------------------------------------------------------------
# The line map


@pytest.mark.parametrize(
    ("merged_line", "expected"),
    [
        pytest.param(0, ("intro.yaml", 1), id="first-line"),
        pytest.param(4, ("intro.yaml", 5), id="last-of-intro"),
        pytest.param(5, ("users.yaml", 1), id="first-of-second"),
        pytest.param(10, ("users.yaml", 6), id="last-of-second"),
        pytest.param(11, ("teams.yaml", 1), id="third"),
        pytest.param(19, ("defs.yaml", 3), id="last-fragment"),
    ],
)
def test_locate(merged_line: int, expected: tuple[str, int]) -> None:
    assert merge(SPEC).locate(merged_line) == expected


def test_locate_skips_an_empty_fragment() -> None:
    merged = merge([("intro.yaml", INTRO), ("empty.yaml", ""), ("users.yaml", USERS)])
    assert [f.first_line for f in merged.fragments] == [0, 5, 5]
    assert merged.locate(5) == ("users.yaml", 1)


def test_merge_reads_the_document_and_its_operations() -> None:
    merged = merge(SPEC)
    assert merged.text == INTRO + USERS + TEAMS + DEFS
    assert sorted(merged.data) == ["components", "info", "openapi", "paths"]
    assert [(path, method) for path, method, _, _ in merged.operations()] == [
        ("/api/v4/users", "get"),
        ("/api/v4/teams", "get"),
    ]
    (_, _, node, data), _ = merged.operations()
    assert data["operationId"] == "GetUsers"
    assert merged.locate_node(node) == ("users.yaml", 3)


def test_operations_leave_out_what_is_not_a_method() -> None:
    item = (
        "  /api/v4/x:\n    summary: s\n    parameters: []\n    x-owner:\n      team: core\n"
        + (operation("/api/v4/x", "GetX").split("\n", 1)[1])
    )
    merged = merge([("intro.yaml", INTRO), ("x.yaml", item)])
    assert [(path, method) for path, method, _, _ in merged.operations()] == [("/api/v4/x", "get")]


def test_merge_only_builds_one_key() -> None:
    merged = merge(SPEC, only="components")
    assert merged.data == {"components": {"schemas": {"User": {"type": "object"}}}}
    assert merged.text == INTRO + USERS + TEAMS + DEFS


def test_nesting_up_to_the_limit_is_accepted() -> None:
    depth = MAX_NESTING - 1  # the root mapping is one level, each sequence another
    merge([("intro.yaml", "x: " + "[" * depth + "]" * depth + "\n")])


# ---------------------------------------------------------------------------------------------
# Errors, each at its fragment and line

DUPLICATE_METHOD = USERS + "    get:\n      responses: {}\n"
BOMB = "".join(
    f"{name}: &{name} [{', '.join([previous] * 10)}]\n"
    for name, previous in zip("abcde", ["x", "*a", "*b", "*c", "*d"], strict=True)
)

ERRORS = [
    pytest.param(
        [("intro.yaml", INTRO), ("users.yaml", USERS), ("teams.yaml", USERS), ("defs.yaml", DEFS)],
        "/api/v4/users is defined twice: first at users.yaml:1",
        ("teams.yaml", 1),
        "remove or rename one of them",
        id="path-in-two-fragments",
    ),
    pytest.param(
        [("intro.yaml", INTRO), ("users.yaml", DUPLICATE_METHOD)],
        "get is defined twice: first at users.yaml:2",
        ("users.yaml", 7),
        "remove or rename one of them",
        id="method-twice-in-a-fragment",
    ),
    pytest.param(
        [("intro.yaml", INTRO), ("users.yaml", USERS), ("defs.yaml", DEFS), ("more.yaml", DEFS)],
        "components is defined twice: first at defs.yaml:1",
        ("more.yaml", 1),
        "remove or rename one of them",
        id="top-level-key-twice",
    ),
    pytest.param(
        [("intro.yaml", INTRO), ("users.yaml", "  /x: [\n"), ("defs.yaml", DEFS)],
        "YAML syntax error: did not find expected ',' or ']'",
        ("defs.yaml", 2),
        "fix the YAML of this fragment",
        id="syntax-error-found-in-the-next-fragment",
    ),
    pytest.param(
        [("intro.yaml", INTRO), ("users.yaml", USERS), ("teams.yaml", "  /x:\n    get: \x00\n")],
        "YAML syntax error: control characters are not allowed (#x0000)",
        ("teams.yaml", 2),
        "fix the YAML of this fragment",
        id="nul",
    ),
    pytest.param(
        [("intro.yaml", "- a\n")],
        "the merged fragments are not a YAML mapping",
        ("intro.yaml", None),
        "introduction.yaml must start with `openapi:`",
        id="not-a-mapping",
    ),
    pytest.param(
        [
            ("intro.yaml", INTRO),
            ("users.yaml", "  /x:\n    get:\n      x: !!python/object:os.system {}\n"),
        ],
        "YAML value error: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object:os.system'",
        ("users.yaml", 3),
        "remove the explicit tag or fix the value",
        id="unsafe-tag",
    ),
    pytest.param(
        [("intro.yaml", INTRO), ("bomb.yaml", BOMB)],
        f"YAML aliases expand this node by more than {MAX_ALIAS_EXPANSION} nodes (an alias bomb?)",
        ("bomb.yaml", 5),
        "write the repeated parts out, or use $ref",
        id="alias-bomb",
    ),
    pytest.param(
        [("intro.yaml", INTRO), ("loop.yaml", "x-loop:\n  outer:\n    inner: &loop\n      again: [*loop]\n")],
        "a YAML alias stands inside the node it names: the value would never end",
        ("loop.yaml", 3),  # the anchor: the alias is the very node it names
        "write the repeated part out, or use $ref",
        id="alias-inside-its-node",
    ),
    pytest.param(
        [
            ("intro.yaml", INTRO),
            ("deep.yaml", "x: " + "[" * MAX_NESTING + "]" * MAX_NESTING + "\n"),
        ],
        f"YAML nested more than {MAX_NESTING} levels deep",
        ("deep.yaml", 1),
        "flatten it, e.g. with $ref to components",
        id="too-deep",
    ),
]


@pytest.mark.parametrize(("fragments", "message", "where", "hint"), ERRORS)
def test_merge_errors(
    fragments: list[tuple[str, str]], message: str, where: tuple[str, int | None], hint: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        merge(fragments)
    error = raised.value
    assert (error.message, (str(error.path), error.line), error.hint) == (message, where, hint)


def test_a_tag_that_does_not_fit_its_value() -> None:
    fragments = [("intro.yaml", INTRO), ("users.yaml", "  /x:\n    get:\n      x: !!int abc\n")]
    with pytest.raises(ValidationError) as raised:
        merge(fragments)
    assert raised.value.message == "YAML value error: invalid literal for int() with base 10: 'abc'"
    assert raised.value.hint == "remove the explicit tag or fix the value"


@pytest.mark.xfail(
    reason="a ValueError of the constructor carries no mark: the line of `!!int abc` is lost"
)
def test_a_tag_that_does_not_fit_its_value_is_located() -> None:
    fragments = [("intro.yaml", INTRO), ("users.yaml", "  /x:\n    get:\n      x: !!int abc\n")]
    with pytest.raises(ValidationError) as raised:
        merge(fragments)
    assert (str(raised.value.path), raised.value.line) == ("users.yaml", 3)


def test_a_shared_anchor_below_the_limit_is_accepted() -> None:
    text = "a: &a [x, x]\nb: [*a, *a, *a]\n"
    assert merge([("intro.yaml", text)]).data["b"] == [["x", "x"]] * 3


# ---------------------------------------------------------------------------------------------
# What concatenation alone would get wrong


def test_a_fragment_without_a_final_newline_is_merged_as_if_it_had_one() -> None:
    # Concatenated as it is, its last line would run into the next fragment's first, and the
    # error would name that fragment.
    merged = merge([("intro.yaml", INTRO), ("users.yaml", USERS.rstrip("\n")), ("teams.yaml", TEAMS), ("defs.yaml", DEFS)])
    assert set(merged.data["paths"]) == {"/api/v4/users", "/api/v4/teams"}
    assert merged.locate(11) == ("teams.yaml", 1)


def test_a_byte_order_mark_is_reported_at_the_start_of_its_fragment() -> None:
    with pytest.raises(ValidationError) as raised:
        merge([("intro.yaml", INTRO), ("users.yaml", USERS), ("teams.yaml", "\ufeff" + TEAMS), ("defs.yaml", DEFS)])
    assert (str(raised.value.path), raised.value.line) == ("teams.yaml", 1)
    assert "byte-order mark" in raised.value.message


def test_a_byte_order_mark_where_the_stream_starts_is_valid() -> None:
    merged = merge([("intro.yaml", "\ufeff" + INTRO), ("users.yaml", USERS), ("defs.yaml", DEFS)])
    assert set(merged.data["paths"]) == {"/api/v4/users"}
