from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from server.model.app_error import AppError
from server.model.ids import is_valid_id
from server.model.utils import etag

POST_MESSAGE_MAX_LENGTH = 16383


@dataclass
class Post:
    id: str = ""
    create_at: int = 0
    update_at: int = 0
    delete_at: int = 0
    user_id: str = ""
    channel_id: str = ""
    # The first post of the thread this one replies to; "" for a post that starts a thread.
    root_id: str = ""
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "create_at": self.create_at,
            "update_at": self.update_at,
            "delete_at": self.delete_at,
            "user_id": self.user_id,
            "channel_id": self.channel_id,
            "root_id": self.root_id,
            "message": self.message,
        }

    def is_valid(self) -> AppError | None:
        if not is_valid_id(self.id):
            return _invalid_post("id", self.id)
        if not is_valid_id(self.user_id):
            return _invalid_post("user_id", self.id)
        if not is_valid_id(self.channel_id):
            return _invalid_post("channel_id", self.id)
        if self.root_id and not is_valid_id(self.root_id):
            return _invalid_post("root_id", self.id)
        if not 0 < len(self.message) <= POST_MESSAGE_MAX_LENGTH:
            return _invalid_post("msg", self.id)
        return None


@dataclass
class PostList:
    """A page of posts: ids newest first in order, the posts themselves keyed by id."""

    order: list[str] = field(default_factory=list)
    posts: dict[str, Post] = field(default_factory=dict)

    @classmethod
    def of(cls, posts: list[Post]) -> PostList:
        return cls(order=[post.id for post in posts], posts={post.id: post for post in posts})

    def to_dict(self) -> dict[str, Any]:
        return {
            "order": list(self.order),
            "posts": {post_id: post.to_dict() for post_id, post in self.posts.items()},
        }

    def etag(self) -> str:
        # A digest of every (id, update_at): it changes when a post is added, edited or deleted,
        # even when the newest update_at on the page stays the same.
        digest = hashlib.sha256()
        for post_id in self.order:
            digest.update(f"{post_id}:{self.posts[post_id].update_at};".encode("ascii"))
        return etag(len(self.order), digest.hexdigest()[:16])


def _invalid_post(field_name: str, post_id: str) -> AppError:
    return AppError(
        f"model.post.is_valid.{field_name}.app_error",
        f"Invalid {field_name} for the post.",
        detailed_error=f"post_id={post_id}",
        status_code=400,
    )
