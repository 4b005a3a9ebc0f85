"""The widget business logic."""

from __future__ import annotations

from typing import Any

from server.app.app import App
from server.model.app_error import AppError


def get_widget(a: App, widget_id: str) -> Any:
    """get_widget serves GET /api/v4/widgets/{widget_id}; raises 501 until it is written."""
    raise AppError.not_implemented("server.app.widget.get_widget")
