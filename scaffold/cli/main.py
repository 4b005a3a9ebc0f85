"""The command line as a whole: every command registered on the app, and the entry point the
console script runs when a replay does not answer (see `scaffold.cli.replay`)."""

from __future__ import annotations

import os
import sys

from scaffold.cli import check, docs, endpoint  # noqa: F401 (each registers its commands)
from scaffold.cli.app import app
from scaffold.repo.gc import paused_gc

__all__ = ["app", "main"]


def main() -> None:
    """Run the command line, with the cyclic GC paused for the command (see `scaffold.repo.gc`)."""
    try:
        with paused_gc():
            app(prog_name="scaffold")
    except BrokenPipeError:
        # `scaffold check | head`: the reader left; say nothing more, like other tools.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":
    main()
