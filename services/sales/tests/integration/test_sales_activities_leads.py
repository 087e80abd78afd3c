"""Follow-ups of leads through the in-process api: the first follow-up of a lead must record
need, budget and decision maker, and it tells the leads part that the lead was contacted.

Leads belong to the leads part, whose core gives the servicer two hooks
(``self._visible_lead(uow, principal, lead_id)`` and ``self._lead_contacted(uow, lead, at=...,
actor_id=...)``). Until that core is merged into this branch, the servicer here has a stand-in
for exactly those two hooks over a small table of leads; everything else is the real servicer.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import ClassVar

import grpc
import pytest
from crm.common.v1 import types_pb2
from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm_shared.auth import can_see
from crm_shared.errors import NotFound
from crm_shared.grpc.server import ServiceBinding
from crm_shared.timestamps import to_timestamp
from google.protobuf.field_mask_pb2 import FieldMask
from sales_service.api import SalesServicer
from sales_service.models import Activity
from sqlalchemy import func, select

pytestmark = pytest.mark.integration

S = sales_pb2


@dataclass
class Lead:
    id: str
    owner_id: str
    department_path: str


class LeadsCoreStandIn:
    """The leads part's two hooks, over ``LEADS``; ``CONTACTED`` records the calls."""

    LEADS: ClassVar[dict[str, Lead]] = {}
    CONTACTED: ClassVar[list[tuple[str, datetime, str]]] = []

    def _visible_lead(self, uow, principal, lead_id):
        lead = self.LEADS.get(lead_id)
        if lead is None or not can_see(principal, owner_id=lead.owner_id,
                                       department_path=lead.department_path):
            raise NotFound(f"lead {lead_id} not found")
        return lead

    def _lead_contacted(self, uow, lead, *, at, actor_id):
        self.CONTACTED.append((lead.id, at, actor_id))


class ServicerWithLeads(LeadsCoreStandIn, SalesServicer):
    pass


def bindings(database, settings):
    return [ServiceBinding(descriptor=S.DESCRIPTOR.services_by_name["SalesService"],
                           servicer=ServicerWithLeads(database, settings),
                           add_to_server=sales_pb2_grpc.add_SalesServiceServicer_to_server)]


@pytest.fixture(scope="module")
def api(start_sales_api):
    return start_sales_api("sqlite", bindings=bindings)


def new_lead(owner="u-rep", department="/hq/sales/east") -> Lead:
    lead = Lead(str(uuid.uuid4()), owner, department)
    LeadsCoreStandIn.LEADS[lead.id] = lead
    return lead


def follow_up(api, lead: Lead, caller="u-rep", **fields):
    values = {"lead_id": lead.id, "method": S.FOLLOW_UP_METHOD_PHONE,
              "occur_time": to_timestamp(datetime.now(UTC) - timedelta(minutes=10)),
              "topic": "首次联系", "summary": "了解需求"}
    values.update(fields)
    return api.stub(caller).CreateActivity(S.CreateActivityRequest(activity=S.Activity(**values)))


QUALIFIED = S.LeadQualification(need="200 个坐席", decision_maker="王总",
                                budget=types_pb2.Money(currency_code="CNY", amount_minor=10**8))


def stored(api, lead: Lead) -> int:
    with api.database.unit_of_work(readonly=True) as uow:
        return uow.session.scalar(select(func.count()).select_from(Activity).where(
            Activity.lead_id == lead.id))


def test_the_first_follow_up_of_a_lead_without_its_qualification_is_refused(api, rpc_error):
    lead = new_lead()
    error = rpc_error(follow_up, api, lead, qualification=S.LeadQualification(need="坐席"))
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT
    assert {v.field for v in error.violations} == {"activity.qualification.budget",
                                                   "activity.qualification.decision_maker"}
    assert stored(api, lead) == 0
    assert lead.id not in {contacted[0] for contacted in LeadsCoreStandIn.CONTACTED}


def test_a_qualified_first_follow_up_is_recorded_and_the_lead_counts_as_contacted(api):
    lead = new_lead()
    first = follow_up(api, lead, qualification=QUALIFIED)
    assert first.first_contact and first.qualification.decision_maker == "王总"
    assert [(c[0], c[2]) for c in LeadsCoreStandIn.CONTACTED if c[0] == lead.id] == [
        (lead.id, "u-rep")]
    # Later follow-ups need no qualification.
    later = follow_up(api, lead, topic="二次沟通")
    assert not later.first_contact
    assert stored(api, lead) == 2
    assert api.stub("u-rep").ListActivities(S.ListActivitiesRequest(lead_id=lead.id)).activities[
        0].id == later.id


def test_a_lead_the_caller_may_not_see_is_not_found(api, rpc_error):
    lead = new_lead(owner="u-rep-north", department="/hq/sales/north")
    assert rpc_error(follow_up, api, lead, qualification=QUALIFIED).code is grpc.StatusCode.NOT_FOUND
    assert stored(api, lead) == 0


def test_a_first_contacts_qualification_cannot_be_emptied_afterwards(api, rpc_error):
    lead = new_lead()
    first = follow_up(api, lead, qualification=QUALIFIED)
    error = rpc_error(api.stub("u-rep").UpdateActivity, S.UpdateActivityRequest(
        activity=S.Activity(id=first.id), update_mask=FieldMask(paths=["qualification"])))
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT
    assert api.stub("u-rep").GetActivity(S.GetActivityRequest(id=first.id)).qualification.need == (
        "200 个坐席")
