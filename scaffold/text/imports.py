"""Where sibling modules import a name from, so new code imports it the same way."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from scaffold.text.head import split_head


def import_source(texts: Iterable[str | None], name: str) -> str | None:
    """The module that `from X import name` names in the first text that imports `name`: its
    first such import, top-level ones first, then those in functions (`ast.walk`'s order)."""
    for text in texts:
        if not text or name not in text:
            continue
        # A module's imports stand at its head: a top-level one there is the first a walk of
        # the whole module meets, and the rest (a 16,000-line test module) need not be parsed.
        try:
            found = _first_import(ast.parse(split_head(text)[0]).body, name)
            if found is None:
                found = _first_import(ast.walk(ast.parse(text)), name)
        except SyntaxError:
            continue
        if found is not None:
            return found
    return None


def _first_import(nodes: Iterable[ast.AST], name: str) -> str | None:
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if any(alias.name == name and alias.asname is None for alias in node.names):
                return node.module
    return None


def module_alias(tree: ast.Module, package: str, module: str) -> str | None:
    """The local name under which a module imports `package.module` (`from package import
    module as x`), read from its `ast`."""
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == package:
            for alias in node.names:
                if alias.name == module:
                    return alias.asname or alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == f"{package}.{module}" and alias.asname:
                    return alias.asname
    return None
