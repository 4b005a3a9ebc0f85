"""Schemathesis against the reference server, in-process: every operation, as a user and an admin.

Each operation runs the schema's examples, schemathesis' coverage cases (boundaries, missing and
mistyped fields, methods the path does not serve) and hypothesis fuzzing, positive and negative.
Every response must pass the checks below: no 5xx, a documented status code, the documented
content type, headers and body schema, 4xx for invalid input, 401 without credentials.

The server runs on a fresh in-memory database with the reference suite's own fixtures (`th`).
Valid generated requests get the fixtures' real ids and names (and usernames, emails and names
of the accepted shape), so they reach the app layer rather than stop at a 400. The database is
restored before every example, so a logout or a delete in one does not starve the next.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import strategies as st
from schemathesis import checks as response_checks
from schemathesis.generation.hypothesis.builder import (
    HypothesisTestConfig,
    HypothesisTestMode,
    create_test,
)
from schemathesis.specs.openapi import checks as openapi_checks

from scaffold.commands.docs import merged_spec
from scaffold.repo.open import open_repo
from scaffold.repo.workspace import Workspace
from scaffold.resources import reference_dir

REFERENCE = reference_dir()
# The reference server is its own project (`python -m server` from its root): import it as such.
if str(REFERENCE) not in sys.path:
    sys.path.insert(0, str(REFERENCE))

from server.api4.api import init_api
from server.api4.apitestlib import PASSWORD, TestHelper, setup
from server.model.team import TEAM_NAME_PATTERN
from server.model.user import USERNAME_PATTERN

# A case of any operation of the OpenAPI schema.
Case = schemathesis.Case[Any]

SPEC: dict[str, Any] = merged_spec(open_repo(REFERENCE), Workspace(REFERENCE)).data
HTTP_METHODS = ("get", "put", "post", "delete", "patch")
OPERATIONS = [
    f"{method.upper()} {path}"
    for path, item in SPEC["paths"].items()
    for method in item
    if method in HTTP_METHODS
]
ROLES = ("user", "admin")

CHECKS = [
    response_checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.negative_data_rejection,
    openapi_checks.missing_required_header,
    openapi_checks.ignored_auth,
    openapi_checks.unsupported_method,
    openapi_checks.allow_header_conformance,
]
# Left out on purpose: positive_data_acceptance. The spec types ids and names as plain strings
# (as Mattermost's does); the server's 400 for an ill-shaped or unknown one is documented.

ALL_PHASES = [HypothesisTestMode.EXAMPLES, HypothesisTestMode.COVERAGE, HypothesisTestMode.FUZZING]
# The coverage cases (boundaries, missing and mistyped fields, other methods) probe validation,
# which runs before the permission checks: the quick pass sends them as the user only.
QUICK_PHASES = {
    "user": ALL_PHASES,
    "admin": [HypothesisTestMode.EXAMPLES, HypothesisTestMode.FUZZING],
}
QUICK_EXAMPLES = 5
THOROUGH_EXAMPLES = 150


class Snapshot:
    """A copy of the in-memory database, put back before every example."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.copy = sqlite3.connect(":memory:")
        conn.backup(self.copy)

    def restore(self) -> None:
        self.copy.backup(self.conn)

    def close(self) -> None:
        self.copy.close()


@pytest.fixture
def th() -> Iterator[TestHelper]:
    helper = setup()
    try:
        yield helper.init_basic()
    finally:
        helper.tear_down()


def path_values(th: TestHelper) -> dict[str, st.SearchStrategy[str]]:
    """Path parameters that name something in the database: the fixtures' ids and names."""
    return {
        "user_id": st.sampled_from([*user_ids(th), "me"]),
        "team_id": st.sampled_from([th.basic_team.id, th.other_team.id]),
        "channel_id": st.sampled_from([th.basic_channel.id, th.other_channel.id]),
        "post_id": st.sampled_from([th.basic_post.id, th.other_post.id]),
        "username": st.sampled_from([th.basic_user.username, th.basic_user2.username]),
    }


def body_values(th: TestHelper) -> dict[str, st.SearchStrategy[str]]:
    """Body fields the server checks beyond their documented type: values that pass."""
    return {
        "user_id": st.sampled_from(user_ids(th)),
        "team_id": st.sampled_from([th.basic_team.id, th.other_team.id]),
        "channel_id": st.sampled_from([th.basic_channel.id, th.other_channel.id]),
        "root_id": st.sampled_from([th.basic_post.id, th.other_post.id]),
        "username": st.from_regex(USERNAME_PATTERN, fullmatch=True),
        "email": st.from_regex(r"[a-z0-9]{1,20}@example\.com", fullmatch=True),
        # Team and channel names share one pattern.
        "name": st.from_regex(TEAM_NAME_PATTERN, fullmatch=True),
        "login_id": st.sampled_from([th.basic_user.username, th.basic_user2.email]),
        "password": st.just(PASSWORD),
    }


def user_ids(th: TestHelper) -> list[str]:
    return [th.basic_user.id, th.basic_user2.id, th.system_admin_user.id, th.guest_user.id]


def load_schema(th: TestHelper, token: str) -> Any:
    """The spec as schemathesis sees it, served by th's app and authenticated with token."""
    config = schemathesis.Config.from_dict({"auth": {"openapi": {"bearerAuth": {"bearer": token}}}})
    schema = schemathesis.openapi.from_dict(SPEC, config=config)
    schema.app = init_api(th.app)
    in_path, in_body = path_values(th), body_values(th)

    @schema.hook("flatmap_case")
    def use_real_values(context: schemathesis.HookContext, case: Case) -> Any:
        # Only valid requests get real values: a negative case must stay as invalid as generated.
        if case.meta is None or not case.meta.generation.mode.is_positive:
            return st.just(case)
        # A real value comes first, so it is the one hypothesis tries first; None keeps the
        # generated value.
        slots: dict[tuple[str, str], st.SearchStrategy[str | None]] = {}
        for name in case.path_parameters or {}:
            if name in in_path:
                slots[("path", name)] = in_path[name] | st.none()
        if isinstance(case.body, dict):
            for name in case.body:
                if name in in_body:
                    slots[("body", name)] = in_body[name] | st.none()
        return st.fixed_dictionaries(slots).map(lambda chosen: bind(case, chosen))

    return schema


def bind(case: Case, chosen: dict[tuple[str, str], str | None]) -> Case:
    for (where, name), value in chosen.items():
        if value is None:
            continue
        if where == "path":
            case.path_parameters[name] = value
        elif isinstance(case.body, dict):
            case.body[name] = value
    return case


def settings(thorough: bool) -> hypothesis.settings:
    return hypothesis.settings(
        max_examples=THOROUGH_EXAMPLES if thorough else QUICK_EXAMPLES,
        # The quick pass checks the same examples every run; the long run explores.
        derandomize=not thorough,
        database=None,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


def conformance_test(
    schema: Any,
    label: str,
    snapshot: Snapshot,
    modes: list[HypothesisTestMode],
    thorough: bool,
    counted: Callable[[], None],
) -> Callable[[], None]:
    """The hypothesis test of one operation: schemathesis' cases, each sent and checked.

    create_test builds what `schema.parametrize()` builds for pytest, one operation at a time;
    parametrize fixes the hypothesis settings at import, before `thorough` is known.
    """
    method, path = label.split(" ", 1)
    operation = schema[path][method]

    def check(case: Case) -> None:
        snapshot.restore()
        response = case.call()
        counted()
        case.validate_response(response, checks=CHECKS)

    return create_test(
        operation=operation,
        test_func=check,
        config=HypothesisTestConfig(
            project=schema.config, modes=modes, settings=settings(thorough)
        ),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("label", OPERATIONS)
def test_conformance(
    label: str, role: str, th: TestHelper, thorough: bool, tally: Callable[[str, int], None]
) -> None:
    client = th.system_admin_client if role == "admin" else th.client
    schema = load_schema(th, client.auth_token)
    snapshot = Snapshot(th.store.conn)
    examples = 0

    def counted() -> None:
        nonlocal examples
        examples += 1

    try:
        modes = ALL_PHASES if thorough else QUICK_PHASES[role]
        conformance_test(schema, label, snapshot, modes, thorough, counted)()
    finally:
        snapshot.close()
        tally("operations × examples checked", examples)
    assert examples > 0
