"""Segment membership: who is in which segment, as queries other parts build on, and the
changes of membership (join / leave) with their events.

:func:`audience` is what campaigns target: the customer ids of the active members of some
segments and of none of others, within the reach of whoever planned the send. Membership rows
exist only for customers whose profile is ``active`` (a merge or an erasure takes the customer
out), but the query checks the state too, so a customer who left the read model is never
targeted even before its rows are gone.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from crm.common.v1 import rules_pb2
from crm.marketing.v1 import events_pb2 as marketing_events
from crm_shared.db import UnitOfWork
from crm_shared.timestamps import to_timestamp
from google.protobuf import json_format
from sqlalchemy import Select, delete, func, insert, select, update

from marketing_service import segment_rules
from marketing_service.customer_reach import Reach
from marketing_service.models import CustomerProfile, ProfileInteraction, Segment, SegmentMember
from marketing_service.segment_views import KINDS

ACTIVE = "active"


def audience(session, *, segment_ids: Iterable[str], excluded_segment_ids: Iterable[str] = (),
             reach: Reach) -> Select:
    """A query of one column, ``customer_id``: the active customers within ``reach`` who are
    members of any of ``segment_ids`` and of none of ``excluded_segment_ids``, each once, in id
    order (stable, so a caller can page it with ``customer_id > last``). Segments are
    company-wide, so the reach (whose customers a send may go to) is required: nothing sends to
    a segment without saying whose customers. ``session`` is accepted for symmetry with the
    other query functions; the query is run by the caller."""
    segment_ids = list(dict.fromkeys(segment_ids))
    excluded = list(dict.fromkeys(excluded_segment_ids))
    query = (
        select(CustomerProfile.customer_id)
        .where(CustomerProfile.state == ACTIVE)
        .where(reach.clause())
        .where(CustomerProfile.customer_id.in_(
            select(SegmentMember.customer_id).where(SegmentMember.segment_id.in_(segment_ids))))
    )
    if excluded:
        query = query.where(CustomerProfile.customer_id.not_in(
            select(SegmentMember.customer_id).where(SegmentMember.segment_id.in_(excluded))))
    return query.order_by(CustomerProfile.customer_id)


# --- segments as rules ---------------------------------------------------------------------------


def rule_of(segment: Segment) -> rules_pb2.ConditionGroup:
    return json_format.ParseDict(segment.rule, rules_pb2.ConditionGroup(),
                                 ignore_unknown_fields=True)


def rule_json(rule: rules_pb2.ConditionGroup) -> dict:
    return json_format.MessageToDict(rule, preserving_proto_field_name=True)


@functools.lru_cache(maxsize=512)
def _compiled(segment_id: str, version: int, rule_text: str) -> segment_rules.CompiledRule:
    del segment_id, version  # the cache key: a changed rule has a new version
    return segment_rules.CompiledRule(
        json_format.Parse(rule_text, rules_pb2.ConditionGroup(), ignore_unknown_fields=True))


def compiled_rule(segment: Segment) -> segment_rules.CompiledRule:
    return _compiled(segment.id, segment.version, json.dumps(segment.rule, sort_keys=True))


def behaviour(session, customer_id: str, now: datetime) -> segment_rules.Behaviour:
    oldest = now - max(segment_rules.RESPONSE_WINDOW, segment_rules.SATISFACTION_WINDOW)
    rows = session.execute(
        select(ProfileInteraction.kind, ProfileInteraction.occur_time,
               ProfileInteraction.score_hundredths)
        .where(ProfileInteraction.customer_id == customer_id,
               ProfileInteraction.occur_time >= oldest)).all()
    return segment_rules.behaviour_of(rows, now)


def facts_of(session, profile: CustomerProfile, now: datetime) -> dict[str, object]:
    return segment_rules.profile_facts(profile, behaviour(session, profile.customer_id, now), now)


def matching_query(rule: rules_pb2.ConditionGroup, now: datetime, dialect: str) -> Select:
    """The active profiles matching ``rule``: one SQL query over the read model."""
    return (select(CustomerProfile)
            .where(CustomerProfile.state == ACTIVE)
            .where(segment_rules.where_clause(rule, now, dialect)))


def count_matching(session, rule: rules_pb2.ConditionGroup, now: datetime) -> int:
    clause = segment_rules.where_clause(rule, now, session.bind.dialect.name)
    return session.scalar(select(func.count()).select_from(CustomerProfile).where(
        CustomerProfile.state == ACTIVE, clause))


# --- membership changes ------------------------------------------------------------------------


@dataclass
class MembershipChange:
    joined: int = 0
    left: int = 0

    def add(self, other: MembershipChange) -> None:
        self.joined += other.joined
        self.left += other.left


def _joined_event(segment: Segment, customer_id: str, owner_id: str, department_path: str,
                  when: datetime, cause_event_id: str | None):
    return marketing_events.SegmentMemberJoined(
        segment_id=segment.id, segment_name=segment.display_name,
        segment_kind=KINDS.value(segment.kind), customer_id=customer_id, owner_id=owner_id,
        department_path=department_path, join_time=to_timestamp(when),
        cause_event_id=cause_event_id or "")


def _left_event(segment: Segment, customer_id: str, owner_id: str, department_path: str,
                when: datetime, cause_event_id: str | None):
    return marketing_events.SegmentMemberLeft(
        segment_id=segment.id, segment_name=segment.display_name,
        segment_kind=KINDS.value(segment.kind), customer_id=customer_id, owner_id=owner_id,
        department_path=department_path, leave_time=to_timestamp(when),
        cause_event_id=cause_event_id or "")


def _count_by(session, segment_id: str, delta: int) -> None:
    session.execute(update(Segment).where(Segment.id == segment_id)
                    .values(member_count=Segment.member_count + delta)
                    .execution_options(synchronize_session=False))


def reevaluate_customer(uow: UnitOfWork, customer_id: str, *, cause_event_id: str | None,
                        now: datetime) -> MembershipChange:
    """After one customer's facts changed: match it against every active segment (the Python
    matcher), join and leave accordingly with their events. A customer who is no longer active
    (merged, erased) leaves every segment, paused ones too."""
    session = uow.session
    profile = session.get(CustomerProfile, customer_id)
    current = {member.segment_id: member for member in session.scalars(
        select(SegmentMember).where(SegmentMember.customer_id == customer_id))}
    change = MembershipChange()
    if profile is None or profile.state != ACTIVE:
        wanted: set[str] = set()
        considered = set(current)
    else:
        facts = facts_of(session, profile, now)
        active = session.scalars(select(Segment).where(Segment.active.is_(True))).all()
        considered = {segment.id for segment in active}
        wanted = {segment.id for segment in active if compiled_rule(segment).matches(facts, now)}
    owner = (profile.owner_id, profile.department_path) if profile else ("", "")
    segments_by_id = {segment.id: segment for segment in session.scalars(
        select(Segment).where(Segment.id.in_(considered | wanted)))}
    for segment_id in sorted(wanted - set(current)):
        session.add(SegmentMember(segment_id=segment_id, customer_id=customer_id, join_time=now,
                                  cause_event_id=cause_event_id))
        _count_by(session, segment_id, +1)
        uow.emit(_joined_event(segments_by_id[segment_id], customer_id, *owner, now,
                               cause_event_id), key=customer_id)
        change.joined += 1
    for segment_id in sorted((considered & set(current)) - wanted):
        session.delete(current[segment_id])
        _count_by(session, segment_id, -1)
        uow.emit(_left_event(segments_by_id[segment_id], customer_id, *owner, now,
                             cause_event_id), key=customer_id)
        change.left += 1
    session.flush()
    return change


def evaluate_segment(uow: UnitOfWork, segment: Segment, *, now: datetime,
                     cause_event_id: str | None = None) -> MembershipChange:
    """Re-evaluate a whole segment over the read model in SQL: the profiles that match and
    are not members join, the members that no longer match (or left the read model) leave,
    each with its event; the count and evaluation time are stored."""
    session = uow.session
    rule = rule_of(segment)
    dialect = session.bind.dialect.name
    matching = (select(CustomerProfile.customer_id)
                .where(CustomerProfile.state == ACTIVE)
                .where(segment_rules.where_clause(rule, now, dialect)))
    members = select(SegmentMember.customer_id).where(SegmentMember.segment_id == segment.id)
    joining = session.execute(
        select(CustomerProfile.customer_id, CustomerProfile.owner_id,
               CustomerProfile.department_path)
        .where(CustomerProfile.customer_id.in_(matching))
        .where(CustomerProfile.customer_id.not_in(members))
        .order_by(CustomerProfile.customer_id)).all()
    leaving = session.execute(
        select(SegmentMember.customer_id, CustomerProfile.owner_id,
               CustomerProfile.department_path)
        .outerjoin(CustomerProfile, CustomerProfile.customer_id == SegmentMember.customer_id)
        .where(SegmentMember.segment_id == segment.id)
        .where(SegmentMember.customer_id.not_in(matching))
        .order_by(SegmentMember.customer_id)).all()
    if leaving:
        left_ids = [row.customer_id for row in leaving]
        for start in range(0, len(left_ids), 500):
            session.execute(delete(SegmentMember).where(
                SegmentMember.segment_id == segment.id,
                SegmentMember.customer_id.in_(left_ids[start:start + 500])))
    if joining:
        session.execute(insert(SegmentMember), [
            {"segment_id": segment.id, "customer_id": row.customer_id, "join_time": now,
             "cause_event_id": cause_event_id} for row in joining])
    for row in joining:
        uow.emit(_joined_event(segment, row.customer_id, row.owner_id, row.department_path,
                               now, cause_event_id), key=row.customer_id)
    for row in leaving:
        uow.emit(_left_event(segment, row.customer_id, row.owner_id or "",
                             row.department_path or "", now, cause_event_id),
                 key=row.customer_id)
    session.flush()
    segment.member_count = session.scalar(select(func.count()).select_from(SegmentMember).where(
        SegmentMember.segment_id == segment.id))
    segment.evaluate_time = now
    return MembershipChange(joined=len(joining), left=len(leaving))


def reevaluate_time_relative(database, now: datetime) -> MembershipChange:
    """The daily pass over segments whose rules read the clock (day windows, birthdays,
    90-day counts): each active one not yet evaluated today (UTC) is evaluated in SQL, in its
    own unit of work; the stored evaluation time makes each day's pass happen once."""
    total = MembershipChange()
    with database.unit_of_work(readonly=True) as uow:
        due = [segment.id for segment in uow.session.scalars(
            select(Segment).where(Segment.active.is_(True), Segment.time_relative.is_(True))
            .order_by(Segment.id))
            if segment.evaluate_time is None or segment.evaluate_time.date() < now.date()]
    for segment_id in due:
        with database.unit_of_work() as uow:
            segment = uow.session.get(Segment, segment_id, with_for_update=True)
            if (segment is None or not segment.active or (
                    segment.evaluate_time is not None
                    and segment.evaluate_time.date() >= now.date())):
                continue  # another worker did it meanwhile, or it changed
            total.add(evaluate_segment(uow, segment, now=now))
    return total
