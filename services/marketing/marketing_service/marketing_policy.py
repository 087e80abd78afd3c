"""The marketing policy: the frequency caps and the survey figures every part reads.

One row (id 1) once someone changed it; until then the defaults below hold. Other parts read
it with :func:`current` (``current(session).low_score_threshold`` ...).

Defaults: caps of at most 3 marketing messages per customer in 7 days and 8 in 30 days over
all channels (the documents give no figure; a weekly follow-up of an at-risk customer plus one
campaign fits inside); ratings below 4 are low scores; an improvement item is opened from a
20 % share of low scores in a dimension; a survey link stays valid 14 days; messages to a
customer whose language is unknown are in ``zh-CN``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crm.common.v1 import types_pb2
from crm.marketing.v1 import marketing_pb2
from crm_shared.errors import FieldViolation
from crm_shared.marketing_channels import MARKETING_CHANNELS
from crm_shared.timestamps import to_timestamp
from sqlalchemy.orm import Session

from marketing_service import frequency_cap
from marketing_service.frequency_cap import Cap
from marketing_service.models import MarketingPolicySettings

LOCALES = ("zh-CN", "en-US")
CAP_CHANNELS = {types_pb2.DELIVERY_CHANNEL_UNSPECIFIED: "", **MARKETING_CHANNELS}
CAP_CHANNEL_VALUES = {name: value for value, name in CAP_CHANNELS.items()}
UPDATABLE = ("frequency_caps", "low_score_threshold", "improvement_low_score_share",
             "survey_invitation_valid_days", "default_locale")


@dataclass(frozen=True)
class Policy:
    frequency_caps: tuple[Cap, ...]
    low_score_threshold: int
    improvement_low_score_share: float
    survey_invitation_valid_days: int
    default_locale: str
    updated_by: str = ""
    update_time: datetime | None = None


DEFAULT = Policy(frequency_caps=frequency_cap.DEFAULT_CAPS, low_score_threshold=4,
                 improvement_low_score_share=0.2, survey_invitation_valid_days=14,
                 default_locale="zh-CN")


def current(session: Session) -> Policy:
    row = session.get(MarketingPolicySettings, 1)
    if row is None:
        return DEFAULT
    return Policy(
        frequency_caps=tuple(Cap(cap["channel"], cap["max_messages"], cap["window_days"])
                             for cap in row.frequency_caps),
        low_score_threshold=row.low_score_threshold,
        improvement_low_score_share=row.improvement_low_score_share,
        survey_invitation_valid_days=row.survey_invitation_valid_days,
        default_locale=row.default_locale, updated_by=row.updated_by,
        update_time=row.update_time)


def store(session: Session, policy: Policy) -> None:
    row = session.get(MarketingPolicySettings, 1, with_for_update=True)
    if row is None:
        row = MarketingPolicySettings(id=1)
        session.add(row)
    row.frequency_caps = [{"channel": cap.channel, "max_messages": cap.max_messages,
                           "window_days": cap.window_days} for cap in policy.frequency_caps]
    row.low_score_threshold = policy.low_score_threshold
    row.improvement_low_score_share = policy.improvement_low_score_share
    row.survey_invitation_valid_days = policy.survey_invitation_valid_days
    row.default_locale = policy.default_locale
    row.updated_by = policy.updated_by
    row.update_time = policy.update_time


def caps_from_proto(caps) -> list[Cap]:
    return [Cap(CAP_CHANNELS.get(cap.channel, f"#{cap.channel}"), cap.max_messages,
                cap.window_days) for cap in caps]


def violations(data: marketing_pb2.MarketingPolicy, paths: set[str]) -> list[FieldViolation]:
    """Field violations of the values named in ``paths``."""
    found: list[FieldViolation] = []
    if "frequency_caps" in paths:
        for index, problem in frequency_cap.cap_problems(caps_from_proto(data.frequency_caps)):
            where = "policy.frequency_caps" if index is None else f"policy.frequency_caps[{index}]"
            found.append(FieldViolation(where, problem))
    if "low_score_threshold" in paths and not 2 <= data.low_score_threshold <= 5:
        found.append(FieldViolation("policy.low_score_threshold",
                                    "must be 2..5 (ratings are 1..5)"))
    if "improvement_low_score_share" in paths and not (
            0 < data.improvement_low_score_share <= 1):
        found.append(FieldViolation("policy.improvement_low_score_share",
                                    "must be a share above 0 and at most 1"))
    if "survey_invitation_valid_days" in paths and not 1 <= data.survey_invitation_valid_days <= 365:
        found.append(FieldViolation("policy.survey_invitation_valid_days", "must be 1..365"))
    if "default_locale" in paths and data.default_locale not in LOCALES:
        found.append(FieldViolation("policy.default_locale", "must be zh-CN or en-US"))
    return found


def updated(policy: Policy, data: marketing_pb2.MarketingPolicy, paths: set[str], *,
            actor_id: str, now: datetime) -> Policy:
    """``policy`` with the values of ``data`` named in ``paths`` (already validated)."""
    return Policy(
        frequency_caps=(tuple(caps_from_proto(data.frequency_caps))
                        if "frequency_caps" in paths else policy.frequency_caps),
        low_score_threshold=(data.low_score_threshold if "low_score_threshold" in paths
                             else policy.low_score_threshold),
        improvement_low_score_share=(data.improvement_low_score_share
                                     if "improvement_low_score_share" in paths
                                     else policy.improvement_low_score_share),
        survey_invitation_valid_days=(data.survey_invitation_valid_days
                                      if "survey_invitation_valid_days" in paths
                                      else policy.survey_invitation_valid_days),
        default_locale=data.default_locale if "default_locale" in paths else policy.default_locale,
        updated_by=actor_id, update_time=now)


def to_proto(policy: Policy) -> marketing_pb2.MarketingPolicy:
    return marketing_pb2.MarketingPolicy(
        frequency_caps=[marketing_pb2.FrequencyCap(
            channel=CAP_CHANNEL_VALUES[cap.channel], max_messages=cap.max_messages,
            window_days=cap.window_days) for cap in policy.frequency_caps],
        low_score_threshold=policy.low_score_threshold,
        improvement_low_score_share=policy.improvement_low_score_share,
        survey_invitation_valid_days=policy.survey_invitation_valid_days,
        default_locale=policy.default_locale,
        update_time=to_timestamp(policy.update_time),
        updated_by=policy.updated_by)
