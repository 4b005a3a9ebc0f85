"""The command line of `endpoint add`, checked once: EndpointOptions → Endpoint."""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass, replace

from scaffold.errors import UsageError
from scaffold.model.endpoint import (
    Endpoint,
    HttpMethod,
    derive_operation_id,
    is_action,
    is_collection,
    params_of,
)
from scaffold.model.fields import Field, non_empty_when_required, parse_fields
from scaffold.model.layout import Auth, RepoLayout
from scaffold.model.statuses import SUCCESS_STATUSES, TESTABLE_STATUSES, default_success
from scaffold.model.tags import usable_tag
from scaffold.naming import MAX_NAME_LENGTH, humanize, is_snake_identifier, to_pascal, to_snake

# Names the generated code binds itself, so a path or query parameter cannot take them: the
# driver method's `self`, `body` and `etag` arguments, the app function's `a: App`, and the
# tests' `new_id()` (a parameter ending in `_id` becomes a local of the test that calls it).
RESERVED_PARAMS = frozenset({"self", "a", "body", "etag", "new_id"})

#: The longest path accepted: it becomes a plain YAML key (1024 characters at most).
MAX_PATH_LENGTH = 512

_LITERAL_SEGMENT = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_PARAM_SEGMENT = re.compile(r"^(?:\{(?P<brace>[^{}]*)\}|<(?P<angle>[^<>]*)>)$")
_VERSION_SEGMENT = re.compile(r"^v[0-9]+$")
_PERMISSION = re.compile(r"^[a-z][a-z0-9_]*$")
_SCHEMA_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")


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
    #: the documented codes, comma-separated (default: the derived matrix)
    statuses: str | None = None


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
    if len(path) > MAX_PATH_LENGTH:
        raise _bad_path(original, f"it is {len(path)} characters long, and a path may have {MAX_PATH_LENGTH}")
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
        if len(segment.strip("{}<>")) > MAX_NAME_LENGTH:
            raise _bad_path(original, f"a segment has {len(segment)} characters, and a name may have {MAX_NAME_LENGTH}")
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


def check_api_prefix(clean: str, prefix: str) -> None:
    """Refuse a path that still starts with an API prefix once this server's is taken off
    (`/api/v3/...`, `/api/v4/api/v4/...`, `/v2/...`): read as a resource, `api` or `v2`
    would become a tag of its own."""
    first, second = [*clean.strip("/").split("/"), ""][:2]
    head = prefix.strip("/").split("/")[0] if prefix.strip("/") else None
    if _VERSION_SEGMENT.match(first):
        why = f"/{first} is an API version, not a resource"
    elif first == "api" and _VERSION_SEGMENT.match(second):
        other = f"/api/{second}"
        why = f"it repeats the API prefix {prefix}" if other == prefix else f"{other} is not this server's API prefix"
    elif first == head:
        why = f"it starts with /{first}, as the API prefix {prefix} does"
    else:
        return
    raise UsageError(
        f"invalid path {prefix + clean!r}: {why}",
        hint=f"write a path of the {prefix or 'server'} API, e.g. /users/{{user_id}}/sessions",
    )


def _reserved(name: str, what: str) -> UsageError:
    return UsageError(
        f"{what} {name!r} is a name the generated code uses for itself",
        hint=f"rename it, e.g. {name}_value; reserved: {', '.join(sorted(RESERVED_PARAMS))}",
    )


def _bad_path(path: str, why: str) -> UsageError:
    shown = path if len(path) <= 80 else path[:77] + "..."
    return UsageError(
        f"invalid path {shown!r}: {why}",
        hint="write it like /users/{user_id}/sessions or /users/<user_id>/sessions",
    )


def parse_permission(value: str | None, known: Collection[str] | None) -> str | None:
    """`--permission`: a name the repo knows (when `known` is given), or none."""
    if value is None or value.lower() == "none":
        return None
    if not _PERMISSION.match(value):
        raise UsageError(
            f"--permission {value!r} is not a permission name",
            hint="use a snake_case name such as edit_other_users, or none",
        )
    if known is not None and value not in known:
        near = difflib.get_close_matches(value, sorted(known), n=3, cutoff=0.6)
        hint = f"did you mean {' or '.join(near)}?" if near else f"known: {', '.join(sorted(known)[:12])}"
        raise UsageError(
            f"--permission {value!r} is not a permission of this repo",
            hint=hint + " (the roles of scaffold.toml's [permissions] grant them), or none",
        )
    return value


def parse_endpoint(
    method: str,
    path: str,
    options: EndpointOptions,
    layout: RepoLayout,
    *,
    known_permissions: Collection[str] | None = None,
    validators: Collection[str] = (),
) -> Endpoint:
    """Check the command line and build the Endpoint it describes; `validators` are the path
    parameters the repo has a check of their own for (see `Endpoint.validators`)."""
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
    permission = parse_permission(options.permission, known_permissions)
    if permission and auth is Auth.PUBLIC:
        raise UsageError(
            "a public route cannot check a permission: there is no session to check",
            hint="drop --permission, or use --auth session",
        )
    operation_id = _operation_id(options.name, http_method, clean_path)
    tag_layout = usable_tag(layout, options.tag if options.tag is not None else layout.tag_for_path(clean_path))
    tag = tag_layout.name
    body_schema = None
    body_fields: tuple[Field, ...] = ()
    if options.body:
        if _SCHEMA_NAME.match(options.body.strip()):
            body_schema = options.body.strip()
        else:
            body_fields = tuple(map(non_empty_when_required, parse_fields(options.body, "--body", required=True)))
        if http_method is HttpMethod.GET:
            raise UsageError("a GET has no request body", hint="use --query for GET parameters")
    query = parse_fields(options.query, "--query", required=False)
    _check_names(clean_path, query)
    response, response_list = _response(options.response, http_method, clean_path)
    action = is_action(http_method.value, clean_path)
    status = options.status if options.status is not None else default_success(http_method.value, action=action)
    if status not in SUCCESS_STATUSES:
        raise UsageError(f"--status {status} is not a success status", hint="use 200, 201, 202 or 204")
    etag = options.etag
    if etag is None:
        etag = http_method is HttpMethod.GET and clean_path.rsplit("/", 1)[-1].startswith("{") and status != 204
    elif etag and http_method is not HttpMethod.GET:
        raise UsageError("only a GET can answer with an Etag", hint="drop --etag")
    elif etag and status == 204:
        raise UsageError("a 204 answers no body, so it has no Etag", hint="drop --etag, or answer 200")
    name = to_snake(operation_id)
    for option, text in (("--summary", options.summary), ("--description", options.description)):
        _check_text(option, text)
    summary = (options.summary or humanize(name)).strip()
    if not summary:
        raise UsageError("--summary is empty", hint="describe the endpoint in a few words")
    endpoint = Endpoint(
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
        response_list=response_list,
        status=status,
        etag=etag,
        section=tag_layout.section,
        prefix=prefix,
        fragment=tag_layout.fragment,
        validators=frozenset(validators) & frozenset(params_of(clean_path)),
    )
    if options.statuses is not None:
        return _with_statuses(endpoint, options.statuses)
    return endpoint


def _operation_id(name: str | None, method: HttpMethod, path: str) -> str:
    if name is None:
        return derive_operation_id(method, path)
    if not re.match(r"^[A-Za-z][A-Za-z0-9_]*$", name) or not is_snake_identifier(to_snake(name)):
        raise UsageError(
            f"--name {name!r} is not an operation name",
            hint="use PascalCase (GetUserSessions) or snake_case (get_user_sessions), not a keyword",
        )
    return to_pascal(to_snake(name))


def _check_names(path: str, query: tuple[Field, ...]) -> None:
    for param in params_of(path):
        if param in RESERVED_PARAMS:
            raise _reserved(param, "path parameter")
    for field in query:
        if field.name in RESERVED_PARAMS:
            raise _reserved(field.name, "--query parameter")
    clash = set(params_of(path)) & {f.name for f in query}
    if clash:
        raise UsageError(f"--query {sorted(clash)[0]} is already a path parameter", hint="rename it")


def _response(value: str | None, method: HttpMethod, path: str) -> tuple[str | None, bool]:
    """`--response Name` or `Name[]` (a list); without it, a GET of a collection reads a list."""
    if value is None:
        return None, method is HttpMethod.GET and is_collection(path)
    name = value.strip()
    listed = name.endswith("[]")
    name = name.removesuffix("[]").strip()
    if not _SCHEMA_NAME.match(name):
        raise UsageError(
            f"--response {value!r} is not a schema name",
            hint="name a schema of components/schemas, such as User, or User[] for a list",
        )
    return name, listed


def _with_statuses(endpoint: Endpoint, value: str) -> Endpoint:
    """The endpoint documenting exactly the codes of `--statuses`."""
    codes: set[int] = set()
    for part in value.split(","):
        part = part.strip()
        if not part.isdigit() or int(part) not in TESTABLE_STATUSES:
            raise UsageError(
                f"--statuses: {part!r} is not a status a generated test can assert",
                hint=f"list codes from {', '.join(map(str, TESTABLE_STATUSES))}",
            )
        codes.add(int(part))
    derived = set(endpoint.derived_statuses())
    left_out = sorted(derived - codes - {404})
    if left_out:
        raise UsageError(
            f"--statuses leaves out {', '.join(map(str, left_out))}, which the handler answers",
            hint="list them; only 404 may go (a resource the app answers otherwise when missing)",
        )
    extra = sorted(codes - derived - ({404} if endpoint.path_params else set()))
    if extra:
        raise UsageError(
            f"--statuses lists {', '.join(map(str, extra))}, which nothing of the endpoint answers",
            hint="remove them (404 may be added for a path that names a resource by another key)",
        )
    statuses = tuple(sorted(codes))
    return replace(endpoint, documented=None if statuses == tuple(sorted(derived)) else statuses)


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
