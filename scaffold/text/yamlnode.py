"""Edits inside an existing YAML node, with ruamel.yaml: that node alone is round-tripped.

A fragment is never re-emitted whole. For an edit inside a node — a tag into a group of
`x-tagGroups`, a response into an operation's `responses` — the node's lines are cut out,
loaded with ruamel.yaml's round-trip loader, changed, dumped and put back at the node's own
indentation and line ending. The edit is refused unless dumping the node *unchanged* gives
back its text byte for byte (else ruamel would restyle more than the edit), and the text
around the node is the file's own, byte for byte.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from scaffold.errors import RepoLayoutError
from scaffold.text.python import split_lines

if TYPE_CHECKING:
    from ruamel.yaml import YAML


def edit_node(text: str, start: int, end: int, change: Callable[[Any], None], path: str) -> str:
    """`text` with lines [start, end) — one node, `key:` first — loaded, changed by `change`
    (which edits the loaded mapping of that one key in place) and written back."""
    from ruamel.yaml.error import YAMLError  # ruamel loads only for an edit inside a node

    lines = split_lines(text)
    block = lines[start:end]
    newline = "\r\n" if block and block[0].endswith("\r\n") else "\n"
    column = len(block[0]) - len(block[0].lstrip(" "))
    if any(line.strip() and len(line) - len(line.lstrip(" ")) < column for line in block):
        raise _refused(path, start, "a line of it is indented less than its key")
    plain = "".join(line[column:] if line.strip() else line.lstrip(" ") for line in block)
    plain = plain.replace("\r\n", "\n")
    if not plain.endswith("\n"):
        plain += "\n"
    yaml = _yaml(plain)
    try:
        data = yaml.load(plain)
        if _dump(yaml, data) != plain:
            raise _refused(path, start, "ruamel.yaml would not write it back byte for byte")
        change(data)
        edited = _dump(yaml, data)
    except YAMLError as err:
        raise _refused(path, start, f"ruamel.yaml cannot read it ({err.__class__.__name__})") from None
    indented = "".join(
        (" " * column + line if line.strip() else line).replace("\n", newline)
        for line in edited.splitlines(keepends=True)
    )
    if not "".join(block).endswith(("\n", "\r")):
        indented = indented.rstrip("\r\n")  # the node ended the file without a newline
    before, after = "".join(lines[:start]), "".join(lines[end:])
    result = before + indented + after
    if not (result.startswith(before) and result.endswith(after)):  # pragma: no cover
        raise _refused(path, start, "the text around it would change")
    return result


def _yaml(plain: str) -> YAML:
    """A round-trip YAML that indents sequences as `plain` does (`- ` under or beside its key)."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt", pure=True)
    yaml.preserve_quotes = True
    yaml.width = 4096
    offset = _dash_offset(plain)
    yaml.indent(mapping=2, sequence=offset + 2, offset=offset)
    return yaml


def _dash_offset(plain: str) -> int:
    """How far the `- ` of a block sequence stands right of its key's column (0 or more)."""
    lines = plain.splitlines()
    for previous, line in zip(lines, lines[1:]):
        stripped = line.lstrip(" ")
        if stripped.startswith("- ") and previous.rstrip().endswith(":"):
            key = len(previous) - len(previous.lstrip(" ").lstrip("- "))
            return max(len(line) - len(stripped) - key, 0)
    return 2


def _dump(yaml: YAML, data: Any) -> str:
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def _refused(path: str, start: int, why: str) -> RepoLayoutError:
    return RepoLayoutError(
        f"cannot edit the node at this line in place: {why}",
        hint="make this edit by hand, then run again",
        path=path,
        line=start + 1,
    )
