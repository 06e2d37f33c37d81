"""Work on every core: results in order and equal to running everything in one process."""

from __future__ import annotations

import os
import time

import pytest

from generator import parallel
from generator.parallel import ChildJob, map_shares, parallel_map


def _pid_and_square(value: int) -> tuple[int, int]:
    return os.getpid(), value * value


def _pid_and_square_slowly(value: int) -> tuple[int, int]:
    time.sleep(0.0002)  # long enough that this process does not make every chunk before a child starts
    return _pid_and_square(value)


def test_parallel_map_keeps_the_order_and_the_results() -> None:
    items = list(range(1000))  # enough to start workers
    results = list(parallel_map(_pid_and_square, items, workers=2))
    assert [square for _, square in results] == [value * value for value in items]
    makers = {pid for pid, _ in results}
    assert os.getpid() in makers and len(makers) > 1  # this process and forked ones


def test_parallel_map_forks_a_fresh_child_for_each_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    # A child exits after its batch, so that the memory it copied goes with it.
    monkeypatch.setattr(parallel, "CHILD_CHUNKS", 2)
    items = list(range(3000))
    results = list(parallel_map(_pid_and_square_slowly, items, workers=2))
    assert [square for _, square in results] == [value * value for value in items]
    assert len({pid for pid, _ in results} - {os.getpid()}) > 2


def test_parallel_map_starts_no_child_while_it_may_not_fork() -> None:
    items = list(range(3000))
    results = list(parallel_map(_pid_and_square, items, workers=2, may_fork=lambda: False))
    assert [square for _, square in results] == [value * value for value in items]
    assert {pid for pid, _ in results} == {os.getpid()}


def test_parallel_map_starts_children_once_it_may_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    # As when the search indexer finishes halfway through the pages: children take over from then on.
    monkeypatch.setattr(parallel, "CHILD_CHUNKS", 2)
    asked = []

    def may_fork() -> bool:
        asked.append(True)
        return len(asked) > 5

    items = list(range(3000))
    results = list(parallel_map(_pid_and_square_slowly, items, workers=2, may_fork=may_fork))
    assert [square for _, square in results] == [value * value for value in items]
    first_chunks = results[:5 * parallel.CHUNK_SIZE]
    assert {pid for pid, _ in first_chunks} == {os.getpid()}  # made here while the answer was no
    assert len({pid for pid, _ in results} - {os.getpid()}) > 1


def test_parallel_map_fails_as_it_would_here() -> None:
    with pytest.raises(ZeroDivisionError):
        list(parallel_map(lambda value: 1 // (value - 999), list(range(2000)), workers=2))


def test_a_child_job_runs_in_another_process_while_this_one_works() -> None:
    job = ChildJob(_pid_and_square, 12)
    pid, square = job.result()
    assert square == 144 and pid != os.getpid()


def _fail(message: str) -> None:
    raise ValueError(message)


def test_a_failing_child_job_fails_as_it_would_here() -> None:
    job = ChildJob(_fail, "no such paper")
    with pytest.raises(ValueError, match="no such paper"):
        job.result()


def test_a_cancelled_child_job_leaves_nothing_behind() -> None:
    job = ChildJob(os.sched_yield)
    pid = job._pid
    job.cancel()
    job.cancel()  # twice is harmless
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # stopped and reaped: no zombie left


def test_shares_are_worked_at_once_in_other_processes_and_handed_back_in_order() -> None:
    assert map_shares(lambda share: (share, os.getpid()), ["a", "b", "c"])[0] == ("a", os.getpid())
    results = map_shares(lambda share: (share, os.getpid()), ["a", "b", "c"])
    assert [share for share, _ in results] == ["a", "b", "c"]
    assert len({pid for _, pid in results}) == 3


def test_a_share_that_fails_in_its_child_is_redone_here() -> None:
    parent = os.getpid()

    def fails_in_child(value: int) -> int:
        if os.getpid() != parent:
            raise RuntimeError("child")
        return value * 2

    assert map_shares(fails_in_child, [1, 2, 3]) == [2, 4, 6]
