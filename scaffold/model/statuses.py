"""The status matrix of DESIGN §5, and the test helpers that assert each status.

One matrix serves both directions: `endpoint add` reads it forward (the options of a new
endpoint → the codes its doc lists and its tests cover) and `check` backward (what a route and
its handler do → the codes they can answer).
"""

from __future__ import annotations

#: The codes an endpoint may answer on success.
SUCCESS_STATUSES = (200, 201, 202, 204)

#: The helper of the tests that asserts each status (`check_etag` takes the data too).
CHECK_HELPERS = {
    200: "check_ok_status",
    201: "check_created_status",
    202: "check_accepted_status",
    204: "check_no_content_status",
    304: "check_etag",
    400: "check_bad_request_status",
    401: "check_unauthorized_status",
    403: "check_forbidden_status",
    404: "check_not_found_status",
    413: "check_request_entity_too_large_status",
    501: "check_not_implemented_status",
}

#: The test a generated matrix names for each status (`test_<name><suffix>`; the success case
#: is `test_<name>` itself).
CASE_SUFFIXES = {
    304: "_etag",
    401: "_unauthorized",
    403: "_forbidden",
    404: "_not_found",
    413: "_too_large",
}

#: Every helper a test may assert a status with, and the status it asserts.
STATUS_OF_CHECK = {
    **{helper: status for status, helper in CHECK_HELPERS.items()},
    "check_not_modified_status": 304,
}


#: Every code a generated test can assert, and so every code `--statuses` may list.
TESTABLE_STATUSES = (*SUCCESS_STATUSES, 304, 400, 401, 403, 404, 413)


def default_success(method: str, *, action: bool = False) -> int:
    """The success status of an endpoint that says none: a POST creates, unless it is an
    action on a resource (`POST /channels/{channel_id}/pin` answers 200)."""
    return 201 if method.upper() == "POST" and not action else 200


def status_matrix(
    *,
    success: int,
    validates_input: bool,
    public: bool,
    permission: bool,
    names_resource: bool,
    etag: bool,
    body: bool,
) -> tuple[int, ...]:
    """The codes an endpoint can answer: its success; 400 when it validates a path parameter
    or a body; 401 unless public; 403 when it checks a permission; 404 when its path names a
    resource by id; 304 when it answers with an Etag; 413 when it reads a body."""
    codes = {success}
    if validates_input:
        codes.add(400)
    if not public:
        codes.add(401)
    if permission:
        codes.add(403)
    if names_resource:
        codes.add(404)
    if etag:
        codes.add(304)
    if body:
        codes.add(413)
    return tuple(sorted(codes))
