"""Prospect grading in the database: a customer without a contract gets an estimated class from
the prospect grading rules (``LeadGradingRule`` of subject ``prospect``, the one rules
mechanism, graded by :func:`sales_service.lead_grading.grade_prospect`), kept on its customer
fact apart from the contract-based value class, and its follow-up plan follows that class
until the first contract gives it a value class (then the same plan, and its live tasks,
follow the contract's class: nothing is opened twice). Never commits.

The estimated deal value is what the customer's open opportunities are worth (in the policy's
currency; other currencies are left out), their weighted value the potential the pipeline
sees. Grading reads the current rows, not an event's figures, so running it again, or late,
or twice for one change gives the same answer: it is called after every write that may change
them (an opportunity opened, re-valued or moved; a customer event) and announces a changed
class with ``sales.prospect_class_changed`` in the same unit of work. A change of the prospect
rules marks every prospect stale in its own unit of work (:func:`mark_stale`, one UPDATE), and
the worker's timer grades the stale ones again in batches (:func:`scan`), so a rule applies to
every prospect without the rule's RPC grading thousands of customers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from crm.sales.v1 import events_pb2
from crm_shared.db import Database
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sales_service import grading_rules, lead_grading, opportunities, plans_and_tasks, policy
from sales_service.activity_views import class_value
from sales_service.amounts import money
from sales_service.customer_facts import ACTIVE
from sales_service.models import CustomerFact, Opportunity

Emit = Callable[..., str]


def facts_of(session: Session, fact: CustomerFact, currency: str) -> lead_grading.ProspectFacts:
    rows = session.execute(
        select(Opportunity.amount_minor, Opportunity.currency_code, Opportunity.probability).where(
            Opportunity.customer_id == fact.customer_id,
            Opportunity.stage.in_(opportunities.OPEN_STAGES),
        )
    ).all()
    valued = [
        (amount, probability)
        for amount, code, probability in rows
        if amount is not None and code == currency
    ]
    return lead_grading.ProspectFacts(
        estimated_value_minor=sum(amount for amount, _ in valued),
        weighted_value_minor=sum(
            opportunities.weighted_minor(amount, probability) for amount, probability in valued
        ),
        open_opportunities=len(rows),
        best_probability=max((probability for _, _, probability in rows), default=None),
        customer_type=fact.customer_type or "",
        industry=fact.industry or "",
        staff_count=fact.staff_count,
        lifecycle_stage=fact.lifecycle_stage or "",
    )


def regrade(
    session: Session, emit: Emit, customer_id: str, now: datetime, *, replan: bool = False
) -> bool:
    """Grade the customer (no class once it has a contract-based one, or is merged or erased);
    when its class changed, announce it and bring its plan in line (``replan``: the caller
    knows the cadence may have changed for another reason too) and answer True. An unchanged
    class leaves the plan alone, so an opportunity's write touches no plan it does not change.
    A customer not heard of yet is left alone: its ``customer.created`` grades it."""
    fact = session.get(CustomerFact, customer_id) if customer_id else None
    if fact is None:
        return False
    values = policy.current(session)
    prospect = lead_grading.ProspectFacts()
    grading = None
    if fact.value_class is None and fact.state == ACTIVE:
        prospect = facts_of(session, fact, values.currency_code)
        grading = lead_grading.grade_prospect(
            grading_rules.load(session, lead_grading.PROSPECT), prospect, now
        )
    previous = fact.prospect_class
    fact.prospect_class = grading.grade if grading else None
    fact.prospect_class_reason = grading.reason[:500] if grading else None
    fact.prospect_class_rule_id = grading.rule_id if grading else None
    if fact.prospect_class == previous:
        return False
    emit(
        events_pb2.ProspectClassChanged(
            customer_id=fact.customer_id,
            owner_id=fact.owner_id,
            department_path=fact.department_path,
            previous=class_value(previous),
            current=class_value(fact.prospect_class),
            reason=fact.prospect_class_reason or "",
            estimated_value=money(prospect.estimated_value_minor, values.currency_code),
        ),
        key=fact.customer_id,
    )
    session.flush()
    plans_and_tasks.plan_from_facts(session, fact, now, replan=replan)
    return True


# How many stale prospects one timer tick grades; the next tick takes the rest.
SCAN_BATCH = 500


def mark_stale(session: Session, now: datetime) -> None:
    """The prospect rules changed (in this unit of work): every customer they grade (active,
    without a contract-based class) is to be graded again by :func:`scan`."""
    session.execute(
        update(CustomerFact)
        .where(CustomerFact.value_class.is_(None), CustomerFact.state == ACTIVE)
        .values(prospect_stale_time=now)
    )


def scan(database: Database, now: datetime) -> int:
    """One pass of the timer: grade again the stale prospects (the oldest marks first), each in
    its own unit of work; a mark set meanwhile (the rules changed again) is kept for the next
    pass. Returns how many were graded."""
    with database.unit_of_work(readonly=True) as uow:
        stale = uow.session.execute(
            select(CustomerFact.customer_id, CustomerFact.prospect_stale_time)
            .where(CustomerFact.prospect_stale_time.is_not(None))
            .order_by(CustomerFact.prospect_stale_time, CustomerFact.customer_id)
            .limit(SCAN_BATCH)
        ).all()
    for customer_id, seen in stale:
        with database.unit_of_work() as uow:
            regrade(uow.session, uow.emit, customer_id, now)
            uow.session.execute(
                update(CustomerFact)
                .where(
                    CustomerFact.customer_id == customer_id,
                    CustomerFact.prospect_stale_time == seen,
                )
                .values(prospect_stale_time=None)
            )
    return len(stale)
