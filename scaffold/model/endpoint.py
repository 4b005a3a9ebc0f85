"""Endpoint: everything the five artifacts of one METHOD + path are generated from.

Built from the command line (`parse_endpoint`) and checked once here, so the planners can
trust it: names are identifiers, the path is well formed, the options agree with each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from scaffold.errors import UsageError
from scaffold.model.layout import Auth, RepoLayout
from scaffold.model.statuses import SUCCESS_STATUSES, default_success, status_matrix
from scaffold.naming import humanize, is_snake_identifier, singular, to_pascal, to_snake


class HttpMethod(str, Enum):
    GET = "GET"
    POST = "POST"
    PUT = "PUT"
    PATCH = "PATCH"
    DELETE = "DELETE"


#: The five artifacts of an endpoint, in checklist order (the fifth item is the change itself).
ARTIFACTS = ("docs", "route", "handler", "driver", "tests")

# Field types of --body and --query, as they are spelled in OpenAPI and in Python.
FIELD_TYPES = {
    "string": ("string", "str"),
    "str": ("string", "str"),
    "integer": ("integer", "int"),
    "int": ("integer", "int"),
    "number": ("number", "float"),
    "float": ("number", "float"),
    "boolean": ("boolean", "bool"),
    "bool": ("boolean", "bool"),
}

# A POST to one of these after a resource id is an action on the resource (`/posts/{id}/pin`).
ACTION_VERBS = frozenset(
    "pin unpin patch restore move convert archive unarchive login logout activate deactivate "
    "join leave search view read upload import export invite promote demote reset verify attach "
    "detach regenerate revoke enable disable approve reject publish sync test".split()
)

# Names the generated code binds itself, so a path or query parameter cannot take them: the
# driver method's `self`, `body` and `etag` arguments, the app function's `a: App`, and the
# tests' `new_id()` (a parameter ending in `_id` becomes a local of the test that calls it).
RESERVED_PARAMS = frozenset({"self", "a", "body", "etag", "new_id"})

_LITERAL_SEGMENT = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_PARAM_SEGMENT = re.compile(r"^(?:\{(?P<brace>[^{}]*)\}|<(?P<angle>[^<>]*)>)$")
_PERMISSION = re.compile(r"^[a-z][a-z0-9_]*$")
_SCHEMA_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")


@dataclass(frozen=True)
class Field:
    """A body or query field: `name:type`, optional when written `name:type?`."""

    name: str
    type: str  # the OpenAPI type
    required: bool = True

    @property
    def python_type(self) -> str:
        return next(py for oa, py in FIELD_TYPES.values() if oa == self.type)


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
    status: int = 200
    etag: bool = False
    section: str = ""
    prefix: str = "/api/v4"

    @property
    def name(self) -> str:
        """The snake_case name of the handler, app function, driver method and tests."""
        return to_snake(self.operation_id)

    @property
    def path_params(self) -> tuple[str, ...]:
        return tuple(re.findall(r"\{([^}]+)\}", self.path))

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
    def is_collection(self) -> bool:
        """A GET of a list: its last segment is a plural noun, not an id."""
        last = self.path.rstrip("/").rsplit("/", 1)[-1]
        return not last.startswith("{") and last.endswith("s") and singular(last) != last

    def statuses(self) -> tuple[int, ...]:
        """The status codes the doc lists and the tests cover (the matrix of DESIGN §5)."""
        return status_matrix(
            success=self.status,
            validates_input=bool(self.path_params or self.has_body),
            public=self.is_public,
            permission=bool(self.permission),
            names_resource=bool(self.path_params),
            etag=self.etag,
        )


@dataclass
class EndpointOptions:
    """What the user asked for, before it is checked (all optional but method and path)."""

    summary: str | None = None
    description: str | None = None
    permission: str | None = None
    auth: str = "session"
    tag: str | None = None
    query: str | None = None
    body: str | None = None
    response: str | None = None
    status: int | None = None
    etag: bool | None = None
    name: str | None = None


def parse_method(method: str) -> HttpMethod:
    try:
        return HttpMethod(method.upper())
    except ValueError:
        raise UsageError(
            f"unsupported method {method!r}",
            hint="use one of GET, POST, PUT, PATCH, DELETE",
        ) from None


def parse_path(path: str, prefix: str = "/api/v4") -> str:
    """Normalise `/api/v4/users/<user_id>` or `/users/{user_id}` to `/users/{user_id}`."""
    original = path
    if not path.startswith("/"):
        raise _bad_path(original, "it must start with /")
    if prefix and (path == prefix or path.startswith(prefix + "/")):
        path = path[len(prefix) :]
    if path in ("", "/"):
        raise _bad_path(original, "it names no resource")
    if path.endswith("/"):
        raise _bad_path(original, "remove the trailing /")
    segments, params = [], []
    for segment in path[1:].split("/"):
        if segment == "":
            raise _bad_path(original, "it has an empty segment (//)")
        param = _PARAM_SEGMENT.match(segment)
        if param:
            name = param.group("brace") if param.group("brace") is not None else param.group("angle")
            if not name:
                raise _bad_path(original, "a parameter has no name")
            if not is_snake_identifier(name):
                raise _bad_path(original, f"parameter {name!r} is not a snake_case identifier")
            if name in params:
                raise _bad_path(original, f"parameter {name!r} appears twice")
            params.append(name)
            segments.append("{" + name + "}")
        elif any(c in segment for c in "{}<>"):
            raise _bad_path(original, f"segment {segment!r} is not a whole {{param}} or <param>")
        elif not _LITERAL_SEGMENT.match(segment):
            raise _bad_path(
                original, f"segment {segment!r} must be lower-case letters, digits, '.', '-' or '_'"
            )
        else:
            segments.append(segment)
    return "/" + "/".join(segments)


def _reserved(name: str, what: str) -> UsageError:
    return UsageError(
        f"{what} {name!r} is a name the generated code uses for itself",
        hint=f"rename it, e.g. {name}_value; reserved: {', '.join(sorted(RESERVED_PARAMS))}",
    )


def _bad_path(path: str, why: str) -> UsageError:
    return UsageError(
        f"invalid path {path!r}: {why}",
        hint="write it like /users/{user_id}/sessions or /users/<user_id>/sessions",
    )


def derive_operation_id(method: HttpMethod, path: str) -> str:
    """A Mattermost-style operation name: GET /users/{user_id}/sessions → GetUserSessions."""
    segments = path.strip("/").split("/")
    literals = [
        (segment, i + 1 < len(segments) and segments[i + 1].startswith("{"))
        for i, segment in enumerate(segments)
        if not segment.startswith("{")
    ]
    last_is_literal = not segments[-1].startswith("{")
    verb = {"GET": "Get", "PUT": "Update", "PATCH": "Patch", "DELETE": "Delete", "POST": "Create"}[
        method.value
    ]
    if last_is_literal and len(segments) > 1 and literals[-1][0] in ACTION_VERBS and method in (
        HttpMethod.POST,
        HttpMethod.PUT,
    ):
        verb = to_pascal(literals.pop()[0].replace("-", "_"))
    nouns = []
    for index, (literal, followed_by_param) in enumerate(literals):
        is_last = index == len(literals) - 1
        if followed_by_param or (is_last and method is HttpMethod.POST and verb == "Create"):
            literal = singular(literal)
        nouns.append(to_pascal(re.sub(r"[.-]", "_", literal)))
    return verb + "".join(nouns)


def parse_fields(spec: str | None, option: str, *, required: bool) -> tuple[Field, ...]:
    """`name:type,other:type?` → fields; a bare name is a string."""
    if not spec:
        return ()
    fields: list[Field] = []
    for item in spec.split(","):
        item = item.strip()
        name, _, type_name = item.partition(":")
        name, type_name = name.strip(), (type_name.strip() or "string")
        optional = type_name.endswith("?") or name.endswith("?")
        name, type_name = name.rstrip("?"), type_name.rstrip("?")
        if not is_snake_identifier(name):
            raise UsageError(
                f"{option}: {name!r} is not a snake_case identifier",
                hint=f"write {option} like name:string,count:integer",
            )
        if type_name not in FIELD_TYPES:
            raise UsageError(
                f"{option}: unknown type {type_name!r} for {name}",
                hint="use string, integer, number or boolean (append ? for optional)",
            )
        if any(f.name == name for f in fields):
            raise UsageError(f"{option}: {name} appears twice", hint="name each field once")
        fields.append(Field(name, FIELD_TYPES[type_name][0], required and not optional))
    return tuple(fields)


def parse_endpoint(
    method: str,
    path: str,
    options: EndpointOptions,
    layout: RepoLayout,
) -> Endpoint:
    """Check the command line and build the Endpoint it describes."""
    http_method = parse_method(method)
    prefix = layout.docs_prefix
    clean_path = parse_path(path, prefix)
    try:
        auth = Auth(options.auth)
    except ValueError:
        raise UsageError(
            f"--auth {options.auth!r} is not one of session, public, trust-requester",
            hint="use --auth session (the default), public or trust-requester",
        ) from None
    permission = options.permission
    if permission is not None and permission.lower() == "none":
        permission = None
    if permission is not None and not _PERMISSION.match(permission):
        raise UsageError(
            f"--permission {permission!r} is not a permission name",
            hint="use a snake_case name such as edit_other_users, or none",
        )
    if permission and auth is Auth.PUBLIC:
        raise UsageError(
            "a public route cannot check a permission: there is no session to check",
            hint="drop --permission, or use --auth session",
        )
    if options.name is not None:
        if not re.match(r"^[A-Za-z][A-Za-z0-9_]*$", options.name) or not is_snake_identifier(
            to_snake(options.name)
        ):
            raise UsageError(
                f"--name {options.name!r} is not an operation name",
                hint="use PascalCase (GetUserSessions) or snake_case (get_user_sessions), not a keyword",
            )
        operation_id = to_pascal(to_snake(options.name))
    else:
        operation_id = derive_operation_id(http_method, clean_path)
    tag = options.tag or layout.tag_for_path(clean_path)
    if not re.match(r"^[a-z][a-z0-9_-]*$", tag):
        raise UsageError(f"--tag {tag!r} is not a tag name", hint="use lower-case letters, such as users")
    tag_layout = layout.tag(tag)
    if not is_snake_identifier(tag_layout.resource):
        raise UsageError(
            f"tag {tag!r} gives no usable module name",
            hint=f"add a [tags.{tag}] table with resource = \"...\" to scaffold.toml",
        )
    body_schema = None
    body_fields: tuple[Field, ...] = ()
    if options.body:
        if _SCHEMA_NAME.match(options.body.strip()):
            body_schema = options.body.strip()
        else:
            body_fields = parse_fields(options.body, "--body", required=True)
        if http_method is HttpMethod.GET:
            raise UsageError("a GET has no request body", hint="use --query for GET parameters")
    query = parse_fields(options.query, "--query", required=False)
    for param in clean_path_params(clean_path):
        if param in RESERVED_PARAMS:
            raise _reserved(param, "path parameter")
    for field in query:
        if field.name in RESERVED_PARAMS:
            raise _reserved(field.name, "--query parameter")
    clash = set(clean_path_params(clean_path)) & {f.name for f in query}
    if clash:
        raise UsageError(f"--query {sorted(clash)[0]} is already a path parameter", hint="rename it")
    response = options.response.strip() if options.response else None
    if response is not None and not _SCHEMA_NAME.match(response):
        raise UsageError(
            f"--response {response!r} is not a schema name",
            hint="name a schema of components/schemas, such as User",
        )
    status = options.status if options.status is not None else default_success(http_method.value)
    if status not in SUCCESS_STATUSES:
        raise UsageError(
            f"--status {status} is not a success status",
            hint="use 200, 201, 202 or 204",
        )
    etag = options.etag
    if etag is None:
        etag = http_method is HttpMethod.GET and clean_path.rsplit("/", 1)[-1].startswith("{")
    elif etag and http_method is not HttpMethod.GET:
        raise UsageError("only a GET can answer with an Etag", hint="drop --etag")
    name = to_snake(operation_id)
    for option, text in (("--summary", options.summary), ("--description", options.description)):
        _check_text(option, text)
    summary = (options.summary or humanize(name)).strip()
    if not summary:
        raise UsageError("--summary is empty", hint="describe the endpoint in a few words")
    return Endpoint(
        method=http_method,
        path=clean_path,
        tag=tag,
        resource=tag_layout.resource,
        operation_id=operation_id,
        summary=summary,
        description=(options.description or summary.rstrip(".") + ".").strip(),
        auth=auth,
        permission=permission,
        body_fields=body_fields,
        body_schema=body_schema,
        query=query,
        response_schema=response,
        status=status,
        etag=etag,
        section=tag_layout.section,
        prefix=prefix,
    )


def _check_text(option: str, text: str | None) -> None:
    """Free text must be Unicode: bytes that are not UTF-8 reach argv as lone surrogates,
    which neither a YAML file nor a UTF-8 source file can hold."""
    if text is None:
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise UsageError(
            f"{option} is not valid UTF-8 text (at character {err.start + 1})",
            hint="retype it in a UTF-8 terminal, or pass it as UTF-8",
        ) from None


def clean_path_params(path: str) -> list[str]:
    return re.findall(r"\{([^}]+)\}", path)
