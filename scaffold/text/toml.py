"""Edits of scaffold.toml that keep every other byte: its comments, layout and line ends.

An entry of the build list is an edit inside an existing array: tomlkit round-trips the
document and places it. A `[tags.<name>]` table is a whole block: rendered on its own (tomlkit
writes the values) and spliced in after the last `[tags.*]` table as text, or cut out again as
text, so that a table added and removed leaves the file as it was, wherever a person put the
other tables. Where a person wrote the tags otherwise (an inline table, dotted keys), tomlkit
edits the document instead.

Whatever the edit, its result is read back with tomllib and must hold exactly the data before
plus (or minus) the one change: any valid TOML is edited correctly, or refused in one line.
"""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Callable
from typing import Any

from scaffold.errors import RepoLayoutError
from scaffold.model.layout import CONFIG_NAME
from scaffold.model.taglayout import TagLayout
from scaffold.naming import fragment_name
from scaffold.text.python import split_lines
from scaffold.text.yaml import newline_of

_TAG_HEADER = re.compile(r'^\s*\[\s*tags\s*\.\s*(?P<name>"[^"]*"|\'[^\']*\'|[A-Za-z0-9_-]+)\s*\]\s*(?:#.*)?$')
_HEADER = re.compile(r"^\s*\[")


def add_fragment(text: str, name: str, last: str) -> str:
    """Add `name` to [docs] build just before `last` (the definitions), or at the end; nothing
    when scaffold.toml has no build list (the Makefile's is the build list)."""
    build = tomllib.loads(text).get("docs", {}).get("build")
    if not isinstance(build, list):
        return text
    position = len(build) - 1 if build and build[-1] == last else len(build)

    def change(data: dict[str, Any]) -> None:
        data["docs"]["build"].insert(position, name)

    def edit(document: Any) -> None:
        document["docs"]["build"].insert(position, name)

    return _verified(text, _through_tomlkit(text, edit), change, f"add {name} to [docs] build")


def remove_fragment(text: str, name: str) -> str:
    build = tomllib.loads(text).get("docs", {}).get("build")
    if not isinstance(build, list) or name not in build:
        return text

    def change(data: dict[str, Any]) -> None:
        data["docs"]["build"].remove(name)

    def edit(document: Any) -> None:
        document["docs"]["build"].remove(name)

    return _verified(text, _through_tomlkit(text, edit), change, f"remove {name} from [docs] build")


def add_tag_table(text: str, tag: TagLayout, *, fragment: str | None = None) -> str:
    """Add a `[tags.<name>]` table for a tag that scaffold created, after the last tag table."""
    values: dict[str, Any] = {"resource": tag.resource, "section": tag.section}
    if fragment and fragment != fragment_name(tag.name):
        values["fragment"] = fragment
    values["paths"] = list(tag.paths)

    def change(data: dict[str, Any]) -> None:
        data.setdefault("tags", {})[tag.name] = copy.deepcopy(values)

    spliced = _splice_table(text, tag.name, values)
    try:
        return _verified(text, spliced, change, "")
    except RepoLayoutError:
        pass  # the tags are written otherwise than as [tags.*] tables: let tomlkit place it

    def edit(document: Any) -> None:
        import tomlkit
        from tomlkit.items import InlineTable

        if "tags" not in document:
            document.add("tags", tomlkit.table(is_super_table=True))
        tags = document["tags"]
        # Inside an inline table, only an inline table may go.
        table = tomlkit.inline_table() if isinstance(tags, InlineTable) else tomlkit.table()
        for key, value in values.items():
            table.add(key, value)
        tags[tag.name] = table

    return _verified(text, _through_tomlkit(text, edit), change, f"add a [tags.{tag.name}] table")


def remove_tag_table(text: str, name: str) -> str:
    """Cut out the `[tags.<name>]` table (the inverse of `add_tag_table`)."""
    tags = tomllib.loads(text).get("tags", {})
    if name not in tags:
        return text

    def change(data: dict[str, Any]) -> None:
        del data["tags"][name]
        if not data["tags"]:
            del data["tags"]

    try:
        return _verified(text, _cut_table(text, name), change, "")
    except RepoLayoutError:
        pass

    def edit(document: Any) -> None:
        del document["tags"][name]
        if not document["tags"]:
            del document["tags"]

    return _verified(text, _through_tomlkit(text, edit), change, f"remove the [tags.{name}] table")


def _splice_table(text: str, name: str, values: dict[str, Any]) -> str:
    import tomlkit

    document = tomlkit.document()
    document.add("tags", tomlkit.table(is_super_table=True))
    table = tomlkit.table()
    for key, value in values.items():
        table.add(key, value)
    document["tags"].add(name, table)  # type: ignore[union-attr,unused-ignore]
    lines = split_lines(text)
    newline = newline_of(text)
    block = tomlkit.dumps(document).strip("\n").replace("\n", newline) + newline
    ends = [end for _, _, end in _tag_tables(lines)]
    at = ends[-1] if ends else len(lines)
    head, tail = lines[:at], lines[at:]
    if head and not head[-1].endswith("\n"):
        # The file ends without a newline: so does the file with the table (see _cut_table).
        head[-1] += newline
        block = block.removesuffix(newline)
    return "".join(head) + newline + block + "".join(tail)


def _cut_table(text: str, name: str) -> str:
    lines = split_lines(text)
    for table, start, end in _tag_tables(lines):
        if table == name:
            if start > 0 and not lines[start - 1].strip():
                start -= 1  # the blank line that set it apart
            rest = lines[:start] + lines[end:]
            if end == len(lines) and not lines[-1].endswith("\n") and rest:
                rest[-1] = rest[-1].rstrip("\r\n")  # it ended the file without a newline
            return "".join(rest)
    return text


def _through_tomlkit(text: str, edit: Callable[[Any], None]) -> str | None:
    """`text` edited through tomlkit's document; None when tomlkit cannot make the edit."""
    import tomlkit  # loaded only for an edit of scaffold.toml: most commands make none

    try:
        document = tomlkit.parse(text)
        edit(document)
        return tomlkit.dumps(document)
    except Exception:  # noqa: BLE001 (tomlkit's own asserts on tables it holds out of order)
        return None


def _verified(before: str, after: str | None, change: Callable[[dict[str, Any]], None], what: str) -> str:
    """`after`, once tomllib reads in it exactly the data of `before` with `change` made."""
    expected = tomllib.loads(before)
    change(expected)
    try:
        if after is not None and tomllib.loads(after) == expected:
            return after
    except tomllib.TOMLDecodeError:
        pass
    raise RepoLayoutError(
        f"cannot {what or 'edit this file'} without changing more of it",
        hint=f"make that edit of {CONFIG_NAME} by hand, then run again",
        path=CONFIG_NAME,
    )


def _tag_tables(lines: list[str]) -> list[tuple[str, int, int]]:
    """(name, first line, line after its last key) of each `[tags.<name>]` table, 0-based."""
    tables = []
    for index, line in enumerate(lines):
        match = _TAG_HEADER.match(line)
        if match:
            tables.append((match.group("name").strip("\"'"), index, _table_end(lines, index + 1)))
    return tables


def _table_end(lines: list[str], start: int) -> int:
    """The line after a table's keys: its blank lines and comments belong to what follows."""
    depth = 0
    end = start
    for index in range(start, len(lines)):
        stripped = lines[index].strip()
        if depth == 0 and (not stripped or stripped.startswith("#") or _HEADER.match(lines[index])):
            break
        depth = max(depth + _brackets(stripped), 0)
        end = index + 1
    return end


def _brackets(line: str) -> int:
    """How many arrays a line opens, less those it closes (strings and comments aside)."""
    depth, quote = 0, ""
    for char in line:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#":
            break
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
    return depth
