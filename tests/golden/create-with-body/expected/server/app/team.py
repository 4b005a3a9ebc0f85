from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from server.app.app import App
from server.model.app_error import AppError
from server.model.ids import new_id
from server.model.role import TEAM_ADMIN_ROLE_ID, TEAM_USER_ROLE_ID
from server.model.team import TEAM_PATCH_FIELDS, Team, TeamMember
from server.model.utils import get_millis
from server.store.store import ConflictError


def create_team(a: App, creator_id: str, body: Mapping[str, Any]) -> Team:
    """create_team saves the team and makes its creator a team admin."""
    now = get_millis()
    team = Team(
        id=new_id(),
        create_at=now,
        update_at=now,
        display_name=body["display_name"],
        name=body["name"],
        type=body["type"],
    )
    if (err := team.is_valid()) is not None:
        raise err
    try:
        a.store.team().save(team)
    except ConflictError as conflict:
        raise AppError(
            "app.team.create_team.existing",
            "A team with that name already exists.",
            detailed_error=str(conflict),
            status_code=400,
        ) from conflict
    a.store.team().save_member(
        TeamMember(
            team_id=team.id,
            user_id=creator_id,
            roles=f"{TEAM_USER_ROLE_ID} {TEAM_ADMIN_ROLE_ID}",
        )
    )
    return team


def get_team(a: App, team_id: str) -> Team:
    team = a.store.team().get(team_id)
    if team is None:
        raise AppError(
            "app.team.get_team.not_found",
            "Unable to find the team.",
            detailed_error=f"team_id={team_id}",
            status_code=404,
        )
    return team


def patch_team(a: App, team_id: str, patch: Mapping[str, Any]) -> Team:
    team = get_team(a, team_id)
    changes = {name: patch[name] for name in TEAM_PATCH_FIELDS if name in patch}
    patched = replace(team, **changes, update_at=get_millis())
    if (err := patched.is_valid()) is not None:
        raise err
    return a.store.team().update(patched)


def delete_team(a: App, team_id: str) -> None:
    """delete_team archives the team: it keeps its channels and members, with delete_at set."""
    team = get_team(a, team_id)
    if team.delete_at == 0:
        now = get_millis()
        a.store.team().update(replace(team, delete_at=now, update_at=now))


def get_team_members(a: App, team_id: str, page: int, per_page: int) -> list[TeamMember]:
    get_team(a, team_id)
    return a.store.team().get_members(team_id, offset=page * per_page, limit=per_page)


def add_team_member(a: App, team_id: str, user_id: str) -> TeamMember:
    """add_team_member joins the user to the team; adding a current member changes nothing."""
    team = get_team(a, team_id)
    if team.delete_at != 0:
        raise AppError(
            "app.team.add_team_member.deleted_team",
            "Unable to add a member to an archived team.",
            detailed_error=f"team_id={team_id}",
            status_code=400,
        )
    user = a.store.user().get(user_id)
    if user is None:
        raise AppError(
            "app.team.add_team_member.user_not_found",
            "Unable to find the user to add.",
            detailed_error=f"user_id={user_id}",
            status_code=404,
        )
    if user.delete_at != 0:
        raise AppError(
            "app.team.add_team_member.deactivated_user",
            "Unable to add a deactivated user to a team.",
            detailed_error=f"user_id={user_id}",
            status_code=400,
        )
    member = a.store.team().get_member(team_id, user_id)
    if member is not None and member.delete_at == 0:
        return member
    return a.store.team().save_member(
        TeamMember(team_id=team_id, user_id=user_id, roles=TEAM_USER_ROLE_ID)
    )


def create_team_widget(a: App, team_id: str, body: dict[str, Any]) -> Any:
    """create_team_widget serves POST /api/v4/teams/{team_id}/widgets; raises 501 until it is written."""
    raise AppError.not_implemented("server.app.team.create_team_widget")
