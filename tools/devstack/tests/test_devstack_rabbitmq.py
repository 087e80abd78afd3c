"""RabbitNode against a real rabbitmq-server, and the amqp_url fixture's vhost isolation."""

import shutil
import socket
import tempfile
import textwrap
import uuid
from pathlib import Path

import pika
import pytest
from crm_devstack._util import pid_alive  # a zombie counts as gone
from crm_devstack.ports import port_open
from crm_devstack.rabbitmq import RabbitNode, list_queues
from crm_devstack.waiting import wait_until

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.integration


@pytest.fixture
def node_dir():
    path = Path(tempfile.mkdtemp(prefix="crm-rabbit-test-", dir="/tmp"))
    path.chmod(0o755)  # sub-folders of it must be reachable by the rabbitmq user
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _publish_confirmed(url: str, queue: str, body: bytes) -> None:
    conn = pika.BlockingConnection(pika.URLParameters(url))
    try:
        ch = conn.channel()
        ch.confirm_delivery()  # basic_publish now raises unless the broker confirms
        ch.queue_declare(queue, durable=True)
        ch.basic_publish("", queue, body, pika.BasicProperties(delivery_mode=2), mandatory=True)
    finally:
        conn.close()


def _get(url: str, queue: str) -> bytes | None:
    conn = pika.BlockingConnection(pika.URLParameters(url))
    try:
        _, _, body = conn.channel().basic_get(queue, auto_ack=True)
        return body
    finally:
        conn.close()


def test_node_starts_takes_a_confirmed_publish_and_stop_frees_the_port(node_dir):
    node = RabbitNode(node_dir, f"t{uuid.uuid4().hex[:8]}")
    with node:
        assert node.is_running()
        _publish_confirmed(node.amqp_url, "greetings", b"hello")
        assert list_queues(node) == {"greetings": 1}
        assert _get(node.amqp_url, "greetings") == b"hello"
        beam_pid = int(node.pid_file.read_text())
    assert not node.is_running()
    assert not port_open("127.0.0.1", node.port)
    assert not pid_alive(beam_pid)
    node.stop()  # idempotent


def test_second_start_on_the_same_dir_keeps_a_persistent_message(node_dir):
    name = f"t{uuid.uuid4().hex[:8]}"
    with RabbitNode(node_dir, name) as first:
        _publish_confirmed(first.amqp_url, "durable-q", b"survives restarts")
    assert not port_open("127.0.0.1", first.port)
    with RabbitNode(node_dir, name) as second:
        assert list_queues(second) == {"durable-q": 1}
        assert _get(second.amqp_url, "durable-q") == b"survives restarts"


def test_start_failure_raises_with_the_log_tail(node_dir):
    # the node cannot take its AMQP port: something already listens on it (a plain socket,
    # so that no second node has to boot first)
    with socket.create_server(("127.0.0.1", 0)) as taken:
        clash = RabbitNode(node_dir, f"t{uuid.uuid4().hex[:8]}", port=taken.getsockname()[1])
        with pytest.raises(RuntimeError, match="failed to start") as info:
            clash.start(timeout=60)
        assert "could_not_start_listener" in str(info.value)  # the likely cause, found
        assert "---" in str(info.value)  # the log tail follows the reason
        assert not clash.is_running()


def test_amqp_url_fixture_gives_a_private_usable_vhost(rabbitmq, amqp_url):
    vhost = amqp_url.rsplit("/", 1)[1]
    assert vhost.startswith("test-")
    _publish_confirmed(amqp_url, "orders", b"1")
    assert list_queues(rabbitmq, vhost) == {"orders": 1}
    assert "orders" not in list_queues(rabbitmq, "/")


def test_amqp_url_fixture_isolates_tests_and_deletes_their_vhosts(pytester):
    # An inner pytest session (a subprocess, so the plugin is loaded through its entry point)
    # runs two tests that use the same queue name; each must see only its own message, and
    # their vhosts must be gone once they are over.
    pytester.makepyfile(
        test_inner=textwrap.dedent("""
        import pika
        from crm_devstack.rabbitmq import list_queues

        seen = []

        def _publish(url):
            conn = pika.BlockingConnection(pika.URLParameters(url))
            ch = conn.channel()
            ch.confirm_delivery()
            ch.queue_declare("same-name", durable=True)
            ch.basic_publish("", "same-name", b"x", pika.BasicProperties(delivery_mode=2))
            conn.close()

        def test_a(rabbitmq, amqp_url):
            _publish(amqp_url)
            seen.append(amqp_url.rsplit("/", 1)[1])
            assert list_queues(rabbitmq, seen[-1]) == {"same-name": 1}

        def test_b(rabbitmq, amqp_url):
            _publish(amqp_url)
            seen.append(amqp_url.rsplit("/", 1)[1])
            assert list_queues(rabbitmq, seen[-1]) == {"same-name": 1}

        def test_vhosts_were_distinct_and_are_deleted(rabbitmq, rabbitmq_vhosts):
            assert len(set(seen)) == 2
            rabbitmq_vhosts.drain()
            vhosts = rabbitmq.ctl("list_vhosts", "--quiet", "--no-table-headers").stdout.split()
            assert sorted(vhosts) == sorted(["/", *rabbitmq_vhosts.spare()])
            assert not set(seen) & set(vhosts)
    """)
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=240)
    result.assert_outcomes(passed=3)


def test_rabbitmq_fixture_fails_instead_of_skipping_without_a_server(pytester, monkeypatch):
    monkeypatch.setenv("PATH", str(pytester.path))  # no rabbitmq-server to be found
    pytester.makepyfile(test_inner="def test_needs_broker(rabbitmq):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=120)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*needs a RabbitMQ server*apt-get install*rabbitmq-server*"])


def test_list_queues_reflects_consumption(rabbitmq, amqp_url):
    vhost = amqp_url.rsplit("/", 1)[1]
    _publish_confirmed(amqp_url, "work", b"a")
    _publish_confirmed(amqp_url, "work", b"b")
    assert list_queues(rabbitmq, vhost) == {"work": 2}
    assert _get(amqp_url, "work") == b"a"
    wait_until(
        lambda: list_queues(rabbitmq, vhost) == {"work": 1},
        timeout=10,
        message="queue depth did not drop to 1",
    )


def test_ensure_installed_explains_what_to_install_when_it_cannot(monkeypatch):
    from crm_devstack import rabbitmq as module

    monkeypatch.setattr(module, "find_rabbitmq_server", lambda: None)
    monkeypatch.setattr(module, "is_root", lambda: False)  # so it must not run apt-get
    with pytest.raises(module.RabbitMQNotInstalled, match="apt-get install -y rabbitmq-server"):
        module.ensure_rabbitmq_installed()
