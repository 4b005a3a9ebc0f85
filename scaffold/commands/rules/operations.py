"""The rules a doc operation answers to on its own, with no code to compare it with: a summary,
a tag, a `##### Permissions` section, and the 401 and 403 responses its auth implies.

Who may call an operation is read from the doc alone: `security: []` marks it public, and so
does a Permissions section that opens by saying nothing is required ("No permission
required.", "None.") without speaking of a session; any other operation needs a session.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from scaffold.commands.rules.base import RuleBase
from scaffold.model.findings import Finding
from scaffold.scan.catalog import EndpointRecord
from scaffold.scan.docs import DocOperation

_OPEN = re.compile(r"\s*(no (authentication|permissions?)( is)? required|none\b)", re.IGNORECASE)
_SESSION = re.compile(r"session|logged in|must be authenticated", re.IGNORECASE)

#: The shared response each auth status is written with, when the spec defines it.
AUTH_RESPONSES = {401: "Unauthorized", 403: "Forbidden"}


def is_public(doc: DocOperation) -> bool:
    """Whether the doc says anyone may call the operation (see the module's docstring)."""
    if doc.public:
        return True
    text = doc.permissions_text
    return text is not None and bool(_OPEN.match(text)) and not _SESSION.search(text)


def why_public(doc: DocOperation) -> str:
    if doc.public:
        return "it is public (`security: []`)"
    first = (doc.permissions_text or "").strip().splitlines()[0]
    return f"its Permissions section says anyone may call it ({first!r})"


class OperationRules(RuleBase):
    def _operation_fields(self, record: EndpointRecord) -> Iterator[Finding]:
        doc = record.doc
        assert doc is not None
        if not doc.summary:
            yield self.finding(
                "missing-summary",
                doc.location,
                f"{self.label(record)} has no summary",
                f"add `summary:` (a few words, sentence case) to the operation at {doc.location}",
                record.key,
            )
        if not doc.tags:
            yield self.finding(
                "missing-tag",
                doc.location,
                f"{self.label(record)} has no tag: it is listed under no heading of the reference",
                f"add `tags:` with the tag of the fragment's other operations at {doc.location}",
                record.key,
            )
        if doc.permissions_text is None:
            at = doc.at(doc.description_line)
            yield self.finding(
                "missing-permissions",
                at,
                f"the description of {self.label(record)} has no `##### Permissions` section",
                f"end the description at {at} with a line `##### Permissions` and one naming "
                "what the caller needs (e.g. Must have `manage_system` permission.)",
                record.key,
            )

    def _auth_responses(self, record: EndpointRecord) -> Iterator[Finding]:
        """401 on every operation that needs a session, and (a warning: a login answers 401 for
        bad credentials) on no public one; 403 where the Permissions section names a permission."""
        doc = record.doc
        assert doc is not None
        lines = dict(doc.status_lines)
        responses = doc.at(doc.responses_line)
        public = is_public(doc)
        if public and 401 in lines:
            at = doc.at(lines[401])
            yield self.finding(
                "public-unauthorized",
                at,
                f"{self.label(record)} lists 401, but {why_public(doc)}",
                f"remove the response 401 at {at}, unless the operation checks credentials of its own "
                "(as a login does); if it needs a session, "
                + ("drop `security: []`" if doc.public else "say so in its Permissions section"),
                f"{record.key}#401:listed",
            )
        elif not public and 401 not in lines:
            yield self.finding(
                "unauthorized-response",
                responses,
                f"{self.label(record)} needs a session but does not list 401",
                self._add_response(401, responses)
                + " (or mark it `security: []` if anyone may call it)",
                f"{record.key}#401:missing",
                fixable=self._defined(401),
            )
        if doc.permissions and 403 not in lines:
            named = ", ".join(f"`{p}`" for p in doc.permissions)
            yield self.finding(
                "forbidden-response",
                responses,
                f"{self.label(record)} names the permission {named} but does not list 403",
                self._add_response(403, responses),
                f"{record.key}#403:missing",
                fixable=self._defined(403),
            )

    def _defined(self, status: int) -> bool:
        return AUTH_RESPONSES[status] in self.catalog.inventory.doc_responses

    def _add_response(self, status: int, at: object) -> str:
        if self._defined(status):
            ref = f"#/components/responses/{AUTH_RESPONSES[status]}"
            return f'add `"{status}": $ref: "{ref}"` to the responses at {at}'
        return f"add the response {status} to the responses at {at}"
