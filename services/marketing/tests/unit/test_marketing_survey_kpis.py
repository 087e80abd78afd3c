"""The satisfaction figures of GetMarketingKpis: per period and department subtree."""

from datetime import UTC, datetime

from marketing_service.campaign_kpis import Period, in_subtree_of
from marketing_service.survey_kpis import AnswerRow, InvitationRow, compute

MARCH = Period(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))
IN_MARCH, IN_APRIL = datetime(2026, 3, 10, tzinfo=UTC), datetime(2026, 4, 2, tzinfo=UTC)


def figures(answers, invitations, root=""):
    return {f.key: (f.value, f.sample_size)
            for f in compute(answers, invitations, MARCH, in_subtree_of(root))}


def test_satisfaction_nps_response_rate_and_low_share_of_the_period_and_subtree():
    answers = [AnswerRow("/hq/sales/east", IN_MARCH, 5.0, 10, False),
               AnswerRow("/hq/sales/east", IN_MARCH, 3.0, 6, True),
               AnswerRow("/hq/sales/north", IN_MARCH, 4.0, None, False),
               AnswerRow("/hq/sales/east", IN_APRIL, 1.0, 0, True)]  # another period
    invitations = [InvitationRow("/hq/sales/east", IN_MARCH, True, True),
                   InvitationRow("/hq/sales/east", IN_MARCH, True, True),
                   InvitationRow("/hq/sales/east", IN_MARCH, True, False),
                   InvitationRow("/hq/sales/east", IN_MARCH, True, False)]
    east = figures(answers, invitations, "/hq/sales/east")
    assert east["satisfaction_score"] == (4.0, 2)
    assert east["satisfaction_score_100"] == (80.0, 2)
    assert east["nps"] == (0.0, 2)  # one promoter, one detractor
    assert east["survey_response_rate"] == (0.5, 4)
    assert east["low_score_share"] == (0.5, 2)
    everyone = figures(answers, invitations)
    assert everyone["satisfaction_score"] == (4.0, 3)


def test_no_answers_give_zeros_with_no_sample():
    assert figures([], [])["nps"] == (0.0, 0)
    assert figures([], [])["satisfaction_score"] == (0.0, 0)
