from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from server.model.app_error import AppError
from server.model.ids import is_valid_id
from server.model.utils import etag

TEAM_OPEN = "O"
TEAM_INVITE = "I"
TEAM_TYPES = frozenset({TEAM_OPEN, TEAM_INVITE})
TEAM_NAME_PATTERN = re.compile(r"^[a-z0-9-]{2,64}$")
TEAM_DISPLAY_NAME_MAX_LENGTH = 64
TEAM_DESCRIPTION_MAX_LENGTH = 255

# The fields PUT /teams/{team_id}/patch may change.
TEAM_PATCH_FIELDS = ("display_name", "description")


@dataclass
class Team:
    id: str = ""
    create_at: int = 0
    update_at: int = 0
    delete_at: int = 0
    display_name: str = ""
    name: str = ""
    description: str = ""
    type: str = TEAM_OPEN

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "create_at": self.create_at,
            "update_at": self.update_at,
            "delete_at": self.delete_at,
            "display_name": self.display_name,
            "name": self.name,
            "description": self.description,
            "type": self.type,
        }

    def etag(self) -> str:
        return etag(self.id, self.update_at)

    def is_valid(self) -> AppError | None:
        if not is_valid_id(self.id):
            return _invalid_team("id", self.id)
        if TEAM_NAME_PATTERN.fullmatch(self.name) is None:
            return _invalid_team("name", self.id)
        if not 0 < len(self.display_name) <= TEAM_DISPLAY_NAME_MAX_LENGTH:
            return _invalid_team("display_name", self.id)
        if len(self.description) > TEAM_DESCRIPTION_MAX_LENGTH:
            return _invalid_team("description", self.id)
        if self.type not in TEAM_TYPES:
            return _invalid_team("type", self.id)
        return None


@dataclass
class TeamMember:
    team_id: str
    user_id: str
    roles: str = ""
    # A member who left keeps a row with delete_at set, as in Mattermost.
    delete_at: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "team_id": self.team_id,
            "user_id": self.user_id,
            "roles": self.roles,
            "delete_at": self.delete_at,
        }


def _invalid_team(field: str, team_id: str) -> AppError:
    return AppError(
        f"model.team.is_valid.{field}.app_error",
        f"Invalid {field} for the team.",
        detailed_error=f"team_id={team_id}",
        status_code=400,
    )
