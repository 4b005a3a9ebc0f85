from __future__ import annotations

from server.app.app import App
from server.model.app_error import AppError
from server.model.status import STATUS_OFFLINE, STATUS_ONLINE, Status
from server.model.utils import get_millis


def get_user_status(a: App, user_id: str) -> Status:
    _require_user(a, user_id)
    status = a.store.status().get(user_id)
    # A user who never logged in has no row yet: they are offline.
    return status if status is not None else Status(user_id=user_id, status=STATUS_OFFLINE)


def update_user_status(a: App, user_id: str, status: str) -> Status:
    """update_user_status sets a status the user chose; activity will not override it."""
    _require_user(a, user_id)
    chosen = Status(user_id=user_id, status=status, manual=True, last_activity_at=get_millis())
    return a.store.status().save_or_update(chosen)


def set_status_online(a: App, user_id: str) -> None:
    """set_status_online records activity; a status the user chose stays as it is."""
    current = a.store.status().get(user_id)
    if current is not None and current.manual:
        return
    online = Status(user_id=user_id, status=STATUS_ONLINE, last_activity_at=get_millis())
    a.store.status().save_or_update(online)


def _require_user(a: App, user_id: str) -> None:
    if a.store.user().get(user_id) is None:
        raise AppError(
            "app.status.user_not_found",
            "Unable to find the user.",
            detailed_error=f"user_id={user_id}",
            status_code=404,
        )
