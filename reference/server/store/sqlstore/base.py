from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence

from server.store.store import ConflictError

SqlParams = Sequence[object]


class SqlTable:
    """What every entity store shares: the connection, its lock and one way to write.

    Handlers run in worker threads, and they share the one connection: each statement holds the
    lock from execute to commit (or to its last row), so no thread commits, rolls back or reads
    halfway through another's.
    """

    def __init__(self, conn: sqlite3.Connection, lock: threading.Lock) -> None:
        self.conn = conn
        self.lock = lock

    def write(self, sql: str, params: SqlParams) -> None:
        """write runs one statement in its own transaction; a unique violation is a conflict."""
        try:
            with self.lock, self.conn:
                self.conn.execute(sql, params)
        except sqlite3.IntegrityError as err:
            # Foreign-key and NOT NULL failures are bugs and stay as they are.
            if "UNIQUE constraint failed" in str(err):
                raise ConflictError(str(err)) from err
            raise

    def one(self, sql: str, params: SqlParams) -> sqlite3.Row | None:
        with self.lock:
            row: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
        return row

    def all(self, sql: str, params: SqlParams) -> list[sqlite3.Row]:
        with self.lock:
            return list(self.conn.execute(sql, params).fetchall())
