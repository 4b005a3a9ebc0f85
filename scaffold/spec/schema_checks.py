"""The two checks openapi-spec-validator makes of each Schema Object, fast where exact.

A Schema Object must itself be a valid schema of its dialect (draft-04 for OpenAPI 3.0), and
its `default` must satisfy it. For 3.0 both run on compiled validators. A default is handed
to the reference's own OAS30Validator when its schema uses anything whose meaning OpenAPI
changes (`nullable`, `format`, `readOnly`…) or the value is not plain JSON; 3.1 schemas and
their defaults always are. Those validators cost a sixth of a second to import, paid only by
documents that need them.
"""

from __future__ import annotations

import json
import math
from typing import Any, Protocol

import jsonschema_rs

from scaffold.spec.issue import Path
from scaffold.spec.schemas import draft4_meta_validator, plain_validator
from scaffold.spec.structure import keyed

#: Keywords a default is checked against exactly alike by draft-04 and by OpenAPI 3.0's
#: validator (which ignores what it does not list, e.g. patternProperties, and changes
#: type, format, pattern, required and the combinators in the presence of OpenAPI keywords).
_PLAIN_KEYWORDS = frozenset(
    {
        "type", "enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties",
        "items", "properties", "required", "additionalProperties", "allOf", "anyOf", "oneOf",
        "not", "title", "description", "default", "example", "deprecated", "externalDocs", "xml",
    }
)  # fmt: skip
_TYPES = frozenset({"string", "number", "integer", "boolean", "array", "object"})

#: (message, path inside the checked schema or value)
Found = list[tuple[str, Path]]


class SchemaChecks(Protocol):
    """The per-Schema-Object checks of one OpenAPI version."""

    def meta(self, schema: Any) -> Found: ...

    def default(self, schema: Any, value: Any) -> Found: ...


class Checks30:
    """OpenAPI 3.0: draft-04 schemas."""

    def __init__(self, document: Any) -> None:
        self.document = document

    def meta(self, schema: Any) -> Found:
        try:
            errors = list(draft4_meta_validator().iter_errors(schema))
        except ValueError:  # a value JSON has no word for (a date, a key that is a number)
            return _reference_meta(self.document, schema, "3.0")
        return [(e.message, keyed(schema, e.instance_path)) for e in errors]

    def default(self, schema: Any, value: Any) -> Found:
        if _plain(schema) and _plain_value(value):
            try:
                validator = plain_validator(json.dumps(schema, sort_keys=True))
            except (jsonschema_rs.ValidationError, ValueError):
                # Not a valid schema itself (`minimum: zero` in a nested schema, which the
                # meta-schema check does not reach): the reference decides what that means.
                return _reference_default(self.document, schema, value, "3.0")
            return [
                (e.message, keyed(value, e.instance_path)) for e in validator.iter_errors(value)
            ]
        return _reference_default(self.document, schema, value, "3.0")


class Checks31:
    """OpenAPI 3.1: JSON Schema 2020-12 with the OpenAPI dialect, by the reference's classes."""

    def __init__(self, document: Any) -> None:
        self.document = document

    def meta(self, schema: Any) -> Found:
        return _reference_meta(self.document, schema, "3.1")

    def default(self, schema: Any, value: Any) -> Found:
        return _reference_default(self.document, schema, value, "3.1")


def checks_for(version: str, document: Any) -> SchemaChecks:
    return Checks31(document) if version == "3.1" else Checks30(document)


def _plain(schema: Any, depth: int = 0) -> bool:
    if not isinstance(schema, dict) or depth > 20:
        return False
    for key, value in schema.items():
        if not isinstance(key, str) or (key not in _PLAIN_KEYWORDS and not key.startswith("x-")):
            return False
        if key == "type" and value not in _TYPES:
            return False
        if key in ("properties",):
            if not isinstance(value, dict) or not all(_plain(v, depth + 1) for v in value.values()):
                return False
        elif key in ("allOf", "anyOf", "oneOf"):
            if not isinstance(value, list) or not all(_plain(v, depth + 1) for v in value):
                return False
        elif key in ("items", "not") or (
            key == "additionalProperties" and not isinstance(value, bool)
        ):
            if not _plain(value, depth + 1):
                return False
        elif key in ("default", "example", "enum") and not _plain_value(value):
            return False
    return True


def _plain_value(value: Any) -> bool:
    if value is None or isinstance(value, (str, bool, int)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_plain_value(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain_value(v) for k, v in value.items())
    return False


def _reference_meta(document: Any, schema: Any, version: str) -> Found:
    """The reference's own meta-schema check, called as it calls it (its first error only)."""
    # Imported here: only documents that need the reference's own checks pay for it.
    from jsonschema.exceptions import SchemaError  # type: ignore[import-untyped]
    from jsonschema.validators import validator_for  # type: ignore[import-untyped]
    from openapi_schema_validator import OAS31_BASE_DIALECT_ID, OAS30Validator, oas31_format_checker

    try:
        if version == "3.0":
            OAS30Validator.check_schema(schema)
            return []
        dialect = OAS31_BASE_DIALECT_ID
        if isinstance(document, dict) and isinstance(document.get("jsonSchemaDialect"), str):
            dialect = document["jsonSchemaDialect"]
        if isinstance(schema, dict) and "$schema" in schema:
            dialect = schema["$schema"]
        cls = (
            validator_for({"$schema": dialect}, default=None) if isinstance(dialect, str) else None
        )
        if cls is None:
            return [(f"Unknown JSON Schema dialect: {dialect!r}", ())]
        cls.check_schema(schema, format_checker=oas31_format_checker)
    except SchemaError as err:
        return [(err.message, tuple(err.absolute_path))]
    except Exception as err:  # noqa: BLE001 (what the reference gives up on: said, never a traceback)
        return [(f"the schema cannot be checked: {' '.join(str(err).split())[:160]}", ())]
    return []


def _reference_default(document: Any, schema: Any, value: Any, version: str) -> Found:
    from openapi_schema_validator import (
        OAS30Validator,
        OAS31Validator,
        oas30_format_checker,
        oas31_format_checker,
    )
    from referencing import Registry
    from referencing.jsonschema import DRAFT4, DRAFT202012

    spec = DRAFT4 if version == "3.0" else DRAFT202012
    resolver = Registry().with_resource("", spec.create_resource(document)).resolver(base_uri="")
    cls, checker = (
        (OAS30Validator, oas30_format_checker)
        if version == "3.0"
        else (OAS31Validator, oas31_format_checker)
    )
    validator = cls(schema, _resolver=resolver, format_checker=checker)
    try:
        return [(e.message, tuple(e.absolute_path)) for e in validator.iter_errors(value)]
    except Exception as err:  # noqa: BLE001 (a $ref to nothing, a cycle: said, never a traceback)
        return [(f"the default cannot be checked: {' '.join(str(err).split())[:160]}", ())]
