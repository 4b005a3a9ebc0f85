"""`scaffold check` as a function: scan (cached), join, audit, apply the baseline → a Report.

The reporters render a Report; the CLI picks one and decides the exit code from it.
"""

from __future__ import annotations

import gc
import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from scaffold.baseline import Baseline
from scaffold.cache import CheckCache
from scaffold.config import RepoLayout
from scaffold.errors import EXIT_FINDINGS, EXIT_OK, RepoLayoutError, ValidationError
from scaffold.findings import Finding
from scaffold.sources import content_key, read_sources
from scaffold.speccheck import SpecProblem, start_validation

if TYPE_CHECKING:
    from scaffold.endpoints import Catalog
    from scaffold.inventory import Inventory


@dataclass
class Report:
    #: every endpoint as `EndpointRecord.check_entry()` gives it (plain data: cached as JSON)
    endpoints: list[dict[str, Any]]
    findings: list[Finding]
    #: findings the baseline accepts (not counted, not failing)
    baselined: list[Finding] = field(default_factory=list)
    #: baseline entries that matched nothing: fixed since, and safe to drop
    stale_baseline: int = 0
    strict: bool = False
    #: the whole result came from the cache (nothing in the repo changed)
    cached: bool = False
    #: the `sources.content_key` of the files the report was computed from
    content: bytes = b""

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def exit_code(self) -> int:
        return EXIT_FINDINGS if self.errors else EXIT_OK

    def summary(self) -> dict[str, Any]:
        complete = sum(
            1 for e in self.endpoints if all(state == "done" for state in e["states"].values())
        )
        return {
            "endpoints": len(self.endpoints),
            "complete": complete,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "baselined": len(self.baselined),
            "stale_baseline": self.stale_baseline,
            "fixable": sum(1 for f in self.findings if f.fixable),
            "by_rule": dict(sorted(Counter(f.rule for f in self.findings).items())),
            "strict": self.strict,
        }


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while scanning.

    Parsing allocates millions of short-lived objects without cycles (refcounting frees them);
    the collector would walk the ever larger heap again and again, and double the scan's time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class Scan:
    """A scan of a repo joined per endpoint, with its spec validation under way (if asked)."""

    catalog: Catalog
    spec: SpecValidation | None


class SpecValidation:
    """The spec problems of the fragments, from the cache or validated (maybe alongside)."""

    def __init__(self, fragments: list[tuple[str, str]], cache: CheckCache) -> None:
        self.cache = cache
        self.key = cache.key(fragments)
        self._pending = start_validation(fragments, lambda: cache.spec_problems(self.key))

    def cancel(self) -> None:
        if not isinstance(self._pending, list):
            self._pending.cancel()

    def problems(self) -> list[SpecProblem]:
        if isinstance(self._pending, list):
            return self._pending
        problems = self._pending.result()
        self.cache.remember_spec(self.key, problems)
        self._pending = problems
        return problems


def scan_repo(
    layout: RepoLayout,
    cache: CheckCache,
    *,
    validate_spec: bool = True,
    texts: dict[str, str] | None = None,
) -> Scan:
    """Scan with the cache; the spec validation (if asked) starts first and runs alongside."""
    from scaffold.endpoints import catalog
    from scaffold.inventory import scan

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
    with paused_gc():
        spec = SpecValidation(fragments, cache) if validate_spec else None
        try:
            inventory = scan(layout, texts.get, cache.memo)
        except BaseException:
            if spec is not None:
                spec.cancel()  # no child process outlives the command
            raise
        return Scan(catalog(inventory, layout), spec)


def cached_inventory(layout: RepoLayout) -> Inventory:
    """The repo's inventory, from the facts `check` cached for unchanged files (read, never
    written: a command that edits the repo leaves the cache to the next check)."""
    from scaffold.inventory import scan

    with paused_gc():
        return scan(layout, memo=CheckCache(layout.root).memo)


def run_check(
    layout: RepoLayout,
    *,
    strict: bool = False,
    baseline: Baseline | None = None,
    use_cache: bool = True,
) -> Report:
    # The whole check allocates without cycles: see `paused_gc`.
    with paused_gc():
        return _run_check(layout, strict, baseline, use_cache)


def _run_check(
    layout: RepoLayout, strict: bool, baseline: Baseline | None, use_cache: bool
) -> Report:
    cache = CheckCache(layout.root, enabled=use_cache)
    texts = read_sources(layout)
    content = content_key(layout, texts)
    key = cache.fingerprint + content
    stored = cache.report(key)
    cached = stored is not None
    if stored is None:
        endpoints, findings = _audit(layout, cache, texts)
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
    return Report(endpoints, findings, accepted, stale, strict, cached, content)


def _audit(
    layout: RepoLayout, cache: CheckCache, texts: dict[str, str]
) -> tuple[list[dict[str, Any]], list[Finding]]:
    from scaffold.audit import audit, ordered, spec_findings
    from scaffold.endpoints import Catalog
    from scaffold.inventory import Inventory

    try:
        scanned = scan_repo(layout, cache, texts=texts)
    except ValidationError as err:
        # A fragment that is not YAML: nothing else about the docs can be said until it is.
        problem = SpecProblem(err.message, str(err.path) if err.path else None, err.line, err.hint)
        return [], audit(Catalog([], [], Inventory()), layout, spec_problems=[problem])
    assert scanned.spec is not None
    # Everything that does not need the spec first, while it is validated alongside.
    with paused_gc():
        findings = audit(scanned.catalog, layout)
        endpoints = [record.check_entry() for record in scanned.catalog.endpoints]
    cache.save()
    problems = scanned.spec.problems()
    return endpoints, ordered(findings + spec_findings(problems, layout))
