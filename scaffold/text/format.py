"""New Python code formatted as black would, at the repo's line length.

Only new code is formatted, never the module it goes into, so the rest of that file stays as
its authors wrote it. black takes a tenth of a second to import, more than formatting every
snippet of a change: where a command works beside (`scaffold.text.beside`), a child process
imports it while this one reads the repo, and formats each snippet. What it cannot format is
formatted here, where black's own error surfaces.
"""

from __future__ import annotations

from typing import Any

from scaffold.text import beside


class UnformattableCode(Exception):
    """black refused the code: it does not parse (`line`: the first line it names, if any)."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def format_code(code: str, line_length: int, depth: int = 0) -> str:
    """Format code as black would at `depth` levels of indentation (`UnformattableCode` on
    bad syntax)."""
    formatted = beside.ask("format", code, line_length, depth)
    if isinstance(formatted, str):
        return formatted
    import black  # imported here: only planning new code needs it, and it is slow to import

    try:
        return _formatted(black, code, line_length, depth)
    except black.parsing.InvalidInput as err:
        position = str(err).splitlines()[0].rsplit(": ", 1)[-1]
        line = position.split(":")[0]
        raise UnformattableCode(str(err), int(line) if line.isdigit() else None) from None


def _formatted(black: Any, code: str, line_length: int, depth: int) -> str:
    mode = black.Mode(
        line_length=max(line_length - 4 * depth, 40),
        target_versions={black.mode.TargetVersion.PY311},
    )
    return black.format_str(code, mode=mode)  # type: ignore[no-any-return]


def _format_beside(code: str, line_length: int, depth: int) -> str:
    import black

    return _formatted(black, code, line_length, depth)


def _import_black() -> None:
    import black  # noqa: F401


beside.serves("format", _format_beside, ready=_import_black)
