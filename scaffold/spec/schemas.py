"""The JSON Schemas an OpenAPI document is judged by, compiled once per process.

The OpenAPI 3.0 and 3.1 schemas are the very files openapi-spec-validator ships, read from
its package, so the fast path and the reference always judge by the same text. The draft-04
meta-schema that every 3.0 Schema Object must satisfy is the one jsonschema ships (through
jsonschema-specifications). Locating a package does not import it: importing the reference
validator costs a third of a second, reading two JSON files a millisecond.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import jsonschema_rs

from scaffold.errors import ScaffoldError


def schema_version(openapi: object) -> str:
    """Which shipped OpenAPI schema judges a document that says `openapi: <openapi>`: 3.1
    documents the 3.1 schema, everything else the 3.0 one (as scaffold always has)."""
    return "3.1" if str(openapi).startswith("3.1") else "3.0"


def package_file(package: str, *parts: str) -> Path:
    """A data file inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise ScaffoldError(
            f"the package {package} is not installed",
            hint="reinstall scaffold with its dependencies (pip install scaffold)",
        )
    return Path(locations[0]).joinpath(*parts)


def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


@functools.cache
def document_validator(version: str) -> jsonschema_rs.Validator:
    """The compiled OpenAPI schema for `version` ("3.0" or "3.1"), built as the reference
    builds it (the draft its `$schema` names, default options)."""
    schema = _load(
        package_file("openapi_spec_validator", "resources", "schemas", f"v{version}", "schema.json")
    )
    return jsonschema_rs.validator_for(schema)


def _is_regex(pattern: str) -> bool:
    # The reference checks the `regex` format with Python's `re` (it has no ECMA engine
    # installed), so a pattern is judged here exactly as there.
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


@functools.cache
def draft4_meta_validator() -> jsonschema_rs.Validator:
    """The draft-04 meta-schema a 3.0 Schema Object must satisfy (what OAS30Validator's
    `check_schema` applies), with the one format it names checked as the reference checks it."""
    meta = _load(package_file("jsonschema_specifications", "schemas", "draft4", "metaschema.json"))
    return jsonschema_rs.Draft4Validator(meta, validate_formats=True, formats={"regex": _is_regex})


@functools.cache
def plain_validator(schema_text: str) -> jsonschema_rs.Validator:
    """A draft-04 validator for a small schema given as canonical JSON (defaults repeat a
    handful of schemas hundreds of times: `page`, `per_page`, booleans)."""
    return jsonschema_rs.Draft4Validator(json.loads(schema_text))
