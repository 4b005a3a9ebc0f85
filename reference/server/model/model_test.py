from __future__ import annotations

from dataclasses import replace

from server.model.app_error import AppError
from server.model.ids import is_valid_id, new_id
from server.model.post import Post, PostList
from server.model.role import roles_grant_permission
from server.model.user import User, compare_password, hash_password


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
