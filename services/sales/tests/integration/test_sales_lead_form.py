"""The public web-to-lead form's RPC (SubmitLeadForm) through the in-process api: the lead is
created as CreateLead creates one (source ``website_form``, the form's campaign and UTM
parameters, graded by the rules and assigned by them) and the answer says nothing of it, not
even for a duplicate; bad input is refused on the form's own field names and stores nothing;
only the ``leads.intake`` scope opens it, and it opens nothing else."""

from __future__ import annotations

import random
import uuid
from types import SimpleNamespace

import grpc
import pytest
from crm.common.v1 import rules_pb2, types_pb2
from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm_shared.db import utcnow
from crm_shared.grpc.server import ServiceBinding
from crm_shared.references import CAMPAIGN
from sales_service.api import SalesServicer
from sales_service.marketing_client import campaign_lookup
from sales_service.models import Lead, SalesRep
from sqlalchemy import func, select

pytestmark = pytest.mark.integration

S = sales_pb2
Op = rules_pb2.ConditionOperator
FORM = "svc-lead-form"


def seeded_bindings(database, settings):
    servicer = SalesServicer(database, settings, rng=random.Random(7))
    return [
        ServiceBinding(
            descriptor=S.DESCRIPTOR.services_by_name["SalesService"],
            servicer=servicer,
            add_to_server=sales_pb2_grpc.add_SalesServiceServicer_to_server,
            # the form's campaign is checked (crm_shared.references): a running one
            references={CAMPAIGN: campaign_lookup(servicer)},
        )
    ]


@pytest.fixture(scope="module")
def api(start_sales_api, sales_marketing):
    """The api with one senior and one regular rep of /hq/sales, as the worker keeps them
    from identity events, and the real marketing api the form's campaign is checked in."""
    server = start_sales_api("sqlite", bindings=seeded_bindings, marketing=sales_marketing)
    now = utcnow()
    with server.database.unit_of_work() as uow:
        for user_id, seniority in (("u-rep", "senior"), ("u-rep-2", "regular")):
            uow.session.add(
                SalesRep(
                    user_id=user_id,
                    username=user_id,
                    display_name=user_id,
                    department_path="/hq/sales/east",
                    team_lead=False,
                    active=True,
                    seniority=seniority,
                    max_open_leads=0,
                    available=True,
                    revision=1,
                    update_time=now,
                    updated_by="t",
                )
            )
    return server


def submit(api, caller=FORM, **fields):
    values = {
        "contact_name": "王经理",
        "company_name": "杭州某某电子有限公司",
        "phone": f"137{uuid.uuid4().int % 10**8:08d}",
        "need_description": "想了解贵司的设备",
    }
    values.update(fields)
    return api.stub(caller).SubmitLeadForm(S.SubmitLeadFormRequest(**values))


def leads_of(api, **where) -> list[SimpleNamespace]:
    """The stored leads matching ``where``, as their columns' values."""
    with api.database.unit_of_work(readonly=True) as uow:
        return [
            SimpleNamespace(
                **{column.key: getattr(row, column.key) for column in Lead.__mapper__.column_attrs}
            )
            for row in uow.session.scalars(select(Lead).filter_by(**where))
        ]


def count(api) -> int:
    with api.database.unit_of_work(readonly=True) as uow:
        return uow.session.scalar(select(func.count()).select_from(Lead))


def test_a_form_lead_is_created_graded_and_assigned_as_any_lead_and_answers_nothing_of_it(api):
    campaign = f"expo-{uuid.uuid4().hex[:6]}"
    # the sales manager's rule: leads from this campaign's landing page are A
    api.stub("u-admin").CreateLeadGradingRule(
        S.CreateLeadGradingRuleRequest(
            rule=S.LeadGradingRule(
                display_name=f"{campaign} form is A",
                grade=S.LEAD_GRADE_A,
                priority=1,
                enabled=True,
                condition=rules_pb2.ConditionGroup(
                    conditions=[
                        rules_pb2.Condition(
                            field="source",
                            operator=Op.CONDITION_OPERATOR_EQUALS,
                            values=["SOURCE_CHANNEL_WEBSITE_FORM"],
                        ),
                        rules_pb2.Condition(
                            field="intake_params.utm_campaign",
                            operator=Op.CONDITION_OPERATOR_EQUALS,
                            values=[campaign],
                        ),
                    ]
                ),
            )
        )
    )
    phone = "13712345678"
    running = api.marketing.campaign()
    answer = submit(
        api,
        phone=phone,
        campaign_id=running,
        request_id=str(uuid.uuid4()),
        intake_params={"utm_source": "baidu", "utm_medium": "cpc", "utm_campaign": campaign},
    )
    assert answer == S.SubmitLeadFormResponse(received=True)

    (lead,) = leads_of(api, phone="13712345678")
    assert (lead.source, lead.campaign_id, lead.created_by) == ("website_form", running, FORM)
    assert lead.intake_params == {
        "utm_source": "baidu",
        "utm_medium": "cpc",
        "utm_campaign": campaign,
    }
    assert (lead.grade, lead.status) == ("A", "assigned")
    assert lead.owner_id == "u-rep"  # the senior rep, by the seeded rule for A leads
    created = api.events("lead.created")
    assert created[-1]["lead"]["id"] == lead.id

    # a second form with the same phone is a duplicate inside; outside the answer is the same
    assert submit(api, phone=phone) == answer
    assert len(leads_of(api, phone=phone)) == 2


def test_a_resent_form_creates_one_lead(api):
    key, before = str(uuid.uuid4()), count(api)
    assert submit(api, request_id=key) == submit(api, request_id=key)
    assert count(api) == before + 1


def test_bad_input_is_refused_on_the_forms_fields_and_stores_nothing(api, rpc_error):
    before = count(api)
    error = rpc_error(
        submit,
        api,
        contact_name="",
        company_name="",
        phone="12345",
        email="not-mail",
        intake_params={"utm_source": "x" * 501},
        request_id="again",
    )
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT
    assert {v.field for v in error.violations} == {
        "contact_name",
        "phone",
        "email",
        "intake_params",
        "request_id",
    }
    nothing = rpc_error(submit, api, phone="", email="")
    assert {v.field for v in nothing.violations} == {"phone"}
    assert count(api) == before


def test_only_the_intake_scope_opens_the_form_and_it_opens_nothing_else(api, rpc_error):
    for caller in ("u-rep", "u-erp"):
        assert rpc_error(submit, api, caller=caller).code is grpc.StatusCode.PERMISSION_DENIED
    for call, request in (
        (
            api.stub(FORM).CreateLead,
            S.CreateLeadRequest(
                lead=S.Lead(
                    contact_name="x",
                    phone="13700000000",
                    source=types_pb2.SOURCE_CHANNEL_WEBSITE_FORM,
                )
            ),
        ),
        (api.stub(FORM).ListLeads, S.ListLeadsRequest()),
    ):
        assert rpc_error(call, request).code is grpc.StatusCode.PERMISSION_DENIED
