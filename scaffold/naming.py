"""One name across the artifacts: operationId `GetUserStatus` ↔ `get_user_status`."""

from __future__ import annotations

import functools
import keyword
import re

#: The longest name a path segment or a field may have: names become keys of the YAML docs
#: (a plain key holds at most 1024 characters), Python names and file names (255 bytes at most).
MAX_NAME_LENGTH = 64

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def to_pascal(snake: str) -> str:
    """`get_user_status` → `GetUserStatus`."""
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_") if part)


@functools.lru_cache(maxsize=8192)  # the catalog asks for every test's name, once per endpoint
def to_snake(name: str) -> str:
    """`GetUserStatus` → `get_user_status`; `get_user_status` stays as it is."""
    return _CAMEL_BOUNDARY.sub("_", name).replace("-", "_").lower()


def is_snake_identifier(name: str) -> bool:
    """A lower-case snake_case Python identifier that is not a keyword."""
    return bool(_IDENTIFIER.match(name)) and not keyword.iskeyword(name)


def singular(word: str) -> str:
    """A resource name from a plural tag: `widgets` → `widget`, `status` stays."""
    if word.endswith("ies") and len(word) > 3:
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def humanize(snake: str) -> str:
    """`get_user_sessions` → `Get user sessions` (a default summary)."""
    words = snake.split("_")
    return " ".join([words[0].capitalize(), *words[1:]])


def dotted(path: str) -> str:
    """A module's dotted name from its repo-relative path: `server/api4/user.py` → `server.api4.user`."""
    return path.removesuffix(".py").replace("/", ".")


def tag_words(tag: str) -> list[str]:
    """The words of a tag's display name: `data retention` → data, retention; `OAuth` → oauth."""
    return [word for word in re.split(r"[^a-z0-9]+", tag.lower()) if word]


def fragment_name(tag: str) -> str:
    """The doc fragment a new tag gets: `widgets` → `widgets.yaml`, `audit logs` → `audit_logs.yaml`."""
    return "_".join(tag_words(tag)) + ".yaml"


def module_name(tag: str) -> tuple[str | None, str | None]:
    """The module stem of a tag's resource, and why it is not the plain singular when it is not.

    `users` → `user`; `data retention` → `data_retention`; `imports` → `imports`, because
    `import` is a Python keyword. None when no identifier can be made of the tag.
    """
    words = tag_words(tag)
    if not words or not words[0][0].isalpha():
        return None, None
    plain = "_".join([*words[:-1], singular(words[-1])])
    if is_snake_identifier(plain):
        return plain, None
    whole = "_".join(words)
    if whole != plain and is_snake_identifier(whole):
        return whole, f"{plain} is a Python keyword"
    return None, None


def edits_apart(a: str, b: str) -> int:
    """How many single-character edits — insert, delete, replace, swap two neighbours — turn
    `a` into `b` (the optimal string alignment distance): `usres` is 1 from `users`."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def looks_mistyped(mine: str, theirs: str) -> bool:
    """`mine` is most likely `theirs` mistyped: a character or two off (one for short names),
    or the same letters but for `_` and case."""
    if mine == theirs:
        return False
    if mine.replace("_", "").lower() == theirs.replace("_", "").lower():
        return True
    return edits_apart(mine, theirs) <= max(1, min(len(mine), len(theirs)) // 4)


def spelt(name: str, text: str) -> bool:
    """Whether the Python name `name` stands in `text` as a name of its own: not a part of a
    longer one, not an attribute (`x.name`). A comment or a string may hold it too: no more
    is told. Found with `str.find` first: a pattern that starts with a lookbehind is tried at
    every position of a 16,000-line module, a hundred times slower."""
    pattern = re.compile(rf"(?<![\w.]){re.escape(name)}\b")
    start = text.find(name)
    while start != -1:
        if pattern.match(text, start):
            return True
        start = text.find(name, start + 1)
    return False
