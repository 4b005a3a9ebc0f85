"""An Endpoint rebuilt from what a repo already has, and the `endpoint add` line that makes it.

Docs first: a hand-written doc operation — its operationId, parameters, the permission named
in `##### Permissions`, whether it lists 401, its responses — says everything the other four
artifacts are generated from. Without a doc, the route line and its handler say it instead.
`check` prints the command for each gap; `check --fix` plans the same endpoints directly.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Collection
from dataclasses import replace

from scaffold.model.endpoint import Endpoint, is_action
from scaffold.model.fields import FIELD_TYPES, Field
from scaffold.model.layout import Auth, RepoLayout
from scaffold.model.options import EndpointOptions, parse_endpoint
from scaffold.model.statuses import SUCCESS_STATUSES
from scaffold.scan.catalog import EndpointRecord
from scaffold.scan.docs import DocOperation
from scaffold.scan.facts import params_of
from scaffold.scan.route import Route

#: The OpenAPI types a handler's `require_fields` can check.
TYPES = frozenset(oa for oa, _ in FIELD_TYPES.values())

_PLAIN_ARGUMENT = re.compile(r"[\w@%+=:,./{}-]+")


def endpoint_of(record: EndpointRecord, layout: RepoLayout, validators: Collection[str] = ()) -> Endpoint:
    """The Endpoint of a record: from its doc when it has one, else from its route.
    `validators` are the path parameters the repo has a check for (the handler's own count too)."""
    validators = {*validators, *(record.handler.validates if record.handler else ())}
    if record.doc is not None:
        options = options_from_doc(record.doc)
        if record.route_auth is Auth.TRUST_REQUESTER:
            options.auth = record.route_auth.value  # the doc alone cannot tell it from "session"
        endpoint = parse_endpoint(record.method, record.full_path, options, layout, validators=validators)
        return documented_as(endpoint, record.doc.statuses)
    if record.route is not None:
        options = options_from_route(record, layout)
    else:
        assert record.driver is not None, "a record has a doc, a route or a driver"
        options = EndpointOptions(name=record.driver.name)
    return parse_endpoint(record.method, record.full_path, options, layout, validators=validators)


def documented_as(endpoint: Endpoint, statuses: tuple[int, ...]) -> Endpoint:
    """The endpoint as its doc documents it: the doc is the contract for what the code cannot
    show — a 404 (the app layer answers it) and a 400 for a query parameter — so those follow
    the doc. Every other code of the matrix follows from what the handler does: a doc that
    leaves one out is a finding of `check`, not another endpoint.
    """
    derived = set(endpoint.derived_statuses())
    listed = derived - {404} | ({404} & set(statuses) if endpoint.path_params else set())
    if endpoint.validated_query:
        listed |= {400} & set(statuses)
    return replace(endpoint, documented=None if listed == derived else tuple(sorted(listed)))


def options_from_doc(doc: DocOperation) -> EndpointOptions:
    public = doc.public or 401 not in doc.statuses
    success = [code for code in doc.statuses if code in SUCCESS_STATUSES]
    response = doc.response_schema
    action = doc.method == "DELETE" or is_action(doc.method, doc.path)
    if response == "StatusOK" and action and not doc.response_list:
        response = None  # what a DELETE or an action answers anyway: naming it changes its handler
    elif response is not None and doc.response_list:
        response += "[]"
    return EndpointOptions(
        summary=doc.summary,
        description=doc.description,
        permission=doc.permissions[0] if doc.permissions and not public else None,
        auth="public" if public else "session",
        tag=doc.tag,
        query=_specs(doc.query),
        body=doc.body_schema or _specs(doc.body_fields),
        response=response,
        status=success[0] if success else None,
        etag=doc.method == "GET" and 304 in doc.statuses,
        name=doc.operation_id,
    )


def options_from_route(record: EndpointRecord, layout: RepoLayout) -> EndpointOptions:
    route, handler = record.route, record.handler
    assert route is not None and record.route_auth is not None
    auth = record.route_auth.value
    options = EndpointOptions(auth=auth, tag=_tag_of(route, layout), name=route.handler)
    if handler is None:
        return options
    path_params = params_of(route.path)
    query = [p for p in handler.params_read if p not in path_params]
    options.permission = (
        handler.permissions[0] if handler.permissions and auth != "public" else None
    )
    options.query = (
        ",".join(f"{p}:{'integer' if p in ('page', 'per_page') else 'string'}" for p in query)
        or None
    )
    if handler.reads_body and route.method != "GET":
        options.body = _specs(
            tuple(Field(name, kind, required) for name, kind, required in handler.body_fields if kind in TYPES)
        )
    options.status = handler.success if handler.success in SUCCESS_STATUSES else None
    options.etag = route.method == "GET" and handler.etag
    return options


def _specs(fields: tuple[Field, ...]) -> str | None:
    """Fields as `--body`/`--query` write them."""
    return ",".join(f.spec() for f in fields) or None


def _tag_of(route: Route, layout: RepoLayout) -> str | None:
    """The tag whose resource module holds the route, when the path alone would say another."""
    resource = layout.resource_of(layout.handlers, route.module)
    tag = layout.tag_for_resource(resource) if resource is not None else None
    return tag.name if tag is not None else None


def add_command(endpoint: Endpoint, layout: RepoLayout, *, fill: bool = True) -> str:
    """`scaffold endpoint add GET /api/v4/... --fill` with every option that differs from the default."""
    default = parse_endpoint(endpoint.method.value, endpoint.full_path, EndpointOptions(), layout)
    words = ["scaffold", "endpoint", "add", endpoint.method.value, endpoint.full_path]
    if fill:
        words.append("--fill")
    if endpoint.auth is not default.auth:
        words += ["--auth", endpoint.auth.value]
    if endpoint.permission:
        words += ["--permission", endpoint.permission]
    elif not endpoint.is_public:
        words += ["--permission", "none"]
    if endpoint.tag != default.tag:
        words += ["--tag", endpoint.tag]
    if endpoint.operation_id != default.operation_id:
        words += ["--name", endpoint.operation_id]
    if endpoint.query:
        words += ["--query", ",".join(f.spec().removesuffix("?") for f in endpoint.query)]
    if endpoint.body_schema:
        words += ["--body", endpoint.body_schema]
    elif endpoint.body_fields:
        words += ["--body", ",".join(f.spec() for f in endpoint.body_fields)]
    if endpoint.response_schema:
        listed = "[]" if endpoint.response_list else ""
        words += ["--response", endpoint.response_schema + listed]
    if endpoint.status != default.status:
        words += ["--status", str(endpoint.status)]
    if endpoint.etag != default.etag:
        words.append("--etag" if endpoint.etag else "--no-etag")
    if endpoint.documented is not None:
        words += ["--statuses", ",".join(map(str, endpoint.documented))]
    return " ".join(w if _PLAIN_ARGUMENT.fullmatch(w) else shlex.quote(w) for w in words)
