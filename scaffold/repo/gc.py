"""No cyclic garbage collection while a command runs.

Scanning, merging and planning allocate millions of short-lived objects without cycles
(reference counting frees them); the collector would walk the ever larger heap again and
again, and double a scan's time. The CLI's entry point pauses it once, for the whole command.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
