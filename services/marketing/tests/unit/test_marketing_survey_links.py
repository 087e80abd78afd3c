"""Signed survey links: genuine tokens verify until they expire; anything else is refused."""

from datetime import UTC, datetime, timedelta

import pytest
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


def test_the_link_is_the_gateways_public_form_route():
    assert link_url("https://crm.example.com/", "abc.def") == \
        "https://crm.example.com/api/v1/surveys/respond/abc.def"
