from __future__ import annotations

from typing import Any

from server.app.app import App
from server.model.app_error import AppError
from server.store.store import StoreError


def get_ping(a: App) -> None:
    """get_ping checks that the server can reach its database."""
    try:
        a.store.ping()
    except StoreError as err:
        raise AppError(
            "app.system.get_ping.database_unreachable",
            "The server cannot reach its database.",
            detailed_error=str(err),
            status_code=500,
        ) from err


def get_system_time(a: App) -> Any:
    """get_system_time serves GET /api/v4/system/time; raises 501 until it is written."""
    raise AppError.not_implemented("server.app.system.get_system_time")
