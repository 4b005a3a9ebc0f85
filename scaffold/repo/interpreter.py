"""The interpreter that runs the repo's own code: the server scaffold edits is a project of its
own, with its own dependencies and its own environment, not scaffold's.

Which one, first found: `[server] python` in scaffold.toml (a path inside the repo, or an
absolute path), else the repo's `.venv`, else the active virtualenv (`$VIRTUAL_ENV`), else the
interpreter scaffold itself runs on. The import check, the repo's tests and its `[format]
command` all run with it (a virtualenv's `bin` first on PATH).

A path inside the repo must stay inside it: its directories may not be links out. The
interpreter file itself may be one when it is a virtualenv's — that is how a venv is made, a
link to its base Python beside a `pyvenv.cfg`.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from scaffold.errors import RepoLayoutError
from scaffold.model.layout import RepoLayout
from scaffold.model.reader import line_of

#: Where a virtualenv keeps its interpreter, on POSIX and on Windows.
_VENV_PYTHONS = ("bin/python", "Scripts/python.exe")
#: How Python says a module is missing, in a traceback's last line.
_MISSING = re.compile(r"No module named '([^']+)'")

_REMEDY = "{what}, or name another interpreter as [server] python in scaffold.toml; nothing was written"

HOW_CHOSEN = (
    "The repo's own code (the import check of what was written, its tests, its [format] command) "
    "runs with the repo's interpreter: [server] python in scaffold.toml, else the repo's "
    ".venv, else the active virtualenv ($VIRTUAL_ENV), else the Python scaffold runs on."
)


@dataclass(frozen=True)
class Interpreter:
    """The Python that runs the repo's code, and how it was chosen."""

    executable: Path
    #: how it was chosen: `[server] python`, `the repo's .venv`, …
    source: str
    #: its virtualenv, if it is in one (activated for whatever runs the repo's code)
    venv: Path | None = None
    #: its path as the user wrote it: relative to the repo when inside it
    name: str = ""

    @property
    def shown(self) -> str:
        """The interpreter as an error message names it: its path and how it was chosen."""
        return f"{self.name or self.executable} ({self.source})"

    def environment(self) -> dict[str, str]:
        """os.environ with the interpreter's virtualenv activated: its scripts first on PATH."""
        env = dict(os.environ)
        if self.venv is not None:
            env["VIRTUAL_ENV"] = str(self.venv)
            env["PATH"] = os.pathsep.join([str(self.executable.parent), env.get("PATH", "")])
            env.pop("PYTHONHOME", None)
        return env

    def lacking(self, module: str) -> RepoLayoutError:
        """The error for a module the environment lacks: the environment's fault, not the code's."""
        return RepoLayoutError(
            f"the repo's interpreter {self.shown} has no module {module!r}",
            hint=_REMEDY.format(what="install the repo's dependencies into it (`make install` in the repo)"),
        )

    def broken(self, detail: str) -> RepoLayoutError:
        """The error for an interpreter that does not start at all."""
        return RepoLayoutError(
            f"the repo's interpreter {self.shown} cannot run: {detail}",
            hint=_REMEDY.format(what="recreate the repo's environment (`make install` in the repo)"),
        )

    def missing_module(self, layout: RepoLayout, output: str) -> str | None:
        """The module a failed run's `output` says is missing, when it is not the repo's own
        (a module of the repo that is missing is the repo's fault, not its environment's)."""
        found = _MISSING.findall(output)
        if not found:
            return None
        name: str = found[-1]
        top = name.partition(".")[0]
        root = layout.root
        if top in layout.local_packages or (root / top).is_dir() or (root / f"{top}.py").is_file():
            return None
        return name


def repo_interpreter(layout: RepoLayout) -> Interpreter:
    """The interpreter that runs `layout`'s repo's code; a named one that is absent, or a path
    that leads out of the repo, is an error (exit 2)."""
    root = layout.root
    if layout.python is not None:
        configured = Path(layout.python)
        source = f"[server] python = {layout.python!r}"
        if configured.is_absolute():
            return _existing(layout, configured, source, inside=False)
        return _existing(layout, root / configured, source, inside=True)
    venv = root / ".venv"
    if os.path.lexists(venv):
        for name in _VENV_PYTHONS:
            if os.path.lexists(venv / name):
                return _existing(layout, venv / name, "the repo's .venv", inside=True)
        raise RepoLayoutError(
            f"the repo's .venv has no interpreter (.venv/{_VENV_PYTHONS[0]})",
            hint="recreate it (`make install` in the repo), or name an interpreter as "
            "[server] python in scaffold.toml; nothing was written",
        )
    active = os.environ.get("VIRTUAL_ENV")
    if active:
        for name in _VENV_PYTHONS:
            candidate = Path(active) / name
            if candidate.is_file():
                return Interpreter(candidate, "the active virtualenv", Path(active))
    executable = Path(sys.executable)
    return Interpreter(executable, "the Python scaffold runs on", _venv_of(executable))


def _existing(layout: RepoLayout, path: Path, source: str, *, inside: bool) -> Interpreter:
    """`path` as the interpreter, once it exists and, for a path in the repo, stays in it."""
    root = layout.root
    shown = path.relative_to(root).as_posix() if inside else str(path)
    venv = _venv_of(path)
    if inside:
        escapes = not path.parent.resolve().is_relative_to(root)
        # A venv's interpreter links to its base Python: the link is the venv's, not a way out.
        if not escapes and path.is_symlink() and venv is None:
            escapes = not path.resolve().is_relative_to(root)
        if escapes:
            raise _config_error(
                layout,
                f"the interpreter {shown} ({source}) resolves outside the repo through a symlink",
                "replace the link, or name the interpreter by its absolute path as [server] python",
            )
    if not path.is_file():
        raise _config_error(
            layout,
            f"the interpreter {shown} ({source}) does not exist",
            "create the repo's environment (`make install` in the repo), or fix [server] python",
        )
    return Interpreter(path, source, venv, shown)


def _venv_of(executable: Path) -> Path | None:
    """The virtualenv `executable` belongs to (its pyvenv.cfg beside the scripts directory)."""
    home = executable.parent.parent
    return home if (home / "pyvenv.cfg").is_file() else None


def _config_error(layout: RepoLayout, message: str, remedy: str) -> RepoLayoutError:
    configured = layout.python is not None
    line = None
    if configured and layout.config_path.is_file():
        line = line_of(layout.config_path.read_text(encoding="utf-8"), "server", "python")
    return RepoLayoutError(
        message,
        hint=f"{remedy}; nothing was written",
        path=layout.config_path if configured else None,
        line=line,
    )
