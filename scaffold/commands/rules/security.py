"""The rule that holds each tested endpoint to its row in the security cases' table."""

from __future__ import annotations

from collections.abc import Iterator

from scaffold.commands.rules.base import RuleBase
from scaffold.model.findings import Finding
from scaffold.scan.catalog import EndpointRecord
from scaffold.scan.facts import Location


class SecurityRules(RuleBase):
    def _security_row(self, record: EndpointRecord) -> Iterator[Finding]:
        """An endpoint with tests of its own but no row: the security cases skip it. (Without
        tests it is missing-tests, whose fix writes the row too.)"""
        table = self.catalog.inventory.security
        name = record.operation_id
        if table is None or name is None or not record.tests:
            return
        if table.listed(name):
            written = record.app_function is not None and not record.app_function.stub
            if table.pending(name) and written:
                yield self.finding(
                    "pending-security-case",
                    table.entries[name].location,
                    f"{self.label(record)} ({name}) is pending in the security table, its app function written",
                    "run `scaffold check --fix`: it runs its security cases and takes it off the pending ones once they pass",
                    f"{record.key}#security-pending",
                    fixable=True,
                )
            return
        fix = self.add_fix(record)
        yield self.finding(
            "missing-security-case",
            Location(table.path, 1),
            f"{self.label(record)} ({name}) is not in the security table: its security cases skip it",
            fix or f"add its request to {table.path} and {name} to its operations",
            f"{record.key}#security",
            fixable=fix is not None,
        )
