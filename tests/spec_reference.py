"""openapi-spec-validator's verdict on a document, in terms the fast path's issues can be held to.

The reference yields the schema's errors (with instance paths) and then its own checks (most
with no path: a message, or a path inside one Schema Object). It gives up with an exception on
some documents (a `$ref` to nothing, a parameter without a name, a key that is a number); the
errors it yielded before that still count, and the verdict is "invalid".
"""

from __future__ import annotations

from ast import literal_eval
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from scaffold.spec.issue import Issue, Path
from scaffold.spec.structure import keyed


@dataclass
class Reference:
    #: instance paths of the schema's errors
    structure: set[Path] = field(default_factory=set)
    #: (check, detail) of the reference's own checks, counted
    checks: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: paths inside a Schema Object (or inside its default) that its checks report
    schema_paths: list[tuple[str, Path]] = field(default_factory=list)
    #: the exception it gave up with, if it did
    crashed: BaseException | None = None

    @property
    def valid(self) -> bool:
        return (
            self.crashed is None
            and not self.structure
            and not self.checks
            and not self.schema_paths
        )


def reference(document: dict[str, Any]) -> Reference:
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
    from openapi_spec_validator.validation import exceptions as oas

    validator = (
        OpenAPIV31SpecValidator
        if str(document.get("openapi", "")).startswith("3.1")
        else OpenAPIV30SpecValidator
    )
    found = Reference()
    try:
        for error in validator(document).iter_errors():
            message = error.message.splitlines()[0]
            if "Failed validating" in error.message:  # the compiled schema's error
                found.structure.add(keyed(document, error.absolute_path))
            elif isinstance(error, oas.UnresolvableParameterError):
                found.checks["path-parameter", message] += 1
            elif isinstance(error, oas.DuplicateOperationIDError):
                found.checks["operation-id", message.split("'")[1]] += 1
            elif isinstance(error, oas.ParameterDuplicateError):
                found.checks["parameter", message] += 1
            elif isinstance(error, oas.ExtraParametersError):
                found.checks["required", str(sorted(literal_eval(message.split(": ", 1)[1])))] += 1
            elif message.startswith("Duplicate tag name"):
                found.checks["tag", message] += 1
            else:  # a Schema Object's own check (meta-schema or default)
                found.schema_paths.append((message, tuple(error.absolute_path)))
    except Exception as err:  # noqa: BLE001 (giving up is part of its verdict)
        found.crashed = err
    return found


def fast_view(issues: list[Issue]) -> Reference:
    """The fast path's issues in the reference's terms."""
    view = Reference()
    for issue in issues:
        if issue.check == "structure":
            view.structure.add(issue.reported)
        elif issue.check == "operation-id":
            view.checks["operation-id", issue.message.split()[1]] += 1
        elif issue.check == "required":
            view.checks["required", str(sorted(literal_eval(issue.message.split(": ", 1)[1])))] += 1
        elif issue.check in ("path-parameter", "parameter", "tag"):
            view.checks[issue.check, issue.message] += 1
        elif issue.check in ("schema", "default"):
            inner = issue.at[len(issue.reported) + (issue.check == "default") :]
            view.schema_paths.append((issue.check, inner))
    return view
