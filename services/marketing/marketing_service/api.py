"""gRPC api of ``crm.marketing.v1.MarketingService``.

The servicer is the contract's generated base until the marketing issue implements it, so every
method answers UNIMPLEMENTED; the process around it (health, auth, relay) is the real one.
"""

from __future__ import annotations

from crm.marketing.v1 import marketing_pb2, marketing_pb2_grpc
from crm_shared.db import Database
from crm_shared.grpc.server import ServiceBinding
from crm_shared.settings import ApiSettings


def build_bindings(database: Database, settings: ApiSettings | None = None) -> list[ServiceBinding]:
    return [
        ServiceBinding(
            descriptor=marketing_pb2.DESCRIPTOR.services_by_name["MarketingService"],
            servicer=marketing_pb2_grpc.MarketingServiceServicer(),
            add_to_server=marketing_pb2_grpc.add_MarketingServiceServicer_to_server,
        )
    ]
