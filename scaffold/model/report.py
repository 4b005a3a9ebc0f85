"""The result of `scaffold check`, as plain data: what the reporters render and the cache keeps."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from scaffold.errors import EXIT_FINDINGS, EXIT_OK
from scaffold.model.endpoint import ARTIFACTS
from scaffold.model.findings import Finding


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
    #: the artifacts the report speaks of: the five, or the docs alone (`check --only docs`)
    artifacts: tuple[str, ...] = ARTIFACTS

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
            1 for e in self.endpoints if all(e["states"][name] == "done" for name in self.artifacts)
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
