"""Endpoint: everything the five artifacts of one METHOD + path are generated from.

Built from the command line by `scaffold.model.options.parse_endpoint` and checked once there,
so the planners can trust it: names are identifiers, the path is well formed, the options agree
with each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from scaffold.model.fields import Field, value_checks
from scaffold.model.layout import Auth
from scaffold.model.statuses import CASE_SUFFIXES, status_matrix
from scaffold.naming import singular, to_pascal, to_snake


class HttpMethod(str, Enum):
    GET = "GET"
    POST = "POST"
    PUT = "PUT"
    PATCH = "PATCH"
    DELETE = "DELETE"


#: The five artifacts of an endpoint, in checklist order (the fifth item is the change itself).
ARTIFACTS = ("docs", "route", "handler", "driver", "tests")

# A POST or PUT to one of these after a resource is an action on it (`/posts/{id}/pin`).
ACTION_VERBS = frozenset(
    "pin unpin patch restore move convert archive unarchive login logout activate deactivate "
    "join leave search view read upload import export invite promote demote reset verify attach "
    "detach regenerate revoke enable disable approve reject publish sync test".split()
)


@dataclass(frozen=True)
class Endpoint:
    """One METHOD + path and what its artifacts must say."""

    method: HttpMethod
    path: str  # without the API prefix, params as {name}
    tag: str
    resource: str
    operation_id: str
    summary: str
    description: str
    auth: Auth = Auth.SESSION
    permission: str | None = None
    body_fields: tuple[Field, ...] = ()
    body_schema: str | None = None
    query: tuple[Field, ...] = ()
    response_schema: str | None = None
    #: the success response is a list (`--response Name[]`, or a GET of a collection)
    response_list: bool = False
    status: int = 200
    etag: bool = False
    section: str = ""
    prefix: str = "/api/v4"
    #: the documented codes, when they are not the derived matrix (`--statuses`)
    documented: tuple[int, ...] | None = None
    #: the doc fragment (a file name in [docs] source) the tag's path items live in
    fragment: str = ""
    #: the path parameters the repo has a check of their own for (`require_username`)
    validators: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        """The snake_case name of the handler, app function, driver method and tests."""
        return to_snake(self.operation_id)

    @property
    def path_params(self) -> tuple[str, ...]:
        return params_of(self.path)

    @property
    def validated_params(self) -> tuple[str, ...]:
        """The path parameters the handler validates (400): every id, and those the repo has a
        check for. Any other is taken as it comes: nothing of it can be refused."""
        return tuple(p for p in self.path_params if p.endswith("_id") or p in self.validators)

    @property
    def full_path(self) -> str:
        return self.prefix + self.path

    @property
    def has_body(self) -> bool:
        return bool(self.body_fields) or self.body_schema is not None

    @property
    def is_public(self) -> bool:
        return self.auth is Auth.PUBLIC

    @property
    def validated_query(self) -> tuple[str, ...]:
        """The query parameters a value of which can be refused (400)."""
        return tuple(f.name for f in self.query if f.validated)

    @property
    def is_action(self) -> bool:
        return is_action(self.method.value, self.path)

    def derived_statuses(self) -> tuple[int, ...]:
        """The status matrix of DESIGN §5 for this endpoint."""
        return status_matrix(
            success=self.status,
            # A generated handler validates its path and body; query parameters only as the
            # Context reads them, so a 400 for one is the doc's to promise (`--statuses`).
            validates_input=bool(self.validated_params or self.has_body),
            public=self.is_public,
            permission=bool(self.permission),
            names_resource=any(p.endswith("_id") for p in self.path_params),
            etag=self.etag,
            body=self.has_body,
        )

    def statuses(self) -> tuple[int, ...]:
        """The codes the doc lists and the tests cover: the matrix, unless said otherwise."""
        return self.documented if self.documented is not None else self.derived_statuses()


def params_of(path: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\{([^}]+)\}", path))


def is_collection(path: str) -> bool:
    """The last segment is a plural noun, not an id: a GET of it reads a list."""
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return not last.startswith("{") and last.endswith("s") and singular(last) != last


def is_action(method: str, path: str) -> bool:
    """A POST or PUT whose last segment names an action on what precedes it (`…/pin`)."""
    segments = path.strip("/").split("/")
    return (
        method.upper() in ("POST", "PUT")
        and len(segments) > 1
        and not segments[-1].startswith("{")
        and segments[-1] in ACTION_VERBS
    )


def derive_operation_id(method: HttpMethod, path: str) -> str:
    """A Mattermost-style operation name: GET /users/{user_id}/sessions → GetUserSessions."""
    segments = path.strip("/").split("/")
    literals = [
        (segment, i + 1 < len(segments) and segments[i + 1].startswith("{"))
        for i, segment in enumerate(segments)
        if not segment.startswith("{")
    ]
    verb = {"GET": "Get", "PUT": "Update", "PATCH": "Patch", "DELETE": "Delete", "POST": "Create"}[
        method.value
    ]
    if is_action(method.value, path):
        verb = to_pascal(literals.pop()[0].replace("-", "_"))
    nouns = []
    for index, (literal, followed_by_param) in enumerate(literals):
        is_last = index == len(literals) - 1
        if followed_by_param or (is_last and method is HttpMethod.POST and verb == "Create"):
            literal = singular(literal)
        nouns.append(to_pascal(re.sub(r"[.-]", "_", literal)))
    return verb + "".join(nouns)


def distinct_operation_id(method: HttpMethod, path: str, operation_id: str, other: str) -> str | None:
    """Another name for the endpoint whose derived `operation_id` the endpoint at path `other`
    has: `GetEmojiList` for the list `GET /emoji` beside its item `/emoji/{emoji_id}`, and for
    a path ending in a parameter, the name by it (`GetEmojiById`, `GetUserByThing`). None when
    no other name follows from the path."""
    segments = path.strip("/").split("/")
    last = segments[-1]
    if not last.startswith("{"):
        item = re.fullmatch(re.escape(path) + r"/\{[^}]+\}", other)
        return operation_id + "List" if method is HttpMethod.GET and item else None
    param = last[1:-1]
    before = segments[-2] if len(segments) > 1 and not segments[-2].startswith("{") else ""
    noun = re.sub(r"[.-]", "_", singular(before)) + "_"
    return operation_id + "By" + to_pascal(param.removeprefix(noun) if before else param)


def case_names(
    name: str,
    statuses: tuple[int, ...],
    validated: tuple[str, ...],
    fields: tuple[Field, ...],
    *,
    body: bool,
) -> dict[str, int]:
    """The test functions of the generated matrix, each with the status it asserts.

    `validated` are the path and query parameters a value of which is refused; `fields` the
    body's fields. One 400 case per validated parameter, and for a body: one that is not an
    object, one per required field left out, one with a field of the wrong type, and one per
    field whose doc constrains its value (a length, a range, an enum, a pattern, a format).
    """
    test = f"test_{name}"
    cases: dict[str, int] = {}
    for status in statuses:
        if 200 <= status < 300:
            cases[test] = status
        elif status == 400:
            cases.update({f"{test}_bad_{param}": 400 for param in validated})
            if body:
                cases[f"{test}_body_not_object"] = 400
                cases.update({f"{test}_missing_{f.name}": 400 for f in fields if f.required})
                if fields:
                    cases[f"{test}_wrong_{fields[0].name}_type"] = 400
                constrained = [f for f in fields if value_checks(f) and f.name not in validated]
                cases.update({f"{test}_bad_{f.name}": 400 for f in constrained})
        elif status in CASE_SUFFIXES:
            cases[test + CASE_SUFFIXES[status]] = status
    return cases


__all__ = [
    "ARTIFACTS",
    "Endpoint",
    "Field",
    "HttpMethod",
    "case_names",
    "derive_operation_id",
    "distinct_operation_id",
]
