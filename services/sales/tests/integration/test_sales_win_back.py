"""Win-back visits to lost customers and why they left (issue 19, seed 004: 流失客户 3个月后
二次回访,询问流失原因,争取挽回), through the broker.

The proof of the issue: a customer lost on 1 March gets a win-back task on 1 June and the
reason recorded shows in the churn report. The customer service's part runs in-process on its
migrated database with a clock the test controls: the customer is created through its real api,
buys on 1 December 2030, and its daily sweep on 1 March 2031 (90 days without cooperation) makes
it lost. Its outbox is relayed by the real relay to a real RabbitMQ, where the real sales worker
(a process) puts the win-back visit on the owner's list. The clock is in 2031, so the worker's
own timer (on the real clock) finds nothing due. The visit is recorded through the real sales
api with a churn reason from the list, and the churn report counts it within each caller's
data scope."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import grpc
import pytest
from crm.common.v1 import types_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm.sales.v1 import sales_pb2
from crm_devstack.service_process import WorkerProcess, stop_all
from crm_devstack.waiting import wait_until
from crm_shared.db import Database, utcnow
from crm_shared.events import wire
from crm_shared.events.ledger import ProcessedEvent
from crm_shared.events.outbox import OutboxMessage
from crm_shared.events.relay import OutboxRelay
from crm_shared.timestamps import to_timestamp
from customer_service import portrait
from customer_service.classification import DEAL
from customer_service.timeline import TimelineFact
from sales_service.models import Activity, FollowUpTask
from sqlalchemy import func, select

pytestmark = pytest.mark.integration

S = sales_pb2
EAST = "/hq/sales/east"
BOUGHT = datetime(2030, 12, 1, 9, tzinfo=UTC)
LOST = datetime(2031, 3, 1, 9, tzinfo=UTC)  # 90 days after the purchase: the daily sweep


@dataclass
class Stack:
    customers: object  # the real customer api (conftest's CustomerApi), on its own database
    sales_db: Database
    sales_process: WorkerProcess
    sales_api: object
    vhost_url: str


@pytest.fixture(scope="module")
def stack(
    rabbitmq, module_migrated_database, tmp_path_factory, start_customer_api, start_sales_api
):
    vhost = f"win-back-{uuid.uuid4().hex[:8]}"
    rabbitmq.add_vhost(vhost)
    vhost_url = rabbitmq.url_for_vhost(vhost)
    url = module_migrated_database("sales_service")
    process = WorkerProcess("sales_service", vhost_url, url, tmp_path_factory.mktemp("sales"))
    database = Database(url)
    customers = start_customer_api(module_migrated_database("customer_service"))
    yield Stack(
        customers,
        database,
        process,
        start_sales_api(database_url=url, customers=customers),
        vhost_url,
    )
    stop_all([process])  # clean-up, not under test
    database.dispose()
    rabbitmq.delete_vhost(vhost)


def relay(database: Database, vhost_url: str) -> None:
    outbox = OutboxRelay(database, vhost_url)
    try:
        while outbox.publish_pending():
            pass
    finally:
        outbox.publisher.close()


def purchase(customer_id: str, when: datetime) -> TimelineFact:
    return TimelineFact(
        customer_id=customer_id,
        kind="purchase",
        title="purchase",
        source_service="sales",
        subject_type="purchase",
        subject_id=str(uuid.uuid4()),
        occur_time=when,
        amount=Decimal(8000),
        currency_code="CNY",
    )


def bought(stack: Stack, customer_id: str, when: datetime) -> None:
    """What the customer worker does with a purchase (in-process, on the test's clock)."""
    with stack.customers.database.unit_of_work() as uow:
        portrait.take_fact(
            uow.session,
            purchase(customer_id, when),
            source_event_id=str(uuid.uuid4()),
            now=when,
            emit=uow.emit,
            signal=DEAL,
        )
    relay(stack.customers.database, stack.vhost_url)


def lost_customer(stack: Stack) -> str:
    """A customer of u-rep who bought on 1 December 2030 and is lost in the sweep of 1 March."""
    customer_id = stack.customers.customer("u-rep", "某某商贸")
    bought(stack, customer_id, BOUGHT)
    assert portrait.sweep(stack.customers.database, now=LOST).went_lost >= 1
    relay(stack.customers.database, stack.vhost_url)
    return customer_id


def win_back_tasks(stack: Stack, customer_id: str) -> list[FollowUpTask]:
    with stack.sales_db.unit_of_work(readonly=True) as uow:
        rows = uow.session.scalars(
            select(FollowUpTask)
            .where(FollowUpTask.customer_id == customer_id, FollowUpTask.reason == "win_back")
            .order_by(FollowUpTask.create_time)
        ).all()
        uow.session.expunge_all()
        return list(rows)


def wait_for_task(stack: Stack, customer_id: str) -> FollowUpTask:
    wait_until(
        lambda: win_back_tasks(stack, customer_id),
        timeout=20,
        message=lambda: f"no win-back task:\n{stack.sales_process.log_tail()}",
    )
    [task] = win_back_tasks(stack, customer_id)
    return task


def processed(stack: Stack, event_id: str) -> bool:
    with stack.sales_db.unit_of_work(readonly=True) as uow:
        return (
            uow.session.scalar(
                select(ProcessedEvent.event_id).where(ProcessedEvent.event_id == event_id)
            )
            is not None
        )


def visit(customer_id: str, task_id: str, **fields) -> S.CreateActivityRequest:
    return S.CreateActivityRequest(
        activity=S.Activity(
            customer_id=customer_id,
            follow_up_task_id=task_id,
            method=S.FOLLOW_UP_METHOD_VISIT,
            occur_time=to_timestamp(utcnow() - timedelta(minutes=1)),
            topic="流失回访",
            summary="上门回访,了解流失原因",
            **fields,
        )
    )


def churn_report(stack: Stack, caller: str, day: date) -> S.ChurnReport:
    return stack.sales_api.stub(caller).GetChurnReport(
        S.GetChurnReportRequest(
            period=types_pb2.DateRange(
                start_date=(day - timedelta(days=1)).isoformat(),
                end_date=(day + timedelta(days=1)).isoformat(),
            )
        )
    )


def activity_count(stack: Stack) -> int:
    with stack.sales_db.unit_of_work(readonly=True) as uow:
        return uow.session.scalar(select(func.count()).select_from(Activity))


def test_a_customer_lost_on_1_march_gets_a_win_back_visit_on_1_june_and_its_churn_reason_is_reported(
    stack,
):
    customer_id = lost_customer(stack)
    task = wait_for_task(stack, customer_id)
    assert (task.owner_id, task.department_path, task.due_date, task.state) == (
        "u-rep",
        EAST,
        "2031-06-01",
        "open",
    )
    assert task.occasion_key == f"win_back:{customer_id}:{LOST.isoformat()}"
    assert task.suggested_method == "visit"

    # the loss told again (another event id): still one task
    with stack.customers.database.unit_of_work() as uow:
        payload = uow.session.scalars(
            select(OutboxMessage.payload)
            .where(
                OutboxMessage.routing_key == "customer.stage_changed",
                OutboxMessage.partition_key == customer_id,
            )
            .order_by(OutboxMessage.id)
        ).all()[-1]
        again = uow.emit(
            wire.decode(payload, customer_events.CustomerStageChanged), key=customer_id
        )
    relay(stack.customers.database, stack.vhost_url)
    wait_until(
        lambda: processed(stack, again),
        timeout=20,
        message=lambda: f"never consumed:\n{stack.sales_process.log_tail()}",
    )
    assert len(win_back_tasks(stack, customer_id)) == 1

    # the visit must say why the customer left, with a reason from the list; nothing is stored
    rep = stack.sales_api.stub("u-rep")
    before = activity_count(stack)
    for fields, message in (
        ({}, "is required on a win-back visit"),
        ({"churn_reason": "weather"}, "is not a churn reason"),
    ):
        with pytest.raises(grpc.RpcError) as refused:
            rep.CreateActivity(visit(customer_id, task.id, **fields))
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "activity.churn_reason" in refused.value.details()
        assert message in refused.value.details()
    assert activity_count(stack) == before

    reasons = rep.ListChurnReasons(S.ListChurnReasonsRequest()).churn_reasons
    assert ("competitor", "被竞争对手替代", "Replaced by a competitor") in [
        (reason.code, reason.name, reason.name_en) for reason in reasons
    ]
    recorded = rep.CreateActivity(
        visit(customer_id, task.id, churn_reason="competitor", churn_note="对手报价低 15%")
    )
    assert (recorded.churn_reason, recorded.churn_note) == ("competitor", "对手报价低 15%")
    [done] = win_back_tasks(stack, customer_id)
    assert (done.state, done.completed_activity_id, done.completed_late) == (
        "done",
        recorded.id,
        False,
    )

    # the churn report counts it for the rep and their lead, not for another department's rep
    day = recorded.occur_time.ToDatetime(tzinfo=UTC).date()
    for caller in ("u-rep", "u-east-lead"):
        report = churn_report(stack, caller, day)
        assert [(row.code, row.name, row.count) for row in report.rows] == [
            ("competitor", "被竞争对手替代", 1)
        ], caller
        assert report.total_count == 1
    assert churn_report(stack, "u-rep-north", day).total_count == 0


def test_a_lost_customer_who_buys_again_before_the_visit_has_it_cancelled(stack):
    customer_id = lost_customer(stack)
    assert wait_for_task(stack, customer_id).state == "open"
    bought(stack, customer_id, LOST + timedelta(days=45))  # a customer again in April
    wait_until(
        lambda: win_back_tasks(stack, customer_id)[0].state == "cancelled",
        timeout=20,
        message=lambda: f"not cancelled:\n{stack.sales_process.log_tail()}",
    )
    [task] = win_back_tasks(stack, customer_id)
    assert task.cancel_reason == "the customer is no longer lost"


def test_admins_keep_the_list_of_churn_reasons_and_reps_only_read_it(stack):
    admin, rep = stack.sales_api.stub("u-admin"), stack.sales_api.stub("u-rep")
    added = admin.UpsertChurnReason(
        S.UpsertChurnReasonRequest(
            churn_reason=S.ChurnReason(
                code="delivery_delays",
                name="交付延迟",
                name_en="Delivery delays",
                position=35,
                active=True,
            )
        )
    )
    assert added.code == "delivery_delays"
    offered = [
        reason.code for reason in rep.ListChurnReasons(S.ListChurnReasonsRequest()).churn_reasons
    ]
    assert (
        offered.index("service_experience")
        < offered.index("delivery_delays")
        < offered.index("competitor")
    )  # by position
    with pytest.raises(grpc.RpcError) as refused:
        admin.UpsertChurnReason(
            S.UpsertChurnReasonRequest(
                churn_reason=S.ChurnReason(code="Bad Code", name="", name_en="x")
            )
        )
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "churn_reason.code" in refused.value.details()
    assert "churn_reason.name" in refused.value.details()
    with pytest.raises(grpc.RpcError) as denied:
        rep.UpsertChurnReason(
            S.UpsertChurnReasonRequest(
                churn_reason=S.ChurnReason(
                    code="other", name="其他", name_en="Other", position=70, active=False
                )
            )
        )
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    admin.UpsertChurnReason(
        S.UpsertChurnReasonRequest(
            churn_reason=S.ChurnReason(
                code="delivery_delays",
                name="交付延迟",
                name_en="Delivery delays",
                position=35,
                active=False,
            )
        )
    )  # retired: no longer offered, still listed with the retired ones
    assert "delivery_delays" not in [
        reason.code for reason in rep.ListChurnReasons(S.ListChurnReasonsRequest()).churn_reasons
    ]
    assert "delivery_delays" in [
        reason.code
        for reason in rep.ListChurnReasons(
            S.ListChurnReasonsRequest(include_inactive=True)
        ).churn_reasons
    ]
