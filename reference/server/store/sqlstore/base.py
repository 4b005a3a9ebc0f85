from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from server.store.store import ConflictError

SqlParams = Sequence[object]


class SqlTable:
    """What every entity store shares: the connection and one way to write."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def write(self, sql: str, params: SqlParams) -> None:
        """write runs one statement in its own transaction; a unique violation is a conflict."""
        try:
            with self.conn:
                self.conn.execute(sql, params)
        except sqlite3.IntegrityError as err:
            # Foreign-key and NOT NULL failures are bugs and stay as they are.
            if "UNIQUE constraint failed" in str(err):
                raise ConflictError(str(err)) from err
            raise

    def one(self, sql: str, params: SqlParams) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
        return row

    def all(self, sql: str, params: SqlParams) -> list[sqlite3.Row]:
        return list(self.conn.execute(sql, params).fetchall())
