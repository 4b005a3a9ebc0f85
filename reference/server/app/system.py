from __future__ import annotations

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
