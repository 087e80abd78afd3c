"""``/api/v1/customers/<customer_id>/attachments``: files on a customer or its contacts (issue
20), the routes of :mod:`gateway.views.attachment_routes` over the customer service; a file may
name one of the customer's contacts (``contact_id``)."""

from __future__ import annotations

from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from pydantic import Field

from gateway.views.attachment_routes import AttachmentRoutes, PageQuery, UploadForm
from gateway.views.customers import ONE, PEER, SERVICE, CustomerPath


class ContactQuery(PageQuery):
    contact_id: str = Field("", max_length=64, description="Only this contact's attachments.")


class ContactUploadForm(UploadForm):
    contact_id: str = Field(
        "", max_length=64, description="Attach to this contact of the customer."
    )


ROUTES = AttachmentRoutes(
    kind="Customer",
    peer=PEER,
    service=SERVICE,
    stub_class=customer_pb2_grpc.CustomerServiceStub,
    messages=customer_pb2,
    base=ONE,
    parent=CustomerPath,
    parent_field="customer_id",
    list_query=ContactQuery,
    upload_form=ContactUploadForm,
    extra=lambda model: {"contact_id": model.contact_id},
)


def register(app, deps) -> None:
    ROUTES.register(app, deps)
