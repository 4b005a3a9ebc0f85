"""Time scaffold on a Mattermost-sized repo, against the floor of reading that repo at all.

    python benchmarks/run.py [--repo DIR] [--rebuild] [--runs 3]

The floor is a fresh `python` that parses every Python file `check` reads with the stdlib
`ast.parse` and loads every YAML fragment with libyaml's CSafeLoader: no tool that reads the
repo can be faster. Each command runs as a user runs it (a new process, output discarded) and
is reported as its best wall time of `--runs` and as a ratio to the floor. Targets: a cold
`check` within 1.5× the floor, a warm one (content-hash cache) within 0.3×. `endpoint add` and
`endpoint remove` are timed too, without a target.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.make_repo import build, stats
from scaffold.repo.open import open_repo
from scaffold.scan.scanner import scan

DEFAULT_REPO = Path(tempfile.gettempdir()) / "scaffold-benchmark-repo"
# As installed: modules compiled once (an environment that forbids writing bytecode would
# make every run compile scaffold again, which no installed tool does).
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
TARGETS = {"check, cold": 1.5, "check, warm": 0.3}

_FLOOR = """
import ast, sys, yaml
for path in sys.argv[2:]:
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if path.endswith(".py"):
        ast.parse(text, filename=path)
    else:
        yaml.load(text, Loader=yaml.CSafeLoader)
"""


def best(command: list[str], runs: int, *, before: Callable[[], None] | None = None) -> float:
    """The best wall time of `runs` runs of `command` (its output discarded)."""
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        result = subprocess.run(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            env=ENV,
        )
        times.append(time.perf_counter() - started)
        if result.returncode not in (0, 1):
            raise SystemExit(
                f"{' '.join(command)} failed ({result.returncode}): {result.stderr.strip()}"
            )
    return min(times)


def scaffold(*args: str) -> list[str]:
    return [sys.executable, "-m", "scaffold", *args]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=DEFAULT_REPO)
    parser.add_argument("--rebuild", action="store_true", help="build the repo again")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    repo: Path = args.repo
    if args.rebuild and repo.exists():
        shutil.rmtree(repo)
    if not (repo / "scaffold.toml").exists():
        print(f"building the benchmark repo in {repo} (a few minutes, once)…", file=sys.stderr)
        build(repo, log=lambda line: print(line, file=sys.stderr))
    layout = open_repo(repo)
    sizes = stats(repo, layout)
    files = [str(repo / path) for path in scan(layout).files]
    print(
        f"repo: {sizes['operations']} operations, {sizes['resources']} resources; lines: users module "
        f"{sizes['users module']}, driver {sizes['driver']}, tests {sizes['tests']}, python "
        f"{sizes['python']}, yaml {sizes['yaml']}"
    )
    cache = repo / ".scaffold"

    def clear_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    runs = args.runs
    best(scaffold("check", "--repo", str(repo)), 1)  # compiles scaffold's modules once
    floor = best([sys.executable, "-c", _FLOOR, "--", *files], runs)
    timings = {
        "check, cold": best(scaffold("check", "--repo", str(repo)), runs, before=clear_cache),
        "check, warm": best(scaffold("check", "--repo", str(repo)), runs),
        "check --format json, warm": best(
            scaffold("check", "--repo", str(repo), "--format", "json"), runs
        ),
        "endpoint list, warm": best(scaffold("endpoint", "list", "--repo", str(repo)), runs),
    }
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "repo"
        shutil.copytree(repo, copy)
        add = scaffold(
            "endpoint",
            "add",
            "GET",
            "/users/{user_id}/benchmark-sessions",
            "--repo",
            str(copy),
            "--permission",
            "edit_other_users",
            "--yes",
        )
        timings["endpoint add --dry-run"] = best([*add, "--dry-run"], runs)

        def fresh_copy() -> None:
            shutil.rmtree(copy)
            shutil.copytree(repo, copy)

        timings["endpoint add (applied)"] = best(add, runs, before=fresh_copy)
        # The copy holds the endpoint the last run added: plan taking it out again.
        remove = scaffold(
            "endpoint", "remove", "GET", "/users/{user_id}/benchmark-sessions", "--repo", str(copy)
        )
        timings["endpoint remove --dry-run"] = best([*remove, "--dry-run"], runs)
    print(f"\n{'':<28}{'seconds':>9}{'× floor':>10}{'target':>9}")
    print(f"{'floor (start + parse + load)':<28}{floor:>9.3f}{1.0:>10.2f}")
    for name, seconds in timings.items():
        target = TARGETS.get(name)
        mark = (
            ""
            if target is None
            else (f"≤{target:g} ✓" if seconds / floor <= target else f"≤{target:g} ✗")
        )
        print(f"{name:<28}{seconds:>9.3f}{seconds / floor:>10.2f}{mark:>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
