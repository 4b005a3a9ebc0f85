"""The console script: a replay answers an unchanged repo at once; else the command line runs.

This module and `scaffold.cli.replay` load without typer or rich: a warm `scaffold check` of a
big repo spends more time starting its command line than checking (see `scaffold.cli.replay`).
A command that judges the whole spec has it judged in a child process meanwhile
(`scaffold.spec.background.judge_ahead`).
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

from scaffold.errors import EXIT_BUG, EXIT_INTERRUPTED, INTERRUPTED, internal_error
from scaffold.spec.background import cancel_ahead, judge_ahead


def main() -> None:
    """The console script: replay when nothing changed, else run the command line."""
    # First of all, so that its child starts as early as it can: the replay has imports of
    # its own to load, and the command line ten times more.
    _judge_ahead(sys.argv[1:])
    try:
        _replay_or_run()
    finally:
        cancel_ahead()  # no command claimed it (a replay answered, or an error came first)
        # The process ends here. Its exit collects garbage over every object still alive (a
        # scan's facts: a twentieth of a second on a big repo), only to free memory the OS
        # takes back anyway; frozen objects are left out of that collection.
        gc.freeze()


def _replay_or_run() -> None:
    from scaffold.cli.replay import Invocation, prepare, recording, replay

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

    with recording(recorded):
        run()


#: the commands that judge the whole spec, which start judging it before the command line
#: loads, and whether they take the validation over (`docs build` has nothing else to do)
_JUDGING = {("docs", "build"): True, ("check",): False}


def _judge_ahead(argv: list[str]) -> None:
    """Start judging the spec, for a command that will, while the command line loads. Only a
    guess at the repo the command will name: a verdict serves only the fragments it judged."""
    hand_over = next((take for words, take in _JUDGING.items() if tuple(argv[: len(words)]) == words), None)
    if hand_over is None or "--html" in argv:  # the page needs the merge here: nothing to share
        return
    repo = None
    for token, following in zip(argv, [*argv[1:], None]):
        name, equals, value = token.partition("=")
        if name == "--repo":
            repo = value if equals else following
    judge_ahead(Path(repo) if repo else None, hand_over=hand_over)
