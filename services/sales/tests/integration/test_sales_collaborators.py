"""Team selling (issue 18, seed 004: 多人跟進同一客戶時,需在CRM系統共享跟進記錄): a collaborator
of a customer sees it and adds a follow-up that its owner sees, on the sales records and on the
customer's timeline, while another rep still gets NOT_FOUND over gRPC.

The real sales api with the real customer api behind it (``start_sales_api(customers=...)``),
both in-process on migrated SQLite databases. The outbox relays are off: each service's events
are taken from its outbox and handed to the other's handlers, as the workers do.
"""

from __future__ import annotations

import grpc
import pytest
from crm.common.v1 import collaborators_pb2, types_pb2
from crm.customer.v1 import customer_pb2 as C
from crm.customer.v1 import events_pb2 as customer_events
from crm.sales.v1 import events_pb2 as sales_events
from crm.sales.v1 import sales_pb2 as S
from crm_shared.db import utcnow
from crm_shared.timestamps import to_timestamp
from customer_service import portrait, timeline
from customer_service.models import Employee
from sales_service import customer_facts, follow_up_events
from sales_service.models import SalesRep

pytestmark = pytest.mark.integration

OWNER, COLLABORATOR, OTHER_REP = "u-rep", "u-rep-north", "u-rep-2"
"""The owner (/hq/sales/east), a rep of another team brought in, and the owner's teammate."""
NOT_FOUND = grpc.StatusCode.NOT_FOUND


@pytest.fixture(scope="module")
def api(start_sales_api, sales_customers):
    with sales_customers.database.unit_of_work() as uow:
        uow.session.add(
            Employee(
                user_id=COLLABORATOR,
                username=COLLABORATOR,
                department_path="/hq/sales/north",
                active=True,
                update_time=utcnow(),
            )
        )
    return start_sales_api(customers=sales_customers)


def _deliver_customer_events(api, customer_id: str) -> None:
    """What the sales worker does with the customer service's events about ``customer_id``."""
    now = utcnow()
    handlers = (
        ("customer.created", customer_events.CustomerCreated, follow_up_events.customer_created),
        (
            "customer.collaborator_added",
            customer_events.CustomerCollaboratorAdded,
            customer_facts.collaborator_added,
        ),
        (
            "customer.collaborator_removed",
            customer_events.CustomerCollaboratorRemoved,
            customer_facts.collaborator_removed,
        ),
    )
    for routing_key, message_type, handle in handlers:
        for event in api.customers.events(routing_key, message_type):
            about = event.customer.id if routing_key == "customer.created" else event.customer_id
            if about == customer_id:
                with api.database.unit_of_work() as uow:
                    handle(uow, event, at=now, now=now)


def _record(api, caller: str, customer_id: str, topic: str) -> S.Activity:
    return api.stub(caller).CreateActivity(
        S.CreateActivityRequest(
            activity=S.Activity(
                customer_id=customer_id,
                method=S.FOLLOW_UP_METHOD_VISIT,
                occur_time=to_timestamp(utcnow()),
                topic=topic,
                summary="现场确认技术对接方案",
            )
        )
    )


def _listed(api, caller: str, customer_id: str) -> list[str]:
    return [
        a.id
        for a in api.stub(caller)
        .ListActivities(S.ListActivitiesRequest(customer_id=customer_id))
        .activities
    ]


def test_a_collaborator_sees_the_customer_and_adds_a_follow_up_the_owner_sees(api, rpc_error):
    customers = api.customers
    customer_id = customers.customer(OWNER, "华东制造")
    customers.stub(OWNER).AddCustomerCollaborator(
        C.AddCustomerCollaboratorRequest(
            customer_id=customer_id,
            user_id=COLLABORATOR,
            role=collaborators_pb2.COLLABORATOR_ROLE_TECHNICAL_SUPPORT,
        )
    )
    _deliver_customer_events(api, customer_id)
    owners = _record(api, OWNER, customer_id, "初次拜访")

    # the collaborator sees the customer, records a follow-up on it and reads the owner's
    seen = customers.stub(COLLABORATOR).GetCustomer(C.GetCustomerRequest(id=customer_id))
    assert [c.user_id for c in seen.collaborators] == [COLLABORATOR]
    theirs = _record(api, COLLABORATOR, customer_id, "技术交流")
    assert set(_listed(api, COLLABORATOR, customer_id)) == {owners.id, theirs.id}
    # the owner sees it, over the sales records and on the customer's timeline
    assert set(_listed(api, OWNER, customer_id)) == {owners.id, theirs.id}
    assert api.stub(OWNER).GetActivity(S.GetActivityRequest(id=theirs.id)).owner_id == COLLABORATOR
    (recorded,) = [
        e
        for e in api.events("activity.recorded", sales_events.ActivityRecorded)
        if e.activity.id == theirs.id
    ]
    with customers.database.unit_of_work() as uow:  # the customer worker's handler
        portrait.take_fact(
            uow.session,
            timeline.activity_fact(recorded.activity, utcnow()),
            source_event_id=f"e-{theirs.id}",
            now=utcnow(),
            emit=lambda *a, **k: "",
        )
    entries = (
        customers.stub(OWNER)
        .ListTimelineEntries(C.ListTimelineEntriesRequest(customer_id=customer_id))
        .timeline_entries
    )
    assert [(e.subject_id, e.actor_id) for e in entries if e.subject_type == "activity"] == [
        (theirs.id, COLLABORATOR)
    ]

    # and names it in writes the references check with their token, as its owner's line does
    deal = S.CreateOpportunityRequest(
        opportunity=S.Opportunity(
            name="华东制造二期",
            customer_id=customer_id,
            amount=types_pb2.Money(currency_code="CNY", amount_minor=100_000),
        )
    )
    assert api.stub(COLLABORATOR).CreateOpportunity(deal).customer_id == customer_id
    refused = rpc_error(api.stub(OTHER_REP).CreateOpportunity, deal)
    assert refused.code is grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in refused.violations] == ["opportunity.customer_id"]

    # another rep, the owner's teammate: NOT_FOUND everywhere, as if nothing existed
    other = api.stub(OTHER_REP)
    assert (
        rpc_error(customers.stub(OTHER_REP).GetCustomer, C.GetCustomerRequest(id=customer_id)).code
        is NOT_FOUND
    )
    assert rpc_error(_record, api, OTHER_REP, customer_id, "冒充").code is NOT_FOUND
    assert rpc_error(other.GetActivity, S.GetActivityRequest(id=theirs.id)).code is NOT_FOUND
    assert _listed(api, OTHER_REP, customer_id) == []

    # removed, the collaborator neither sees nor records any more
    customers.stub(OWNER).RemoveCustomerCollaborator(
        C.RemoveCustomerCollaboratorRequest(customer_id=customer_id, user_id=COLLABORATOR)
    )
    _deliver_customer_events(api, customer_id)
    assert rpc_error(_record, api, COLLABORATOR, customer_id, "再访").code is NOT_FOUND
    assert _listed(api, COLLABORATOR, customer_id) == [theirs.id]  # their own record stays theirs


def _add_rep(api, user_id: str, department_path: str) -> None:
    with api.database.unit_of_work() as uow:
        if uow.session.get(SalesRep, user_id) is None:
            uow.session.add(
                SalesRep(
                    user_id=user_id,
                    username=user_id,
                    display_name=user_id,
                    department_path=department_path,
                    team_lead=False,
                    active=True,
                    seniority="regular",
                    max_open_leads=0,
                    available=True,
                    revision=1,
                    update_time=utcnow(),
                    updated_by="test",
                )
            )


def test_an_opportunity_collaborator_sees_it_and_records_follow_ups_on_it(api, rpc_error):
    _add_rep(api, COLLABORATOR, "/hq/sales/north")
    customer_id = api.customers.customer(OWNER, "华东零售")
    opportunity = (
        api.stub(OWNER)
        .CreateOpportunity(
            S.CreateOpportunityRequest(
                opportunity=S.Opportunity(
                    name="门店系统升级",
                    customer_id=customer_id,
                    amount=types_pb2.Money(currency_code="CNY", amount_minor=500_000),
                )
            )
        )
        .id
    )
    _deliver_customer_events(api, customer_id)
    owners = api.stub(OWNER).CreateActivity(
        S.CreateActivityRequest(
            activity=S.Activity(
                customer_id=customer_id,
                opportunity_id=opportunity,
                method=S.FOLLOW_UP_METHOD_PHONE,
                occur_time=to_timestamp(utcnow()),
                topic="方案沟通",
                summary="客户关心支付对接",
            )
        )
    )
    add = S.AddOpportunityCollaboratorRequest(
        opportunity_id=opportunity,
        user_id=COLLABORATOR,
        role=collaborators_pb2.COLLABORATOR_ROLE_TECHNICAL_SUPPORT,
    )
    assert (
        rpc_error(
            api.stub(COLLABORATOR).GetOpportunity, S.GetOpportunityRequest(id=opportunity)
        ).code
        is NOT_FOUND
    )
    assert rpc_error(api.stub(COLLABORATOR).AddOpportunityCollaborator, add).code is NOT_FOUND

    added = api.stub(OWNER).AddOpportunityCollaborator(add)
    assert (added.user_id, added.added_by) == (COLLABORATOR, OWNER)
    (event,) = [
        e
        for e in api.events(
            "opportunity.collaborator_added", sales_events.OpportunityCollaboratorAdded
        )
        if e.opportunity_id == opportunity
    ]
    assert (event.customer_id, event.collaborator) == (customer_id, added)

    theirs = api.stub(COLLABORATOR)
    assert theirs.GetOpportunity(S.GetOpportunityRequest(id=opportunity)).id == opportunity
    listed = theirs.ListOpportunities(S.ListOpportunitiesRequest(customer_id=customer_id))
    assert [o.id for o in listed.opportunities] == [opportunity]
    assert [
        a.id
        for a in theirs.ListActivities(
            S.ListActivitiesRequest(opportunity_id=opportunity)
        ).activities
    ] == [owners.id]
    # a follow-up on the opportunity's customer, through the opportunity (the customer itself
    # is not shared with them)
    recorded = theirs.CreateActivity(
        S.CreateActivityRequest(
            activity=S.Activity(
                customer_id=customer_id,
                opportunity_id=opportunity,
                method=S.FOLLOW_UP_METHOD_VISIT,
                occur_time=to_timestamp(utcnow()),
                topic="技术方案评审",
                summary="确认支付接口",
            )
        )
    )
    assert api.stub(OWNER).GetActivity(S.GetActivityRequest(id=recorded.id)).id == recorded.id
    # reading is not changing: no stage moves nor others brought in; another rep sees nothing
    brought_in = rpc_error(
        theirs.AddOpportunityCollaborator,
        S.AddOpportunityCollaboratorRequest(
            opportunity_id=opportunity,
            user_id=OTHER_REP,
            role=collaborators_pb2.COLLABORATOR_ROLE_SERVICE,
        ),
    )
    assert brought_in.code is grpc.StatusCode.PERMISSION_DENIED
    for call, request in (
        (api.stub(OTHER_REP).GetOpportunity, S.GetOpportunityRequest(id=opportunity)),
        (api.stub(OTHER_REP).GetActivity, S.GetActivityRequest(id=recorded.id)),
        (
            api.stub(OTHER_REP).ListOpportunityCollaborators,
            S.ListOpportunityCollaboratorsRequest(opportunity_id=opportunity),
        ),
    ):
        assert rpc_error(call, request).code is NOT_FOUND

    bad = rpc_error(
        api.stub(OWNER).AddOpportunityCollaborator,
        S.AddOpportunityCollaboratorRequest(opportunity_id=opportunity, user_id="u-nobody"),
    )
    assert bad.code is grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in bad.violations] == ["role"]

    api.stub(OWNER).RemoveOpportunityCollaborator(
        S.RemoveOpportunityCollaboratorRequest(opportunity_id=opportunity, user_id=COLLABORATOR)
    )
    assert (
        rpc_error(theirs.GetOpportunity, S.GetOpportunityRequest(id=opportunity)).code is NOT_FOUND
    )


def test_a_merge_carries_the_collaborators_to_the_surviving_customer(api, rpc_error):
    customers = api.customers
    merged, survivor = (
        customers.customer(OWNER, "华东物流"),
        customers.customer(OWNER, "华东物流集团"),
    )
    customers.stub(OWNER).AddCustomerCollaborator(
        C.AddCustomerCollaboratorRequest(
            customer_id=merged,
            user_id=COLLABORATOR,
            role=collaborators_pb2.COLLABORATOR_ROLE_SERVICE,
        )
    )
    _deliver_customer_events(api, merged)
    _deliver_customer_events(api, survivor)
    assert rpc_error(_record, api, COLLABORATOR, survivor, "合并前").code is NOT_FOUND

    now = utcnow()
    with api.database.unit_of_work() as uow:  # what the sales worker does with customer.merged
        follow_up_events.customer_merged(
            uow,
            customer_events.CustomerMerged(
                surviving_customer_id=survivor,
                merged_customer_ids=[merged],
                owner_id=OWNER,
                department_path="/hq/sales/east",
            ),
            at=now,
            now=now,
        )

    assert _record(api, COLLABORATOR, survivor, "合并后").customer_id == survivor
