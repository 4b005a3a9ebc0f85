"""The console script: a replay answers an unchanged repo at once; else the command line runs.

This module and `scaffold.cli.replay` load without typer or rich: a warm `scaffold check` of a
big repo spends more time starting its command line than checking (see `scaffold.cli.replay`).
"""

from __future__ import annotations

import gc
import os
import sys

from scaffold.cli.replay import Invocation, prepare, recording, replay
from scaffold.errors import EXIT_BUG, EXIT_INTERRUPTED, INTERRUPTED, internal_error


def main() -> None:
    """The console script: replay when nothing changed, else run the command line."""
    invocation = Invocation.parse(sys.argv[1:])
    recorded = None
    if invocation is not None:
        try:
            prepared = prepare(invocation)
            code = replay(*prepared) if prepared is not None else None
        except KeyboardInterrupt:
            print(INTERRUPTED, file=sys.stderr)
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            # `scaffold check | head`: the reader left; say nothing more, as the CLI does.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except OSError as exc:  # stdout itself failed (a full disk): as the CLI reports it
            print(internal_error(exc), file=sys.stderr)
            sys.exit(EXIT_BUG)
        if code is not None:
            sys.exit(code)
        recorded = (invocation, *prepared) if prepared is not None else None
    from scaffold.cli.main import main as run

    try:
        with recording(recorded):
            run()
    finally:
        # The process ends here. Its exit collects garbage over every object still alive (a
        # scan's facts: a twentieth of a second on a big repo), only to free memory the OS
        # takes back anyway; frozen objects are left out of that collection.
        gc.freeze()
