"""The read-only scan: facts per file (pure functions of the text), joined into an Inventory."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scaffold.model.fields import Field
from scaffold.repo.files import source_files
from scaffold.repo.open import open_repo
from scaffold.scan.docs import docs_facts, resolve_docs
from scaffold.scan.driver import driver_facts
from scaffold.scan.handler import handlers_facts
from scaffold.scan.scanner import scan
from scaffold.scan.tests import StatusCheck
from scaffold.scan.tests import tests_facts as read_tests


def facts_of(function: Callable[..., Any], code: str, *args: Any) -> Any:
    return function(textwrap.dedent(code), "m.py", *args)


def test_the_reference_scan(pristine: Path) -> None:
    layout = open_repo(pristine)
    inventory = scan(layout)
    keys = {(r.method, r.path) for r in inventory.routes}
    assert keys == {(d.method, d.path) for d in inventory.docs}
    assert keys == {(d.method, d.path) for d in inventory.driver_methods if d.path}
    route = next(r for r in inventory.routes if r.handler == "get_user")
    assert (route.method, route.path, route.wrapper) == (
        "GET",
        "/users/{user_id}",
        "api_session_required",
    )
    handler = inventory.handler_of(route)
    assert handler is not None
    assert handler.validates == ("user_id",) and handler.etag and handler.success == 200
    assert inventory.driver_named("get_user_status").path == "/users/{user_id}/status"  # type: ignore[union-attr]
    etag = next(t for t in inventory.tests if t.name == "test_get_user_etag")
    assert [(c.driver_method, c.status) for c in etag.checks] == [("get_user", 304)]
    # The scan reads exactly the files `source_files` lists (the cache keys on those).
    assert sorted(inventory.files) == sorted(source_files(layout))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "c.require_user_id()\nreturn c.json(x)",
            {"validates": ("user_id",), "success": 200},
            id="require",
        ),
        pytest.param(
            'c.require_id("widget_id")\nreturn c.json(x, status=201)',
            {"validates": ("widget_id",), "success": 201},
            id="require-id",
        ),
        pytest.param(
            "c.require_team_id().require_user_id()",
            {"validates": ("team_id", "user_id")},
            id="chained",
        ),
        pytest.param(
            'c.set_permission_error("manage_team")',
            {"permissions": ("manage_team",)},
            id="permission",
        ),
        pytest.param(
            'if c.handle_etag(x.etag(), "X"):\n    return c.not_modified()',
            {"etag": True},
            id="etag",
        ),
        pytest.param("return c.status_ok()", {"success": 200}, id="status-ok"),
        pytest.param("return c.json(x, status=code)", {"success": None}, id="status-unknown"),
        pytest.param(
            "x = user_app.get_user(c.app, c.params.user_id, c.params.page)",
            {"params_read": ("user_id", "page"), "app_calls": (("server.app.user", "get_user"),)},
            id="params",
        ),
        pytest.param(
            'body = c.json_object()\nc.require_fields(body, {"name": str}, optional={"n": int})',
            {
                "reads_body": True,
                "body_fields": (("name", "string", True), ("n", "integer", False)),
            },
            id="body",
        ),
    ],
)
def test_handler_facts(body: str, expected: dict[str, Any]) -> None:
    code = (
        "from server.app import user as user_app\n\n\ndef h(c):\n"
        + textwrap.indent(body, "    ")
        + "\n"
    )
    routes, handlers = handlers_facts(code, "m.py")
    assert routes == ()
    [handler] = handlers
    for name, value in expected.items():
        if name == "validates":  # in no particular order
            assert sorted(handler.validates) == sorted(value)
        else:
            assert getattr(handler, name) == value, name


def test_route_lines_resolve_through_the_routers() -> None:
    raw, _ = facts_of(
        handlers_facts,
        """
        def init_widget(api):
            api.routes.widgets.handle("", api.api_handler(get_widgets), "get")
            api.routes.widget.handle("/pin", api.api_session_required(pin_widget), "POST")
            print("not a route")
    """,
    )
    routes = [
        r.resolve(
            {"widgets": "/api/v4/widgets", "widget": "/api/v4/widgets/{widget_id}"},
            "/api/v4",
            "m.py",
        )
        for r in raw
    ]
    assert [(r.method, r.path, r.wrapper, r.handler, r.location.line) for r in routes if r] == [
        ("GET", "/widgets", "api_handler", "get_widgets", 3),
        ("POST", "/widgets/{widget_id}/pin", "api_session_required", "pin_widget", 4),
    ]
    assert raw[0].resolve({}, "/api/v4", "m.py") is None  # an unknown router is no route


def test_test_facts_follow_each_response_to_its_driver_call() -> None:
    [case, pending] = facts_of(
        read_tests,
        """
        import pytest

        def test_x(th):
            th.client.logout()
            _, resp = th.client.get_user(th.basic_user.id)
            check_unauthorized_status(resp)
            if True:
                _, resp = th.system_admin_client.patch_user(th.basic_user.id, {})
                check_ok_status(resp)
            resp = make_response()
            check_ok_status(resp)

        @pytest.mark.xfail(strict=True, reason="implement server.app.user.get_user_sessions")
        def test_get_user_sessions(th):
            _, resp = th.client.get_user_sessions(th.basic_user.id)
            check_ok_status(resp)

        def helper(th):
            pass
    """,
    )
    assert case.driver_calls == ("logout", "get_user", "patch_user")
    assert case.checks == (
        StatusCheck("get_user", 401, case.checks[0].location),
        StatusCheck("patch_user", 200, case.checks[1].location),
    )
    assert [c.location.line for c in case.checks] == [7, 10]
    assert not case.xfail
    assert pending.xfail and pending.xfail_reason == "implement server.app.user.get_user_sessions"


def test_doc_facts() -> None:
    facts = facts_of(
        docs_facts,
        """\
      "/api/v4/widgets/{widget_id}":
        get:
          summary: Get a widget
          description: |
            Get one.
            ##### Permissions
            Must have the `read_widget` permission.
          operationId: GetWidget
          parameters:
            - name: widget_id
              in: path
              required: true
              schema:
                type: string
            - name: full
              in: query
              schema:
                type: boolean
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema:
                    type: array
                    items:
                      $ref: "#/components/schemas/Widget"
            "404":
              $ref: "#/components/responses/NotFound"
        post:
          security: []
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  required: [name]
                  properties:
                    name: {type: string, minLength: 1, maxLength: 64}
                    kind: {type: string, enum: [O, P]}
                    owner_id: {$ref: "#/components/schemas/Id"}
                    size: {type: integer, minimum: 0}
                    tags: {type: array}
          responses:
            "201":
              description: created
    """,
        "/api/v4",
    )
    [get, post] = resolve_docs(facts.operations, facts.parameters, facts.schemas, "Id")
    assert (get.method, get.path, get.operation_id, get.statuses) == (
        "GET",
        "/widgets/{widget_id}",
        "GetWidget",
        (200, 404),
    )
    assert get.permissions == ("read_widget",) and get.description == "Get one." and not get.public
    assert get.path_params == ("widget_id",) and get.query == (Field("full", "boolean", False),)
    assert get.response_schema == "Widget" and get.response_list
    assert get.operation_id_line == 8 and get.location.line == 2
    assert (
        post.public and post.operation_id is None and post.operation_id_line == post.location.line
    )
    # The constraints come along; an id is a field that `$ref`s the id schema; arrays are no field.
    assert post.has_body and post.body_fields == (
        Field("name", "string", True, min_length=1, max_length=64),
        Field("kind", "string", False, enum=("O", "P")),
        Field("owner_id", "string", False, id=True),
        Field("size", "integer", False, minimum=0),
    )
    assert not post.response_list


def test_driver_facts_resolve_urls_symbolically() -> None:
    methods, helpers, sections = facts_of(
        driver_facts,
        """
        class Client4:
            def users_route(self):
                return "/users"

            def user_route(self, user_id):
                return f"{self.users_route()}/{user_id}"

            # User Section

            def get_user_sessions(self, user_id, etag=""):
                return self.do_api_get(f"{self.user_route(user_id)}/sessions", etag=etag)

            def dynamic(self, url):
                return self.do_api_post(self.base + url)

            def get_users_route(self):
                return self.do_api_get(f"{self.users_route()}/route")
    """,
        "Client4",
    )
    assert [(h.name, h.path) for h in helpers] == [
        ("users_route", "/users"),
        ("user_route", "/users/{user_id}"),
    ]
    assert [(m.name, m.method, m.path, m.section) for m in methods] == [
        ("get_user_sessions", "GET", "/users/{user_id}/sessions", "User"),
        ("dynamic", "POST", None, "User"),
        # Named like a route helper, but it calls the API: a driver method (GET /users/route).
        ("get_users_route", "GET", "/users/route", "User"),
    ]
    assert sections["User"].line == 9


def test_a_memo_sees_every_file_once_per_text(pristine: Path) -> None:
    layout = open_repo(pristine)
    seen: list[tuple[str, str]] = []

    def memo(kind: str, path: str, text: str, compute: Callable[[], Any]) -> Any:
        seen.append((kind.split(":")[0], path))
        return compute()

    inventory = scan(layout, memo=memo)
    # One parse per file: a test module beside the handlers is not also read as one.
    assert len(seen) == len({path for _, path in seen}) == len(inventory.files)
    assert {kind for kind, _ in seen} == {
        "routers",
        "handlers",
        "docs",
        "driver",
        "tests",
        "security",
        "app",
        "context",
    }


def test_doc_facts_follow_refs_to_the_shared_components(pristine: Path) -> None:
    """Parameters and fields that `$ref` the components of another fragment are read through."""
    layout = open_repo(pristine)
    docs = {d.operation_id: d for d in scan(layout).docs}
    assert [f.name for f in docs["GetUsers"].query] == ["page", "per_page"]
    assert docs["GetUsers"].query[1].minimum == 1 and docs["GetUsers"].query[1].maximum == 200
    assert docs["GetUser"].path_params == ("user_id",)
    username = next(f for f in docs["CreateUser"].body_fields if f.name == "username")
    assert username.pattern is not None and username.required


def test_a_catalog_without_coverage_joins_the_same_records_and_ranks_no_test(pristine: Path) -> None:
    from dataclasses import fields

    from scaffold.scan.catalog import catalog

    layout = open_repo(pristine)
    inventory = scan(layout)
    full, joined = catalog(inventory, layout), catalog(inventory, layout, coverage=False)
    coverage = {"required", "tests", "cases"}
    assert any(record.cases for record in full.endpoints)
    assert [(r.method, r.path) for r in joined.endpoints] == [(r.method, r.path) for r in full.endpoints]
    for bare, covered in zip(joined.endpoints, full.endpoints):
        assert not bare.required and not bare.tests and not bare.cases
        for field in fields(bare):
            if field.name not in coverage:
                assert getattr(bare, field.name) == getattr(covered, field.name), field.name
    assert joined.orphan_drivers == full.orphan_drivers
