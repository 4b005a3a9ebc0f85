from __future__ import annotations

import sqlite3

from server.model.team import Team, TeamMember
from server.store.sqlstore.base import SqlTable

_COLUMNS = "id, create_at, update_at, delete_at, display_name, name, description, type"


class SqlTeamStore(SqlTable):
    def save(self, team: Team) -> Team:
        self.write(
            f"INSERT INTO teams ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                team.id,
                team.create_at,
                team.update_at,
                team.delete_at,
                team.display_name,
                team.name,
                team.description,
                team.type,
            ),
        )
        return team

    def update(self, team: Team) -> Team:
        self.write(
            "UPDATE teams SET update_at = ?, delete_at = ?, display_name = ?, name = ?,"
            " description = ?, type = ? WHERE id = ?",
            (
                team.update_at,
                team.delete_at,
                team.display_name,
                team.name,
                team.description,
                team.type,
                team.id,
            ),
        )
        return team

    def get(self, team_id: str) -> Team | None:
        row = self.one(f"SELECT {_COLUMNS} FROM teams WHERE id = ?", (team_id,))
        return _team(row) if row is not None else None

    def save_member(self, member: TeamMember) -> TeamMember:
        self.write(
            "INSERT INTO team_members (team_id, user_id, roles, delete_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (team_id, user_id) DO UPDATE SET roles = excluded.roles,"
            " delete_at = excluded.delete_at",
            (member.team_id, member.user_id, member.roles, member.delete_at),
        )
        return member

    def get_member(self, team_id: str, user_id: str) -> TeamMember | None:
        row = self.one(
            "SELECT team_id, user_id, roles, delete_at FROM team_members"
            " WHERE team_id = ? AND user_id = ?",
            (team_id, user_id),
        )
        return _member(row) if row is not None else None

    def get_members(self, team_id: str, offset: int, limit: int) -> list[TeamMember]:
        rows = self.all(
            "SELECT team_id, user_id, roles, delete_at FROM team_members"
            " WHERE team_id = ? AND delete_at = 0 ORDER BY user_id LIMIT ? OFFSET ?",
            (team_id, limit, offset),
        )
        return [_member(row) for row in rows]


def _team(row: sqlite3.Row) -> Team:
    return Team(
        id=row["id"],
        create_at=row["create_at"],
        update_at=row["update_at"],
        delete_at=row["delete_at"],
        display_name=row["display_name"],
        name=row["name"],
        description=row["description"],
        type=row["type"],
    )


def _member(row: sqlite3.Row) -> TeamMember:
    return TeamMember(
        team_id=row["team_id"],
        user_id=row["user_id"],
        roles=row["roles"],
        delete_at=row["delete_at"],
    )
