"""Helpers of the security cases: every operation's request, and what a case checks.

`operations(th)` holds one request per operation, aimed at the basic user's own resources, with
what each body field takes. The cases that need to know an operation (permissions, SQL, bodies)
use it; the ones the handler wrappers decide (tokens, body size) run on every served route, so an
endpoint added later is covered by those at once. Add a new operation to the table for the rest.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote

import httpx
from starlette.routing import Route

from server.api4.api import init_api
from server.api4.apitestlib import PASSWORD, TestHelper
from server.model.ids import new_id
from server.web.handlers import Handler

API = "/api/v4"

APP_ERROR_KEYS = {"id", "message", "detailed_error", "request_id", "status_code"}

PAGING = {"page": "0", "per_page": "60"}


@dataclass(frozen=True)
class Req:
    """A request of one operation: method, path template, parameters and JSON body.

    `accepted` names the body fields that take any text; `stored` those of them saved verbatim
    in `table`, in the row whose id the response carries. Any other string field is validated.
    `admin` marks an operation only a system admin may call: the cases send the admin's token.
    """

    method: str
    path: str
    params: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    body: Mapping[str, Any] | None = None
    table: str = ""
    accepted: tuple[str, ...] = ()
    stored: tuple[str, ...] = ()
    admin: bool = False

    @property
    def label(self) -> str:
        return f"{self.method} {API}{self.path}"

    def url(self) -> str:
        params = {name: quote(value, safe="") for name, value in self.params.items()}
        return API + self.path.format_map(params)

    def content(self) -> bytes | None:
        return None if self.body is None else json.dumps(self.body).encode()

    def with_param(self, name: str, value: str) -> Req:
        return replace(self, params={**self.params, name: value})

    def with_query(self, name: str, value: str) -> Req:
        return replace(self, query={**self.query, name: value})

    def with_field(self, name: str, value: Any) -> Req:
        assert self.body is not None
        return replace(self, body={**self.body, name: value})


def operations(th: TestHelper) -> dict[str, Req]:
    """Every operation of the API, by operationId."""
    me, team, channel, post = th.basic_user, th.basic_team, th.basic_channel, th.basic_post
    name = f"x-{new_id()[:12]}"
    user = {"user_id": me.id}
    return {
        "CreateUser": Req(
            "POST",
            "/users",
            body={
                "username": name,
                "email": f"{name}@example.com",
                "password": PASSWORD,
                "nickname": "n",
                "first_name": "f",
                "last_name": "l",
            },
            table="users",
            accepted=("password", "nickname", "first_name", "last_name"),
            stored=("nickname", "first_name", "last_name"),
        ),
        "Login": Req("POST", "/users/login", body={"login_id": me.username, "password": PASSWORD}),
        "Logout": Req("POST", "/users/logout"),
        "GetUsers": Req("GET", "/users", query=PAGING),
        "GetUser": Req("GET", "/users/{user_id}", user),
        "PatchUser": Req(
            "PUT",
            "/users/{user_id}/patch",
            user,
            body={"nickname": "n", "first_name": "f", "last_name": "l", "email": me.email},
            table="users",
            accepted=("nickname", "first_name", "last_name"),
            stored=("nickname", "first_name", "last_name"),
        ),
        "DeleteUser": Req("DELETE", "/users/{user_id}", user),
        "GetUserByUsername": Req("GET", "/users/username/{username}", {"username": me.username}),
        "GetUserStatus": Req("GET", "/users/{user_id}/status", user),
        "UpdateUserStatus": Req(
            "PUT", "/users/{user_id}/status", user, body={"user_id": me.id, "status": "dnd"}
        ),
        "CreateTeam": Req(
            "POST",
            "/teams",
            body={"name": name, "display_name": "d", "type": "O"},
            table="teams",
            accepted=("display_name",),
            stored=("display_name",),
        ),
        "GetTeam": Req("GET", "/teams/{team_id}", {"team_id": team.id}),
        "PatchTeam": Req(
            "PUT",
            "/teams/{team_id}/patch",
            {"team_id": team.id},
            body={"display_name": "d", "description": "d"},
            table="teams",
            accepted=("display_name", "description"),
            stored=("display_name", "description"),
        ),
        "DeleteTeam": Req("DELETE", "/teams/{team_id}", {"team_id": team.id}),
        "GetTeamMembers": Req(
            "GET", "/teams/{team_id}/members", {"team_id": team.id}, query=PAGING
        ),
        "AddTeamMember": Req(
            "POST",
            "/teams/{team_id}/members",
            {"team_id": team.id},
            body={"team_id": team.id, "user_id": th.guest_user.id},
        ),
        "CreateChannel": Req(
            "POST",
            "/channels",
            body={
                "team_id": team.id,
                "name": name,
                "display_name": "d",
                "type": "O",
                "purpose": "p",
                "header": "h",
            },
            table="channels",
            accepted=("display_name", "purpose", "header"),
            stored=("display_name", "purpose", "header"),
        ),
        "GetChannel": Req("GET", "/channels/{channel_id}", {"channel_id": channel.id}),
        "PatchChannel": Req(
            "PUT",
            "/channels/{channel_id}/patch",
            {"channel_id": channel.id},
            body={"display_name": "d", "purpose": "p", "header": "h"},
            table="channels",
            accepted=("display_name", "purpose", "header"),
            stored=("display_name", "purpose", "header"),
        ),
        "DeleteChannel": Req("DELETE", "/channels/{channel_id}", {"channel_id": channel.id}),
        "GetPublicChannelsForTeam": Req(
            "GET", "/teams/{team_id}/channels", {"team_id": team.id}, query=PAGING
        ),
        "AddChannelMember": Req(
            "POST",
            "/channels/{channel_id}/members",
            {"channel_id": channel.id},
            body={"user_id": th.basic_user2.id},
        ),
        "CreatePost": Req(
            "POST",
            "/posts",
            body={"channel_id": channel.id, "message": "m", "root_id": post.id},
            table="posts",
            accepted=("message",),
            stored=("message",),
        ),
        "GetPost": Req("GET", "/posts/{post_id}", {"post_id": post.id}),
        "DeletePost": Req("DELETE", "/posts/{post_id}", {"post_id": post.id}),
        "GetPostsForChannel": Req(
            "GET", "/channels/{channel_id}/posts", {"channel_id": channel.id}, query=PAGING
        ),
        "GetPing": Req("GET", "/system/ping"),
        "GetWidget": Req("GET", "/widgets/{widget_id}", {"widget_id": new_id()}),
    }


PUBLIC = ("CreateUser", "Login", "GetPing")
OPERATIONS = (
    *PUBLIC,
    "Logout",
    "GetUsers",
    "GetUser",
    "PatchUser",
    "DeleteUser",
    "GetUserByUsername",
    "GetUserStatus",
    "UpdateUserStatus",
    "CreateTeam",
    "GetTeam",
    "PatchTeam",
    "DeleteTeam",
    "GetTeamMembers",
    "AddTeamMember",
    "CreateChannel",
    "GetChannel",
    "PatchChannel",
    "DeleteChannel",
    "GetPublicChannelsForTeam",
    "AddChannelMember",
    "CreatePost",
    "GetPost",
    "DeletePost",
    "GetPostsForChannel",
    "GetWidget",
)
# Operations whose app function is not written yet (it answers 501): their requests are in the
# table, and the cases that need the app are expected to fail until it is written. Finishing
# the endpoint (`scaffold check --fix`) takes the name off this list once they pass.
PENDING: tuple[str, ...] = ("GetWidget",)


@dataclass(frozen=True)
class ServedRoute:
    """A route the app serves, and how its wrapper authenticates it."""

    label: str
    require_session: bool
    trust_requester: bool


def served_routes(th: TestHelper) -> list[ServedRoute]:
    """Every method and path the app serves (HEAD aside, which starlette adds to GET)."""
    served = []
    for route in init_api(th.app).routes:
        if not (isinstance(route, Route) and isinstance(route.endpoint, Handler)):
            continue
        for method in sorted(route.methods or ()):
            if method != "HEAD":
                handler = route.endpoint
                label = f"{method} {route.path}"
                served.append(ServedRoute(label, handler.require_session, handler.trust_requester))
    return served


def route_request(th: TestHelper, label: str) -> Req:
    """The table's request for a route, or one with fresh ids when the table does not list it."""
    for req in operations(th).values():
        if req.label == label:
            return req
    method, path = label.split(" ", 1)
    template = path.removeprefix(API)
    return Req(method, template, {name: new_id() for name in re.findall(r"{(\w+)}", template)})


def token_for(th: TestHelper, req: Req) -> str:
    """The token a case sends with `req`: the basic user's, or the admin's where only the admin
    is admitted."""
    return (th.system_admin_client if req.admin else th.client).auth_token


def send(
    th: TestHelper,
    req: Req,
    token: str = "",
    *,
    content: bytes | Iterator[bytes] | None = None,
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    """send makes the request as is: a bearer token if given, and the body as given."""
    all_headers = {"Authorization": f"Bearer {token}"} if token else {}
    all_headers.update(headers or {})
    body = req.content() if content is None else content
    return th.http.request(
        req.method, req.url(), params=dict(req.query), content=body, headers=all_headers
    )


# What a case checks

Rows = dict[str, set[tuple[Any, ...]]]


def database_rows(th: TestHelper) -> Rows:
    conn = th.store.conn
    tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    # The table names come from sqlite_master itself, never from a request.
    return {
        table: {tuple(row) for row in conn.execute(f"SELECT * FROM {table}")} for table in tables
    }


def assert_database_intact(th: TestHelper, before: Rows, target: str = "") -> None:
    """The database is sound and has every table; only rows naming target changed or went."""
    (check,) = th.store.conn.execute("PRAGMA integrity_check").fetchone()
    assert check == "ok"
    after = database_rows(th)
    assert after.keys() == before.keys()
    for table, rows in before.items():
        gone = rows - after[table]
        assert all(target and target in row for row in gone), f"{table} lost {gone}"
        if not target:
            assert after[table] == rows, f"{table} gained {after[table] - rows}"


def secrets(th: TestHelper) -> list[str]:
    """Every session token and password hash: no response may ever carry one."""
    conn = th.store.conn
    tokens = [row[0] for row in conn.execute("SELECT token FROM sessions")]
    hashes = [row[0] for row in conn.execute("SELECT password FROM users")]
    return tokens + hashes


def assert_no_secrets(resp: httpx.Response, known: list[str]) -> None:
    leaked = [secret for secret in known if secret in resp.text]
    assert not leaked, f"the response carries {leaked}"


def assert_app_error(resp: httpx.Response, status: int, error_id: str = "") -> None:
    """The response is the error, with nothing of the resource it refused."""
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body.keys() == APP_ERROR_KEYS
    assert body["status_code"] == status
    if error_id:
        assert body["id"] == error_id
