"""Work on every core: results in order and equal to running everything in one process."""

from __future__ import annotations

import os

import pytest

from generator.parallel import ChildJob, parallel_map


def _pid_and_square(value: int) -> tuple[int, int]:
    return os.getpid(), value * value


def test_parallel_map_keeps_the_order_and_the_results() -> None:
    items = list(range(1000))  # enough to start workers
    results = list(parallel_map(_pid_and_square, items, workers=2))
    assert [square for _, square in results] == [value * value for value in items]
    assert os.getpid() not in {pid for pid, _ in results}  # made by the workers


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
