"""The OpenAPI validators scaffold is compared with: swagger-cli, Redocly and Spectral.

They are npm packages, installed on first use into benchmarks/.peers (ignored by git) with
the versions pinned here; without `npm` the benchmark shows them as skipped. Each validates
the merged spec that `scaffold docs build` wrote, as its own command line does.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PREFIX = HERE / ".peers"
#: npm package, pinned version, the command it installs
PACKAGES = [
    ("@apidevtools/swagger-cli", "4.0.4", "swagger-cli"),
    ("@redocly/cli", "2.77.0", "redocly"),
    ("@stoplight/spectral-cli", "6.16.3", "spectral"),
]
#: Spectral's own OpenAPI ruleset, and nothing else.
SPECTRAL_RULESET = HERE / "spectral.yaml"


def install() -> str | None:
    """Install the peers if needed; the reason they cannot run, or None."""
    if all((PREFIX / "node_modules" / ".bin" / command).exists() for _, _, command in PACKAGES):
        return None
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        return "skipped: npm not found"
    specs = [f"{name}@{version}" for name, version, _ in PACKAGES]
    print(f"installing {', '.join(specs)} into {PREFIX} (once)…", file=sys.stderr)
    PREFIX.mkdir(exist_ok=True)
    result = subprocess.run(
        [
            npm,
            "install",
            "--prefix",
            str(PREFIX),
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            *specs,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["npm install failed"])[-1]
        return f"skipped: {last}"
    return None


def commands(spec: Path) -> dict[str, list[str]]:
    """Each peer's command validating `spec`."""
    bin_ = PREFIX / "node_modules" / ".bin"
    return {
        "swagger-cli validate": [str(bin_ / "swagger-cli"), "validate", str(spec)],
        "redocly lint": [str(bin_ / "redocly"), "lint", str(spec)],
        "spectral lint (oas)": [
            str(bin_ / "spectral"),
            "lint",
            "--ruleset",
            str(SPECTRAL_RULESET),
            str(spec),
        ],
    }
