"""``/api/v1/{activities,quotes,contracts}/<id>/attachments``: files on follow-up records,
quotes and contracts (issue 20), the routes of :mod:`gateway.views.attachment_routes` over the
sales service's one set of attachment RPCs, each naming its kind of record."""

from __future__ import annotations

from crm.sales.v1 import sales_pb2, sales_pb2_grpc

from gateway.views.attachment_routes import AttachmentRoutes
from gateway.views.sales_activities import ACTIVITIES
from gateway.views.sales_activities_schemas import ActivityPath
from gateway.views.sales_deal_schemas import ContractPath, QuotePath
from gateway.views.sales_deals import CONTRACTS, PEER, QUOTES, SERVICE


def _routes(
    name: str, base: str, parent, path_field: str, record_type: str, tag: str
) -> AttachmentRoutes:
    return AttachmentRoutes(
        kind="Sales",
        name=name,
        tag=tag,
        peer=PEER,
        service=SERVICE,
        stub_class=sales_pb2_grpc.SalesServiceStub,
        messages=sales_pb2,
        base=f"{base}/<{path_field}>",
        parent=parent,
        parent_field="record_id",
        path_field=path_field,
        extra=lambda model: {"record_type": record_type},
    )


ROUTES = (
    _routes("Activity", ACTIVITIES, ActivityPath, "activity_id", "follow_up", "follow-ups"),
    _routes("Quote", QUOTES, QuotePath, "quote_id", "quote", "quotes"),
    _routes("Contract", CONTRACTS, ContractPath, "contract_id", "contract", "contracts"),
)


def register(app, deps) -> None:
    for routes in ROUTES:
        routes.register(app, deps)
