"""Endpoint parsing: paths, names, fields, option checks and the status matrix."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffold.errors import UsageError
from scaffold.model.endpoint import HttpMethod, derive_operation_id, distinct_operation_id
from scaffold.model.fields import parse_fields
from scaffold.model.layout import RepoLayout
from scaffold.model.options import EndpointOptions, check_api_prefix, parse_endpoint, parse_path
from scaffold.repo.open import open_repo
from scaffold.resources import reference_dir


@pytest.fixture(scope="module")
def layout() -> RepoLayout:
    return open_repo(reference_dir())


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("/users/<user_id>/sessions", "/users/{user_id}/sessions", id="angle"),
        pytest.param("/users/{user_id}/sessions", "/users/{user_id}/sessions", id="brace"),
        pytest.param("/api/v4/users/{user_id}", "/users/{user_id}", id="prefixed"),
        pytest.param("/api/v4x/users", "/api/v4x/users", id="prefix-lookalike-kept"),
        pytest.param("/system/time", "/system/time", id="no-params"),
        pytest.param("/hooks/incoming/<hook_id>", "/hooks/incoming/{hook_id}", id="nested"),
        pytest.param("/users/me.json", "/users/me.json", id="dots"),
    ],
)
def test_parse_path(raw: str, expected: str) -> None:
    assert parse_path(raw) == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        pytest.param("/users/<user_id", "not a whole", id="unbalanced-angle"),
        pytest.param("//x", "empty segment", id="double-slash"),
        pytest.param("/x/{}", "has no name", id="empty-param"),
        pytest.param("/x/{a}/{a}", "appears twice", id="duplicate-param"),
        pytest.param("users", "must start with /", id="relative"),
        pytest.param("/", "names no resource", id="root"),
        pytest.param("/api/v4", "names no resource", id="prefix-only"),
        pytest.param("/users/", "trailing", id="trailing-slash"),
        pytest.param("/x/{class}", "not a snake_case identifier", id="keyword-param"),
        pytest.param("/x/{User-Id}", "not a snake_case identifier", id="bad-param"),
        pytest.param("/Users", "lower-case", id="upper-case"),
        pytest.param("/x y", "lower-case", id="space"),
        pytest.param("/x/a{b}", "not a whole", id="partial-param"),
    ],
)
def test_parse_path_refuses(raw: str, fragment: str) -> None:
    with pytest.raises(UsageError, match=fragment):
        parse_path(raw)


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/users/{user_id}/sessions", "GetUserSessions"),
        ("GET", "/users", "GetUsers"),
        ("GET", "/users/{user_id}", "GetUser"),
        ("POST", "/widgets", "CreateWidget"),
        ("POST", "/channels/{channel_id}/pin", "PinChannel"),
        ("PUT", "/users/{user_id}/patch", "PatchUser"),
        ("PUT", "/users/{user_id}/status", "UpdateUserStatus"),
        ("DELETE", "/teams/{team_id}/members/{user_id}", "DeleteTeamMember"),
        ("GET", "/system/time", "GetSystemTime"),
        ("GET", "/hooks/incoming/{hook_id}", "GetHooksIncoming"),
        ("PATCH", "/x-y/{z_id}", "PatchXY"),
    ],
)
def test_derive_operation_id(method: str, path: str, expected: str) -> None:
    assert derive_operation_id(HttpMethod(method), path) == expected


def test_parse_fields() -> None:
    fields = parse_fields("name:string, size:int?,flag:bool,ratio:number", "--body", required=True)
    assert [(f.name, f.type, f.required) for f in fields] == [
        ("name", "string", True),
        ("size", "integer", False),
        ("flag", "boolean", True),
        ("ratio", "number", True),
    ]


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        pytest.param("name:blob", "unknown type", id="type"),
        pytest.param("class:string", "not a snake_case identifier", id="keyword"),
        pytest.param("a:string,a:int", "appears twice", id="duplicate"),
        pytest.param("Name:string", "not a snake_case identifier", id="case"),
    ],
)
def test_parse_fields_refuses(spec: str, fragment: str) -> None:
    with pytest.raises(UsageError, match=fragment):
        parse_fields(spec, "--body", required=True)


@pytest.mark.parametrize(
    ("method", "path", "options", "statuses"),
    [
        ("GET", "/users/{user_id}/sessions", {"permission": "edit_other_users"}, (200, 400, 401, 403, 404)),
        # An action on a resource answers 200; a create 201.
        ("POST", "/channels/{channel_id}/pin", {"permission": "read_channel"}, (200, 400, 401, 403, 404)),
        ("GET", "/system/time", {"auth": "public"}, (200,)),
        ("GET", "/widgets/{widget_id}", {}, (200, 304, 400, 401, 404)),
        ("POST", "/widgets", {"body": "name:string"}, (201, 400, 401, 413)),
        # 404 only when the path names a resource by id; 400 only for a parameter that can be
        # refused: an id, or one the repo has a check for (see test_validated_path_parameters).
        ("GET", "/users/username/{username}", {}, (200, 304, 401)),
        # The doc is the contract: an unknown user answers 200 [], a missing post 403.
        ("GET", "/users/{user_id}/sessions", {"permission": "edit_other_users", "statuses": "200,400,401,403"}, (200, 400, 401, 403)),
        ("GET", "/widgets", {"query": "page:int"}, (200, 401)),
        ("DELETE", "/widgets/{widget_id}", {"status": 200}, (200, 400, 401, 404)),
    ],
)
def test_statuses(layout: RepoLayout, method: str, path: str, options: dict, statuses: tuple[int, ...]) -> None:
    endpoint = parse_endpoint(method, path, EndpointOptions(**options), layout)
    assert endpoint.statuses() == statuses


@pytest.mark.parametrize(
    ("path", "validators", "validated", "statuses"),
    [
        pytest.param("/users/username/{username}", {"username"}, ("username",), (200, 304, 400, 401), id="checked"),
        pytest.param("/teams/name/{slug}", set(), (), (200, 304, 401), id="taken-as-it-comes"),
        pytest.param("/teams/{team_id}/name/{slug}", set(), ("team_id",), (200, 304, 400, 401, 404), id="id-and-slug"),
        pytest.param("/teams/name/{slug}", {"username"}, (), (200, 304, 401), id="another-parameters-check"),
    ],
)
def test_validated_path_parameters(
    layout: RepoLayout, path: str, validators: set[str], validated: tuple[str, ...], statuses: tuple[int, ...]
) -> None:
    endpoint = parse_endpoint("GET", path, EndpointOptions(), layout, validators=validators)
    assert (endpoint.validated_params, endpoint.statuses()) == (validated, statuses)


@pytest.mark.parametrize(
    ("method", "path", "other", "expected"),
    [
        pytest.param("GET", "/emoji", "/emoji/{emoji_id}", "GetEmojiList", id="list-beside-its-item"),
        pytest.param("GET", "/emoji/{emoji_id}", "/emoji", "GetEmojiById", id="item-beside-its-list"),
        pytest.param("GET", "/users/{user_id}/{thing}", "/users/{user_id}", "GetUserByThing", id="after-a-parameter"),
        pytest.param("GET", "/api-keys/{api_key_id}", "/api-keys", "GetApiKeyById", id="dashed-noun"),
        pytest.param("POST", "/emoji", "/emoji/{emoji_id}", None, id="not-a-list"),
        pytest.param("GET", "/system/ping", "/system/{x}/ping", None, id="nothing-follows"),
    ],
)
def test_distinct_operation_id(method: str, path: str, other: str, expected: str | None) -> None:
    derived = derive_operation_id(HttpMethod(method), path)
    assert distinct_operation_id(HttpMethod(method), path, derived, other) == expected


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ("/api/v3/users", True),
        ("/api/v4/users", True),
        ("/api", True),
        ("/v2/widgets", True),
        ("/users/v2", False),
        ("/apis/x", False),
        ("/users/{user_id}/api", False),
    ],
)
def test_check_api_prefix(path: str, refused: bool) -> None:
    if refused:
        with pytest.raises(UsageError, match="API"):
            check_api_prefix(path, "/api/v4")
    else:
        check_api_prefix(path, "/api/v4")


def test_a_204_has_no_etag(layout: RepoLayout) -> None:
    assert parse_endpoint("GET", "/widgets/{widget_id}", EndpointOptions(status=204), layout).etag is False
    with pytest.raises(UsageError, match="a 204 answers no body"):
        parse_endpoint("GET", "/widgets/{widget_id}", EndpointOptions(status=204, etag=True), layout)


def test_tag_from_layout(layout: RepoLayout) -> None:
    status = parse_endpoint("PUT", "/users/{user_id}/status/custom", EndpointOptions(), layout)
    channels = parse_endpoint("GET", "/teams/{team_id}/channels/deleted", EndpointOptions(), layout)
    widgets = parse_endpoint("GET", "/widgets", EndpointOptions(), layout)
    assert (status.tag, status.resource, status.section) == ("status", "status", "Status")
    assert (channels.tag, channels.resource) == ("channels", "channel")
    assert (widgets.tag, widgets.resource, widgets.section) == ("widgets", "widget", "Widget")


@pytest.mark.parametrize(
    ("method", "path", "options", "fragment"),
    [
        pytest.param("FETCH", "/x", {}, "unsupported method", id="method"),
        pytest.param("GET", "/x", {"auth": "token"}, "--auth", id="auth"),
        pytest.param("GET", "/x", {"permission": "Edit Users"}, "not a permission", id="permission"),
        pytest.param("GET", "/x", {"auth": "public", "permission": "manage_system"}, "public route", id="public-perm"),
        pytest.param("GET", "/x", {"name": "class"}, "not an operation name", id="keyword-name"),
        pytest.param("GET", "/x", {"name": "get users"}, "not an operation name", id="space-name"),
        pytest.param("GET", "/x", {"body": "a:string"}, "GET has no request body", id="get-body"),
        pytest.param("POST", "/x", {"etag": True}, "only a GET", id="etag-post"),
        pytest.param("GET", "/x", {"status": 404}, "not a success status", id="status"),
        pytest.param("GET", "/x", {"response": "not a schema"}, "not a schema name", id="response"),
        pytest.param("GET", "/x/{a_id}", {"query": "a_id:string"}, "already a path parameter", id="query-clash"),
        pytest.param("GET", "/x", {"summary": "  "}, "--summary is empty", id="empty-summary"),
        pytest.param("GET", "/x", {"tag": "Bad\nTag"}, "must be one line of text", id="tag"),
        pytest.param("GET", "/x/{a_id}", {"statuses": "200,304,401"}, "leaves out 400,", id="statuses-drop-required"),
        pytest.param("GET", "/x", {"statuses": "200,401,404"}, "lists 404, which nothing", id="statuses-404-without-param"),
        pytest.param("GET", "/x", {"statuses": "200,401,409"}, "'409' is not a status", id="statuses-untestable"),
        pytest.param("GET", "/x", {"statuses": "200,401,403"}, "lists 403", id="statuses-403-without-permission"),
        pytest.param("GET", "/x", {"response": "User[][]"}, "not a schema name", id="response-list-twice"),
        pytest.param("GET", "/x", {"permission": "read_chanel"}, "did you mean read_channel", id="misspelt-permission"),
    ],
)
def test_parse_endpoint_refuses(layout: RepoLayout, method: str, path: str, options: dict, fragment: str) -> None:
    with pytest.raises(UsageError, match=fragment):
        parse_endpoint(method, path, EndpointOptions(**options), layout, known_permissions=layout.permissions.known)


def test_a_permission_the_repo_knows_is_accepted(layout: RepoLayout) -> None:
    known = layout.permissions.known
    assert {"read_channel", "manage_team", "edit_other_users", "manage_system"} <= known
    endpoint = parse_endpoint("GET", "/x", EndpointOptions(permission="manage_team"), layout, known_permissions=known)
    assert endpoint.permission == "manage_team"


def test_a_list_response(layout: RepoLayout) -> None:
    said = parse_endpoint("GET", "/teams/{team_id}/stats", EndpointOptions(response="Channel[]"), layout)
    guessed = parse_endpoint("GET", "/teams/{team_id}/channels/extra", EndpointOptions(), layout)
    single = parse_endpoint("GET", "/teams/{team_id}/stats", EndpointOptions(response="Channel"), layout)
    assert (said.response_schema, said.response_list) == ("Channel", True)
    assert guessed.response_list is False  # "extra" is no plural noun
    assert (single.response_schema, single.response_list) == ("Channel", False)


def test_permission_none_means_none(layout: RepoLayout) -> None:
    endpoint = parse_endpoint("GET", "/x", EndpointOptions(permission="none"), layout)
    assert endpoint.permission is None


def test_reference_dir_is_a_repo() -> None:
    assert (Path(reference_dir()) / "scaffold.toml").is_file()
