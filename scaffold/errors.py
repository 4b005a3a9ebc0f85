"""The errors a user can correct, and the exit codes they map to.

    ScaffoldError             exit 2: bad input, conflict or bad repo
     ├── UsageError           a bad argument or option value
     ├── RepoLayoutError      scaffold.toml or a file it names is missing or malformed
     ├── ConflictError        the endpoint (or a part of it) already exists
     └── StaleRepoError       a file changed between planning and applying
    ValidationError           exit 1: the result does not validate (a spec, a module)

The CLI catches these at one boundary per command; anything else is a bug and shows a traceback
only with SCAFFOLD_DEBUG=1.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
#: a bug in scaffold (EX_SOFTWARE)
EXIT_BUG = 70

#: What Ctrl-C is answered with: every command either finished or restored the repo.
INTERRUPTED = "interrupted: nothing was changed"


def internal_error(exc: BaseException) -> str:
    """The one line an unexpected exception is reported in (its text may hold newlines)."""
    detail = " ".join(str(exc).split())
    return (
        f"internal error: {type(exc).__name__}: {detail} — run again with SCAFFOLD_DEBUG=1 "
        "for the traceback and report it"
    )


class ScaffoldError(Exception):
    """A failure the user can correct: what happened, where, and the remedy."""

    exit_code: ClassVar[int] = EXIT_USAGE

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        path: Path | str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.path = Path(path) if path is not None else None
        self.line = line

    @property
    def location(self) -> str | None:
        """`path:line` (or just the path) when the error is tied to a file."""
        if self.path is None:
            return None
        return f"{self.path}:{self.line}" if self.line else str(self.path)

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        return f"{text} — {self.hint}" if self.hint else text


class UsageError(ScaffoldError):
    """An argument or option value that cannot be used."""


class RepoLayoutError(ScaffoldError):
    """The repo is not laid out as scaffold.toml says, or scaffold.toml itself is wrong."""


class ConflictError(ScaffoldError):
    """What the command would create already exists."""


class StaleRepoError(ScaffoldError):
    """A file changed on disk between planning and applying."""


class ValidationError(ScaffoldError):
    """The merged spec or a generated file does not validate."""

    exit_code: ClassVar[int] = EXIT_FINDINGS
