"""Consent per purpose through the real api: grant, withdraw, history, event, retries, scope."""

from __future__ import annotations

import uuid

import grpc
import pytest
from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2, events_pb2
from crm_shared.auth import Principal
from crm_shared.auth.principal import DataScope
from crm_shared.events import wire
from crm_shared.events.outbox import OutboxMessage
from crm_shared.grpc.status import describe_rpc_error
from customer_service.models import Consent, ConsentChange
from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy import func, select

pytestmark = pytest.mark.integration

MARKETING = customer_pb2.CONSENT_PURPOSE_MARKETING
PROFILING = customer_pb2.CONSENT_PURPOSE_PROFILING
GRANTED = customer_pb2.CONSENT_STATE_GRANTED
WITHDRAWN = customer_pb2.CONSENT_STATE_WITHDRAWN
EMAIL = types_pb2.DELIVERY_CHANNEL_EMAIL
SMS = types_pb2.DELIVERY_CHANNEL_SMS
EVERY_CHANNEL = types_pb2.DELIVERY_CHANNEL_UNSPECIFIED

REP = Principal("u-rep", "rep.zhang", frozenset({"sales_rep"}), "/hq/sales/east", DataScope.OWN)
OTHER_REP = Principal(
    "u-rep-2", "rep.li", frozenset({"sales_rep"}), "/hq/sales/north", DataScope.OWN
)


@pytest.fixture
def api(start_customer_api):
    server = start_customer_api()
    return server.stub, server.database


def _customer(stub) -> str:
    return (
        stub(REP)
        .CreateCustomer(
            customer_pb2.CreateCustomerRequest(
                customer=customer_pb2.Customer(
                    type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL, display_name="李雷"
                )
            )
        )
        .id
    )


def _stamp(text: str) -> Timestamp:
    stamp = Timestamp()
    stamp.FromJsonString(text)
    return stamp


def _consent_events(database) -> list[events_pb2.CustomerConsentChanged]:
    with database.unit_of_work(readonly=True) as uow:
        rows = uow.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.routing_key == "customer.consent_changed")
            .order_by(OutboxMessage.id)
        )
        return [wire.decode(row.payload, events_pb2.CustomerConsentChanged) for row in rows]


def test_grant_then_withdraw_keeps_the_state_the_times_and_the_history(api):
    stub, database = api
    customer_id = _customer(stub)
    granted = stub(REP).GrantConsent(
        customer_pb2.GrantConsentRequest(
            customer_id=customer_id,
            purpose=MARKETING,
            source="web_form",
            evidence="form-77",
            grant_time=_stamp("2026-03-01T08:00:00Z"),
        )
    )
    assert granted.state == GRANTED
    assert granted.grant_time.ToJsonString() == "2026-03-01T08:00:00Z"
    assert granted.recorded_by == "u-rep"

    withdrawn = stub(REP).WithdrawConsent(
        customer_pb2.WithdrawConsentRequest(
            customer_id=customer_id,
            purpose=MARKETING,
            source="phone",
            evidence="call-12",
            withdraw_time=_stamp("2026-04-02T09:30:00Z"),
        )
    )
    assert withdrawn.id == granted.id
    assert withdrawn.state == WITHDRAWN
    assert withdrawn.grant_time.ToJsonString() == "2026-03-01T08:00:00Z"
    assert withdrawn.withdraw_time.ToJsonString() == "2026-04-02T09:30:00Z"
    assert withdrawn.source == "phone"
    assert [
        (c.state, c.source, c.evidence, c.change_time.ToJsonString()) for c in withdrawn.history
    ] == [
        (GRANTED, "web_form", "form-77", "2026-03-01T08:00:00Z"),
        (WITHDRAWN, "phone", "call-12", "2026-04-02T09:30:00Z"),
    ]

    stub(REP).GrantConsent(
        customer_pb2.GrantConsentRequest(customer_id=customer_id, purpose=PROFILING, source="paper")
    )
    listed = (
        stub(REP).ListConsents(customer_pb2.ListConsentsRequest(customer_id=customer_id)).consents
    )
    assert {(c.purpose, c.state) for c in listed} == {(MARKETING, WITHDRAWN), (PROFILING, GRANTED)}

    events = _consent_events(database)
    assert [(e.customer_id, e.purpose, e.state, e.source) for e in events] == [
        (customer_id, MARKETING, GRANTED, "web_form"),
        (customer_id, MARKETING, WITHDRAWN, "phone"),
        (customer_id, PROFILING, GRANTED, "paper"),
    ]


def test_a_retried_grant_is_recorded_once(api):
    stub, database = api
    customer_id = _customer(stub)
    request = customer_pb2.GrantConsentRequest(
        customer_id=customer_id, purpose=MARKETING, source="web_form", request_id=str(uuid.uuid4())
    )
    first = stub(REP).GrantConsent(request)
    again = stub(REP).GrantConsent(request)
    assert again == first
    assert len(again.history) == 1
    assert len(_consent_events(database)) == 1


@pytest.mark.parametrize(
    "fields, bad_field",
    [
        ({"purpose": customer_pb2.CONSENT_PURPOSE_UNSPECIFIED, "source": "web_form"}, "purpose"),
        ({"purpose": MARKETING, "source": "  "}, "source"),
        ({"purpose": MARKETING, "source": "web_form", "request_id": "not-a-uuid"}, "request_id"),
        (
            {
                "purpose": MARKETING,
                "source": "web_form",
                "grant_time": _stamp("2099-01-01T00:00:00Z"),
            },
            "grant_time",
        ),
        (
            {
                "purpose": MARKETING,
                "source": "web_form",
                "channel": types_pb2.DELIVERY_CHANNEL_WEBHOOK,
            },
            "channel",
        ),
    ],
)
def test_bad_input_is_refused_field_by_field_and_nothing_is_stored(api, fields, bad_field):
    stub, database = api
    customer_id = _customer(stub)
    with pytest.raises(grpc.RpcError) as caught:
        stub(REP).GrantConsent(customer_pb2.GrantConsentRequest(customer_id=customer_id, **fields))
    error = describe_rpc_error(caught.value)
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT
    assert bad_field in {violation.field for violation in error.violations}
    with database.unit_of_work(readonly=True) as uow:
        assert uow.session.scalar(select(func.count()).select_from(Consent)) == 0
        assert uow.session.scalar(select(func.count()).select_from(ConsentChange)) == 0
    assert _consent_events(database) == []


def test_someone_elses_customer_is_not_found_for_consents(api):
    stub, database = api
    customer_id = _customer(stub)
    for call, request in (
        (
            stub(OTHER_REP).GrantConsent,
            customer_pb2.GrantConsentRequest(
                customer_id=customer_id, purpose=MARKETING, source="web_form"
            ),
        ),
        (stub(OTHER_REP).ListConsents, customer_pb2.ListConsentsRequest(customer_id=customer_id)),
    ):
        with pytest.raises(grpc.RpcError) as caught:
            call(request)
        assert caught.value.code() is grpc.StatusCode.NOT_FOUND
    assert _consent_events(database) == []


def test_a_withdrawal_on_one_channel_is_its_own_consent_with_channel_and_source_in_history(api):
    stub, database = api
    customer_id = _customer(stub)
    stub(REP).GrantConsent(
        customer_pb2.GrantConsentRequest(
            customer_id=customer_id,
            purpose=MARKETING,
            source="web_form",
            grant_time=_stamp("2026-03-01T08:00:00Z"),
        )
    )
    withdrawn = stub(REP).WithdrawConsent(
        customer_pb2.WithdrawConsentRequest(
            customer_id=customer_id,
            purpose=MARKETING,
            channel=EMAIL,
            source="unsubscribe_link",
            evidence="channel: email",
            withdraw_time=_stamp("2026-03-05T08:00:00Z"),
        )
    )
    assert (withdrawn.channel, withdrawn.state, withdrawn.source) == (
        EMAIL,
        WITHDRAWN,
        "unsubscribe_link",
    )
    assert [(c.channel, c.state, c.source) for c in withdrawn.history] == [
        (EMAIL, WITHDRAWN, "unsubscribe_link")
    ]

    listed = stub(REP).ListConsents(customer_pb2.ListConsentsRequest(customer_id=customer_id))
    by_channel = {consent.channel: consent for consent in listed.consents}
    assert set(by_channel) == {EVERY_CHANNEL, EMAIL}
    # The e-mail withdrawal leaves the every-channel consent (and so SMS) granted.
    assert by_channel[EVERY_CHANNEL].state == GRANTED
    assert [(c.channel, c.state) for c in by_channel[EVERY_CHANNEL].history] == [
        (EVERY_CHANNEL, GRANTED)
    ]
    assert by_channel[EMAIL].state == WITHDRAWN
    events = _consent_events(database)
    assert [(e.channel, e.state, e.source) for e in events] == [
        (EVERY_CHANNEL, GRANTED, "web_form"),
        (EMAIL, WITHDRAWN, "unsubscribe_link"),
    ]
