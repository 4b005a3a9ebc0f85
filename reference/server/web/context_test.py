"""The Context's value checks: each refuses exactly what the docs' schemas refuse."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.requests import Request

from server.app.app import App
from server.model.ids import new_id
from server.web.context import Context


def check(body: dict[str, Any], **rules: Any) -> str | None:
    """The field require_values refuses in body (None when it takes it)."""
    request = Request({"type": "http", "method": "POST", "path": "/", "headers": [], "query_string": b""})
    c = Context(App.__new__(App), request, b"", "r")
    c.require_values(body, **rules)
    return None if c.err is None else c.err.message


@pytest.mark.parametrize(
    ("value", "refused"),
    [("", True), ("a", False), ("a" * 64, False), ("a" * 65, True)],
)
def test_lengths_include_their_bounds(value: str, refused: bool) -> None:
    assert (check({"name": value}, lengths={"name": (1, 64)}) is not None) is refused


def test_a_length_counts_characters_not_bytes() -> None:
    assert check({"name": "é" * 3}, lengths={"name": (None, 3)}) is None


@pytest.mark.parametrize(("value", "refused"), [(-1, True), (0, False), (200, False), (201, True)])
def test_ranges_include_their_bounds(value: int, refused: bool) -> None:
    assert (check({"per_page": value}, ranges={"per_page": (0, 200)}) is not None) is refused


def test_choices_patterns_and_formats() -> None:
    assert check({"type": "X"}, choices={"type": ("O", "P")}) == "Invalid or missing type in request body."
    assert check({"type": "O"}, choices={"type": ("O", "P")}) is None
    assert check({"slug": "a b"}, patterns={"slug": "^[a-z-]+$"}) is not None
    assert check({"slug": "ab-c"}, patterns={"slug": "^[a-z-]+$"}) is None
    assert check({"team_id": "junk"}, formats={"team_id": "id"}) is not None
    assert check({"team_id": new_id()}, formats={"team_id": "id"}) is None
    assert check({"email": "a@b"}, formats={"email": "email"}) is None
    assert check({"email": "a b@c"}, formats={"email": "email"}) is not None
    assert check({"at": "2024-01-02T03:04:05Z"}, formats={"at": "date-time"}) is None
    assert check({"at": "2024-01-02"}, formats={"at": "date-time"}) is not None


def test_an_absent_or_null_field_is_not_checked() -> None:
    assert check({}, lengths={"name": (1, 64)}, formats={"team_id": "id"}) is None
    assert check({"team_id": None}, formats={"team_id": "id"}) is None


def test_the_first_failure_is_the_error() -> None:
    assert check({"a": "", "b": "x"}, lengths={"a": (1, None)}, choices={"b": ("y",)}) == (
        "Invalid or missing a in request body."
    )
