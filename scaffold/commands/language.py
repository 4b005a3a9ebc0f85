"""What scaffold does for a server in each language: it reads Python and Go, it writes Python.

`endpoint add`, `endpoint remove` and `check --fix` generate and cut Python code; on a Go
server they refuse at once, before they read or ask anything.
"""

from __future__ import annotations

from scaffold.errors import UsageError
from scaffold.model.layout import RepoLayout
from scaffold.model.reader import line_of
from scaffold.repo.files import read_config


def require_generated(layout: RepoLayout, command: str) -> None:
    """Raise a one-line UsageError when `command` cannot write into this repo's language
    (a repo of docs alone has no code to write: its commands write the docs only)."""
    if layout.generates or layout.docs_only:
        return
    text = read_config(layout.root)
    raise UsageError(
        f"`scaffold {command}` writes Python only, and this server is written in {layout.language.title()}",
        hint="`scaffold check`, `endpoint list` and `checklist` work here; write the code by hand",
        path=layout.config_path,
        line=line_of(text, "server", "language"),
    )
