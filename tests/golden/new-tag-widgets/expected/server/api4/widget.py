from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import Response

from server.app import widget as widget_app
from server.web.context import Context

if TYPE_CHECKING:
    from server.api4.api import API


def init_widget(api: API) -> None:
    api.routes.api_root.handle("/widgets/{widget_id}", api.api_session_required(get_widget), "GET")


def get_widget(c: Context) -> Response | None:
    # 1. Parse and validate the URL and body (400).
    c.require_id("widget_id")
    if c.err:
        return None

    # 3. Call the app layer: its AppError already carries the status (404, ...).
    result = widget_app.get_widget(c.app, c.params.widget_id)

    # 4. Etag (304).
    if c.handle_etag(result.etag(), "Get Widget"):
        return c.not_modified()

    # 5. Write the response.
    return c.json(result)
