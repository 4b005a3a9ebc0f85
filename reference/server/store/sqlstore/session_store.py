from __future__ import annotations

import sqlite3

from server.model.session import Session
from server.store.sqlstore.base import SqlTable

_COLUMNS = "id, token, create_at, expires_at, last_activity_at, user_id, roles"


class SqlSessionStore(SqlTable):
    def save(self, session: Session) -> Session:
        self.write(
            f"INSERT INTO sessions ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                session.id,
                session.token,
                session.create_at,
                session.expires_at,
                session.last_activity_at,
                session.user_id,
                session.roles,
            ),
        )
        return session

    def get(self, token: str) -> Session | None:
        row = self.one(f"SELECT {_COLUMNS} FROM sessions WHERE token = ?", (token,))
        return _session(row) if row is not None else None

    def remove(self, session_id: str) -> None:
        self.write("DELETE FROM sessions WHERE id = ?", (session_id,))

    def remove_all_for_user(self, user_id: str) -> None:
        self.write("DELETE FROM sessions WHERE user_id = ?", (user_id,))


def _session(row: sqlite3.Row) -> Session:
    return Session(
        id=row["id"],
        token=row["token"],
        create_at=row["create_at"],
        expires_at=row["expires_at"],
        last_activity_at=row["last_activity_at"],
        user_id=row["user_id"],
        roles=row["roles"],
    )
