"""gorilla/mux path templates in their documented form.

A route's path variables may carry a pattern, `{user_id:[A-Za-z0-9]+}`: the docs write only
`{user_id}`. A pattern that admits only fixed words, `{syncable_type:teams|channels}`, is not a
parameter to the reader of the docs but a choice of paths, each documented on its own
(`/groups/{group_id}/teams/...` and `/groups/{group_id}/channels/...`).
"""

from __future__ import annotations

import itertools

from scaffold.errors import RepoLayoutError

#: What a fixed word of an alternation may hold.
_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
#: Ways a pattern makes a trailing slash optional (`websocket(?:\/)?`).
_OPTIONAL_SLASH = ("(?:\\/)?", "(?:/)?", "\\/?", "/?")


def documented_paths(template: str, path: str, line: int) -> list[str]:
    """Every documented path a template serves (one, unless a variable is a choice of words)."""
    pieces: list[list[str]] = []
    rest = template
    while "{" in rest:
        before, _, tail = rest.partition("{")
        variable, rest = _variable(tail, template, path, line)
        pieces.append([before])
        pieces.append(_forms(variable))
    pieces.append([rest])
    return ["".join(choice) for choice in itertools.product(*pieces)]


def fixed_variables(template: str) -> frozenset[str]:
    """The variables of a template that are a choice of words (`syncable_type`), not parameters."""
    fixed = set()
    rest = template
    while "{" in rest:
        variable, rest = _variable(rest.partition("{")[2], template, "", 0)
        name, _, pattern = variable.partition(":")
        if pattern and _fixed_words(pattern.strip()):
            fixed.add(name.strip())
    return frozenset(fixed)


def _variable(tail: str, template: str, path: str, line: int) -> tuple[str, str]:
    """The text of the variable that `tail` opens (its braces balanced), and what follows."""
    depth = 1
    for index, char in enumerate(tail):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return tail[:index], tail[index + 1 :]
    raise RepoLayoutError(
        f"unbalanced braces in the route path {template!r}",
        hint="close every {variable} of the path",
        path=path,
        line=line,
    )


def _forms(variable: str) -> list[str]:
    name, _, pattern = variable.partition(":")
    words = _fixed_words(pattern.strip()) if pattern else None
    return words if words else ["{" + name.strip() + "}"]


def _fixed_words(pattern: str) -> list[str] | None:
    """`teams|channels` → ['teams', 'channels']; None for a pattern that admits other text."""
    for optional in _OPTIONAL_SLASH:
        if pattern.endswith(optional):
            pattern = pattern[: -len(optional)]
            break
    words = pattern.split("|")
    if all(word and set(word) <= _WORD for word in words):
        return words
    return None
