"""Body and query fields: their type and the constraints the doc states and the handler checks.

On the command line a field is `name:type`, optional when written `name:type?`, with
constraints after the type:

    name:string{1,64}      a length from 1 to 64 (`{,64}`: at most 64; `{1,}`: at least 1)
    per_page:integer{1,200} a value from 1 to 200
    type:enum(O|P)         one of the listed strings
    email:email            a string in the `email` format
    team_id:id             the id of a resource (the repo's id schema)

A named schema of components/schemas gives the same facts from its properties.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from scaffold.errors import UsageError
from scaffold.naming import MAX_NAME_LENGTH, is_snake_identifier

#: Field types as they are spelled on the command line → their OpenAPI type and Python type.
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
#: String formats that may stand for a type on the command line.
FORMATS = ("email", "uri", "date-time", "uuid")

_ITEM = re.compile(
    r"\s*(?P<name>[^:,?\s]+)\s*(?P<opt1>\?)?\s*(?::\s*(?P<type>[a-z][a-z-]*)\s*"
    r"(?:\{\s*(?P<low>-?\d+(?:\.\d+)?)?\s*,\s*(?P<high>-?\d+(?:\.\d+)?)?\s*\}"
    r"|\((?P<enum>[^()]*)\))?\s*)?(?P<opt2>\?)?\s*(?:,|$)"
)


@dataclass(frozen=True)
class Field:
    """A body or query field and what a valid value of it is."""

    name: str
    type: str  # the OpenAPI type
    required: bool = True
    format: str | None = None
    enum: tuple[str, ...] = ()
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    #: the id of a resource: the repo's id schema
    id: bool = False

    @property
    def python_type(self) -> str:
        return next(py for oa, py in FIELD_TYPES.values() if oa == self.type)

    @property
    def validated(self) -> bool:
        """A value of it can be refused: it is not any string."""
        return self.type != "string" or self.constrained

    @property
    def constrained(self) -> bool:
        return bool(
            self.format or self.enum or self.pattern or self.id
            or {self.min_length, self.max_length, self.minimum, self.maximum} - {None}
        )

    def spec(self) -> str:
        """The field as the command line writes it (the inverse of `parse_fields`)."""
        if self.id:
            kind = "id"
        elif self.enum:
            kind = f"enum({'|'.join(self.enum)})"
        elif self.format in FORMATS and self.type == "string":
            kind = self.format
        else:
            kind = self.type
        low, high = (self.min_length, self.max_length) if self.type == "string" else (self.minimum, self.maximum)
        if self.type == "string" and self.required and low == 1 and high is None:
            low = None  # a required string is at least 1 long without saying (non_empty_when_required)
        if (low is not None or high is not None) and not self.enum:
            kind += "{" + _number(low) + "," + _number(high) + "}"
        return f"{self.name}:{kind}{'' if self.required else '?'}"


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def parse_fields(spec: str | None, option: str, *, required: bool) -> tuple[Field, ...]:
    """`name:type,other:type?` → fields (see the module's docstring); every field has a type."""
    if not spec:
        return ()
    fields: list[Field] = []
    position = 0
    while position < len(spec):
        match = _ITEM.match(spec, position)
        if match is None or match.end() == position:
            raise UsageError(
                f"{option}: cannot read {spec[position:]!r}",
                hint=f"write {option} like name:string{{1,64}},count:integer?,type:enum(O|P)",
            )
        position = match.end()
        field = _field(match, option, required=required)
        if any(f.name == field.name for f in fields):
            raise UsageError(f"{option}: {field.name} appears twice", hint="name each field once")
        fields.append(field)
    return tuple(fields)


def _field(match: re.Match[str], option: str, *, required: bool) -> Field:
    name, kind = match.group("name"), match.group("type")
    if len(name) > MAX_NAME_LENGTH:
        raise UsageError(
            f"{option}: a field name of {len(name)} characters is too long",
            hint=f"name it in at most {MAX_NAME_LENGTH} characters",
        )
    if not is_snake_identifier(name):
        raise UsageError(
            f"{option}: {name!r} is not a snake_case identifier",
            hint=f"write {option} like name:string,count:integer",
        )
    if kind is None:
        raise UsageError(
            f"{option}: {name} has no type",
            hint=f"write {name}:string (or integer, number, boolean, id, enum(A|B), {', '.join(FORMATS)})",
        )
    if match.group("opt1") and match.group("opt2"):
        raise UsageError(f"{option}: {name} is marked optional twice", hint=f"write {name}:{kind}? with one ?")
    optional = bool(match.group("opt1") or match.group("opt2"))
    low, high = match.group("low"), match.group("high")
    if match.group("enum") is not None:
        if kind != "enum":
            raise UsageError(f"{option}: {name}: ( ) lists the values of an enum", hint=f"write {name}:enum(A|B)")
        values = tuple(v.strip() for v in match.group("enum").split("|"))
        if not all(values) or len(set(values)) != len(values):
            raise UsageError(f"{option}: {name}: empty or repeated enum value", hint=f"write {name}:enum(A|B)")
        return Field(name, "string", required and not optional, enum=values)
    if kind == "enum":
        raise UsageError(f"{option}: {name}: an enum needs its values", hint=f"write {name}:enum(A|B)")
    if kind == "id":
        return Field(name, "string", required and not optional, id=True)
    if kind in FORMATS:
        oa_type, fmt = "string", kind
    elif kind in FIELD_TYPES:
        oa_type, fmt = FIELD_TYPES[kind][0], None
    else:
        raise UsageError(
            f"{option}: unknown type {kind!r} for {name}",
            hint=f"use string, integer, number, boolean, id, enum(A|B) or {', '.join(FORMATS)} (append ? for optional)",
        )
    bounds = _bounds(low, high, option, name, integral=oa_type != "number")
    if bounds != (None, None) and oa_type == "boolean":
        raise UsageError(f"{option}: {name}: a boolean has no bounds", hint=f"write {name}:boolean")
    field = Field(name, oa_type, required and not optional, format=fmt)
    if oa_type == "string":
        lengths = tuple(None if b is None else int(b) for b in bounds)
        if any(b is not None and b < 0 for b in lengths):
            raise UsageError(f"{option}: {name}: a length cannot be negative", hint=f"write {name}:string{{1,64}}")
        return Field(name, oa_type, field.required, format=fmt, min_length=lengths[0], max_length=lengths[1])
    return Field(name, oa_type, field.required, minimum=bounds[0], maximum=bounds[1])


def _bounds(low: str | None, high: str | None, option: str, name: str, *, integral: bool) -> tuple[float | None, float | None]:
    values = tuple(None if b is None else float(b) for b in (low, high))
    if integral and any(v is not None and not v.is_integer() for v in values):
        raise UsageError(f"{option}: {name}: bounds of a whole number are whole numbers", hint=f"write {name}:integer{{1,200}}")
    if values[0] is not None and values[1] is not None and values[0] > values[1]:
        raise UsageError(f"{option}: {name}: the bounds {{{low},{high}}} are the wrong way round", hint="write {low,high}")
    return values[0], values[1]


def field_from_schema(
    name: str, schema: dict[str, Any], required: bool, schemas: dict[str, Any], id_schema: str
) -> Field | None:
    """The field a property of a JSON schema describes — `$ref`s to `schemas` followed, an
    `allOf` merged, a `$ref` to `id_schema` an id — or None for a type fields do not cover."""
    merged, is_id, shared = _flattened(schema, schemas, id_schema, depth=0)
    if is_id:
        return Field(name, "string", required, id=True)
    if shared is not None and merged.get("type") == "string":
        return Field(name, "string", required, format=shared)
    kind = merged.get("type")
    if kind not in ("string", "integer", "number", "boolean"):
        return None
    enum = merged.get("enum")
    pattern = merged.get("pattern")
    return Field(
        name,
        kind,
        required,
        format=merged.get("format") if isinstance(merged.get("format"), str) else None,
        enum=tuple(str(v) for v in enum) if isinstance(enum, list) else (),
        pattern=pattern if isinstance(pattern, str) else None,
        min_length=_int(merged.get("minLength")),
        max_length=_int(merged.get("maxLength")),
        minimum=_float(merged.get("minimum")),
        maximum=_float(merged.get("maximum")),
    )


def _flattened(schema: dict[str, Any], schemas: dict[str, Any], id_schema: str, *, depth: int) -> tuple[dict[str, Any], bool, str | None]:
    """The schema's own keys with those of the schemas it `$ref`s and `allOf`-includes (a
    component a few levels down at most), whether one of them is the id schema, and the format
    of a shared component it `$ref`s (`Email`: the repo's own definition of an email)."""
    merged: dict[str, Any] = {}
    is_id = False
    shared: str | None = None
    parts = [part for part in schema.get("allOf", ()) if isinstance(part, dict)]
    for part in [*parts, {k: v for k, v in schema.items() if k != "allOf"}]:
        ref = part.get("$ref")
        if isinstance(ref, str):
            target = ref.rsplit("/", 1)[-1]
            is_id = is_id or target == id_schema
            found = schemas.get(target)
            if isinstance(found, dict) and depth < 8:
                inner, inner_id, inner_shared = _flattened(found, schemas, id_schema, depth=depth + 1)
                merged.update(inner)
                is_id = is_id or inner_id
                own = found.get("format")
                shared = shared or inner_shared or (own if own in CHECKED_FORMATS else None)
            part = {k: v for k, v in part.items() if k != "$ref"}
        merged.update(part)
    return merged, is_id, shared


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


#: The formats a handler can check (the Context's `require_values(formats=…)`).
CHECKED_FORMATS = ("id", "email", "uuid", "date-time", "uri")


def value_checks(field: Field) -> dict[str, Any]:
    """What a handler checks of a field beyond its type, by keyword of the Context's
    `require_values`: exactly what the field's schema states. (A required string is never empty:
    `require_fields` checks that with its type, so a least length of 1 goes without saying.)"""
    checks: dict[str, Any] = {}
    if field.id:
        return {"formats": "id"}
    if field.enum:
        checks["choices"] = field.enum
    if field.format in CHECKED_FORMATS:
        checks["formats"] = field.format
    if field.pattern:
        checks["patterns"] = field.pattern
    if field.type == "string":
        low = None if field.required and field.min_length == 1 else field.min_length
        if (low, field.max_length) != (None, None):
            checks["lengths"] = (low, field.max_length)
    elif (field.minimum, field.maximum) != (None, None):
        checks["ranges"] = (field.minimum, field.maximum)
    return checks


def non_empty_when_required(field: Field) -> Field:
    """A required string the server refuses empty says so: at least 1 long (see value_checks)."""
    if field.type != "string" or not field.required or field.enum or field.id or (field.min_length or 0) >= 1:
        return field
    return replace(field, min_length=1)
