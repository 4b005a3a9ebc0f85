from __future__ import annotations

from dataclasses import dataclass

from server.model.channel import CHANNEL_OPEN
from server.model.role import roles_grant_permission
from server.model.session import Session
from server.store.store import Store


@dataclass(frozen=True)
class Config:
    # PBKDF2-SHA256 rounds for new password hashes; existing hashes keep the rounds they record.
    password_hash_iterations: int = 600_000
    session_length_ms: int = 30 * 24 * 60 * 60 * 1000


class App:
    """The server's state (the store and the config) and the permission checks handlers use."""

    def __init__(self, store: Store, config: Config | None = None) -> None:
        self.store = store
        self.config = config if config is not None else Config()

    def session_has_permission_to(self, session: Session, permission: str) -> bool:
        """session_has_permission_to checks the session's system roles alone."""
        return roles_grant_permission(session.roles, permission)

    def session_has_permission_to_team(
        self, session: Session, team_id: str, permission: str
    ) -> bool:
        """session_has_permission_to_team: a system role, or the roles of a current member."""
        if self.session_has_permission_to(session, permission):
            return True
        member = self.store.team().get_member(team_id, session.user_id)
        if member is None or member.delete_at != 0:
            return False
        return roles_grant_permission(member.roles, permission)

    def session_has_permission_to_channel(
        self, session: Session, channel_id: str, permission: str
    ) -> bool:
        """session_has_permission_to_channel: a system role, the channel member's roles, or
        the roles the session has in the channel's team."""
        if self.session_has_permission_to(session, permission):
            return True
        channel = self.store.channel().get(channel_id)
        if channel is None:
            return False
        member = self.store.channel().get_member(channel_id, session.user_id)
        if member is not None and roles_grant_permission(member.roles, permission):
            return True
        if permission == "read_channel" and channel.type == CHANNEL_OPEN:
            # A public channel is readable by everyone on its team, joined or not.
            team_member = self.store.team().get_member(channel.team_id, session.user_id)
            if team_member is not None and team_member.delete_at == 0:
                return True
        return self.session_has_permission_to_team(session, channel.team_id, permission)

    def session_has_permission_to_channel_by_post(
        self, session: Session, post_id: str, permission: str
    ) -> bool:
        """session_has_permission_to_channel_by_post checks the channel the post is in."""
        if self.session_has_permission_to(session, permission):
            return True
        post = self.store.post().get(post_id)
        if post is None:
            return False
        return self.session_has_permission_to_channel(session, post.channel_id, permission)

    def session_has_permission_to_post(
        self, session: Session, post_id: str, permission: str = "delete_others_posts"
    ) -> bool:
        """session_has_permission_to_post: the post's author, or the permission in its channel."""
        post = self.store.post().get(post_id)
        if post is not None and session.user_id != "" and post.user_id == session.user_id:
            return True
        return self.session_has_permission_to_channel_by_post(session, post_id, permission)

    def session_has_permission_to_user(
        self, session: Session, user_id: str, permission: str = "edit_other_users"
    ) -> bool:
        """session_has_permission_to_user: the user themself, or the system permission."""
        if session.user_id != "" and session.user_id == user_id:
            return True
        return self.session_has_permission_to(session, permission)
