"""scaffold.repo.forked: a computation in a child process, which holds nothing of its parent's."""

from __future__ import annotations

import os
import select
import time
from collections.abc import Callable
from pathlib import Path

import pytest

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


def _slower() -> int:
    time.sleep(3)
    return 1


def test_an_interrupted_wait_stops_and_reaps_the_child() -> None:
    import signal

    child = Forked(_slower)

    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    try:
        try:
            child.result()
        except KeyboardInterrupt:
            pass
        else:
            raise AssertionError("not interrupted")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    child.cancel()  # nothing left to stop: no error, no other descriptor closed
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        pass
    else:
        raise AssertionError("a child was left")


def test_where_no_child_can_start_the_caller_computes(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", failing)
    before = len(os.listdir("/proc/self/fd"))
    assert Forked(_slow).result() == (False, None)
    assert len(os.listdir("/proc/self/fd")) == before  # its pipe closed again


def _waits_for(path: str) -> Callable[[int], bool]:
    """A `then` that holds once `path` exists — which the parent makes only after `result()`
    returned; it gives up (does not hold) after ten seconds."""

    def then(value: int) -> bool:
        deadline = time.monotonic() + 10
        while not os.path.exists(path):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return value == 7

    return then


def test_a_child_goes_on_with_then_once_its_value_is_collected(tmp_path: Path) -> None:
    signal_file = str(tmp_path / "collected")
    child = Forked(lambda: 7, then=_waits_for(signal_file))
    assert child.result() == (True, 7)  # returned while `then` still waits
    Path(signal_file).touch()
    assert child.held()
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


@pytest.mark.parametrize("then", [lambda value: False, lambda value: 1 / 0], ids=["does-not-hold", "raises"])
def test_a_then_that_does_not_hold_is_told(then: Callable[[int], bool]) -> None:
    child = Forked(lambda: 7, then=then)
    assert child.result() == (True, 7) and not child.held()


def test_a_child_going_on_is_stopped_by_cancel(tmp_path: Path) -> None:
    child = Forked(lambda: 7, then=_waits_for(str(tmp_path / "never")))
    assert child.result() == (True, 7)
    child.cancel()
    assert not child.held()
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="reads /proc")
def test_a_child_holds_none_of_the_standard_streams() -> None:
    # A caller reading the command's output must see its end when the command ends, even if a
    # child outlives it (the command killed alone).
    child = Forked(lambda: [os.readlink(f"/proc/self/fd/{fd}") for fd in (0, 1, 2)])
    assert child.result() == (True, [os.devnull] * 3)


def test_a_child_that_ignores_sigterm_is_stopped_all_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    import signal
    import threading

    previous = signal.signal(signal.SIGTERM, signal.SIG_IGN)  # inherited by the child
    try:
        child = Forked(lambda: time.sleep(60))
    finally:
        signal.signal(signal.SIGTERM, previous)
    stopping = threading.Thread(target=child.cancel)
    stopping.start()
    stopping.join(timeout=20)
    assert not stopping.is_alive()
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_children_reaped_by_the_system_still_give_their_values() -> None:
    # SIGCHLD ignored: waiting for a child fails, the value sent whole stands; a `then` cannot
    # be known to hold.
    import signal

    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        assert Forked(lambda: 7).result() == (True, 7)
        going_on = Forked(lambda: 7, then=lambda value: True)
        assert going_on.result() == (True, 7) and not going_on.held()
        Forked(_slow).cancel()
    finally:
        signal.signal(signal.SIGCHLD, previous)
