"""scaffold.commands.derive: an Endpoint rebuilt from a doc or a route; its `endpoint add` line."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from scaffold.commands.derive import add_command, endpoint_of, options_from_doc, options_from_route
from scaffold.model.endpoint import HttpMethod
from scaffold.model.fields import Field
from scaffold.model.layout import Auth, RepoLayout, parse_layout
from scaffold.model.options import EndpointOptions, parse_endpoint
from scaffold.scan.catalog import EndpointRecord
from scaffold.scan.docs import DocOperation
from scaffold.scan.driver import DriverMethod
from scaffold.scan.facts import Location
from scaffold.scan.handler import Handler
from scaffold.scan.route import Route

LAYOUT: RepoLayout = parse_layout(
    Path("/repo"),
    (Path(__file__).parents[2] / "reference" / "scaffold.toml").read_text(encoding="utf-8"),
)
HERE = Location("f", 1)


def doc(**changes: Any) -> DocOperation:
    """A documented GET /users/{user_id}: session, 200/400/401/403/404, edit_other_users."""
    base = DocOperation(
        method="GET",
        path="/users/{user_id}",
        operation_id="GetUser",
        statuses=(200, 400, 401, 403, 404),
        permissions=("edit_other_users",),
        public=False,
        tag="users",
        location=HERE,
        summary="Get a user",
        description="Get a user by id.",
        path_params=("user_id",),
    )
    return replace(base, **changes)


def route(
    method: str = "GET", path: str = "/users/{user_id}", module: str = "server/api4/user.py"
) -> Route:
    return Route(method, path, "user", "", "api_session_required", "get_user", module, HERE)


def handler(**changes: Any) -> Handler:
    base = Handler(
        name="get_user",
        module="server/api4/user.py",
        location=HERE,
        validates=("user_id",),
        permissions=(),
        etag=False,
        reads_body=False,
        app_calls=(),
    )
    return replace(base, **changes)


def record(method: str = "GET", path: str = "/users/{user_id}", **parts: Any) -> EndpointRecord:
    return EndpointRecord(method, path, "/api/v4", **parts)


# ---------------------------------------------------------------------------------------------
# options_from_doc

BASE_OPTIONS = EndpointOptions(
    summary="Get a user",
    description="Get a user by id.",
    permission="edit_other_users",
    auth="session",
    tag="users",
    status=200,
    etag=False,
    name="GetUser",
)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param({}, {}, id="session-with-permission"),
        pytest.param({"statuses": (200, 304, 401)}, {"etag": True}, id="get-with-304-has-etag"),
        pytest.param(
            {"method": "POST", "statuses": (201, 304, 401)},
            {"status": 201},
            id="only-a-get-has-etag",
        ),
        pytest.param(
            {"public": True}, {"auth": "public", "permission": None}, id="security-empty-is-public"
        ),
        pytest.param(
            {"statuses": (200, 400)}, {"auth": "public", "permission": None}, id="no-401-is-public"
        ),
        pytest.param(
            {"statuses": (400, 401, 202, 200)}, {"status": 202}, id="first-success-listed"
        ),
        pytest.param({"statuses": (400, 401)}, {"status": None}, id="no-success"),
        pytest.param({"permissions": ()}, {"permission": None}, id="no-permission"),
        pytest.param(
            {"permissions": ("manage_system", "x")},
            {"permission": "manage_system"},
            id="first-permission",
        ),
        pytest.param(
            {"query": (Field("page", "integer", False, minimum=0), Field("q", "string", True))},
            {"query": "page:integer{0,}?,q:string"},
            id="query-with-its-constraints",
        ),
        pytest.param({"body_schema": "User"}, {"body": "User"}, id="body-schema"),
        pytest.param(
            {
                "body_fields": (
                    Field("name", "string", True, min_length=1, max_length=64),
                    Field("count", "integer", False),
                    Field("kind", "string", True, enum=("O", "P")),
                    Field("team_id", "string", True, id=True),
                )
            },
            {"body": "name:string{1,64},count:integer?,kind:enum(O|P),team_id:id"},
            id="body-fields-with-constraints",
        ),
        pytest.param(
            {"body_schema": "User", "body_fields": (Field("name", "string", True),)},
            {"body": "User"},
            id="schema-first",
        ),
        pytest.param({"body_fields": ()}, {"body": None}, id="no-body-field"),
        pytest.param({"response_schema": "User"}, {"response": "User"}, id="response"),
        pytest.param(
            {"response_schema": "StatusOK"}, {"response": "StatusOK"}, id="get-status-ok-is-named"
        ),
        pytest.param(
            {"method": "DELETE", "response_schema": "StatusOK"},
            {"response": None},
            id="delete-status-ok-is-implied",
        ),
        pytest.param(
            {"method": "DELETE", "response_schema": "User"},
            {"response": "User"},
            id="delete-other-response",
        ),
        pytest.param(
            {"method": "POST", "path": "/posts/{post_id}/pin", "response_schema": "StatusOK"},
            {"response": None},
            id="action-status-ok-is-implied",
        ),
        pytest.param(
            {"response_schema": "User", "response_list": True}, {"response": "User[]"}, id="a-list"
        ),
        pytest.param(
            {"tag": None, "operation_id": None}, {"tag": None, "name": None}, id="no-tag-no-id"
        ),
    ],
)
def test_options_from_doc(changes: dict[str, Any], expected: dict[str, Any]) -> None:
    assert options_from_doc(doc(**changes)) == replace(BASE_OPTIONS, **expected)


# ---------------------------------------------------------------------------------------------
# options_from_route


@pytest.mark.parametrize(
    ("method", "auth", "the_handler", "expected"),
    [
        pytest.param(
            "GET",
            Auth.SESSION,
            None,
            EndpointOptions(auth="session", tag="users", name="get_user"),
            id="no-handler",
        ),
        pytest.param(
            "GET",
            Auth.SESSION,
            handler(permissions=("edit_other_users", "manage_system")),
            EndpointOptions(
                auth="session",
                tag="users",
                name="get_user",
                permission="edit_other_users",
                etag=False,
            ),
            id="first-permission",
        ),
        pytest.param(
            "GET",
            Auth.PUBLIC,
            handler(permissions=("edit_other_users",)),
            EndpointOptions(auth="public", tag="users", name="get_user", etag=False),
            id="public-checks-no-permission",
        ),
        pytest.param(
            "GET",
            Auth.SESSION,
            handler(params_read=("user_id", "page", "per_page", "q")),
            EndpointOptions(
                auth="session",
                tag="users",
                name="get_user",
                query="page:integer,per_page:integer,q:string",
                etag=False,
            ),
            id="query-without-path-params",
        ),
        pytest.param(
            "PUT",
            Auth.SESSION,
            handler(
                reads_body=True,
                body_fields=(("name", "string", True), ("age", "integer", False)),
                success=200,
            ),
            EndpointOptions(
                auth="session",
                tag="users",
                name="get_user",
                body="name:string,age:integer?",
                status=200,
                etag=False,
            ),
            id="body-fields",
        ),
        pytest.param(
            "GET",
            Auth.SESSION,
            handler(reads_body=True, body_fields=(("name", "string", True),)),
            EndpointOptions(auth="session", tag="users", name="get_user", etag=False),
            id="a-get-has-no-body",
        ),
        pytest.param(
            "POST",
            Auth.SESSION,
            handler(success=500),
            EndpointOptions(auth="session", tag="users", name="get_user", etag=False),
            id="not-a-success-status",
        ),
        pytest.param(
            "GET",
            Auth.TRUST_REQUESTER,
            handler(etag=True, success=200),
            EndpointOptions(
                auth="trust-requester", tag="users", name="get_user", status=200, etag=True
            ),
            id="etag",
        ),
        pytest.param(
            "DELETE",
            Auth.SESSION,
            handler(etag=True),
            EndpointOptions(auth="session", tag="users", name="get_user", etag=False),
            id="only-a-get-has-etag",
        ),
    ],
)
def test_options_from_route(
    method: str, auth: Auth, the_handler: Handler | None, expected: EndpointOptions
) -> None:
    the_record = record(method, route=route(method), route_auth=auth, handler=the_handler)
    assert options_from_route(the_record, LAYOUT) == expected


@pytest.mark.parametrize(
    ("path", "module", "tag"),
    [
        pytest.param("/users/{user_id}", "server/api4/user.py", "users", id="tag-of-the-module"),
        pytest.param(
            "/teams/{team_id}/channels", "server/api4/channel.py", "channels", id="nested-path"
        ),
        pytest.param(
            "/users/{user_id}/teams",
            "server/api4/team.py",
            "teams",
            id="module-says-other-than-path",
        ),
        pytest.param("/widgets", "server/api4/widget.py", None, id="unconfigured-resource"),
        pytest.param("/users", "server/other/user.py", None, id="not-a-handlers-module"),
    ],
)
def test_options_from_route_tag(path: str, module: str, tag: str | None) -> None:
    the_record = record("GET", path, route=route("GET", path, module), route_auth=Auth.SESSION)
    assert options_from_route(the_record, LAYOUT).tag == tag


# ---------------------------------------------------------------------------------------------
# endpoint_of


def test_endpoint_of_a_doc() -> None:
    endpoint = endpoint_of(
        record(doc=doc(), route=route(), route_auth=Auth.SESSION, handler=handler()), LAYOUT
    )
    assert (
        endpoint.operation_id,
        endpoint.auth,
        endpoint.permission,
        endpoint.summary,
        endpoint.tag,
    ) == (
        "GetUser",
        Auth.SESSION,
        "edit_other_users",
        "Get a user",
        "users",
    )


def test_endpoint_of_a_doc_keeps_a_trusted_requester_route() -> None:
    endpoint = endpoint_of(
        record(doc=doc(), route=route(), route_auth=Auth.TRUST_REQUESTER), LAYOUT
    )
    assert endpoint.auth is Auth.TRUST_REQUESTER


def test_endpoint_of_a_route_without_doc() -> None:
    the_handler = handler(permissions=("manage_system",), etag=True)
    endpoint = endpoint_of(
        record(route=route(), route_auth=Auth.SESSION, handler=the_handler), LAYOUT
    )
    assert (endpoint.operation_id, endpoint.permission, endpoint.etag, endpoint.summary) == (
        "GetUser",
        "manage_system",
        True,
        "Get user",
    )


def test_endpoint_of_a_driver_method_alone() -> None:
    driver = DriverMethod("get_user_profile", "GET", "/users/{user_id}", "User", HERE)
    endpoint = endpoint_of(record(driver=driver), LAYOUT)
    assert (endpoint.method, endpoint.path, endpoint.operation_id) == (
        HttpMethod.GET,
        "/users/{user_id}",
        "GetUserProfile",
    )


# ---------------------------------------------------------------------------------------------
# add_command


@pytest.mark.parametrize(
    ("method", "path", "options", "fill", "expected"),
    [
        pytest.param(
            "GET", "/users/{user_id}", {}, True, "GET /api/v4/users/{user_id} --fill --permission none", id="defaults"
        ),
        pytest.param(
            "GET", "/users/{user_id}", {}, False, "GET /api/v4/users/{user_id} --permission none", id="no-fill"
        ),
        pytest.param(
            "GET",
            "/system/time",
            {"auth": "public"},
            True,
            "GET /api/v4/system/time --fill --auth public",
            id="public",
        ),
        pytest.param(
            "GET",
            "/users/{user_id}/sessions",
            {"permission": "edit_other_users"},
            True,
            "GET /api/v4/users/{user_id}/sessions --fill --permission edit_other_users",
            id="permission",
        ),
        pytest.param(
            "GET",
            "/users/{user_id}/things",
            {"tag": "status"},
            True,
            "GET /api/v4/users/{user_id}/things --fill --permission none --tag status",
            id="tag-not-the-paths",
        ),
        pytest.param(
            "GET",
            "/users/{user_id}",
            {"tag": "users"},
            True,
            "GET /api/v4/users/{user_id} --fill --permission none",
            id="tag-of-the-path-is-left-out",
        ),
        pytest.param(
            "GET",
            "/users/{user_id}",
            {"name": "GetUserProfile"},
            True,
            "GET /api/v4/users/{user_id} --fill --permission none --name GetUserProfile",
            id="name",
        ),
        pytest.param(
            "GET",
            "/users/{user_id}",
            {"name": "get_user"},
            True,
            "GET /api/v4/users/{user_id} --fill --permission none",
            id="derived-name-is-left-out",
        ),
        pytest.param(
            "GET",
            "/users",
            {"query": "page:integer,q:string"},
            True,
            "GET /api/v4/users --fill --permission none --query page:integer,q:string",
            id="query",
        ),
        pytest.param(
            "POST",
            "/users",
            {"body": "username:string,age:integer?"},
            True,
            "POST /api/v4/users --fill --permission none --body 'username:string,age:integer?'",
            id="body-fields-quoted",
        ),
        pytest.param(
            "POST",
            "/users",
            {"body": "User", "response": "User"},
            True,
            "POST /api/v4/users --fill --permission none --body User --response User",
            id="schemas",
        ),
        pytest.param(
            "POST",
            "/users/{user_id}/pin",
            {"status": 201},
            True,
            "POST /api/v4/users/{user_id}/pin --fill --permission none --status 201",
            id="status-not-the-default",
        ),
        pytest.param(
            "POST",
            "/users",
            {"status": 201},
            True,
            "POST /api/v4/users --fill --permission none",
            id="default-status-left-out",
        ),
        pytest.param(
            "GET", "/users", {"etag": True}, True, "GET /api/v4/users --fill --permission none --etag", id="etag"
        ),
        pytest.param(
            "GET",
            "/users/{user_id}",
            {"etag": False},
            True,
            "GET /api/v4/users/{user_id} --fill --permission none --no-etag",
            id="no-etag",
        ),
        pytest.param(
            "GET",
            "/users/{user_id}",
            {"summary": "Get it", "description": "All of it."},
            True,
            "GET /api/v4/users/{user_id} --fill --permission none",
            id="text-is-in-the-doc-not-the-command",
        ),
        pytest.param(
            "GET",
            "/users/{user_id}/sessions",
            {"permission": "edit_other_users", "statuses": "200,400,401,403", "response": "User[]"},
            True,
            "GET /api/v4/users/{user_id}/sessions --fill --permission edit_other_users"
            " --response 'User[]' --statuses 200,400,401,403",
            id="documented-codes-and-a-list",
        ),
        pytest.param(
            "POST",
            "/teams",
            {"body": "name:string{1,64},type:enum(O|I)"},
            True,
            "POST /api/v4/teams --fill --permission none --body 'name:string{1,64},type:enum(O|I)'",
            id="field-constraints",
        ),
    ],
)
def test_add_command(
    method: str, path: str, options: dict[str, Any], fill: bool, expected: str
) -> None:
    endpoint = parse_endpoint(method, path, EndpointOptions(**options), LAYOUT)
    assert add_command(endpoint, LAYOUT, fill=fill) == "scaffold endpoint add " + expected
