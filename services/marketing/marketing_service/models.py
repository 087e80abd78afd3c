"""The marketing service's tables.

First the read model of the customer facts marketing needs, kept current from customer and
sales events (marketing never reads another service's database and never asks the customer
service once per customer); then one section per part of the service (segments; campaigns and
attribution; triggers, surveys and improvement items).
"""

from __future__ import annotations

from datetime import date, datetime

from crm_shared.db import NAMING_CONVENTION, UtcDateTime
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


PERSONAL = {"personal": True}
"""Column ``info`` of columns holding a customer's personal data: erasure blanks exactly these and
the personal-data export lists them; every table about a customer has a ``customer_id`` column,
which a merge re-points to the surviving customer."""


class CustomerProfile(Base):
    """What marketing knows of one customer, from events. Value classes are stored as their
    letter (``A``), lifecycle stages by their short lower-case name (``potential``); unknown
    facts are NULL."""

    __tablename__ = "customer_profiles"
    __table_args__ = (
        Index("ix_customer_profiles_owner_id", "owner_id"),
        Index("ix_customer_profiles_department_path", "department_path"),
        Index("ix_customer_profiles_birth_month_day", "birth_month_day"),
        Index("ix_customer_profiles_contract_end_date", "contract_end_date"),
        Index("ix_customer_profiles_first_contract_month_day", "first_contract_month_day"),
    )

    customer_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    state: Mapped[str] = mapped_column(String(20))
    """``active``, ``merged`` (into ``merged_into_id``) or ``erased``."""
    merged_into_id: Mapped[str | None] = mapped_column(String(36))
    customer_type: Mapped[str] = mapped_column(String(20))
    """``enterprise`` or ``individual``."""
    display_name: Mapped[str] = mapped_column(String(300), info=PERSONAL)
    owner_id: Mapped[str] = mapped_column(String(64))
    department_path: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320), info=PERSONAL)
    """Masked (``l***@example.com``), as the customer events carry it: whether the customer
    has one. The address is read from the customer service as a message is sent."""
    phone: Mapped[str | None] = mapped_column(String(40), info=PERSONAL)
    """Masked (``+86*********78``), like ``email``."""
    locale: Mapped[str] = mapped_column(String(10))
    """``zh-CN`` or ``en-US``: the language of the messages the customer gets."""
    tag_ids: Mapped[list] = mapped_column(JSON)
    value_class: Mapped[str | None] = mapped_column(String(1))
    lifecycle_stage: Mapped[str | None] = mapped_column(String(20))
    rfm_recency_score: Mapped[int] = mapped_column(Integer)
    """1..5, 0 while unknown (likewise frequency and monetary)."""
    rfm_frequency_score: Mapped[int] = mapped_column(Integer)
    rfm_monetary_score: Mapped[int] = mapped_column(Integer)
    at_risk: Mapped[bool] = mapped_column(Boolean)
    risk_reason: Mapped[str | None] = mapped_column(String(500))
    marketing_consent: Mapped[bool] = mapped_column(Boolean)
    """False until the customer service says the customer consents to marketing (on every
    channel)."""
    email_marketing_consent: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    """The customer's marketing consent on e-mail when it differs from ``marketing_consent``
    (an unsubscribe link followed); None: as ``marketing_consent``. A later every-channel
    change sets it back to None (:func:`marketing_service.segment_rules.consent_on`)."""
    sms_marketing_consent: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    """Likewise on SMS (a 退订 reply)."""
    birth_date: Mapped[date | None] = mapped_column(Date, info=PERSONAL)
    birth_month_day: Mapped[str | None] = mapped_column(String(5), info=PERSONAL)
    """``MM-DD`` of ``birth_date``: the birthday trigger's index."""
    contract_end_date: Mapped[date | None] = mapped_column(Date)
    first_contract_date: Mapped[date | None] = mapped_column(Date)
    """Sign date of the customer's first signed contract (from ``contract.signed``): the start of
    the cooperation, whose anniversary (合作纪念日) the cooperation-anniversary trigger marks."""
    first_contract_month_day: Mapped[str | None] = mapped_column(String(5))
    """``MM-DD`` of ``first_contract_date``: the anniversary trigger's index."""
    last_purchase_date: Mapped[date | None] = mapped_column(Date)
    facts_version: Mapped[int] = mapped_column(Integer)
    """The customer record's version the facts were taken from: an older event arriving late
    does not overwrite newer facts."""
    industry: Mapped[str | None] = mapped_column(String(100))
    """Industry of an enterprise customer, as the customer record gives it."""
    source: Mapped[str | None] = mapped_column(String(30))
    """Source channel by its short name (``website_form``)."""
    purchase_count_12m: Mapped[int | None] = mapped_column(Integer)
    """Purchases in the 12 months before the latest one (from ``purchase.recorded``)."""
    spend_12m_minor: Mapped[int | None] = mapped_column(BigInteger)
    """Spend in the last 12 months, minor units (from ``customer.value_recomputed``)."""
    last_interaction_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    fact_times: Mapped[dict] = mapped_column(JSON, default=dict)
    """When each group of facts was last taken from an event (``{"tags": "<RFC 3339>"}``):
    facts from events that carry no record version are ordered by their occurrence."""
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)


# --- Segments and their members ----------------------------------------------------------------
# (plus two tables of the read model that a profile row cannot hold: the customer's active
# contracts, whose latest end date is ``contract_end_date``, and behaviour over time windows)


class Segment(Base):
    """A rule over the read model (``rule``: the proto3 JSON of a ``ConditionGroup``) and the
    contact strategy of its members. Kinds are stored by short name (``high_value``)."""

    __tablename__ = "segments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(2000))
    kind: Mapped[str] = mapped_column(String(20))
    rule: Mapped[dict] = mapped_column(JSON)
    contact_strategy: Mapped[dict] = mapped_column(JSON)
    """The proto3 JSON of a ``ContactStrategy``."""
    active: Mapped[bool] = mapped_column(Boolean)
    """False pauses membership updates; members stay as they are."""
    time_relative: Mapped[bool] = mapped_column(Boolean)
    """The rule reads the clock (``WITHIN_LAST_DAYS``, birthdays, 90-day counts...): the daily
    re-evaluation covers it."""
    member_count: Mapped[int] = mapped_column(Integer)
    evaluate_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    owner_id: Mapped[str] = mapped_column(String(64))
    department_path: Mapped[str] = mapped_column(String(255))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    request_id: Mapped[str | None] = mapped_column(String(36), unique=True)


class SegmentMember(Base):
    """One customer currently in one segment."""

    __tablename__ = "segment_members"
    __table_args__ = (
        Index("ix_segment_members_customer_id", "customer_id"),
        Index("ix_segment_members_segment_id_join_time", "segment_id", "join_time"),
    )

    segment_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("segments.id", ondelete="CASCADE"), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    join_time: Mapped[datetime] = mapped_column(UtcDateTime)
    cause_event_id: Mapped[str | None] = mapped_column(String(36))


class ContactOccasion(Base):
    """One member's occasion of one action of a segment's contact strategy (issue 19): the
    customer was in the segment during ``period`` of the action's cadence, and the work was
    handed on once — a ``marketing.contact_due`` event for the owner's task, or a message in
    the sending queue (``outbound_message_id``). The key is the dedupe key downstream too.

    A trigger's care occasion (a birthday, a cooperation anniversary, a festival) is stored here
    too, once per customer (or contact), occasion and action kind whichever trigger takes it:
    key ``care:<action kind>:<customer id>:<trigger occasion>``, ``segment_id`` the trigger's
    segment or ``""``, ``action_kind`` the trigger's kind, ``period`` the year.

    A campaign's survey round (:mod:`marketing_service.survey_rounds`) is stored here too, once
    per member and round: key ``campaign-survey:<campaign id>:<customer id>:<round>``,
    ``segment_id`` the campaign's id, ``action_kind`` ``campaign_survey``, ``period`` the round
    (``2026-Q4``), ``outbound_message_id`` the invitation's message."""

    __tablename__ = "contact_occasions"
    __table_args__ = (
        Index("ix_contact_occasions_segment_id_action_kind_period", "segment_id", "action_kind",
              "period"),
        Index("ix_contact_occasions_customer_id", "customer_id"),
    )

    occasion_key: Mapped[str] = mapped_column(String(190), primary_key=True)
    """``strategy:<segment id>:<action kind>:<customer id>:<period>``."""
    segment_id: Mapped[str] = mapped_column(String(36))
    customer_id: Mapped[str] = mapped_column(String(36))
    action_kind: Mapped[str] = mapped_column(String(30))
    """Short name of the ``ContactActionKind`` (``follow_up``)."""
    period: Mapped[str] = mapped_column(String(10))
    """``2031-W10``, ``2031-03``, ``2031-Q1`` or ``2031``."""
    due_date: Mapped[date] = mapped_column(Date)
    outbound_message_id: Mapped[str | None] = mapped_column(String(36))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)


class ProfileContract(Base):
    """A contract of a customer as sales events told it; ``ended`` once expired or terminated
    (kept, so a late ``contract.signed`` does not bring an ended contract back)."""

    __tablename__ = "profile_contracts"
    __table_args__ = (Index("ix_profile_contracts_customer_id", "customer_id"),)

    contract_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36))
    end_date: Mapped[date] = mapped_column(Date)
    ended: Mapped[bool] = mapped_column(Boolean)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)


class ProfileContact(Base):
    """A contact person of an enterprise customer as customer events told it (``contact.*``),
    with only what the contact's birthday greeting needs; ``deleted`` once the contact is gone
    (kept, so a late ``contact.updated`` does not bring it back)."""

    __tablename__ = "profile_contacts"
    __table_args__ = (
        Index("ix_profile_contacts_customer_id", "customer_id"),
        Index("ix_profile_contacts_birth_month_day", "birth_month_day"),
    )

    contact_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36))
    birth_date: Mapped[date | None] = mapped_column(Date, info=PERSONAL)
    birth_month_day: Mapped[str | None] = mapped_column(String(5), info=PERSONAL)
    """``MM-DD`` of ``birth_date``: the birthday trigger's index, like the customer's."""
    deleted: Mapped[bool] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(Integer)
    """The contact record's version the facts were taken from (its ``etag``): an older event
    arriving late changes nothing."""
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)


class ProfileInteraction(Base):
    """A dated behaviour fact of a customer counted over a window: ``campaign_response``
    (from ``campaign.responded``) or ``survey_answer`` (from ``survey.answered``, with its
    overall score)."""

    __tablename__ = "profile_interactions"
    __table_args__ = (
        Index("ix_profile_interactions_customer_id_kind_occur_time", "customer_id", "kind",
              "occur_time"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(30))
    occur_time: Mapped[datetime] = mapped_column(UtcDateTime)
    score_hundredths: Mapped[int | None] = mapped_column(Integer)
    """A survey's overall score ×100 (4.25 is 425): averages compare exactly in SQL and Python."""
    source_id: Mapped[str] = mapped_column(String(36), unique=True)
    """Id of the response or answer: the same fact told twice is stored once."""



# --- Campaigns, variants, the sending queue, recipients, responses, attribution, the policy ----


class OutboundMessage(Base):
    """One message to one customer waiting in (or gone through) the sending queue: the one
    way marketing sends (campaigns, trigger messages, survey invitations). Written in the
    business transaction by :func:`marketing_service.outbound.enqueue`; the worker's
    dispatcher re-checks consent and the frequency cap at send time and hands it to the
    notification service. ``state`` is one of ``queued``, ``held`` (its campaign is paused),
    ``sending`` (claimed; in flight until ``lease_expire_time``), ``sent``, ``delivered``,
    ``failed``, ``cancelled``, ``suppressed_no_consent``, ``suppressed_frequency_cap``."""

    __tablename__ = "outbound_messages"
    __table_args__ = (
        Index("ix_outbound_messages_state_next_attempt_time", "state", "next_attempt_time"),
        Index("ix_outbound_messages_customer_id_send_time", "customer_id", "send_time"),
        Index("ix_outbound_messages_group_key_state", "group_key", "state"),
        Index("ix_outbound_messages_delivery_id", "delivery_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(190), unique=True)
    """The sender's key, passed on to the notification service (a repeated send is harmless)."""
    customer_id: Mapped[str] = mapped_column(String(36))
    channel: Mapped[str] = mapped_column(String(20))
    """``email``, ``sms`` (the channels that reach a customer's address)."""
    category: Mapped[str] = mapped_column(String(50))
    """``campaign``, ``survey_invitation``, ``birthday_greeting``...: who reacts to outcomes."""
    source_ref: Mapped[str] = mapped_column(String(200))
    """The sender's reference, e.g. ``campaign:<id>:variant:A``."""
    group_key: Mapped[str | None] = mapped_column(String(100))
    """Messages held, released or cancelled together (a campaign's id)."""
    template_key: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    variables: Mapped[dict] = mapped_column(JSON)
    """Template values without personal data; the recipient's are added at send time."""
    locale: Mapped[str | None] = mapped_column(String(10))
    """``zh-CN``/``en-US``; NULL: the recipient's at send time."""
    requires_consent: Mapped[bool] = mapped_column(Boolean)
    counts_toward_cap: Mapped[bool] = mapped_column(Boolean)
    state: Mapped[str] = mapped_column(String(30))
    attempt_count: Mapped[int] = mapped_column(Integer)
    next_attempt_time: Mapped[datetime] = mapped_column(UtcDateTime)
    """Not before this (``not_before``, then the back-off after a failed attempt)."""
    lease_expire_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """While ``sending``: after this a dispatcher that died is presumed gone and the message
    is claimed again (the idempotency key makes the repeat harmless)."""
    recipient_address: Mapped[str | None] = mapped_column(String(320), info=PERSONAL)
    """The e-mail or phone it was sent to, as the customer service gave it at the hand-over."""
    delivery_id: Mapped[str | None] = mapped_column(String(36))
    send_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """When it was claimed for sending (what the frequency cap counts)."""
    deliver_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(String(1000))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)




class Campaign(Base):
    """A campaign (plan -> schedule -> run -> evaluate; states in
    :mod:`marketing_service.campaign_lifecycle`). The variants are part of the campaign
    (``variants``: a list of ``{"id", "name", "weight_percent", "template_key", "subject",
    "body", "locale", "landing_url"}``); the channel is stored by short name (``email``);
    money as currency code + minor units (NULL currency: not given)."""

    __tablename__ = "campaigns"
    __table_args__ = (
        Index("ix_campaigns_owner_id", "owner_id"),
        Index("ix_campaigns_department_path", "department_path"),
        Index("ix_campaigns_create_time", "create_time"),
        Index("ix_campaigns_state_schedule_time", "state", "schedule_time"),
        Index("ix_campaigns_state_end_time", "state", "end_time"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(2000))
    objective: Mapped[str] = mapped_column(String(500))
    state: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20))
    segment_ids: Mapped[list] = mapped_column(JSON)
    excluded_segment_ids: Mapped[list] = mapped_column(JSON)
    variants: Mapped[list] = mapped_column(JSON)
    survey_id: Mapped[str | None] = mapped_column(String(36))
    survey_schedule: Mapped[str | None] = mapped_column(String(20))
    """How often the members are invited to ``survey_id`` (``once``, ``quarterly``; NULL: not
    at all), see :mod:`marketing_service.survey_rounds`."""
    schedule_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    end_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    budget_currency: Mapped[str | None] = mapped_column(String(3))
    budget_minor: Mapped[int] = mapped_column(BigInteger)
    cost_currency: Mapped[str | None] = mapped_column(String(3))
    cost_minor: Mapped[int] = mapped_column(BigInteger)
    audience_count: Mapped[int] = mapped_column(Integer)
    """Customers in the audience frozen at launch (0 before)."""
    owner_id: Mapped[str] = mapped_column(String(64))
    department_path: Mapped[str] = mapped_column(String(255))
    audience_scope: Mapped[str] = mapped_column(String(16))
    """How far the audience may reach (``own``, ``department``, ``all``): the owner's data scope
    at creation, ``all`` for a company-wide role (:mod:`marketing_service.customer_reach`)."""
    launch_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    complete_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    request_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    launch_request_id: Mapped[str | None] = mapped_column(String(36))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - read once by the mapper


class CampaignRecipient(Base):
    """One customer of a campaign's frozen audience: the variant allotted and what became of
    the message (``pending``, ``sent``, ``delivered``, ``failed``, ``suppressed_no_consent``,
    ``suppressed_frequency_cap``, ``cancelled``). No unique key over (campaign, customer): a
    customer merge re-points ``customer_id`` and may leave the survivor twice in one campaign."""

    __tablename__ = "campaign_recipients"
    __table_args__ = (
        Index("ix_campaign_recipients_campaign_id_id", "campaign_id", "id"),
        Index("ix_campaign_recipients_campaign_id_status", "campaign_id", "status"),
        Index("ix_campaign_recipients_customer_id", "customer_id"),
        Index("ix_campaign_recipients_outbound_message_id", "outbound_message_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    campaign_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("campaigns.id", ondelete="CASCADE"))
    customer_id: Mapped[str] = mapped_column(String(36))
    variant_id: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(30))
    outbound_message_id: Mapped[str | None] = mapped_column(String(36))
    delivery_id: Mapped[str | None] = mapped_column(String(36))
    send_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    deliver_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    response_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    error: Mapped[str | None] = mapped_column(String(1000))


class CampaignResponseRecord(Base):
    """A customer's response to a campaign (click, reply, registration...). Kinds by short
    name (``click``)."""

    __tablename__ = "campaign_responses"
    __table_args__ = (
        Index("ix_campaign_responses_campaign_id_occur_time", "campaign_id", "occur_time"),
        Index("ix_campaign_responses_customer_id", "customer_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("campaigns.id", ondelete="CASCADE"))
    customer_id: Mapped[str] = mapped_column(String(36))
    variant_id: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    occur_time: Mapped[datetime] = mapped_column(UtcDateTime)
    detail: Mapped[str] = mapped_column(String(1000))
    request_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    created_by: Mapped[str] = mapped_column(String(64))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)


class CampaignAttribution(Base):
    """A sales fact attributed to a campaign (and variant) from a sales event: ``lead`` (from
    ``lead.created``), ``won`` (``opportunity.won``: a conversion and its amount) or
    ``purchase`` (``purchase.recorded``: revenue). One row per fact (``kind``, ``source_id``):
    the same event told twice counts once."""

    __tablename__ = "campaign_attributions"
    __table_args__ = (
        Index("ix_campaign_attributions_campaign_id", "campaign_id"),
        Index("ix_campaign_attributions_customer_id", "customer_id"),
        Index("ix_campaign_attributions_kind_source_id", "kind", "source_id", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    campaign_id: Mapped[str] = mapped_column(String(36))
    variant_id: Mapped[str] = mapped_column(String(20))
    """The variant the fact names, else the one allotted to the customer, else ``""``."""
    customer_id: Mapped[str | None] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[str] = mapped_column(String(100))
    """Id of the lead, opportunity or purchase."""
    currency_code: Mapped[str | None] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    occur_time: Mapped[datetime] = mapped_column(UtcDateTime)
    event_id: Mapped[str] = mapped_column(String(36))


class MarketingPolicySettings(Base):
    """The one row (id 1) of marketing configuration; absent until first changed (the
    defaults of :mod:`marketing_service.marketing_policy` apply)."""

    __tablename__ = "marketing_policy"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    frequency_caps: Mapped[list] = mapped_column(JSON)
    """``[{"channel": "" | "email" | "sms", "max_messages": 3, "window_days": 7}]``."""
    low_score_threshold: Mapped[int] = mapped_column(Integer)
    improvement_low_score_share: Mapped[float] = mapped_column(Float)
    survey_invitation_valid_days: Mapped[int] = mapped_column(Integer)
    default_locale: Mapped[str] = mapped_column(String(10))
    updated_by: Mapped[str] = mapped_column(String(64))
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)


# --- Triggers and their firings; surveys, invitations, answers, improvement items -------------


class Trigger(Base):
    """A journey step as data: what fires it (``kind``: ``birthday``, ``contract_renewal``,
    ``customer_at_risk``, ``ticket_closed``, ``lead_cold``, ``purchase_milestone``,
    ``segment_joined``) and what it does (``action``: ``{"kind", "channel", "template_key",
    "survey_id", "campaign_id"}`` with short names). Fires at most once per occasion."""

    __tablename__ = "triggers"
    __table_args__ = (Index("ix_triggers_kind_enabled", "kind", "enabled"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    enabled: Mapped[bool] = mapped_column(Boolean)
    offset_days: Mapped[int] = mapped_column(Integer)
    milestones: Mapped[list] = mapped_column(JSON)
    segment_id: Mapped[str | None] = mapped_column(String(36))
    condition: Mapped[dict] = mapped_column(JSON)
    """The proto3 JSON of a ``crm.common.v1.ConditionGroup`` over the read model; ``{}``: none."""
    action: Mapped[dict] = mapped_column(JSON)
    fire_count: Mapped[int] = mapped_column(BigInteger)
    last_fire_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    department_path: Mapped[str] = mapped_column(String(255))
    """The creator's department at creation."""
    audience_scope: Mapped[str] = mapped_column(String(16))
    """Whose customers it fires for (``own``, ``department``, ``all``): the creator's data scope
    at creation, ``all`` for a company-wide role (:mod:`marketing_service.customer_reach`)."""


class TriggerFiring(Base):
    """One firing of a trigger for a customer on one occasion (``birthday:2026``,
    ``ticket:<id>``, ``contract:<id>``, ``purchases:5``...): the unique key is what makes a
    redelivered event or a second timer pass do nothing."""

    __tablename__ = "trigger_firings"
    __table_args__ = (
        UniqueConstraint("trigger_id", "customer_id", "occasion_key"),
        Index("ix_trigger_firings_customer_id", "customer_id"),
        Index("ix_trigger_firings_fire_time", "fire_time"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    trigger_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(30))
    customer_id: Mapped[str] = mapped_column(String(36))
    occasion_key: Mapped[str] = mapped_column(String(150))
    source_event_id: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(40))
    """``done``, ``suppressed_no_consent``, ``suppressed_frequency_cap``, ``failed``; a message
    action is ``done`` once queued and follows its message's outcome afterwards."""
    outbound_message_id: Mapped[str | None] = mapped_column(String(36))
    delivery_id: Mapped[str | None] = mapped_column(String(36))
    survey_invitation_id: Mapped[str | None] = mapped_column(String(36))
    fire_time: Mapped[datetime] = mapped_column(UtcDateTime)


class Survey(Base):
    """A questionnaire (``questions``: ``[{"id", "dimension", "text", "type", "required",
    "options"}]``, types by short name ``rating_1_to_5``, ``nps_0_to_10``, ``text``,
    ``single_choice``); ``state`` ``draft``, ``active`` or ``closed``."""

    __tablename__ = "surveys"
    __table_args__ = (Index("ix_surveys_owner_id", "owner_id"),
                      Index("ix_surveys_create_time", "create_time"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(30))
    questions: Mapped[list] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20))
    locale: Mapped[str] = mapped_column(String(10))
    answer_count: Mapped[int] = mapped_column(BigInteger)
    owner_id: Mapped[str] = mapped_column(String(64))
    department_path: Mapped[str] = mapped_column(String(255))
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)


class SurveyInvitation(Base):
    """An invitation of one customer to one survey, answered through a signed link
    (:mod:`marketing_service.survey_links`); ``state`` ``pending`` (queued), ``sent``,
    ``answered``, ``expired``, ``suppressed`` (never sent: no consent, no address, failed)."""

    __tablename__ = "survey_invitations"
    __table_args__ = (
        Index("ix_survey_invitations_survey_id", "survey_id"),
        Index("ix_survey_invitations_customer_id", "customer_id"),
        Index("ix_survey_invitations_ticket_id", "ticket_id"),
        Index("ix_survey_invitations_create_time", "create_time"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    survey_id: Mapped[str] = mapped_column(String(36))
    customer_id: Mapped[str] = mapped_column(String(36))
    contact_id: Mapped[str | None] = mapped_column(String(36))
    ticket_id: Mapped[str | None] = mapped_column(String(36))
    ticket_number: Mapped[str | None] = mapped_column(String(40))
    campaign_id: Mapped[str | None] = mapped_column(String(36))
    trigger_id: Mapped[str | None] = mapped_column(String(36))
    channel: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20))
    expire_time: Mapped[datetime] = mapped_column(UtcDateTime)
    outbound_message_id: Mapped[str | None] = mapped_column(String(36))
    delivery_id: Mapped[str | None] = mapped_column(String(36))
    send_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    answer_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(64))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)


class SurveyAnswerRecord(Base):
    """The answer to one invitation (at most one: the unique invitation). Scores and choices
    are kept apart from the free texts, which are the customer's own words (personal)."""

    __tablename__ = "survey_answers"
    __table_args__ = (
        Index("ix_survey_answers_survey_id_submit_time", "survey_id", "submit_time"),
        Index("ix_survey_answers_customer_id", "customer_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    survey_id: Mapped[str] = mapped_column(String(36))
    invitation_id: Mapped[str] = mapped_column(String(36), unique=True)
    customer_id: Mapped[str] = mapped_column(String(36))
    ticket_id: Mapped[str | None] = mapped_column(String(36))
    campaign_id: Mapped[str | None] = mapped_column(String(36))
    scores: Mapped[dict] = mapped_column(JSON)
    """Question id -> score (ratings 1..5, NPS 0..10)."""
    choices: Mapped[dict] = mapped_column(JSON)
    """Question id -> chosen option."""
    texts: Mapped[dict] = mapped_column(JSON, info=PERSONAL)
    """Question id -> free text."""
    comment: Mapped[str] = mapped_column(Text, info=PERSONAL)
    overall_score: Mapped[float] = mapped_column(Float)
    nps: Mapped[int | None] = mapped_column(Integer)
    low_score: Mapped[bool] = mapped_column(Boolean)
    submit_time: Mapped[datetime] = mapped_column(UtcDateTime)


class ImprovementItem(Base):
    """Something to improve, from low scores in a dimension (``automatic``) or by hand;
    ``state`` ``open``, ``in_progress``, ``done`` or ``dismissed``."""

    __tablename__ = "improvement_items"
    __table_args__ = (Index("ix_improvement_items_survey_id_dimension", "survey_id", "dimension"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    survey_id: Mapped[str | None] = mapped_column(String(36))
    dimension: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    low_score_share: Mapped[float] = mapped_column(Float)
    answer_count: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[str] = mapped_column(String(64))
    department_path: Mapped[str] = mapped_column(String(255))
    due_date: Mapped[date | None] = mapped_column(Date)
    automatic: Mapped[bool] = mapped_column(Boolean)
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(64))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)


class PurchaseTally(Base):
    """Purchases recorded per customer since marketing started counting: what purchase
    milestone triggers compare (the read model's count is a 12-month window)."""

    __tablename__ = "purchase_tallies"

    customer_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    purchase_count: Mapped[int] = mapped_column(Integer)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
