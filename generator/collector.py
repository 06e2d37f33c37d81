"""Python's cycle collector, paused while a step builds millions of objects that live on.

Records, the library and the plan of a build, or the drafts of an import, are millions of
objects made in a burst that make next to no reference cycles. The collector, left on, walks
every one of them again and again as they pile up (a third of an import's time, a third of
loading a large site's records). Paused, and the survivors then frozen (``gc.freeze``), they
are never walked: later collections see only what is made after.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


class PausedCollector:
    """The cycle collector off from here until ``resume()``, which leaves the objects alive then out
    of every later collection."""

    def __init__(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()

    def resume(self) -> None:
        if self._was_enabled and not gc.isenabled():
            gc.freeze()
            gc.enable()


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block; the objects alive at its end are frozen."""
    paused = PausedCollector()
    try:
        yield
    finally:
        paused.resume()
