from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from server.app.app import App
from server.model.app_error import AppError
from server.model.channel import CHANNEL_PATCH_FIELDS, Channel, ChannelMember
from server.model.ids import new_id
from server.model.role import CHANNEL_USER_ROLE_ID
from server.model.utils import get_millis
from server.store.store import ConflictError


def create_channel(a: App, creator_id: str, body: Mapping[str, Any]) -> Channel:
    """create_channel saves the channel in its team and makes the creator its first member."""
    team = a.store.team().get(body["team_id"])
    # The team comes from the body, not the URL: a missing one is a bad request, not a 404.
    if team is None or team.delete_at != 0:
        raise AppError(
            "app.channel.create_channel.invalid_team",
            "Unable to create a channel in a team that does not exist or is archived.",
            detailed_error=f"team_id={body['team_id']}",
            status_code=400,
        )
    now = get_millis()
    channel = Channel(
        id=new_id(),
        create_at=now,
        update_at=now,
        team_id=team.id,
        type=body["type"],
        display_name=body["display_name"],
        name=body["name"],
        purpose=body.get("purpose", ""),
        header=body.get("header", ""),
        creator_id=creator_id,
    )
    if (err := channel.is_valid()) is not None:
        raise err
    try:
        a.store.channel().save(channel)
    except ConflictError as conflict:
        raise AppError(
            "app.channel.create_channel.existing",
            "A channel with that name already exists on the team.",
            detailed_error=str(conflict),
            status_code=400,
        ) from conflict
    a.store.channel().save_member(
        ChannelMember(channel_id=channel.id, user_id=creator_id, roles=CHANNEL_USER_ROLE_ID)
    )
    return channel


def get_channel(a: App, channel_id: str) -> Channel:
    channel = a.store.channel().get(channel_id)
    if channel is None:
        raise AppError(
            "app.channel.get_channel.not_found",
            "Unable to find the channel.",
            detailed_error=f"channel_id={channel_id}",
            status_code=404,
        )
    return channel


def patch_channel(a: App, channel_id: str, patch: Mapping[str, Any]) -> Channel:
    channel = _get_active_channel(a, channel_id, "patch_channel")
    changes = {name: patch[name] for name in CHANNEL_PATCH_FIELDS if name in patch}
    patched = replace(channel, **changes, update_at=get_millis())
    if (err := patched.is_valid()) is not None:
        raise err
    return a.store.channel().update(patched)


def delete_channel(a: App, channel_id: str) -> None:
    """delete_channel archives the channel: it stays readable, with delete_at set."""
    channel = _get_active_channel(a, channel_id, "delete_channel")
    now = get_millis()
    a.store.channel().update(replace(channel, delete_at=now, update_at=now))


def get_public_channels_for_team(a: App, team_id: str, page: int, per_page: int) -> list[Channel]:
    if a.store.team().get(team_id) is None:
        raise AppError(
            "app.channel.get_public_channels_for_team.team_not_found",
            "Unable to find the team.",
            detailed_error=f"team_id={team_id}",
            status_code=404,
        )
    return a.store.channel().get_public_channels_for_team(
        team_id, offset=page * per_page, limit=per_page
    )


def add_channel_member(a: App, channel_id: str, user_id: str) -> ChannelMember:
    """add_channel_member joins a member of the channel's team to the channel."""
    channel = _get_active_channel(a, channel_id, "add_channel_member")
    user = a.store.user().get(user_id)
    if user is None:
        raise AppError(
            "app.channel.add_channel_member.user_not_found",
            "Unable to find the user to add.",
            detailed_error=f"user_id={user_id}",
            status_code=404,
        )
    team_member = a.store.team().get_member(channel.team_id, user_id)
    if user.delete_at != 0 or team_member is None or team_member.delete_at != 0:
        raise AppError(
            "app.channel.add_channel_member.not_team_member",
            "Only an active member of the channel's team can join the channel.",
            detailed_error=f"user_id={user_id}, team_id={channel.team_id}",
            status_code=400,
        )
    member = a.store.channel().get_member(channel_id, user_id)
    if member is not None:
        return member
    return a.store.channel().save_member(
        ChannelMember(channel_id=channel_id, user_id=user_id, roles=CHANNEL_USER_ROLE_ID)
    )


def _get_active_channel(a: App, channel_id: str, where: str) -> Channel:
    channel = get_channel(a, channel_id)
    if channel.delete_at != 0:
        raise AppError(
            f"app.channel.{where}.deleted",
            "The channel has been archived.",
            detailed_error=f"channel_id={channel_id}",
            status_code=400,
        )
    return channel


def pin_channel(a: App, channel_id: str) -> Any:
    """pin_channel serves POST /api/v4/channels/{channel_id}/pin; raises 501 until it is written."""
    raise AppError.not_implemented("server.app.channel.pin_channel")
