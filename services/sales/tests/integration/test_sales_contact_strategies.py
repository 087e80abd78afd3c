"""Segments' contact strategies carried out as the owner's work (issue 19), through the broker.

The proof of the issue: an at-risk customer's owner gets the weekly follow-up task each week
until the flag clears, and an overdue one reaches the lead. Marketing's part runs in-process on
its migrated database with a clock the test controls (the read model's functions, then
``contact_strategies.carry_out`` as its timer runs it); its outbox is relayed by the real relay
to a real RabbitMQ, where the real sales worker (a process) makes the tasks. The sales timer's
scan runs with the test's clock on the worker's database, its outbox is relayed, and the real
notification worker (a process) tells the team lead. The clock is in 2031, so the workers' own
timers (on the real clock) find nothing due. A follow-up record through the real sales api
completes the open task, and the follow-up report measures the strategy per rep and segment."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm.identity.v1 import events_pb2 as identity_events
from crm.marketing.v1 import events_pb2 as marketing_events
from crm.sales.v1 import sales_pb2
from crm_devstack.service_process import WorkerProcess, stop_all
from crm_devstack.waiting import wait_until
from crm_shared.db import Database, utcnow
from crm_shared.events import wire
from crm_shared.events.ledger import ProcessedEvent
from crm_shared.events.outbox import OutboxMessage
from crm_shared.events.relay import OutboxRelay
from crm_shared.timestamps import to_timestamp
from marketing_service import contact_strategies, read_model
from notification_service.models import Department, InboxEntry, Recipient
from sales_service import follow_up_events
from sales_service.models import FollowUpTask
from sales_service.plans_and_tasks import scan_follow_ups
from sqlalchemy import select

pytestmark = pytest.mark.integration

S = sales_pb2
AT_RISK = "f5b8295f-e3e3-5979-ac8e-fa1e9d67debe"  # the seeded segment: 风险客户每周跟进
EAST = "/hq/sales/east"
MONDAY = datetime(2031, 3, 3, 9, tzinfo=UTC)  # ISO week 2031-W10
WEEK = timedelta(days=7)


@pytest.fixture(scope="module")
def vhost_url(rabbitmq):
    vhost = f"contact-strategies-{uuid.uuid4().hex[:8]}"
    rabbitmq.add_vhost(vhost)
    yield rabbitmq.url_for_vhost(vhost)
    rabbitmq.delete_vhost(vhost)


@pytest.fixture(scope="module")
def workers(vhost_url, module_migrated_database, tmp_path_factory):
    """The sales and notification workers, started side by side on migrated copies of the
    session's template databases; ``{module: (process, database)}``."""
    modules = ("sales_service", "notification_service")
    urls = {module: module_migrated_database(module) for module in modules}
    with ThreadPoolExecutor(len(modules)) as pool:
        processes = dict(
            zip(
                modules,
                pool.map(
                    lambda module: WorkerProcess(
                        module, vhost_url, urls[module], tmp_path_factory.mktemp(module)
                    ),
                    modules,
                ),
                strict=True,
            )
        )
    databases = {module: Database(urls[module]) for module in modules}
    yield {module: (processes[module], databases[module]) for module in modules}
    stop_all(list(processes.values()))  # clean-up, not under test
    for database in databases.values():
        database.dispose()


@pytest.fixture(scope="module")
def sales(workers):
    return workers["sales_service"]


@pytest.fixture(scope="module")
def notification(workers):
    process, database = workers["notification_service"]
    now = utcnow()
    with database.unit_of_work() as uow:  # what identity events would have told it
        for user_id, lead in (("u-rep", False), ("u-east-lead", True)):
            uow.session.add(
                Recipient(
                    user_id=user_id,
                    username=user_id,
                    display_name=user_id,
                    email=None,
                    locale="zh-CN",
                    department_path=EAST,
                    active=True,
                    is_department_lead=lead,
                    roles="",
                    time_zone="Asia/Shanghai",
                    revision=1,
                    update_time=now,
                )
            )
        uow.session.add(
            Department(
                path=EAST,
                name="华东",
                lead_user_id="u-east-lead",
                active=True,
                revision=1,
                update_time=now,
            )
        )
    return process, database


@pytest.fixture(scope="module")
def marketing(module_migrated_database):
    database = Database(module_migrated_database("marketing_service"))
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def sales_api(workers, start_sales_api):
    """The real sales api in-process, on the sales worker's database."""
    return start_sales_api(database_url=str(workers["sales_service"][1].engine.url))


def relay(database: Database, vhost_url: str) -> None:
    outbox = OutboxRelay(database, vhost_url)
    try:
        while outbox.publish_pending():
            pass
    finally:
        outbox.publisher.close()


def tell_marketing(marketing: Database, event, at: datetime) -> None:
    with marketing.unit_of_work() as uow:
        read_model.record_event(uow, event, event_id=str(uuid.uuid4()), occurred_at=at, now=at)


def strategy_tasks(sales: Database, customer_id: str) -> list[FollowUpTask]:
    with sales.unit_of_work(readonly=True) as uow:
        rows = uow.session.scalars(
            select(FollowUpTask)
            .where(
                FollowUpTask.customer_id == customer_id, FollowUpTask.reason == "contact_strategy"
            )
            .order_by(FollowUpTask.due_date)
        ).all()
        uow.session.expunge_all()
        return list(rows)


def contact_due_ids(marketing: Database, customer_id: str) -> list[str]:
    with marketing.unit_of_work(readonly=True) as uow:
        return list(
            uow.session.scalars(
                select(OutboxMessage.event_id)
                .where(
                    OutboxMessage.routing_key == "marketing.contact_due",
                    OutboxMessage.partition_key == customer_id,
                )
                .order_by(OutboxMessage.id)
            )
        )


def week_passes(marketing: Database, vhost_url: str, now: datetime) -> None:
    contact_strategies.carry_out(marketing, now)
    relay(marketing, vhost_url)


def test_an_at_risk_customers_owner_gets_a_weekly_task_until_the_flag_clears_and_the_lead_hears_of_an_overdue_one(
    vhost_url, sales, notification, marketing, sales_api
):
    sales_process, sales_db = sales
    notification_process, notification_db = notification
    customer_id = str(uuid.uuid4())
    with sales_db.unit_of_work() as uow:  # the sales worker's customer facts and team lead
        follow_up_events.customer_created(
            uow,
            customer_events.CustomerCreated(
                customer=customer_pb2.Customer(
                    id=customer_id, owner_id="u-rep", department_path=EAST
                )
            ),
            at=utcnow(),
            now=utcnow(),
        )
        follow_up_events.department_upserted(
            uow,
            identity_events.DepartmentUpserted(
                path=EAST,
                lead_user_id="u-east-lead",
                parent_path="/hq/sales",
                active=True,
                revision=1,
            ),
            now=utcnow(),
        )
    tell_marketing(
        marketing,
        customer_events.CustomerCreated(
            customer=customer_pb2.Customer(
                id=customer_id,
                type=customer_pb2.CUSTOMER_TYPE_ENTERPRISE,
                display_name="某某商贸",
                owner_id="u-rep",
                department_path=EAST,
                etag='W/"1"',
            )
        ),
        MONDAY - WEEK,
    )
    tell_marketing(
        marketing,
        customer_events.CustomerAtRisk(
            customer_id=customer_id,
            owner_id="u-rep",
            department_path=EAST,
            value_class=types_pb2.VALUE_CLASS_B,
        ),
        MONDAY,
    )

    # week 10: one task on the owner's list, due on the week's last day
    week_passes(marketing, vhost_url, MONDAY)
    week_passes(marketing, vhost_url, MONDAY + timedelta(days=2))  # same week: nothing new
    wait_until(
        lambda: strategy_tasks(sales_db, customer_id),
        timeout=20,
        message=lambda: f"no task:\n{sales_process.log_tail()}",
    )
    [first] = strategy_tasks(sales_db, customer_id)
    assert (first.owner_id, first.department_path, first.due_date, first.state) == (
        "u-rep",
        EAST,
        "2031-03-09",
        "open",
    )
    assert (first.segment_id, first.segment_name) == (AT_RISK, "流失风险客户 At risk")
    assert first.occasion_key == f"strategy:{AT_RISK}:follow_up:{customer_id}:2031-W10"
    assert first.suggested_method == "phone"

    # the same occasion told again (another event id): still one task
    [told] = contact_due_ids(marketing, customer_id)
    with marketing.unit_of_work() as uow:
        row = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.event_id == told)).one()
        again = uow.emit(wire.decode(row.payload, marketing_events.ContactDue), key=customer_id)
    relay(marketing, vhost_url)

    def processed(event_id: str) -> bool:
        with sales_db.unit_of_work(readonly=True) as uow:
            return (
                uow.session.scalar(
                    select(ProcessedEvent.event_id).where(ProcessedEvent.event_id == event_id)
                )
                is not None
            )

    wait_until(
        lambda: processed(again),
        timeout=20,
        message=lambda: f"never consumed:\n{sales_process.log_tail()}",
    )
    assert len(strategy_tasks(sales_db, customer_id)) == 1

    # week 11: the next week's task; the sales timer (the test's clock) flags week 10's overdue
    week_passes(marketing, vhost_url, MONDAY + WEEK)
    wait_until(
        lambda: len(strategy_tasks(sales_db, customer_id)) == 2,
        timeout=20,
        message=lambda: f"no second task:\n{sales_process.log_tail()}",
    )
    scan_follow_ups(sales_db, MONDAY + WEEK)
    first, second = strategy_tasks(sales_db, customer_id)
    assert (first.state, second.state, second.due_date) == ("overdue", "open", "2031-03-16")
    relay(sales_db, vhost_url)

    def lead_told() -> list[InboxEntry]:
        with notification_db.unit_of_work(readonly=True) as uow:
            rows = uow.session.scalars(
                select(InboxEntry).where(
                    InboxEntry.recipient_id == "u-east-lead",
                    InboxEntry.category == "follow_up_task.overdue",
                )
            ).all()
            uow.session.expunge_all()
            return list(rows)

    wait_until(
        lead_told,
        timeout=20,
        message=lambda: f"the lead never heard:\n{notification_process.log_tail()}",
    )
    [told_lead] = lead_told()
    assert told_lead.subject_id == first.id and "u-rep" in told_lead.body

    # the owner's follow-up record completes the live tasks; the report measures the strategy
    sales_api.stub("u-rep").CreateActivity(
        S.CreateActivityRequest(
            activity=S.Activity(
                customer_id=customer_id,
                method=S.FOLLOW_UP_METHOD_VISIT,
                occur_time=to_timestamp(utcnow()),
                topic="交付延迟",
                summary="上门解决交付问题",
            )
        )
    )
    first, second = strategy_tasks(sales_db, customer_id)
    assert second.state == "done" and not second.completed_late and second.completed_activity_id
    assert first.state == "done" and first.overdue_time is not None  # done, but it was overdue
    report = sales_api.stub("u-east-lead").GetFollowUpReport(
        S.GetFollowUpReportRequest(
            period=types_pb2.DateRange(start_date="2031-03-01", end_date="2031-03-31")
        )
    )
    [row] = [r for r in report.strategy_rows if r.segment_id == AT_RISK]
    assert (
        row.owner_id,
        row.segment_name,
        row.task_count,
        row.done_on_time_count,
        row.overdue_task_count,
        row.open_count,
    ) == ("u-rep", "流失风险客户 At risk", 2, 1, 1, 0)

    # the flag clears: the customer leaves the segment (told to sales too), no task in week 12
    tell_marketing(
        marketing,
        customer_events.CustomerRiskCleared(
            customer_id=customer_id, owner_id="u-rep", department_path=EAST
        ),
        MONDAY + 2 * WEEK,
    )
    week_passes(marketing, vhost_url, MONDAY + 2 * WEEK)
    assert len(contact_due_ids(marketing, customer_id)) == 3  # weeks 10, 11 and the repeat
    with marketing.unit_of_work(readonly=True) as uow:
        [left] = uow.session.scalars(
            select(OutboxMessage.event_id).where(
                OutboxMessage.routing_key == "segment.member_left",
                OutboxMessage.partition_key == customer_id,
            )
        ).all()
    wait_until(
        lambda: processed(left),
        timeout=20,
        message=lambda: f"member_left never consumed:\n{sales_process.log_tail()}",
    )
    assert [t.state for t in strategy_tasks(sales_db, customer_id)] == ["done", "done"]
