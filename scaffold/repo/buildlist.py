"""The build list a Makefile keeps: the fragments its recipes `cat` together, in order.

Mattermost's `api/Makefile` builds the published spec by concatenating the fragments one `cat`
line each; a fragment missing there is silently left out of the spec. So where the docs have
such a Makefile (in [docs] source or a directory above it, up to the repo's top), it is a
build list too: read from it when scaffold.toml gives none, and held equal to scaffold.toml's
when both do — a repo where they disagree is refused until they agree.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, replace

from scaffold.errors import RepoLayoutError
from scaffold.model.layout import RepoLayout
from scaffold.repo.files import Reader

MAKEFILE = "Makefile"

_ASSIGN = re.compile(r"^(?:export\s+|override\s+)*([A-Za-z_][A-Za-z0-9_.-]*)\s*(?::{1,3}=|\?=|\+=|!=|=)\s*(.*?)\s*$")
_REFERENCE = re.compile(r"\$(?:\(([A-Za-z_][A-Za-z0-9_.-]*)\)|\{([A-Za-z_][A-Za-z0-9_.-]*)\})")
_WORD = re.compile(r"(?:\$\([^()]*\)|\$\{[^{}]*\}|[^\s;|&<>])+")
#: what an expansion cannot know (a function's result, an unset variable) stands as this
_UNKNOWN = "\0"


@dataclass(frozen=True)
class Mention:
    """A fragment a recipe line concatenates: its name, and where the name stands."""

    name: str
    line: int  # 0-based
    start: int
    end: int


def fragment_mentions(text: str, source: str) -> list[Mention]:
    """Every `cat` of a fragment of `source` (the docs directory, relative to the Makefile's
    own directory: `v4/source`), in the order of the Makefile's lines."""
    lines = text.splitlines()
    variables: dict[str, str] = {}
    for line in lines:
        match = _ASSIGN.match(line)
        if match and not line.startswith("\t"):
            variables[match.group(1)] = match.group(2)
    source = posixpath.normpath(source) if source else "."
    mentions = []
    for number, line in enumerate(lines):
        if not line.startswith("\t") or not re.search(r"\bcat\b", line):
            continue
        for word in _WORD.finditer(line):
            directory, slash, name = _expand(word.group(), variables).rpartition("/")
            if not name.endswith((".yaml", ".yml")) or not word.group().endswith("/" + name if slash else name):
                continue  # not a fragment, or one named through a variable: not an entry to edit
            # `$(ROOT)/v4/source`: what precedes a part it cannot know is the Makefile's directory.
            known = re.split(r"[\0)}]", directory)[-1].strip("/") if slash else "."
            if posixpath.normpath(known or ".") == source:
                end = word.end()
                mentions.append(Mention(name, number, end - len(name), end))
    return mentions


def _expand(word: str, variables: dict[str, str], depth: int = 0) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        if depth > 8 or name not in variables:
            return _UNKNOWN
        return _expand(variables[name], variables, depth + 1)

    return _REFERENCE.sub(value, word)


def find_makefile(layout: RepoLayout, read: Reader) -> tuple[str, list[Mention]] | None:
    """The nearest Makefile, from [docs] source up to the repo's top, that concatenates the
    fragments: its repo-relative path and its mentions of them."""
    directory = layout.docs_source
    root = layout.root.resolve()
    while True:
        path = posixpath.join(directory, MAKEFILE) if directory else MAKEFILE
        # A directory linked out of the repo is not looked into (opening the repo refuses it).
        inside = (root / path).resolve().is_relative_to(root)
        text = read(path) if inside else None
        if text is not None:
            source = posixpath.relpath(layout.docs_source, directory or ".")
            mentions = fragment_mentions(text, "" if source == "." else source)
            if mentions:
                return path, mentions
        if not directory:
            return None
        directory = posixpath.dirname(directory)


def with_build_list(layout: RepoLayout, read: Reader) -> RepoLayout:
    """The layout with the Makefile that builds its docs, if any; its build list read from that
    Makefile when scaffold.toml gives none. Refused when the two lists disagree."""
    found = find_makefile(layout, read)
    if found is None:
        if not layout.build:
            raise RepoLayoutError(
                "[docs] build is missing, and no Makefile concatenates the fragments",
                hint="list the fragments in [docs] build of scaffold.toml, introduction first and definitions last",
                path=layout.config_path,
            )
        return layout
    path, mentions = found
    names = list(dict.fromkeys(m.name for m in mentions))
    if not layout.build:
        return replace(layout, build=tuple(names), makefile=path)
    if names != list(layout.build):
        raise _disagreement(layout, path, mentions, names)
    return replace(layout, makefile=path)


def _disagreement(layout: RepoLayout, path: str, mentions: list[Mention], names: list[str]) -> RepoLayoutError:
    build = list(layout.build)
    hint = f"make {path} and [docs] build in scaffold.toml list the same fragments in the same order"
    extra = [name for name in names if name not in build]
    if extra:
        line = next(m.line for m in mentions if m.name == extra[0]) + 1
        return RepoLayoutError(
            f"{path} concatenates {extra[0]}, which [docs] build of scaffold.toml does not list",
            hint=hint, path=path, line=line,
        )
    missing = [name for name in build if name not in names]
    if missing:
        return RepoLayoutError(
            f"[docs] build lists {missing[0]}, which {path} does not concatenate: "
            "the spec the Makefile builds would leave it out",
            hint=hint, path=layout.config_path,
        )
    index = next(i for i, (a, b) in enumerate(zip(names, build)) if a != b)
    line = next(m.line for m in mentions if m.name == names[index]) + 1
    return RepoLayoutError(
        f"{path} concatenates {names[index]} where [docs] build of scaffold.toml has {build[index]}",
        hint=hint, path=path, line=line,
    )
