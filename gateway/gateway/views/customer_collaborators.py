"""``/api/v1/customers/<customer_id>/collaborators``: the people working on a customer with its
owner (team selling, issue 18), REST over ``AddCustomerCollaborator``,
``RemoveCustomerCollaborator`` and ``ListCustomerCollaborators`` (translation only).

The customer service decides with the caller's forwarded token: a collaborator lists the
others; only a caller whose data scope reaches the customer (owner, lead, admin) adds or
removes one (403 for a collaborator, 404 for whoever may not see the customer). Adding is a
PUT on the person: putting them again changes their role, nothing more.
"""

from __future__ import annotations

from typing import Literal

from crm.common.v1 import collaborators_pb2
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm_shared.protojson import enum_number, enum_words, to_json
from flask import Response
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field

from gateway.endpoints import operation
from gateway.peers import call
from gateway.views import customer_examples as ex
from gateway.views import json_response
from gateway.views.customer_schemas import response_model
from gateway.views.customers import (
    ONE,
    PAGE_SIZE,
    PAGE_TOKEN,
    PEER,
    SERVICE,
    Collaborator,
    CustomerPath,
)

ROLE = collaborators_pb2.CollaboratorRole.DESCRIPTOR
RoleWord = Literal[tuple(enum_words(ROLE))]  # type: ignore[misc]
CollaboratorPage = response_model(
    customer_pb2.ListCustomerCollaboratorsResponse.DESCRIPTOR,
    {"collaborators": [ex.COLLABORATOR_EXAMPLE], "next_page_token": ""},
)


class CollaboratorPath(CustomerPath):
    user_id: str = Field(min_length=1, max_length=64)


class CollaboratorBody(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"role": "technical_support"}]}
    )

    role: RoleWord = Field(description="What they do on the customer.")


class PageQuery(BaseModel):
    page_size: int | None = PAGE_SIZE
    page_token: str = PAGE_TOKEN


def register(app, deps) -> None:
    api = APIBlueprint("customer_collaborators", __name__, abp_tags=[Tag(name="customers")])

    def stub() -> customer_pb2_grpc.CustomerServiceStub:
        return deps.peers.stub(PEER, SERVICE, customer_pb2_grpc.CustomerServiceStub)

    @operation(
        api,
        "get",
        f"{ONE}/collaborators",
        operation_id="listCustomerCollaborators",
        summary="The people working on the customer with its owner",
        responses={200: CollaboratorPage},
        calls_services=True,
    )
    def list_collaborators(path: CustomerPath, query: PageQuery):
        page = call(
            PEER,
            stub().ListCustomerCollaborators,
            customer_pb2.ListCustomerCollaboratorsRequest(
                customer_id=path.customer_id,
                page_size=query.page_size or 0,
                page_token=query.page_token,
            ),
        )
        return json_response(CollaboratorPage.model_validate(to_json(page)))

    @operation(
        api,
        "put",
        f"{ONE}/collaborators/<user_id>",
        operation_id="putCustomerCollaborator",
        summary="Add a person as a collaborator of the customer, or change their role",
        responses={200: Collaborator},
        calls_services=True,
    )
    def put_collaborator(path: CollaboratorPath, body: CollaboratorBody):
        added = call(
            PEER,
            stub().AddCustomerCollaborator,
            customer_pb2.AddCustomerCollaboratorRequest(
                customer_id=path.customer_id,
                user_id=path.user_id,
                role=enum_number(ROLE, body.role),
            ),
        )
        return json_response(Collaborator.model_validate(to_json(added)))

    @operation(
        api,
        "delete",
        f"{ONE}/collaborators/<user_id>",
        operation_id="removeCustomerCollaborator",
        summary="Remove a collaborator of the customer",
        responses={204: {"description": "Removed (or was none)."}},
        calls_services=True,
    )
    def remove_collaborator(path: CollaboratorPath):
        call(
            PEER,
            stub().RemoveCustomerCollaborator,
            customer_pb2.RemoveCustomerCollaboratorRequest(
                customer_id=path.customer_id, user_id=path.user_id
            ),
        )
        return Response(status=204)

    app.register_api(api)
