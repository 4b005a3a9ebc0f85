from __future__ import annotations

import sqlite3

from server.model.channel import CHANNEL_OPEN, Channel, ChannelMember
from server.store.sqlstore.base import SqlTable

_COLUMNS = (
    "id, create_at, update_at, delete_at, team_id, type, display_name, name,"
    " purpose, header, creator_id"
)


class SqlChannelStore(SqlTable):
    def save(self, channel: Channel) -> Channel:
        self.write(
            f"INSERT INTO channels ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                channel.id,
                channel.create_at,
                channel.update_at,
                channel.delete_at,
                channel.team_id,
                channel.type,
                channel.display_name,
                channel.name,
                channel.purpose,
                channel.header,
                channel.creator_id,
            ),
        )
        return channel

    def update(self, channel: Channel) -> Channel:
        self.write(
            "UPDATE channels SET update_at = ?, delete_at = ?, type = ?, display_name = ?,"
            " name = ?, purpose = ?, header = ? WHERE id = ?",
            (
                channel.update_at,
                channel.delete_at,
                channel.type,
                channel.display_name,
                channel.name,
                channel.purpose,
                channel.header,
                channel.id,
            ),
        )
        return channel

    def get(self, channel_id: str) -> Channel | None:
        row = self.one(f"SELECT {_COLUMNS} FROM channels WHERE id = ?", (channel_id,))
        return _channel(row) if row is not None else None

    def get_public_channels_for_team(self, team_id: str, offset: int, limit: int) -> list[Channel]:
        rows = self.all(
            f"SELECT {_COLUMNS} FROM channels WHERE team_id = ? AND type = ? AND delete_at = 0"
            " ORDER BY display_name, id LIMIT ? OFFSET ?",
            (team_id, CHANNEL_OPEN, limit, offset),
        )
        return [_channel(row) for row in rows]

    def save_member(self, member: ChannelMember) -> ChannelMember:
        self.write(
            "INSERT INTO channel_members (channel_id, user_id, roles, last_viewed_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (channel_id, user_id) DO UPDATE SET"
            " roles = excluded.roles, last_viewed_at = excluded.last_viewed_at",
            (member.channel_id, member.user_id, member.roles, member.last_viewed_at),
        )
        return member

    def get_member(self, channel_id: str, user_id: str) -> ChannelMember | None:
        row = self.one(
            "SELECT channel_id, user_id, roles, last_viewed_at FROM channel_members"
            " WHERE channel_id = ? AND user_id = ?",
            (channel_id, user_id),
        )
        if row is None:
            return None
        return ChannelMember(
            channel_id=row["channel_id"],
            user_id=row["user_id"],
            roles=row["roles"],
            last_viewed_at=row["last_viewed_at"],
        )


def _channel(row: sqlite3.Row) -> Channel:
    return Channel(
        id=row["id"],
        create_at=row["create_at"],
        update_at=row["update_at"],
        delete_at=row["delete_at"],
        team_id=row["team_id"],
        type=row["type"],
        display_name=row["display_name"],
        name=row["name"],
        purpose=row["purpose"],
        header=row["header"],
        creator_id=row["creator_id"],
    )
