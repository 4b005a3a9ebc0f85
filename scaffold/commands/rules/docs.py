"""The rules that hold docs and routes together: every route documented and every operation
served, with the same method and parameters, and operationIds that name their handlers."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from scaffold.commands.rules.base import RuleBase
from scaffold.model.findings import Finding
from scaffold.naming import to_pascal, to_snake
from scaffold.scan.catalog import EndpointRecord
from scaffold.scan.facts import Location, params_of, shape

_PASCAL = re.compile(r"^[A-Z][A-Za-z0-9]*$")


class DocRules(RuleBase):
    # -- route vs doc ---------------------------------------------------------------------

    def _pairing(self) -> Iterator[Finding]:
        groups: dict[str, list[EndpointRecord]] = {}
        for record in self.catalog.endpoints:
            groups.setdefault(shape(record.path), []).append(record)
        stale = [r for r in self.catalog.endpoints if r.doc is not None and r.route is None]
        for records in groups.values():
            # A route served only outside the documented API (Go's local socket) needs no doc.
            routes = [
                r
                for r in records
                if r.route is not None and r.doc is None and self.layout.serves_api(r.route.wrapper)
            ]
            docs = [r for r in records if r.doc is not None and r.route is None]
            for route_record, doc_record in zip(routes, docs):
                yield self._method_mismatch(route_record, doc_record)
            for record in routes[len(docs) :]:
                yield self._undocumented(record, stale)
            for record in docs[len(routes) :]:
                yield self._stale(record)

    def _method_mismatch(self, route_record: EndpointRecord, doc_record: EndpointRecord) -> Finding:
        route, doc = route_record.route, doc_record.doc
        assert route is not None and doc is not None
        return self.finding(
            "method-mismatch",
            doc.location,
            f"the doc documents {doc.method} {doc_record.full_path} but the route ({route.location}) "
            f"registers {route.method}",
            f"change `{doc.method.lower()}:` to `{route.method.lower()}:` in {doc.location} "
            f"(or the route's method, if the doc is right)",
            f"{route_record.key}|{doc.method}",
        )

    def _undocumented(self, record: EndpointRecord, stale: list[EndpointRecord]) -> Finding:
        route = record.route
        assert route is not None
        message = f"{self.label(record)} is registered ({route.location}) but not documented"
        near = difflib.get_close_matches(
            self.label(record), [self.label(s) for s in stale], n=1, cutoff=0.8
        )
        if near:
            twin = next(s for s in stale if self.label(s) == near[0])
            assert twin.doc is not None
            message += f"; did you mean {near[0]} ({twin.doc.location})?"
        fix = (
            self.add_fix(record)
            or f"document it in {self.layout.fragment_path(self._fragment(record))}"
        )
        return self.finding(
            "undocumented-route", route.location, message, fix, record.key, fixable=self.layout.generates
        )

    def _fragment(self, record: EndpointRecord) -> str:
        return f"{self.layout.tag_for_path(record.path)}.yaml"

    def _stale(self, record: EndpointRecord) -> Finding:
        doc = record.doc
        assert doc is not None
        message = f"{self.label(record)} is documented but no route serves it"
        name = record.name
        handler = next(
            (h for (_, h_name), h in self.catalog.inventory.handlers.items() if h_name == name),
            None,
        )
        if handler is not None:
            message += (
                f"; handler {handler.name} ({handler.location}) is not registered in "
                f"{self.dialect.route_functions}"
            )
        fix = self.add_fix(record)
        if fix is None:
            return self.finding(
                "stale-doc",
                doc.location,
                message,
                f"remove the operation at {doc.location}",
                record.key,
            )
        return self.finding(
            "stale-doc",
            doc.location,
            message + " (remove the operation if the endpoint is gone)",
            fix,
            record.key,
            fixable=True,
        )

    def _params(self, record: EndpointRecord) -> Iterator[Finding]:
        route, doc, handler = record.route, record.doc, record.handler
        assert route is not None and doc is not None
        route_params, doc_params = params_of(route.path), params_of(doc.path)
        if route_params != doc_params:
            yield self.finding(
                "path-params-mismatch",
                doc.location,
                f"{record.method} {record.prefix}{doc.path} names its parameters {', '.join(doc_params)} "
                f"but the route ({route.location}) names them {', '.join(route_params)}",
                f"rename the path to {record.prefix}{route.path} in {doc.location} (and its `in: path` parameters)",
                record.key,
            )
        if handler is not None:
            # Compared without underscores: Go's RequireOutgoingOAuthConnectionId reads
            # {outgoing_oauth_connection_id}, whatever "OAuth" becomes in snake_case.
            known = {p.replace("_", "") for p in route_params}
            extra = [
                p
                for p in handler.validates
                if p.replace("_", "") not in known and f"{p}id".replace("_", "") not in known
            ]
            if extra:
                yield self.finding(
                    "path-params-mismatch",
                    handler.location,
                    f"handler {handler.name} validates {', '.join(extra)}, which {record.full_path} "
                    "does not have",
                    f"remove {self.dialect.require(extra[0])} from {handler.name}, or add the parameter to the route",
                    f"{record.key}|handler",
                )

    # -- operation ids --------------------------------------------------------------------

    def _operation_ids(self) -> Iterator[Finding]:
        first: dict[str, Location] = {}
        names = {doc.operation_id for doc in self.catalog.inventory.docs}
        # In document order, so "first" is the one the merged spec has first.
        for doc in self.catalog.inventory.docs:
            record = self.catalog.find(doc.method, doc.path)
            if record is None or record.doc is not doc:
                continue  # a second operation for the same METHOD + path: the spec check says so
            at = Location(doc.location.path, doc.operation_id_line)
            if not doc.operation_id:
                expected = to_pascal(record.route.handler) if record.route else "a PascalCase name"
                yield self.finding(
                    "operation-id",
                    doc.location,
                    f"{self.label(record)} has no operationId",
                    f"add `operationId: {expected}` to the operation at {doc.location}",
                    f"{record.key}#missing",
                )
                continue
            if doc.operation_id in first:
                yield self.finding(
                    "operation-id",
                    at,
                    f"operationId {doc.operation_id} is used twice: first at {first[doc.operation_id]}",
                    "rename one of them (an operationId names one operation)",
                    f"{record.key}#duplicate",
                )
            else:
                first[doc.operation_id] = at
            pascal = to_pascal(to_snake(doc.operation_id))
            if not _PASCAL.match(doc.operation_id):
                yield self.finding(
                    "operation-id",
                    at,
                    f"operationId {doc.operation_id} is not PascalCase",
                    f"rename it to {pascal}",
                    f"{record.key}#case",
                    # The name ties the code to the doc: renamed here only where there is none.
                    fixable=self.layout.docs_only and pascal not in names,
                )
            elif not self.docs_alone and record.route is not None and to_snake(doc.operation_id) != to_snake(record.route.handler):
                handler = record.route.handler
                where = record.handler.location if record.handler else record.route.location
                yield self.finding(
                    "operation-id",
                    at,
                    f"operationId {doc.operation_id} does not match handler {handler} ({where}): "
                    f"one name ties the artifacts",
                    f"rename the operationId to {to_pascal(handler)}, or the handler to "
                    f"{self.dialect.handler(doc.operation_id)}",
                    f"{record.key}#name",
                )
