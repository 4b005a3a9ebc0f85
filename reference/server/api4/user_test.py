from __future__ import annotations

import hashlib

import pytest

from server.api4.apitestlib import (
    PASSWORD,
    TEST_CONFIG,
    TestHelper,
    check_bad_request_status,
    check_created_status,
    check_error_id,
    check_etag,
    check_forbidden_status,
    check_not_found_status,
    check_ok_status,
    check_request_entity_too_large_status,
    check_unauthorized_status,
)
from server.app import user as user_app
from server.model.ids import new_id
from server.web.handlers import MAX_BODY_SIZE


def _new_user_body() -> dict[str, str]:
    username = f"user-{new_id()[:12]}"
    return {"username": username, "email": f"{username}@example.com", "password": PASSWORD}


def test_create_user(th: TestHelper) -> None:
    body = {**_new_user_body(), "nickname": "Corey", "first_name": "Corey", "last_name": "Doe"}
    user, resp = th.client.create_user(body)
    check_created_status(resp)
    assert user["username"] == body["username"]
    assert user["nickname"] == "Corey"
    assert user["roles"] == "system_user"
    assert "password" not in user


def test_create_user_bad_request(th: TestHelper) -> None:
    _, resp = th.client.create_user({"username": "no-password", "email": "np@example.com"})
    check_bad_request_status(resp)
    check_error_id(resp, "api.context.invalid_body_param.app_error")


def test_create_user_invalid_username(th: TestHelper) -> None:
    _, resp = th.client.create_user({**_new_user_body(), "username": "not a username"})
    check_bad_request_status(resp)
    check_error_id(resp, "model.user.is_valid.username.app_error")


def test_create_user_invalid_email(th: TestHelper) -> None:
    _, resp = th.client.create_user({**_new_user_body(), "email": "nowhere"})
    check_bad_request_status(resp)
    check_error_id(resp, "model.user.is_valid.email.app_error")


def test_create_user_stores_the_email_lower_cased(th: TestHelper) -> None:
    body = _new_user_body()
    user, resp = th.client.create_user({**body, "email": body["email"].upper()})
    check_created_status(resp)
    assert user["email"] == body["email"]


def test_create_user_email_is_not_trimmed(th: TestHelper) -> None:
    # The docs' pattern has no room for spaces: " a@b" is not an email, trimmed or not.
    body = _new_user_body()
    _, resp = th.client.create_user({**body, "email": f" {body['email']}"})
    check_bad_request_status(resp)
    check_error_id(resp, "model.user.is_valid.email.app_error")


def test_create_user_upper_case_username(th: TestHelper) -> None:
    body = _new_user_body()
    _, resp = th.client.create_user({**body, "username": body["username"].upper()})
    check_bad_request_status(resp)
    check_error_id(resp, "model.user.is_valid.username.app_error")


def test_create_user_short_password(th: TestHelper) -> None:
    _, resp = th.client.create_user({**_new_user_body(), "password": "1234"})
    check_bad_request_status(resp)
    check_error_id(resp, "model.user.is_valid.pwd_length.app_error")


def test_create_user_duplicate_username(th: TestHelper) -> None:
    _, resp = th.client.create_user({**_new_user_body(), "username": th.basic_user.username})
    check_bad_request_status(resp)
    check_error_id(resp, "app.user.save.existing.app_error")


def test_create_user_wrong_field_type(th: TestHelper) -> None:
    _, resp = th.client.create_user({**_new_user_body(), "nickname": 7})
    check_bad_request_status(resp)


def test_create_user_without_session(th: TestHelper) -> None:
    client = th.create_client()
    user, resp = client.create_user(_new_user_body())
    check_created_status(resp)
    assert user["roles"] == "system_user"


def test_create_user_too_large(th: TestHelper) -> None:
    _, resp = th.client.create_user({**_new_user_body(), "nickname": "x" * MAX_BODY_SIZE})
    check_request_entity_too_large_status(resp)


def test_login(th: TestHelper) -> None:
    user, resp = th.client.login(th.basic_user.username, PASSWORD)
    check_ok_status(resp)
    assert user["id"] == th.basic_user.id
    assert resp.header.get("Token")


def test_login_with_email(th: TestHelper) -> None:
    client = th.create_client()
    user, resp = client.login(th.basic_user.email.upper(), PASSWORD)
    check_ok_status(resp)
    me, resp = client.get_user("me")
    check_ok_status(resp)
    assert me["id"] == user["id"] == th.basic_user.id


def test_login_bad_request(th: TestHelper) -> None:
    _, resp = th.client.login(th.basic_user.username, "")
    check_bad_request_status(resp)


def test_login_unauthorized(th: TestHelper) -> None:
    _, resp = th.client.login(th.basic_user.username, "not-the-password")
    check_unauthorized_status(resp)
    check_error_id(resp, "api.user.login.invalid_credentials_email_username")


def test_login_unknown_user(th: TestHelper) -> None:
    _, resp = th.client.login(f"nobody-{new_id()[:8]}", PASSWORD)
    check_unauthorized_status(resp)


def test_login_hashes_alike_for_an_unknown_user(
    th: TestHelper, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A login that skipped the hash for an unknown username would answer it sooner than a known
    # one with a wrong password, telling by its time which accounts exist.
    rounds: list[int] = []
    pbkdf2_hmac = hashlib.pbkdf2_hmac

    def counted(name: str, password: bytes, salt: bytes, iterations: int) -> bytes:
        rounds.append(iterations)
        return pbkdf2_hmac(name, password, salt, iterations)

    monkeypatch.setattr(hashlib, "pbkdf2_hmac", counted)
    _, resp = th.client.login(f"nobody-{new_id()[:8]}", PASSWORD)
    check_unauthorized_status(resp)
    unknown = rounds.copy()
    rounds.clear()
    _, resp = th.client.login(th.basic_user.username, "not-the-password")
    check_unauthorized_status(resp)
    assert unknown == rounds == [TEST_CONFIG.password_hash_iterations]


def test_login_refused_when_deactivated_during_the_hash(
    th: TestHelper, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Other requests run while a login hashes: one deactivates the account meanwhile.
    pbkdf2_hmac = hashlib.pbkdf2_hmac

    def deactivating(name: str, password: bytes, salt: bytes, iterations: int) -> bytes:
        user_app.delete_user(th.app, th.basic_user2.id)
        return pbkdf2_hmac(name, password, salt, iterations)

    monkeypatch.setattr(hashlib, "pbkdf2_hmac", deactivating)
    client = th.create_client()
    _, resp = client.login(th.basic_user2.username, PASSWORD)
    check_unauthorized_status(resp)
    assert not client.auth_token


def test_login_sets_status_online(th: TestHelper) -> None:
    status, resp = th.client.get_user_status(th.basic_user.id)
    check_ok_status(resp)
    assert status["status"] == "online"


def test_login_too_large(th: TestHelper) -> None:
    _, resp = th.client.login(th.basic_user.username, "x" * MAX_BODY_SIZE)
    check_request_entity_too_large_status(resp)


def test_logout(th: TestHelper) -> None:
    status, resp = th.client.logout()
    check_ok_status(resp)
    assert status == {"status": "OK"}


def test_logout_unauthorized(th: TestHelper) -> None:
    th.client.logout()
    _, resp = th.client.logout()
    check_unauthorized_status(resp)


def test_logout_revokes_the_token(th: TestHelper) -> None:
    token = th.client.auth_token
    th.client.logout()
    th.client.set_token(token)
    _, resp = th.client.get_user("me")
    check_unauthorized_status(resp)


def test_get_users(th: TestHelper) -> None:
    users, resp = th.client.get_users()
    check_ok_status(resp)
    ids = {user["id"] for user in users}
    assert {th.basic_user.id, th.basic_user2.id, th.system_admin_user.id} <= ids
    assert all("password" not in user for user in users)


def test_get_users_paging(th: TestHelper) -> None:
    first, resp = th.client.get_users(page=0, per_page=2)
    check_ok_status(resp)
    second, resp = th.client.get_users(page=1, per_page=2)
    check_ok_status(resp)
    assert len(first) == 2
    assert {user["id"] for user in first}.isdisjoint(user["id"] for user in second)


def test_get_users_bad_request(th: TestHelper) -> None:
    _, resp = th.client.get_users(page=-1)
    check_bad_request_status(resp)
    check_error_id(resp, "api.context.invalid_url_param.app_error")


def test_get_users_per_page_too_large(th: TestHelper) -> None:
    _, resp = th.client.get_users(per_page=201)
    check_bad_request_status(resp)


def test_get_users_unauthorized(th: TestHelper) -> None:
    th.client.logout()
    _, resp = th.client.get_users()
    check_unauthorized_status(resp)


def test_get_user(th: TestHelper) -> None:
    user, resp = th.client.get_user(th.basic_user.id)
    check_ok_status(resp)
    assert user["id"] == th.basic_user.id
    assert "password" not in user


def test_get_user_me(th: TestHelper) -> None:
    user, resp = th.client.get_user("me")
    check_ok_status(resp)
    assert user["id"] == th.basic_user.id


def test_get_user_etag(th: TestHelper) -> None:
    _, resp = th.client.get_user(th.basic_user.id)
    user, resp = th.client.get_user(th.basic_user.id, etag=resp.etag)
    check_etag(user, resp)


def test_get_user_etag_changes_with_the_user(th: TestHelper) -> None:
    _, first = th.client.get_user(th.basic_user.id)
    _, resp = th.client.patch_user(th.basic_user.id, {"nickname": "changed"})
    check_ok_status(resp)
    user, resp = th.client.get_user(th.basic_user.id, etag=first.etag)
    check_ok_status(resp)
    assert user["nickname"] == "changed"


def test_get_user_bad_request(th: TestHelper) -> None:
    _, resp = th.client.get_user("junk")
    check_bad_request_status(resp)


def test_get_user_unauthorized(th: TestHelper) -> None:
    th.client.logout()
    _, resp = th.client.get_user(th.basic_user.id)
    check_unauthorized_status(resp)


def test_get_user_not_found(th: TestHelper) -> None:
    _, resp = th.system_admin_client.get_user(new_id())
    check_not_found_status(resp)


def test_patch_user(th: TestHelper) -> None:
    patch = {"nickname": "Nick", "first_name": "First", "last_name": "Last"}
    user, resp = th.client.patch_user(th.basic_user.id, patch)
    check_ok_status(resp)
    assert (user["nickname"], user["first_name"], user["last_name"]) == ("Nick", "First", "Last")
    assert user["username"] == th.basic_user.username
    assert user["update_at"] >= th.basic_user.update_at


def test_patch_user_ignores_other_fields(th: TestHelper) -> None:
    user, resp = th.client.patch_user("me", {"roles": "system_admin", "username": "renamed"})
    check_ok_status(resp)
    assert user["roles"] == "system_user"
    assert user["username"] == th.basic_user.username


def test_patch_user_bad_request(th: TestHelper) -> None:
    _, resp = th.client.patch_user("junk", {"nickname": "Nick"})
    check_bad_request_status(resp)


def test_patch_user_invalid_email(th: TestHelper) -> None:
    _, resp = th.client.patch_user(th.basic_user.id, {"email": "nowhere"})
    check_bad_request_status(resp)


def test_patch_user_taken_email(th: TestHelper) -> None:
    _, resp = th.client.patch_user(th.basic_user.id, {"email": th.basic_user2.email})
    check_bad_request_status(resp)
    check_error_id(resp, "app.user.save.existing.app_error")


def test_patch_user_unauthorized(th: TestHelper) -> None:
    th.client.logout()
    _, resp = th.client.patch_user(th.basic_user.id, {"nickname": "Nick"})
    check_unauthorized_status(resp)


def test_patch_user_forbidden(th: TestHelper) -> None:
    _, resp = th.client.patch_user(th.basic_user2.id, {"nickname": "Nick"})
    check_forbidden_status(resp)
    check_error_id(resp, "api.context.permissions.app_error")


def test_patch_user_not_found(th: TestHelper) -> None:
    _, resp = th.system_admin_client.patch_user(new_id(), {"nickname": "Nick"})
    check_not_found_status(resp)


def test_patch_user_as_system_admin(th: TestHelper) -> None:
    user, resp = th.system_admin_client.patch_user(th.basic_user.id, {"nickname": "Set by admin"})
    check_ok_status(resp)
    assert user["nickname"] == "Set by admin"


def test_patch_user_too_large(th: TestHelper) -> None:
    _, resp = th.client.patch_user(th.basic_user.id, {"nickname": "x" * MAX_BODY_SIZE})
    check_request_entity_too_large_status(resp)


def test_delete_user(th: TestHelper) -> None:
    status, resp = th.client.delete_user(th.basic_user.id)
    check_ok_status(resp)
    assert status == {"status": "OK"}
    user, resp = th.system_admin_client.get_user(th.basic_user.id)
    check_ok_status(resp)
    assert user["delete_at"] > 0


def test_delete_user_ends_their_sessions(th: TestHelper) -> None:
    _, resp = th.system_admin_client.delete_user(th.basic_user.id)
    check_ok_status(resp)
    _, resp = th.client.get_user("me")
    check_unauthorized_status(resp)
    _, resp = th.client.login(th.basic_user.username, PASSWORD)
    check_unauthorized_status(resp)


def test_delete_user_bad_request(th: TestHelper) -> None:
    _, resp = th.client.delete_user("junk")
    check_bad_request_status(resp)


def test_delete_user_unauthorized(th: TestHelper) -> None:
    th.client.logout()
    _, resp = th.client.delete_user(th.basic_user.id)
    check_unauthorized_status(resp)


def test_delete_user_forbidden(th: TestHelper) -> None:
    _, resp = th.client.delete_user(th.basic_user2.id)
    check_forbidden_status(resp)


def test_delete_user_not_found(th: TestHelper) -> None:
    _, resp = th.system_admin_client.delete_user(new_id())
    check_not_found_status(resp)


def test_get_user_by_username(th: TestHelper) -> None:
    user, resp = th.client.get_user_by_username(th.basic_user2.username)
    check_ok_status(resp)
    assert user["id"] == th.basic_user2.id


def test_get_user_by_username_bad_request(th: TestHelper) -> None:
    _, resp = th.client.get_user_by_username("Junk!")
    check_bad_request_status(resp)


def test_get_user_by_username_unauthorized(th: TestHelper) -> None:
    th.client.logout()
    _, resp = th.client.get_user_by_username(th.basic_user.username)
    check_unauthorized_status(resp)


def test_get_user_by_username_not_found(th: TestHelper) -> None:
    _, resp = th.system_admin_client.get_user_by_username(f"nobody-{new_id()}")
    check_not_found_status(resp)
