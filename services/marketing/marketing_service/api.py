"""gRPC api of ``crm.marketing.v1.MarketingService``: translation between proto and domain.

One servicer class with the RPCs of each part mixed in from its own module: segments and
profiles (:mod:`marketing_service.api_segments`), campaigns (:mod:`marketing_service.api_campaigns`),
triggers and surveys (:mod:`marketing_service.api_surveys`). Every method opens one unit of work: the change and its
event (outbox) commit together.
"""

from __future__ import annotations

from crm.marketing.v1 import marketing_pb2, marketing_pb2_grpc
from crm_shared.db import Database
from crm_shared.grpc.server import ServiceBinding
from crm_shared.settings import ApiSettings

from marketing_service.api_campaigns import CampaignRpcs
from marketing_service.api_segments import SegmentRpcs
from marketing_service.api_surveys import SurveyRpcs


class MarketingServicer(SegmentRpcs, CampaignRpcs, SurveyRpcs, marketing_pb2_grpc.MarketingServiceServicer):
    def __init__(self, database: Database, settings: ApiSettings | None = None) -> None:
        self.database = database
        self.settings = settings


def build_bindings(database: Database, settings: ApiSettings | None = None) -> list[ServiceBinding]:
    return [
        ServiceBinding(
            descriptor=marketing_pb2.DESCRIPTOR.services_by_name["MarketingService"],
            servicer=MarketingServicer(database, settings),
            add_to_server=marketing_pb2_grpc.add_MarketingServiceServicer_to_server,
        )
    ]
