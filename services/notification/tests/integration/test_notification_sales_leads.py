"""The rules and templates the sales leads part ships (migration 0005), through the worker's
real handlers: each handler body runs in a real unit of work on a migrated SQLite database, the
way ``@on_event`` runs it, and the inbox rows it writes are read back.

``lead.first_contact_due`` reminds the owner, ``lead.first_contact_overdue`` escalates to the
team lead (the lead of the owner's department), ``follow_up_task.overdue`` reaches the team lead
as well as the owner; each in the recipient's language. The approval rules (migration 0008)
tell a quote's approvers it waits for them and its requester how it was decided.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from crm.common.v1 import approvals_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm.sales.v1 import events_pb2 as sales_events
from crm.sales.v1 import sales_pb2
from crm_shared.db import Database, utcnow
from crm_shared.events.handlers import EventContext
from crm_shared.migrations import upgrade
from crm_shared.timestamps import to_timestamp
from notification_service.models import Department, InboxEntry, Recipient
from notification_service.worker import NotificationWorker
from sqlalchemy import select

pytestmark = pytest.mark.integration

DUE = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('notification-leads') / 'notification.db'}"
    upgrade("notification_service", url)
    db = Database(url)
    yield db
    db.dispose()


def person(database, department: str, *, locale: str = "zh-CN", lead: bool = False) -> str:
    user_id = f"u-{uuid.uuid4().hex[:8]}"
    with database.unit_of_work() as uow:
        uow.session.add(Recipient(
            user_id=user_id, username=user_id, display_name=user_id, email=None, locale=locale,
            department_path=department, active=True, is_department_lead=False, roles="",
            time_zone="Asia/Shanghai", revision=1, update_time=utcnow()))
        if lead:
            uow.session.add(Department(path=department, name=department, lead_user_id=user_id,
                                       active=True, revision=1, update_time=utcnow()))
    return user_id


def team(database, *, lead_locale="en-US"):
    department = f"/hq/sales/team-{uuid.uuid4().hex[:6]}"
    return department, person(database, department, locale=lead_locale, lead=True), person(
        database, department)


def handle(database, handler: str, event) -> str:
    event_id = str(uuid.uuid4())
    body = getattr(NotificationWorker, handler).__wrapped__
    with database.unit_of_work() as uow:
        body(NotificationWorker(), event, EventContext(uow=uow, event_id=event_id,
                                                       event_type=event.DESCRIPTOR.full_name,
                                                       headers={}))
    return event_id


def inbox(database, event_id: str) -> dict[str, InboxEntry]:
    with database.unit_of_work(readonly=True) as uow:
        rows = uow.session.scalars(select(InboxEntry).where(
            InboxEntry.source_event_id == event_id)).all()
        uow.session.expunge_all()
        return {row.recipient_id: row for row in rows}


def lead_facts(owner: str, department: str) -> dict:
    return {"lead_id": str(uuid.uuid4()), "lead_number": "L20260302-0007",
            "grade": sales_pb2.LEAD_GRADE_A, "owner_id": owner, "department_path": department,
            "first_contact_due_time": to_timestamp(DUE), "contact_name": "李雷",
            "company_name": "上海某某科技"}


def test_an_overdue_first_contact_is_escalated_to_the_team_lead_in_their_language(database):
    department, team_lead, rep = team(database)
    event = sales_events.LeadFirstContactOverdue(**lead_facts(rep, department))
    entries = inbox(database, handle(database, "lead_first_contact_overdue", event))
    assert set(entries) == {team_lead}
    entry = entries[team_lead]
    assert entry.title == "Lead L20260302-0007: first contact overdue"
    assert "2026-03-02 10:30 UTC" in entry.body and rep in entry.body
    assert (entry.category, entry.subject_type, entry.subject_id) == (
        "lead.first_contact_overdue", "lead", event.lead_id)


def test_a_first_contact_coming_due_reminds_the_owner(database):
    department, _team_lead, rep = team(database)  # the reminder is the owner's alone
    event = sales_events.LeadFirstContactDue(**lead_facts(rep, department))
    entries = inbox(database, handle(database, "lead_first_contact_due", event))
    assert set(entries) == {rep}
    assert entries[rep].title == "线索 L20260302-0007 待首次联系"
    assert "李雷" in entries[rep].body and "上海某某科技" in entries[rep].body


def test_an_overdue_follow_up_reaches_the_owner_and_the_team_lead(database):
    department, team_lead, rep = team(database, lead_locale="zh-CN")
    event = sales_events.FollowUpTaskOverdue(task=sales_pb2.FollowUpTask(
        id=str(uuid.uuid4()), title="回访上海某某", owner_id=rep, department_path=department),
        days_overdue=2)
    entries = inbox(database, handle(database, "follow_up_task_overdue", event))
    assert set(entries) == {rep, team_lead}
    assert entries[team_lead].title == "团队跟进逾期：回访上海某某"
    assert f"{rep} 的跟进任务" in entries[team_lead].body


def approval_request(requester: str, approvers: list[str],
                     **fields) -> approvals_pb2.ApprovalRequest:
    values = {"status": approvals_pb2.APPROVAL_STATUS_PENDING,
              "subject": approvals_pb2.APPROVAL_SUBJECT_QUOTE,
              "subject_number": "Q20261208-0003"} | fields
    return approvals_pb2.ApprovalRequest(
        id=str(uuid.uuid4()), reason="discount_basis_points > 1000",
        approver_ids=approvers, requester_id=requester, due_time=to_timestamp(DUE), **values)


def test_a_quote_waiting_for_approval_tells_its_approvers_and_the_decision_its_requester(
        database):
    _department, team_lead, rep = team(database)
    waiting = approval_request(rep, [team_lead, "role:admin"])
    entries = inbox(database, handle(database, "approval_requested",
                                     sales_events.ApprovalRequested(approval_request=waiting,
                                                                    actor_id=rep)))
    assert set(entries) == {team_lead}  # a role is no one person: it reads the approvals inbox
    assert entries[team_lead].title == "Approval needed: quote Q20261208-0003"
    assert "2026-03-02 10:30 UTC" in entries[team_lead].body
    assert (entries[team_lead].subject_type, entries[team_lead].subject_id) == (
        "approval_request", waiting.id)

    for status, title in ((approvals_pb2.APPROVAL_STATUS_APPROVED,
                           "审批通过：报价 Q20261208-0003"),
                          (approvals_pb2.APPROVAL_STATUS_REJECTED,
                           "审批驳回：报价 Q20261208-0003")):
        decided = approval_request(rep, [], status=status)
        entries = inbox(database, handle(database, "approval_decided",
                                         sales_events.ApprovalDecided(approval_request=decided,
                                                                      actor_id=team_lead)))
        assert {user: entry.title for user, entry in entries.items()} == {rep: title}


def test_a_customer_key_field_change_waiting_for_approval_tells_the_same_people(database):
    """The customer service's approval events have the sales shapes: the same rules, its own
    templates (migration 0009)."""
    _department, team_lead, rep = team(database)
    waiting = approval_request(
        rep, [team_lead], subject=approvals_pb2.APPROVAL_SUBJECT_CUSTOMER_KEY_FIELDS,
        subject_number="C20261208-0001")
    entries = inbox(database, handle(database, "customer_approval_requested",
                                     customer_events.ApprovalRequested(approval_request=waiting,
                                                                       actor_id=rep)))
    assert {user: entry.title for user, entry in entries.items()} == {
        team_lead: "Approval needed: key fields of customer C20261208-0001"}
    rejected = approval_request(
        rep, [], status=approvals_pb2.APPROVAL_STATUS_REJECTED,
        subject=approvals_pb2.APPROVAL_SUBJECT_CUSTOMER_KEY_FIELDS,
        subject_number="C20261208-0001")
    entries = inbox(database, handle(database, "customer_approval_decided",
                                     customer_events.ApprovalDecided(approval_request=rejected,
                                                                     actor_id=team_lead)))
    assert {user: entry.title for user, entry in entries.items()} == {
        rep: "审批驳回：客户 C20261208-0001 关键资料修改"}
