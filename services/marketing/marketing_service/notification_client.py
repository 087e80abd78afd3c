"""The marketing service's channel to the notification service, which sends its messages.

The notification service answers admins and service accounts only, and the sends run in the
background (no caller whose token could be forwarded), so the channel carries the marketing
service account's token: ``service_token_provider()`` of the settings (``SERVICE_*``). The
calls run in the api process (:mod:`crm_shared.background`): grpcio does not run under the
worker's eventlet.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from crm.notification.v1 import notification_pb2, notification_pb2_grpc
from crm_shared.grpc.client import connect

log = logging.getLogger(__name__)

NOTIFICATION_SERVICE = notification_pb2.DESCRIPTOR.services_by_name["NotificationService"]


def notification_client(address: str, *, timeout_seconds: float,
                        token_provider: Callable[[], str | None]) \
        -> notification_pb2_grpc.NotificationServiceStub:
    """A stub of the notification service whose calls carry ``token_provider``'s token."""
    channel = connect(address, [NOTIFICATION_SERVICE], default_timeout=timeout_seconds,
                      token_provider=token_provider)
    return notification_pb2_grpc.NotificationServiceStub(channel)


def _no_credentials() -> None:
    return None


def client_for(settings) -> notification_pb2_grpc.NotificationServiceStub:
    """The notification client of a process with these settings (its address, timeout and
    service account); without an account the notification service refuses every send, which
    the sending queue retries, so it is said once, loudly, at start."""
    provider = settings.service_token_provider()
    if provider is None:
        log.warning("no service account configured (SERVICE_TOKEN_URL, SERVICE_CLIENT_ID, "
                    "SERVICE_CLIENT_SECRET): the notification service will refuse marketing "
                    "sends until one is")
    return notification_client(settings.notification_addr,
                               timeout_seconds=settings.notification_timeout_seconds,
                               token_provider=provider or _no_credentials)
