from __future__ import annotations

import sqlite3

from server.model.user import User
from server.store.sqlstore.base import SqlTable

_COLUMNS = (
    "id, create_at, update_at, delete_at, username, password, email,"
    " nickname, first_name, last_name, roles, locale"
)


class SqlUserStore(SqlTable):
    def save(self, user: User) -> User:
        self.write(
            f"INSERT INTO users ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _values(user),
        )
        return user

    def update(self, user: User) -> User:
        self.write(
            "UPDATE users SET create_at = ?, update_at = ?, delete_at = ?, username = ?,"
            " password = ?, email = ?, nickname = ?, first_name = ?, last_name = ?,"
            " roles = ?, locale = ? WHERE id = ?",
            (*_values(user)[1:], user.id),
        )
        return user

    def get(self, user_id: str) -> User | None:
        row = self.one(f"SELECT {_COLUMNS} FROM users WHERE id = ?", (user_id,))
        return _user(row) if row is not None else None

    def get_by_username(self, username: str) -> User | None:
        row = self.one(f"SELECT {_COLUMNS} FROM users WHERE username = ?", (username,))
        return _user(row) if row is not None else None

    def get_for_login(self, login_id: str) -> User | None:
        row = self.one(
            f"SELECT {_COLUMNS} FROM users WHERE username = ? OR email = ?",
            (login_id, login_id),
        )
        return _user(row) if row is not None else None

    def get_all(self, offset: int, limit: int) -> list[User]:
        rows = self.all(
            f"SELECT {_COLUMNS} FROM users ORDER BY username LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [_user(row) for row in rows]

    def count(self) -> int:
        row = self.one("SELECT COUNT(*) FROM users", ())
        return int(row[0]) if row is not None else 0


def _values(user: User) -> tuple[object, ...]:
    return (
        user.id,
        user.create_at,
        user.update_at,
        user.delete_at,
        user.username,
        user.password,
        user.email,
        user.nickname,
        user.first_name,
        user.last_name,
        user.roles,
        user.locale,
    )


def _user(row: sqlite3.Row) -> User:
    return User(
        id=row["id"],
        create_at=row["create_at"],
        update_at=row["update_at"],
        delete_at=row["delete_at"],
        username=row["username"],
        password=row["password"],
        email=row["email"],
        nickname=row["nickname"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        roles=row["roles"],
        locale=row["locale"],
    )
