"""Rows ⇄ protos for campaigns, their recipients and responses. Enums are stored by their
short lower-case names (``running``, ``suppressed_no_consent``, ``click``)."""

from __future__ import annotations

from crm.common.v1 import types_pb2
from crm.marketing.v1 import marketing_pb2
from crm_shared.timestamps import to_timestamp

from marketing_service.models import Campaign, CampaignRecipient, CampaignResponseRecord
from marketing_service.segment_views import EnumNames

STATES = EnumNames(marketing_pb2.CampaignState, "CAMPAIGN_STATE_")
RECIPIENT_STATUSES = EnumNames(marketing_pb2.RecipientStatus, "RECIPIENT_STATUS_")
RESPONSE_KINDS = EnumNames(marketing_pb2.ResponseKind, "RESPONSE_KIND_")
CHANNELS = EnumNames(types_pb2.DeliveryChannel, "DELIVERY_CHANNEL_")
SURVEY_SCHEDULES = EnumNames(marketing_pb2.SurveySchedule, "SURVEY_SCHEDULE_")
VARIANT_FIELDS = ("id", "name", "weight_percent", "template_key", "subject", "body", "locale",
                  "landing_url")


def etag_of(campaign: Campaign) -> str:
    return f'W/"{campaign.version}"'


def money(currency: str | None, amount_minor: int) -> types_pb2.Money | None:
    return types_pb2.Money(currency_code=currency, amount_minor=amount_minor) if currency else None


def variant_to_json(variant: marketing_pb2.CampaignVariant) -> dict:
    return {"id": variant.id.strip(), "name": variant.name.strip(),
            "weight_percent": variant.weight_percent, "template_key": variant.template_key.strip(),
            "subject": variant.subject, "body": variant.body, "locale": variant.locale,
            "landing_url": variant.landing_url.strip()}


def variant_to_proto(variant: dict) -> marketing_pb2.CampaignVariant:
    return marketing_pb2.CampaignVariant(**{name: value for name, value in variant.items()
                                            if name in VARIANT_FIELDS})


def campaign_to_proto(campaign: Campaign,
                      stats: marketing_pb2.CampaignStats | None = None) -> marketing_pb2.Campaign:
    return marketing_pb2.Campaign(
        id=campaign.id,
        name=campaign.name,
        description=campaign.description,
        objective=campaign.objective,
        state=STATES.value(campaign.state),
        channel=CHANNELS.value(campaign.channel),
        segment_ids=list(campaign.segment_ids or []),
        excluded_segment_ids=list(campaign.excluded_segment_ids or []),
        variants=[variant_to_proto(variant) for variant in campaign.variants or []],
        schedule_time=to_timestamp(campaign.schedule_time),
        end_time=to_timestamp(campaign.end_time),
        budget=money(campaign.budget_currency, campaign.budget_minor),
        cost=money(campaign.cost_currency, campaign.cost_minor),
        survey_id=campaign.survey_id or "",
        survey_schedule=SURVEY_SCHEDULES.value(campaign.survey_schedule),
        stats=stats,
        owner_id=campaign.owner_id,
        department_path=campaign.department_path,
        launch_time=to_timestamp(campaign.launch_time),
        complete_time=to_timestamp(campaign.complete_time),
        create_time=to_timestamp(campaign.create_time),
        update_time=to_timestamp(campaign.update_time),
        created_by=campaign.created_by,
        updated_by=campaign.updated_by,
        etag=etag_of(campaign),
    )


def recipient_to_proto(recipient: CampaignRecipient) -> marketing_pb2.CampaignRecipient:
    return marketing_pb2.CampaignRecipient(
        campaign_id=recipient.campaign_id,
        customer_id=recipient.customer_id,
        variant_id=recipient.variant_id,
        status=RECIPIENT_STATUSES.value(recipient.status),
        delivery_id=recipient.delivery_id or "",
        send_time=to_timestamp(recipient.send_time),
        deliver_time=to_timestamp(recipient.deliver_time),
        response_time=to_timestamp(recipient.response_time),
        error=recipient.error or "",
    )


def response_to_proto(response: CampaignResponseRecord) -> marketing_pb2.CampaignResponse:
    return marketing_pb2.CampaignResponse(
        id=response.id,
        campaign_id=response.campaign_id,
        customer_id=response.customer_id,
        variant_id=response.variant_id,
        kind=RESPONSE_KINDS.value(response.kind),
        occur_time=to_timestamp(response.occur_time),
        detail=response.detail,
    )
