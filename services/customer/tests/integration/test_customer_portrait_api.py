"""The portrait RPCs in-process: the real servicer inside the real server bootstrap, on a
database built by the real migrations, called through the suite's client factory.

Facts reach the database through ``portrait.take_fact`` - the function every event handler
calls - so these tests need no broker; the path through RabbitMQ is covered by
``test_customer_portrait_events.py``. The daily sweep runs with a controlled clock.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import grpc
import pytest
from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm.customer.v1 import events_pb2 as customer_events
from crm_devstack.inprocess_api import InProcessApi, failed_call, principal_claims
from crm_devstack.waiting import wait_until
from crm_shared.db import utcnow
from crm_shared.events.outbox import OutboxMessage
from customer_service import portrait, timeline
from customer_service.api import build_bindings
from customer_service.classification import DEAL
from customer_service.models import (
    ClassificationPolicy,
    Customer,
    CustomerRevision,
    TimelineEntry,
)
from customer_service.timeline import SatisfactionFact, TimelineFact
from sqlalchemy import func, select, update

pytestmark = pytest.mark.integration

SERVICE = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]


@dataclass(frozen=True)
class Caller:
    user_id: str
    role: str
    department_path: str
    data_scope: str

    @property
    def username(self) -> str:
        return self.user_id

    @property
    def roles(self) -> tuple[str, ...]:
        return (self.role,)


REP_EAST = Caller("u-rep-east", "sales_rep", "/hq/sales/east", "own")
REP_NORTH = Caller("u-rep-north", "sales_rep", "/hq/sales/north", "own")
SALES_LEAD = Caller("u-sales-lead", "sales_lead", "/hq/sales", "department")
ADMIN = Caller("u-admin", "admin", "/hq", "all")


class PortraitApi(InProcessApi):
    def __init__(self, database_url: str, keys) -> None:
        super().__init__("customer", build_bindings, database_url, keys, service=SERVICE,
                         stub_class=customer_pb2_grpc.CustomerServiceStub, claims=principal_claims)
        self._numbers = itertools.count(1)

    def customer(self, owner: Caller, **fields) -> str:
        """A customer row as the customer api stores it (the create path is tested elsewhere)."""
        now = utcnow()
        customer_id = str(uuid.uuid4())
        with self.database.unit_of_work() as uow:
            uow.session.add(
                Customer(
                    id=customer_id,
                    number=f"P{next(self._numbers):08d}",
                    type="individual",
                    display_name="李雷",
                    owner_id=owner.user_id,
                    department_path=owner.department_path,
                    created_by=owner.user_id,
                    create_time=now,
                    update_time=now,
                    **fields,
                )
            )
        return customer_id

    def take(self, fact: TimelineFact, *, now: datetime | None = None, **options) -> str:
        """What an event handler does with a fact; returns the (made-up) source event id."""
        event_id = str(uuid.uuid4())
        with self.database.unit_of_work() as uow:
            portrait.take_fact(
                uow.session,
                fact,
                source_event_id=event_id,
                now=now or utcnow(),
                emit=uow.emit,
                **options,
            )
        return event_id

    def stored_customer(self, customer_id: str) -> Customer:
        with self.database.unit_of_work(readonly=True) as uow:
            customer = uow.session.get(Customer, customer_id)
            uow.session.expunge(customer)
            return customer

    def events(self, routing_key: str, customer_id: str) -> list[OutboxMessage]:
        with self.database.unit_of_work(readonly=True) as uow:
            rows = list(
                uow.session.scalars(
                    select(OutboxMessage).where(
                        OutboxMessage.routing_key == routing_key,
                        OutboxMessage.partition_key == customer_id,
                    )
                )
            )
            uow.session.expunge_all()
            return rows

    def revisions(self, customer_id: str) -> list[tuple]:
        with self.database.unit_of_work(readonly=True) as uow:
            return [tuple(row) for row in uow.session.execute(
                select(CustomerRevision.field_path, CustomerRevision.old_value,
                       CustomerRevision.new_value, CustomerRevision.change_source)
                .where(CustomerRevision.customer_id == customer_id)
                .order_by(CustomerRevision.change_time, CustomerRevision.field_path))]

    def count(self, model) -> int:
        with self.database.unit_of_work(readonly=True) as uow:
            return uow.session.scalar(select(func.count()).select_from(model))


@pytest.fixture(params=["sqlite", "postgresql"])
def api(request, keys, migrated_database):
    server = PortraitApi(migrated_database("customer_service", request.param), keys)
    yield server
    server.stop()


@pytest.fixture
def sqlite_api(migrated_database, keys):
    server = PortraitApi(migrated_database("customer_service"), keys)
    yield server
    server.stop()


def cny(yuan: int) -> types_pb2.Money:
    return types_pb2.Money(currency_code="CNY", amount_minor=yuan * 100)


def fact(
    customer_id: str,
    kind: str,
    when: datetime,
    *,
    subject_id: str = "",
    amount: str | None = None,
    **fields,
) -> TimelineFact:
    source = {
        "follow_up": "sales",
        "contract_signed": "sales",
        "purchase": "sales",
        "payment_received": "sales",
    }.get(kind, "ticket")
    subject = {
        "follow_up": "activity",
        "contract_signed": "contract",
        "purchase": "purchase",
        "payment_received": "payment",
    }.get(kind, "ticket")
    return TimelineFact(
        customer_id=customer_id,
        kind=kind,
        title=f"{kind} {subject_id}".strip(),
        source_service=source,
        subject_type=subject,
        subject_id=subject_id or str(uuid.uuid4()),
        occur_time=when,
        amount=Decimal(amount) if amount else None,
        currency_code="CNY" if amount else None,
        **fields,
    )


def portrait_of(
    api: PortraitApi, caller: Caller, customer_id: str
) -> customer_pb2.CustomerPortrait:
    return api.stub(caller).GetCustomerPortrait(
        customer_pb2.GetCustomerPortraitRequest(customer_id=customer_id)
    )


# -- timeline ------------------------------------------------------------------------------------


def test_the_timeline_pages_newest_first_and_filters_by_kind(api):
    customer_id = api.customer(REP_EAST)
    now = utcnow()
    for days in (5, 4, 3):
        api.take(fact(customer_id, "follow_up", now - timedelta(days=days)))
    api.take(fact(customer_id, "ticket_opened", now - timedelta(days=1), channel="phone"))
    stub = api.stub(REP_EAST)

    first = stub.ListTimelineEntries(
        customer_pb2.ListTimelineEntriesRequest(customer_id=customer_id, page_size=3)
    )
    second = stub.ListTimelineEntries(
        customer_pb2.ListTimelineEntriesRequest(
            customer_id=customer_id, page_size=3, page_token=first.next_page_token
        )
    )
    kinds = [entry.kind for entry in (*first.timeline_entries, *second.timeline_entries)]
    assert kinds == [
        customer_pb2.TIMELINE_ENTRY_KIND_TICKET_OPENED,
        *[customer_pb2.TIMELINE_ENTRY_KIND_FOLLOW_UP] * 3,
    ]
    assert second.next_page_token == ""
    times = [e.occur_time.ToDatetime() for e in (*first.timeline_entries, *second.timeline_entries)]
    assert times == sorted(times, reverse=True)

    follow_ups = stub.ListTimelineEntries(
        customer_pb2.ListTimelineEntriesRequest(
            customer_id=customer_id,
            kinds=[customer_pb2.TIMELINE_ENTRY_KIND_FOLLOW_UP],
            source_service="sales",
        )
    )
    assert len(follow_ups.timeline_entries) == 3


def test_the_same_source_event_adds_one_entry(api):
    customer_id = api.customer(REP_EAST)
    event_id = str(uuid.uuid4())
    one = fact(customer_id, "follow_up", utcnow())
    for _ in range(2):
        with api.database.unit_of_work() as uow:
            portrait.take_fact(
                uow.session, one, source_event_id=event_id, now=utcnow(), emit=uow.emit
            )
    assert api.count(TimelineEntry) == 1


def test_a_fact_about_a_merged_customer_lands_on_the_survivor_and_an_erased_one_gets_none(api):
    survivor = api.customer(REP_EAST)
    merged = api.customer(REP_EAST, state="merged", merged_into_customer_id=survivor)
    erased = api.customer(REP_EAST, state="erased")
    api.take(fact(merged, "follow_up", utcnow()))
    api.take(fact(erased, "follow_up", utcnow()))
    entries = (
        api.stub(REP_EAST)
        .ListTimelineEntries(customer_pb2.ListTimelineEntriesRequest(customer_id=survivor))
        .timeline_entries
    )
    assert [entry.customer_id for entry in entries] == [survivor]
    assert api.count(TimelineEntry) == 1


def test_after_a_merge_the_survivor_is_classified_from_both_timelines(api):
    survivor = api.customer(REP_EAST)
    merged = api.customer(REP_EAST)
    api.take(fact(merged, "contract_signed", utcnow() - timedelta(days=5), amount="700000"),
             signal=DEAL)
    # What the merge does in its transaction: every customer_id column re-pointed.
    with api.database.unit_of_work() as uow:
        uow.session.execute(update(TimelineEntry).where(TimelineEntry.customer_id == merged)
                            .values(customer_id=survivor))
        uow.session.get(Customer, merged).state = "merged"
        uow.session.get(Customer, merged).merged_into_customer_id = survivor
    merge = customer_events.CustomerMerged(merge_id="m-1", surviving_customer_id=survivor,
                                           merged_customer_ids=[merged], actor_id=ADMIN.user_id)
    api.take(timeline.merged_fact(merge, utcnow()), merged=True)

    after = api.stored_customer(survivor)
    assert (after.value_class, after.lifecycle_stage) == ("A", "customer")
    assert api.revisions(survivor)[-2:] == [
        ("lifecycle_stage", "potential", "customer", "event"), ("value_class", "", "A", "event")]


def test_someone_elses_customer_is_not_found_for_every_portrait_read(api):
    customer_id = api.customer(REP_EAST)
    api.take(fact(customer_id, "follow_up", utcnow()))
    stub = api.stub(REP_NORTH)
    for call, request in (
        (
            stub.GetCustomerPortrait,
            customer_pb2.GetCustomerPortraitRequest(customer_id=customer_id),
        ),
        (
            stub.ListTimelineEntries,
            customer_pb2.ListTimelineEntriesRequest(customer_id=customer_id),
        ),
        (
            stub.ListSatisfactionRecords,
            customer_pb2.ListSatisfactionRecordsRequest(customer_id=customer_id),
        ),
    ):
        assert failed_call(call, request).code == grpc.StatusCode.NOT_FOUND
    # The lead of the department above sees it.
    assert (
        len(
            api.stub(SALES_LEAD)
            .ListTimelineEntries(customer_pb2.ListTimelineEntriesRequest(customer_id=customer_id))
            .timeline_entries
        )
        == 1
    )


def test_bad_timeline_requests_name_the_fields(api):
    error = failed_call(
        api.stub(REP_EAST).ListTimelineEntries,
        customer_pb2.ListTimelineEntriesRequest(
            kinds=[customer_pb2.TIMELINE_ENTRY_KIND_UNSPECIFIED], source_service="erp"
        ),
    )
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in error.violations] == ["kinds[0]", "source_service", "customer_id"]


# -- portrait ------------------------------------------------------------------------------------


def test_the_portrait_shows_class_stage_value_satisfaction_and_open_tickets(api):
    customer_id = api.customer(REP_EAST)
    now = utcnow()
    api.take(
        fact(
            customer_id,
            "contract_signed",
            now - timedelta(days=20),
            amount="600000",
            attributes={"end_date": (now + timedelta(days=300)).date().isoformat()},
        ),
        signal=DEAL,
        reason="contract signed",
        value_changed=True,
    )
    api.take(
        fact(customer_id, "purchase", now - timedelta(days=2), amount="5000"),
        signal=DEAL,
        value_changed=True,
    )
    api.take(
        fact(customer_id, "ticket_opened", now - timedelta(days=1), channel="wechat"),
        work_item=("ticket", True),
    )
    api.take(
        fact(customer_id, "survey_answered", now, subject_id="ans-1"),
        satisfaction=SatisfactionFact(
            customer_id=customer_id, source="survey", score=4.0, nps=8, record_time=now
        ),
    )

    view = portrait_of(api, REP_EAST, customer_id)

    assert view.customer.id == customer_id
    assert view.customer.value_class == types_pb2.VALUE_CLASS_A
    assert view.customer.lifecycle_stage == types_pb2.LIFECYCLE_STAGE_CUSTOMER
    assert view.customer.annual_contract_amount == cny(600000)
    assert view.value.spend_12m == cny(5000)
    assert (
        view.value.rfm.recency_score,
        view.value.rfm.frequency_score,
        view.value.rfm.monetary_score,
    ) == (5, 2, 2)
    assert view.behaviour.preferred_service_channel == "wechat"
    assert view.behaviour.purchase_count_12m == 2
    assert view.open_ticket_count == 1
    assert (view.satisfaction.average_score, view.satisfaction.latest_nps) == (4.0, 8)
    assert view.satisfaction.record_count == len(view.satisfaction.recent) == 1
    assert len(view.recent_timeline) == 4
    assert view.recent_timeline[0].kind == customer_pb2.TIMELINE_ENTRY_KIND_SURVEY_ANSWERED
    assert not view.customer.churn_risk.at_risk
    assert view.customer.churn_risk.HasField("evaluate_time")

    changed = [row.payload for row in api.events("customer.value_class_changed", customer_id)]
    assert len(changed) == 1 and "VALUE_CLASS_A" in changed[0]
    assert len(api.events("customer.stage_changed", customer_id)) == 1
    assert len(api.events("customer.value_recomputed", customer_id)) == 2


def test_rising_complaints_and_falling_interactions_flag_the_customer_once(api):
    customer_id = api.customer(REP_EAST)
    now = utcnow()
    for days in (100, 110, 120, 130):
        api.take(fact(customer_id, "follow_up", now - timedelta(days=days)))
    for days in (3, 2, 1):
        api.take(fact(customer_id, "ticket_opened", now - timedelta(days=days), complaint=True))

    view = portrait_of(api, REP_EAST, customer_id)
    risk = view.customer.churn_risk
    assert risk.at_risk
    assert list(risk.signals) == ["interaction_drop", "complaint_rise"]
    assert (
        risk.recent_interaction_count,
        risk.previous_interaction_count,
        risk.recent_complaint_count,
        risk.previous_complaint_count,
    ) == (0, 4, 3, 0)
    assert risk.reason == "interactions -100% in 90 days (0 vs 4 before); 3 complaints vs 0 before"
    assert risk.HasField("flag_time")
    assert view.behaviour.complaint_count_90d == 3
    # Turned on at the second complaint, still on at the third: one event.
    assert len(api.events("customer.at_risk", customer_id)) == 1

    for _ in range(4):  # interactions recover
        api.take(fact(customer_id, "follow_up", utcnow()))
    assert not portrait_of(api, REP_EAST, customer_id).customer.churn_risk.at_risk
    assert len(api.events("customer.risk_cleared", customer_id)) == 1


def test_satisfaction_records_list_newest_first_and_filter_by_source(api):
    customer_id = api.customer(REP_EAST)
    now = utcnow()
    api.take(
        fact(customer_id, "survey_answered", now - timedelta(days=2)),
        satisfaction=SatisfactionFact(
            customer_id=customer_id,
            source="survey",
            score=3.0,
            record_time=now - timedelta(days=2),
            comment="slow",
        ),
    )
    api.take(
        fact(customer_id, "callback", now - timedelta(days=1)),
        satisfaction=SatisfactionFact(
            customer_id=customer_id,
            source="callback",
            score=0.0,
            callback_result="satisfied",
            record_time=now - timedelta(days=1),
        ),
    )
    stub = api.stub(REP_EAST)
    everything = stub.ListSatisfactionRecords(
        customer_pb2.ListSatisfactionRecordsRequest(customer_id=customer_id)
    ).satisfaction_records
    assert [r.source for r in everything] == [
        customer_pb2.SATISFACTION_SOURCE_CALLBACK,
        customer_pb2.SATISFACTION_SOURCE_SURVEY,
    ]
    surveys = stub.ListSatisfactionRecords(
        customer_pb2.ListSatisfactionRecordsRequest(
            customer_id=customer_id, source=customer_pb2.SATISFACTION_SOURCE_SURVEY
        )
    ).satisfaction_records
    assert [(r.score, r.comment) for r in surveys] == [(3.0, "slow")]


def test_a_tickets_score_and_the_survey_answer_behind_it_make_one_record(api):
    customer_id = api.customer(REP_EAST)
    now = utcnow()
    api.take(fact(customer_id, "ticket_closed", now - timedelta(hours=2), subject_id="t-9"),
             satisfaction=SatisfactionFact(customer_id=customer_id, source="survey", score=2.0,
                                           ticket_id="t-9", record_time=now - timedelta(hours=2)))
    api.take(fact(customer_id, "survey_answered", now - timedelta(hours=1), subject_id="ans-9"),
             satisfaction=SatisfactionFact(customer_id=customer_id, source="survey", score=2.0,
                                           nps=3, ticket_id="t-9", survey_id="s-1",
                                           survey_answer_id="ans-9", comment="too slow",
                                           record_time=now - timedelta(hours=1)))
    (record,) = api.stub(REP_EAST).ListSatisfactionRecords(
        customer_pb2.ListSatisfactionRecordsRequest(customer_id=customer_id)).satisfaction_records
    assert (record.ticket_id, record.survey_answer_id, record.nps, record.comment) == (
        "t-9", "ans-9", 3, "too slow")


# -- KPIs ----------------------------------------------------------------------------------------


def _kpis(report) -> dict[str, float]:
    return {kpi.key: kpi.value for kpi in report.kpis}


def test_kpis_count_classes_stages_and_risk_in_the_callers_scope(api):
    own = api.customer(REP_EAST, completeness_score=100)
    api.customer(REP_EAST, completeness_score=50)
    other = api.customer(REP_NORTH, completeness_score=100)
    now = utcnow()
    for customer_id, amount in ((own, "600000"), (other, "150000")):
        api.take(
            fact(customer_id, "contract_signed", now - timedelta(days=1), amount=amount),
            signal=DEAL,
        )

    rep = _kpis(api.stub(REP_EAST).GetCustomerKpis(customer_pb2.GetCustomerKpisRequest()))
    assert (
        rep["customers_value_class_a"],
        rep["customers_value_class_b"],
        rep["customers_value_class_unclassified"],
    ) == (1, 0, 1)
    assert (rep["customers_stage_customer"], rep["customers_stage_potential"]) == (1, 1)
    assert rep["data_completeness_rate"] == 0.5
    assert rep["new_customers"] == 2
    assert rep["at_risk_customers"] == 0

    report = api.stub(ADMIN).GetCustomerKpis(
        customer_pb2.GetCustomerKpisRequest(department_path="/hq/sales", group_by_department=True)
    )
    everything = _kpis(report)
    assert (everything["customers_value_class_a"], everything["customers_value_class_b"]) == (1, 1)
    assert {group.key: _kpis(group)["new_customers"] for group in report.groups} == {
        "/hq/sales/east": 2,
        "/hq/sales/north": 1,
    }
    assert report.source_service == "customer"


def test_a_bad_kpi_period_is_invalid(api):
    error = failed_call(
        api.stub(ADMIN).GetCustomerKpis,
        customer_pb2.GetCustomerKpisRequest(
            period=types_pb2.DateRange(start_date="2026-13-01", end_date="2026-01-01")
        ),
    )
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in error.violations] == ["period.start_date"]


# -- the policy and the daily sweep (SQLite: dialect-independent) ---------------------------------


def test_the_policy_defaults_and_only_an_admin_changes_it(sqlite_api):
    policy = sqlite_api.stub(REP_EAST).GetClassificationPolicy(
        customer_pb2.GetClassificationPolicyRequest()
    )
    assert (policy.value_class_a_min, policy.value_class_b_min) == (cny(500000), cny(100000))
    assert (
        policy.lost_after_inactive_days,
        policy.churn_window_days,
        policy.completeness_target,
    ) == (90, 90, 95)

    error = failed_call(
        sqlite_api.stub(REP_EAST).UpdateClassificationPolicy,
        customer_pb2.UpdateClassificationPolicyRequest(
            policy=customer_pb2.ClassificationPolicy(lost_after_inactive_days=30)
        ),
    )
    assert error.code == grpc.StatusCode.PERMISSION_DENIED
    assert sqlite_api.count(ClassificationPolicy) == 0


def test_bad_policy_values_are_refused_and_nothing_is_stored(sqlite_api):
    request = customer_pb2.UpdateClassificationPolicyRequest(
        policy=customer_pb2.ClassificationPolicy(
            value_class_a_min=cny(50000),
            churn_interaction_drop_ratio=2.0,
            value_class_b_min=types_pb2.Money(currency_code="USD", amount_minor=100),
        )
    )
    request.update_mask.paths.extend(
        ["value_class_a_min", "value_class_b_min", "churn_interaction_drop_ratio", "no_such_field"]
    )
    error = failed_call(sqlite_api.stub(ADMIN).UpdateClassificationPolicy, request)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in error.violations] == [
        "policy.value_class_b_min.currency_code",
        "update_mask.paths[3]",
        "policy.value_class_a_min",
        "policy.churn_interaction_drop_ratio",
    ]
    assert sqlite_api.count(ClassificationPolicy) == 0


def test_new_thresholds_reclassify_customers_in_the_background(sqlite_api):
    customer_id = sqlite_api.customer(REP_EAST)
    sqlite_api.take(
        fact(customer_id, "contract_signed", utcnow() - timedelta(days=1), amount="300000"),
        signal=DEAL,
    )
    assert sqlite_api.stored_customer(customer_id).value_class == "B"

    request = customer_pb2.UpdateClassificationPolicyRequest(
        policy=customer_pb2.ClassificationPolicy(value_class_a_min=cny(250000))
    )
    request.update_mask.paths.append("value_class_a_min")
    updated = sqlite_api.stub(ADMIN).UpdateClassificationPolicy(request)

    assert updated.value_class_a_min == cny(250000)
    assert updated.value_class_b_min == cny(100000)  # untouched
    assert updated.updated_by == ADMIN.user_id
    assert (
        sqlite_api.stub(REP_EAST).GetClassificationPolicy(
            customer_pb2.GetClassificationPolicyRequest()
        )
        == updated
    )
    wait_until(
        lambda: sqlite_api.stored_customer(customer_id).value_class == "A",
        timeout=10,
        message="the customer was not reclassified",
    )


def test_the_daily_sweep_moves_customers_without_cooperation_to_lost(sqlite_api):
    t0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    customer_id = sqlite_api.customer(REP_EAST)
    running = sqlite_api.customer(REP_EAST)
    sqlite_api.take(fact(customer_id, "purchase", t0, amount="8000"), now=t0, signal=DEAL)
    sqlite_api.take(
        fact(running, "contract_signed", t0, amount="8000", attributes={"end_date": "2027-02-28"}),
        now=t0,
        signal=DEAL,
    )

    after_89_days = portrait.sweep(sqlite_api.database, now=t0 + timedelta(days=89))
    assert after_89_days.went_lost == 0
    assert sqlite_api.stored_customer(customer_id).lifecycle_stage == "customer"

    after_90_days = portrait.sweep(sqlite_api.database, now=t0 + timedelta(days=90))
    assert after_90_days.went_lost == 1
    lost = sqlite_api.stored_customer(customer_id)
    assert (lost.lifecycle_stage, lost.lifecycle_stage_change_time) == (
        "lost",
        t0 + timedelta(days=90),
    )
    assert sqlite_api.stored_customer(running).lifecycle_stage == "customer"  # contract runs
    changes = sqlite_api.events("customer.stage_changed", customer_id)
    assert len(changes) == 2  # potential -> customer, customer -> lost
    assert "no cooperation for 90 days" in changes[-1].payload

    assert sqlite_api.revisions(customer_id) == [
        ("lifecycle_stage", "potential", "customer", "event"),
        ("lifecycle_stage", "customer", "lost", "rule")]

    # A second pass the same day changes nothing.
    assert portrait.sweep(sqlite_api.database, now=t0 + timedelta(days=90)).went_lost == 0
    assert len(sqlite_api.events("customer.stage_changed", customer_id)) == 2
