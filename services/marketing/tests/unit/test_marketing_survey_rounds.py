"""Which round of a campaign's scheduled survey is due (issue 19): pure rules."""

from __future__ import annotations

from datetime import UTC, datetime

from marketing_service.survey_rounds import ONCE, QUARTERLY, occasion_key, round_of

LAUNCH = datetime(2026, 12, 8, 9, tzinfo=UTC)


def test_a_quarterly_round_is_the_quarter_of_the_pass():
    assert round_of(QUARTERLY, LAUNCH, LAUNCH) == "2026-Q4"
    assert round_of(QUARTERLY, LAUNCH, datetime(2026, 12, 31, 23, 59, tzinfo=UTC)) == "2026-Q4"
    assert round_of(QUARTERLY, LAUNCH, datetime(2027, 1, 1, tzinfo=UTC)) == "2027-Q1"


def test_a_survey_sent_once_keeps_the_round_of_its_launch():
    assert round_of(ONCE, LAUNCH, datetime(2027, 5, 1, tzinfo=UTC)) == "2026-Q4"


def test_no_schedule_has_no_round_and_the_key_names_campaign_customer_and_round():
    assert round_of("", LAUNCH, LAUNCH) is None
    assert occasion_key("c1", "k1", "2026-Q4") == "campaign-survey:c1:k1:2026-Q4"
