from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import Response

from server.app import system as system_app
from server.web.context import Context

if TYPE_CHECKING:
    from server.api4.api import API


def init_system(api: API) -> None:
    api.routes.system.handle("/ping", api.api_handler(get_ping), "GET")
    api.routes.system.handle("/time", api.api_handler(get_system_time), "GET")


def get_ping(c: Context) -> Response | None:
    # 3. Call the app layer: its AppError already carries the status (404, ...).
    system_app.get_ping(c.app)

    # 5. Write the response.
    return c.status_ok()


def get_system_time(c: Context) -> Response | None:
    # 3. Call the app layer: its AppError already carries the status (404, ...).
    result = system_app.get_system_time(c.app)

    # 5. Write the response.
    return c.json(result)
