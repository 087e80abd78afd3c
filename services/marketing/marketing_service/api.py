"""gRPC api of ``crm.marketing.v1.MarketingService``: translation between proto and domain.

One servicer class with the RPCs of each part mixed in from its own module: segments and
profiles (:mod:`marketing_service.api_segments`), campaigns
(:mod:`marketing_service.api_campaigns`), triggers and surveys
(:mod:`marketing_service.api_surveys`). Every method opens one unit of work: the change and its
event (outbox) commit together.

Beside the server runs the sending queue's dispatcher (:func:`marketing_service.outbound.
dispatch_due`): it hands due messages to the notification service over gRPC, which grpcio
cannot do under the worker's eventlet, so it lives in the api process, like the outbox relay.
Several replicas may run it: messages are claimed with leases and keyed for idempotency.
"""

from __future__ import annotations

from crm.marketing.v1 import marketing_pb2, marketing_pb2_grpc
from crm_shared.background import PeriodicTask
from crm_shared.db import Database, utcnow
from crm_shared.grpc.server import ServiceBinding
from crm_shared.settings import ApiSettings

from marketing_service import outbound
from marketing_service.api_campaigns import CampaignRpcs
from marketing_service.api_segments import SegmentRpcs
from marketing_service.api_surveys import SurveyRpcs
from marketing_service.api_unsubscribe import UnsubscribeRpcs
from marketing_service.contact_details import address_book_for
from marketing_service.notification_client import client_for


class MarketingServicer(SegmentRpcs, CampaignRpcs, SurveyRpcs, UnsubscribeRpcs,
                        marketing_pb2_grpc.MarketingServiceServicer):
    def __init__(self, database: Database, settings: ApiSettings | None = None) -> None:
        self.database = database
        self.settings = settings


def sending_task(database: Database, settings) -> PeriodicTask:
    """The dispatcher of the sending queue, every ``OUTBOUND_DISPATCH_SECONDS``; it reads each
    customer's address from the customer service as it hands the message over, and signs the
    survey links of the invitations it sends (``SURVEY_LINK_SECRET``)."""
    notification = client_for(settings)
    addresses = address_book_for(settings)
    return PeriodicTask("outbound-dispatch", settings.outbound_dispatch_seconds,
                        lambda: outbound.dispatch_due(database, notification, utcnow(),
                                                      addresses=addresses, settings=settings))


def build_bindings(database: Database, settings: ApiSettings | None = None) -> list[ServiceBinding]:
    background = [sending_task(database, settings)] \
        if getattr(settings, "outbound_dispatch", False) else []
    return [
        ServiceBinding(
            descriptor=marketing_pb2.DESCRIPTOR.services_by_name["MarketingService"],
            servicer=MarketingServicer(database, settings),
            add_to_server=marketing_pb2_grpc.add_MarketingServiceServicer_to_server,
            background=background,
        )
    ]
