"""Where sibling modules import a name from, so new code imports it the same way."""

from __future__ import annotations

import ast
from collections.abc import Iterable


def import_source(texts: Iterable[str | None], name: str) -> str | None:
    """The module that `from X import name` names in the first text that imports `name`."""
    for text in texts:
        if not text or name not in text:
            continue
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
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
