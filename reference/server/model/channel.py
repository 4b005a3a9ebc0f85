from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from server.model.app_error import AppError
from server.model.ids import is_valid_id

CHANNEL_OPEN = "O"
CHANNEL_PRIVATE = "P"
CHANNEL_TYPES = frozenset({CHANNEL_OPEN, CHANNEL_PRIVATE})
CHANNEL_NAME_PATTERN = re.compile(r"^[a-z0-9-]{2,64}$")
CHANNEL_DISPLAY_NAME_MAX_LENGTH = 64
CHANNEL_PURPOSE_MAX_LENGTH = 250
CHANNEL_HEADER_MAX_LENGTH = 1024

# The fields PUT /channels/{channel_id}/patch may change.
CHANNEL_PATCH_FIELDS = ("display_name", "purpose", "header")


@dataclass
class Channel:
    id: str = ""
    create_at: int = 0
    update_at: int = 0
    delete_at: int = 0
    team_id: str = ""
    type: str = CHANNEL_OPEN
    display_name: str = ""
    name: str = ""
    purpose: str = ""
    header: str = ""
    creator_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "create_at": self.create_at,
            "update_at": self.update_at,
            "delete_at": self.delete_at,
            "team_id": self.team_id,
            "type": self.type,
            "display_name": self.display_name,
            "name": self.name,
            "purpose": self.purpose,
            "header": self.header,
            "creator_id": self.creator_id,
        }

    def is_valid(self) -> AppError | None:
        if not is_valid_id(self.id):
            return _invalid_channel("id", self.id)
        if not is_valid_id(self.team_id):
            return _invalid_channel("team_id", self.id)
        if self.type not in CHANNEL_TYPES:
            return _invalid_channel("type", self.id)
        if CHANNEL_NAME_PATTERN.fullmatch(self.name) is None:
            return _invalid_channel("name", self.id)
        if not 0 < len(self.display_name) <= CHANNEL_DISPLAY_NAME_MAX_LENGTH:
            return _invalid_channel("display_name", self.id)
        if len(self.purpose) > CHANNEL_PURPOSE_MAX_LENGTH:
            return _invalid_channel("purpose", self.id)
        if len(self.header) > CHANNEL_HEADER_MAX_LENGTH:
            return _invalid_channel("header", self.id)
        return None


@dataclass
class ChannelMember:
    channel_id: str
    user_id: str
    roles: str = ""
    last_viewed_at: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "channel_id": self.channel_id,
            "user_id": self.user_id,
            "roles": self.roles,
            "last_viewed_at": self.last_viewed_at,
        }


def _invalid_channel(field: str, channel_id: str) -> AppError:
    return AppError(
        f"model.channel.is_valid.{field}.app_error",
        f"Invalid {field} for the channel.",
        detailed_error=f"channel_id={channel_id}",
        status_code=400,
    )
