"""Rows ⇄ protos for segments, their members and marketing profiles. Enums are stored by
their short lower-case names (``high_value``), value classes by their letter."""

from __future__ import annotations

from datetime import date

from crm.common.v1 import rules_pb2
from crm.marketing.v1 import marketing_pb2
from crm_shared.grpc.enums import EnumNames
from crm_shared.marketing_channels import CHANNEL_CONSENT_FIELDS, MARKETING_CHANNELS
from crm_shared.timestamps import to_timestamp
from google.protobuf import json_format

from marketing_service.models import CustomerProfile, Segment
from marketing_service.segment_rules import STAGES, VALUE_CLASSES, consent_on

KINDS = EnumNames(marketing_pb2.SegmentKind, "SEGMENT_KIND_")


def etag_of(segment: Segment) -> str:
    return f'W/"{segment.version}"'


def _date(value: date | None) -> str:
    return value.isoformat() if value else ""


def segment_to_proto(segment: Segment) -> marketing_pb2.Segment:
    message = marketing_pb2.Segment(
        id=segment.id,
        display_name=segment.display_name,
        description=segment.description,
        kind=KINDS.value(segment.kind),
        rule=json_format.ParseDict(segment.rule, rules_pb2.ConditionGroup(),
                                   ignore_unknown_fields=True),
        contact_strategy=json_format.ParseDict(segment.contact_strategy,
                                               marketing_pb2.ContactStrategy(),
                                               ignore_unknown_fields=True),
        active=segment.active,
        member_count=segment.member_count,
        owner_id=segment.owner_id,
        department_path=segment.department_path,
        create_time=to_timestamp(segment.create_time),
        update_time=to_timestamp(segment.update_time),
        created_by=segment.created_by,
        updated_by=segment.updated_by,
        etag=etag_of(segment),
    )
    if segment.evaluate_time is not None:
        message.evaluate_time.CopyFrom(to_timestamp(segment.evaluate_time))
    return message


def member_to_proto(segment_id: str, profile: CustomerProfile, join_time=None
                    ) -> marketing_pb2.SegmentMember:
    message = marketing_pb2.SegmentMember(
        segment_id=segment_id,
        customer_id=profile.customer_id,
        display_name=profile.display_name,
        owner_id=profile.owner_id,
        department_path=profile.department_path,
        value_class=VALUE_CLASSES.stored_to_number.get(profile.value_class or "", 0),
        lifecycle_stage=STAGES.stored_to_number.get(profile.lifecycle_stage or "", 0),
        at_risk=profile.at_risk,
    )
    if join_time is not None:
        message.join_time.CopyFrom(to_timestamp(join_time))
    return message


def channel_consents(profile: CustomerProfile) -> list[marketing_pb2.ChannelConsent]:
    """The consent on each channel marketing sends on, as a send there decides."""
    return [
        marketing_pb2.ChannelConsent(
            channel=value, granted=consent_on(profile, word),
            own=getattr(profile, CHANNEL_CONSENT_FIELDS[word]) is not None)
        for value, word in MARKETING_CHANNELS.items()
    ]


def profile_to_proto(profile: CustomerProfile, segment_ids: list[str],
                     messages_in_cap_window: int = 0) -> marketing_pb2.MarketingProfile:
    return marketing_pb2.MarketingProfile(
        customer_id=profile.customer_id,
        display_name=profile.display_name,
        customer_type=profile.customer_type,
        owner_id=profile.owner_id,
        department_path=profile.department_path,
        tag_ids=list(profile.tag_ids or ()),
        value_class=VALUE_CLASSES.stored_to_number.get(profile.value_class or "", 0),
        lifecycle_stage=STAGES.stored_to_number.get(profile.lifecycle_stage or "", 0),
        rfm_recency_score=profile.rfm_recency_score,
        rfm_frequency_score=profile.rfm_frequency_score,
        rfm_monetary_score=profile.rfm_monetary_score,
        at_risk=profile.at_risk,
        marketing_consent=profile.marketing_consent,
        channel_consents=channel_consents(profile),
        birth_date=_date(profile.birth_date),
        contract_end_date=_date(profile.contract_end_date),
        last_purchase_date=_date(profile.last_purchase_date),
        segment_ids=segment_ids,
        messages_in_cap_window=messages_in_cap_window,
        update_time=to_timestamp(profile.update_time),
    )
