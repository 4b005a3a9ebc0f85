"""One module per checklist item: docs, route, handler (with its app function), driver, tests.

Each planner edits a Workspace in memory; nothing here touches disk.
"""

from __future__ import annotations

ARTIFACTS = ("docs", "route", "handler", "driver", "tests")
