"""Signed survey links: genuine tokens verify until they expire; anything else is refused."""

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marketing_service.survey_links import (
    ExpiredLink,
    InvalidLink,
    link_url,
    sign,
    verify,
)

SECRET = "a-survey-link-secret-for-tests"
NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
EXPIRY = NOW + timedelta(days=14)


def test_a_signed_token_names_its_invitation_and_expiry():
    claims = verify(SECRET, sign(SECRET, "inv-1", EXPIRY), NOW)
    assert claims.invitation_id == "inv-1"
    assert claims.expire_time == EXPIRY


def test_an_expired_token_is_expired_not_invalid():
    token = sign(SECRET, "inv-1", EXPIRY)
    with pytest.raises(ExpiredLink):
        verify(SECRET, token, EXPIRY)


@pytest.mark.parametrize("tamper", [
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # another signature
    lambda t: sign(SECRET, "inv-2", EXPIRY).split(".")[0] + "." + t.split(".")[1],  # other id
    lambda t: sign(SECRET, "inv-1", EXPIRY + timedelta(days=30)).split(".")[0] + "."
    + t.split(".")[1],  # a later expiry
    lambda t: t.split(".")[0],  # no signature
    lambda t: "not-a-token",
    lambda t: "",
])
def test_a_tampered_or_foreign_token_is_refused(tamper):
    with pytest.raises(InvalidLink):
        verify(SECRET, tamper(sign(SECRET, "inv-1", EXPIRY)), NOW)


def test_a_token_signed_with_another_secret_is_refused():
    with pytest.raises(InvalidLink):
        verify(SECRET, sign("another-secret-of-some-length", "inv-1", EXPIRY), NOW)


def test_the_link_is_the_public_survey_page():
    assert link_url("https://crm.example.com/", "abc.def") == "https://crm.example.com/s/abc.def"


@pytest.mark.parametrize("text", [
    "a.é",  # not ASCII: compare_digest refuses such text with a TypeError
    "é.é",
    "\ufffd\ufffd.\ufffd",  # what the gateway makes of a path's bytes that are not UTF-8
    "bm90LWE." + "é" * 43,
    "x" * 5000,  # very long
    "x" * 200 + "." + "y" * 200,
    ".",
    "..",
    "a.b.c",
    "bm90\x00LWE.c2ln",
    "A.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  # a payload that is not base64
])
def test_any_text_that_is_not_a_token_is_an_invalid_link(text):
    with pytest.raises(InvalidLink):
        verify(SECRET, text, NOW)


@pytest.mark.parametrize("cut", [1, 5, 20, 44, 60])
def test_a_truncated_token_is_an_invalid_link(cut):
    token = sign(SECRET, "inv-1", EXPIRY)
    with pytest.raises(InvalidLink):
        verify(SECRET, token[:-cut], NOW)


def test_a_genuine_signature_over_a_payload_that_is_not_ours_is_an_invalid_link():
    """Only a leaked secret makes these, but even then they are refused, not a crash."""
    for claims in ("inv-1:99999999999999999999", "inv-1:-99999999999999", ":123", "inv-1",
                   "inv-1:1e9"):
        payload = base64.urlsafe_b64encode(claims.encode()).decode().rstrip("=")
        signature = base64.urlsafe_b64encode(hmac.new(
            SECRET.encode(), payload.encode(), hashlib.sha256).digest()).decode().rstrip("=")
        with pytest.raises(InvalidLink):
            verify(SECRET, f"{payload}.{signature}", NOW)


@settings(max_examples=300, derandomize=True, database=None)
@given(text=st.text(max_size=400))
def test_verify_raises_nothing_but_its_two_errors(text):
    """Whatever the text, the caller maps exactly these two errors: nothing else escapes."""
    with pytest.raises((InvalidLink, ExpiredLink)):
        verify(SECRET, text, NOW)
