"""An Endpoint read back from its doc operation: docs-first generation, and remove's yardstick.

A doc operation written by hand — operationId, parameters, the permission named under
`##### Permissions`, `security: []` or not, the responses — says everything the other four
artifacts are generated from.
"""

from __future__ import annotations

from typing import Any

import yaml

from scaffold.config import RepoLayout
from scaffold.endpoint import FIELD_TYPES, Endpoint, EndpointOptions, parse_endpoint
from scaffold.errors import UsageError
from scaffold.inventory import DocOperation, Route

_WRAPPER_AUTH = {
    "api_handler": "public",
    "api_session_required": "session",
    "api_session_required_trust_requester": "trust-requester",
}

_SCHEMA_REF = "#/components/schemas/"


def endpoint_from_doc(doc: DocOperation, layout: RepoLayout, route: Route | None = None) -> Endpoint:
    """The Endpoint a doc operation describes (the route's wrapper, if any, refines its auth)."""
    operation = yaml.constructor.SafeConstructor().construct_document(doc.node)
    if not isinstance(operation, dict):
        raise UsageError(
            f"{doc.method} {doc.path} is not an operation mapping",
            hint="fix the doc operation",
            path=doc.location.path,
            line=doc.location.line,
        )
    description = str(operation.get("description") or "")
    description = description.split("##### Permissions", 1)[0].strip()
    success = min((code for code in doc.statuses if 200 <= code < 300), default=None)
    auth = "public" if doc.public else "session"
    if route is not None:
        auth = _WRAPPER_AUTH.get(route.wrapper, auth)
    options = EndpointOptions(
        summary=str(operation.get("summary") or "") or None,
        description=description or None,
        permission=doc.permissions[0] if doc.permissions and auth != "public" else None,
        auth=auth,
        tag=doc.tag,
        query=_fields(operation, "query"),
        body=_body(operation),
        response=_response_schema(operation, success),
        status=success,
        etag=304 in doc.statuses if doc.method == "GET" else None,
        name=doc.operation_id,
    )
    try:
        return parse_endpoint(doc.method, layout.docs_prefix + doc.path, options, layout)
    except UsageError as error:
        raise UsageError(
            f"{doc.method} {doc.path}: the doc operation cannot be generated from: {error.message}",
            hint=error.hint or "fix the doc operation",
            path=doc.location.path,
            line=doc.location.line,
        ) from None


def _fields(operation: dict[str, Any], location: str) -> str | None:
    parts = []
    for parameter in operation.get("parameters") or []:
        if isinstance(parameter, dict) and parameter.get("in") == location:
            kind = str((parameter.get("schema") or {}).get("type") or "string")
            kind = kind if kind in FIELD_TYPES else "string"
            parts.append(f"{parameter.get('name')}:{kind}" + ("" if parameter.get("required") else "?"))
    return ",".join(parts) or None


def _body(operation: dict[str, Any]) -> str | None:
    schema = (((operation.get("requestBody") or {}).get("content") or {}).get("application/json") or {}).get("schema")
    if not isinstance(schema, dict):
        return None
    reference = schema.get("$ref")
    if isinstance(reference, str) and reference.startswith(_SCHEMA_REF):
        return reference[len(_SCHEMA_REF) :]
    required = set(schema.get("required") or [])
    parts = []
    for name, spec in (schema.get("properties") or {}).items():
        kind = str((spec or {}).get("type") or "string")
        kind = kind if kind in FIELD_TYPES else "string"
        parts.append(f"{name}:{kind}" + ("" if name in required else "?"))
    return ",".join(parts) or None


def _response_schema(operation: dict[str, Any], success: int | None) -> str | None:
    if success is None:
        return None
    response = (operation.get("responses") or {}).get(str(success)) or (operation.get("responses") or {}).get(success)
    schema = (((response or {}).get("content") or {}).get("application/json") or {}).get("schema") or {}
    if schema.get("type") == "array":
        schema = schema.get("items") or {}
    reference = schema.get("$ref")
    if isinstance(reference, str) and reference.startswith(_SCHEMA_REF):
        name = reference[len(_SCHEMA_REF) :]
        # StatusOK is what a generated action answers anyway; naming it would change the code.
        return None if name == "StatusOK" else name
    return None
