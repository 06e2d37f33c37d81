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
import select
import signal
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar

_Result = TypeVar("_Result")

# progress(label, total) -> advance(n): how long work reports how far it is (a bar on a terminal).
Progress = Callable[[str, int], Callable[[int], None]]

MIN_ITEMS = 400  # below this, starting workers costs more than it saves
CHUNK_SIZE = 128
CHILD_CHUNKS = 64  # chunks a forked child makes before it exits (its copied memory with it)


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
    may_fork: Callable[[], bool] | None = None,
) -> Iterator[Any]:
    """``task(item)`` for every item, in order; ``on_progress(n)`` after every n items done.
    ``may_fork()``, if given, is asked before each child is started: while it says no, this process
    works alone (another program has the other core and the memory a child would take).

    This process works too, beside ``workers - 1`` forked children. A forked child shares this
    process's memory only until one of them writes to a page, and CPython writes a reference count
    to every object it reads: a child slowly copies whatever its items touch (the whole library, on
    a large site). So each child makes a batch of at most ``CHILD_CHUNKS`` chunks and exits, and a
    fresh one is forked for the next batch: memory stays near one process's, not ``workers`` times it.
    """
    workers = available_cores() if workers is None else workers
    if workers <= 1 or len(items) < MIN_ITEMS or "fork" not in multiprocessing.get_all_start_methods():
        for item in items:
            yield task(item)
            if on_progress:
                on_progress(1)
        return
    chunks = [(start, min(start + CHUNK_SIZE, len(items))) for start in range(0, len(items), CHUNK_SIZE)]

    def run(batch: range) -> list[list[Any]]:
        return [[task(items[index]) for index in range(*chunks[number])] for number in batch]

    done: dict[int, list[Any]] = {}  # chunk number -> its results, until they are handed on in order
    children: list[tuple[range, ChildJob[list[list[Any]]]]] = []
    next_chunk = handed_on = 0
    # Objects that exist now are never collected in the children, so their memory stays shared.
    gc.freeze()
    try:
        while handed_on < len(chunks):
            for batch, child in [entry for entry in children if entry[1].ready() or next_chunk == len(chunks)]:
                done.update(zip(batch, child.result()))
                children.remove((batch, child))
            while next_chunk < len(chunks) and len(children) < workers - 1 and (may_fork is None or may_fork()):
                # Smaller batches near the end, so that no process waits long for the last one.
                size = max(1, min(CHILD_CHUNKS, (len(chunks) - next_chunk) // (2 * workers)))
                batch = range(next_chunk, next_chunk + size)
                children.append((batch, ChildJob(run, batch)))
                next_chunk += size
            if next_chunk < len(chunks):
                done[next_chunk] = run(range(next_chunk, next_chunk + 1))[0]
                next_chunk += 1
            while handed_on in done:
                results = done.pop(handed_on)
                yield from results
                if on_progress:
                    on_progress(len(results))
                handed_on += 1
    finally:
        for _, child in children:
            child.cancel()
        gc.unfreeze()


def map_shares(function: Callable[[Any], Any], arguments: Sequence[Any]) -> list[Any]:
    """``[function(a) for a in arguments]``: the first here, each other in a forked child at the same time.
    For work already cut into one share per process (``parallel_map`` cuts it into chunks itself).

    A child hands its result back pickled through a pipe. One that fails is redone here, so
    the result (or the exception) is what running everything in this process gives.
    """
    if len(arguments) < 2:
        return [function(argument) for argument in arguments]
    children = [ChildJob(function, argument) for argument in arguments[1:]]
    try:
        first = function(arguments[0])
    except BaseException:
        for child in children:
            child.cancel()
        raise
    return [first] + [child.result() for child in children]


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

    def ready(self) -> bool:
        """Whether ``result()`` would not wait for the work (the child has started handing it back)."""
        return not self._pid or bool(select.select([self._read_end], [], [], 0)[0])

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
