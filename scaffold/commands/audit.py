"""The rules of `scaffold check`: the catalog of endpoints in, findings out.

Each finding names its rule, where to look (file:line of the thing to change), what is wrong
and the command (or the edit) that fixes it. One cause gives one finding: a route line deleted
is a stale doc, not also an orphan driver method and untested cases.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from scaffold.commands.rules.coverage import CoverageRules
from scaffold.commands.rules.docs import DocRules
from scaffold.commands.rules.operations import OperationRules
from scaffold.commands.rules.security import SecurityRules
from scaffold.commands.rules.tags import TagRules
from scaffold.commands.rules.validation import ValidationRules
from scaffold.model.findings import Finding
from scaffold.model.layout import RepoLayout
from scaffold.scan.catalog import Catalog
from scaffold.spec.problems import SpecProblem


def audit(
    catalog: Catalog,
    layout: RepoLayout,
    *,
    spec_problems: Sequence[SpecProblem] = (),
    strict: bool = False,
    only_docs: bool = False,
) -> list[Finding]:
    """Every finding of the repo, ordered by file and line (with `only_docs`, or in a repo of
    docs alone, those of the rules that read the docs alone)."""
    findings = list(_Audit(catalog, layout, strict, only_docs).run())
    return ordered(findings + spec_findings(spec_problems, layout))


def ordered(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.path, f.line, f.rule, f.key))


def spec_findings(problems: Sequence[SpecProblem], layout: RepoLayout) -> list[Finding]:
    # An operationId used twice is the operation-id rule's finding: one cause, one finding.
    return [_invalid_spec(problem, layout) for problem in problems if problem.check != "operation-id"]


def _invalid_spec(problem: SpecProblem, layout: RepoLayout) -> Finding:
    path = problem.path or layout.fragment_path(layout.build[0])
    if path.startswith(str(layout.root) + "/"):
        path = path[len(str(layout.root)) + 1 :]
    return Finding(
        "invalid-spec",
        "error",
        path,
        problem.line or 1,
        problem.message,
        problem.hint or "fix the spec, then run `scaffold docs build`",
        f"{path}#{problem.message}",
    )


class _Audit(DocRules, OperationRules, TagRules, CoverageRules, SecurityRules, ValidationRules):
    """Every rule, run over the catalog in the order findings read best."""

    def run(self) -> Iterator[Finding]:
        if self.docs_alone:
            yield from self._docs_alone()
            return
        yield from self._pairing()
        for record in self.catalog.endpoints:
            if record.doc is not None:
                yield from self._operation_fields(record)
            if record.route is not None:
                yield from self._driver_and_tests(record)
            if record.route is not None and record.doc is not None:
                yield from self._security_row(record)
            if record.route is not None and record.doc is not None:
                yield from self._params(record)
                yield from self._doc_statuses(record)
                yield from self._value_checks(record)
        yield from self._operation_ids()
        yield from self._tags()
        yield from self._unbuilt()
        yield from self._orphans()

    def _docs_alone(self) -> Iterator[Finding]:
        """The rules that need no code: where code exists, it is not read (`--only docs`)."""
        for record in self.catalog.endpoints:
            if record.doc is not None:
                yield from self._operation_fields(record)
                yield from self._auth_responses(record)
        yield from self._operation_ids()
        yield from self._tags()
        yield from self._unbuilt()
