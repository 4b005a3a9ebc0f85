from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import Response

from server.app import channel as channel_app
from server.model.channel import CHANNEL_OPEN, CHANNEL_PRIVATE, CHANNEL_TYPES
from server.model.ids import is_valid_id
from server.web.context import Context

if TYPE_CHECKING:
    from server.api4.api import API


def init_channel(api: API) -> None:
    api.routes.channels.handle("", api.api_session_required(create_channel), "POST")
    api.routes.channel.handle("", api.api_session_required(get_channel), "GET")
    api.routes.channel.handle("/patch", api.api_session_required(patch_channel), "PUT")
    api.routes.channel.handle("", api.api_session_required(delete_channel), "DELETE")
    api.routes.channel.handle("/pin", api.api_session_required(pin_channel), "POST")
    api.routes.channels_for_team.handle("", api.api_session_required(get_public_channels_for_team), "GET")
    api.routes.channel_members.handle("", api.api_session_required(add_channel_member), "POST")


def create_channel(c: Context) -> Response | None:
    # 1. Parse and validate the URL and body (400).
    body = c.json_object()
    c.require_fields(
        body,
        {"team_id": str, "name": str, "display_name": str, "type": str},
        optional={"purpose": str, "header": str},
    )
    if c.err:
        return None
    if not is_valid_id(body["team_id"]):
        c.set_invalid_param("team_id")
        return None
    # The type decides which permission applies, so it is checked before the permission.
    if body["type"] not in CHANNEL_TYPES:
        c.set_invalid_param("type")
        return None

    # 2. Check permission (403).
    if body["type"] == CHANNEL_OPEN and not c.app.session_has_permission_to_team(
        c.session, body["team_id"], "create_public_channel"
    ):
        c.set_permission_error("create_public_channel")
        return None
    if body["type"] == CHANNEL_PRIVATE and not c.app.session_has_permission_to_team(
        c.session, body["team_id"], "create_private_channel"
    ):
        c.set_permission_error("create_private_channel")
        return None

    # 3. Call the app layer: its AppError already carries the status (404, ...).
    channel = channel_app.create_channel(c.app, c.session.user_id, body)

    # 5. Write the response.
    return c.json(channel, status=201)


def get_channel(c: Context) -> Response | None:
    # 1. Parse and validate the URL and body (400).
    c.require_channel_id()
    if c.err:
        return None

    # 2. Check permission (403).
    if not c.app.session_has_permission_to_channel(c.session, c.params.channel_id, "read_channel"):
        c.set_permission_error("read_channel")
        return None

    # 3. Call the app layer: its AppError already carries the status (404, ...).
    channel = channel_app.get_channel(c.app, c.params.channel_id)

    # 5. Write the response.
    return c.json(channel)


def patch_channel(c: Context) -> Response | None:
    # 1. Parse and validate the URL and body (400).
    c.require_channel_id()
    body = c.json_object()
    c.require_fields(body, optional={"display_name": str, "purpose": str, "header": str})
    if c.err:
        return None

    # 2. Check permission (403).
    if not c.app.session_has_permission_to_channel(
        c.session, c.params.channel_id, "manage_public_channel_properties"
    ):
        c.set_permission_error("manage_public_channel_properties")
        return None

    # 3. Call the app layer: its AppError already carries the status (404, ...).
    channel = channel_app.patch_channel(c.app, c.params.channel_id, body)

    # 5. Write the response.
    return c.json(channel)


def delete_channel(c: Context) -> Response | None:
    # 1. Parse and validate the URL and body (400).
    c.require_channel_id()
    if c.err:
        return None

    # 2. Check permission (403).
    if not c.app.session_has_permission_to_channel(
        c.session, c.params.channel_id, "delete_public_channel"
    ):
        c.set_permission_error("delete_public_channel")
        return None

    # 3. Call the app layer: its AppError already carries the status (404, ...).
    channel_app.delete_channel(c.app, c.params.channel_id)

    # 5. Write the response.
    return c.status_ok()


def pin_channel(c: Context) -> Response | None:
    # 1. Parse and validate the URL and body (400).
    c.require_channel_id()
    if c.err:
        return None

    # 2. Check permission (403).
    if not c.app.session_has_permission_to_channel(c.session, c.params.channel_id, "read_channel"):
        c.set_permission_error("read_channel")
        return None

    # 3. Call the app layer: its AppError already carries the status (404, ...).
    channel_app.pin_channel(c.app, c.params.channel_id)

    # 5. Write the response.
    return c.status_ok()


def get_public_channels_for_team(c: Context) -> Response | None:
    # 1. Parse and validate the URL and body (400).
    c.require_team_id()
    if c.err:
        return None

    # 2. Check permission (403).
    if not c.app.session_has_permission_to_team(c.session, c.params.team_id, "list_team_channels"):
        c.set_permission_error("list_team_channels")
        return None

    # 3. Call the app layer: its AppError already carries the status (404, ...).
    channels = channel_app.get_public_channels_for_team(
        c.app, c.params.team_id, c.params.page, c.params.per_page
    )

    # 5. Write the response.
    return c.json(channels)


def add_channel_member(c: Context) -> Response | None:
    # 1. Parse and validate the URL and body (400).
    c.require_channel_id()
    body = c.json_object()
    c.require_fields(body, {"user_id": str})
    if c.err:
        return None
    if not is_valid_id(body["user_id"]):
        c.set_invalid_param("user_id")
        return None

    # 2. Check permission (403).
    if not c.app.session_has_permission_to_channel(
        c.session, c.params.channel_id, "manage_public_channel_members"
    ):
        c.set_permission_error("manage_public_channel_members")
        return None

    # 3. Call the app layer: its AppError already carries the status (404, ...).
    member = channel_app.add_channel_member(c.app, c.params.channel_id, body["user_id"])

    # 5. Write the response.
    return c.json(member, status=201)
