"""``/api/v1/opportunities/<opportunity_id>/collaborators``: the reps working on an opportunity
with its owner (team selling, issue 18), REST over ``AddOpportunityCollaborator``,
``RemoveOpportunityCollaborator`` and ``ListOpportunityCollaborators`` (translation only), shaped
as the customer's collaborators (:mod:`gateway.views.customer_collaborators`).

The sales service decides with the caller's forwarded token: only a caller whose data scope
reaches the opportunity adds or removes one (403 for a collaborator, 404 for whoever may not
see it).
"""

from __future__ import annotations

from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm_shared.protojson import enum_number, to_json
from flask import Response
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field

from gateway.endpoints import operation
from gateway.peers import call
from gateway.views import customer_examples as ex
from gateway.views import json_response
from gateway.views.customer_collaborators import ROLE, CollaboratorBody, PageQuery
from gateway.views.customers import Collaborator
from gateway.views.sales_deal_schemas import OpportunityPath
from gateway.views.sales_deals import OPPORTUNITIES, PEER, SERVICE

ONE = f"{OPPORTUNITIES}/<opportunity_id>"


class OpportunityCollaboratorPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"collaborators": [ex.COLLABORATOR_EXAMPLE], "next_page_token": ""}]
        }
    )

    collaborators: list[Collaborator]  # type: ignore[valid-type]
    next_page_token: str = Field(description="Token of the next page; empty on the last page.")


class OpportunityCollaboratorPath(OpportunityPath):
    user_id: str = Field(min_length=1, max_length=64)


def register(app, deps) -> None:
    api = APIBlueprint("opportunity_collaborators", __name__, abp_tags=[Tag(name="sales")])

    def stub() -> sales_pb2_grpc.SalesServiceStub:
        return deps.peers.stub(PEER, SERVICE, sales_pb2_grpc.SalesServiceStub)

    @operation(
        api,
        "get",
        f"{ONE}/collaborators",
        operation_id="listOpportunityCollaborators",
        summary="The reps working on the opportunity with its owner",
        responses={200: OpportunityCollaboratorPage},
        calls_services=True,
    )
    def list_collaborators(path: OpportunityPath, query: PageQuery):
        page = call(
            PEER,
            stub().ListOpportunityCollaborators,
            sales_pb2.ListOpportunityCollaboratorsRequest(
                opportunity_id=path.opportunity_id,
                page_size=query.page_size or 0,
                page_token=query.page_token,
            ),
        )
        return json_response(OpportunityCollaboratorPage.model_validate(to_json(page)))

    @operation(
        api,
        "put",
        f"{ONE}/collaborators/<user_id>",
        operation_id="putOpportunityCollaborator",
        summary="Add a rep as a collaborator of the opportunity, or change their role",
        responses={200: Collaborator},
        calls_services=True,
    )
    def put_collaborator(path: OpportunityCollaboratorPath, body: CollaboratorBody):
        added = call(
            PEER,
            stub().AddOpportunityCollaborator,
            sales_pb2.AddOpportunityCollaboratorRequest(
                opportunity_id=path.opportunity_id,
                user_id=path.user_id,
                role=enum_number(ROLE, body.role),
            ),
        )
        return json_response(Collaborator.model_validate(to_json(added)))

    @operation(
        api,
        "delete",
        f"{ONE}/collaborators/<user_id>",
        operation_id="removeOpportunityCollaborator",
        summary="Remove a collaborator of the opportunity",
        responses={204: {"description": "Removed (or was none)."}},
        calls_services=True,
    )
    def remove_collaborator(path: OpportunityCollaboratorPath):
        call(
            PEER,
            stub().RemoveOpportunityCollaborator,
            sales_pb2.RemoveOpportunityCollaboratorRequest(
                opportunity_id=path.opportunity_id, user_id=path.user_id
            ),
        )
        return Response(status=204)

    app.register_api(api)
