"""The SQLite implementation of the store interfaces (stdlib sqlite3, parameterised SQL only)."""

from __future__ import annotations

from server.store.sqlstore.sql_store import SqlStore

__all__ = ["SqlStore"]
