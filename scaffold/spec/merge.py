"""The merged OpenAPI document: fragments concatenated in build order, and checked as YAML.

Mattermost builds its spec by plain concatenation of `api/v4/source/*.yaml`, so a real
Mattermost tree works here unchanged. Positions in the merged text are mapped back to the
fragment and line they came from, because that is the file a contributor has to edit.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from scaffold.errors import RepoLayoutError, ValidationError
from scaffold.model.layout import RepoLayout
from scaffold.text.yaml import Loader, error_position, node_data

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

#: How many nodes aliases may add to the document once expanded. Fragments rarely use them;
#: a "billion laughs" document adds billions, and validating it would never end.
MAX_ALIAS_EXPANSION = 50_000
#: How deep mappings and sequences may nest: the validator recurses, and a real spec nests
#: a few dozen levels at most.
MAX_NESTING = 100


@dataclass(frozen=True)
class Fragment:
    """One file of the build list and where it starts in the merged text."""

    path: str
    text: str
    first_line: int  # 0-based line of the merged text where this fragment starts


@dataclass(frozen=True)
class MergedSpec:
    """The concatenated fragments, parsed."""

    text: str
    fragments: tuple[Fragment, ...]
    root: yaml.MappingNode
    data: dict[str, Any]

    def locate(self, merged_line: int) -> tuple[str, int]:
        """Map a 0-based line of the merged text to (fragment path, 1-based line)."""
        starts = [f.first_line for f in self.fragments]
        index = max(bisect.bisect_right(starts, merged_line) - 1, 0)
        fragment = self.fragments[index]
        return fragment.path, merged_line - fragment.first_line + 1

    def locate_node(self, node: yaml.Node) -> tuple[str, int]:
        return self.locate(node.start_mark.line)

    def counts(self) -> tuple[int, int]:
        """How many paths and operations the document holds."""
        paths = self.data.get("paths")
        return len(paths) if isinstance(paths, dict) else 0, sum(1 for _ in self.operations())

    def operations(self) -> Iterator[tuple[str, str, yaml.Node, dict[str, Any]]]:
        """Every (path, method, node, operation) of the document, in document order."""
        paths_node = mapping_value(self.root, "paths")
        paths = self.data.get("paths") or {}
        if not isinstance(paths_node, yaml.MappingNode) or not isinstance(paths, dict):
            return
        for key_node, item_node in paths_node.value:
            item = paths.get(key_node.value)
            if not isinstance(item_node, yaml.MappingNode) or not isinstance(item, dict):
                continue
            for method_node, operation_node in item_node.value:
                operation = item.get(method_node.value)
                if method_node.value in HTTP_METHODS and isinstance(operation, dict):
                    yield key_node.value, method_node.value, operation_node, operation


def read_fragments(layout: RepoLayout, read: Callable[[str], str | None]) -> list[tuple[str, str]]:
    """The (path, text) of every fragment in build order; `read` returns None for a missing file."""
    fragments = []
    for name in layout.build:
        path = layout.fragment_path(name)
        text = read(path)
        if text is None:
            raise RepoLayoutError(
                f"the build list names {name}, which does not exist",
                hint=f"create {path} or remove it from [docs] build in scaffold.toml",
                path=layout.config_path,
            )
        fragments.append((path, text))
    return fragments


def merge(
    fragments: list[tuple[str, str]], *, only: str | None = None, paths_of: set[str] | None = None
) -> MergedSpec:
    """Concatenate and parse fragments; report the fragment and line of any problem.

    With `only`, `data` holds that top-level key alone: building Python values for the whole
    document costs twice what reading it does, and planning an add needs only `components`.
    With `paths_of`, `data` holds the path items of those fragments alone (`root` still has
    them all): validating what a change touched needs no more.
    """
    text, placed = concatenate(fragments)
    merged = MergedSpec(text, placed, yaml.MappingNode("", []), {})
    try:
        root = yaml.compose(text, Loader=Loader)
    except yaml.YAMLError as err:
        error_line, problem = error_position(err, text)
        where: tuple[str, int | None] = (
            merged.locate(error_line) if error_line is not None else (placed[0].path, None)
        )
        raise ValidationError(
            f"YAML syntax error: {problem}",
            hint="fix the YAML of this fragment",
            path=where[0],
            line=where[1],
        ) from None
    if not isinstance(root, yaml.MappingNode):
        raise ValidationError(
            "the merged fragments are not a YAML mapping",
            hint="introduction.yaml must start with `openapi:`",
            path=placed[0].path,
        )
    merged = MergedSpec(text, placed, root, {})
    _check_structure(merged)
    if only is not None:
        root = yaml.MappingNode(root.tag, [(k, v) for k, v in root.value if k.value == only])
    if paths_of is not None and not _MAY_TAG_OR_MERGE.search(text):
        root = _with_paths_of(merged, root, paths_of)
    try:
        data = node_data(root)
    except (yaml.MarkedYAMLError, ValueError, TypeError) as err:
        # An explicit tag that does not fit its value (`!!int abc`) or that safe loading
        # refuses (`!!python/object`).
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        where = merged.locate(mark.line) if mark else (placed[0].path, None)
        problem = str(getattr(err, "problem", None) or err)
        raise ValidationError(
            f"YAML value error: {shorten(problem)}",
            hint="remove the explicit tag or fix the value",
            path=where[0],
            line=where[1],
        ) from None
    return MergedSpec(text, placed, merged.root, data)


def concatenate(fragments: list[tuple[str, str]]) -> tuple[str, tuple[Fragment, ...]]:
    """The merged text of the fragments, and where each starts in it."""
    placed, line = [], 0
    for index, (path, text) in enumerate(fragments):
        if index and text.startswith("\ufeff"):
            # Valid where a stream starts; in the middle of the concatenation, a YAML error
            # that libyaml reports lines later.
            raise ValidationError(
                "the fragment starts with a byte-order mark, which the merged spec cannot hold",
                hint="save it as UTF-8 without a BOM",
                path=path,
                line=1,
            )
        if text and not text.endswith("\n"):
            text += "\n"  # its last line would run into the next fragment's first
        placed.append(Fragment(path, text, line))
        line += text.count("\n")
    return "".join(fragment.text for fragment in placed), tuple(placed)


#: What makes building every path item's data worth its cost: an explicit tag (`!!int abc`,
#: `!!python/object`), refused wherever it stands, or a merge key, which may bring in what
#: would be left out. Text that merely looks like one (`Warning !`) costs only time.
_MAY_TAG_OR_MERGE = re.compile(r"(?:^|[\s\[{,])!|<<")


def _with_paths_of(merged: MergedSpec, root: yaml.MappingNode, fragments: set[str]) -> yaml.MappingNode:
    """`root` with only the path items whose key stands in `fragments`."""
    entries = []
    for key, value in root.value:
        if key.value == "paths" and isinstance(value, yaml.MappingNode):
            kept = [(k, v) for k, v in value.value if merged.locate_node(k)[0] in fragments]
            value = yaml.MappingNode(value.tag, kept, value.start_mark, value.end_mark, value.flow_style)
        entries.append((key, value))
    return yaml.MappingNode(root.tag, entries, root.start_mark, root.end_mark, root.flow_style)


def operation_id_nodes(root: yaml.Node) -> Iterator[yaml.ScalarNode]:
    """The operationId of every operation of the document, as its node (its value a string)."""
    paths = mapping_value(root, "paths")
    if not isinstance(paths, yaml.MappingNode):
        return
    for _, item in paths.value:
        if not isinstance(item, yaml.MappingNode):
            continue
        for method, operation in item.value:
            node = mapping_value(operation, "operationId") if method.value in HTTP_METHODS else None
            if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str":
                yield node


def mapping_value(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == key:
                return value_node  # type: ignore[no-any-return]
    return None


def key_node_at(root: yaml.Node, path: list[Any]) -> yaml.Node:
    """The node that names the end of a JSON path: the key of a mapping entry (the line a
    contributor edits: `body:`, `"200":`), a sequence item itself, or the deepest node along
    the path that exists."""
    node, found = root, root
    for part in path:
        if isinstance(node, yaml.MappingNode):
            entry = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if entry is None:
                break
            found, node = entry
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            found = node = node.value[part]
        else:
            break
    return found


def _check_structure(merged: MergedSpec) -> None:
    """Refuse keys defined twice, nesting deeper than MAX_NESTING, and aliases that expand
    the document by more than MAX_ALIAS_EXPANSION nodes (a "billion laughs")."""
    # YAML loaders keep the last of two equal keys silently; a path or an operation defined
    # twice (often in two fragments) would vanish from the spec without a word. Validating a
    # very deep or alias-bombed document would exhaust the stack or never end.
    # Scalars are neither pushed nor counted: they cannot repeat a key, nest, or make an
    # alias bomb, and they are most of the nodes (this walk visits every node of the spec).
    scalar, mapping, sequence = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode
    seen_nodes: set[int] = set()
    shared = False
    stack: list[tuple[yaml.Node, int]] = [(merged.root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen_nodes:
            shared = True  # an alias: the expanded size is measured below
            continue
        seen_nodes.add(id(node))
        if depth > MAX_NESTING:
            _raise_shape(merged, node, f"YAML nested more than {MAX_NESTING} levels deep",
                         "flatten it, e.g. with $ref to components")
        kind = type(node)
        if kind is mapping:
            keys: set[Any] = set()
            for key_node, value_node in node.value:
                if type(key_node) is scalar:
                    key = key_node.value
                else:
                    key = id(key_node)
                    stack.append((key_node, depth + 1))
                if key in keys:
                    raise_twice(merged, f"{key!s} is defined twice", _first_key(node, key), key_node)
                keys.add(key)
                if type(value_node) is not scalar:
                    stack.append((value_node, depth + 1))
        elif kind is sequence:
            stack.extend((child, depth + 1) for child in node.value if type(child) is not scalar)
    if shared:
        _check_expansion(merged)


def _first_key(node: yaml.Node, key: Any) -> yaml.Node:
    """The first key node of a mapping that is `key` (a scalar's value, or another node's id)."""
    first: yaml.Node = next(
        k for k, _ in node.value if (k.value if isinstance(k, yaml.ScalarNode) else id(k)) == key
    )
    return first


def _check_expansion(merged: MergedSpec) -> None:
    sizes: dict[int, tuple[int, int]] = {}  # id(node) → (nodes once aliases expand, height)
    # The nodes being expanded: those above the node at hand (every node pushed after one's
    # marker and before the marker comes off is inside it).
    expanding: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(merged.root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if not children_done:
            if id(node) in expanding:
                _raise_shape(merged, node, "a YAML alias stands inside the node it names: the "
                             "value would never end", "write the repeated part out, or use $ref")
            expanding.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        expanding.discard(id(node))
        done = [sizes[id(child)] for child in children]
        size, height = 1 + sum(s for s, _ in done), 1 + max((h for _, h in done), default=0)
        sizes[id(node)] = (size, height)
        if size - len(sizes) > MAX_ALIAS_EXPANSION:
            _raise_shape(merged, node, f"YAML aliases expand this node by more than {MAX_ALIAS_EXPANSION} "
                         "nodes (an alias bomb?)", "write the repeated parts out, or use $ref")
        if height > MAX_NESTING:
            _raise_shape(merged, node, f"YAML nested more than {MAX_NESTING} levels deep",
                         "flatten it, e.g. with $ref to components")


def _raise_shape(merged: MergedSpec, node: yaml.Node, problem: str, hint: str) -> None:
    path, line = merged.locate_node(node)
    raise ValidationError(problem, hint=hint, path=path, line=line)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def raise_twice(merged: MergedSpec, message: str, first: yaml.Node, second: yaml.Node) -> None:
    first_path, first_line = merged.locate_node(first)
    path, line = merged.locate_node(second)
    raise ValidationError(
        f"{message}: first at {first_path}:{first_line}",
        hint="remove or rename one of them",
        path=path,
        line=line,
    )


def shorten(message: str, limit: int = 160) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"
