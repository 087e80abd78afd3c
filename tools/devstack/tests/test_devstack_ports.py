import socket

import pytest
from crm_devstack.ports import free_port, port_open, wait_for_port
from crm_devstack.waiting import wait_until


def test_free_port_can_be_bound_and_wait_for_port_sees_the_listener():
    port = free_port()
    with socket.socket() as server:
        server.bind(("127.0.0.1", port))
        server.listen()
        wait_for_port("127.0.0.1", port, timeout=5)
    assert not port_open("127.0.0.1", port)


def test_wait_for_port_times_out_when_nothing_listens():
    with pytest.raises(TimeoutError, match="nothing listens"):
        wait_for_port("127.0.0.1", free_port(), timeout=0.3)


def test_wait_until_returns_the_value_or_raises_with_the_message():
    calls = iter([0, None, "ready"])
    assert wait_until(lambda: next(calls), timeout=5, interval=0.01) == "ready"
    with pytest.raises(TimeoutError, match="never true"):
        wait_until(lambda: False, timeout=0.1, interval=0.01, message="never true")
