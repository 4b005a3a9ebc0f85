"""One name across the artifacts: operationId `GetUserStatus` ↔ `get_user_status`."""

from __future__ import annotations

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
