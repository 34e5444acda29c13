"""The bench's client and worker processes are gone when their phase ends, however it ends."""

import time

import pytest

from bench.phases import forked


def sleep_forever() -> None:
    while True:
        time.sleep(1)


def test_processes_still_running_when_the_phase_fails_are_stopped():
    with pytest.raises(RuntimeError, match="phase failed"), forked(sleep_forever, [()] * 3) as ps:
        assert all(process.is_alive() for process in ps)
        raise RuntimeError("phase failed")
    assert [process.exitcode for process in ps] == [-15, -15, -15]  # terminated by SIGTERM


def test_processes_that_finish_are_joined_not_terminated():
    with forked(time.sleep, [(0.2,)] * 2) as processes:
        pass
    assert [process.exitcode for process in processes] == [0, 0]
