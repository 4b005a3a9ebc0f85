"""Where a name goes among the names of one import statement: isort's order."""

from __future__ import annotations


def import_order(name: str) -> tuple[int, str]:
    """CONSTANTS, then Classes, then functions; each by name, case aside."""
    kind = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return kind, name.lower()
