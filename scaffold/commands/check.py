"""`scaffold check` as a function: scan (cached), join, audit, apply the baseline → a Report.

The reporters render a Report; the CLI picks one and decides the exit code from it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from scaffold.commands.baseline import Baseline
from scaffold.errors import RepoLayoutError, ValidationError
from scaffold.model.endpoint import ARTIFACTS
from scaffold.model.findings import Finding
from scaffold.model.layout import RepoLayout
from scaffold.model.report import Report
from scaffold.repo.cache import CheckCache
from scaffold.repo.files import content_key, read_sources

# The parsers, the validator and the rules are imported where they are used: a check whose
# report is cached reads and hashes the files, and needs none of them.
if TYPE_CHECKING:
    from scaffold.scan.catalog import Catalog
    from scaffold.spec.problems import SpecProblem, SpecVerdict


@dataclass
class Scan:
    """A scan of a repo joined per endpoint, with its spec validation under way (if asked)."""

    catalog: Catalog
    spec: SpecValidation | None


class SpecValidation:
    """The spec problems of the fragments, from the cache or validated (maybe alongside)."""

    def __init__(self, fragments: list[tuple[str, str]], cache: CheckCache) -> None:
        from scaffold.spec.background import start_validation

        self.cache = cache
        self.key = cache.key(fragments)
        known = cache.spec_verdict(self.key)
        self._verdict: SpecVerdict | None = known
        self._pending = start_validation(fragments) if known is None else None

    def cancel(self) -> None:
        if self._pending is not None:
            self._pending.cancel()

    def problems(self) -> list[SpecProblem]:
        if self._verdict is None:
            assert self._pending is not None
            self._verdict = self._pending.result()
            self.cache.remember_spec(self.key, self._verdict)
        return list(self._verdict.problems)


def scan_repo(
    layout: RepoLayout,
    cache: CheckCache,
    *,
    validate_spec: bool = True,
    texts: dict[str, str] | None = None,
) -> Scan:
    """Scan with the cache; the spec validation (if asked) starts first and runs alongside."""
    from scaffold.scan.catalog import catalog
    from scaffold.scan.scanner import scan

    texts = read_sources(layout) if texts is None else texts
    fragments = []
    for name in layout.build:
        path = layout.fragment_path(name)
        if path not in texts:
            raise RepoLayoutError(
                f"the build list names {name}, which does not exist",
                hint=f"create {path} or remove it from [docs] build in scaffold.toml",
                path=layout.config_path,
            )
        fragments.append((path, texts[path]))
    spec = SpecValidation(fragments, cache) if validate_spec else None
    try:
        inventory = scan(layout, texts.get, cache)
    except BaseException:
        if spec is not None:
            spec.cancel()  # no child process outlives the command
        raise
    return Scan(catalog(inventory, layout), spec)


def run_check(
    layout: RepoLayout,
    *,
    strict: bool = False,
    baseline: Baseline | None = None,
    use_cache: bool = True,
    only_docs: bool = False,
) -> Report:
    """The report of `check`: from the cache when nothing the report depends on changed.

    With `only_docs` (always, in a repo of docs alone) only the rules that read the docs
    alone run, and endpoints are reported by their docs alone.
    """
    only_docs = only_docs or layout.docs_only
    cache = CheckCache(layout.root, enabled=use_cache)
    texts = read_sources(layout)
    content = content_key(layout, texts)
    key = cache.fingerprint + content + (b"docs" if only_docs else b"")
    stored = cache.report(key)
    cached = stored is not None
    if stored is None:
        endpoints, findings = _audit(layout, cache, texts, only_docs)
        # Kept as JSON: loading it back is many times faster than unpickling the objects.
        stored = json.dumps({"endpoints": endpoints, "findings": [f.as_json() for f in findings]})
        cache.remember_report(key, stored)
        cache.save()
    data = json.loads(stored)
    endpoints, findings = data["endpoints"], [Finding.from_json(f) for f in data["findings"]]
    if strict:
        findings = [
            replace(f, severity="error") if f.rule == "pending-status-case" else f for f in findings
        ]
    accepted: list[Finding] = []
    stale = 0
    if baseline is not None:
        findings, accepted, stale = baseline.split(findings)
    artifacts = ("docs",) if only_docs else ARTIFACTS
    return Report(endpoints, findings, accepted, stale, strict, cached, content, artifacts)


def _audit(
    layout: RepoLayout, cache: CheckCache, texts: dict[str, str], only_docs: bool
) -> tuple[list[dict[str, Any]], list[Finding]]:
    from scaffold.commands.audit import audit, ordered, spec_findings
    from scaffold.reporters.json import check_entry
    from scaffold.scan.catalog import Catalog
    from scaffold.scan.scanner import Inventory
    from scaffold.spec.problems import SpecProblem

    try:
        scanned = scan_repo(layout, cache, texts=texts)
    except ValidationError as err:
        # A fragment that is not YAML: nothing else about the docs can be said until it is.
        problem = SpecProblem.of(err)
        return [], audit(Catalog([], [], Inventory()), layout, spec_problems=[problem], only_docs=only_docs)
    spec = scanned.spec
    assert spec is not None
    try:
        # Everything that does not need the spec first, while it is validated alongside.
        findings = audit(scanned.catalog, layout, only_docs=only_docs)
        endpoints = [check_entry(record) for record in scanned.catalog.endpoints]
        cache.save()
        problems = spec.problems()
    except BaseException:
        spec.cancel()  # no child process outlives the command
        raise
    return endpoints, ordered(findings + spec_findings(problems, layout))
