from __future__ import annotations

import sqlite3

from server.model.post import Post
from server.store.sqlstore.base import SqlTable

_COLUMNS = "id, create_at, update_at, delete_at, user_id, channel_id, root_id, message"


class SqlPostStore(SqlTable):
    def save(self, post: Post) -> Post:
        self.write(
            f"INSERT INTO posts ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                post.id,
                post.create_at,
                post.update_at,
                post.delete_at,
                post.user_id,
                post.channel_id,
                post.root_id,
                post.message,
            ),
        )
        return post

    def get(self, post_id: str) -> Post | None:
        row = self.one(f"SELECT {_COLUMNS} FROM posts WHERE id = ?", (post_id,))
        return _post(row) if row is not None else None

    def get_posts(self, channel_id: str, offset: int, limit: int) -> list[Post]:
        # rowid breaks ties between posts created in the same millisecond: insertion order.
        rows = self.all(
            f"SELECT {_COLUMNS} FROM posts WHERE channel_id = ? AND delete_at = 0"
            " ORDER BY create_at DESC, rowid DESC LIMIT ? OFFSET ?",
            (channel_id, limit, offset),
        )
        return [_post(row) for row in rows]

    def delete(self, post_id: str, delete_at: int) -> None:
        self.write(
            "UPDATE posts SET delete_at = ?, update_at = ?"
            " WHERE (id = ? OR root_id = ?) AND delete_at = 0",
            (delete_at, delete_at, post_id, post_id),
        )


def _post(row: sqlite3.Row) -> Post:
    return Post(
        id=row["id"],
        create_at=row["create_at"],
        update_at=row["update_at"],
        delete_at=row["delete_at"],
        user_id=row["user_id"],
        channel_id=row["channel_id"],
        root_id=row["root_id"],
        message=row["message"],
    )
