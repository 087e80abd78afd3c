"""Background tasks beside an api: they run on their interval, outlive a failing pass, stop."""

import threading

import pytest
from crm_shared.background import PeriodicTask


def test_a_failing_pass_is_logged_and_the_next_pass_still_runs(caplog):
    passes: list[int] = []
    third = threading.Event()

    def work():
        passes.append(len(passes))
        if len(passes) == 1:
            raise RuntimeError("the peer is down")
        if len(passes) >= 3:
            third.set()

    task = PeriodicTask("test-task", 0.01, work)
    task.start()
    try:
        assert third.wait(10), "the task stopped after its failing pass"
    finally:
        task.stop()
    assert "background task test-task failed" in caplog.text
    count = len(passes)
    assert not third.wait(0.05) or len(passes) == count  # nothing runs after stop


def test_stop_ends_the_thread_without_waiting_for_the_interval():
    task = PeriodicTask("slow", 3600, lambda: None)
    task.start()
    task.stop(timeout=5)
    assert not task._thread.is_alive()


def test_the_interval_must_be_positive():
    with pytest.raises(ValueError):
        PeriodicTask("x", 0, lambda: None)
