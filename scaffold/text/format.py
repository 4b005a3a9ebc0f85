"""New Python code formatted as black would, at the repo's line length.

Only new code is formatted, never the module it goes into, so the rest of that file stays as
its authors wrote it.
"""

from __future__ import annotations


def format_code(code: str, line_length: int, depth: int = 0) -> str:
    """Format code as black would at `depth` levels of indentation (raises on bad syntax)."""
    import black  # imported here: only planning new code needs it, and it is slow to import

    mode = black.Mode(line_length=max(line_length - 4 * depth, 40), target_versions={black.mode.TargetVersion.PY311})
    return black.format_str(code, mode=mode)
