"""The leads part's worker handlers, each called with a real unit of work on the migrated
database (the body the ``@on_event`` decorator runs, inside its transaction), and the leads
they move seen through the real api: the rep directory from identity events (revision-checked),
a disabled rep's open leads handed to the successor or assigned again, department leads."""

from __future__ import annotations

import uuid

import pytest
from crm.common.v1 import rules_pb2
from crm.identity.v1 import events_pb2 as identity_events
from crm.sales.v1 import events_pb2, sales_pb2
from crm_shared.events.handlers import EventContext
from sales_service.models import SalesRep
from sales_service.worker import SalesWorker

pytestmark = pytest.mark.integration

S = sales_pb2


@pytest.fixture(scope="module")
def api(start_sales_api, sales_marketing):
    return start_sales_api("sqlite", marketing=sales_marketing)


def handle(api, handler_name: str, event) -> None:
    """Run one worker handler's body on ``event`` in a unit of work, as the decorator does."""
    body = getattr(SalesWorker, handler_name).__wrapped__
    with api.database.unit_of_work() as uow:
        body(SalesWorker(), event, EventContext(uow=uow, event_id=str(uuid.uuid4()),
                                                event_type=event.DESCRIPTOR.full_name,
                                                headers={}))


def user(user_id: str, revision: int, **fields) -> identity_events.UserUpserted:
    values = {"user_id": user_id, "username": user_id, "display_name": "张伟",
              "department_path": "/hq/sales/east", "roles": ["sales_rep"], "active": True,
              "revision": revision}
    values.update(fields)
    return identity_events.UserUpserted(**values)


def rep_row(api, user_id: str) -> SalesRep | None:
    with api.database.unit_of_work(readonly=True) as uow:
        row = uow.session.get(SalesRep, user_id)
        if row is not None:
            uow.session.expunge(row)
        return row


def test_identity_events_keep_the_rep_directory_current_and_never_roll_it_back(api):
    rep, agent = f"u-{uuid.uuid4().hex[:8]}", f"u-{uuid.uuid4().hex[:8]}"
    handle(api, "rep_user_upserted", user(rep, 2, display_name="李娜"))
    handle(api, "rep_user_upserted", user(rep, 1, department_path="/hq/old"))  # late, older
    handle(api, "rep_user_upserted", user(agent, 1, roles=["agent"], department_path="/hq/service"))
    row = rep_row(api, rep)
    assert (row.display_name, row.department_path, row.active, row.seniority) == (
        "李娜", "/hq/sales/east", True, "junior")
    assert rep_row(api, agent) is None
    team_lead = f"u-{uuid.uuid4().hex[:8]}"
    handle(api, "rep_user_upserted", user(team_lead, 1, roles=["manager"],
                                          is_department_lead=True,
                                          department_path="/hq/sales/north"))
    outsider = f"u-{uuid.uuid4().hex[:8]}"
    handle(api, "rep_user_upserted", user(outsider, 1, roles=["manager"], is_department_lead=True,
                                          department_path="/hq/salesforce"))
    assert rep_row(api, team_lead).team_lead and rep_row(api, outsider) is None
    handle(api, "rep_user_upserted", user(rep, 3, roles=["marketer"]))  # left sales
    assert rep_row(api, rep).active is False


def test_a_department_upsert_names_its_team_lead(api):
    first, second = (f"u-{uuid.uuid4().hex[:8]}" for _ in range(2))
    path = f"/hq/sales/team-{uuid.uuid4().hex[:4]}"
    for user_id in (first, second):
        handle(api, "rep_user_upserted", user(user_id, 1, department_path=path))
    handle(api, "rep_department_upserted", identity_events.DepartmentUpserted(
        path=path, name="华东一组", lead_user_id=second, active=True, revision=1))
    assert (rep_row(api, first).team_lead, rep_row(api, second).team_lead) == (False, True)


def test_a_disabled_reps_open_leads_go_to_the_named_successor(api):
    leaving, successor = (f"u-{uuid.uuid4().hex[:8]}" for _ in range(2))
    for user_id in (leaving, successor):
        handle(api, "rep_user_upserted", user(user_id, 1))
    lead = assigned_lead(api, leaving)
    event = identity_events.UserDisabled(user_id=leaving, successor_user_id=successor,
                                         revision=2)
    handle(api, "rep_user_disabled", event)
    handle(api, "rep_user_disabled", event)  # redelivered: nothing left to move
    assert rep_row(api, leaving).active is False
    moved = api.stub("u-admin").GetLead(S.GetLeadRequest(id=lead.id))
    assert (moved.owner_id, moved.status) == (successor, S.LEAD_STATUS_ASSIGNED)
    events = [e for e in api.events("lead.assigned", events_pb2.LeadAssigned)
              if e.lead_id == lead.id]
    assert [(e.previous.owner_id, e.current.owner_id, e.assignment.method) for e in events] == [
        ("", leaving, S.ASSIGNMENT_METHOD_AUTOMATIC),
        (leaving, successor, S.ASSIGNMENT_METHOD_HANDOVER)]


def test_without_a_successor_the_rules_run_again_without_the_disabled_rep(api):
    leaving = f"u-{uuid.uuid4().hex[:8]}"
    handle(api, "rep_user_upserted", user(leaving, 1, department_path="/hq/sales/south"))
    lead = assigned_lead(api, leaving)  # its rule lists only the leaving rep
    handle(api, "rep_user_disabled", identity_events.UserDisabled(user_id=leaving, revision=2))
    after = api.stub("u-sales-lead").GetLead(S.GetLeadRequest(id=lead.id))
    assert (after.owner_id, after.status, after.department_path) == (
        "", S.LEAD_STATUS_NEW, "/hq/sales")
    assert not after.HasField("first_contact_due_time")
    latest = api.stub("u-sales-lead").ListLeadAssignments(
        S.ListLeadAssignmentsRequest(lead_id=lead.id)).assignments[0]
    assert (latest.assignee_id, latest.previous_assignee_id) == ("", leaving)
    assert "waits for a manual assignment" in latest.reason


def assigned_lead(api, owner: str) -> S.Lead:
    """A lead of the test given to ``owner`` by an assignment rule listing only them (for the
    leads of a campaign of its own, one the admin may name)."""
    campaign = api.marketing.campaign()
    api.stub("u-admin").CreateAssignmentRule(S.CreateAssignmentRuleRequest(rule=S.AssignmentRule(
        display_name=campaign, department_path="/hq/sales", user_ids=[owner], priority=1,
        enabled=True, condition=rules_pb2.ConditionGroup(conditions=[rules_pb2.Condition(
            field="campaign_id", operator=rules_pb2.CONDITION_OPERATOR_EQUALS,
            values=[campaign])]))))
    lead = api.stub("u-admin").CreateLead(S.CreateLeadRequest(lead=S.Lead(
        contact_name="王先生", phone=f"137{uuid.uuid4().int % 10**8:08d}", campaign_id=campaign)))
    assert lead.owner_id == owner
    return lead
