"""Typed access to scaffold.toml's parsed tables, with errors that point at the offending line;
and the decoding of any file scaffold reads, with an error at the line of a bad byte."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffold.errors import RepoLayoutError


def decode_utf8(data: bytes, path: Path | str) -> str:
    """`data`, the bytes of `path`, as text (line endings kept); a one-line error at the line of
    the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise RepoLayoutError(
            f"not UTF-8 text: byte 0x{data[err.start]:02x} cannot be read",
            hint="save the file as UTF-8",
            path=path,
            line=data.count(b"\n", 0, err.start) + 1,
        ) from None


def line_of(text: str, table: str, key: str) -> int | None:
    """The line of `key` in `[table]` of scaffold.toml's text (of the header when `key` is "")."""
    header = re.compile(rf"^\s*\[\s*{re.escape(table)}\s*\]\s*(?:#.*)?$")
    key_line = re.compile(rf"^\s*{re.escape(key)}\s*=")
    in_table = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("["):
            in_table = bool(header.match(line))
            if in_table and key == "":
                return number
        elif in_table and key_line.match(line):
            return number
    return None


@dataclass
class TableReader:
    """Typed access to scaffold.toml with errors that point at the offending line."""

    root: Path
    path: Path
    text: str

    def line_of(self, table: str, key: str) -> int | None:
        return line_of(self.text, table, key)

    def error(self, table: str, key: str, message: str) -> RepoLayoutError:
        line = self.line_of(table, key) or self.line_of(table, "")
        if line is None and "." in table:
            # A table written inline in its parent: `fixtures = { ... }` under [tests].
            parent, _, name = table.rpartition(".")
            line = self.line_of(parent, name)
        return RepoLayoutError(message, hint="fix scaffold.toml", path=self.path, line=line)

    def table(self, data: dict[str, Any], name: str, *, required: bool = True) -> dict[str, Any]:
        value = data.get(name.rpartition(".")[2])
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            raise RepoLayoutError(
                f"missing table [{name}]", hint="see the reference repo's scaffold.toml", path=self.path
            )
        return value

    def string(self, table: dict[str, Any], name: str, key: str, default: str | None = None) -> str:
        value = table.get(key, default)
        if not isinstance(value, str) or not value:
            raise self.error(name, key, f"[{name}] {key} must be a non-empty string")
        return value

    def string_list(
        self, table: dict[str, Any], name: str, key: str, default: list[str] | None = None
    ) -> list[str]:
        value = table.get(key, default)
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.error(name, key, f"[{name}] {key} must be a list of strings")
        return value

    def repo_path(self, table: dict[str, Any], name: str, key: str, *, pattern: bool = False) -> str:
        """A path relative to the repo that stays inside it."""
        value = self.string(table, name, key)
        probe = value.replace("{resource}", "x") if pattern else value
        if pattern and "{resource}" not in value:
            raise self.error(name, key, f"[{name}] {key} must contain {{resource}}")
        if Path(probe).is_absolute() or ".." in Path(probe).parts:
            raise self.error(name, key, f"[{name}] {key} = {value!r} points outside the repo")
        return value.rstrip("/")
