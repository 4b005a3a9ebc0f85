from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from server.app import session as session_app
from server.app import status as status_app
from server.app.app import App
from server.model.app_error import AppError
from server.model.ids import new_id
from server.model.role import SYSTEM_ADMIN_ROLE_ID, SYSTEM_USER_ROLE_ID
from server.model.session import Session
from server.model.user import (
    USER_PATCH_FIELDS,
    User,
    compare_password,
    hash_password,
    is_valid_password,
    normalize_email,
)
from server.model.utils import get_millis
from server.store.store import ConflictError


def create_user(a: App, body: Mapping[str, Any]) -> User:
    now = get_millis()
    user = User(
        id=new_id(),
        create_at=now,
        update_at=now,
        username=body["username"],
        email=body["email"],
        nickname=body.get("nickname", ""),
        first_name=body.get("first_name", ""),
        last_name=body.get("last_name", ""),
        roles=SYSTEM_USER_ROLE_ID,
    )
    # What the client sent is validated, as the docs describe it; only then normalised.
    if (err := user.is_valid()) is not None:
        raise err
    if (err := is_valid_password(body["password"])) is not None:
        raise err
    user.email = normalize_email(user.email)
    if a.store.user().count() == 0:
        # The first account of a new server administers it, so a fresh install is usable.
        user.roles = f"{SYSTEM_ADMIN_ROLE_ID} {SYSTEM_USER_ROLE_ID}"
    user.password = hash_password(body["password"], a.config.password_hash_iterations)
    try:
        return a.store.user().save(user)
    except ConflictError as conflict:
        raise _existing_user_error(conflict) from conflict


def login(a: App, login_id: str, password: str) -> tuple[User, Session]:
    """login checks a username or email and its password, and opens a session."""
    user = a.store.user().get_for_login(login_id.strip().lower())
    if user is None:
        # Hash the password anyway: a login that skipped the hash would answer an unknown name
        # in a millisecond and a known one only after the hash, telling which accounts exist.
        hash_password(password, a.config.password_hash_iterations)
    elif compare_password(user.password, password):
        # Other requests ran during the hash: the account may have been deactivated meanwhile,
        # its sessions revoked, and this one must not outlive them.
        user = a.store.user().get(user.id)
    else:
        user = None
    # One error for every failure, so a caller cannot probe which accounts exist.
    if user is None or user.delete_at != 0:
        raise AppError(
            "api.user.login.invalid_credentials_email_username",
            "Enter a valid email or username and/or password.",
            status_code=401,
        )
    session = session_app.create_session(a, user)
    status_app.set_status_online(a, user.id)
    return user, session


def logout(a: App, session: Session) -> None:
    session_app.revoke_session(a, session)


def get_users(a: App, page: int, per_page: int) -> list[User]:
    return a.store.user().get_all(offset=page * per_page, limit=per_page)


def get_user(a: App, user_id: str) -> User:
    user = a.store.user().get(user_id)
    if user is None:
        raise AppError(
            "app.user.get_user.not_found",
            "Unable to find the user.",
            detailed_error=f"user_id={user_id}",
            status_code=404,
        )
    return user


def patch_user(a: App, user_id: str, patch: Mapping[str, Any]) -> User:
    user = get_user(a, user_id)
    changes = {name: patch[name] for name in USER_PATCH_FIELDS if name in patch}
    patched = replace(user, **changes, update_at=get_millis())
    if (err := patched.is_valid()) is not None:
        raise err
    patched.email = normalize_email(patched.email)
    try:
        return a.store.user().update(patched)
    except ConflictError as conflict:
        raise _existing_user_error(conflict) from conflict


def delete_user(a: App, user_id: str) -> None:
    """delete_user deactivates the account: its posts and memberships stay, its sessions end."""
    user = get_user(a, user_id)
    if user.delete_at == 0:
        now = get_millis()
        a.store.user().update(replace(user, delete_at=now, update_at=now))
    session_app.revoke_all_sessions_for_user(a, user_id)


def get_user_by_username(a: App, username: str) -> User:
    user = a.store.user().get_by_username(username)
    if user is None:
        raise AppError(
            "app.user.get_user_by_username.not_found",
            "Unable to find a user with that username.",
            detailed_error=f"username={username}",
            status_code=404,
        )
    return user


def _existing_user_error(err: ConflictError) -> AppError:
    return AppError(
        "app.user.save.existing.app_error",
        "An account with that username or email already exists.",
        detailed_error=str(err),
        status_code=400,
    )


def get_user_sessions(a: App, user_id: str) -> Any:
    """get_user_sessions serves GET /api/v4/users/{user_id}/sessions; raises 501 until it is written."""
    raise AppError.not_implemented("server.app.user.get_user_sessions")
