"""YAML edits by splicing text, and scalars written by the YAML emitter.

A fragment is never re-emitted whole: the new text is rendered on its own and spliced in at
line positions taken from the composed document, so every byte outside the edit — comments,
quoting, blank lines, key order — stays as it was. PyYAML's emitter writes the scalars because
it quotes what YAML 1.1 readers would otherwise misread (`yes`, `on`), and what it writes plain
but a YAML 1.2 reader takes for a number (`1e3`, `0o17`), or another 1.1 reader for a boolean
(`y`, `N`), is quoted too: the merged spec is read by every kind of tool.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import yaml

from scaffold.errors import ValidationError

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: The tags of plain scalars by their first character, as the safe loader resolves them
#: (it has no resolver for every character, `None`, nor any by path).
_IMPLICIT = {
    first: tuple(resolvers) for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
}


class Loader(_SafeLoader):  # type: ignore[valid-type,misc]
    """libyaml's safe loader where PyYAML was built with it (every scan and merge composes
    with it), resolving tags as it does with less Python per node: a plain scalar is tried
    against its first character's patterns alone, and no path is followed (the safe loader
    has no path resolvers). A Mattermost-sized spec composes an eighth faster."""

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, pattern in _IMPLICIT.get(value[:1], ()):
                    if pattern.match(value):
                        return tag  # type: ignore[no-any-return]
            return _STR
        return super().resolve(kind, value, implicit)  # type: ignore[no-any-return]

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass
#: Plain scalars a YAML 1.2 reader (its core schema) does not read as text.
_CORE_NOT_STR = re.compile(
    r"null|Null|NULL|~|true|True|TRUE|false|False|FALSE|0o[0-7]+|0x[0-9a-fA-F]+"
    r"|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
    # YAML 1.1's booleans that PyYAML reads as text, but other 1.1 readers do not
    r"|y|Y|n|N"
)


_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"


class _Shared(Exception):
    """A node met twice (an alias), or a merge key: the safe constructor builds the whole."""


def node_data(node: yaml.Node) -> Any:
    """The Python values of a composed node, exactly as PyYAML's safe constructor builds them.

    Text, mappings and sequences are built here directly, in a tenth of the constructor's
    time (its generators and bookkeeping are most of the cost of reading a big spec); any
    other scalar is the constructor's. A document with an alias (a node met twice: the
    constructor shares one object) or a merge key (it merges mappings) is the constructor's
    whole, and so is any error, which it reports with its place.
    """
    constructor = yaml.constructor.SafeConstructor()
    seen: set[int] = set()
    mapping, sequence, text = yaml.MappingNode, yaml.SequenceNode, yaml.ScalarNode

    def build(node: yaml.Node) -> Any:
        kind = type(node)
        if kind is text:
            if node.tag == _STR:
                return node.value
            if node.tag == _MERGE:
                raise _Shared
            return constructor.construct_object(node, deep=True)
        if id(node) in seen:
            raise _Shared
        seen.add(id(node))
        if kind is mapping and node.tag == _MAP:
            return {build(key): build(value) for key, value in node.value}
        if kind is sequence and node.tag == _SEQ:
            return [build(item) for item in node.value]
        raise _Shared  # a tagged collection (`!!set`, `!!omap`)

    try:
        return build(node)
    except (_Shared, TypeError, ValueError, RecursionError, yaml.YAMLError):
        return yaml.constructor.SafeConstructor().construct_document(node)


def scalar(value: str, indent: int = 0, *, block: bool = False, folded: bool = False) -> str:
    """`value` as it may follow `key: ` at column `indent`, continuation lines indented.

    With `block`, a literal block scalar (`|`) where the text allows one; with `folded`, a
    folded one (`>`, each line a paragraph of its own). The result always reads back as
    exactly `value`; where a style would not, a double-quoted one is used.
    """
    for style in ((">" if folded else "|" if block else None), '"'):
        text = _emit(value, style)
        if _read_back(text) == value:
            break
    if _CORE_NOT_STR.fullmatch(text):
        text = _emit(value, "'")  # PyYAML reads it as text; another reader would not
    first, *rest = text.split("\n")
    body = "\n".join((" " * indent + line) if line else line for line in rest)
    return first + ("\n" + body if rest else "")


def quoted(value: str) -> str:
    """`value` double-quoted by the emitter, as Mattermost's fragments write a `$ref`."""
    return _emit(value, '"')


def _emit(value: str, style: str | None) -> str:
    node = yaml.MappingNode(_MAP, [(yaml.ScalarNode(_STR, "k"), yaml.ScalarNode(_STR, value, style=style))])
    text = yaml.serialize(node, Dumper=yaml.SafeDumper, width=float("inf"), allow_unicode=True)
    text = text.removesuffix("...\n")
    return text.removeprefix("k: ").rstrip("\n")


def _read_back(text: str) -> Any:
    try:
        data = yaml.load("k: " + text + "\n", Loader=Loader)
    except yaml.YAMLError:
        return None
    return data.get("k") if isinstance(data, dict) else None


@dataclass(frozen=True)
class Entry:
    """A key of a block mapping and the lines it spans (0-based, end exclusive)."""

    key: str
    start: int
    end: int
    indent: int
    node: yaml.Node


def compose(text: str, path: str) -> yaml.Node | None:
    """Compose one YAML file, reporting a syntax error with its line."""
    try:
        return _composed(text)
    except yaml.YAMLError as err:
        line, problem = error_position(err, text)
        raise ValidationError(
            f"YAML syntax error: {problem}",
            hint="fix the YAML of this file",
            path=path,
            line=line + 1 if line is not None else None,
        ) from None


@functools.lru_cache(maxsize=4)
def _composed(text: str) -> yaml.Node | None:
    # Planning an add reads the fragment it joins three times (where the path goes, how the
    # fragment writes, where to splice): composed once. Nodes are only ever read, never edited.
    return yaml.compose(text, Loader=Loader)


def error_position(err: yaml.YAMLError, text: str) -> tuple[int | None, str]:
    """The 0-based line of a YAML error in `text`, and what the error says.

    The reader's errors (a NUL or another character YAML forbids) carry a character offset
    rather than a mark.
    """
    if isinstance(err, yaml.MarkedYAMLError):
        mark = err.problem_mark or err.context_mark
        return (mark.line if mark else None), str(err.problem or err.context)
    if isinstance(err, yaml.reader.ReaderError):
        code = err.character if isinstance(err.character, int) else ord(err.character)
        return text[: err.position].count("\n"), f"{err.reason} (#x{code:04x})"
    return None, str(err)


def entries(node: yaml.MappingNode, lines: list[str], limit: int | None = None) -> list[Entry]:
    """The keys of a block mapping with the lines each spans.

    An entry runs from its key to its last line of content; blank lines and comments at the
    key's own indentation before the next key belong to the next key.
    """
    result: list[Entry] = []
    keys = [(k, v) for k, v in node.value]
    stop = len(lines) if limit is None else limit
    for index, (key_node, value_node) in enumerate(keys):
        start = key_node.start_mark.line
        indent = key_node.start_mark.column
        next_start = keys[index + 1][0].start_mark.line if index + 1 < len(keys) else stop
        end = start + 1
        for number in range(start + 1, next_start):
            stripped = lines[number].strip()
            if not stripped:
                continue
            if stripped.startswith("#") and _indent_of(lines[number]) <= indent:
                continue
            if _indent_of(lines[number]) <= indent and number > value_node.end_mark.line:
                break
            end = number + 1
        result.append(Entry(str(key_node.value), start, end, indent, value_node))
    return result


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def indent_text(text: str, indent: int) -> str:
    """Indent every non-empty line of `text` by `indent` spaces."""
    pad = " " * indent
    return "".join(pad + line if line.strip() else line for line in text.splitlines(keepends=True))


def insert_lines(text: str, at: int, block: str) -> str:
    """Insert `block` (whole lines) before 0-based line `at` of `text`, its lines ended as
    the file ends its own."""
    lines = text.splitlines(keepends=True)
    newline = newline_of(text)
    if at >= len(lines) and lines and not lines[-1].endswith("\n"):
        lines[-1] += newline
    return "".join(lines[:at]) + with_newline(block, newline) + "".join(lines[at:])


def newline_of(text: str) -> str:
    """How the file ends its lines: as its first line does (`\n` for a file of one line)."""
    end = text.find("\n")
    return "\r\n" if end > 0 and text[end - 1] == "\r" else "\n"


def with_newline(text: str, newline: str) -> str:
    """`text` with every line ended by `newline`."""
    plain = text.replace("\r\n", "\n")
    return plain if newline == "\n" else plain.replace("\n", newline)
