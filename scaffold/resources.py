"""Where the files shipped with scaffold are: the templates and the reference server."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    # In a wheel they live in scaffold/_data/; in a source checkout, beside the package.
    installed = _PACKAGE / "_data" / name
    return installed if installed.is_dir() else _PACKAGE.parent / name


def templates_dir() -> Path:
    return _shipped("templates")


def reference_dir() -> Path:
    return _shipped("reference")
