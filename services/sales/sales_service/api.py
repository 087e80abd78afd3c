"""gRPC api of ``crm.sales.v1.SalesService``.

The servicer is the contract's generated base until the sales issue implements it, so every
method answers UNIMPLEMENTED; the process around it (health, auth, relay) is the real one.
"""

from __future__ import annotations

from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm_shared.db import Database
from crm_shared.grpc.server import ServiceBinding
from crm_shared.settings import ApiSettings


def build_bindings(database: Database, settings: ApiSettings | None = None) -> list[ServiceBinding]:
    return [
        ServiceBinding(
            descriptor=sales_pb2.DESCRIPTOR.services_by_name["SalesService"],
            servicer=sales_pb2_grpc.SalesServiceServicer(),
            add_to_server=sales_pb2_grpc.add_SalesServiceServicer_to_server,
        )
    ]
