"""What every remover of one `endpoint remove` shares: which parts go, which were edited by hand
and stay, and how a part is cut out of a module.

A part is removed only while it is still what scaffold generates for the endpoint; a part
edited by hand since is reported with its diff and the whole removal is refused, unless forced.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field

from scaffold.artifacts.context import PlanContext
from scaffold.scan.facts import Location
from scaffold.text.head import drop_unused_imports, head_edit_parses
from scaffold.text.python import Source, first_line, names_in


@dataclass(frozen=True)
class EditedPart:
    """A part that differs from what scaffold generates: kept unless forced."""

    artifact: str
    location: Location
    diff: str


@dataclass
class Removal:
    """The removal of one endpoint's parts from a workspace, part by part."""

    ctx: PlanContext
    force: bool = False
    removed: dict[str, list[Location]] = field(default_factory=dict)
    edited: list[EditedPart] = field(default_factory=list)
    #: parts left in place on purpose (an app function that is no longer the stub)
    kept: list[str] = field(default_factory=list)
    #: names the removed code used, per module: imports of them may have become unused
    used: dict[str, set[str]] = field(default_factory=dict)
    #: names the code left in a module is seen to use, per module cut once (read off the
    #: statements left in the part of it parsed): their imports stay, unlooked for
    still_used: dict[str, set[str]] = field(default_factory=dict)

    def accept(self, artifact: str, location: Location, expected: str, actual: str) -> bool:
        """True when the part may go: it is what scaffold generates, or removal is forced."""
        if expected == actual or self.force:
            self.removed.setdefault(artifact, []).append(location)
            return True
        self.edited.append(EditedPart(artifact, location, _diff(expected, actual, location.path)))
        return False

    def cut(
        self, path: str, source: Source, node: ast.stmt, first: int, last: int, rest: str = "",
        *, near: Sequence[ast.stmt] = (),
    ) -> None:
        """Write `path` without lines `first`..`last` (which hold `node`), `rest` in their place;
        `near`: statements the cut leaves, read for the names they use (a method's neighbours
        in a 9,000-line class)."""
        self._cutting(path, [node], near)
        self.ctx.workspace.write(path, source.without({(first, last): rest}))

    def cut_top_level(self, path: str, source: Source, *nodes: ast.stmt, near: Sequence[ast.stmt] = ()) -> None:
        """Remove top-level statements, each with the lines that lead it; `near`: as `cut`'s."""
        body = source.tree.body
        cuts = {}
        for node in nodes:
            index = body.index(node)
            # The lines leading a module's first statement are the module's header: they stay.
            span = (first_line(node), source.end_of(node)) if index == 0 else source.region(body, index, 0)
            cuts[span] = ""
        # A definition owns its lines (nothing can share the line it starts or ends): taking
        # whole definitions out of a module that parsed leaves one that compiles as it did.
        definitions = all(isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) for node in nodes)
        # Of a part of a module (a test module's last tests, `Source.parse_from`), the statements
        # left are read for the names they use.
        left = [node for node in body if node not in nodes] if source.start > 1 else near
        self._cutting(path, nodes, left)
        self.ctx.workspace.write(path, source.without(cuts), cut_from_parsed=definitions)

    def _cutting(self, path: str, cut: Sequence[ast.stmt], left: Sequence[ast.stmt]) -> None:
        """A cut of `path` takes `cut` and leaves `left` (some of what it leaves): the names
        `left` uses keep their imports without a symbol table of the whole module — after the
        first cut of a module only, for a later one may take what was read."""
        first_cut = path not in self.used
        self.still_used.pop(path, None)
        if first_cut and left:
            self.still_used[path] = set().union(*map(names_in, left))
        for node in cut:
            self.used.setdefault(path, set()).update(names_in(node))

    def drop_unused_imports(self) -> None:
        """Imports of names only the removed code used go too."""
        workspace, line_length = self.ctx.workspace, self.ctx.layout.line_length
        for path, names in self.used.items():
            text = workspace.read_or_none(path)
            if text is not None:
                dropped = drop_unused_imports(text, names, line_length, used=self.still_used.get(path, set()))
                # Only the head changed, and it parses: the module compiles as it did.
                kept = workspace.cut_from_parsed(path) and head_edit_parses(text, dropped)
                workspace.write(path, dropped, cut_from_parsed=kept)


#: How many statements on each side of one cut are read for the names they use: enough that
#: the imports it used are seen used by the definitions of its kind around it.
NEIGHBOURS = 20


def neighbours(body: list[ast.stmt], node: ast.stmt) -> list[ast.stmt]:
    """The statements around `node` in `body` that a cut of it leaves (see `Removal.cut`)."""
    position = body.index(node)
    return [*body[max(position - NEIGHBOURS, 0) : position], *body[position + 1 : position + 1 + NEIGHBOURS]]


def _diff(expected: str, actual: str, path: str) -> str:
    return "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=f"generated/{path}",
            tofile=f"current/{path}",
        )
    )
