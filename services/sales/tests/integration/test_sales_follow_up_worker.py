"""The worker's side of follow-ups on a migrated SQLite database (one per module; every test
uses customers of its own): the timer's scan with a clock the test controls, plans from the
customer events, the re-contact rules from the sales events, and the customer service's
merge, handover and erasure over the whole schema. Handlers are the worker's functions called
with a real unit of work; the erasure also goes through the real ``@on_event`` handler (ledger
and all) to show it is acknowledged once."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest
from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm.identity.v1 import events_pb2 as identity_events
from crm.marketing.v1 import events_pb2 as marketing_events
from crm.marketing.v1 import marketing_pb2
from crm.sales.v1 import events_pb2 as sales_events
from crm.sales.v1 import sales_pb2
from crm_shared.attachments import check_upload, records, store_from_settings
from crm_shared.db import Database
from crm_shared.events import wire
from crm_shared.events.handlers import _Delivery
from crm_shared.events.outbox import OutboxMessage
from sales_service import follow_up_events, opportunities, plans_and_tasks
from sales_service.models import (
    Activity,
    ActivityComment,
    Attachment,
    CustomerFact,
    FollowUpPlan,
    FollowUpTask,
    Lead,
    Opportunity,
)
from sales_service.plans_and_tasks import scan_follow_ups
from sales_service.worker import SalesWorker
from sqlalchemy import String, select

pytestmark = pytest.mark.integration

T0 = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)  # a Monday
EAST = "/hq/sales/east"


@pytest.fixture(scope="module")
def database(sales_database_url):
    database = Database(sales_database_url("sqlite"))
    with database.unit_of_work() as uow:
        follow_up_events.department_upserted(uow, identity_events.DepartmentUpserted(
            path=EAST, lead_user_id="u-east-lead", parent_path="/hq/sales", active=True,
            revision=1), now=T0)
    yield database
    database.dispose()


def deliver(database: Database, handle, event, at: datetime = T0, now: datetime | None = None):
    with database.unit_of_work() as uow:
        return handle(uow, event, at=at, now=now or at)


def created(database, *, owner="u-rep", department=EAST, value_class=0, at=T0) -> str:
    customer_id = str(uuid.uuid4())
    deliver(database, follow_up_events.customer_created, customer_events.CustomerCreated(
        customer=customer_pb2.Customer(id=customer_id, owner_id=owner, department_path=department,
                                       value_class=value_class)), at)
    return customer_id


def class_changed(database, customer_id, value_class, at, owner="u-rep"):
    deliver(database, follow_up_events.customer_value_class_changed,
            customer_events.CustomerValueClassChanged(customer_id=customer_id, owner_id=owner,
                                                      department_path=EAST, current=value_class),
            at)


def live(database, customer_id) -> dict[str, list[FollowUpTask]]:
    # A read-only unit of work ends in a rollback, which would expire what it read.
    with database.unit_of_work() as uow:
        tasks = plans_and_tasks.live_tasks(uow.session, customer_id=customer_id)
    found: dict[str, list[FollowUpTask]] = {}
    for task in tasks:
        found.setdefault(task.reason, []).append(task)
    return found


def task_row(database, due: date, **fields) -> str:
    values = {"owner_id": "u-rep", "department_path": EAST, "reason": "manual", "title": "回访",
              "customer_id": str(uuid.uuid4())}
    values.update(fields)
    with database.unit_of_work() as uow:
        task = plans_and_tasks.new_task(uow.session, due=due, now=T0, actor_id="u-rep", **values)
        return task.id


def events_of(database, routing_key, message_type, task_id=None) -> list:
    with database.unit_of_work(readonly=True) as uow:
        rows = uow.session.scalars(select(OutboxMessage).where(
            OutboxMessage.routing_key == routing_key).order_by(OutboxMessage.id)).all()
        decoded = [wire.decode(row.payload, message_type) for row in rows]
    if task_id is None:
        return decoded
    return [event for event in decoded if event.task.id == task_id]


def get(database, model, key):
    with database.unit_of_work() as uow:
        return uow.session.get(model, key)


# -- the timer ----------------------------------------------------------------------------------


def test_a_task_is_reminded_once_the_day_before_and_flagged_overdue_once_after(database):
    due = date(2031, 3, 12)
    task_id = task_row(database, due)

    def at(day: int, hour: int = 8) -> datetime:
        return datetime(2031, 3, day, hour, tzinfo=UTC)

    def due_events():
        return events_of(database, "follow_up_task.due", sales_events.FollowUpTaskDue, task_id)

    def overdue_events():
        return events_of(database, "follow_up_task.overdue", sales_events.FollowUpTaskOverdue,
                         task_id)

    scan_follow_ups(database, at(10))
    assert due_events() == [] and overdue_events() == []
    scan_follow_ups(database, at(11))
    [reminder] = due_events()
    assert (reminder.task.owner_id, reminder.task.due_date) == ("u-rep", "2031-03-12")
    assert get(database, FollowUpTask, task_id).remind_time == at(11)
    scan_follow_ups(database, at(11, 20))
    scan_follow_ups(database, at(12))  # due today: neither again nor overdue yet
    assert len(due_events()) == 1 and overdue_events() == []
    scan_follow_ups(database, at(13))
    [overdue] = overdue_events()
    assert overdue.days_overdue == 1 and overdue.task.department_path == EAST
    assert overdue.task.state == sales_pb2.FOLLOW_UP_TASK_STATE_OVERDUE
    scan_follow_ups(database, at(15))
    assert len(overdue_events()) == 1 and len(due_events()) == 1
    stored = get(database, FollowUpTask, task_id)
    assert (stored.state, stored.overdue_time) == ("overdue", at(13))


def test_done_and_cancelled_tasks_are_neither_reminded_nor_flagged(database):
    due = date(2032, 5, 5)
    done = task_row(database, due)
    cancelled = task_row(database, due)
    with database.unit_of_work() as uow:
        uow.session.get(FollowUpTask, done).state = "done"
        uow.session.get(FollowUpTask, cancelled).state = "cancelled"
    scan_follow_ups(database, datetime(2032, 5, 4, 9, tzinfo=UTC))
    scan_follow_ups(database, datetime(2032, 5, 9, 9, tzinfo=UTC))
    for task_id in (done, cancelled):
        assert events_of(database, "follow_up_task.due", sales_events.FollowUpTaskDue, task_id) == []
        assert events_of(database, "follow_up_task.overdue", sales_events.FollowUpTaskOverdue,
                         task_id) == []


# -- plans from customer events -----------------------------------------------------------------


def test_a_value_class_change_replans_the_customer(database):
    customer_id = created(database)
    with database.unit_of_work(readonly=True) as uow:  # unclassified: no plan
        assert plans_and_tasks.plan_of(uow.session, customer_id) is None
    assert live(database, customer_id) == {}

    class_changed(database, customer_id, types_pb2.VALUE_CLASS_C, T0)
    [regular] = live(database, customer_id)["cadence"]
    assert regular.due_date == "2025-07-02" and regular.owner_id == "u-rep"  # monthly

    class_changed(database, customer_id, types_pb2.VALUE_CLASS_A, T0 + timedelta(days=2))
    tasks = live(database, customer_id)
    assert [t.id for t in tasks["cadence"]] == [regular.id]  # the same task, moved
    assert tasks["cadence"][0].due_date == "2025-06-09"  # weekly from the plan's start
    [senior] = tasks["senior_contact"]
    assert (senior.owner_id, senior.due_date) == ("u-east-lead", "2025-07-02")  # plan start + 30

    class_changed(database, customer_id, types_pb2.VALUE_CLASS_B, T0 + timedelta(days=3))
    tasks = live(database, customer_id)
    assert set(tasks) == {"cadence"} and tasks["cadence"][0].due_date == "2025-06-16"
    with database.unit_of_work(readonly=True) as uow:
        assert uow.session.get(FollowUpTask, senior.id).state == "cancelled"
        plan = plans_and_tasks.plan_of(uow.session, customer_id)
        assert (plan.value_class, plan.next_due_date) == ("B", "2025-06-16")

    class_changed(database, customer_id, types_pb2.VALUE_CLASS_UNSPECIFIED, T0 + timedelta(days=4))
    assert live(database, customer_id) == {}


def test_a_late_older_event_does_not_roll_the_facts_back(database):
    customer_id = created(database, value_class=types_pb2.VALUE_CLASS_B)
    class_changed(database, customer_id, types_pb2.VALUE_CLASS_A, T0 + timedelta(hours=2))
    class_changed(database, customer_id, types_pb2.VALUE_CLASS_C, T0 + timedelta(hours=1))
    assert get(database, CustomerFact, customer_id).value_class == "A"
    assert live(database, customer_id)["cadence"][0].due_date == "2025-06-09"


def test_the_customers_new_owner_takes_over_the_plan_and_its_tasks(database):
    customer_id = created(database, value_class=types_pb2.VALUE_CLASS_A)
    deliver(database, follow_up_events.customer_owner_changed, customer_events.CustomerOwnerChanged(
        customer_id=customer_id,
        previous=types_pb2.Ownership(owner_id="u-rep", department_path=EAST),
        current=types_pb2.Ownership(owner_id="u-rep-north", department_path="/hq/sales/north")),
        T0 + timedelta(hours=1))
    tasks = live(database, customer_id)
    assert (tasks["cadence"][0].owner_id, tasks["cadence"][0].department_path) == (
        "u-rep-north", "/hq/sales/north")
    # No lead is known for the north team: the senior contact falls to the owner.
    assert tasks["senior_contact"][0].owner_id == "u-rep-north"
    with database.unit_of_work(readonly=True) as uow:
        assert plans_and_tasks.plan_of(uow.session, customer_id).owner_id == "u-rep-north"


# -- re-contact rules from sales events ---------------------------------------------------------


def _opportunity(customer_id: str, stage: int) -> sales_pb2.Opportunity:
    return sales_pb2.Opportunity(id=str(uuid.uuid4()), customer_id=customer_id, stage=stage,
                                 owner_id="u-rep", department_path=EAST, name="200 坐席")


def test_a_confirmed_need_is_recontacted_within_three_days_once(database):
    customer_id = created(database)
    opportunity = _opportunity(customer_id, sales_pb2.OPPORTUNITY_STAGE_INTENT)
    event = sales_events.OpportunityStageChanged(
        opportunity=opportunity, previous_stage=sales_pb2.OPPORTUNITY_STAGE_POTENTIAL,
        actor_id="u-rep")

    task = deliver(database, follow_up_events.opportunity_stage_changed, event)
    again = deliver(database, follow_up_events.opportunity_stage_changed, event,
                    T0 + timedelta(days=1))

    assert again is None
    [need] = live(database, customer_id)["need_confirmed"]
    assert need.id == task.id
    assert (need.due_date, need.opportunity_id, need.owner_id) == (
        "2025-06-05", opportunity.id, "u-rep")


def test_other_stage_moves_open_no_recontact(database):
    customer_id = created(database)
    for stage, previous in ((sales_pb2.OPPORTUNITY_STAGE_NEGOTIATION,
                             sales_pb2.OPPORTUNITY_STAGE_PROPOSAL),
                            (sales_pb2.OPPORTUNITY_STAGE_INTENT, sales_pb2.OPPORTUNITY_STAGE_INTENT)):
        deliver(database, follow_up_events.opportunity_stage_changed,
                sales_events.OpportunityStageChanged(opportunity=_opportunity(customer_id, stage),
                                                     previous_stage=previous))
    assert live(database, customer_id) == {}


def test_a_sent_proposal_is_recontacted_within_two_days(database):
    customer_id = created(database)
    quote = sales_pb2.Quote(id=str(uuid.uuid4()), opportunity_id=str(uuid.uuid4()),
                            customer_id=customer_id, owner_id="u-rep", department_path=EAST,
                            status=sales_pb2.QUOTE_STATUS_SENT)
    deliver(database, follow_up_events.quote_sent, sales_events.QuoteSent(quote=quote,
                                                                          actor_id="u-rep"),
            datetime(2025, 6, 6, 15, tzinfo=UTC))
    [proposal] = live(database, customer_id)["proposal_sent"]
    assert (proposal.due_date, proposal.opportunity_id) == ("2025-06-08", quote.opportunity_id)


# -- merge, handover, erasure over the schema ---------------------------------------------------


def _activity(customer_id, owner="u-rep", **fields) -> Activity:
    values = {"id": str(uuid.uuid4()), "customer_id": customer_id, "method": "phone",
              "occur_time": T0, "owner_id": owner, "department_path": EAST, "topic": "报价",
              "summary": "李女士说预算有限", "customer_feedback": "希望分期", "objection": "价格",
              "next_step": "", "first_contact": False, "comment_count": 0, "create_time": T0,
              "update_time": T0, "created_by": owner, "updated_by": owner,
              "contact_name": "李女士", "qualification": {"need": "坐席", "decisionMaker": "李女士"}}
    values.update(fields)
    return Activity(**values)


def test_a_merge_repoints_every_table_to_the_survivor(database):
    survivor = created(database, value_class=types_pb2.VALUE_CLASS_B)
    merged = created(database, value_class=types_pb2.VALUE_CLASS_C)
    bystander = created(database, value_class=types_pb2.VALUE_CLASS_C)
    with database.unit_of_work() as uow:
        merged_activity, bystander_activity = _activity(merged), _activity(bystander)
        uow.session.add_all([merged_activity, bystander_activity])
        uow.session.flush()
        uow.session.add(ActivityComment(id=str(uuid.uuid4()), activity_id=merged_activity.id,
                                        customer_id=merged, author_id="u-east-lead", body="好",
                                        activity_owner_id="u-rep", department_path=EAST,
                                        create_time=T0))
    manual = task_row(database, date(2025, 6, 20), customer_id=merged)
    merged_plan = get_plan_id(database, merged)
    deal = opportunity_row(database, merged, "u-rep")  # the deals part's table, too

    deliver(database, follow_up_events.customer_merged, customer_events.CustomerMerged(
        merge_id="m-1", surviving_customer_id=survivor, merged_customer_ids=[merged],
        customer=customer_pb2.Customer(id=survivor, owner_id="u-rep", department_path=EAST,
                                       value_class=types_pb2.VALUE_CLASS_B)),
        T0 + timedelta(hours=1))

    with database.unit_of_work(readonly=True) as uow:
        session = uow.session
        assert session.get(Activity, merged_activity.id).customer_id == survivor
        assert session.get(Activity, bystander_activity.id).customer_id == bystander
        assert {c.customer_id for c in session.scalars(select(ActivityComment).where(
            ActivityComment.activity_id == merged_activity.id))} == {survivor}
        assert session.get(FollowUpTask, manual).customer_id == survivor
        assert session.get(Opportunity, deal).customer_id == survivor
        assert session.get(FollowUpPlan, merged_plan) is None  # the survivor's plan stays
        fact = session.get(CustomerFact, merged)
        assert (fact.state, fact.merged_into) == ("merged", survivor)
    tasks = live(database, survivor)
    assert len(tasks["cadence"]) == 1 and tasks["manual"][0].id == manual
    plan_id = get_plan_id(database, survivor)
    assert tasks["cadence"][0].plan_id == plan_id
    assert live(database, merged) == {}


def opportunity_row(database, customer_id, owner, stage="potential") -> str:
    """An opportunity as the deals core opens it (then moved to ``stage`` directly)."""
    with database.unit_of_work() as uow:
        row = opportunities.open_opportunity(
            uow.session, uow.emit, customer_id=customer_id, name="200 坐席", owner_id=owner,
            department_path=EAST, amount=None, expected_close_date=None, lead_id=None,
            campaign_id=None, campaign_variant_id=None, source=None, actor_id=owner, now=T0)
        row.stage = stage
        return row.id


def lead_row(database, customer_id, owner="u-rep") -> str:
    """A converted lead as the leads core keeps it (required columns neutral)."""
    values = {column.name: "" for column in Lead.__table__.columns
              if not column.nullable and isinstance(column.type, String)}
    values.update(id=str(uuid.uuid4()), number=f"L{uuid.uuid4().hex[:10]}", grade="A",
                  status="converted", owner_id=owner, department_path=EAST,
                  contact_name="周先生", phone="+8613812345678", email="zhou@example.com",
                  need_description="坐席扩容", decision_maker="周总", customer_id=customer_id,
                  intake_params={}, product_interests=[], source_labelled=False,
                  grade_locked=False, first_contact_overdue=False, customer_created=True,
                  last_activity_time=T0, create_time=T0, update_time=T0, version=1)
    with database.unit_of_work() as uow:
        uow.session.add(Lead(**values))
    return values["id"]


def get_plan_id(database, customer_id) -> str:
    with database.unit_of_work(readonly=True) as uow:
        return plans_and_tasks.plan_of(uow.session, customer_id).id


def test_a_handover_moves_exactly_the_open_work_of_the_handed_over_customers(database):
    leaver, successor = f"u-{uuid.uuid4().hex[:6]}", f"u-{uuid.uuid4().hex[:6]}"
    handed = created(database, owner=leaver, value_class=types_pb2.VALUE_CLASS_C)
    kept = created(database, owner=leaver)
    open_task = task_row(database, date(2025, 6, 20), customer_id=handed, owner_id=leaver)
    done_task = task_row(database, date(2025, 6, 1), customer_id=handed, owner_id=leaver)
    others_task = task_row(database, date(2025, 6, 20), customer_id=handed, owner_id="u-rep-2")
    kept_task = task_row(database, date(2025, 6, 20), customer_id=kept, owner_id=leaver)
    lead_task = task_row(database, date(2025, 6, 20), customer_id=None, lead_id="l-1",
                         owner_id=leaver)
    open_deal = opportunity_row(database, handed, leaver, stage="proposal")
    won_deal = opportunity_row(database, handed, leaver, stage="won")
    with database.unit_of_work() as uow:
        uow.session.get(FollowUpTask, done_task).state = "done"
        uow.session.add(_activity(handed, owner=leaver))

    def handover(customer_ids, at):
        return deliver(database, follow_up_events.customer_handed_over,
                       customer_events.CustomerHandedOver(
                           handover_id=str(uuid.uuid4()), customer_ids=customer_ids,
                           previous=types_pb2.Ownership(owner_id=leaver, department_path=EAST),
                           current=types_pb2.Ownership(owner_id=successor,
                                                       department_path="/hq/sales/north")), at)

    handover([handed], T0 + timedelta(hours=1))

    owners = {task_id: get(database, FollowUpTask, task_id).owner_id
              for task_id in (open_task, done_task, others_task, kept_task, lead_task)}
    assert owners == {open_task: successor, done_task: leaver, others_task: "u-rep-2",
                      kept_task: leaver, lead_task: leaver}
    assert get(database, FollowUpTask, open_task).department_path == "/hq/sales/north"
    # The deals part's open opportunity moves; a won one is history and stays.
    assert (get(database, Opportunity, open_deal).owner_id,
            get(database, Opportunity, won_deal).owner_id) == (successor, leaver)
    assert live(database, handed)["cadence"][0].owner_id == successor
    with database.unit_of_work(readonly=True) as uow:  # history stays with its author
        assert {a.owner_id for a in uow.session.scalars(
            select(Activity).where(Activity.customer_id == handed))} == {leaver}

    handover([kept], T0 + timedelta(hours=2))  # their last customer: they left

    assert get(database, FollowUpTask, kept_task).owner_id == successor
    assert get(database, FollowUpTask, lead_task).owner_id == successor


def test_an_erasure_blanks_exactly_the_personal_columns_and_is_acknowledged_once(
    database, tmp_path, monkeypatch
):
    erased, alias, other = created(database), created(database), created(database)
    with database.unit_of_work() as uow:
        rows = [_activity(erased), _activity(alias), _activity(other)]
        uow.session.add_all(rows)
    # A requirements document on the alias's follow-up record: a file cannot be blanked.
    monkeypatch.setenv("ATTACHMENT_LOCAL_DIR", str(tmp_path / "files"))
    upload, _ = check_upload("需求文档.xlsx", _xlsx())
    with database.unit_of_work() as uow:
        document = records.store(
            uow.session, store_from_settings(), Attachment, upload, service="sales",
            customer_id=alias, record_type="follow_up", record_id=rows[1].id,
            actor_id="u-rep", request_id=None)
    open_task = task_row(database, date(2025, 6, 20), customer_id=erased)
    lead = lead_row(database, erased)  # the leads part's table, too
    event = customer_events.CustomerErased(erasure_request_id="er-1", customer_id=erased,
                                           alias_customer_ids=[alias], actor_id="u-dpo")
    event_id = str(uuid.uuid4())
    delivery = _Delivery(database=database, consumer="sales.sales_customer_erased",
                         event_name="customer.erased", exchange="customer.events")
    headers = {wire.HEADER_EVENT_ID: event_id, wire.HEADER_OCCURRED_AT: T0.isoformat()}

    for _ in range(2):  # a redelivery of the same message
        SalesWorker.sales_customer_erased(SalesWorker(), wire.encode(event), dict(headers), delivery)

    with database.unit_of_work(readonly=True) as uow:
        for row in rows[:2]:
            stored = uow.session.get(Activity, row.id)
            assert (stored.contact_name, stored.summary, stored.customer_feedback,
                    stored.objection, stored.qualification) == (None, "", "", "", None)
            assert (stored.topic, stored.method, stored.owner_id) == ("报价", "phone", "u-rep")
        untouched = uow.session.get(Activity, rows[2].id)
        assert (untouched.contact_name, untouched.summary) == ("李女士", "李女士说预算有限")
        erased_lead = uow.session.get(Lead, lead)
        assert (erased_lead.contact_name, erased_lead.phone, erased_lead.email,
                erased_lead.need_description, erased_lead.decision_maker) == ("", None, None, "", "")
        assert (erased_lead.company_name, erased_lead.grade) == ("", "A")
        assert uow.session.get(FollowUpTask, open_task).state == "cancelled"
        assert uow.session.get(CustomerFact, erased).state == "erased"
    acknowledgements = [e for e in events_of(database, "sales.customer_data_erased",
                                             sales_events.SalesCustomerDataErased)
                        if e.erasure_request_id == "er-1"]
    assert len(acknowledgements) == 1
    # two follow-up records and the lead held personal data; the document is gone
    assert (acknowledgements[0].customer_id, acknowledgements[0].erased_record_count) == (erased, 4)
    assert get(database, Attachment, document.id) is None
    assert not [p for p in (tmp_path / "files").rglob("*") if p.is_file()]


def _xlsx() -> bytes:
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


def test_department_leads_follow_identity_revisions(database):
    path = f"/hq/sales/t{uuid.uuid4().hex[:6]}"
    for lead, revision in (("u-a", 2), ("u-b", 1)):  # the older one arrives late
        with database.unit_of_work() as uow:
            follow_up_events.department_upserted(uow, identity_events.DepartmentUpserted(
                path=path, lead_user_id=lead, active=True, revision=revision), now=T0)
    with database.unit_of_work(readonly=True) as uow:
        assert plans_and_tasks.department_lead_of(uow.session, path + "/x") == ("u-a", path)


# -- segment contact strategies (issue 19) -------------------------------------------------------


def contact_due(customer_id: str, period: str, owner="u-marketing-view", due="2031-03-09"):
    return marketing_events.ContactDue(
        occasion_key=f"strategy:seg-risk:follow_up:{customer_id}:{period}", segment_id="seg-risk",
        segment_name="流失风险客户 At risk", customer_id=customer_id, owner_id=owner,
        department_path=EAST, period=period, due_date=due,
        action=marketing_pb2.ContactAction(kind=marketing_pb2.CONTACT_ACTION_KIND_FOLLOW_UP,
                                           cadence=marketing_pb2.CADENCE_WEEKLY,
                                           description="电话或上门跟进"))


def test_a_contact_strategy_occasion_is_the_owners_task_once_and_none_for_an_erased_customer(
        database):
    customer_id = created(database, owner="u-rep")
    task = deliver(database, follow_up_events.contact_due, contact_due(customer_id, "2031-W10"))
    again = deliver(database, follow_up_events.contact_due, contact_due(customer_id, "2031-W10"))
    assert again is None
    [stored] = live(database, customer_id)["contact_strategy"]
    assert stored.id == task.id
    # the owner as sales knows it, not marketing's (which may lag a handover)
    assert (stored.owner_id, stored.due_date, stored.note) == ("u-rep", "2031-03-09", "电话或上门跟进")
    assert stored.title == "Follow-up call or visit (流失风险客户 At risk)"

    unknown = str(uuid.uuid4())  # not heard of by sales yet: marketing's owner
    made = deliver(database, follow_up_events.contact_due, contact_due(unknown, "2031-W10"))
    assert made.owner_id == "u-marketing-view"

    deliver(database, follow_up_events.customer_erased, customer_events.CustomerErased(
        erasure_request_id=str(uuid.uuid4()), customer_id=customer_id))
    assert deliver(database, follow_up_events.contact_due,
                   contact_due(customer_id, "2031-W11", due="2031-03-16")) is None
    assert live(database, customer_id) == {}


def test_leaving_the_segment_cancels_its_open_task_and_keeps_an_overdue_one(database):
    customer_id = created(database, owner="u-rep")
    earlier = deliver(database, follow_up_events.contact_due, contact_due(customer_id, "2031-W10"))
    current = deliver(database, follow_up_events.contact_due,
                      contact_due(customer_id, "2031-W11", due="2031-03-16"))
    scan_follow_ups(database, datetime(2031, 3, 10, 9, tzinfo=UTC))  # week 10's is overdue now

    cancelled = deliver(database, follow_up_events.segment_member_left,
                        marketing_events.SegmentMemberLeft(segment_id="seg-risk",
                                                           customer_id=customer_id))
    assert [task.id for task in cancelled] == [current.id]
    assert get(database, FollowUpTask, current.id).state == "cancelled"
    assert get(database, FollowUpTask, earlier.id).state == "overdue"
    other = deliver(database, follow_up_events.segment_member_left,
                    marketing_events.SegmentMemberLeft(segment_id="seg-other",
                                                       customer_id=customer_id))
    assert other == []
