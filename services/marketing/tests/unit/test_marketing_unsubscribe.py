"""Unsubscribe links and 退订 replies (marketing_service.unsubscribe): a link names one customer
and channel and cannot be forged, changed or taken for a survey link (nor a survey link for
it); an opt-out reply is recognised however it is typed; and only marketing messages are
handed over marked as such, an e-mail with its link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from crm.common.v1 import types_pb2
from crm.notification.v1 import notification_pb2
from crm_shared.signed_links import ExpiredLink, InvalidLink
from marketing_service import survey_links, unsubscribe

SECRET = "unsubscribe-test-secret-of-some-length"
NOW = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
BASE = "https://crm.example.com"


def _token(customer="c-1", channel="email", when=NOW) -> str:
    url = unsubscribe.link_for(SECRET, BASE + "/", customer, channel, when)
    assert url.startswith(f"{BASE}/u/")
    return url.removeprefix(f"{BASE}/u/")


def test_a_link_names_its_customer_and_channel():
    assert unsubscribe.verify(SECRET, _token("c-1", "sms"), NOW) == unsubscribe.Unsubscription(
        "c-1", "sms"
    )


def test_a_link_works_for_a_year_and_then_expires():
    token = _token()
    assert unsubscribe.verify(SECRET, token, NOW + timedelta(days=365)).customer_id == "c-1"
    with pytest.raises(ExpiredLink):
        unsubscribe.verify(SECRET, token, NOW + timedelta(days=unsubscribe.LINK_DAYS))


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # the signature changed
        lambda t: "YzI6ZW1haWw6OTk5OTk5OTk5OQ" + t[t.index(".") :],  # another customer's claims
        lambda t: t + "x",
        lambda t: "",
        lambda t: "退订." + t,
    ],
)
def test_a_changed_or_made_up_token_is_refused(mangle):
    with pytest.raises(InvalidLink):
        unsubscribe.verify(SECRET, mangle(_token()), NOW)


def test_a_survey_link_is_no_unsubscribe_link_and_back():
    survey_token = survey_links.sign(SECRET, "c-1:email", NOW + timedelta(days=30))
    with pytest.raises(InvalidLink):
        unsubscribe.verify(SECRET, survey_token, NOW)
    with pytest.raises(InvalidLink):
        survey_links.verify(SECRET, _token(), NOW)


def test_another_secret_does_not_verify():
    with pytest.raises(InvalidLink):
        unsubscribe.verify("another-secret-of-some-length", _token(), NOW)


@pytest.mark.parametrize(
    "text", ["T", "t", "TD", "td", " T D ", "退订", " 退 订 ", "退订。", "Td\n"]
)
def test_opt_out_replies_are_recognised_however_typed(text):
    assert unsubscribe.is_opt_out(text)


@pytest.mark.parametrize("text", ["", "好的", "TT", "不要退订", "T 谢谢", "STOP1"])
def test_other_replies_are_not_opt_outs(text):
    assert not unsubscribe.is_opt_out(text)


def test_a_number_is_matched_as_it_may_have_been_texted():
    assert unsubscribe.phone_forms("13912345678") >= {"13912345678", "+8613912345678"}
    assert unsubscribe.phone_forms("+86 139-1234-5678") >= {"13912345678", "+8613912345678"}
    assert unsubscribe.phone_forms("no number") == set()


class _Settings:
    survey_link_secret = SECRET
    survey_link_base_url = BASE


def _message(channel) -> notification_pb2.OutboundMessage:
    return notification_pb2.OutboundMessage(
        idempotency_key="k", channel=channel, customer_id="c-9", category="campaign"
    )


def test_a_marketing_email_is_handed_over_with_its_unsubscribe_link():
    message = _message(types_pb2.DELIVERY_CHANNEL_EMAIL)
    unsubscribe.mark_marketing(message, True, _Settings(), NOW)

    assert message.marketing
    token = message.unsubscribe_url.removeprefix(f"{BASE}/u/")
    assert unsubscribe.verify(SECRET, token, NOW) == unsubscribe.Unsubscription("c-9", "email")


def test_a_marketing_sms_is_marked_without_a_link_and_a_transactional_message_is_left_alone():
    sms = _message(types_pb2.DELIVERY_CHANNEL_SMS)
    unsubscribe.mark_marketing(sms, True, _Settings(), NOW)
    service = _message(types_pb2.DELIVERY_CHANNEL_EMAIL)
    unsubscribe.mark_marketing(service, False, _Settings(), NOW)

    assert sms.marketing and sms.unsubscribe_url == ""
    assert not service.marketing and service.unsubscribe_url == ""
