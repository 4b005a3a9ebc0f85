from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import Response

from server.app import user as user_app
from server.web.context import Context

if TYPE_CHECKING:
    from server.api4.api import API


def init_user(api: API) -> None:
    api.routes.users.handle("", api.api_handler(create_user), "POST")
    api.routes.users.handle("/login", api.api_handler(login), "POST")
    api.routes.users.handle("/logout", api.api_session_required(logout), "POST")
    api.routes.users.handle("", api.api_session_required(get_users), "GET")
    api.routes.user.handle("", api.api_session_required(get_user), "GET")
    api.routes.user.handle("/patch", api.api_session_required(patch_user), "PUT")
    api.routes.user.handle("", api.api_session_required(delete_user), "DELETE")
    api.routes.user.handle("/sessions", api.api_session_required(get_user_sessions), "GET")
    api.routes.user_by_username.handle("", api.api_session_required(get_user_by_username), "GET")


def create_user(c: Context) -> Response | None:
    # 1. Parse and validate the URL and body (400).
    body = c.json_object()
    c.require_fields(
        body,
        {"username": str, "email": str, "password": str},
        optional={"nickname": str, "first_name": str, "last_name": str},
    )
    if c.err:
        return None

    # 3. Call the app layer: its AppError already carries the status (404, ...).
    user = user_app.create_user(c.app, body)

    # 5. Write the response.
    return c.json(user.sanitized(), status=201)


def login(c: Context) -> Response | None:
    # 1. Parse and validate the URL and body (400).
    body = c.json_object()
    c.require_fields(body, {"login_id": str, "password": str})
    if c.err:
        return None

    # 3. Call the app layer: its AppError already carries the status (404, ...).
    user, session = user_app.login(c.app, body["login_id"], body["password"])

    # 5. Write the response.
    # Clients read the session token from this header and send it back as a bearer token.
    c.set_header("Token", session.token)
    return c.json(user.sanitized())


def logout(c: Context) -> Response | None:
    # 3. Call the app layer: its AppError already carries the status (404, ...).
    user_app.logout(c.app, c.session)

    # 5. Write the response.
    return c.status_ok()


def get_users(c: Context) -> Response | None:
    # 3. Call the app layer: its AppError already carries the status (404, ...).
    users = user_app.get_users(c.app, c.params.page, c.params.per_page)

    # 5. Write the response.
    return c.json([user.sanitized() for user in users])


def get_user(c: Context) -> Response | None:
    # 1. Parse and validate the URL and body (400).
    c.require_user_id()
    if c.err:
        return None

    # 3. Call the app layer: its AppError already carries the status (404, ...).
    user = user_app.get_user(c.app, c.params.user_id)

    # 4. Etag (304).
    if c.handle_etag(user.etag(), "Get User"):
        return c.not_modified()

    # 5. Write the response.
    return c.json(user.sanitized())


def patch_user(c: Context) -> Response | None:
    # 1. Parse and validate the URL and body (400).
    c.require_user_id()
    body = c.json_object()
    c.require_fields(
        body, optional={"nickname": str, "first_name": str, "last_name": str, "email": str}
    )
    if c.err:
        return None

    # 2. Check permission (403).
    if not c.app.session_has_permission_to_user(c.session, c.params.user_id):
        c.set_permission_error("edit_other_users")
        return None

    # 3. Call the app layer: its AppError already carries the status (404, ...).
    user = user_app.patch_user(c.app, c.params.user_id, body)

    # 5. Write the response.
    return c.json(user.sanitized())


def delete_user(c: Context) -> Response | None:
    # 1. Parse and validate the URL and body (400).
    c.require_user_id()
    if c.err:
        return None

    # 2. Check permission (403).
    if not c.app.session_has_permission_to_user(c.session, c.params.user_id):
        c.set_permission_error("edit_other_users")
        return None

    # 3. Call the app layer: its AppError already carries the status (404, ...).
    user_app.delete_user(c.app, c.params.user_id)

    # 5. Write the response.
    return c.status_ok()


def get_user_sessions(c: Context) -> Response | None:
    # 1. Parse and validate the URL and body (400).
    c.require_user_id()
    if c.err:
        return None

    # 2. Check permission (403).
    if not c.app.session_has_permission_to_user(c.session, c.params.user_id, "edit_other_users"):
        c.set_permission_error("edit_other_users")
        return None

    # 3. Call the app layer: its AppError already carries the status (404, ...).
    result = user_app.get_user_sessions(c.app, c.params.user_id)

    # 5. Write the response.
    return c.json(result)


def get_user_by_username(c: Context) -> Response | None:
    # 1. Parse and validate the URL and body (400).
    c.require_username()
    if c.err:
        return None

    # 3. Call the app layer: its AppError already carries the status (404, ...).
    user = user_app.get_user_by_username(c.app, c.params.username)

    # 5. Write the response.
    return c.json(user.sanitized())
