"""Values generated tests send: ones a correct implementation accepts, and ones it must refuse.

A valid value comes from what the repo says first (`[tests.fixtures]` for resources,
`[tests.values]` for fields the schema alone cannot fill, the actor's own resources), then from
the field's schema: an enum's first value, a number within its bounds, a fresh unique string of
an allowed length that matches its pattern. Where none can be known, the value is a placeholder
and the case says what to fill in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from scaffold.model.fields import Field
from scaffold.text.render import py_str

#: What `new_id()` returns: 26 characters of [a-z0-9]. A fresh string is a slice of one, led by
#: a letter; these stand for every such string when a pattern is tried.
_FRESH_SHAPES = ("n" + "abcdefghijklmnopqrstuvwxy", "n" + "0123456789012345678901234", "n" + "a1b2c3d4e5f6g7h8i9j0k1l2m")
_FRESH_DEFAULT = 12


@dataclass(frozen=True)
class Sample:
    """A Python expression for a value, and what is missing when it cannot be known valid."""

    code: str
    #: what the user must fill in, when the value is only a placeholder
    unknown: str | None = None


def valid_value(field: Field, given: Mapping[str, str]) -> Sample:
    """A value of `field` that a correct implementation accepts (see the module docstring)."""
    if field.name in given:
        return Sample(given[field.name])
    if field.id or field.name.endswith("_id"):
        return Sample("new_id()", f"make `{field.name}` name an existing resource")
    if field.enum:
        return Sample(py_str(field.enum[0]))
    if field.type == "boolean":
        return Sample("True")
    if field.type in ("integer", "number"):
        return Sample(_number(field))
    if field.format == "email" or field.name == "email" or field.name.endswith("_email"):
        return Sample('new_id()[:12] + "@example.com"')
    return _string(field)


def _number(field: Field) -> str:
    low, high = field.minimum, field.maximum
    value = low if low is not None else (1 if high is None or high >= 1 else high)
    assert value is not None
    return str(int(value)) if field.type == "integer" or float(value).is_integer() else str(value)


def _string(field: Field) -> Sample:
    low = field.min_length or 1
    high = field.max_length if field.max_length is not None else 64
    length = max(low, min(_FRESH_DEFAULT, high))
    if length <= len(_FRESH_SHAPES[0]) and _fits(field, [shape[:length] for shape in _FRESH_SHAPES]):
        # Fresh each run: names are often unique (a team, a username).
        return Sample(f'"n" + new_id()[:{length - 1}]' if length > 1 else '"n"')
    for candidate in (field.name, field.name.replace("_", "-"), "x" * low):
        if low <= len(candidate) <= high and _fits(field, [candidate]):
            return Sample(py_str(candidate))
    what = f"a value matching {field.pattern}" if field.pattern else f"a value of {low} to {high} characters"
    return Sample(py_str(field.name), f"give `{field.name}` {what}")


def _fits(field: Field, candidates: list[str]) -> bool:
    if field.pattern is None:
        return True
    try:
        pattern = re.compile(field.pattern)
    except re.error:
        return False
    return all(pattern.search(candidate) for candidate in candidates)


def invalid_value(field: Field) -> str:
    """A value of the right JSON type (as a query sends it: text) that `field` refuses."""
    if field.type != "string":
        return '"x"'  # no number, no boolean
    if field.enum:
        return py_str("x" + max(field.enum, key=len))
    if field.max_length is not None:
        return f'"x" * {field.max_length + 1}'
    if field.min_length:
        return '""'
    return '"!"'  # a pattern, a format or an id: none of them takes it


def refused_value(field: Field) -> str:
    """A value of the right JSON type that a body field's constraints refuse."""
    if field.type in ("integer", "number"):
        if field.minimum is not None:
            return _plain(field.minimum - 1)
        assert field.maximum is not None
        return _plain(field.maximum + 1)
    return invalid_value(field)


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def wrong_value(field: Field) -> str:
    """A value of the wrong JSON type for `field`."""
    return "1" if field.type == "string" else '"x"'


def body_items(fields: tuple[Field, ...], given: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """A valid body (field → expression), and what must be filled in to make it valid. An
    optional field scaffold cannot fill is left out."""
    items, unknown = {}, []
    for field in fields:
        sample = valid_value(field, given)
        if sample.unknown and not field.required:
            continue
        items[field.name] = sample.code
        if sample.unknown:
            unknown.append(sample.unknown)
    return items, unknown


def display(items: Mapping[str, str]) -> str:
    """A dict display of field → expression."""
    return "{" + ", ".join(f"{py_str(name)}: {code}" for name, code in items.items()) + "}"
