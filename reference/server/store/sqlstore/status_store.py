from __future__ import annotations

from server.model.status import Status
from server.store.sqlstore.base import SqlTable


class SqlStatusStore(SqlTable):
    def get(self, user_id: str) -> Status | None:
        row = self.one(
            "SELECT user_id, status, manual, last_activity_at FROM status WHERE user_id = ?",
            (user_id,),
        )
        if row is None:
            return None
        return Status(
            user_id=row["user_id"],
            status=row["status"],
            manual=bool(row["manual"]),
            last_activity_at=row["last_activity_at"],
        )

    def save_or_update(self, status: Status) -> Status:
        self.write(
            "INSERT INTO status (user_id, status, manual, last_activity_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET status = excluded.status,"
            " manual = excluded.manual, last_activity_at = excluded.last_activity_at",
            (status.user_id, status.status, int(status.manual), status.last_activity_at),
        )
        return status
