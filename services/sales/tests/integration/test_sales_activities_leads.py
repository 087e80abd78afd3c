"""Follow-ups of leads through the in-process api and the leads part's real core (its model
and its two hooks, ``_visible_lead`` and ``_lead_contacted``): the first follow-up of a lead
must record need, budget and decision maker, and it is the lead's first contact."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from crm.common.v1 import types_pb2
from crm.sales.v1 import sales_pb2
from crm_shared.db import UtcDateTime, utcnow
from crm_shared.timestamps import to_timestamp
from google.protobuf.field_mask_pb2 import FieldMask
from sales_service.models import Activity, Lead
from sqlalchemy import JSON, Boolean, Integer, func, select

pytestmark = pytest.mark.integration

S = sales_pb2


@pytest.fixture(scope="module")
def api(start_sales_api):
    return start_sales_api("sqlite")


def _neutral(column, now):
    """A value for a required column this test does not care about."""
    if isinstance(column.type, JSON):
        return {} if "dict" in str(Lead.__annotations__.get(column.name)) else []
    if isinstance(column.type, Boolean):
        return False
    if isinstance(column.type, Integer):
        return 0
    if isinstance(column.type, UtcDateTime):
        return now
    return ""


def new_lead(api, owner="u-rep", department="/hq/sales/east") -> Lead:
    """An assigned lead as the leads core stores it (unnamed required columns neutral)."""
    now = utcnow() - timedelta(hours=1)
    values = {column.name: _neutral(column, now) for column in Lead.__table__.columns
              if not column.nullable}
    values.update(id=str(uuid.uuid4()), number=f"L{uuid.uuid4().hex[:10]}", grade="A",
                  status="assigned", owner_id=owner, department_path=department,
                  contact_name="周先生", source="website_form", intent_level="high",
                  need_clarity="clear", version=1)
    with api.database.unit_of_work() as uow:
        uow.session.add(Lead(**values))
    return lead_row(api, values["id"])


def lead_row(api, lead_id: str) -> Lead:
    with api.database.unit_of_work() as uow:
        return uow.session.get(Lead, lead_id)


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
    lead = new_lead(api)
    error = rpc_error(follow_up, api, lead, qualification=S.LeadQualification(need="坐席"))
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT
    assert {v.field for v in error.violations} == {"activity.qualification.budget",
                                                   "activity.qualification.decision_maker"}
    assert stored(api, lead) == 0
    after = lead_row(api, lead.id)  # nothing half-stored: still not contacted
    assert (after.status, after.first_contact_time) == ("assigned", None)


def test_a_qualified_first_follow_up_is_recorded_and_the_lead_counts_as_contacted(api):
    lead = new_lead(api)
    first = follow_up(api, lead, qualification=QUALIFIED)
    assert first.first_contact and first.qualification.decision_maker == "王总"
    contacted = lead_row(api, lead.id)
    assert contacted.status == "contacted"
    assert contacted.first_contact_time == first.occur_time.ToDatetime(tzinfo=UTC)
    # Later follow-ups need no qualification.
    later = follow_up(api, lead, topic="二次沟通")
    assert not later.first_contact
    assert stored(api, lead) == 2
    assert api.stub("u-rep").ListActivities(S.ListActivitiesRequest(lead_id=lead.id)).activities[
        0].id == later.id


def test_a_lead_the_caller_may_not_see_is_not_found(api, rpc_error):
    lead = new_lead(api, owner="u-rep-north", department="/hq/sales/north")
    assert rpc_error(follow_up, api, lead, qualification=QUALIFIED).code is grpc.StatusCode.NOT_FOUND
    assert stored(api, lead) == 0


def test_a_first_contacts_qualification_cannot_be_emptied_afterwards(api, rpc_error):
    lead = new_lead(api)
    first = follow_up(api, lead, qualification=QUALIFIED)
    error = rpc_error(api.stub("u-rep").UpdateActivity, S.UpdateActivityRequest(
        activity=S.Activity(id=first.id), update_mask=FieldMask(paths=["qualification"])))
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT
    assert api.stub("u-rep").GetActivity(S.GetActivityRequest(id=first.id)).qualification.need == (
        "200 个坐席")
