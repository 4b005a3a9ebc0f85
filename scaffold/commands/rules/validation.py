"""The rule that holds a handler's value checks to its doc: the doc is the contract, so a
handler refuses exactly the values its doc's schema refuses.

Only where both can be seen: a handler that declares its checks with `c.require_values` (as a
generated one does). A handler that checks values in its own code, or leaves them to the app
layer, is not read for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scaffold.commands.rules.base import RuleBase
from scaffold.model.fields import value_checks
from scaffold.model.findings import Finding
from scaffold.scan.catalog import EndpointRecord


class ValidationRules(RuleBase):
    def _value_checks(self, record: EndpointRecord) -> Iterator[Finding]:
        doc, handler = record.doc, record.handler
        if doc is None or handler is None or handler.value_checks is None:
            return
        typed = {name for name, _, _ in handler.body_fields}
        stated = {
            (field.name, kind): _plain(value)
            for field in doc.body_fields or doc.schema_fields
            if field.name in typed
            for kind, value in value_checks(field).items()
        }
        checked = {(name, kind): _plain(value) for name, kind, value in handler.value_checks}
        for (name, kind), value in sorted(stated.items()):
            actual = checked.get((name, kind))
            if actual != value:
                how = "does not check it" if actual is None else f"checks {_shown(actual)}"
                yield self.finding(
                    "doc-validation-mismatch",
                    handler.location,
                    f"the doc of {self.label(record)} states {kind} {_shown(value)} for {name}; "
                    f"{handler.name} {how}",
                    f"check it in {handler.name}: c.require_values(body, {kind}={{{name!r}: {_shown(value)}}}), "
                    f"or change the doc at {doc.location}",
                    f"{record.key}#checks:{name}:{kind}",
                )
        for (name, kind), value in sorted(checked.items()):
            if (name, kind) not in stated:
                yield self.finding(
                    "doc-validation-mismatch",
                    handler.location,
                    f"{handler.name} refuses {name} by {kind} {_shown(value)}, which the doc of "
                    f"{self.label(record)} does not state (a client the doc satisfies gets 400)",
                    f"state it in the doc at {doc.location}, or stop checking it in {handler.name}",
                    f"{record.key}#unstated:{name}:{kind}",
                )


def _plain(value: Any) -> Any:
    """A checked value as comparable: tuples for lists, floats for numbers."""
    if isinstance(value, list | tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


def _shown(value: Any) -> str:
    """A checked value as the handler writes it: `(1, 64)`, `("O", "P")`, `"email"`."""
    if isinstance(value, tuple):
        items = [_shown(v) for v in value]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if not isinstance(value, str) else '"' + value.replace('"', '\\"') + '"'
