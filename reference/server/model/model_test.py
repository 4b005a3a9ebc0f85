from __future__ import annotations

from dataclasses import replace

import pytest

from server.model.app_error import AppError
from server.model.ids import is_valid_id, new_id
from server.model.post import Post, PostList
from server.model.role import roles_grant_permission
from server.model.user import (
    User,
    compare_password,
    hash_password,
    is_valid_email,
    is_valid_username,
)


def test_new_id() -> None:
    ids = {new_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(is_valid_id(value) for value in ids)


def test_is_valid_id() -> None:
    assert not is_valid_id("junk")
    assert not is_valid_id("A" * 26)
    assert not is_valid_id(new_id() + "a")


def test_app_error_to_dict() -> None:
    err = AppError("app.thing.not_found", "No thing.", status_code=404, request_id="r")
    assert err.to_dict() == {
        "id": "app.thing.not_found",
        "message": "No thing.",
        "detailed_error": "",
        "request_id": "r",
        "status_code": 404,
    }


def test_app_error_not_implemented() -> None:
    err = AppError.not_implemented("app.user.get_user_sessions")
    assert (err.id, err.status_code) == ("api.not_implemented", 501)
    assert "app.user.get_user_sessions" in err.message


def test_roles_grant_permission() -> None:
    assert roles_grant_permission("system_user", "create_team")
    assert not roles_grant_permission("system_guest", "create_team")
    assert not roles_grant_permission("system_user", "edit_other_users")
    assert roles_grant_permission("system_user system_admin", "a_permission_added_later")
    assert roles_grant_permission("team_user team_admin", "manage_team")
    assert not roles_grant_permission("team_user", "manage_team")


def test_password_hash() -> None:
    hashed = hash_password("secret", iterations=1_000)
    assert "secret" not in hashed
    assert compare_password(hashed, "secret")
    assert not compare_password(hashed, "Secret")
    assert not compare_password("garbage", "secret")


def test_user_never_serialises_its_password() -> None:
    user = User(id=new_id(), username="someone", email="someone@example.com", password="hash")
    assert "password" not in user.to_dict()
    assert user.sanitized().password == ""
    assert user.password == "hash"


def test_post_list_etag() -> None:
    first = Post(id=new_id(), update_at=1)
    second = Post(id=new_id(), update_at=2)
    both = PostList.of([second, first])
    assert both.etag() == PostList.of([second, first]).etag()
    assert both.etag() != PostList.of([second]).etag()
    assert both.etag() != PostList.of([second, replace(first, update_at=3)]).etag()


@pytest.mark.parametrize(
    "email",
    [
        pytest.param("alice@example.com", id="plain"),
        pytest.param("Alice.Liddell+tea@Example.COM", id="dots-plus-and-case"),
        pytest.param("!#$%&'*+/=?^_`{|}~-@x", id="every-special-character"),
        pytest.param("a@b-c.d1.123", id="hyphen-digits-numeric-label"),
        pytest.param("a" * 64 + "@" + "b" * 63, id="longest-local-part-and-label"),
        pytest.param("a@" + "b" * 63 + "." + "c" * 62, id="128-characters"),
    ],
)
def test_valid_email(email: str) -> None:
    assert is_valid_email(email)


@pytest.mark.parametrize(
    "email",
    [
        pytest.param("nowhere", id="no-at"),
        pytest.param("a@b@c", id="two-ats"),
        pytest.param("@b", id="empty-local-part"),
        pytest.param("a@", id="empty-domain"),
        pytest.param(".a@b", id="leading-dot"),
        pytest.param("a..b@c", id="double-dot"),
        pytest.param("a.@b", id="trailing-dot"),
        pytest.param("a@b.", id="empty-label"),
        pytest.param("a@-b", id="label-starts-with-hyphen"),
        pytest.param("a@b-", id="label-ends-with-hyphen"),
        pytest.param("a@xn--bcher-kva", id="punycode-label"),
        pytest.param("a@b_c", id="underscore-in-domain"),
        pytest.param('"a b"@c', id="quoted-local-part"),
        pytest.param("a@[10.0.0.1]", id="address-literal"),
        pytest.param(" a@b", id="space"),
        pytest.param("a@b\n", id="newline"),
        pytest.param("\u212a@b", id="kelvin-sign"),
        pytest.param("\u00e9@b", id="non-ascii"),
        pytest.param("a" * 65 + "@b", id="local-part-over-64"),
        pytest.param("a@" + "b" * 64, id="label-over-63"),
        pytest.param("a@" + "b" * 63 + "." + "c" * 63, id="over-128-characters"),
    ],
)
def test_invalid_email(email: str) -> None:
    assert not is_valid_email(email)


@pytest.mark.parametrize(
    ("username", "valid"),
    [
        pytest.param("alice", True, id="plain"),
        pytest.param("a", True, id="one-letter"),
        pytest.param("a.b_c-9", True, id="punctuation"),
        pytest.param("a" * 64, True, id="64-characters"),
        pytest.param("a" * 65, False, id="65-characters"),
        pytest.param("", False, id="empty"),
        pytest.param("9lives", False, id="starts-with-a-digit"),
        pytest.param(".", False, id="dot"),
        pytest.param("..", False, id="dot-dot"),
        pytest.param("Alice", False, id="upper-case"),
        pytest.param("alice\n", False, id="trailing-newline"),
    ],
)
def test_is_valid_username(username: str, valid: bool) -> None:
    assert is_valid_username(username) is valid
