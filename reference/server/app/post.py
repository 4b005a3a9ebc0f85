from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from server.app.app import App
from server.model.app_error import AppError
from server.model.ids import new_id
from server.model.post import Post, PostList
from server.model.utils import get_millis


def create_post(a: App, user_id: str, body: Mapping[str, Any]) -> Post:
    channel = a.store.channel().get(body["channel_id"])
    # The channel comes from the body, not the URL: a missing one is a bad request, not a 404.
    if channel is None or channel.delete_at != 0:
        raise AppError(
            "app.post.create_post.invalid_channel",
            "Unable to post in a channel that does not exist or is archived.",
            detailed_error=f"channel_id={body['channel_id']}",
            status_code=400,
        )
    now = get_millis()
    post = Post(
        id=new_id(),
        create_at=now,
        update_at=now,
        user_id=user_id,
        channel_id=channel.id,
        root_id=body.get("root_id", ""),
        message=body["message"],
    )
    if (err := post.is_valid()) is not None:
        raise err
    if post.root_id:
        _check_thread_root(a, post)
    return a.store.post().save(post)


def get_post(a: App, post_id: str) -> Post:
    post = a.store.post().get(post_id)
    if post is None or post.delete_at != 0:
        raise AppError(
            "app.post.get_post.not_found",
            "Unable to find the post.",
            detailed_error=f"post_id={post_id}",
            status_code=404,
        )
    return post


def delete_post(a: App, post_id: str) -> None:
    """delete_post deletes the post and, when it starts a thread, every reply in it."""
    get_post(a, post_id)
    a.store.post().delete(post_id, delete_at=get_millis())


def get_posts_for_channel(a: App, channel_id: str, page: int, per_page: int) -> PostList:
    if a.store.channel().get(channel_id) is None:
        raise AppError(
            "app.post.get_posts_for_channel.channel_not_found",
            "Unable to find the channel.",
            detailed_error=f"channel_id={channel_id}",
            status_code=404,
        )
    posts = a.store.post().get_posts(channel_id, offset=page * per_page, limit=per_page)
    return PostList.of(posts)


def _check_thread_root(a: App, post: Post) -> None:
    # A reply names the thread's first post, which must live in the same channel.
    root = a.store.post().get(post.root_id)
    if root is None or root.delete_at != 0 or root.channel_id != post.channel_id or root.root_id:
        raise AppError(
            "app.post.create_post.invalid_root_id",
            "Invalid root_id: it must name a post that starts a thread in the same channel.",
            detailed_error=f"root_id={post.root_id}",
            status_code=400,
        )
