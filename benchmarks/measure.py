"""Run a command as a user runs it — a new process, output discarded — and measure it.

Each measurement is the best wall time of a few runs (the machine is shared: the best run is
the one least disturbed) and the peak resident memory of that command, from the `rusage` the
kernel reports when the process ends (`os.wait4`): the largest of the process and the
children it waited for, in MiB.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measured:
    seconds: float
    #: peak resident set size, MiB
    rss: float
    #: the exit code of the best run
    code: int


class CommandFailed(Exception):
    """A command the benchmark needs answered something other than 0 or 1."""


#: Spawns one command and reports its wall time, exit code and peak memory. It runs in a
#: small process of its own: on exec the kernel carries the peak of the process that spawned
#: the command into the command's own, so spawned from this (large) benchmark every command
#: would seem to use at least as much memory as the benchmark.
_RUNNER = """
import os, sys, time
errors = sys.argv[1]
actions = [
    (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
    (os.POSIX_SPAWN_OPEN, 2, errors, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
]
started = time.perf_counter()
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ, file_actions=actions)
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - started, os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def measure(
    command: list[str],
    runs: int,
    env: Mapping[str, str],
    *,
    before: Callable[[], None] | None = None,
    accept: tuple[int, ...] = (0, 1),
) -> Measured:
    """The best wall time of `runs` runs of `command`, with the peak memory of that run."""
    executable = shutil.which(command[0]) or command[0]
    best: Measured | None = None
    for _ in range(runs):
        if before is not None:
            before()
        with tempfile.TemporaryDirectory() as scratch:
            errors = Path(scratch) / "stderr"
            runner = [sys.executable, "-I", "-c", _RUNNER, str(errors), executable, *command[1:]]
            out = subprocess.run(
                runner, capture_output=True, text=True, env=dict(env), check=True
            ).stdout
            seconds, code, rss = out.split()
            if int(code) not in accept:
                text = (
                    errors.read_text(errors="replace").strip().splitlines()
                    if errors.exists()
                    else []
                )
                raise CommandFailed(
                    f"{' '.join(command)} failed ({code}): {text[-1] if text else ''}"
                )
        # ru_maxrss is in KiB on Linux.
        run = Measured(float(seconds), int(rss) / 1024, int(code))
        if best is None or run.seconds < best.seconds:
            best = run
    assert best is not None
    return best
