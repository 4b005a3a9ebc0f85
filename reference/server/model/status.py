from __future__ import annotations

from dataclasses import dataclass
from typing import Any

STATUS_ONLINE = "online"
STATUS_AWAY = "away"
STATUS_DND = "dnd"
STATUS_OFFLINE = "offline"
STATUS_VALUES = frozenset({STATUS_ONLINE, STATUS_AWAY, STATUS_DND, STATUS_OFFLINE})


@dataclass
class Status:
    user_id: str
    status: str = STATUS_OFFLINE
    # True when the user chose the status; activity then no longer changes it.
    manual: bool = False
    last_activity_at: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "status": self.status,
            "manual": self.manual,
            "last_activity_at": self.last_activity_at,
        }
