from __future__ import annotations

import asyncio
import threading

import httpx
import pytest
from starlette.responses import Response

from server.api4.api import API, Routes
from server.api4.apitestlib import (
    TEST_URL,
    InProcessTransport,
    TestHelper,
    check_bad_request_status,
    check_error_id,
    check_not_implemented_status,
    check_ok_status,
    check_request_entity_too_large_status,
    check_unauthorized_status,
)
from server.app.app import App
from server.model.app_error import AppError
from server.model.client4 import Client4
from server.model.ids import new_id
from server.web.context import PAGE_MAXIMUM, PER_PAGE_MAXIMUM, Context
from server.web.handlers import MAX_BODY_SIZE, Router


def _whoami(c: Context) -> Response | None:
    return c.json({"user_id": c.session.user_id})


def _broken(c: Context) -> Response | None:
    raise RuntimeError("a bug")


def _forgets_response(c: Context) -> Response | None:
    return None


def _get_widget(c: Context) -> Response | None:
    c.require_id("widget_id")
    if c.err:
        return None
    raise AppError.not_implemented("app.widget.get_widget")


def _test_client(app: App) -> httpx.Client:
    """A client for extra routes, registered the way init_<resource> registers them."""
    root = Router()
    api = API(app, Routes(root))
    api.routes.user.handle("/image", api.api_session_required_trust_requester(_whoami), "GET")
    api.routes.user.handle("/whoami", api.api_session_required(_whoami), "GET")
    api.routes.system.handle("/broken", api.api_handler(_broken), "GET")
    api.routes.system.handle("/forgetful", api.api_handler(_forgets_response), "GET")
    api.routes.api_root.handle("/widgets/{widget_id}", api.api_handler(_get_widget), "GET")
    return httpx.Client(transport=InProcessTransport(root.asgi_app()), base_url=TEST_URL)


def test_body_too_large(th: TestHelper) -> None:
    _, resp = th.client.create_user({"username": "x" * MAX_BODY_SIZE})
    check_request_entity_too_large_status(resp)
    check_error_id(resp, "api.context.request_body_too_large.app_error")


def test_body_too_large_without_content_length(th: TestHelper) -> None:
    chunks = (b"x" * 65536 for _ in range(MAX_BODY_SIZE // 65536 + 1))
    resp = th.http.post("/api/v4/users", content=chunks)
    assert "Content-Length" not in resp.request.headers
    assert resp.status_code == 413


def test_malformed_json(th: TestHelper) -> None:
    resp = th.http.post("/api/v4/users", content=b'{"username": ')
    assert resp.status_code == 400
    assert resp.json()["id"] == "api.context.invalid_body_param.app_error"


def test_body_not_an_object(th: TestHelper) -> None:
    resp = th.http.post("/api/v4/users", content=b'["username"]')
    assert resp.status_code == 400


def test_patch_body_must_be_an_object(th: TestHelper) -> None:
    headers = {"Authorization": f"Bearer {th.client.auth_token}"}
    resp = th.http.put("/api/v4/users/me/patch", content=b"null", headers=headers)
    assert resp.status_code == 400


def test_forged_token(th: TestHelper) -> None:
    th.client.set_token(new_id())
    _, resp = th.client.get_user("me")
    check_unauthorized_status(resp)
    check_error_id(resp, "api.context.session_expired.app_error")


def test_expired_token(th: TestHelper) -> None:
    session = th.store.session().get(th.client.auth_token)
    assert session is not None
    th.store.session().remove(session.id)
    session.expires_at = 1
    th.store.session().save(session)
    _, resp = th.client.get_user("me")
    check_unauthorized_status(resp)
    assert th.store.session().get(th.client.auth_token) is None


def test_token_scheme(th: TestHelper) -> None:
    headers = {"Authorization": f"Token {th.client.auth_token}"}
    resp = th.http.get("/api/v4/users/me", headers=headers)
    assert resp.status_code == 200
    assert resp.json()["id"] == th.basic_user.id


def test_public_route_ignores_a_bad_token(th: TestHelper) -> None:
    th.client.set_token(new_id())
    _, resp = th.client.get_ping()
    check_ok_status(resp)


def test_query_token_refused_on_a_session_route(th: TestHelper) -> None:
    resp = th.http.get("/api/v4/users/me", params={"access_token": th.client.auth_token})
    assert resp.status_code == 401
    assert resp.json()["id"] == "api.context.token_provided.app_error"


def test_query_token_on_a_trust_requester_route(th: TestHelper) -> None:
    with _test_client(th.app) as http:
        resp = http.get("/api/v4/users/me/image", params={"access_token": th.client.auth_token})
        assert resp.status_code == 200
        assert resp.json() == {"user_id": th.basic_user.id}
        resp = http.get("/api/v4/users/me/whoami", params={"access_token": th.client.auth_token})
        assert resp.status_code == 401


def test_unknown_route(th: TestHelper) -> None:
    resp = th.http.get("/api/v4/nothing/here")
    assert resp.status_code == 404
    assert resp.json()["id"] == "api.context.404.app_error"
    assert resp.json()["request_id"] == resp.headers["X-Request-Id"]


def test_method_not_allowed(th: TestHelper) -> None:
    resp = th.http.patch("/api/v4/system/ping")
    assert resp.status_code == 405
    assert resp.json()["id"] == "api.context.405.app_error"


def test_method_not_allowed_lists_every_method(th: TestHelper) -> None:
    resp = th.http.request("OPTIONS", f"/api/v4/users/{th.basic_user.id}")
    assert resp.status_code == 405
    assert resp.headers["Allow"] == "DELETE, GET, HEAD"
    # /users/logout is a path of its own, though /users/{user_id} matches it too.
    resp = th.http.put("/api/v4/users/logout")
    assert resp.status_code == 405
    assert resp.headers["Allow"] == "POST"


@pytest.mark.parametrize("page", ["1_0", " 1", "+1", "\u0661", str(PAGE_MAXIMUM + 1), "9" * 5000])
def test_page_must_be_a_plain_integer_in_range(th: TestHelper, page: str) -> None:
    headers = {"Authorization": f"Bearer {th.client.auth_token}"}
    resp = th.http.get("/api/v4/users", params={"page": page}, headers=headers)
    assert resp.status_code == 400
    assert resp.json()["id"] == "api.context.invalid_url_param.app_error"


def test_last_page_is_past_the_end(th: TestHelper) -> None:
    # page * per_page is the SQL offset: at the largest page it must still be an SQLite integer.
    users, resp = th.client.get_users(page=PAGE_MAXIMUM, per_page=PER_PAGE_MAXIMUM)
    check_ok_status(resp)
    assert users == []


def test_content_length_not_a_number(th: TestHelper) -> None:
    # A proxy or an HTTP server would refuse it first; an ASGI app gets the header as sent.
    resp = th.http.post("/api/v4/users", content=b"{}", headers={b"Content-Length": b"\xb2"})
    assert resp.status_code == 400
    assert resp.json()["id"] == "api.context.invalid_body_param.app_error"


def test_unexpected_error_is_a_500(th: TestHelper) -> None:
    with _test_client(th.app) as http:
        resp = http.get("/api/v4/system/broken")
        assert resp.status_code == 500
        assert resp.json()["id"] == "api.context.internal_error.app_error"
        resp = http.get("/api/v4/system/forgetful")
        assert resp.status_code == 500


def test_not_implemented(th: TestHelper) -> None:
    with _test_client(th.app) as http:
        client = Client4(TEST_URL, http=http)
        _, resp = client.do_api_get(f"/widgets/{new_id()}")
        check_not_implemented_status(resp)
        check_error_id(resp, "api.not_implemented")
        assert "app.widget.get_widget" in (resp.error or {})["message"]
        _, resp = client.do_api_get("/widgets/junk")
        check_bad_request_status(resp)


def test_route_registered_twice() -> None:
    root = Router()
    api = API(App.__new__(App), Routes(root))
    api.routes.system.handle("/ping", api.api_handler(_whoami), "GET")
    with pytest.raises(ValueError, match="registered twice"):
        api.routes.system.handle("/ping", api.api_handler(_whoami), "GET")


def test_a_literal_path_is_not_a_parameter(th: TestHelper) -> None:
    # /users/{user_id} serves GET and DELETE, but `login` and `logout` are paths, not user ids.
    for method in ("GET", "DELETE"):
        resp = th.http.request(method, "/api/v4/users/login")
        assert resp.status_code == 405
        assert resp.headers["Allow"] == "POST"
    # A parameter still takes anything that no literal path names.
    _, resp = th.client.get_user("junk")
    check_bad_request_status(resp)


def test_a_slow_handler_does_not_hold_up_the_others(th: TestHelper) -> None:
    # /system/wait returns once /system/signal has been served, or after a while. A handler
    # that ran on the event loop would hold it: /system/signal could only run after the wait.
    signal = threading.Event()

    def _wait(c: Context) -> Response | None:
        return c.json({"signalled": signal.wait(timeout=2)})

    def _signal(c: Context) -> Response | None:
        signal.set()
        return c.status_ok()

    root = Router()
    api = API(th.app, Routes(root))
    api.routes.system.handle("/wait", api.api_handler(_wait), "GET")
    api.routes.system.handle("/signal", api.api_handler(_signal), "GET")
    transport = httpx.ASGITransport(app=root.asgi_app())

    async def wait_and_signal() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=transport, base_url=TEST_URL) as http:
            return await asyncio.gather(
                http.get("/api/v4/system/wait"), http.get("/api/v4/system/signal")
            )

    waited, signalled = asyncio.run(wait_and_signal())
    assert signalled.status_code == 200
    assert waited.json() == {"signalled": True}
