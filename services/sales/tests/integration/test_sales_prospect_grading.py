"""Prospect grading (issue 19): a customer without a contract gets an estimated class from the
prospect grading rules over its open opportunities, its follow-up plan follows that class, and
its first contract hands the same plan over to the contract-based class.

On a migrated SQLite database with a clock the test controls: opportunities are opened and
moved through the deals part's own functions in a real unit of work (as the api does, events to
the outbox), customer events through the worker's functions, the timer's scan as the worker
runs it. The rules themselves are edited through the real in-process api."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from crm.common.v1 import rules_pb2, types_pb2
from crm.customer.v1 import customer_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm.identity.v1 import events_pb2 as identity_events
from crm.sales.v1 import events_pb2 as sales_events
from crm.sales.v1 import sales_pb2
from crm_shared.db import Database, utcnow
from crm_shared.events import wire
from crm_shared.events.outbox import OutboxMessage
from google.protobuf.field_mask_pb2 import FieldMask
from sales_service import follow_up_events, opportunities, plans_and_tasks, prospect_grading
from sales_service.models import CustomerFact, FollowUpTask, Opportunity
from sqlalchemy import select

# The namespace of the rules the migrations seed (0003: uuid5 of their keys).
SEEDED_NAMESPACE = uuid.UUID("6c1f3a52-8e0b-4d7a-9c21-5b3e7f9d0a44")

pytestmark = pytest.mark.integration

S = sales_pb2
T0 = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)  # a Monday
EAST = "/hq/sales/east"
Op = rules_pb2.ConditionOperator


@pytest.fixture(scope="module")
def database(sales_database_url):
    database = Database(sales_database_url("sqlite"))
    with database.unit_of_work() as uow:
        follow_up_events.department_upserted(
            uow,
            identity_events.DepartmentUpserted(
                path=EAST,
                lead_user_id="u-east-lead",
                parent_path="/hq/sales",
                active=True,
                revision=1,
            ),
            now=T0,
        )
    yield database
    database.dispose()


def prospect(database, at: datetime = T0, **traits) -> str:
    """A customer without a contract, known from ``customer.created``."""
    customer_id = str(uuid.uuid4())
    with database.unit_of_work() as uow:
        follow_up_events.customer_created(
            uow,
            customer_events.CustomerCreated(
                customer=customer_pb2.Customer(
                    id=customer_id, owner_id="u-rep", department_path=EAST, **traits
                )
            ),
            at=at,
            now=at,
        )
    return customer_id


def open_deal(database, customer_id: str, yuan: int, at: datetime = T0) -> str:
    with database.unit_of_work() as uow:
        row = opportunities.open_opportunity(
            uow.session,
            uow.emit,
            customer_id=customer_id,
            name="云存储采购",
            owner_id="u-rep",
            department_path=EAST,
            amount=types_pb2.Money(currency_code="CNY", amount_minor=yuan * 100),
            expected_close_date=None,
            lead_id=None,
            campaign_id=None,
            campaign_variant_id=None,
            source=None,
            actor_id="u-rep",
            now=at,
        )
        return row.id


def first_contract(database, customer_id: str, value_class: int, at: datetime) -> None:
    """The customer service's ``customer.value_class_changed`` after the first signed
    contract, delivered twice (a redelivery changes nothing more)."""
    for _ in range(2):
        with database.unit_of_work() as uow:
            follow_up_events.customer_value_class_changed(
                uow,
                customer_events.CustomerValueClassChanged(
                    customer_id=customer_id,
                    owner_id="u-rep",
                    department_path=EAST,
                    current=value_class,
                ),
                at=at,
                now=at,
            )


def live(database, customer_id) -> dict[str, list[FollowUpTask]]:
    with database.unit_of_work() as uow:
        tasks = plans_and_tasks.live_tasks(uow.session, customer_id=customer_id)
    found: dict[str, list[FollowUpTask]] = {}
    for task in tasks:
        found.setdefault(task.reason, []).append(task)
    return found


def plan_tasks(database, customer_id) -> list[FollowUpTask]:
    """Every task the customer's plan ever opened, whatever its state."""
    with database.unit_of_work() as uow:
        return list(
            uow.session.scalars(
                select(FollowUpTask).where(
                    FollowUpTask.customer_id == customer_id, FollowUpTask.plan_id.is_not(None)
                )
            )
        )


def class_changes(database, customer_id) -> list[tuple[int, int]]:
    with database.unit_of_work(readonly=True) as uow:
        rows = uow.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.routing_key == "sales.prospect_class_changed")
            .order_by(OutboxMessage.id)
        ).all()
        events = [wire.decode(row.payload, sales_events.ProspectClassChanged) for row in rows]
    return [(e.previous, e.current) for e in events if e.customer_id == customer_id]


def fact(database, customer_id) -> CustomerFact:
    with database.unit_of_work() as uow:
        return uow.session.get(CustomerFact, customer_id)


def test_a_prospect_estimated_at_500000_cny_gets_an_a_cadence_before_any_contract(database):
    customer_id = prospect(database)
    assert live(database, customer_id) == {}  # nothing estimated yet: no class, no plan

    open_deal(database, customer_id, 500_000)

    known = fact(database, customer_id)
    assert (known.value_class, known.prospect_class) == (None, "A")
    assert "预估合作金额 50 万元及以上为 A 类" in known.prospect_class_reason
    assert known.prospect_class_rule_id == str(uuid.uuid5(SEEDED_NAMESPACE, "prospect-a"))
    with database.unit_of_work(readonly=True) as uow:
        plan = plans_and_tasks.plan_of(uow.session, customer_id)
        assert (plan.value_class, plan.next_due_date) == ("A", "2025-06-09")
    tasks = live(database, customer_id)
    [regular], [senior] = tasks["cadence"], tasks["senior_contact"]
    assert (regular.owner_id, regular.due_date) == ("u-rep", "2025-06-09")  # weekly
    assert (senior.owner_id, senior.due_date) == ("u-east-lead", "2025-07-02")  # monthly
    assert class_changes(database, customer_id) == [
        (types_pb2.VALUE_CLASS_UNSPECIFIED, types_pb2.VALUE_CLASS_A)
    ]

    # the timer reminds the rep the day before, as for a contract class's task
    fired = plans_and_tasks.scan_follow_ups(database, T0 + timedelta(days=6))
    assert fired["remind"] >= 1
    with database.unit_of_work(readonly=True) as uow:
        assert uow.session.get(FollowUpTask, regular.id).remind_time is not None


def test_the_first_contract_hands_the_plan_over_without_a_second_task(database):
    customer_id = prospect(database)
    open_deal(database, customer_id, 600_000)
    [estimated] = live(database, customer_id)["cadence"]

    first_contract(database, customer_id, types_pb2.VALUE_CLASS_B, T0 + timedelta(days=3))

    known = fact(database, customer_id)
    assert (known.value_class, known.prospect_class) == ("B", None)
    tasks = live(database, customer_id)
    assert set(tasks) == {"cadence"}  # B has no senior contacts
    assert [t.id for t in tasks["cadence"]] == [estimated.id]  # the same task, moved
    assert tasks["cadence"][0].due_date == "2025-06-16"  # every 14 days from the plan's start
    cadence_tasks = [t for t in plan_tasks(database, customer_id) if t.reason == "cadence"]
    assert len(cadence_tasks) == 1
    assert class_changes(database, customer_id) == [
        (types_pb2.VALUE_CLASS_UNSPECIFIED, types_pb2.VALUE_CLASS_A),
        (types_pb2.VALUE_CLASS_A, types_pb2.VALUE_CLASS_UNSPECIFIED),
    ]

    # once contracted, new opportunities no longer grade the customer
    open_deal(database, customer_id, 2_000_000, at=T0 + timedelta(days=4))
    assert fact(database, customer_id).prospect_class is None
    with database.unit_of_work(readonly=True) as uow:
        assert plans_and_tasks.plan_of(uow.session, customer_id).value_class == "B"


def test_the_estimate_follows_the_open_opportunities(database):
    customer_id = prospect(database)
    small = open_deal(database, customer_id, 50_000)
    assert fact(database, customer_id).prospect_class == "C"
    [monthly] = live(database, customer_id)["cadence"]
    assert monthly.due_date == "2025-07-02"  # C: every 30 days

    second = open_deal(database, customer_id, 80_000, at=T0 + timedelta(days=1))
    assert fact(database, customer_id).prospect_class == "B"  # 130,000 together
    assert [t.id for t in live(database, customer_id)["cadence"]] == [monthly.id]

    for opportunity_id, at in ((small, T0 + timedelta(days=2)), (second, T0 + timedelta(days=3))):
        with database.unit_of_work() as uow:
            row = uow.session.get(Opportunity, opportunity_id)
            opportunities.change_stage(
                uow.session, uow.emit, row, "lost", actor_id="u-rep", now=at, lost_reason="预算取消"
            )
    # nothing open any more: no estimate, no class, and the plan's tasks are cancelled
    assert fact(database, customer_id).prospect_class is None
    assert live(database, customer_id) == {}
    none, b, c = (
        types_pb2.VALUE_CLASS_UNSPECIFIED,
        types_pb2.VALUE_CLASS_B,
        types_pb2.VALUE_CLASS_C,
    )
    # 50,000 C; with 80,000 more B; the 80,000 alone C again; nothing open, no class
    assert class_changes(database, customer_id) == [(none, c), (c, b), (b, c), (c, none)]


# -- the rules, through the api -----------------------------------------------------------------


@pytest.fixture(scope="module")
def api(start_sales_api, sales_customers):
    return start_sales_api("sqlite", customers=sales_customers)


def staff_rule(priority: int = 5) -> S.LeadGradingRule:
    return S.LeadGradingRule(
        display_name="1000 staff or more is A",
        grade=S.LEAD_GRADE_A,
        priority=priority,
        enabled=True,
        subject=S.GRADING_SUBJECT_PROSPECT,
        condition=rules_pb2.ConditionGroup(
            conditions=[
                rules_pb2.Condition(
                    field="staff_count",
                    operator=Op.CONDITION_OPERATOR_GREATER_THAN_OR_EQUAL,
                    values=["1000"],
                )
            ]
        ),
    )


def test_prospect_rules_are_data_listed_apart_from_the_lead_rules(api, rpc_error):
    rep, lead = api.stub("u-rep"), api.stub("u-sales-lead")
    seeded = lead.ListLeadGradingRules(
        S.ListLeadGradingRulesRequest(subject=S.GRADING_SUBJECT_PROSPECT)
    ).rules
    assert [(r.display_name, r.grade, r.subject) for r in seeded] == [
        ("预估合作金额 50 万元及以上为 A 类", S.LEAD_GRADE_A, S.GRADING_SUBJECT_PROSPECT),
        ("预估合作金额 10 万元及以上为 B 类", S.LEAD_GRADE_B, S.GRADING_SUBJECT_PROSPECT),
        ("其余有预估合作金额的为 C 类", S.LEAD_GRADE_C, S.GRADING_SUBJECT_PROSPECT),
    ]
    lead_rules = lead.ListLeadGradingRules(S.ListLeadGradingRulesRequest()).rules
    assert {r.subject for r in lead_rules} == {S.GRADING_SUBJECT_LEAD}

    assert (
        rpc_error(rep.CreateLeadGradingRule, S.CreateLeadGradingRuleRequest(rule=staff_rule())).code
        is grpc.StatusCode.PERMISSION_DENIED
    )
    # a prospect rule reads the prospect's fields, not a lead's
    wrong = staff_rule()
    wrong.condition.conditions[0].field = "intent_level"
    error = rpc_error(lead.CreateLeadGradingRule, S.CreateLeadGradingRuleRequest(rule=wrong))
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in error.violations] == ["rule.condition.conditions[0].field"]

    created = lead.CreateLeadGradingRule(S.CreateLeadGradingRuleRequest(rule=staff_rule()))
    assert created.subject == S.GRADING_SUBJECT_PROSPECT
    assert created.id not in {
        r.id for r in lead.ListLeadGradingRules(S.ListLeadGradingRulesRequest()).rules
    }
    # on update the stored subject decides what the condition may read
    error = rpc_error(
        lead.UpdateLeadGradingRule,
        S.UpdateLeadGradingRuleRequest(
            rule=S.LeadGradingRule(id=created.id, condition=wrong.condition),
            update_mask=FieldMask(paths=["condition"]),
        ),
    )
    assert [v.field for v in error.violations] == ["rule.condition.conditions[0].field"]
    try:
        # a small deal of a large company: the potential makes it A, shown on its plan
        customer_id = api.customers.customer("u-rep")
        now = utcnow()
        with api.database.unit_of_work() as uow:
            follow_up_events.customer_created(
                uow,
                customer_events.CustomerCreated(
                    customer=customer_pb2.Customer(
                        id=customer_id,
                        owner_id="u-rep",
                        department_path=EAST,
                        type=customer_pb2.CUSTOMER_TYPE_ENTERPRISE,
                        enterprise=customer_pb2.EnterpriseProfile(staff_count=2000),
                    )
                ),
                at=now,
                now=now,
            )
        rep.CreateOpportunity(
            S.CreateOpportunityRequest(
                opportunity=S.Opportunity(
                    customer_id=customer_id,
                    name="试点项目",
                    amount=types_pb2.Money(currency_code="CNY", amount_minor=20_000_00),
                )
            )
        )
        plan = rep.GetFollowUpPlan(S.GetFollowUpPlanRequest(customer_id=customer_id))
        assert (
            plan.value_class,
            plan.estimated_class,
            plan.follows_estimated_class,
            plan.interval_days,
        ) == (types_pb2.VALUE_CLASS_A, types_pb2.VALUE_CLASS_A, True, 7)
        assert "1000 staff or more is A" in plan.estimated_class_reason
        assert plan.estimated_class_rule_id == created.id
        today = utcnow().date()
        assert plan.next_due_date == (today + timedelta(days=7)).isoformat()
    finally:
        lead.DeleteLeadGradingRule(S.DeleteLeadGradingRuleRequest(id=created.id))


def test_a_changed_prospect_rule_applies_to_every_prospect_at_the_next_scan(api):
    lead = api.stub("u-sales-lead")
    now = utcnow()
    customer_id = api.customers.customer("u-rep")
    with api.database.unit_of_work() as uow:
        follow_up_events.customer_created(
            uow,
            customer_events.CustomerCreated(
                customer=customer_pb2.Customer(
                    id=customer_id, owner_id="u-rep", department_path=EAST
                )
            ),
            at=now,
            now=now,
        )
    api.stub("u-rep").CreateOpportunity(
        S.CreateOpportunityRequest(
            opportunity=S.Opportunity(
                customer_id=customer_id,
                name="试点项目",
                amount=types_pb2.Money(currency_code="CNY", amount_minor=40_000_00),
            )
        )
    )
    assert fact(api.database, customer_id).prospect_class == "C"

    rule = staff_rule(priority=1)
    rule.display_name = "Estimated 30,000 CNY or more is A"
    rule.condition.conditions[0].field = "estimated_value"
    rule.condition.conditions[0].values[:] = [str(30_000_00)]
    created = lead.CreateLeadGradingRule(S.CreateLeadGradingRuleRequest(rule=rule))
    assert fact(api.database, customer_id).prospect_stale_time is not None  # not graded yet

    assert prospect_grading.scan(api.database, utcnow()) >= 1
    graded = fact(api.database, customer_id)
    assert (graded.prospect_class, graded.prospect_stale_time) == ("A", None)
    assert class_changes(api.database, customer_id)[-1] == (
        types_pb2.VALUE_CLASS_C,
        types_pb2.VALUE_CLASS_A,
    )
    assert prospect_grading.scan(api.database, utcnow()) == 0  # nothing stale any more

    lead.DeleteLeadGradingRule(S.DeleteLeadGradingRuleRequest(id=created.id))
    prospect_grading.scan(api.database, utcnow())
    assert fact(api.database, customer_id).prospect_class == "C"
