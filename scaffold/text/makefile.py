"""Edits of a Makefile's build list: one `cat` line per fragment, added and taken out as text.

A new fragment's line is a copy of a neighbour's line with the fragment's name in place of
the neighbour's, inserted after the line of the fragment it follows in the build list: so it
has the recipe's own tab, `@`, variables, redirection and line ending.
"""

from __future__ import annotations

import re

from scaffold.errors import RepoLayoutError
from scaffold.repo.buildlist import Mention, fragment_mentions
from scaffold.text.python import split_lines


def add_fragment_line(text: str, source: str, name: str, after: str, path: str) -> str:
    """Concatenate `name` right after `after` in the Makefile `text` (at `path`)."""
    mentions = fragment_mentions(text, source)
    lines = split_lines(text)
    anchor = next((m for m in mentions if m.name == after), None)
    template = _simple_line(mentions, lines, anchor)
    if anchor is None or template is None:
        raise RepoLayoutError(
            f"{path} has no line that concatenates one fragment alone, to add {name} beside it",
            hint=f"add a line that concatenates {name} after {after} to {path} by hand, then run again",
            path=path,
        )
    line = lines[template.line]
    new = line[: template.start] + name + line[template.end :]
    if not new.endswith("\n"):
        new += _newline(lines)
    at = anchor.line + 1
    if at == len(lines) and not lines[-1].endswith("\n"):
        lines[-1] += _newline(lines)
        new = new.rstrip("\r\n")  # the file ended without a newline, and still does
    return "".join(lines[:at] + [new] + lines[at:])


def remove_fragment_line(text: str, source: str, name: str, path: str) -> str:
    """Take the line that concatenates `name` out of the Makefile `text` (at `path`)."""
    mentions = fragment_mentions(text, source)
    lines = split_lines(text)
    mention = next((m for m in mentions if m.name == name), None)
    if mention is None:
        return text
    if not _alone(mentions, lines, mention):
        raise RepoLayoutError(
            f"the line that concatenates {name} does more than that",
            hint=f"take {name} out of that line by hand",
            path=path,
            line=mention.line + 1,
        )
    removed = lines[mention.line]
    del lines[mention.line]
    if lines and not removed.endswith("\n") and mention.line == len(lines):
        lines[-1] = lines[-1].rstrip("\r\n")  # it was the last line, without a newline
    return "".join(lines)


def _simple_line(mentions: list[Mention], lines: list[str], anchor: Mention | None) -> Mention | None:
    """The anchor's line when it concatenates its fragment alone, else the nearest such line."""
    if anchor is None:
        return None
    simple = [m for m in mentions if _alone(mentions, lines, m)]
    return min(simple, key=lambda m: (abs(m.line - anchor.line), m.line > anchor.line), default=None)


def _alone(mentions: list[Mention], lines: list[str], mention: Mention) -> bool:
    """The line is one command that concatenates this fragment and no other."""
    line = lines[mention.line]
    others = [m for m in mentions if m.line == mention.line and m is not mention]
    compound = re.search(r"\b(?:if|then|else|fi)\b|&&|\|\||;", line) is not None
    return not others and not compound and not line.rstrip("\r\n").endswith("\\")


def _newline(lines: list[str]) -> str:
    first = next((line for line in lines if line.endswith("\n")), "\n")
    return "\r\n" if first.endswith("\r\n") else "\n"
