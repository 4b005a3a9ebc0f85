"""Security cases over every operation: tokens, other users' resources, SQL metacharacters in
every string parameter, oversized and malformed bodies.

Each case checks what the client gets (the status the docs give for it, never a 500, never a
session token or password hash) and what the server kept (a refused request changes nothing;
an accepted one changes only the rows of its target, and stores what it was sent verbatim).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from server.api4.apitestlib import PASSWORD, TestHelper, setup
from server.model.channel import CHANNEL_PRIVATE
from server.model.ids import new_id
from server.web.handlers import MAX_BODY_SIZE
from server.web.securitytestlib import (
    OPERATIONS,
    PENDING,
    PUBLIC,
    Req,
    assert_app_error,
    assert_database_intact,
    assert_no_secrets,
    database_rows,
    operations,
    route_request,
    secrets,
    send,
    served_routes,
    token_for,
)

# Classic injection strings. None holds '/', '?' or '#', so each stays one path segment.
SQL_PAYLOADS = (
    "' OR '1'='1",
    "'; DROP TABLE users; --",
    '" OR ""="',
    "1 UNION SELECT token FROM sessions --",
    "%' OR 1=1 --",
    "') OR ('1'='1",
)


@pytest.fixture(scope="module")
def pristine() -> Iterator[tuple[TestHelper, sqlite3.Connection]]:
    helper = setup().init_basic()
    copy = sqlite3.connect(":memory:")
    helper.store.conn.backup(copy)
    try:
        yield helper, copy
    finally:
        copy.close()
        helper.tear_down()


@pytest.fixture
def th(pristine: tuple[TestHelper, sqlite3.Connection]) -> TestHelper:
    """th as in the other suites, with the database put back rather than built again.

    The cases are many and change nothing but the database (and no case here reassigns a field
    of th), so the fixtures' users, sessions and clients stay valid from one case to the next.
    """
    helper, copy = pristine
    copy.backup(helper.store.conn)
    return helper


def _catalog() -> tuple[dict[str, Req], list[str], list[str]]:
    # Which parameters and fields an operation has, and which routes are served, does not
    # depend on the ids: a throwaway helper lists them when the tests are collected.
    th = setup().init_basic()
    try:
        routes = served_routes(th)
        session = [route.label for route in routes if route.require_session]
        query_token_refused = [
            route.label for route in routes if route.require_session and not route.trust_requester
        ]
        return operations(th), session, query_token_refused
    finally:
        th.tear_down()


def _names(select: Callable[[Req], Mapping[str, Any] | None]) -> list[tuple[str, str]]:
    """(operation, name) of every parameter or field that select picks out of a request."""
    return [(operation, name) for operation, req in CATALOG.items() for name in select(req) or {}]


def by_operation(cases: Iterable[Any]) -> list[Any]:
    """Cases named by their operation (first), those of a pending operation marked: their app
    function answers 501 until it is written. Not strict: the cases the handler decides alone
    (a malformed id, a body too large) pass already."""
    marked = []
    for case in cases:
        values = case if isinstance(case, tuple) else (case,)
        pending = values[0] in PENDING
        marks = pytest.mark.xfail(reason="pending: its app function is not written", strict=False)
        marked.append(pytest.param(*values, marks=marks) if pending else case)
    return marked


CATALOG, SESSION_ROUTES, QUERY_TOKEN_ROUTES = _catalog()
PATH_PARAMS = by_operation(_names(lambda req: req.params))
QUERY_PARAMS = by_operation(_names(lambda req: req.query))
BODY_FIELDS = _names(lambda req: req.body)
BODY_OPERATIONS = sorted({operation for operation, _ in BODY_FIELDS})


def token_of(th: TestHelper) -> str:
    return th.client.auth_token


def test_listed_operations_are_served(th: TestHelper) -> None:
    """The table names real routes, each public or session-only as the table says."""
    served = {route.label: route.require_session for route in served_routes(th)}
    listed = operations(th)
    assert sorted(listed) == sorted(OPERATIONS)
    assert set(PENDING) <= set(OPERATIONS)
    for name, req in listed.items():
        assert req.label in served, req.label
        assert served[req.label] == (name not in PUBLIC), req.label


@pytest.mark.parametrize("operation", by_operation(OPERATIONS))
def test_operation_allowed_with_a_valid_token(th: TestHelper, operation: str) -> None:
    # The control for the cases below: the same request with the basic user's token succeeds.
    req = operations(th)[operation]
    resp = send(th, req, token_for(th, req))
    assert resp.status_code in (200, 201), resp.text


# Tokens: missing, malformed, forged and revoked


def _revoked(th: TestHelper) -> str:
    client = th.login(th.basic_user)
    token = client.auth_token
    assert client.logout()[1].status_code == 200
    return f"Bearer {token}"


def _deactivated(th: TestHelper) -> str:
    assert th.system_admin_client.delete_user(th.basic_user.id)[1].status_code == 200
    return f"Bearer {token_of(th)}"


def _session_id(th: TestHelper) -> str:
    session = th.store.session().get(token_of(th))
    assert session is not None and session.id != session.token
    return f"Bearer {session.id}"


# Each gives the Authorization header to send; "" sends none.
BAD_CREDENTIALS: dict[str, Callable[[TestHelper], str]] = {
    "missing": lambda th: "",
    "empty bearer": lambda th: "Bearer ",
    "no scheme": lambda th: token_of(th),
    "basic scheme": lambda th: f"Basic {token_of(th)}",
    "forged": lambda th: f"Bearer {new_id()}",
    "session id for token": _session_id,
    "sql in token": lambda th: "Bearer ' OR '1'='1",
    "oversized token": lambda th: "Bearer " + "x" * 16384,
    "revoked by logout": _revoked,
    "user deactivated": _deactivated,
}


@pytest.mark.parametrize("credentials", BAD_CREDENTIALS)
@pytest.mark.parametrize("route", SESSION_ROUTES)
def test_bad_credentials(th: TestHelper, route: str, credentials: str) -> None:
    header = BAD_CREDENTIALS[credentials](th)
    before, known = database_rows(th), secrets(th)
    headers = {"Authorization": header} if header else {}
    resp = send(th, route_request(th, route), headers=headers)
    assert_app_error(resp, 401, "api.context.session_expired.app_error")
    assert_no_secrets(resp, known)
    assert_database_intact(th, before)


@pytest.mark.parametrize("route", QUERY_TOKEN_ROUTES)
def test_token_in_query_string(th: TestHelper, route: str) -> None:
    req = route_request(th, route).with_query("access_token", token_of(th))
    before = database_rows(th)
    resp = send(th, req)
    assert_app_error(resp, 401, "api.context.token_provided.app_error")
    assert_database_intact(th, before)


def test_logout_revokes_only_its_own_session(th: TestHelper) -> None:
    first, second = th.login(th.basic_user), th.login(th.basic_user)
    _, resp = first.logout()
    assert resp.status_code == 200
    me, resp = second.get_user("me")
    assert resp.status_code == 200
    assert me["id"] == th.basic_user.id


# Other users' resources


@dataclass(frozen=True)
class Trespass:
    """A user sending a request on something that is not theirs to read or change."""

    actor: str
    operation: str
    params: Mapping[str, str] = field(default_factory=dict)
    body: Mapping[str, Any] = field(default_factory=dict)


def _world(th: TestHelper) -> dict[str, str]:
    """The ids the trespasses name: the fixtures', and a private channel of the basic team."""
    private = th.create_channel(th.basic_team, th.basic_user, type=CHANNEL_PRIVATE)
    private_post = th.create_post(private, th.basic_user)
    return {
        "me": th.basic_user.id,
        "user2": th.basic_user2.id,
        "guest": th.guest_user.id,
        "team": th.basic_team.id,
        "other_team": th.other_team.id,
        "channel": th.basic_channel.id,
        "other_channel": th.other_channel.id,
        "private": private.id,
        "post": th.basic_post.id,
        "other_post": th.other_post.id,
        "private_post": private_post.id,
    }


# Actors: "user" is the basic user (team admin of basic_team, stranger to other_team),
# "member" basic_user2 (plain member of basic_team and basic_channel, not of the private
# channel), "guest" a system guest in no team. Values name keys of _world.
TRESPASSES = {
    "patch another user": Trespass("user", "PatchUser", {"user_id": "user2"}),
    "deactivate another user": Trespass("user", "DeleteUser", {"user_id": "user2"}),
    "set another user's status": Trespass(
        "user", "UpdateUserStatus", {"user_id": "user2"}, {"user_id": "user2"}
    ),
    "guest patches a user": Trespass("guest", "PatchUser", {"user_id": "me"}),
    "guest deactivates a user": Trespass("guest", "DeleteUser", {"user_id": "me"}),
    "read a foreign team": Trespass("user", "GetTeam", {"team_id": "other_team"}),
    "patch a foreign team": Trespass("user", "PatchTeam", {"team_id": "other_team"}),
    "delete a foreign team": Trespass("user", "DeleteTeam", {"team_id": "other_team"}),
    "list a foreign team's members": Trespass("user", "GetTeamMembers", {"team_id": "other_team"}),
    "join a foreign team": Trespass(
        "user",
        "AddTeamMember",
        {"team_id": "other_team"},
        {"team_id": "other_team", "user_id": "me"},
    ),
    "list a foreign team's channels": Trespass(
        "user", "GetPublicChannelsForTeam", {"team_id": "other_team"}
    ),
    "create a channel in a foreign team": Trespass(
        "user", "CreateChannel", body={"team_id": "other_team"}
    ),
    "read a foreign channel": Trespass("user", "GetChannel", {"channel_id": "other_channel"}),
    "patch a foreign channel": Trespass("user", "PatchChannel", {"channel_id": "other_channel"}),
    "delete a foreign channel": Trespass("user", "DeleteChannel", {"channel_id": "other_channel"}),
    "join a foreign channel": Trespass(
        "user", "AddChannelMember", {"channel_id": "other_channel"}, {"user_id": "me"}
    ),
    "read a foreign channel's posts": Trespass(
        "user", "GetPostsForChannel", {"channel_id": "other_channel"}
    ),
    "post in a foreign channel": Trespass(
        "user", "CreatePost", body={"channel_id": "other_channel"}
    ),
    "read a foreign post": Trespass("user", "GetPost", {"post_id": "other_post"}),
    "delete a foreign post": Trespass("user", "DeletePost", {"post_id": "other_post"}),
    "member patches the team": Trespass("member", "PatchTeam", {"team_id": "team"}),
    "member deletes the team": Trespass("member", "DeleteTeam", {"team_id": "team"}),
    "member adds to the team": Trespass(
        "member", "AddTeamMember", {"team_id": "team"}, {"team_id": "team", "user_id": "guest"}
    ),
    "member deletes another's post": Trespass("member", "DeletePost", {"post_id": "post"}),
    "member reads a private channel": Trespass("member", "GetChannel", {"channel_id": "private"}),
    "member patches a private channel": Trespass(
        "member", "PatchChannel", {"channel_id": "private"}
    ),
    "member deletes a private channel": Trespass(
        "member", "DeleteChannel", {"channel_id": "private"}
    ),
    "member joins a private channel": Trespass(
        "member", "AddChannelMember", {"channel_id": "private"}, {"user_id": "user2"}
    ),
    "member reads a private channel's posts": Trespass(
        "member", "GetPostsForChannel", {"channel_id": "private"}
    ),
    "member reads a private post": Trespass("member", "GetPost", {"post_id": "private_post"}),
    "member posts in a private channel": Trespass(
        "member", "CreatePost", body={"channel_id": "private"}
    ),
    "guest creates a team": Trespass("guest", "CreateTeam"),
    "guest reads a team": Trespass("guest", "GetTeam", {"team_id": "team"}),
    "guest lists a team's members": Trespass("guest", "GetTeamMembers", {"team_id": "team"}),
    "guest reads a channel": Trespass("guest", "GetChannel", {"channel_id": "channel"}),
    "guest reads a post": Trespass("guest", "GetPost", {"post_id": "post"}),
    "guest posts": Trespass("guest", "CreatePost", body={"channel_id": "channel"}),
}


def _trespass_request(th: TestHelper, trespass: Trespass) -> Req:
    world = _world(th)
    req = operations(th)[trespass.operation]
    for name, key in trespass.params.items():
        req = req.with_param(name, world[key])
    for name, key in trespass.body.items():
        req = req.with_field(name, world[key])
    return req


@pytest.mark.parametrize("case", TRESPASSES)
def test_other_users_resources(th: TestHelper, case: str) -> None:
    trespass = TRESPASSES[case]
    req = _trespass_request(th, trespass)
    actor = {"user": th.basic_user, "member": th.basic_user2, "guest": th.guest_user}
    client = th.login(actor[trespass.actor])
    before, known = database_rows(th), secrets(th)
    resp = send(th, req, client.auth_token)
    assert_app_error(resp, 403, "api.context.permissions.app_error")
    assert_no_secrets(resp, known)
    assert_database_intact(th, before)


# SQL metacharacters in every string parameter


@pytest.mark.parametrize("payload", SQL_PAYLOADS)
@pytest.mark.parametrize(("operation", "name"), PATH_PARAMS)
def test_sql_in_path_parameter(th: TestHelper, operation: str, name: str, payload: str) -> None:
    req = operations(th)[operation].with_param(name, payload)
    before, known = database_rows(th), secrets(th)
    resp = send(th, req, token_for(th, req))
    # Ids are 26 characters of [a-z0-9], usernames [a-z0-9._-]: the value never reaches SQL.
    assert_app_error(resp, 400, "api.context.invalid_url_param.app_error")
    assert_no_secrets(resp, known)
    assert_database_intact(th, before)


@pytest.mark.parametrize("payload", SQL_PAYLOADS)
@pytest.mark.parametrize(("operation", "name"), QUERY_PARAMS)
def test_sql_in_query_parameter(th: TestHelper, operation: str, name: str, payload: str) -> None:
    req = operations(th)[operation].with_query(name, payload)
    before, known = database_rows(th), secrets(th)
    resp = send(th, req, token_for(th, req))
    assert_app_error(resp, 400, "api.context.invalid_url_param.app_error")
    assert_no_secrets(resp, known)
    assert_database_intact(th, before)


@pytest.mark.parametrize("payload", SQL_PAYLOADS)
@pytest.mark.parametrize(("operation", "name"), by_operation(BODY_FIELDS))
def test_sql_in_body_field(th: TestHelper, operation: str, name: str, payload: str) -> None:
    req = operations(th)[operation].with_field(name, payload)
    before, known = database_rows(th), secrets(th)
    resp = send(th, req, token_for(th, req))
    assert_no_secrets(resp, known)
    if name not in req.accepted:
        # Ids, names, enums and credentials are checked before anything is stored.
        assert resp.status_code in (400, 401), resp.text
        assert_database_intact(th, before)
        return
    assert resp.status_code in (200, 201), resp.text
    target = resp.json()["id"]
    assert_database_intact(th, before, target)
    if name in req.stored:
        # The table and column come from this file's table, the value through a parameter.
        (stored,) = th.store.conn.execute(
            f"SELECT {name} FROM {req.table} WHERE id = ?", (target,)
        ).fetchone()
        assert stored == payload


@pytest.mark.parametrize("payload", SQL_PAYLOADS)
def test_sql_in_login_lets_nobody_in(th: TestHelper, payload: str) -> None:
    login = operations(th)["Login"].with_field("login_id", payload)
    for password in (payload, PASSWORD):
        resp = send(th, login.with_field("password", password))
        assert_app_error(resp, 401, "api.user.login.invalid_credentials_email_username")
        assert "Token" not in resp.headers


# Oversized and malformed bodies


def _oversized() -> bytes:
    return b'{"message": "' + b"x" * MAX_BODY_SIZE + b'"}'


def _streamed() -> Iterator[bytes]:
    # No Content-Length: the limit holds while the body is read.
    chunk = b"x" * 65536
    yield b'{"message": "'
    for _ in range(MAX_BODY_SIZE // len(chunk) + 1):
        yield chunk
    yield b'"}'


MALFORMED_BODIES = {
    "empty": b"",
    "truncated": b'{"name": ',
    "array": b"[]",
    "string": b'"text"',
    "number": b"42",
    "null": b"null",
    "not utf-8": b'{"name": "\xff\xfe"}',
    "NaN": b'{"name": NaN}',
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
    "deep objects": b'{"a": ' * 50_000 + b"1" + b"}" * 50_000,
}


@pytest.mark.parametrize("operation", by_operation(BODY_OPERATIONS))
def test_oversized_body(th: TestHelper, operation: str) -> None:
    req = operations(th)[operation]
    before = database_rows(th)
    for content in (_oversized(), _streamed()):
        resp = send(th, req, token_for(th, req), content=content)
        assert_app_error(resp, 413, "api.context.request_body_too_large.app_error")
    assert_database_intact(th, before)


@pytest.mark.parametrize("body", MALFORMED_BODIES)
@pytest.mark.parametrize("operation", by_operation(BODY_OPERATIONS))
def test_malformed_body(th: TestHelper, operation: str, body: str) -> None:
    req = operations(th)[operation]
    before = database_rows(th)
    resp = send(th, req, token_for(th, req), content=MALFORMED_BODIES[body])
    assert_app_error(resp, 400, "api.context.invalid_body_param.app_error")
    assert_database_intact(th, before)


@pytest.mark.parametrize(("operation", "name"), by_operation(BODY_FIELDS))
def test_lone_surrogate_in_body_field(th: TestHelper, operation: str, name: str) -> None:
    # JSON can spell a lone surrogate ("\ud800"), which no UTF-8 text can hold.
    req = operations(th)[operation].with_field(name, "\ud800")
    before = database_rows(th)
    resp = send(th, req, token_for(th, req))
    assert_app_error(resp, 400, "api.context.invalid_body_param.app_error")
    assert_database_intact(th, before)


@pytest.mark.parametrize("operation", by_operation(sorted(set(BODY_OPERATIONS) - set(PUBLIC))))
def test_malformed_body_without_a_token(th: TestHelper, operation: str) -> None:
    # The session is checked first: an anonymous caller learns nothing about the body.
    resp = send(th, operations(th)[operation], content=MALFORMED_BODIES["truncated"])
    assert_app_error(resp, 401)
