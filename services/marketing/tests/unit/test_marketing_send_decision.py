"""The send-time decision of the queue (consent, customer state, whether an address is known,
caps), the address a channel sends to, and its small arithmetic (phone numbers, back-off).
Pure."""

from datetime import UTC, datetime, timedelta

import pytest
from marketing_service import outbound
from marketing_service.frequency_cap import Cap
from marketing_service.outbound import (
    Decision,
    Recipient,
    address_for,
    decide,
    phone_e164,
    retry_delay,
)

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
# as the read model holds them: masked, as the customer events carry them
CONSENTING = Recipient(state="active", marketing_consent=True, email="l***@example.com",
                       phone="+86*********78", locale="zh-CN")
CAPS = [Cap("", 2, 7)]


def decision(recipient=CONSENTING, *, channel="email", requires_consent=True,
             counts_toward_cap=True, history=()):
    return decide(channel=channel, requires_consent=requires_consent,
                  counts_toward_cap=counts_toward_cap, recipient=recipient,
                  history=list(history), caps=CAPS, now=NOW)


def test_a_consenting_active_customer_with_an_address_and_room_gets_it():
    # (the address itself is read from the customer service as the message is handed over)
    assert decision() == Decision("sending")
    assert decision(channel="sms") == Decision("sending")


def test_never_without_consent():
    withdrawn = Recipient("active", False, "li@example.com", "13812345678", "zh-CN")
    assert decision(withdrawn).state == outbound.SUPPRESSED_NO_CONSENT
    assert decision(None).state == outbound.SUPPRESSED_NO_CONSENT
    # a message the customer asked for (no consent needed) goes
    assert decision(withdrawn, requires_consent=False).state == "sending"


def test_merged_and_erased_customers_are_not_sent_to():
    for state in ("merged", "erased"):
        assert decision(Recipient(state, True, "li@example.com", None, "zh-CN")) == Decision(
            outbound.CANCELLED, f"the customer is {state}")


def test_no_address_for_the_channel_fails_visibly():
    assert decision(Recipient("active", True, None, None, "zh-CN")) == Decision(
        outbound.FAILED, "no e-mail address known for the customer")
    no_phone = Recipient("active", True, "l***@example.com", None, "zh-CN")
    assert decision(no_phone, channel="sms").error == "no mobile phone known for the customer"


def test_a_channel_sends_to_a_usable_address_of_the_customer_service_only():
    assert address_for("email", " li@example.com ", None) == "li@example.com"
    assert address_for("sms", None, "138 1234 5678") == "+8613812345678"
    assert address_for("sms", "li@example.com", "021-1234") is None  # a landline takes no SMS
    assert address_for("email", "not an address", "13812345678") is None


def test_the_cap_holds_unless_the_message_does_not_count():
    history = [("email", NOW - timedelta(days=1)), ("sms", NOW - timedelta(days=2))]
    capped = decision(history=history)
    assert capped.state == outbound.SUPPRESSED_FREQUENCY_CAP
    assert capped.error == "frequency cap: at most 2 messages in 7 days"
    assert decision(history=history, counts_toward_cap=False).state == "sending"
    # consent is decided before the cap: a customer without consent is never "capped"
    withdrawn = Recipient("active", False, "li@example.com", None, "zh-CN")
    assert decision(withdrawn, history=history).state == outbound.SUPPRESSED_NO_CONSENT


@pytest.mark.parametrize(("given", "expected"), [
    ("13812345678", "+8613812345678"), ("138 1234 5678", "+8613812345678"),
    ("+86 138-1234-5678", "+8613812345678"), ("008613812345678", "+8613812345678"),
    ("+14155550123", "+14155550123"), ("021-12345", None), ("", None), (None, None),
    ("12812345678", None),
])
def test_phones_become_e164(given, expected):
    assert phone_e164(given) == expected


def test_back_off_doubles_up_to_an_hour():
    assert [retry_delay(attempt).total_seconds() for attempt in range(1, 9)] == [
        30, 60, 120, 240, 480, 960, 1920, 3600]
    assert retry_delay(40) == timedelta(hours=1)


def test_enqueue_refuses_what_cannot_be_sent():
    with pytest.raises(ValueError, match="cannot reach a customer"):
        outbound.channel_name("in_app")
    assert outbound.channel_name(2) == "email"  # DELIVERY_CHANNEL_EMAIL
    assert outbound.channel_name("sms") == "sms"
