"""Validation and field-mask application of the marketing policy. Pure."""

from datetime import UTC, datetime

from crm.common.v1 import types_pb2
from crm.marketing.v1 import marketing_pb2
from marketing_service import marketing_policy
from marketing_service.frequency_cap import Cap
from marketing_service.marketing_policy import DEFAULT, updated, violations

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def test_defaults():
    assert DEFAULT.frequency_caps == (Cap("", 3, 7), Cap("", 8, 30))
    assert (DEFAULT.low_score_threshold, DEFAULT.improvement_low_score_share,
            DEFAULT.survey_invitation_valid_days, DEFAULT.default_locale) == (4, 0.2, 14, "zh-CN")


def test_only_the_masked_fields_are_checked_and_changed():
    data = marketing_pb2.MarketingPolicy(low_score_threshold=3, default_locale="xx")
    assert violations(data, {"low_score_threshold"}) == []
    changed = updated(DEFAULT, data, {"low_score_threshold"}, actor_id="u-admin", now=NOW)
    assert changed.low_score_threshold == 3
    assert changed.default_locale == "zh-CN"
    assert changed.frequency_caps == DEFAULT.frequency_caps
    assert (changed.updated_by, changed.update_time) == ("u-admin", NOW)


def test_each_bad_value_is_named():
    data = marketing_pb2.MarketingPolicy(
        frequency_caps=[marketing_pb2.FrequencyCap(channel=types_pb2.DELIVERY_CHANNEL_WEBHOOK,
                                                   max_messages=1, window_days=7),
                        marketing_pb2.FrequencyCap(max_messages=0, window_days=7)],
        low_score_threshold=9, improvement_low_score_share=1.5, survey_invitation_valid_days=0,
        default_locale="fr-FR")
    fields = {violation.field for violation in violations(data, set(marketing_policy.UPDATABLE))}
    assert fields == {"policy.frequency_caps[0]", "policy.frequency_caps[1]",
                      "policy.low_score_threshold", "policy.improvement_low_score_share",
                      "policy.survey_invitation_valid_days", "policy.default_locale"}


def test_caps_go_through_the_proto_and_back():
    data = marketing_pb2.MarketingPolicy(frequency_caps=[
        marketing_pb2.FrequencyCap(channel=types_pb2.DELIVERY_CHANNEL_SMS, max_messages=2,
                                   window_days=30),
        marketing_pb2.FrequencyCap(max_messages=5, window_days=7)])
    changed = updated(DEFAULT, data, {"frequency_caps"}, actor_id="u", now=NOW)
    assert changed.frequency_caps == (Cap("sms", 2, 30), Cap("", 5, 7))
    assert list(marketing_policy.to_proto(changed).frequency_caps) == list(data.frequency_caps)
