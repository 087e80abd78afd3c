"""``/api/v1/public/unsubscribe/{token}`` and the SMS gateway's inbound webhook
``/api/v1/public/sms/inbound``, against the real marketing service: a forged link is a plain
404; an inbound call without the SMS gateway's genuine, fresh signature is 401 and changes
nothing; a signed reply that is not an opt-out changes nothing either."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from crm.customer.v1 import customer_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm_shared.db import Database, utcnow
from crm_shared.grpc.server import GrpcApi, service_verifier
from crm_shared.migrations import upgrade
from crm_shared.settings import load_settings
from crm_shared.webhook_signatures import SIGNATURE_HEADER, sign
from marketing_service import read_model, unsubscribe
from marketing_service.api import build_bindings
from marketing_service.models import CustomerProfile, OutboundMessage
from marketing_service.settings import MarketingApiSettings

pytestmark = pytest.mark.integration

LINK_SECRET = "a-secret-for-the-gateway-tests"
SMS_SECRET = "the-sms-gateway-inbound-secret"
INBOUND = "/api/v1/public/sms/inbound"
PHONE = "+8613912340000"


@pytest.fixture(scope="module")
def marketing(tmp_path_factory, signing_keys):
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('marketing')) / 'marketing.db'}"
    upgrade("marketing_service", url)
    database = Database(url)
    settings = load_settings(
        MarketingApiSettings,
        service_name="marketing",
        database_url=url,
        jwt_public_key_file=signing_keys.public,
        amqp_url="amqp://guest:guest@127.0.0.1:1/%2F",
        outbox_relay=False,
        grpc_reflection=False,
        health_check_seconds=3600,
        outbound_dispatch=False,
        survey_link_secret=LINK_SECRET,
        survey_link_base_url="https://crm.example.com",
    )
    api = GrpcApi(
        settings, database, build_bindings(database, settings), service_verifier(settings)
    )
    port = api.start("127.0.0.1:0")
    yield f"127.0.0.1:{port}", database
    api.stop(grace=0)
    database.dispose()


@pytest.fixture
def client(make_app, marketing):
    return make_app(marketing_addr=marketing[0], sms_inbound_secret=SMS_SECRET).test_client()


@pytest.fixture
def texted_customer(marketing):
    """A customer with marketing consent whom a campaign texted at :data:`PHONE`."""
    customer_id = str(uuid.uuid4())
    now = utcnow()
    event = customer_events.CustomerCreated(
        customer=customer_pb2.Customer(
            id=customer_id,
            type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL,
            display_name="李雷",
            owner_id="u",
            department_path="/hq/sales",
            etag='W/"1"',
            phone=PHONE,
        )
    )
    consent = customer_events.CustomerConsentChanged(
        customer_id=customer_id,
        purpose=customer_pb2.CONSENT_PURPOSE_MARKETING,
        state=customer_pb2.CONSENT_STATE_GRANTED,
    )
    with marketing[1].unit_of_work() as uow:
        read_model.record_event(uow, event, event_id=str(uuid.uuid4()), occurred_at=now, now=now)
        read_model.record_event(uow, consent, event_id=str(uuid.uuid4()), occurred_at=now, now=now)
        uow.session.add(
            OutboundMessage(
                id=str(uuid.uuid4()),
                idempotency_key=f"t:{uuid.uuid4()}",
                customer_id=customer_id,
                channel="sms",
                category="campaign",
                source_ref="campaign:t",
                template_key="",
                subject="",
                body="促销",
                variables={},
                requires_consent=True,
                counts_toward_cap=True,
                state="sent",
                attempt_count=1,
                next_attempt_time=now,
                recipient_address=PHONE,
                send_time=now,
                create_time=now,
                update_time=now,
            )
        )
    return customer_id


def _consent(marketing, customer_id: str) -> bool:
    with marketing[1].unit_of_work(readonly=True) as uow:
        return uow.session.get(CustomerProfile, customer_id).marketing_consent


def _post(
    client,
    payload: dict,
    *,
    secret: str = SMS_SECRET,
    stamp: int | None = None,
    header: str | None = None,
):
    body = json.dumps(payload, ensure_ascii=False).encode()
    stamp = int(time.time()) if stamp is None else stamp
    signature = header if header is not None else sign(secret, stamp, body)
    return client.post(
        INBOUND,
        data=body,
        headers={SIGNATURE_HEADER: signature, "Content-Type": "application/json"},
    )


REPLY = {"from": PHONE, "text": "退订", "received_at": "2026-03-01T08:30:00Z"}


@pytest.mark.parametrize(
    "forged",
    [
        {"secret": "another-secret-entirely"},  # signed by someone else
        {"stamp": int(time.time()) - 3600},  # a genuine signature, replayed an hour later
        {"header": ""},  # not signed
        {"header": "t=1,v1=00"},
    ],
)
def test_an_inbound_reply_without_a_genuine_fresh_signature_is_401_and_changes_nothing(
    client, marketing, texted_customer, forged
):
    refused = _post(client, REPLY, **forged)

    assert refused.status_code == 401, refused.get_data(as_text=True)
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert _consent(marketing, texted_customer) is True


def test_a_signed_reply_that_is_not_an_opt_out_changes_nothing(client, marketing, texted_customer):
    answered = _post(client, {**REPLY, "text": "好的，谢谢"})

    assert answered.status_code == 200, answered.get_data(as_text=True)
    assert answered.get_json() == {"opt_out": False, "unsubscribed_count": 0}
    assert _consent(marketing, texted_customer) is True


def test_a_signed_body_that_is_not_a_reply_is_422(client):
    assert _post(client, {"text": "退订"}).status_code == 422


def test_a_forged_unsubscribe_link_is_404_and_says_nothing_of_why(
    client, marketing, texted_customer
):
    genuine = unsubscribe.link_for(
        LINK_SECRET, "", texted_customer, "email", datetime.now(UTC)
    ).removeprefix("/u/")
    forged = genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB")
    survey_token = genuine.split(".")[0] + "." + "A" * 43

    answers = [
        client.post(f"/api/v1/public/unsubscribe/{token}")
        for token in (forged, survey_token, "not-a-token")
    ]

    assert [a.status_code for a in answers] == [404, 404, 404]
    assert len({a.get_json()["detail"] for a in answers}) == 1
    assert _consent(marketing, texted_customer) is True


def test_a_genuine_link_the_marketing_service_cannot_act_on_is_refused_and_changes_nothing(
    client, marketing, texted_customer
):
    """This marketing service has no account to withdraw the consent with at the customer
    service: the link is refused (409), never a 500, and the read model still says "consent"."""
    genuine = unsubscribe.link_for(
        LINK_SECRET, "", texted_customer, "email", datetime.now(UTC)
    ).removeprefix("/u/")

    refused = client.post(f"/api/v1/public/unsubscribe/{genuine}")

    assert refused.status_code == 409, refused.get_data(as_text=True)
    assert _consent(marketing, texted_customer) is True
