from __future__ import annotations

import sqlite3

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

    One connection serves every request: handlers run one at a time on the event loop.
    check_same_thread is off because the test client drives the app from its own thread.
    """

    def __init__(self, path: str) -> None:
        self.conn = sqlite3.connect(path, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys = ON")
        with self.conn:
            self.conn.executescript(SCHEMA)
        self._user = SqlUserStore(self.conn)
        self._session = SqlSessionStore(self.conn)
        self._status = SqlStatusStore(self.conn)
        self._team = SqlTeamStore(self.conn)
        self._channel = SqlChannelStore(self.conn)
        self._post = SqlPostStore(self.conn)

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
            self.conn.execute("SELECT 1").fetchone()
        except sqlite3.Error as err:
            raise StoreError(str(err)) from err

    def close(self) -> None:
        self.conn.close()
