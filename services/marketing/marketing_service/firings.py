"""Firing triggers: the occasion found (an event, or a date in the read model), the trigger's
filters checked, the firing stored once per occasion and its action carried out — all in the
unit of work of the event or of the timer's pass.

A trigger fires only for the customers within the reach its creator had when creating it
(:func:`reach_of`): the worker fires it with no user behind the event, so the creator's data
scope is what was stored. A customer the read model does not know yet is out of reach of any
trigger but a company-wide one.

Actions: ``send_message`` queues a message to the customer (marketing: consent and caps are
checked at send time by the sending queue, quiet hours by the notification service); ``send_survey`` creates a survey
invitation (see :mod:`marketing_service.invitations`); ``notify_owner`` only records the
firing, and its ``trigger.fired`` event tells the customer's owner through the notification
service; ``create_task`` tells sales (``marketing.contact_due``) to put a task on the owner's
list. Every firing emits ``trigger.fired``.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from crm.marketing.v1 import events_pb2 as marketing_events
from crm.marketing.v1 import marketing_pb2
from crm_shared.db import Database, UnitOfWork
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from marketing_service import festivals, invitations, outbound, segment_rules, segments, triggers
from marketing_service.customer_reach import Reach
from marketing_service.invitations import LinkSigner
from marketing_service.models import (
    ContactOccasion,
    CustomerProfile,
    ProfileContact,
    SegmentMember,
    Survey,
    Trigger,
    TriggerFiring,
)
from marketing_service.survey_views import action_to_proto, condition_of, firing_to_proto

MESSAGE_CATEGORY = "trigger_message"
ACTIVE = "active"
FESTIVAL_BATCH = 500
"""Customers a festival trigger fires for per unit of work."""


def reach_of(trigger: Trigger) -> Reach:
    """Whose customers the trigger may fire for: its creator's, as captured at creation."""
    return Reach.stored(trigger.created_by, trigger.department_path, trigger.audience_scope)


def enabled_triggers(session, kind: str) -> list[Trigger]:
    return list(session.scalars(select(Trigger).where(Trigger.kind == kind,
                                                      Trigger.enabled.is_(True))
                                .order_by(Trigger.create_time, Trigger.id)))


def _passes_filters(session, trigger: Trigger, profile: CustomerProfile | None,
                    now: datetime) -> bool:
    """The trigger's segment and condition, over what marketing knows of the customer. A
    customer the read model does not know yet passes only a trigger without filters."""
    condition = condition_of(trigger.condition)
    needs_segment = bool(trigger.segment_id) and trigger.kind != triggers.SEGMENT_JOINED
    if not needs_segment and not (condition.conditions or condition.groups):
        return True
    if profile is None:
        return False
    if needs_segment and session.get(SegmentMember, (trigger.segment_id, profile.customer_id)) \
            is None:
        return False
    if condition.conditions or condition.groups:
        return segment_rules.matches(condition, segments.facts_of(session, profile, now), now)
    return True


def fire(uow: UnitOfWork, trigger: Trigger, customer_id: str, occasion_key: str, *,
         now: datetime, links: LinkSigner, source_event_id: str | None = None,
         ticket_id: str | None = None, ticket_number: str | None = None,
         care_day: date | None = None, variables: dict[str, str] | None = None
         ) -> TriggerFiring | None:
    """Fire ``trigger`` for ``customer_id`` on ``occasion_key`` unless it already fired then,
    the customer is gone (merged, erased), out of the trigger's reach, or the trigger's filters
    leave them out. A care occasion (``care_day``: the birthday, anniversary or festival) is
    also taken once per customer and action kind (:func:`triggers.care_key`): another trigger
    that took it already leaves nothing to do. ``variables`` go with a message."""
    session = uow.session
    if session.scalar(select(TriggerFiring.id).where(
            TriggerFiring.trigger_id == trigger.id, TriggerFiring.customer_id == customer_id,
            TriggerFiring.occasion_key == occasion_key)) is not None:
        return None
    profile = session.get(CustomerProfile, customer_id)
    if profile is not None and profile.state != ACTIVE:
        return None
    if not reach_of(trigger).includes(profile):
        return None
    if not _passes_filters(session, trigger, profile, now):
        return None
    firing = TriggerFiring(id=str(uuid.uuid4()), trigger_id=trigger.id, kind=trigger.kind,
                           customer_id=customer_id, occasion_key=occasion_key,
                           source_event_id=source_event_id, outcome="done", fire_time=now)
    action = trigger.action or {}
    kind = action.get("kind")
    occasion = None
    if care_day is not None:
        occasion = ContactOccasion(
            occasion_key=triggers.care_key(kind or "", customer_id, occasion_key),
            segment_id=trigger.segment_id or "", customer_id=customer_id,
            action_kind=trigger.kind, period=str(care_day.year), due_date=care_day,
            create_time=now)
    try:
        # another replica fired it meanwhile, or another trigger took the care occasion
        with session.begin_nested():
            session.add(firing)
            if occasion is not None:
                session.add(occasion)
            session.flush()
    except IntegrityError:
        return None
    if kind == triggers.SEND_MESSAGE:
        message = outbound.enqueue(
            session, customer_id=customer_id, channel=action.get("channel") or "email",
            idempotency_key=f"trigger:{firing.id}", category=MESSAGE_CATEGORY,
            source_ref=f"trigger:{trigger.id}:{occasion_key}",
            template_key=action.get("template_key") or "", subject=trigger.display_name,
            variables={"trigger_name": trigger.display_name, "occasion": occasion_key,
                       **(variables or {})},
            group_key=f"campaign:{action['campaign_id']}" if action.get("campaign_id") else None,
            now=now)
        firing.outbound_message_id = message.id
        if occasion is not None:
            occasion.outbound_message_id = message.id
    elif kind == triggers.SEND_SURVEY:
        survey = session.get(Survey, action.get("survey_id") or "")
        if survey is None or survey.state != "active":
            firing.outcome = "failed"
        else:
            invitation = invitations.create_invitation(
                uow, survey, customer_id=customer_id, channel=action.get("channel") or "email",
                links=links, now=now, created_by="trigger", ticket_id=ticket_id,
                ticket_number=ticket_number, trigger_id=trigger.id,
                campaign_id=action.get("campaign_id") or None)
            firing.survey_invitation_id = invitation.id
    elif kind == triggers.CREATE_TASK:
        _hand_task_on(uow, trigger, firing, profile, occasion, now=now)
    trigger.fire_count = (trigger.fire_count or 0) + 1
    trigger.last_fire_time = now
    uow.emit(marketing_events.TriggerFired(
        firing=firing_to_proto(firing), trigger_name=trigger.display_name,
        action=action_to_proto(action), owner_id=profile.owner_id if profile else "",
        department_path=profile.department_path if profile else "",
        customer_display_name=profile.display_name if profile else ""), key=customer_id)
    return firing


def _hand_task_on(uow: UnitOfWork, trigger: Trigger, firing: TriggerFiring,
                  profile: CustomerProfile | None, occasion: ContactOccasion | None, *,
                  now: datetime) -> None:
    """A task for the customer's owner, the way a segment's contact strategy hands one on
    (``marketing.contact_due``, which sales turns into a follow-up task once per key), due on
    the care occasion's day."""
    due = occasion.due_date if occasion is not None else now.date()
    uow.emit(marketing_events.ContactDue(
        occasion_key=occasion.occasion_key if occasion is not None
        else f"trigger:{firing.id}",
        segment_id=trigger.segment_id or "", segment_name=trigger.display_name,
        customer_id=firing.customer_id,
        owner_id=profile.owner_id if profile else "",
        department_path=profile.department_path if profile else "",
        action=marketing_pb2.ContactAction(
            kind=marketing_pb2.CONTACT_ACTION_KIND_PERSONAL_CONTACT,
            description=f"{trigger.display_name} ({firing.occasion_key})"),
        period=str(due.year), due_date=due.isoformat()), key=firing.customer_id)


def fire_all(uow: UnitOfWork, kind: str, customer_id: str, occasion_key: str, *,
             now: datetime, links: LinkSigner, **details) -> list[TriggerFiring]:
    """Fire every enabled trigger of ``kind`` for one occasion."""
    fired = []
    for trigger in enabled_triggers(uow.session, kind):
        firing = fire(uow, trigger, customer_id, occasion_key, now=now, links=links, **details)
        if firing is not None:
            fired.append(firing)
    return fired


@outbound.on_outcome(MESSAGE_CATEGORY)
def _follow_message(uow: UnitOfWork, message, now: datetime) -> None:
    firing = uow.session.scalars(select(TriggerFiring).where(
        TriggerFiring.outbound_message_id == message.id)).first()
    if firing is not None:
        triggers.follow_message(firing, message.state, message.delivery_id)


# --- date triggers -------------------------------------------------------------------------------


def scan_date_triggers(database: Database, now: datetime, links: LinkSigner) -> int:
    """One pass of the date triggers (birthdays of customers and of enterprise customers'
    contacts, contract ends, cooperation anniversaries, festivals) over the read model's
    indexes; returns the number of firings. A second pass on the same day fires nothing."""
    fired = 0
    today = now.date()
    with database.unit_of_work() as uow:
        for trigger in enabled_triggers(uow.session, triggers.BIRTHDAY):
            days = triggers.window(today, trigger.offset_days)
            candidates = uow.session.scalars(select(CustomerProfile).where(
                CustomerProfile.state == ACTIVE,
                CustomerProfile.birth_month_day.in_(triggers.month_days(days))))
            for profile in candidates:
                birthday = triggers.upcoming_birthday(profile.birth_date, days) \
                    if profile.birth_date else None
                if birthday is not None and fire(uow, trigger, profile.customer_id,
                                                 triggers.birthday_key(birthday), now=now,
                                                 links=links, care_day=birthday):
                    fired += 1
            fired += _contact_birthdays(uow, trigger, days, now=now, links=links)
        for trigger in enabled_triggers(uow.session, triggers.ANNIVERSARY):
            days = triggers.window(today, trigger.offset_days)
            candidates = uow.session.scalars(select(CustomerProfile).where(
                CustomerProfile.state == ACTIVE,
                CustomerProfile.first_contract_month_day.in_(triggers.month_days(days))))
            for profile in candidates:
                anniversary = triggers.upcoming_anniversary(profile.first_contract_date, days) \
                    if profile.first_contract_date else None
                if anniversary is not None and fire(
                        uow, trigger, profile.customer_id, triggers.anniversary_key(anniversary),
                        now=now, links=links, care_day=anniversary,
                        variables={"years": str(anniversary.year
                                                - profile.first_contract_date.year)}):
                    fired += 1
        for trigger in enabled_triggers(uow.session, triggers.RENEWAL):
            days = triggers.window(today, trigger.offset_days)
            candidates = uow.session.scalars(select(CustomerProfile).where(
                CustomerProfile.state == ACTIVE,
                CustomerProfile.contract_end_date.between(days[0], days[-1])))
            for profile in candidates:
                if fire(uow, trigger, profile.customer_id,
                        triggers.renewal_key(profile.contract_end_date), now=now, links=links):
                    fired += 1
        festival_triggers = [(trigger.id, trigger.offset_days) for trigger in
                             enabled_triggers(uow.session, triggers.FESTIVAL)]
    for trigger_id, offset_days in festival_triggers:
        for festival, day, year in festivals.festivals_on(triggers.window(today, offset_days)):
            fired += _festival(database, trigger_id, festival, day, year, now=now, links=links)
    return fired


def _contact_birthdays(uow: UnitOfWork, trigger: Trigger, days: list[date], *, now: datetime,
                       links: LinkSigner) -> int:
    """The birthday trigger for the contacts of enterprise customers: one occasion per contact
    and year, within the customer's reach and filters, for a trigger whose action is the
    owner's (:data:`triggers.CONTACT_ACTIONS`)."""
    fired = 0
    if (trigger.action or {}).get("kind") not in triggers.CONTACT_ACTIONS:
        return fired
    contacts = uow.session.execute(
        select(ProfileContact.contact_id, ProfileContact.customer_id, ProfileContact.birth_date)
        .join(CustomerProfile, CustomerProfile.customer_id == ProfileContact.customer_id)
        .where(ProfileContact.deleted.is_(False), CustomerProfile.state == ACTIVE,
               ProfileContact.birth_month_day.in_(triggers.month_days(days)))
        .order_by(ProfileContact.contact_id)).all()
    for contact_id, customer_id, born in contacts:
        birthday = triggers.upcoming_birthday(born, days) if born else None
        if birthday is not None and fire(
                uow, trigger, customer_id, triggers.contact_birthday_key(contact_id, birthday),
                now=now, links=links, care_day=birthday, variables={"contact_id": contact_id}):
            fired += 1
    return fired


def _festival(database: Database, trigger_id: str, festival: festivals.Festival, day: date,
              year: int, *, now: datetime, links: LinkSigner) -> int:
    """One festival of one trigger for every active customer, a batch of customers per unit of
    work (a festival reaches the whole customer base, not the few of a day's birthdays)."""
    key = triggers.festival_key(festival.key, year)
    variables = festivals.variables(festival)
    fired, after = 0, ""
    while True:
        with database.unit_of_work() as uow:
            trigger = uow.session.get(Trigger, trigger_id)
            if trigger is None or not trigger.enabled:
                return fired
            already = exists().where(TriggerFiring.trigger_id == trigger_id,
                                     TriggerFiring.customer_id == CustomerProfile.customer_id,
                                     TriggerFiring.occasion_key == key)
            customer_ids = list(uow.session.scalars(
                select(CustomerProfile.customer_id)
                .where(CustomerProfile.state == ACTIVE, CustomerProfile.customer_id > after,
                       ~already)
                .order_by(CustomerProfile.customer_id).limit(FESTIVAL_BATCH)))
            for customer_id in customer_ids:
                if fire(uow, trigger, customer_id, key, now=now, links=links, care_day=day,
                        variables=variables):
                    fired += 1
        if len(customer_ids) < FESTIVAL_BATCH:
            return fired
        after = customer_ids[-1]


def renewal_from_event(uow: UnitOfWork, customer_id: str, end_date: date, days_until_end: int,
                       *, now: datetime, links: LinkSigner, event_id: str) -> int:
    """The sales service's ``contract.expiring``: the renewal triggers whose offset reaches it."""
    fired = 0
    for trigger in enabled_triggers(uow.session, triggers.RENEWAL):
        if days_until_end <= trigger.offset_days and fire(
                uow, trigger, customer_id, triggers.renewal_key(end_date), now=now, links=links,
                source_event_id=event_id):
            fired += 1
    return fired
