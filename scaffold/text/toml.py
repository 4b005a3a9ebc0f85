"""Edits of scaffold.toml that keep every other byte: its comments, layout and line ends.

An entry of the build list is an edit inside an existing array: tomlkit round-trips the
document and places it. A `[tags.<name>]` table is a whole block: rendered on its own (tomlkit
writes the values) and spliced in after the last `[tags.*]` table as text, or cut out again as
text, so that a table added and removed leaves the file as it was, wherever a person put the
other tables.
"""

from __future__ import annotations

import re

import tomlkit
from tomlkit.items import Array

from scaffold.model.layout import TagLayout
from scaffold.text.python import split_lines

_TAG_HEADER = re.compile(r'^\s*\[\s*tags\s*\.\s*(?P<name>"[^"]*"|\'[^\']*\'|[A-Za-z0-9_-]+)\s*\]\s*(?:#.*)?$')
_HEADER = re.compile(r"^\s*\[")


def add_fragment(text: str, name: str, last: str) -> str:
    """Add `name` to [docs] build just before `last` (the definitions), or at the end."""
    document = tomlkit.parse(text)
    build = document["docs"]["build"]  # type: ignore[index,unused-ignore]
    assert isinstance(build, Array)
    position = len(build) - 1 if len(build) and build[-1] == last else len(build)
    build.insert(position, name)
    return tomlkit.dumps(document)


def remove_fragment(text: str, name: str) -> str:
    document = tomlkit.parse(text)
    build = document["docs"]["build"]  # type: ignore[index,unused-ignore]
    assert isinstance(build, Array)
    build.remove(name)
    return tomlkit.dumps(document)


def add_tag_table(text: str, tag: TagLayout) -> str:
    """Add a `[tags.<name>]` table for a tag that scaffold created, after the last tag table."""
    table = tomlkit.table()
    table.add("resource", tag.resource)
    table.add("section", tag.section)
    table.add("paths", list(tag.paths))
    document = tomlkit.document()
    document.add("tags", tomlkit.table(is_super_table=True))
    document["tags"].add(tag.name, table)  # type: ignore[union-attr]
    lines = split_lines(text)
    newline = next((line[len(line.rstrip("\r\n")) :] for line in lines if line.endswith("\n")), "\n")
    block = tomlkit.dumps(document).strip("\n").replace("\n", newline) + newline
    ends = [end for _, _, end in _tag_tables(lines)]
    if not ends:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += newline
        return "".join(lines) + newline + block
    at = ends[-1]
    return "".join(lines[:at]) + newline + block + "".join(lines[at:])


def remove_tag_table(text: str, name: str) -> str:
    """Cut out the `[tags.<name>]` table (the inverse of `add_tag_table`)."""
    lines = split_lines(text)
    for table, start, end in _tag_tables(lines):
        if table == name:
            if start > 0 and not lines[start - 1].strip():
                start -= 1  # the blank line that set it apart
            return "".join(lines[:start] + lines[end:])
    return text


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
