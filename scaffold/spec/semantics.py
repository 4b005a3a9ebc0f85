"""What openapi-spec-validator checks beyond the schema, walked over plain data.

The walk follows the reference's own (`openapi_spec_validator.validation.keywords`) in the
same order with the same rules — tags named once, each path template's parameters declared
and each declared path parameter used, parameters unique per location, operationIds unique,
every Schema Object a valid schema whose `default` fits it and whose `allOf` defines what it
requires — but reads dicts instead of resolving through a generic reference library, which is
where the reference spends its time. Where the reference gives up (a `$ref` to nothing, a
parameter without a name), the walk says so at that key and goes on, so one run lists every
problem. It also resolves every `$ref` the reference never follows (a request body's, say):
swagger-cli and Redocly refuse those documents, and so does scaffold.
"""

from __future__ import annotations

import string
from collections.abc import Hashable
from typing import Any

from scaffold.spec.issue import Issue, Path
from scaffold.spec.merge import HTTP_METHODS
from scaffold.spec.refs import References
from scaffold.spec.schema_checks import SchemaChecks

_SCHEMA_HINT = "fix this schema; `scaffold docs build` shows the merged result"


class Walk(References):
    """One walk of one document; `issues` holds what it found, in the reference's order."""

    def __init__(self, document: dict[str, Any], checks: SchemaChecks) -> None:
        super().__init__(document)
        self.checks = checks
        self._operation_ids: dict[Hashable, Path] = {}
        # The reference visits a schema (and checks it against the meta-schema) once per
        # object, by identity: a schema reached first as a nested one is never checked again
        # as a top-level one. Mirrored exactly, so both find the same problems.
        self._visited: set[int] = set()
        self._meta_checked: set[int] = set()

    def run(self, *, every_ref: bool = True) -> list[Issue]:
        """What the walk finds; with `every_ref`, at each `$ref` it does not follow too."""
        document = self.document
        if "tags" in document:
            self._tags(document["tags"])
        if "paths" in document:
            for url, item, path in self.items(document["paths"], ("paths",)):
                self._path_item(str(url), item, path)
        if "components" in document:
            components = self.resolve(document["components"], ("components",))
            if components and isinstance(components[0], dict) and "schemas" in components[0]:
                for _, schema, path in self.items(
                    components[0]["schemas"], (*components[1], "schemas")
                ):
                    self.schema(schema, path)
        if every_ref:
            self.every_ref(document)
        return self.issues

    def _tags(self, tags: Any) -> None:
        seen: set[Hashable] = set()
        for tag, site, _ in self.sequence(tags, ("tags",)):
            name = tag.get("name") if isinstance(tag, dict) else None
            if not isinstance(name, Hashable) or name is None:
                continue
            if name in seen:
                self._issue(
                    "tag",
                    f"Duplicate tag name '{name}'",
                    (*site, "name"),
                    hint="remove one of them",
                )
            seen.add(name)

    def _path_item(self, url: str, item: Any, path: Path) -> None:
        if not isinstance(item, dict):
            return
        shared: list[tuple[Any, Path]] = []
        if "parameters" in item:
            shared = self._parameters(item["parameters"], (*path, "parameters"))
        try:
            in_url = sorted({name for _, name, _, _ in string.Formatter().parse(url) if name})
        except ValueError:
            self._issue(
                "path-parameter",
                f"the path {url} has an unmatched brace",
                path,
                hint="write each parameter as {name}",
            )
            return
        for method, operation in item.items():
            if method in HTTP_METHODS:
                found = self.resolve(operation, (*path, method))
                if found is not None and isinstance(found[0], dict):
                    self._operation(url, method, found[0], found[1], path, shared, in_url)

    def _operation(
        self,
        url: str,
        method: str,
        operation: dict[str, Any],
        path: Path,
        url_path: Path,
        shared: list[tuple[Any, Path]],
        in_url: list[str],
    ) -> None:
        if "operationId" in operation:
            self._operation_id(operation["operationId"], (*path, "operationId"))
        if "responses" in operation:
            for _, response, where in self.items(operation["responses"], (*path, "responses")):
                if isinstance(response, dict) and "content" in response:
                    self._content(response["content"], (*where, "content"))
        declared = list(shared)
        if "parameters" in operation:
            declared = self._parameters(operation["parameters"], (*path, "parameters")) + declared
        names: dict[str, Path] = {}
        for parameter, site in declared:
            if parameter.get("in") == "path" and isinstance(parameter.get("name"), str):
                names.setdefault(parameter["name"], site)
        message = "Path parameter '{}' for '{}' operation in '{}' was not resolved"
        for name in in_url:
            if name not in names:
                self._issue(
                    "path-parameter",
                    message.format(name, method, url),
                    url_path,
                    hint=f"declare it in the operation: a parameter with `in: path` and `name: {name}`",
                )
        for name in sorted(names):
            if name not in in_url:
                self._issue(
                    "path-parameter",
                    message.format(name, method, url),
                    names[name],
                    hint=f"remove this parameter, or use {{{name}}} in the path",
                )

    def _operation_id(self, value: Any, site: Path) -> None:
        if value is None:
            return
        key = value if isinstance(value, Hashable) else repr(value)
        first = self._operation_ids.get(key)
        if first is not None:
            self._issue(
                "operation-id",
                f"operationId {value} is used twice",
                site,
                hint="rename one of them",
                first=first,
            )
        else:
            self._operation_ids[key] = site

    def _parameters(self, value: Any, path: Path) -> list[tuple[Any, Path]]:
        """Check a parameter list; return its parameters that are objects, with their sites."""
        seen: set[tuple[Hashable, Hashable]] = set()
        kept = []
        for parameter, site, where in self.sequence(value, path):
            if not isinstance(parameter, dict):
                continue
            if "schema" in parameter:
                self.schema(parameter["schema"], (*where, "schema"))
            key = (parameter.get("name"), parameter.get("in"))
            if (
                "name" in parameter
                and "in" in parameter
                and all(isinstance(k, Hashable) for k in key)
            ):
                if key in seen:
                    self._issue(
                        "parameter",
                        f"Duplicate parameter '{key[0]}'",
                        site,
                        hint="remove one of them, or rename it",
                    )
                seen.add(key)
            kept.append((parameter, site))
        return kept

    def _content(self, value: Any, path: Path) -> None:
        for _, media_type, where in self.items(value, path):
            if isinstance(media_type, dict) and "schema" in media_type:
                self.schema(media_type["schema"], (*where, "schema"))

    # -- Schema Objects ---------------------------------------------------------------

    def schema(
        self, value: Any, path: Path, *, require_properties: bool = True, meta_checked: bool = False
    ) -> None:
        found = self.resolve(value, path)
        if found is None:
            return
        schema, path = found
        if not isinstance(schema, (dict, bool)):
            self._issue(
                "schema",
                f"{schema!r} is not of type 'object', 'boolean'",
                path,
                hint=_SCHEMA_HINT,
                reported=path,
            )
            return
        if not meta_checked and id(schema) not in self._meta_checked:
            self._meta_checked.add(id(schema))
            errors = self.checks.meta(schema)
            for message, inner in errors:
                self._issue(
                    "schema",
                    f"invalid schema: {message}",
                    (*path, *inner),
                    hint=_SCHEMA_HINT,
                    reported=path,
                )
            if errors:
                return
        if id(schema) in self._visited or not isinstance(schema, dict):
            self._visited.add(id(schema))
            return
        self._visited.add(id(schema))
        nested: set[Any] = set()
        for keyword in ("allOf", "anyOf", "oneOf"):
            if keyword in schema:
                for inner, _, where in self.sequence(schema[keyword], (*path, keyword)):
                    self.schema(inner, where, require_properties=False, meta_checked=True)
                    if keyword == "allOf":
                        nested |= self._properties_of(inner, where, set())
        for keyword in ("not", "items"):
            if keyword in schema:
                self.schema(
                    schema[keyword], (*path, keyword), require_properties=False, meta_checked=True
                )
        if "properties" in schema:
            for _, inner, where in self.items(schema["properties"], (*path, "properties")):
                self.schema(inner, where, require_properties=False, meta_checked=True)
        if "allOf" in schema and require_properties:
            self._required(schema, path, nested)
        if "default" in schema:
            default = schema["default"]
            if default is not None or schema.get("nullable", False) is not True:
                for message, inner in self.checks.default(schema, default):
                    self._issue(
                        "default",
                        f"invalid default: {message}",
                        (*path, "default", *inner),
                        hint=_SCHEMA_HINT,
                        reported=path,
                    )

    def _required(self, schema: dict[str, Any], path: Path, nested: set[Any]) -> None:
        required = schema.get("required") or []
        properties = schema.get("properties") or {}
        if not isinstance(required, list) or not isinstance(properties, dict):
            return
        names = {name for name in required if isinstance(name, Hashable)}
        extra = sorted(names - set(properties) - nested, key=str)
        if extra:
            self._issue(
                "required",
                f"Required list has not defined properties: {extra}",
                (*path, "required"),
                hint="define them under properties (here or in an allOf part), or drop them from required",
                reported=path,
            )

    def _properties_of(self, value: Any, path: Path, seen: set[int]) -> set[Any]:
        """Every property name an allOf part defines, through its own combinators."""
        found = self.resolve(value, path)
        if found is None or not isinstance(found[0], dict) or id(found[0]) in seen:
            return set()
        schema, path = found
        seen.add(id(schema))
        names: set[Any] = set()
        if isinstance(schema.get("properties"), dict):
            names |= {k for k in schema["properties"] if isinstance(k, Hashable)}
        for keyword in ("allOf", "anyOf", "oneOf"):
            if keyword in schema:
                for inner, _, where in self.sequence(schema[keyword], (*path, keyword)):
                    names |= self._properties_of(inner, where, seen)
        for keyword in ("items", "not"):
            if keyword in schema:
                names |= self._properties_of(schema[keyword], (*path, keyword), seen)
        return names
