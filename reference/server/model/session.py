from __future__ import annotations

from dataclasses import dataclass

from server.model.utils import get_millis


@dataclass
class Session:
    """A login: the bearer token and the roles the user had when it was created.

    An empty Session (no user_id) stands for an anonymous request on a public route.
    """

    id: str = ""
    token: str = ""
    create_at: int = 0
    expires_at: int = 0
    last_activity_at: int = 0
    user_id: str = ""
    roles: str = ""

    def is_expired(self) -> bool:
        return self.expires_at <= get_millis()
