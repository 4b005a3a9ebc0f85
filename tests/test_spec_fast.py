"""The fast spec validation agrees with openapi-spec-validator, and places every problem at its key.

Agreement: the same verdict, the same schema errors at the same instance paths, the same
results of the reference's own checks, and the same places inside a Schema Object — on the
reference server's spec, on a fixture of each kind of error (tests/fixtures/openapi, where
`# ←` marks the line each problem must be reported at) and on generated documents.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaffold.model.layout import parse_layout
from scaffold.spec.merge import merge, read_fragments
from scaffold.spec.openapi import document_issues
from scaffold.spec.problems import MAX_PROBLEMS, SpecInvalid, judge_fragments, problems, validate
from tests.spec_reference import fast_view, reference

FIXTURES = Path(__file__).parent / "fixtures" / "openapi"
REFERENCE = Path(__file__).parent.parent / "reference"
#: Where the fast path is deliberately stricter: the reference never follows these $refs.
STRICTER = {"dangling-ref-in-request-body.yaml"}


def assert_agrees(document: dict[str, Any]) -> None:
    ref = reference(document)
    issues = document_issues(document, limit=10_000)
    fast = fast_view(issues)
    assert bool(issues) == (not ref.valid), (issues, ref)
    assert {path for _, path in ref.schema_paths} <= {path for _, path in fast.schema_paths}
    if ref.crashed is None:
        assert fast.structure == ref.structure
        assert fast.checks == ref.checks
        assert bool(ref.schema_paths) == bool(fast.schema_paths)
    else:  # it gave up part way: what it found before that stands
        assert ref.structure <= fast.structure
        assert ref.checks <= fast.checks


def marked_lines(text: str) -> list[int]:
    return [number for number, line in enumerate(text.splitlines(), 1) if "# ←" in line]


def test_the_reference_servers_spec_is_valid_by_both() -> None:
    layout = parse_layout(REFERENCE, (REFERENCE / "scaffold.toml").read_text())
    merged = merge(read_fragments(layout, lambda path: (REFERENCE / path).read_text()))
    assert problems(merged) == []
    assert_agrees(merged.data)


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.yaml")))
def test_each_kind_of_problem_is_reported_at_its_key(name: str) -> None:
    text = (FIXTURES / name).read_text()
    merged = merge([(name, text)])
    found = problems(merged)
    assert sorted({p.line for p in found}) == marked_lines(text), [
        (p.line, p.message) for p in found
    ]
    assert all(p.path == name for p in found)
    if name in STRICTER:
        assert reference(merged.data).valid
        assert [p.message for p in found] == [
            "$ref '#/components/schemas/Nothing' points to nothing"
        ]
    else:
        assert_agrees(merged.data)


def test_every_problem_is_reported_at_once_each_in_its_fragment() -> None:
    # One document with several of the fixtures' problems, spread over fragments.
    introduction = "openapi: 3.0.0\ninfo:\n  title: All\n  version: '1'\npaths:\n"
    users = (
        "  /users/{user_id}:  # ←\n"
        "    get:\n"
        "      operationId: GetUser\n"
        "      body: {}  # ←\n"
        "      responses:\n"
        '        "200":\n'
        '          $ref: "#/components/responses/Nothing"  # ←\n'
    )
    teams = (
        "  /teams:\n"
        "    get:\n"
        "      operationId: GetUser  # ←\n"
        "      parameters:\n"
        "        - name: per_page\n"
        "          in: query\n"
        "          schema:\n"
        "            type: integer\n"
        "            default: sixty  # ←\n"
        "      responses:\n"
        '        "200":  # ←\n'
        "          descriptio: OK  # ←\n"
    )
    definitions = "components:\n  responses: {}\n"
    fragments = [
        ("intro.yaml", introduction),
        ("users.yaml", users),
        ("teams.yaml", teams),
        ("defs.yaml", definitions),
    ]
    with pytest.raises(SpecInvalid) as raised:
        validate(merge(fragments))
    found = raised.value.problems
    assert raised.value.message == f"{found[0].message} (and {len(found) - 1} more: `scaffold check` lists them all)"
    assert found == list(judge_fragments(fragments).problems)
    for name, text in fragments:
        assert sorted({p.line for p in found if p.path == name}) == marked_lines(text), name
    assert any("first at users.yaml:3" in p.message for p in found)


def test_a_document_with_many_problems_lists_the_first_fifty() -> None:
    # 40 stray keys (the schema's errors) and 40 undeclared path parameters (the walk's).
    paths = "".join(
        f'  "/p{i}/{{x}}":\n    get:\n      stray{i}: 1\n      responses: {{"200": {{description: ok}}}}\n'
        for i in range(40)
    )
    merged = merge([("a.yaml", "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n" + paths)])
    found = problems(merged)
    assert len(found) == MAX_PROBLEMS
    assert sum("stray" in p.message for p in found) == 40


# -- generated documents ------------------------------------------------------------------
# Each document draws how often it goes wrong: never (it must validate), now and then, or
# often; every choice that can make it invalid is taken at that rate.


class Faults:
    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.rate = draw(st.sampled_from([0, 0, 4, 20]))

    def __call__(self) -> bool:
        return self.rate > 0 and self.draw(st.integers(0, 99)) < self.rate


def _ref(draw: st.DrawFn, fault: Faults, kind: str, good: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/Missing" if fault() else f"#/components/{kind}/{good}"}


def leaf_schema(draw: st.DrawFn, fault: Faults) -> Any:
    if draw(st.integers(0, 5)) == 0:
        return _ref(draw, fault, "schemas", "Named")
    kind = draw(st.sampled_from(["string", "integer", "boolean", "number"]))
    schema: dict[str, Any] = {"type": "strin" if fault() else kind}
    if draw(st.booleans()):
        fitting = {
            "string": st.text(max_size=2),
            "integer": st.integers(-2, 2),
            "boolean": st.booleans(),
            "number": st.just(1.5),
        }
        wrong = st.one_of(
            st.none(), st.integers(-2, 2), st.text(max_size=2), st.booleans(), st.just(1.5)
        )
        schema["default"] = draw(wrong if fault() else fitting[kind])
    if draw(st.integers(0, 4)) == 0:
        schema["nullable"] = True
        if draw(st.booleans()):
            schema["default"] = None
    if draw(st.integers(0, 4)) == 0:
        # Formats OpenAPI defines, with defaults that fit them and defaults that do not.
        if kind == "string":
            schema["format"] = draw(st.sampled_from(["byte", "date-time"]))
            schema["default"] = draw(
                st.sampled_from(["aGk=", "not base64!", "2024-01-01T00:00:00Z"])
            )
        elif kind == "integer":
            schema["format"] = "int32"
            schema["default"] = draw(st.sampled_from([1, 2**40]))
    if fault():
        schema["minimum"] = "zero"
    return schema


def schema(draw: st.DrawFn, fault: Faults) -> Any:
    kind = draw(st.integers(0, 3))
    if kind < 2:
        return leaf_schema(draw, fault)
    names = draw(st.lists(st.sampled_from(["id", "name", "size"]), max_size=2, unique=True))
    result: dict[str, Any] = {
        "type": "object",
        "properties": {name: leaf_schema(draw, fault) for name in names},
    }
    required = [name for name in names if draw(st.booleans())] + (["extra"] if fault() else [])
    if required:
        result["required"] = required
    if kind == 3:
        result["allOf"] = [
            {"$ref": "#/components/schemas/Named"},
            {"type": "object", "properties": {"size": {"type": "integer"}}},
        ]
    if draw(st.integers(0, 5)) == 0:
        result["items"] = leaf_schema(draw, fault)
    return result


def parameters(draw: st.DrawFn, fault: Faults, names: list[str]) -> list[Any]:
    result: list[Any] = []
    wanted = [name for name in names if not fault()] + (["user_id"] if fault() else [])
    wanted += draw(st.lists(st.sampled_from(["page", "q"]), max_size=2, unique=not fault()))
    for name in wanted:
        if name == "user_id" and draw(st.integers(0, 3)) == 0:
            result.append(_ref(draw, fault, "parameters", "UserId"))
            continue
        where = "path" if name.endswith("_id") else "query"
        parameter: dict[str, Any] = {"name": name, "in": where, "schema": schema(draw, fault)}
        if where == "path":
            parameter["required"] = True
        if fault() and draw(st.integers(0, 3)) == 0:
            del parameter["name"]  # the reference gives up on this one
        result.append(parameter)
    return result


def operation(draw: st.DrawFn, fault: Faults, url: str, ids: list[str]) -> dict[str, Any]:
    names = [part[1:-1] for part in url.split("/") if part.startswith("{")]
    ids.append(ids[-1] if ids and fault() else f"Op{len(ids)}")
    result: dict[str, Any] = {"operationId": ids[-1]}
    params = parameters(draw, fault, names)
    if params or draw(st.booleans()):
        result["parameters"] = params
    responses: dict[Any, Any] = {}
    for code in draw(
        st.lists(st.sampled_from(["200", "201", "404"]), min_size=1, max_size=2, unique=True)
    ):
        if draw(st.integers(0, 4)) == 0:
            responses[code] = _ref(draw, fault, "responses", "NotFound")
            continue
        response: dict[str, Any] = {"description": "ok"}
        if draw(st.booleans()):
            response["content"] = {"application/json": {"schema": schema(draw, fault)}}
        if fault():
            del response["description"]
        responses[code] = response
    if fault() and draw(st.integers(0, 9)) == 0:
        responses[200] = {"description": "a code YAML reads as a number"}
    result["responses"] = responses
    if fault():
        result["body"] = {}
    if draw(st.integers(0, 3)) == 0:
        result["requestBody"] = {
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Named"}}}
        }
    return result


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    fault = Faults(draw)
    urls = draw(
        st.lists(
            st.sampled_from(["/a", "/a/{user_id}", "/b/{team_id}/c/{user_id}"]),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    paths: dict[str, Any] = {}
    ids: list[str] = []
    for url in urls:
        item: dict[str, Any] = {}
        if fault():
            item["parameters"] = parameters(draw, fault, [])
        for method in draw(
            st.lists(
                st.sampled_from(["get", "post", "delete"]), min_size=1, max_size=2, unique=True
            )
        ):
            item[method] = operation(draw, fault, url, ids)
        paths[url] = item
    document: dict[str, Any] = {
        "openapi": "3.0.0",
        "info": {"title": "Generated", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": {
                "Named": {"type": "object", "properties": {"name": leaf_schema(draw, fault)}},
                "Other": schema(draw, fault),
            },
            "parameters": {
                "UserId": {
                    "name": "user_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                }
            },
            "responses": {"NotFound": {"description": "not found"}},
        },
    }
    tags = draw(st.lists(st.sampled_from(["a", "b"]), max_size=2, unique=not fault()))
    if tags:
        document["tags"] = [{"name": tag} for tag in tags]
    return document


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_documents_are_judged_as_the_reference_judges_them(
    document: dict[str, Any],
) -> None:
    assert_agrees(document)
