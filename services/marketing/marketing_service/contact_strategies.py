"""Segments' contact strategies carried out (issue 19): each action with a regular cadence
(weekly, monthly, quarterly, yearly) becomes, for every member of the segment, one occasion per
period of that cadence — the ISO week, the month, the quarter, the year — due on the period's
last day.

- An action a person does (a follow-up call or visit, a personal contact, material to take
  over) is told to the sales service as ``marketing.contact_due``; its worker puts a task on
  the owner's list, completed by a follow-up record and reported to the lead when overdue.
- Content sent as a message (a content or event-invitation action with a channel and a
  template) goes through the sending queue (:func:`marketing_service.outbound.enqueue`), which
  checks consent, quiet hours and the frequency cap at send time as for campaigns.

Each occasion is stored once (:class:`marketing_service.models.ContactOccasion`, keyed by
:func:`occasion_key`) in the transaction that emits its event or queues its message, so the
work is handed on once per member and occasion; the key travels with it as the consumer's
dedupe key. A customer who leaves the segment (an at-risk flag cleared) gets no further
occasions. Birthday greetings and surveys (``ON_OCCASION`` cadence, survey actions) are other
mechanisms' (triggers, scheduled surveys) and are not carried out here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from crm.marketing.v1 import events_pb2 as marketing_events
from crm.marketing.v1 import marketing_pb2
from crm_shared.db import Database
from crm_shared.grpc.enums import EnumNames
from google.protobuf import json_format
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from marketing_service import outbound
from marketing_service.models import ContactOccasion, CustomerProfile, Segment, SegmentMember
from marketing_service.segment_views import KINDS

log = logging.getLogger(__name__)

ACTION_KINDS = EnumNames(marketing_pb2.ContactActionKind, "CONTACT_ACTION_KIND_")
A = marketing_pb2
PERIODIC = frozenset({A.CADENCE_WEEKLY, A.CADENCE_MONTHLY, A.CADENCE_QUARTERLY, A.CADENCE_YEARLY})
PERSON_ACTIONS = frozenset(
    {A.CONTACT_ACTION_KIND_PERSONAL_CONTACT, A.CONTACT_ACTION_KIND_FOLLOW_UP}
)
"""Always work for the owner."""
CONTENT_ACTIONS = frozenset({A.CONTACT_ACTION_KIND_CONTENT, A.CONTACT_ACTION_KIND_EVENT_INVITATION})
"""A message when the action names a channel and a template, else material the owner sends."""
MESSAGE_CATEGORY = "contact_strategy"
BATCH = 500
"""Members handed on per unit of work; a pass goes on until none is left."""


# -- the rules (pure) ---------------------------------------------------------------------------


def period_of(cadence: int, day: date) -> tuple[str, date]:
    """The period of ``cadence`` holding ``day``, as its key and its last day."""
    if cadence == A.CADENCE_WEEKLY:
        year, week, weekday = day.isocalendar()
        return f"{year}-W{week:02d}", day + timedelta(days=7 - weekday)
    if cadence == A.CADENCE_MONTHLY:
        return f"{day.year}-{day.month:02d}", _last_day(day.year, day.month)
    if cadence == A.CADENCE_QUARTERLY:
        quarter = (day.month - 1) // 3 + 1
        return f"{day.year}-Q{quarter}", _last_day(day.year, quarter * 3)
    if cadence == A.CADENCE_YEARLY:
        return f"{day.year}", date(day.year, 12, 31)
    raise ValueError(f"cadence {cadence} has no periods")


def _last_day(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def occasion_key(segment_id: str, action_kind: int, customer_id: str, period: str) -> str:
    return f"strategy:{segment_id}:{ACTION_KINDS.name(action_kind)}:{customer_id}:{period}"


def is_message(action: marketing_pb2.ContactAction) -> bool:
    return action.kind in CONTENT_ACTIONS and bool(action.template_key) and action.channel != 0


def carried_out(action: marketing_pb2.ContactAction) -> bool:
    """Whether this mechanism carries the action out (see the module's text)."""
    return action.cadence in PERIODIC and action.kind in PERSON_ACTIONS | CONTENT_ACTIONS


def actions_of(segment: Segment) -> list[marketing_pb2.ContactAction]:
    """The segment's actions carried out here, one per kind (a second action of the same kind
    would share its occasions)."""
    strategy = json_format.ParseDict(
        segment.contact_strategy or {}, marketing_pb2.ContactStrategy(), ignore_unknown_fields=True
    )
    chosen: dict[int, marketing_pb2.ContactAction] = {}
    for action in strategy.actions:
        if carried_out(action):
            chosen.setdefault(action.kind, action)
    return list(chosen.values())


# -- the pass -----------------------------------------------------------------------------------


@dataclass
class Handed:
    tasks: int = 0
    messages: int = 0

    def add(self, other: Handed) -> None:
        self.tasks += other.tasks
        self.messages += other.messages


def carry_out(database: Database, now: datetime) -> Handed:
    """One pass: every active segment's actions for the members without an occasion in the
    current period yet, in batches, each in its own unit of work. A batch that loses a race
    with another worker (an occasion stored meanwhile) is rolled back and left to the next
    pass."""
    today = now.date()
    with database.unit_of_work(readonly=True) as uow:
        segment_ids = list(
            uow.session.scalars(
                select(Segment.id).where(Segment.active.is_(True)).order_by(Segment.id)
            )
        )
    handed = Handed()
    for segment_id in segment_ids:
        with database.unit_of_work(readonly=True) as uow:
            segment = uow.session.get(Segment, segment_id)
            actions = actions_of(segment) if segment is not None else []
        for action in actions:
            while True:
                try:
                    with database.unit_of_work() as uow:
                        batch, done = _hand_on_batch(uow, segment_id, action, today, now)
                except IntegrityError:
                    log.info(
                        "contact occasions of segment %s raced another worker; left to the "
                        "next pass",
                        segment_id,
                    )
                    break
                handed.add(batch)  # counted once committed
                if done < BATCH:
                    break
    return handed


def _hand_on_batch(
    uow,
    segment_id: str,
    action: marketing_pb2.ContactAction,
    today: date,
    now: datetime,
) -> tuple[Handed, int]:
    """One batch of members handed on: what was handed on, and how many members it took."""
    session = uow.session
    handed = Handed()
    segment = session.get(Segment, segment_id)
    if segment is None or not segment.active:
        return handed, 0
    kind = ACTION_KINDS.name(action.kind)
    period, due = period_of(action.cadence, today)
    already = exists().where(
        ContactOccasion.segment_id == segment_id,
        ContactOccasion.action_kind == kind,
        ContactOccasion.period == period,
        ContactOccasion.customer_id == SegmentMember.customer_id,
    )
    members = session.execute(
        select(SegmentMember.customer_id, CustomerProfile.owner_id, CustomerProfile.department_path)
        .join(CustomerProfile, CustomerProfile.customer_id == SegmentMember.customer_id)
        .where(SegmentMember.segment_id == segment_id, CustomerProfile.state == "active", ~already)
        .order_by(SegmentMember.customer_id)
        .limit(BATCH)
    ).all()
    for customer_id, owner_id, department_path in members:
        key = occasion_key(segment_id, action.kind, customer_id, period)
        occasion = ContactOccasion(
            occasion_key=key,
            segment_id=segment_id,
            customer_id=customer_id,
            action_kind=kind,
            period=period,
            due_date=due,
            create_time=now,
        )
        session.add(occasion)
        if is_message(action):
            message = outbound.enqueue(
                session,
                customer_id=customer_id,
                channel=action.channel,
                idempotency_key=key,
                category=MESSAGE_CATEGORY,
                source_ref=f"segment:{segment_id}:{kind}",
                template_key=action.template_key,
                subject=segment.display_name,
                variables={"segment_name": segment.display_name, "period": period},
                now=now,
            )
            occasion.outbound_message_id = message.id
            handed.messages += 1
        else:
            uow.emit(
                marketing_events.ContactDue(
                    occasion_key=key,
                    segment_id=segment_id,
                    segment_name=segment.display_name,
                    segment_kind=KINDS.value(segment.kind),
                    customer_id=customer_id,
                    owner_id=owner_id,
                    department_path=department_path,
                    action=action,
                    period=period,
                    due_date=due.isoformat(),
                ),
                key=customer_id,
            )
            handed.tasks += 1
    session.flush()
    return handed, len(members)
