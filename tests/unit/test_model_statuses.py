"""scaffold.model.statuses: the status matrix of DESIGN §5."""

from __future__ import annotations

import pytest

from scaffold.model.statuses import (
    CASE_SUFFIXES,
    CHECK_HELPERS,
    STATUS_OF_CHECK,
    default_success,
    status_matrix,
)

NONE = {
    "validates_input": False,
    "public": True,
    "permission": False,
    "names_resource": False,
    "etag": False,
    "body": False,
}


@pytest.mark.parametrize(
    ("success", "facts", "expected"),
    [
        pytest.param(200, {}, (200,), id="public-without-input"),
        pytest.param(200, {"public": False}, (200, 401), id="session"),
        pytest.param(201, {"validates_input": True}, (201, 400), id="body-on-a-public-route"),
        pytest.param(200, {"public": False, "permission": True}, (200, 401, 403), id="permission"),
        pytest.param(200, {"names_resource": True}, (200, 404), id="resource-by-id"),
        pytest.param(200, {"etag": True}, (200, 304), id="etag-sorted-before-400s"),
        pytest.param(
            204, {"validates_input": True, "public": False}, (204, 400, 401), id="no-content"
        ),
        pytest.param(
            200,
            {
                "validates_input": True,
                "public": False,
                "permission": True,
                "names_resource": True,
                "etag": True,
            },
            (200, 304, 400, 401, 403, 404),
            id="everything",
        ),
        pytest.param(202, {"public": False, "permission": True}, (202, 401, 403), id="accepted"),
        pytest.param(201, {"validates_input": True, "body": True}, (201, 400, 413), id="body-too-large"),
    ],
)
def test_status_matrix(success: int, facts: dict[str, bool], expected: tuple[int, ...]) -> None:
    assert status_matrix(success=success, **{**NONE, **facts}) == expected


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        pytest.param("POST", 201, id="post-creates"),
        pytest.param("post", 201, id="lower-case"),
        pytest.param("GET", 200, id="get"),
        pytest.param("PUT", 200, id="put"),
        pytest.param("PATCH", 200, id="patch"),
        pytest.param("DELETE", 200, id="delete"),
    ],
)
def test_default_success(method: str, expected: int) -> None:
    assert default_success(method) == expected


def test_an_action_answers_200() -> None:
    assert default_success("POST", action=True) == 200
    assert default_success("POST", action=False) == 201


def test_every_case_has_a_helper_and_every_helper_its_status() -> None:
    assert set(CASE_SUFFIXES) <= set(CHECK_HELPERS)
    assert all(STATUS_OF_CHECK[helper] == status for status, helper in CHECK_HELPERS.items())
    assert STATUS_OF_CHECK["check_not_modified_status"] == 304
