from __future__ import annotations

import time

from server.model.version import CURRENT_VERSION


def get_millis() -> int:
    """get_millis returns the current time in epoch milliseconds, the unit of every *_at field."""
    return time.time_ns() // 1_000_000


def etag(*parts: object) -> str:
    """etag joins the server version and the parts that change with the content."""
    return ".".join([CURRENT_VERSION, *(str(part) for part in parts)])
