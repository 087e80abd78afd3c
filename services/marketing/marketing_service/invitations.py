"""Survey invitations: created in the business transaction with their message in the sending
queue (:mod:`marketing_service.outbound`), kept in step with that message's outcome, and
answered through their signed link.

The link is the customer's key to the answer: whoever holds it may answer in the customer's
name. So it is signed only as the message goes (:func:`_signed_link`, a value made at send
time) and exists only in the message the customer gets. RPCs and the ``survey.invited``
event show the invitation's state, channel and times with an empty ``link_url``, and the queued
message holds no link.

Consent: an invitation to a service-satisfaction survey (after a ticket) is part of the service
the customer received, not marketing: it is sent without marketing consent and does not count
toward the marketing frequency caps. Relationship and campaign surveys are marketing: they need
consent and count toward the caps.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from crm.marketing.v1 import events_pb2 as marketing_events
from crm_shared.db import UnitOfWork
from crm_shared.errors import FailedPrecondition
from sqlalchemy import select

from marketing_service import marketing_policy, outbound, survey_links, triggers
from marketing_service.models import OutboundMessage, Survey, SurveyInvitation, TriggerFiring
from marketing_service.survey_views import invitation_to_proto

CATEGORY = "survey_invitation"
TEMPLATE_KEY = "survey_invitation"
MESSAGE_KEY_PREFIX = "survey-invitation:"
"""The invitation's message is keyed ``survey-invitation:<invitation id>``."""
PENDING, SENT, ANSWERED, EXPIRED, SUPPRESSED = "pending", "sent", "answered", "expired", "suppressed"
SERVICE_SATISFACTION = "service_satisfaction"


@dataclass(frozen=True)
class LinkSigner:
    """The secret and public base URL survey links are made with (from the settings)."""

    secret: str | None
    base_url: str

    @classmethod
    def of(cls, settings) -> LinkSigner:
        return cls(getattr(settings, "survey_link_secret", None),
                   getattr(settings, "survey_link_base_url", "http://127.0.0.1:8090"))

    def require_secret(self) -> str:
        if not self.secret:
            raise FailedPrecondition("survey links cannot be signed: SURVEY_LINK_SECRET is not "
                                     "configured for the marketing service")
        return self.secret

    def url(self, invitation: SurveyInvitation) -> str:
        if not self.secret:
            return ""
        token = survey_links.sign(self.secret, invitation.id, invitation.expire_time)
        return survey_links.link_url(self.base_url, token)


def create_invitation(uow: UnitOfWork, survey: Survey, *, customer_id: str, channel: str,
                      links: LinkSigner, now: datetime, created_by: str,
                      ticket_id: str | None = None, ticket_number: str | None = None,
                      campaign_id: str | None = None, trigger_id: str | None = None,
                      contact_id: str | None = None, request_id: str | None = None,
                      locale: str | None = None) -> SurveyInvitation:
    """Invite ``customer_id`` to the active ``survey``: the invitation, its queued message and
    ``survey.invited`` commit together."""
    if survey.state != "active":
        raise FailedPrecondition(f"survey {survey.id} is {survey.state}: only an active survey "
                                 "takes invitations")
    links.require_secret()
    policy = marketing_policy.current(uow.session)
    invitation = SurveyInvitation(
        id=str(uuid.uuid4()), survey_id=survey.id, customer_id=customer_id,
        contact_id=contact_id or None, ticket_id=ticket_id or None,
        ticket_number=ticket_number or None, campaign_id=campaign_id or None,
        trigger_id=trigger_id or None, channel=channel, state=PENDING,
        expire_time=now + timedelta(days=policy.survey_invitation_valid_days),
        request_id=request_id or None, created_by=created_by, create_time=now)
    uow.session.add(invitation)
    marketing = survey.kind != SERVICE_SATISFACTION
    context = f"工单 {ticket_number}" if ticket_number else ""
    message = outbound.enqueue(
        uow.session, customer_id=customer_id, channel=channel,
        idempotency_key=MESSAGE_KEY_PREFIX + invitation.id, category=CATEGORY,
        source_ref=f"survey:{survey.id}:invitation:{invitation.id}", template_key=TEMPLATE_KEY,
        variables={"survey_title": survey.title, "context": context,
                   "expire_date": invitation.expire_time.date().isoformat()},
        locale=locale, requires_consent=marketing, counts_toward_cap=marketing,
        group_key=f"campaign:{campaign_id}" if campaign_id else None, now=now)
    invitation.outbound_message_id = message.id
    uow.session.flush()
    uow.emit(marketing_events.SurveyInvited(invitation=invitation_to_proto(invitation),
                                            survey_title=survey.title), key=customer_id)
    return invitation


@outbound.values_at_send(CATEGORY)
def _signed_link(session, message: OutboundMessage, settings) -> dict[str, str]:
    """``survey_url``: the invitation's signed link, made as its message is handed over (it
    is the same link every time: the invitation's id and expiry, signed)."""
    links = LinkSigner.of(settings)
    if not links.secret:
        raise outbound.NotSendableYet("survey links cannot be signed: SURVEY_LINK_SECRET is "
                                      "not configured for the marketing api")
    invitation = session.get(SurveyInvitation,
                             message.idempotency_key.removeprefix(MESSAGE_KEY_PREFIX))
    if invitation is None:
        raise outbound.NotSendableYet(f"no survey invitation has the message {message.id}")
    return {"survey_url": links.url(invitation)}


@outbound.on_outcome(CATEGORY)
def _follow_message(uow: UnitOfWork, message: OutboundMessage, now: datetime) -> None:
    """The invitation follows its message: sent (with the delivery), or never sent."""
    invitation = uow.session.scalars(select(SurveyInvitation).where(
        SurveyInvitation.outbound_message_id == message.id)).first()
    if invitation is None or invitation.state in (ANSWERED, EXPIRED):
        return
    if message.state in (outbound.SENT, outbound.DELIVERED):
        invitation.state = SENT
        invitation.delivery_id = message.delivery_id
        invitation.send_time = invitation.send_time or message.send_time or now
    elif message.state in outbound.FINAL_STATES:
        invitation.state = SUPPRESSED
    firing = uow.session.scalars(select(TriggerFiring).where(
        TriggerFiring.survey_invitation_id == invitation.id)).first()
    if firing is not None:
        triggers.follow_message(firing, message.state, message.delivery_id)
