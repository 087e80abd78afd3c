"""The read model kept current from events, and membership following it in the same unit of
work: the handlers' functions called with a real unit of work on a migrated SQLite database
(one per module; every test uses customers of its own). The real broker and worker are
tests/integration/test_marketing_segment_worker.py."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from crm.common.v1 import rules_pb2, types_pb2
from crm.customer.v1 import customer_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm.marketing.v1 import events_pb2 as marketing_events
from crm.marketing.v1 import marketing_pb2
from crm.sales.v1 import events_pb2 as sales_events
from crm.sales.v1 import sales_pb2
from crm_shared.db import Database
from crm_shared.events import wire
from crm_shared.events.outbox import OutboxMessage
from crm_shared.timestamps import to_timestamp
from marketing_service import read_model, segment_rules, segments
from marketing_service.models import CustomerProfile, ProfileContract, Segment, SegmentMember
from sqlalchemy import select

pytestmark = pytest.mark.integration

HIGH_VALUE = "8eb44d46-573c-5465-9516-71a979d6d71d"
AT_RISK = "f5b8295f-e3e3-5979-ac8e-fa1e9d67debe"
T0 = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)
Op = rules_pb2.ConditionOperator


@pytest.fixture(scope="module")
def database(marketing_database_url) -> Database:
    database = Database(marketing_database_url("sqlite"))
    yield database
    database.dispose()


def _deliver(database: Database, event, at: datetime, now: datetime | None = None) -> str:
    """What the worker does with ``event`` (occurred at ``at``): one unit of work."""
    event_id = str(uuid.uuid4())
    with database.unit_of_work() as uow:
        kwargs = {"event_id": event_id, "occurred_at": at, "now": now or at}
        if isinstance(event, (sales_events.ContractSigned, sales_events.ContractExpired,
                              sales_events.ContractTerminated)):
            read_model.record_contract(uow, event, **kwargs)
        elif isinstance(event, marketing_events.CampaignResponded):
            read_model.record_campaign_response(uow, event, **kwargs)
        else:
            read_model.record_event(uow, event, **kwargs)
            if isinstance(event, customer_events.CustomerMerged):
                read_model.repoint_merged(uow, event.surviving_customer_id,
                                          list(event.merged_customer_ids), event_id=event_id,
                                          now=now or at)
    return event_id


def _created(customer_id: str, version: int = 1, **fields) -> customer_events.CustomerCreated:
    values = {"id": customer_id, "type": customer_pb2.CUSTOMER_TYPE_ENTERPRISE,
              "display_name": "上海某某科技", "owner_id": "u-rep",
              "department_path": "/hq/sales/east", "etag": f'W/"{version}"',
              "enterprise": customer_pb2.EnterpriseProfile(legal_name="上海某某科技有限公司",
                                                           industry="manufacturing")}
    values.update(fields)
    return customer_events.CustomerCreated(customer=customer_pb2.Customer(**values))


def _value_class(customer_id: str, value_class: int) -> customer_events.CustomerValueClassChanged:
    return customer_events.CustomerValueClassChanged(
        customer_id=customer_id, owner_id="u-rep", department_path="/hq/sales/east",
        current=value_class)


def _members(database: Database, segment_id: str) -> set[str]:
    with database.unit_of_work(readonly=True) as uow:
        return set(uow.session.scalars(select(SegmentMember.customer_id).where(
            SegmentMember.segment_id == segment_id)))


def _events(database: Database, routing_key: str, message_type, customer_id: str) -> list:
    with database.unit_of_work(readonly=True) as uow:
        rows = uow.session.scalars(select(OutboxMessage).where(
            OutboxMessage.routing_key == routing_key,
            OutboxMessage.partition_key == customer_id).order_by(OutboxMessage.id)).all()
        return [wire.decode(row.payload, message_type) for row in rows]


def _profile(database: Database, customer_id: str) -> CustomerProfile:
    with database.unit_of_work(readonly=True) as uow:
        profile = uow.session.get(CustomerProfile, customer_id)
        uow.session.expunge(profile)
        return profile


def _segment(database: Database, rule: rules_pb2.ConditionGroup, now: datetime) -> str:
    """A custom segment stored and evaluated as CreateSegment does."""
    with database.unit_of_work() as uow:
        row = Segment(id=str(uuid.uuid4()), display_name="test", description="",
                      kind="custom", rule=segments.rule_json(rule), contact_strategy={},
                      active=True, time_relative=segment_rules.is_time_relative(rule),
                      member_count=0, owner_id="u-marketer", department_path="/hq/marketing",
                      create_time=now, update_time=now, created_by="u-marketer",
                      updated_by="u-marketer", version=1)
        uow.session.add(row)
        uow.session.flush()
        segments.evaluate_segment(uow, row, now=now)
        return row.id


def _rule(field: str, op: int, *values: str) -> rules_pb2.ConditionGroup:
    return rules_pb2.ConditionGroup(conditions=[
        rules_pb2.Condition(field=field, operator=op, values=list(values))])


def test_a_customer_joins_when_its_facts_change_and_leaves_on_a_later_event(database):
    customer = str(uuid.uuid4())
    _deliver(database, _created(customer), T0)
    assert customer not in _members(database, HIGH_VALUE)
    cause = _deliver(database, _value_class(customer, types_pb2.VALUE_CLASS_A),
                     T0 + timedelta(minutes=1))
    assert customer in _members(database, HIGH_VALUE)
    [joined] = _events(database, "segment.member_joined", marketing_events.SegmentMemberJoined,
                       customer)
    assert (joined.segment_id, joined.segment_kind, joined.cause_event_id) == (
        HIGH_VALUE, marketing_pb2.SEGMENT_KIND_HIGH_VALUE, cause)
    assert (joined.owner_id, joined.department_path) == ("u-rep", "/hq/sales/east")

    cause = _deliver(database, _value_class(customer, types_pb2.VALUE_CLASS_C),
                     T0 + timedelta(minutes=2))
    assert customer not in _members(database, HIGH_VALUE)
    [left] = _events(database, "segment.member_left", marketing_events.SegmentMemberLeft,
                     customer)
    assert (left.segment_id, left.cause_event_id) == (HIGH_VALUE, cause)


def test_an_old_event_arriving_late_changes_nothing(database):
    customer = str(uuid.uuid4())
    _deliver(database, _created(customer), T0)
    _deliver(database, _value_class(customer, types_pb2.VALUE_CLASS_C), T0 + timedelta(hours=2))
    before = _profile(database, customer)
    _deliver(database, _value_class(customer, types_pb2.VALUE_CLASS_A), T0 + timedelta(hours=1))
    _deliver(database, _created(customer, display_name="旧名"), T0 - timedelta(hours=1))
    after = _profile(database, customer)
    assert (after.value_class, after.display_name, after.update_time) == (
        "C", "上海某某科技", before.update_time)
    assert customer not in _members(database, HIGH_VALUE)
    assert _events(database, "segment.member_joined", marketing_events.SegmentMemberJoined,
                   customer) == []


def test_the_member_count_follows_joins_and_leaves(database):
    with database.unit_of_work(readonly=True) as uow:
        before = uow.session.get(Segment, AT_RISK).member_count
    customers = [str(uuid.uuid4()) for _ in range(3)]
    for customer in customers:
        _deliver(database, customer_events.CustomerAtRisk(
            customer_id=customer, owner_id="u-rep", department_path="/hq/sales/east",
            churn_risk=customer_pb2.ChurnRisk(at_risk=True, reason="complaints")), T0)
    _deliver(database, customer_events.CustomerRiskCleared(customer_id=customers[0],
                                                           owner_id="u-rep"), T0 + timedelta(1))
    with database.unit_of_work(readonly=True) as uow:
        assert uow.session.get(Segment, AT_RISK).member_count == before + 2


def test_a_merged_away_customer_leaves_its_segments_and_its_contracts_count_for_the_survivor(
        database):
    survivor, merged = str(uuid.uuid4()), str(uuid.uuid4())
    for customer in (survivor, merged):
        _deliver(database, _created(customer), T0)
        _deliver(database, _value_class(customer, types_pb2.VALUE_CLASS_A), T0)
    _deliver(database, sales_events.ContractSigned(contract=sales_pb2.Contract(
        id=str(uuid.uuid4()), customer_id=merged, end_date="2025-12-31",
        sign_date="2024-05-20")), T0)
    cause = _deliver(database, customer_events.CustomerMerged(
        surviving_customer_id=survivor, merged_customer_ids=[merged],
        customer=_created(survivor, version=3).customer), T0 + timedelta(hours=1))
    assert survivor in _members(database, HIGH_VALUE)
    assert merged not in _members(database, HIGH_VALUE)
    [left] = _events(database, "segment.member_left", marketing_events.SegmentMemberLeft, merged)
    assert left.cause_event_id == cause
    assert (_profile(database, merged).state, _profile(database, merged).merged_into_id) == (
        "merged", survivor)
    assert _profile(database, survivor).contract_end_date.isoformat() == "2025-12-31"
    # the cooperation began with the merged-away customer's first contract (合作纪念日)
    assert _profile(database, survivor).first_contract_date.isoformat() == "2024-05-20"
    # a late event about the merged-away customer does not bring it back
    _deliver(database, _value_class(merged, types_pb2.VALUE_CLASS_A), T0 + timedelta(hours=2))
    assert merged not in _members(database, HIGH_VALUE)


def test_an_erased_customer_leaves_every_segment(database):
    customer = str(uuid.uuid4())
    _deliver(database, _created(customer), T0)
    _deliver(database, _value_class(customer, types_pb2.VALUE_CLASS_A), T0)
    _deliver(database, customer_events.CustomerErased(customer_id=customer,
                                                      erasure_request_id="e-1"), T0)
    assert _profile(database, customer).state == "erased"
    assert customer not in _members(database, HIGH_VALUE)


def test_the_contract_end_date_is_the_latest_of_the_contracts_in_force(database):
    customer = str(uuid.uuid4())
    renewal = _segment(database, _rule("contract_end_date",
                                       Op.CONDITION_OPERATOR_WITHIN_NEXT_DAYS, "30"), T0)
    short, long = str(uuid.uuid4()), str(uuid.uuid4())

    def contract(contract_id, end):
        return sales_pb2.Contract(id=contract_id, customer_id=customer, end_date=end,
                                  owner_id="u-rep", department_path="/hq/sales/east")

    # the first news of this customer is a sales event: the profile starts from it
    _deliver(database, sales_events.ContractSigned(contract=contract(short, "2025-06-20")), T0)
    assert _profile(database, customer).owner_id == "u-rep"
    assert customer in _members(database, renewal)
    _deliver(database, sales_events.ContractSigned(contract=contract(long, "2026-06-01")), T0)
    assert _profile(database, customer).contract_end_date.isoformat() == "2026-06-01"
    assert customer not in _members(database, renewal)
    _deliver(database, sales_events.ContractTerminated(contract=contract(long, "2026-06-01")),
             T0 + timedelta(days=1))
    assert _profile(database, customer).contract_end_date.isoformat() == "2025-06-20"
    assert customer in _members(database, renewal)
    # a redelivered signature of the terminated contract does not revive it
    _deliver(database, sales_events.ContractSigned(contract=contract(long, "2026-06-01")),
             T0 + timedelta(days=2))
    assert _profile(database, customer).contract_end_date.isoformat() == "2025-06-20"
    with database.unit_of_work(readonly=True) as uow:
        assert uow.session.get(ProfileContract, long).ended is True


def test_campaign_responses_feed_behaviour_rules(database):
    customer = str(uuid.uuid4())
    _deliver(database, _created(customer), T0)
    engaged = _segment(database, _rule("campaign_responses_90d",
                                       Op.CONDITION_OPERATOR_GREATER_THAN_OR_EQUAL, "1"), T0)
    response = marketing_pb2.CampaignResponse(id=str(uuid.uuid4()), campaign_id="k-1",
                                              customer_id=customer,
                                              occur_time=to_timestamp(T0))
    _deliver(database, marketing_events.CampaignResponded(response=response), T0)
    _deliver(database, marketing_events.CampaignResponded(response=response), T0)  # same fact
    assert customer in _members(database, engaged)
    with database.unit_of_work(readonly=True) as uow:
        facts = segments.facts_of(uow.session, uow.session.get(CustomerProfile, customer), T0)
    assert facts["campaign_responses_90d"] == 1


def test_the_daily_pass_reevaluates_clock_reading_segments_once_a_day(database):
    customer = str(uuid.uuid4())
    recent = _segment(database, _rule("last_purchase_date",
                                      Op.CONDITION_OPERATOR_WITHIN_LAST_DAYS, "90"), T0)
    _deliver(database, sales_events.PurchaseRecorded(
        purchase=sales_pb2.Purchase(customer_id=customer, purchase_time=to_timestamp(T0),
                                    owner_id="u-rep", department_path="/hq/sales/east"),
        customer_purchase_count_12m=1), T0)
    assert customer in _members(database, recent)
    day_91 = T0 + timedelta(days=91)
    first = segments.reevaluate_time_relative(database, day_91)
    assert customer not in _members(database, recent)
    assert first.left >= 1
    [left] = _events(database, "segment.member_left", marketing_events.SegmentMemberLeft,
                     customer)
    assert (left.segment_id, left.cause_event_id) == (recent, "")
    again = segments.reevaluate_time_relative(database, day_91 + timedelta(hours=3))
    assert (again.joined, again.left) == (0, 0)
    with database.unit_of_work(readonly=True) as uow:
        assert uow.session.get(Segment, recent).evaluate_time == day_91
