from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import Response

from server.app import status as status_app
from server.model.status import STATUS_VALUES
from server.web.context import Context

if TYPE_CHECKING:
    from server.api4.api import API


def init_status(api: API) -> None:
    api.routes.user.handle("/status", api.api_session_required(get_user_status), "GET")
    api.routes.user.handle("/status", api.api_session_required(update_user_status), "PUT")


def get_user_status(c: Context) -> Response | None:
    # 1. Parse and validate the URL and body (400).
    c.require_user_id()
    if c.err:
        return None

    # 3. Call the app layer: its AppError already carries the status (404, ...).
    status = status_app.get_user_status(c.app, c.params.user_id)

    # 5. Write the response.
    return c.json(status)


def update_user_status(c: Context) -> Response | None:
    # 1. Parse and validate the URL and body (400).
    c.require_user_id()
    body = c.json_object()
    c.require_fields(body, {"user_id": str, "status": str})
    if c.err:
        return None
    # The body names the user again; it must be the one in the URL ("me" resolved).
    if body["user_id"] != c.params.user_id:
        c.set_invalid_param("user_id")
        return None
    if body["status"] not in STATUS_VALUES:
        c.set_invalid_param("status")
        return None

    # 2. Check permission (403).
    if not c.app.session_has_permission_to_user(c.session, c.params.user_id):
        c.set_permission_error("edit_other_users")
        return None

    # 3. Call the app layer: its AppError already carries the status (404, ...).
    status = status_app.update_user_status(c.app, c.params.user_id, body["status"])

    # 5. Write the response.
    return c.json(status)
