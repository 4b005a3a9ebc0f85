from __future__ import annotations

from server.api4.apitestlib import (
    TestHelper,
    check_bad_request_status,
    check_forbidden_status,
    check_not_found_status,
    check_ok_status,
    check_request_entity_too_large_status,
    check_unauthorized_status,
)
from server.model.ids import new_id
from server.web.handlers import MAX_BODY_SIZE


def test_get_user_status(th: TestHelper) -> None:
    status, resp = th.client.get_user_status(th.basic_user2.id)
    check_ok_status(resp)
    assert status["user_id"] == th.basic_user2.id
    assert status["status"] in ("online", "away", "dnd", "offline")


def test_get_user_status_never_logged_in(th: TestHelper) -> None:
    user = th.create_user()
    status, resp = th.client.get_user_status(user.id)
    check_ok_status(resp)
    assert (status["user_id"], status["status"]) == (user.id, "offline")
    assert (status["manual"], status["last_activity_at"]) == (False, 0)


def test_get_user_status_bad_request(th: TestHelper) -> None:
    _, resp = th.client.get_user_status("junk")
    check_bad_request_status(resp)


def test_get_user_status_unauthorized(th: TestHelper) -> None:
    th.client.logout()
    _, resp = th.client.get_user_status(th.basic_user.id)
    check_unauthorized_status(resp)


def test_get_user_status_not_found(th: TestHelper) -> None:
    _, resp = th.system_admin_client.get_user_status(new_id())
    check_not_found_status(resp)


def test_update_user_status(th: TestHelper) -> None:
    body = {"user_id": th.basic_user.id, "status": "dnd"}
    status, resp = th.client.update_user_status(th.basic_user.id, body)
    check_ok_status(resp)
    assert status["status"] == "dnd"
    assert status["manual"] is True


def test_update_user_status_survives_login(th: TestHelper) -> None:
    body = {"user_id": th.basic_user.id, "status": "away"}
    _, resp = th.client.update_user_status("me", body)
    check_ok_status(resp)
    th.login(th.basic_user)
    status, resp = th.client.get_user_status(th.basic_user.id)
    check_ok_status(resp)
    assert status["status"] == "away"


def test_update_user_status_bad_request(th: TestHelper) -> None:
    _, resp = th.client.update_user_status("junk", {"user_id": "junk", "status": "online"})
    check_bad_request_status(resp)


def test_update_user_status_unknown_status(th: TestHelper) -> None:
    body = {"user_id": th.basic_user.id, "status": "sleeping"}
    _, resp = th.client.update_user_status(th.basic_user.id, body)
    check_bad_request_status(resp)


def test_update_user_status_mismatched_user_id(th: TestHelper) -> None:
    body = {"user_id": th.basic_user2.id, "status": "online"}
    _, resp = th.client.update_user_status(th.basic_user.id, body)
    check_bad_request_status(resp)


def test_update_user_status_unauthorized(th: TestHelper) -> None:
    th.client.logout()
    body = {"user_id": th.basic_user.id, "status": "online"}
    _, resp = th.client.update_user_status(th.basic_user.id, body)
    check_unauthorized_status(resp)


def test_update_user_status_forbidden(th: TestHelper) -> None:
    body = {"user_id": th.basic_user2.id, "status": "offline"}
    _, resp = th.client.update_user_status(th.basic_user2.id, body)
    check_forbidden_status(resp)


def test_update_user_status_not_found(th: TestHelper) -> None:
    user_id = new_id()
    body = {"user_id": user_id, "status": "online"}
    _, resp = th.system_admin_client.update_user_status(user_id, body)
    check_not_found_status(resp)


def test_update_user_status_too_large(th: TestHelper) -> None:
    body = {"user_id": th.basic_user.id, "status": "x" * MAX_BODY_SIZE}
    _, resp = th.client.update_user_status(th.basic_user.id, body)
    check_request_entity_too_large_status(resp)
