"""Baselines: the findings a repo accepts for now, so the gate can be adopted gradually.

A baseline is a JSON file written by `check --write-baseline FILE`. Findings match it by rule,
file and key (what the finding is about, e.g. `GET /api/v4/users/{}#403`), never by line, so
edits elsewhere in a file do not bring accepted findings back; a finding that appears twice
needs two entries. Entries that no longer match are reported, so the baseline only shrinks.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffold.errors import UsageError
from scaffold.model.findings import Finding
from scaffold.repo.files import read_regular

VERSION = 1

Identity = tuple[str, str, str]


def identity(finding: Finding) -> Identity:
    return finding.rule, finding.path, finding.key


@dataclass(frozen=True)
class Baseline:
    entries: Counter[Identity]

    def split(self, findings: Iterable[Finding]) -> tuple[list[Finding], list[Finding], int]:
        """(new findings, accepted findings, entries that matched nothing)."""
        left = Counter(self.entries)
        new, accepted = [], []
        for finding in findings:
            key = identity(finding)
            if left[key] > 0:
                left[key] -= 1
                accepted.append(finding)
            else:
                new.append(finding)
        return new, accepted, sum(left.values())


def load_baseline(path: Path) -> Baseline:
    try:
        raw = read_regular(path)  # a named pipe is refused: it would never end
        if raw is None:
            raise FileNotFoundError(path)
        data = json.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        raise UsageError(
            f"baseline {path} does not exist",
            hint="write one with `scaffold check --write-baseline FILE`",
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise UsageError(
            f"baseline {path} is not a baseline: {err}",
            hint="write it again with `scaffold check --write-baseline FILE`",
            path=path,
        ) from None
    entries = (
        data.get("findings") if isinstance(data, dict) and data.get("version") == VERSION else None
    )
    if not isinstance(entries, list) or not all(_is_entry(e) for e in entries):
        raise UsageError(
            f"baseline {path} is not a version {VERSION} baseline",
            hint="write it again with `scaffold check --write-baseline FILE`",
            path=path,
        )
    return Baseline(Counter((e["rule"], e["path"], e["key"]) for e in entries))


def _is_entry(entry: Any) -> bool:
    return isinstance(entry, dict) and all(
        isinstance(entry.get(k), str) for k in ("rule", "path", "key")
    )


def baseline_text(findings: Iterable[Finding]) -> str:
    """The baseline accepting `findings`: sorted, one entry per finding, with its message."""
    entries = sorted(
        ({"rule": f.rule, "path": f.path, "key": f.key, "message": f.message} for f in findings),
        key=lambda e: (e["path"], e["rule"], e["key"]),
    )
    return json.dumps({"version": VERSION, "findings": entries}, indent=2) + "\n"
