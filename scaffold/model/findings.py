"""A finding of `scaffold check`, and the rules that make them.

Kept apart from the rules' logic (`scaffold.audit`): reading a cached report needs only this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    summary: str


RULES = {
    rule.id: rule
    for rule in (
        Rule("undocumented-route", "error", "A route has no doc operation."),
        Rule("stale-doc", "error", "A doc operation has no route."),
        Rule("method-mismatch", "error", "The doc and the route of a path disagree on the method."),
        Rule(
            "path-params-mismatch",
            "error",
            "The doc and the route name the path parameters differently.",
        ),
        Rule("missing-driver", "error", "A route has no driver method."),
        Rule("orphan-driver", "error", "A driver method calls a route that does not exist."),
        Rule("missing-tests", "error", "No test asserts a status of the endpoint."),
        Rule("missing-status-case", "error", "A status the endpoint can answer has no test."),
        Rule("pending-status-case", "warning", "A status is asserted only by an xfail test."),
        Rule("missing-security-case", "error", "A tested endpoint has no row in the security cases' table."),
        Rule("pending-security-case", "warning", "A written endpoint is still pending in the security cases' table."),
        Rule(
            "doc-status-mismatch",
            "error",
            "The doc's responses and the route's status codes disagree.",
        ),
        Rule(
            "operation-id",
            "error",
            "The operationId is missing, duplicated or does not match the handler.",
        ),
        Rule(
            "doc-validation-mismatch",
            "error",
            "The handler checks a field's value otherwise than the doc's schema states.",
        ),
        Rule("invalid-spec", "error", "The merged OpenAPI spec does not validate."),
        Rule("missing-summary", "error", "A doc operation has no summary."),
        Rule("missing-tag", "error", "A doc operation has no tag."),
        Rule(
            "missing-permissions",
            "warning",
            "A doc operation's description has no `##### Permissions` section.",
        ),
        Rule("unauthorized-response", "error", "A doc operation that needs a session does not list 401."),
        Rule(
            "public-unauthorized",
            "warning",
            "A public doc operation lists 401 (right only if it checks credentials of its own).",
        ),
        Rule(
            "forbidden-response",
            "error",
            "A doc operation names a permission but does not list 403.",
        ),
        Rule("undeclared-tag", "warning", "A tag operations use is not declared in `tags:`."),
        Rule("ungrouped-tag", "error", "A tag is in no group of `x-tagGroups` (Redoc hides it)."),
        Rule("unbuilt-fragment", "error", "A fragment of the docs source is not in the build list."),
    )
}

#: The rules whose findings are about the docs as a whole, not one endpoint.
WHOLE_DOCS_RULES = frozenset({"invalid-spec", "undeclared-tag", "ungrouped-tag", "unbuilt-fragment"})


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    path: str
    line: int
    message: str
    #: the command that fixes it, or the edit when no command does
    fix: str
    #: what the finding is about, stable while lines move: baselines match on it
    key: str
    #: `check --fix` fills it through the add engine
    fixable: bool = False

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "path": self.path,
            "line": self.line,
            "message": self.message,
            "fix": self.fix,
            "fixable": self.fixable,
            "key": self.key,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        return cls(**data)

    @property
    def endpoint(self) -> str | None:
        """The key of the endpoint the finding is about (`GET /api/v4/users/{}`), if one is."""
        if self.rule in WHOLE_DOCS_RULES or self.rule == "orphan-driver":
            return None
        return re.split(r"[#|]", self.key, maxsplit=1)[0]
