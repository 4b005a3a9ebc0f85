from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import Response

from server.app import post as post_app
from server.model.ids import is_valid_id
from server.web.context import Context

if TYPE_CHECKING:
    from server.api4.api import API


def init_post(api: API) -> None:
    api.routes.posts.handle("", api.api_session_required(create_post), "POST")
    api.routes.post.handle("", api.api_session_required(get_post), "GET")
    api.routes.post.handle("", api.api_session_required(delete_post), "DELETE")
    api.routes.posts_for_channel.handle("", api.api_session_required(get_posts_for_channel), "GET")


def create_post(c: Context) -> Response | None:
    # 1. Parse and validate the URL and body (400).
    body = c.json_object()
    c.require_fields(body, {"channel_id": str, "message": str}, optional={"root_id": str})
    if c.err:
        return None
    if not is_valid_id(body["channel_id"]):
        c.set_invalid_param("channel_id")
        return None

    # 2. Check permission (403).
    if not c.app.session_has_permission_to_channel(c.session, body["channel_id"], "create_post"):
        c.set_permission_error("create_post")
        return None

    # 3. Call the app layer: its AppError already carries the status (404, ...).
    post = post_app.create_post(c.app, c.session.user_id, body)

    # 5. Write the response.
    return c.json(post, status=201)


def get_post(c: Context) -> Response | None:
    # 1. Parse and validate the URL and body (400).
    c.require_post_id()
    if c.err:
        return None

    # 2. Check permission (403).
    if not c.app.session_has_permission_to_channel_by_post(
        c.session, c.params.post_id, "read_channel"
    ):
        c.set_permission_error("read_channel")
        return None

    # 3. Call the app layer: its AppError already carries the status (404, ...).
    post = post_app.get_post(c.app, c.params.post_id)

    # 5. Write the response.
    return c.json(post)


def delete_post(c: Context) -> Response | None:
    # 1. Parse and validate the URL and body (400).
    c.require_post_id()
    if c.err:
        return None

    # 2. Check permission (403).
    if not c.app.session_has_permission_to_post(c.session, c.params.post_id):
        c.set_permission_error("delete_others_posts")
        return None

    # 3. Call the app layer: its AppError already carries the status (404, ...).
    post_app.delete_post(c.app, c.params.post_id)

    # 5. Write the response.
    return c.status_ok()


def get_posts_for_channel(c: Context) -> Response | None:
    # 1. Parse and validate the URL and body (400).
    c.require_channel_id()
    if c.err:
        return None

    # 2. Check permission (403).
    if not c.app.session_has_permission_to_channel(c.session, c.params.channel_id, "read_channel"):
        c.set_permission_error("read_channel")
        return None

    # 3. Call the app layer: its AppError already carries the status (404, ...).
    post_list = post_app.get_posts_for_channel(
        c.app, c.params.channel_id, c.params.page, c.params.per_page
    )

    # 4. Etag (304).
    if c.handle_etag(post_list.etag(), "Get Posts For Channel"):
        return c.not_modified()

    # 5. Write the response.
    return c.json(post_list)
