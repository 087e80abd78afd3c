"""Settling a handled message (ack, requeue) on a broker connection that is gone."""

from __future__ import annotations

from types import SimpleNamespace

from crm_shared.events.handlers import EventEntrypoint


class _GoneBroker:
    """The queue consumer of a worker whose broker just restarted: every settle fails the way
    py-amqp's socket does."""

    def __init__(self) -> None:
        self.tried: list[str] = []

    def ack_message(self, message) -> None:
        self.tried.append("ack")
        raise ConnectionResetError(104, "Connection reset by peer")

    def requeue_message(self, message) -> None:
        self.tried.append("requeue")
        raise ConnectionResetError(104, "Connection reset by peer")


def test_an_ack_on_a_connection_the_broker_dropped_does_not_end_the_worker():
    """Raised from handle_result, nameko ends the whole container, and with it a delivery
    between its SMTP send and its record (the chaos harness saw that e-mail go twice)."""
    entrypoint = EventEntrypoint.__new__(EventEntrypoint)  # no container: only the settling
    entrypoint.queue_consumer = _GoneBroker()
    message = SimpleNamespace(properties={"message_id": "m-1"}, headers={})

    assert entrypoint.handle_result(message, None, result="done") == ("done", None)
    assert entrypoint.queue_consumer.tried == ["ack"]  # the broker delivers it again
