from __future__ import annotations

import sqlite3
import threading

from server.store.sqlstore.channel_store import SqlChannelStore
from server.store.sqlstore.post_store import SqlPostStore
from server.store.sqlstore.schema import SCHEMA
from server.store.sqlstore.session_store import SqlSessionStore
from server.store.sqlstore.status_store import SqlStatusStore
from server.store.sqlstore.team_store import SqlTeamStore
from server.store.sqlstore.user_store import SqlUserStore
from server.store.store import StoreError


class SqlStore:
    """The Store on one SQLite database: a file for the server, ":memory:" for tests.

    One connection serves every request. Handlers run in worker threads, so the connection is
    not tied to a thread, and a lock gives it to one statement at a time (see SqlTable).
    """

    def __init__(self, path: str) -> None:
        self.conn = sqlite3.connect(path, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys = ON")
        with self.conn:
            self.conn.executescript(SCHEMA)
        self.lock = threading.Lock()
        self._user = SqlUserStore(self.conn, self.lock)
        self._session = SqlSessionStore(self.conn, self.lock)
        self._status = SqlStatusStore(self.conn, self.lock)
        self._team = SqlTeamStore(self.conn, self.lock)
        self._channel = SqlChannelStore(self.conn, self.lock)
        self._post = SqlPostStore(self.conn, self.lock)

    def user(self) -> SqlUserStore:
        return self._user

    def session(self) -> SqlSessionStore:
        return self._session

    def status(self) -> SqlStatusStore:
        return self._status

    def team(self) -> SqlTeamStore:
        return self._team

    def channel(self) -> SqlChannelStore:
        return self._channel

    def post(self) -> SqlPostStore:
        return self._post

    def ping(self) -> None:
        try:
            with self.lock:
                self.conn.execute("SELECT 1").fetchone()
        except sqlite3.Error as err:
            raise StoreError(str(err)) from err

    def close(self) -> None:
        with self.lock:
            self.conn.close()
