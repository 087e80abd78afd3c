"""Events of other services turned into timeline facts and satisfaction facts (pure mapping)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm.marketing.v1 import events_pb2 as marketing_events
from crm.marketing.v1 import marketing_pb2
from crm.sales.v1 import sales_pb2
from crm.ticket.v1 import ticket_pb2
from crm_shared.timestamps import to_timestamp
from customer_service import timeline

OCCURRED = datetime(2026, 6, 30, 8, 0, tzinfo=UTC)
CREATED = datetime(2026, 6, 29, 9, 30, tzinfo=UTC)


def test_money_minor_units_become_decimals_and_back():
    assert timeline.money_amount(types_pb2.Money(currency_code="CNY", amount_minor=60000000)) == (
        Decimal("600000.00"),
        "CNY",
    )
    assert timeline.money_amount(types_pb2.Money(currency_code="JPY", amount_minor=500)) == (
        Decimal(500),
        "JPY",
    )
    assert timeline.money_amount(types_pb2.Money()) == (None, None)
    assert timeline.to_money(Decimal("123.45")) == types_pb2.Money(
        currency_code="CNY", amount_minor=12345
    )


def test_kind_names_round_trip_every_kind():
    for value in customer_pb2.TimelineEntryKind.values()[1:]:
        assert timeline.kind_value(timeline.kind_name(value)) == value
    assert timeline.kind_name(customer_pb2.TIMELINE_ENTRY_KIND_TICKET_OPENED) == "ticket_opened"


def test_a_complaint_ticket_is_marked_with_its_channel():
    ticket = ticket_pb2.Ticket(
        id="t-1",
        number="T20260629-0001",
        title="Broken again",
        type=ticket_pb2.TICKET_TYPE_COMPLAINT,
        customer_id="c-1",
        channel=ticket_pb2.TICKET_CHANNEL_WECHAT,
        create_time=to_timestamp(CREATED),
    )
    fact = timeline.ticket_fact(ticket, "opened", "u-agent", OCCURRED)
    assert (fact.kind, fact.subject_type, fact.subject_id, fact.customer_id) == (
        "ticket_opened",
        "ticket",
        "t-1",
        "c-1",
    )
    assert fact.title == "Ticket T20260629-0001 opened: Broken again"
    assert (fact.complaint, fact.channel, fact.occur_time) == (True, "wechat", CREATED)
    assert fact.attributes == {"type": "complaint"}


def test_a_consultation_is_no_complaint_and_missing_times_fall_back_to_the_event_time():
    ticket = ticket_pb2.Ticket(
        id="t-2", number="T2", type=ticket_pb2.TICKET_TYPE_CONSULTATION, customer_id="c-1"
    )
    fact = timeline.ticket_fact(ticket, "resolved", "", OCCURRED)
    assert (fact.kind, fact.complaint, fact.channel, fact.occur_time) == (
        "ticket_resolved",
        False,
        None,
        OCCURRED,
    )


def test_a_signed_contract_carries_its_amount_sign_date_and_end_date():
    contract = sales_pb2.Contract(
        id="k-1",
        number="K-7",
        customer_id="c-1",
        title="Annual service",
        amount=types_pb2.Money(currency_code="CNY", amount_minor=60000000),
        sign_date="2026-06-15",
        start_date="2026-07-01",
        end_date="2027-06-30",
    )
    fact = timeline.contract_signed_fact(contract, "u-rep", OCCURRED)
    assert (fact.kind, fact.amount, fact.currency_code) == (
        "contract_signed",
        Decimal("600000.00"),
        "CNY",
    )
    assert fact.occur_time == datetime(2026, 6, 15, tzinfo=UTC)
    assert fact.attributes == {
        "number": "K-7",
        "start_date": "2026-07-01",
        "end_date": "2027-06-30",
    }


def test_a_follow_up_keeps_its_summary_and_method():
    activity = sales_pb2.Activity(
        id="a-1",
        customer_id="c-1",
        topic="Pricing",
        summary="Asked for a discount",
        owner_id="u-rep",
        method=sales_pb2.FOLLOW_UP_METHOD_VISIT,
        occur_time=to_timestamp(CREATED),
    )
    fact = timeline.activity_fact(activity, OCCURRED)
    assert (fact.kind, fact.title, fact.summary, fact.actor_id, fact.occur_time) == (
        "follow_up",
        "Follow-up by visit: Pricing",
        "Asked for a discount",
        "u-rep",
        CREATED,
    )
    assert fact.attributes == {"method": "visit"}


def test_a_survey_answer_is_a_timeline_fact_and_a_satisfaction_fact():
    event = marketing_events.SurveyAnswered(
        answer=marketing_pb2.SurveyAnswer(
            id="ans-1",
            survey_id="s-1",
            customer_id="c-1",
            ticket_id="t-1",
            overall_score=4.5,
            nps=9,
            comment="Quick help",
            submit_time=to_timestamp(CREATED),
        ),
        survey_title="After-service survey",
        dimension_scores={"response_speed": 4.0},
    )
    fact = timeline.survey_fact(event, OCCURRED)
    assert (fact.kind, fact.title, fact.attributes) == (
        "survey_answered",
        "Survey answered: After-service survey",
        {"score": "4.5", "nps": "9"},
    )
    record = timeline.survey_satisfaction(event, OCCURRED)
    assert (
        record.source,
        record.score,
        record.nps,
        record.dimension_scores,
        record.ticket_id,
        record.record_time,
    ) == ("survey", 4.5, 9, {"response_speed": 4.0}, "t-1", CREATED)


def test_a_call_back_has_a_result_but_no_score():
    task = ticket_pb2.CallbackTask(
        id="cb-1",
        ticket_id="t-1",
        ticket_number="T1",
        customer_id="c-1",
        result=ticket_pb2.CALLBACK_RESULT_SATISFIED,
    )
    record = timeline.callback_satisfaction(task, OCCURRED)
    assert (record.source, record.score, record.callback_result) == ("callback", 0.0, "satisfied")
    assert (
        timeline.callback_fact(task, "u-rep", OCCURRED).title == "Call-back on ticket T1: satisfied"
    )


def test_a_closed_ticket_gives_a_satisfaction_fact_only_when_it_carries_a_score():
    ticket = ticket_pb2.Ticket(id="t-1", customer_id="c-1", close_time=to_timestamp(CREATED))
    assert timeline.ticket_satisfaction(ticket, OCCURRED) is None
    ticket.satisfaction_score = 3.5
    record = timeline.ticket_satisfaction(ticket, OCCURRED)
    assert (record.source, record.score, record.ticket_id, record.record_time) == (
        "survey", 3.5, "t-1", CREATED)


def test_this_services_own_facts_are_records_about_the_customer():
    created = timeline.customer_created_fact(customer_events.CustomerCreated(
        customer=customer_pb2.Customer(id="c-1", number="C00000007",
                                       create_time=to_timestamp(CREATED)), actor_id="u-rep"),
        OCCURRED)
    assert (created.kind, created.title, created.occur_time) == (
        "customer_created", "Customer C00000007 created", CREATED)
    moved = timeline.owner_changed_fact(customer_events.CustomerOwnerChanged(
        customer_id="c-1", previous=types_pb2.Ownership(owner_id="u-a"), current=types_pb2.Ownership(owner_id="u-b"),
        reason="handover"), OCCURRED)
    assert (moved.kind, moved.title, moved.summary) == (
        "owner_changed", "Owner changed from u-a to u-b", "handover")
    merged = timeline.merged_fact(customer_events.CustomerMerged(
        merge_id="m-1", surviving_customer_id="c-1", merged_customer_ids=["c-2", "c-3"]), OCCURRED)
    assert (merged.customer_id, merged.kind, merged.subject_id, merged.title) == (
        "c-1", "merged", "m-1", "Merged with c-2, c-3")


def test_each_fact_keeps_the_values_its_title_quotes_and_drops_empty_ones():
    ticket = ticket_pb2.Ticket(id="t-1", number="T1", title="Broken", customer_id="c-1")
    assert timeline.ticket_fact(ticket, "closed", "u-a", OCCURRED).title_params == {
        "number": "T1",
        "title": "Broken",
    }
    untitled = sales_pb2.Contract(id="k-1", number="HT-1", customer_id="c-1")
    assert timeline.contract_signed_fact(untitled, "u-a", OCCURRED).title_params == {
        "number": "HT-1"
    }
    ended = timeline.contract_ended_fact(untitled, terminated=True, actor_id="u-a",
                                         occurred_at=OCCURRED)
    assert ended.title_params == {"number": "HT-1", "what": "terminated"}
    lost = sales_pb2.Opportunity(id="o-1", name="ERP rollout", customer_id="c-1")
    assert timeline.opportunity_fact(lost, won=False, actor_id="u-a",
                                     occurred_at=OCCURRED).title_params == {"name": "ERP rollout"}
    visit = sales_pb2.Activity(id="a-1", customer_id="c-1", topic="Pricing",
                               method=sales_pb2.FOLLOW_UP_METHOD_VISIT)
    assert timeline.activity_fact(visit, OCCURRED).title_params == {"method": "visit",
                                                                    "topic": "Pricing"}
    task = ticket_pb2.CallbackTask(id="cb-1", ticket_id="t-1", ticket_number="T1",
                                   customer_id="c-1")
    assert timeline.callback_fact(task, "u-a", OCCURRED).title_params == {"number": "T1"}
