"""scaffold.spec.problems: each OpenAPI problem with its message and its fragment:line."""

from __future__ import annotations

import pytest

from scaffold.errors import ValidationError
from scaffold.spec.merge import merge
from scaffold.spec.problems import (
    MAX_PROBLEMS,
    SpecProblem,
    SpecVerdict,
    judge_fragments,
    problems,
    validate,
)
from tests.unit.test_spec_merge import DEFS, INTRO, operation

HINT = "fix this key of the fragment; `scaffold docs build` shows the merged result"
NO_RESPONSES = "  /api/v4/users:\n    get:\n      operationId: GetUsers\n"
BAD_SUMMARY = "  /a:\n    get:\n      operationId: S\n      summary: [1]\n" + (
    '      responses:\n        "200":\n          description: ok\n'
)
BAD_PARAMETER = operation("/a", "A").replace(
    "      responses:",
    "      parameters:\n        - name: a\n          in: query\n          schema: {type: string}\n"
    "        - name: b\n          in: nowhere\n      responses:",
)
SCHEMA_REF = (
    '      responses:\n        "200":\n          description: ok\n          content:\n'
    "            application/json:\n              schema:\n"
    '                $ref: "#/components/schemas/Nope"\n'
)


def spec(*tags: str, intro: str = INTRO, defs: str = DEFS) -> list[tuple[str, str]]:
    """The fragments: intro.yaml, one `tagN.yaml` per tag text, defs.yaml."""
    return [
        ("intro.yaml", intro),
        *((f"tag{n}.yaml", text) for n, text in enumerate(tags, 1)),
        ("defs.yaml", defs),
    ]


PROBLEMS = [
    pytest.param(
        spec(NO_RESPONSES),
        "invalid OpenAPI at #/paths/~1api~1v4~1users/get: missing required key 'responses'",
        ("tag1.yaml", 2),
        HINT,
        id="missing-responses",
    ),
    pytest.param(
        spec(operation("/b", "B"), BAD_SUMMARY),
        'invalid OpenAPI at #/paths/~1a/get/summary: [1] is not of type "string"',
        ("tag2.yaml", 4),
        HINT,
        id="wrong-type-at-its-key",
    ),
    pytest.param(
        spec(BAD_PARAMETER),
        "invalid OpenAPI at #/paths/~1a/get/parameters/1: missing required key 'schema'",
        ("tag1.yaml", 8),
        HINT,
        id="second-item-of-a-list",
    ),
    pytest.param(
        spec(operation("/a/{x}", "A")),
        "invalid OpenAPI at #/paths/~1a~1{x}: "
        "Path parameter 'x' for 'get' operation in '/a/{x}' was not resolved",
        ("tag1.yaml", 1),
        "declare it in the operation: a parameter with `in: path` and `name: x`",
        id="undeclared-path-parameter-at-its-path",
    ),
    pytest.param(
        spec(operation("/a", "A"), "  /c:\n    get:\n" + SCHEMA_REF),
        "$ref '#/components/schemas/Nope' points to nothing",
        ("tag2.yaml", 9),
        "fix the $ref, or define what it names in the definitions fragment",
        id="dangling-ref-at-the-ref",
    ),
    pytest.param(
        spec(operation("/a", "A"), defs=DEFS + "    1: {type: object}\n"),
        "invalid OpenAPI at #/components/schemas/1: the key 1 is a number, and OpenAPI keys are text",
        ("defs.yaml", 5),
        'quote it, e.g. "200": or "2024-01-01"',
        id="key-not-a-string",
    ),
    pytest.param(
        spec("  /a: [\n"),
        "YAML syntax error: did not find expected ',' or ']'",
        ("defs.yaml", 2),
        "fix the YAML of this fragment",
        id="merge-error-as-a-problem",
    ),
]


@pytest.mark.parametrize(("fragments", "message", "where", "hint"), PROBLEMS)
def test_judge_fragments(
    fragments: list[tuple[str, str]], message: str, where: tuple[str, int | None], hint: str
) -> None:
    found = judge_fragments(fragments).problems
    problem = found[0]  # every problem is listed: the first is the one this case is about
    assert problem.message.startswith(message)
    assert ((problem.path, problem.line), problem.hint) == (where, hint)


def test_a_ref_cycle_cannot_be_validated() -> None:
    cycle = (
        "components:\n  schemas:\n"
        "    A:\n      $ref: '#/components/schemas/B'\n"
        "    B:\n      $ref: '#/components/schemas/A'\n"
    )
    found = judge_fragments(spec(operation("/a", "A"), defs=cycle)).problems
    # Each $ref of the loop, at its line.
    assert [(p.path, p.line) for p in found] == [("defs.yaml", 4), ("defs.yaml", 6)]
    assert all("part of a loop of $refs" in p.message for p in found)


def test_a_valid_spec_has_no_problems() -> None:
    assert judge_fragments(spec(operation("/a", "A"), operation("/b", "B"))) == SpecVerdict((), 2, 2)


def test_a_duplicate_operation_id_does_not_hide_the_problems_behind_it() -> None:
    found = judge_fragments(spec(operation("/c", "A"), operation("/b", "A"), BAD_SUMMARY)).problems
    assert [(p.message, p.path, p.line) for p in found] == [
        ('invalid OpenAPI at #/paths/~1a/get/summary: [1] is not of type "string"', "tag3.yaml", 4),
        ("operationId A is used twice: first at tag1.yaml:3", "tag2.yaml", 3),
    ]


@pytest.mark.parametrize(
    ("version", "count"),
    [
        pytest.param("3.0.0", 1, id="responses-required-in-3.0"),
        pytest.param("3.1.0", 0, id="responses-optional-in-3.1"),
    ],
)
def test_the_validator_follows_the_openapi_version(version: str, count: int) -> None:
    merged = merge(spec(NO_RESPONSES, intro=INTRO.replace("3.0.0", version)))
    assert len(problems(merged)) == count


@pytest.mark.parametrize(
    ("only", "expected"),
    [
        pytest.param(None, ["tag2.yaml"], id="whole-document"),
        pytest.param({"tag2.yaml"}, ["tag2.yaml"], id="the-changed-fragment"),
        pytest.param({"tag1.yaml"}, [], id="another-fragment"),
    ],
)
def test_problems_of_some_fragments(only: set[str] | None, expected: list[str]) -> None:
    merged = merge(spec(operation("/b", "B"), BAD_SUMMARY))
    assert [p.path for p in problems(merged, only=only)] == expected
    # The same when only the path items of those fragments were read into data.
    restricted = merge(spec(operation("/b", "B"), BAD_SUMMARY), paths_of=only)
    assert [p.path for p in problems(restricted, only=only)] == expected


def test_an_unsafe_tag_is_refused_in_a_fragment_the_change_leaves_alone() -> None:
    unsafe = operation("/b", "B").replace("description: ok", "description: !!python/object/apply:os.getcwd []")
    with pytest.raises(ValidationError) as raised:
        merge(spec(unsafe, operation("/a", "A")), paths_of={"tag2.yaml"})
    assert raised.value.message.startswith("YAML value error")
    assert str(raised.value.path) == "tag1.yaml"


def test_the_data_can_hold_the_path_items_of_some_fragments_alone() -> None:
    fragments = spec(operation("/b", "B"), operation("/a", "A"))
    merged = merge(fragments, paths_of={"tag2.yaml"})
    assert list(merged.data["paths"]) == ["/a"]
    assert list(merge(fragments).data["paths"]) == ["/b", "/a"]
    assert [k.value for k, _ in merged.root.value] == [k.value for k, _ in merge(fragments).root.value]


def test_problems_stop_at_the_limit() -> None:
    many = "".join(
        NO_RESPONSES.replace("users", f"users{n}").replace("GetUsers", f"Get{n}") for n in range(60)
    )
    assert len(problems(merge(spec(many)))) == MAX_PROBLEMS


def test_validate_raises_the_first_problem() -> None:
    with pytest.raises(ValidationError) as raised:
        validate(merge(spec(operation("/b", "B"), BAD_SUMMARY, NO_RESPONSES)))
    error = raised.value
    assert error.message.startswith("invalid OpenAPI at #/paths/~1a/get/summary")
    assert error.message.endswith("(and 1 more: `scaffold check` lists them all)")
    assert (str(error.path), error.line, error.hint) == ("tag2.yaml", 4, HINT)


@pytest.mark.parametrize(
    "only",
    [
        pytest.param(None, id="whole-document"),
        pytest.param({"tag1.yaml"}, id="other-fragment-only"),
    ],
)
def test_validate_refuses_an_operation_id_used_twice(only: set[str] | None) -> None:
    with pytest.raises(ValidationError) as raised:
        second = operation("/b", "A").replace("    get:\n", "    get:\n      summary: b\n")
        validate(merge(spec(operation("/a", "A"), second), paths_of=only), only=only)
    error = raised.value
    assert (error.message, str(error.path), error.line) == (
        "operationId A is used twice: first at tag1.yaml:3",
        "tag2.yaml",
        4,
    )


def test_validate_passes_a_valid_spec() -> None:
    validate(merge(spec(operation("/a", "A"))))


def test_a_problem_is_an_error() -> None:
    error = SpecProblem("bad", "tag1.yaml", 3, "fix it").error()
    assert (error.message, str(error.path), error.line, error.hint, error.exit_code) == (
        "bad",
        "tag1.yaml",
        3,
        "fix it",
        1,
    )


def _chained(links: int) -> list[tuple[str, str]]:
    """A spec whose schema Deep0 refers to Deep1, and so on `links` times."""
    chain = "".join(
        f"    Deep{i}:\n      type: object\n      properties:\n        next:\n"
        f"          $ref: '#/components/schemas/Deep{i + 1}'\n"
        for i in range(links)
    )
    return [("intro.yaml", INTRO), ("defs.yaml", DEFS + chain + f"    Deep{links}:\n      type: object\n")]


def _too_deep(links: int, frames_above: int = 0) -> bool:
    """Whether the chain is too deep to validate, judged `frames_above` frames further down
    the stack than this test."""
    if frames_above:
        return _too_deep(links, frames_above - 1)
    return any("nest too deep" in p.message for p in judge_fragments(_chained(links)).problems)


def test_a_spec_too_deep_to_validate_is_so_wherever_it_is_judged_from() -> None:
    # The child that judges ahead of the command line stands dozens of frames higher than the
    # command would: the verdict must not move with the stack.
    low, high = 1, 2000  # not too deep, too deep
    assert not _too_deep(low) and _too_deep(high)
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if _too_deep(middle) else (middle, high)
    assert not _too_deep(low, frames_above=300) and _too_deep(high, frames_above=300)
