"""Schemathesis against the reference server, in-process: every operation, as a user and an admin.

Each operation runs the schema's examples, schemathesis' coverage cases (boundaries, missing and
mistyped fields, methods the path does not serve) and hypothesis fuzzing, positive and negative.
Every response must pass every check schemathesis has: no 5xx, a documented status code, the
documented content type, headers and body schema, 4xx for invalid input, no 4xx for valid input
(the docs state every rule the server checks on a value), 401 without credentials.

The server runs on a fresh in-memory database with the reference suite's own fixtures (`th`).
Valid generated requests may get the fixtures' real ids, so they reach the app layer rather than
stop at a 404. A body that names something the docs say must exist (the team of a new channel,
the thread of a reply) or must agree with the path (the team of a new member) always gets a
value that does: no schema can say that, and the server answers 400 when it does not hold. The
database is restored before every example, so a logout or a delete in one does not starve the
next.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import strategies as st
from schemathesis.checks import CHECKS, is_check_class, load_all_checks
from schemathesis.generation.hypothesis.builder import (
    HypothesisTestConfig,
    HypothesisTestMode,
    create_test,
)

from scaffold.commands.docs import merged_spec
from scaffold.repo.open import open_repo
from scaffold.repo.workspace import Workspace
from scaffold.resources import reference_dir

# The reference server, or a repo of its shape named by SCAFFOLD_CONFORMANCE_REPO (a copy with
# endpoints added by scaffold: see test_conformance_of_added_endpoints.py).
REFERENCE = Path(os.environ.get("SCAFFOLD_CONFORMANCE_REPO") or reference_dir())
# The reference server is its own project (`python -m server` from its root): import it as such.
if str(REFERENCE) not in sys.path:
    sys.path.insert(0, str(REFERENCE))

from server.api4.api import init_api
from server.api4.apitestlib import PASSWORD, TestHelper, setup

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

load_all_checks()
# Every check schemathesis has, as `--checks all` runs them.
CHECKS = [check for check in CHECKS.get_all() if not is_check_class(check)]

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


class Fixtures:
    """The fixtures' ids, and which of them go together (a channel's team, a team's members)."""

    def __init__(self, th: TestHelper, session_user_id: str) -> None:
        self.session_user_id = session_user_id
        self.user_ids = [
            th.basic_user.id,
            th.basic_user2.id,
            th.system_admin_user.id,
            th.guest_user.id,
        ]
        self.usernames = [th.basic_user.username, th.basic_user2.username]
        self.team_ids = [th.basic_team.id, th.other_team.id]
        self.channel_ids = [th.basic_channel.id, th.other_channel.id]
        self.post_ids = [th.basic_post.id, th.other_post.id]
        self.team_members = {
            th.basic_team.id: [th.basic_user.id, th.basic_user2.id],
            th.other_team.id: [th.system_admin_user.id],
        }
        self.channel_team = {
            th.basic_channel.id: th.basic_team.id,
            th.other_channel.id: th.other_team.id,
        }
        # The post that starts a thread in each channel.
        self.thread_root = {
            th.basic_channel.id: th.basic_post.id,
            th.other_channel.id: th.other_post.id,
        }
        self.logins = [th.basic_user.username, th.basic_user2.email]


def path_values(fixtures: Fixtures) -> dict[str, st.SearchStrategy[str]]:
    """Path parameters that name something in the database: the fixtures' ids and names."""
    return {
        "user_id": st.sampled_from([*fixtures.user_ids, "me"]),
        "team_id": st.sampled_from(fixtures.team_ids),
        "channel_id": st.sampled_from(fixtures.channel_ids),
        "post_id": st.sampled_from(fixtures.post_ids),
        "username": st.sampled_from(fixtures.usernames),
    }


@st.composite
def bound(draw: st.DrawFn, case: Case, fixtures: Fixtures) -> Case:
    """case, maybe with real values: what hypothesis explores when fuzzing a valid request.

    Every value may stay as generated (None keeps it): a well-formed id of nothing is a 404 or a
    403, which a valid request may get. A real value comes first, so hypothesis tries it first.
    """
    in_path = path_values(fixtures)
    for name in case.path_parameters or {}:
        if name in in_path and (value := draw(in_path[name] | st.none())) is not None:
            case.path_parameters[name] = value
    if isinstance(case.body, dict):
        in_body = {
            "user_id": st.sampled_from(fixtures.user_ids),
            "team_id": st.sampled_from(fixtures.team_ids),
            "channel_id": st.sampled_from(fixtures.channel_ids),
            "root_id": st.sampled_from([*fixtures.post_ids, ""]),
            "login_id": st.sampled_from(fixtures.logins),
            "password": st.just(PASSWORD),
        }
        for name in case.body:
            if name in in_body and (value := draw(in_body[name] | st.none())) is not None:
                case.body[name] = value
    return case


def conform(case: Case, fixtures: Fixtures) -> None:
    """Make a valid request keep the rules the docs state in words, which no schema can state.

    Every phase needs it (the coverage phase's cases do not go through hypothesis' hooks): the
    server answers 400 to a body that breaks one, and that request is not valid.
    """
    path, body = case.path_parameters or {}, case.body
    if not isinstance(body, dict):
        return
    if "user_id" in body and "user_id" in path:
        # UpdateUserStatus: the body names the user of the path again, `me` resolved.
        body["user_id"] = fixtures.session_user_id if path["user_id"] == "me" else path["user_id"]
    if "team_id" in body:
        # AddTeamMember names the team of the path again; CreateChannel a team that exists.
        if "team_id" in path:
            body["team_id"] = path["team_id"]
        elif body["team_id"] not in fixtures.team_ids:
            body["team_id"] = fixtures.team_ids[0]
    if "user_id" in body and path.get("channel_id") in fixtures.channel_team:
        # AddChannelMember: a user who exists is an active member of the channel's team.
        members = fixtures.team_members[fixtures.channel_team[path["channel_id"]]]
        if body["user_id"] in fixtures.user_ids and body["user_id"] not in members:
            body["user_id"] = members[0]
    if "channel_id" in body:
        # CreatePost: a channel that exists, and a reply names a thread of that channel.
        if body["channel_id"] not in fixtures.channel_ids:
            body["channel_id"] = fixtures.channel_ids[0]
        if body.get("root_id"):
            body["root_id"] = fixtures.thread_root[body["channel_id"]]


def load_schema(th: TestHelper, token: str, fixtures: Fixtures) -> Any:
    """The spec as schemathesis sees it, served by th's app and authenticated with token."""
    config = schemathesis.Config.from_dict({"auth": {"openapi": {"bearerAuth": {"bearer": token}}}})
    schema = schemathesis.openapi.from_dict(SPEC, config=config)
    schema.app = init_api(th.app)

    @schema.hook("flatmap_case")
    def use_real_values(context: schemathesis.HookContext, case: Case) -> Any:
        # Only valid requests get real values: a negative case must stay as invalid as generated.
        if case.meta is None or not case.meta.generation.mode.is_positive:
            return st.just(case)
        return bound(case, fixtures)

    return schema


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


def encode_path_parameters(case: Case) -> None:
    """Percent-encode each path parameter that is not text, as a client would.

    schemathesis encodes the text it generates for a path, but writes a value of another type
    (a list, an object: what a negative case may generate) into the URL as Python prints it: a
    `#` or `?` there ends the path, and the request reaches another route than the case's (a
    405 where the case's route answers 404).
    """
    if case.path_parameters:
        case.path_parameters = {
            name: value if isinstance(value, str) else quote(str(value), safe="")
            for name, value in case.path_parameters.items()
        }


def conformance_test(
    schema: Any,
    label: str,
    fixtures: Fixtures,
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
        if case.meta is not None and case.meta.generation.mode.is_positive:
            conform(case, fixtures)
        encode_path_parameters(case)
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
    user = th.system_admin_user if role == "admin" else th.basic_user
    client = th.system_admin_client if role == "admin" else th.client
    fixtures = Fixtures(th, user.id)
    schema = load_schema(th, client.auth_token, fixtures)
    snapshot = Snapshot(th.store.conn)
    examples = 0

    def counted() -> None:
        nonlocal examples
        examples += 1

    try:
        modes = ALL_PHASES if thorough else QUICK_PHASES[role]
        conformance_test(schema, label, fixtures, snapshot, modes, thorough, counted)()
    finally:
        snapshot.close()
        tally("operations × examples checked", examples)
    assert examples > 0


def test_a_path_parameter_that_is_not_text_reaches_the_route_of_its_case(th: TestHelper) -> None:
    # Found by the long run: a negative case's user_id, a list holding "#", reached
    # `PUT /api/v4/users/...` (405) instead of `PUT /api/v4/users/{user_id}/patch`.
    fixtures = Fixtures(th, th.basic_user.id)
    schema = load_schema(th, th.client.auth_token, fixtures)
    case = schema["/api/v4/users/{user_id}/patch"]["PUT"].Case(
        path_parameters={"user_id": [["null", "#", "false"], "?", 69910]}, body={}
    )
    encode_path_parameters(case)
    assert case.formatted_path.endswith("/patch") and "#" not in case.formatted_path
    assert case.call().status_code in (400, 401, 403, 404)
