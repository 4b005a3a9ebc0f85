"""The mechanical fixes of a hand-written doc operation: a shared response added to its
`responses`, its operationId renamed.

Each fix is a splice of whole lines (or of one scalar) at positions read from the composed
fragment, written like its neighbours — the key quoted as the sibling keys are, indented as
they are, with the fragment's own line ending — so every other byte stays as it was. The
fixes of one fragment are planned against one reading of it and applied bottom up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from scaffold.text.yaml import Entry, compose, entries


@dataclass(frozen=True)
class Splice:
    """Replace 0-based lines [start, end) of a fragment with `lines`."""

    start: int
    end: int
    lines: tuple[str, ...]


def apply_splices(text: str, splices: list[Splice]) -> str:
    lines = text.splitlines(keepends=True)
    for splice in sorted(splices, key=lambda s: (s.start, s.end), reverse=True):
        lines[splice.start : splice.end] = splice.lines
    return "".join(lines)


class FragmentFixes:
    """The fixes of one fragment, planned against its text as read once."""

    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.lines = text.splitlines(keepends=True)
        root = compose(text, path)
        self.root = root if isinstance(root, yaml.MappingNode) else None
        self.splices: list[Splice] = []

    def result(self) -> str:
        return apply_splices(self.text, self.splices)

    def add_response(self, operation_line: int, status: int, component: str) -> bool:
        """Add `"<status>": $ref: "#/components/responses/<component>"` to the responses of
        the operation whose method key is on 1-based `operation_line`, in code order."""
        responses = self._responses(operation_line)
        if responses is None or not responses.value:
            return False
        spans = self._entries(responses)
        codes = [(int(e.key) if e.key.isdigit() else 0, e) for e in spans]
        after = [e for code, e in codes if code > status]
        model = spans[0]
        first = self.lines[model.start]
        quoted = re.match(r"(\s*)(['\"]?)", first)
        assert quoted is not None  # the pattern matches any line
        key = f"{quoted[1]}{quoted[2]}{status}{quoted[2]}:"
        child = self._child_indent(model) or model.indent + 2
        ending = "\r\n" if first.endswith("\r\n") else "\n"
        block = (key + ending, " " * child + f'$ref: "#/components/responses/{component}"' + ending)
        at = after[0].start if after else spans[-1].end
        self.splices.append(Splice(at, at, block))
        return True

    def rename_operation_id(self, line: int, old: str, new: str) -> bool:
        """`operationId: old` → `operationId: new` on 1-based `line`, its quoting kept."""
        text = self.lines[line - 1]
        pattern = re.compile(rf"^(\s*operationId:\s*)(['\"]?){re.escape(old)}\2(\s*(#.*)?)$", re.DOTALL)
        match = pattern.match(text)
        if match is None:
            return False
        quote = match.group(2)
        renamed = f"{match.group(1)}{quote}{new}{quote}{match.group(3)}"
        self.splices.append(Splice(line - 1, line, (renamed,)))
        return True

    def _responses(self, operation_line: int) -> yaml.MappingNode | None:
        if self.root is None:
            return None
        for _, item in self.root.value:
            if not isinstance(item, yaml.MappingNode):
                continue
            for method, operation in item.value:
                if method.start_mark.line + 1 == operation_line and isinstance(operation, yaml.MappingNode):
                    found = next((v for k, v in operation.value if k.value == "responses"), None)
                    return found if isinstance(found, yaml.MappingNode) else None
        return None

    def _entries(self, mapping: yaml.MappingNode) -> list[Entry]:
        """The entries of a block mapping, the last one ending where the mapping does."""
        end = mapping.end_mark
        before = self.lines[end.line][: end.column] if end.line < len(self.lines) else ""
        return entries(mapping, self.lines, end.line + (1 if before.strip() else 0))

    def _child_indent(self, entry: Entry) -> int | None:
        """The indentation of the first line inside a sibling entry."""
        for line in self.lines[entry.start + 1 : entry.end]:
            if line.strip():
                return len(line) - len(line.lstrip(" "))
        return None
