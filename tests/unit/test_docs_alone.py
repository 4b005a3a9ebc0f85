"""The pieces of a check of docs alone: who an operation admits, the tags a spec declares and
groups, the fixes spliced into a fragment, and a change judged against an invalid spec."""

from __future__ import annotations

import pytest

from scaffold.artifacts.doc_fixes import FragmentFixes
from scaffold.commands.rules.operations import is_public
from scaffold.scan.docs import docs_facts
from scaffold.scan.facts import Location
from scaffold.scan.tag_groups import tag_facts
from scaffold.spec.merge import merge
from scaffold.spec.problems import SpecInvalid, validate_change
from scaffold.text.yaml import compose
from tests.unit.test_spec_merge import DEFS, INTRO, operation

FRAGMENT = """\
  /api/v4/things:
    get:
      summary: List things
      description: |
        Every thing.
        ##### Permissions
        {permissions}
      operationId: {operation_id}
{security}      responses:
        '200':
          description: ok
        '404':
          description: none
  /api/v4/other:
    get:
      operationId: Other
      responses:
        '200':
          description: ok
"""


def fragment(permissions: str = "Must be logged in.", *, public: bool = False, operation_id: str = "GetThings") -> str:
    return FRAGMENT.format(
        permissions=permissions, operation_id=operation_id, security="      security: []\n" if public else ""
    )


def only_operation(text: str):  # type: ignore[no-untyped-def]
    return docs_facts(text, "things.yaml", "/api/v4").operations[0]


@pytest.mark.parametrize(
    ("permissions", "public", "expected"),
    [
        pytest.param("Must be logged in.", False, False, id="session"),
        pytest.param("Must be logged in.", True, True, id="security-empty"),
        pytest.param("No permission required.", False, True, id="no-permission"),
        pytest.param("None.", False, True, id="none"),
        pytest.param("No authentication required.", False, True, id="no-authentication"),
        pytest.param("Requires an active session but no other permissions.", False, False, id="session-said"),
        pytest.param("No permission required, but an active session is.", False, False, id="open-then-session"),
        pytest.param("Must have `manage_system` permission.", False, False, id="permission"),
    ],
)
def test_who_an_operation_admits_is_read_from_its_doc(permissions: str, public: bool, expected: bool) -> None:
    assert is_public(only_operation(fragment(permissions, public=public))) is expected


def test_an_operation_keeps_the_lines_of_the_keys_the_rules_point_at() -> None:
    doc = only_operation(fragment())
    assert (doc.description_line, doc.responses_line, doc.status_lines) == (4, 9, ((200, 10), (404, 12)))
    assert doc.permissions_text is not None and "Must be logged in." in doc.permissions_text
    assert doc.prefixed


def test_a_path_outside_the_prefix_is_kept_as_written() -> None:
    doc = only_operation(fragment().replace("/api/v4/things", "/files/{file_id}/public"))
    assert (doc.path, doc.prefixed) == ("/files/{file_id}/public", False)


def test_tags_and_their_groups_with_their_lines() -> None:
    text = (
        "tags:\n  - name: users\n    description: x\n  - name: data retention\n"
        "x-tagGroups:\n  - name: Endpoints\n    tags:\n      - users\n"
    )
    root = compose(text, "intro.yaml")
    facts = tag_facts(root, "intro.yaml")  # type: ignore[arg-type]
    assert facts.declared == (("users", Location("intro.yaml", 2)), ("data retention", Location("intro.yaml", 4)))
    assert (facts.grouped, facts.groups_at) == (("users",), Location("intro.yaml", 5))


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_a_response_is_added_in_code_order_like_its_siblings(ending: str) -> None:
    text = fragment().replace("\n", ending)
    fixes = FragmentFixes(text, "things.yaml")
    assert fixes.add_response(2, 401, "Unauthorized")
    result = fixes.result()
    expected = fragment().replace(
        "        '404':\n", "        '401':\n          $ref: \"#/components/responses/Unauthorized\"\n        '404':\n"
    )
    assert result == expected.replace("\n", ending)


def test_a_response_after_the_last_one_stays_inside_the_operation() -> None:
    fixes = FragmentFixes(fragment(), "things.yaml")
    assert fixes.add_response(2, 500, "InternalServerError")
    lines = fixes.result().splitlines()
    assert lines[13:16] == [
        "        '500':",
        '          $ref: "#/components/responses/InternalServerError"',
        "  /api/v4/other:",
    ]


def test_an_operation_id_is_renamed_in_place() -> None:
    fixes = FragmentFixes(fragment(operation_id='"getThings"  # legacy'), "things.yaml")
    assert fixes.rename_operation_id(8, "getThings", "GetThings")
    assert '      operationId: "GetThings"  # legacy\n' in fixes.result()
    assert not FragmentFixes(fragment(), "things.yaml").rename_operation_id(8, "getThings", "GetThings")


BROKEN = operation("/a", "A").replace("      responses:", "      body: {}\n      responses:")


def test_a_change_to_an_invalid_spec_answers_only_for_what_it_brings() -> None:
    before = merge([("intro.yaml", INTRO), ("tag1.yaml", BROKEN), ("defs.yaml", DEFS)])
    # An operation added above the broken one moves it, and is no new problem.
    moved = operation("/b", "B") + BROKEN
    after = merge([("intro.yaml", INTRO), ("tag1.yaml", moved), ("defs.yaml", DEFS)])
    assert validate_change(after, before) == 1
    worse = moved.replace("operationId: B\n", "operationId: B\n      bogus: 1\n")
    with pytest.raises(SpecInvalid) as raised:
        validate_change(merge([("intro.yaml", INTRO), ("tag1.yaml", worse), ("defs.yaml", DEFS)]), before)
    assert [p.message for p in raised.value.problems] == [
        "invalid OpenAPI at #/paths/~1b/get/bogus: unexpected key 'bogus'"
    ]
