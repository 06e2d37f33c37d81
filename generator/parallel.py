"""Run one function over many items on every core, in order, with progress.

Workers are forked, so they start with the parent's memory (the library, the compiled
templates) and nothing has to be pickled on the way in; only results travel back. Where
fork is not available, or the work is small, everything runs in this process instead,
with the same results.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import signal
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar

_Result = TypeVar("_Result")

# progress(label, total) -> advance(n): how long work reports how far it is (a bar on a terminal).
Progress = Callable[[str, int], Callable[[int], None]]

MIN_ITEMS = 400  # below this, starting workers costs more than it saves
CHUNK_SIZE = 128

_task: Callable[[Any], Any] | None = None
_items: Sequence[Any] = ()


def available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def parallel_map(
    task: Callable[[Any], Any],
    items: Sequence[Any],
    workers: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Iterator[Any]:
    """``task(item)`` for every item, in order; ``on_progress(n)`` after every n items done."""
    workers = available_cores() if workers is None else workers
    if workers <= 1 or len(items) < MIN_ITEMS or "fork" not in multiprocessing.get_all_start_methods():
        for item in items:
            yield task(item)
            if on_progress:
                on_progress(1)
        return
    global _task, _items
    _task, _items = task, items
    chunks = [(start, min(start + CHUNK_SIZE, len(items))) for start in range(0, len(items), CHUNK_SIZE)]
    # Objects that exist now are never collected in the workers, so their memory stays shared.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for results in pool.imap(_run_chunk, chunks):
                yield from results
                if on_progress:
                    on_progress(len(results))
    finally:
        gc.unfreeze()
        _task, _items = None, ()


def _run_chunk(bounds: tuple[int, int]) -> list[Any]:
    assert _task is not None
    return [_task(_items[index]) for index in range(*bounds)]


class ChildJob(Generic[_Result]):
    """``function(*args)`` started in a forked child, so that this process can do other work meanwhile.

    ``result()`` waits for it; where fork is missing, or the child failed, the function runs here
    then, so the result (or the exception) is the one running it here gives. ``cancel()`` stops it.
    """

    def __init__(self, function: Callable[..., _Result], *args: Any) -> None:
        self._call = lambda: function(*args)
        self._pid = 0
        self._read_end = -1
        if "fork" in multiprocessing.get_all_start_methods():
            self._start()

    def _start(self) -> None:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            status = 1
            try:
                os.close(read_end)
                data = pickle.dumps(self._call(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(data)
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        self._pid, self._read_end = pid, read_end

    def result(self) -> _Result:
        if not self._pid:
            return self._call()
        with os.fdopen(self._read_end, "rb") as pipe:
            data = pipe.read()
        succeeded = os.waitpid(self._pid, 0)[1] == 0
        self._pid = 0
        return pickle.loads(data) if succeeded and data else self._call()

    def cancel(self) -> None:
        if self._pid:
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            os.close(self._read_end)
            self._pid = 0
