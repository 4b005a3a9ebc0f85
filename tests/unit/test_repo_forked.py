"""scaffold.repo.forked: a computation in a child process, which holds nothing of its parent's."""

from __future__ import annotations

import os
import select
import time

from scaffold.repo.forked import Forked


def _slow() -> int:
    time.sleep(1)
    return 7


def test_a_child_holds_no_pipe_its_parent_writes_to_another_process() -> None:
    # The import check's input is such a pipe: its reader must see the end the moment the
    # parent closes it, not when a child begun meanwhile ends.
    read, write = os.pipe()
    child = Forked(_slow)
    try:
        os.close(write)
        ready, _, _ = select.select([read], [], [], 0.5)
        assert ready and os.read(read, 1) == b""
    finally:
        os.close(read)
    assert child.result() == (True, 7)


def test_a_child_that_fails_leaves_the_computing_to_its_caller() -> None:
    def failing() -> int:
        raise ValueError("no")

    assert Forked(failing).result() == (False, None)
