from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import Response

from server.app import team as team_app
from server.model.ids import is_valid_id
from server.web.context import Context

if TYPE_CHECKING:
    from server.api4.api import API


def init_team(api: API) -> None:
    api.routes.teams.handle("", api.api_session_required(create_team), "POST")
    api.routes.team.handle("", api.api_session_required(get_team), "GET")
    api.routes.team.handle("/patch", api.api_session_required(patch_team), "PUT")
    api.routes.team.handle("", api.api_session_required(delete_team), "DELETE")
    api.routes.team.handle("/widgets", api.api_session_required(create_team_widget), "POST")
    api.routes.team_members.handle("", api.api_session_required(get_team_members), "GET")
    api.routes.team_members.handle("", api.api_session_required(add_team_member), "POST")


def create_team(c: Context) -> Response | None:
    # 1. Parse and validate the URL and body (400).
    body = c.json_object()
    c.require_fields(body, {"name": str, "display_name": str, "type": str})
    if c.err:
        return None

    # 2. Check permission (403).
    if not c.app.session_has_permission_to(c.session, "create_team"):
        c.set_permission_error("create_team")
        return None

    # 3. Call the app layer: its AppError already carries the status (404, ...).
    team = team_app.create_team(c.app, c.session.user_id, body)

    # 5. Write the response.
    return c.json(team, status=201)


def get_team(c: Context) -> Response | None:
    # 1. Parse and validate the URL and body (400).
    c.require_team_id()
    if c.err:
        return None

    # 2. Check permission (403).
    if not c.app.session_has_permission_to_team(c.session, c.params.team_id, "view_team"):
        c.set_permission_error("view_team")
        return None

    # 3. Call the app layer: its AppError already carries the status (404, ...).
    team = team_app.get_team(c.app, c.params.team_id)

    # 4. Etag (304).
    if c.handle_etag(team.etag(), "Get Team"):
        return c.not_modified()

    # 5. Write the response.
    return c.json(team)


def patch_team(c: Context) -> Response | None:
    # 1. Parse and validate the URL and body (400).
    c.require_team_id()
    body = c.json_object()
    c.require_fields(body, optional={"display_name": str, "description": str})
    if c.err:
        return None

    # 2. Check permission (403).
    if not c.app.session_has_permission_to_team(c.session, c.params.team_id, "manage_team"):
        c.set_permission_error("manage_team")
        return None

    # 3. Call the app layer: its AppError already carries the status (404, ...).
    team = team_app.patch_team(c.app, c.params.team_id, body)

    # 5. Write the response.
    return c.json(team)


def delete_team(c: Context) -> Response | None:
    # 1. Parse and validate the URL and body (400).
    c.require_team_id()
    if c.err:
        return None

    # 2. Check permission (403).
    if not c.app.session_has_permission_to_team(c.session, c.params.team_id, "manage_team"):
        c.set_permission_error("manage_team")
        return None

    # 3. Call the app layer: its AppError already carries the status (404, ...).
    team_app.delete_team(c.app, c.params.team_id)

    # 5. Write the response.
    return c.status_ok()


def create_team_widget(c: Context) -> Response | None:
    # 1. Parse and validate the URL and body (400).
    c.require_team_id()
    body = c.json_object()
    c.require_fields(
        body,
        {"name": str, "visible": bool},
        optional={"size": int},
    )
    if c.err:
        return None

    # 2. Check permission (403).
    if not c.app.session_has_permission_to_team(c.session, c.params.team_id, "manage_team"):
        c.set_permission_error("manage_team")
        return None

    # 3. Call the app layer: its AppError already carries the status (404, ...).
    result = team_app.create_team_widget(c.app, c.params.team_id, body)

    # 5. Write the response.
    return c.json(result, status=201)


def get_team_members(c: Context) -> Response | None:
    # 1. Parse and validate the URL and body (400).
    c.require_team_id()
    if c.err:
        return None

    # 2. Check permission (403).
    if not c.app.session_has_permission_to_team(c.session, c.params.team_id, "view_team"):
        c.set_permission_error("view_team")
        return None

    # 3. Call the app layer: its AppError already carries the status (404, ...).
    members = team_app.get_team_members(c.app, c.params.team_id, c.params.page, c.params.per_page)

    # 5. Write the response.
    return c.json(members)


def add_team_member(c: Context) -> Response | None:
    # 1. Parse and validate the URL and body (400).
    c.require_team_id()
    body = c.json_object()
    c.require_fields(body, {"team_id": str, "user_id": str})
    if c.err:
        return None
    # The body names the team again; it must be the one in the URL.
    if body["team_id"] != c.params.team_id:
        c.set_invalid_param("team_id")
        return None
    if not is_valid_id(body["user_id"]):
        c.set_invalid_param("user_id")
        return None

    # 2. Check permission (403).
    if not c.app.session_has_permission_to_team(c.session, c.params.team_id, "add_user_to_team"):
        c.set_permission_error("add_user_to_team")
        return None

    # 3. Call the app layer: its AppError already carries the status (404, ...).
    member = team_app.add_team_member(c.app, c.params.team_id, body["user_id"])

    # 5. Write the response.
    return c.json(member, status=201)
