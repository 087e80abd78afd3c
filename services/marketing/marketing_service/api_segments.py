"""Segment and profile RPCs of ``crm.marketing.v1.MarketingService`` (segments, preview and
evaluation, members, marketing profiles). Mixed into
:class:`marketing_service.api.MarketingServicer`.

Who may do what:

* segment definitions are read by marketers (role ``marketer``), sales leads (``sales_lead``)
  and admins, and created, changed, evaluated and deleted by marketers and admins; anybody else
  gets PERMISSION_DENIED (segments are a marketing tool, not records of a customer);
* members, samples, member counts and marketing profiles show customers: each caller sees the
  customers they reach (:mod:`marketing_service.customer_reach`: a marketer every customer,
  anybody else those their data scope shows), and a profile they may not see is NOT_FOUND. A
  segment is company-wide; its ``member_count`` is the caller's share of it, the audience a
  campaign of theirs would reach.
"""

from __future__ import annotations

import uuid

from crm.marketing.v1 import marketing_pb2
from crm_shared.auth import Principal, current_principal
from crm_shared.db import utcnow
from crm_shared.errors import (
    Conflict,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
)
from crm_shared.grpc.fields import refuse_unsupported, request_id_violations, unsupported_fields
from crm_shared.grpc.paging import keyset_page, keyset_page_by
from crm_shared.repeated_requests import earlier_request
from google.protobuf import json_format
from google.protobuf.empty_pb2 import Empty
from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from marketing_service import segment_rules, segments
from marketing_service.customer_reach import Reach
from marketing_service.models import CustomerProfile, Segment, SegmentMember
from marketing_service.segment_views import (
    KINDS,
    etag_of,
    member_to_proto,
    profile_to_proto,
    segment_to_proto,
)

# Who may call each RPC (readers and writers) is declared once, by the
# contract's ``(crm.common.v1.access)`` option, and enforced before any handler runs
# (``crm_shared.access``); the handlers keep only the checks of each record.
SEGMENT_INPUT = {"display_name", "description", "kind", "rule", "contact_strategy", "active",
                 "owner_id"}
SEGMENT_OUTPUT_ONLY = {"id", "member_count", "evaluate_time", "department_path", "create_time",
                       "update_time", "created_by", "updated_by", "etag"}
UPDATABLE = {"display_name", "description", "kind", "rule", "contact_strategy", "active"}
MAX_NAME, MAX_DESCRIPTION, MAX_ACTIONS = 200, 2000, 20
DEFAULT_SEGMENT_PAGE, MAX_SEGMENT_PAGE = 50, 500
DEFAULT_MEMBER_PAGE, MAX_MEMBER_PAGE = 50, 1000
DEFAULT_SAMPLE, MAX_SAMPLE = 10, 100


def _page_size(requested: int, default: int, maximum: int, field: str = "page_size") -> int:
    if requested < 0:
        raise InvalidArgument(FieldViolation(field, "must not be negative"))
    return min(requested or default, maximum)


def _customers_visible(principal: Principal):
    """The SQL filter of the profiles ``principal`` may see."""
    return Reach.of(principal).clause()


def _may_see_customer(principal: Principal, profile: CustomerProfile) -> bool:
    return Reach.of(principal).includes(profile)


def _segments_to_proto(session, principal: Principal,
                       rows: list[Segment]) -> list[marketing_pb2.Segment]:
    """The segments as the caller is shown them: ``member_count`` counts the members they reach
    (the stored count is everyone's, shown as it is to whoever reaches every customer)."""
    messages = [segment_to_proto(row) for row in rows]
    reach = Reach.of(principal)
    if reach.everyone or not rows:
        return messages
    counts = dict(session.execute(
        select(SegmentMember.segment_id, func.count())
        .join(CustomerProfile, CustomerProfile.customer_id == SegmentMember.customer_id)
        .where(SegmentMember.segment_id.in_([row.id for row in rows]), reach.clause())
        .group_by(SegmentMember.segment_id)).all())
    for message in messages:
        message.member_count = counts.get(message.id, 0)
    return messages


def _segment_to_proto(session, principal: Principal, row: Segment) -> marketing_pb2.Segment:
    return _segments_to_proto(session, principal, [row])[0]


def _subtree(path: str):
    root = path.rstrip("/")
    escaped = root.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(CustomerProfile.department_path == root,
               CustomerProfile.department_path.like(escaped + "/%", escape="\\"))


def _segment_violations(segment: marketing_pb2.Segment, paths: set[str]) -> list[FieldViolation]:
    problems: list[FieldViolation] = []
    if "display_name" in paths:
        if not segment.display_name.strip():
            problems.append(FieldViolation("segment.display_name", "is required"))
        elif len(segment.display_name) > MAX_NAME:
            problems.append(FieldViolation("segment.display_name",
                                           f"must be at most {MAX_NAME} characters"))
    if "description" in paths and len(segment.description) > MAX_DESCRIPTION:
        problems.append(FieldViolation("segment.description",
                                       f"must be at most {MAX_DESCRIPTION} characters"))
    if "kind" in paths and segment.kind not in marketing_pb2.SegmentKind.values():
        problems.append(FieldViolation("segment.kind", "is not a segment kind"))
    if "rule" in paths:
        problems += segment_rules.rule_violations(segment.rule, "segment.rule")
    if "contact_strategy" in paths:
        problems += _strategy_violations(segment.contact_strategy)
    return problems


def _strategy_violations(strategy: marketing_pb2.ContactStrategy) -> list[FieldViolation]:
    problems: list[FieldViolation] = []
    if len(strategy.summary) > MAX_NAME:
        problems.append(FieldViolation("segment.contact_strategy.summary",
                                       f"must be at most {MAX_NAME} characters"))
    if len(strategy.actions) > MAX_ACTIONS:
        problems.append(FieldViolation("segment.contact_strategy.actions",
                                       f"must hold at most {MAX_ACTIONS} actions"))
    for index, action in enumerate(strategy.actions):
        where = f"segment.contact_strategy.actions[{index}]"
        if action.kind not in marketing_pb2.ContactActionKind.values() or not action.kind:
            problems.append(FieldViolation(f"{where}.kind", "is required"))
        if action.cadence not in marketing_pb2.Cadence.values() or not action.cadence:
            problems.append(FieldViolation(f"{where}.cadence", "is required"))
        if len(action.template_key) > MAX_NAME:
            problems.append(FieldViolation(f"{where}.template_key",
                                           f"must be at most {MAX_NAME} characters"))
        if len(action.description) > MAX_DESCRIPTION:
            problems.append(FieldViolation(f"{where}.description",
                                           f"must be at most {MAX_DESCRIPTION} characters"))
    return problems


def _apply(row: Segment, segment: marketing_pb2.Segment, paths: set[str]) -> None:
    if "display_name" in paths:
        row.display_name = segment.display_name.strip()
    if "description" in paths:
        row.description = segment.description
    if "kind" in paths:
        row.kind = KINDS.name(segment.kind) or "custom"
    if "rule" in paths:
        row.rule = segments.rule_json(segment.rule)
        row.time_relative = segment_rules.is_time_relative(segment.rule)
    if "contact_strategy" in paths:
        row.contact_strategy = json_format.MessageToDict(segment.contact_strategy,
                                                         preserving_proto_field_name=True)
    if "active" in paths:
        row.active = segment.active


class SegmentRpcs:
    """The segment RPCs. Other parts may provide, on the servicer, ``campaigns_targeting_segment
    (session, segment_id) -> list[str]`` (running campaigns that forbid a delete) and
    ``messages_in_cap_window(session, customer_id) -> int`` (for the profile)."""

    def _segment(self, session, segment_id: str, *, for_update: bool = False) -> Segment:
        segment = session.get(Segment, segment_id, with_for_update=for_update) if segment_id \
            else None
        if segment is None:
            raise NotFound(f"segment {segment_id} not found")
        return segment

    # -- segments ---------------------------------------------------------------------------------

    def CreateSegment(self, request, context):
        principal = current_principal()
        violations = unsupported_fields(request, {"segment", "request_id"})
        violations += unsupported_fields(request.segment, SEGMENT_INPUT, prefix="segment.",
                                         ignored=SEGMENT_OUTPUT_ONLY)
        violations += request_id_violations(request.request_id)
        data = request.segment
        violations += _segment_violations(data, {"display_name", "description", "kind", "rule",
                                                 "contact_strategy"})
        if data.owner_id and data.owner_id != principal.user_id:
            violations.append(FieldViolation("segment.owner_id",
                                             "can only be yourself (the default)"))
        if violations:
            raise InvalidArgument(violations)
        with self.database.unit_of_work(readonly=True) as uow:
            earlier = earlier_request(uow.session, Segment, request.request_id, principal.user_id)
            if earlier is not None:
                return _segment_to_proto(uow.session, principal, earlier)
        now = utcnow()
        try:
            with self.database.unit_of_work() as uow:
                row = Segment(id=str(uuid.uuid4()), member_count=0, owner_id=principal.user_id,
                              department_path=principal.department_path, create_time=now,
                              update_time=now, created_by=principal.user_id,
                              updated_by=principal.user_id, version=1,
                              request_id=request.request_id or None)
                _apply(row, data, {"display_name", "description", "kind", "rule",
                                   "contact_strategy", "active"})
                uow.session.add(row)
                uow.session.flush()
                segments.evaluate_segment(uow, row, now=now)
                return _segment_to_proto(uow.session, principal, row)
        except IntegrityError:  # two retries raced and the other one stored it
            with self.database.unit_of_work(readonly=True) as uow:
                earlier = earlier_request(uow.session, Segment, request.request_id,
                                          principal.user_id)
                if earlier is None:
                    raise
                return _segment_to_proto(uow.session, principal, earlier)

    def GetSegment(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work(readonly=True) as uow:
            return _segment_to_proto(uow.session, principal,
                                     self._segment(uow.session, request.id))

    def ListSegments(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "kind", "query"})
        size = _page_size(request.page_size, DEFAULT_SEGMENT_PAGE, MAX_SEGMENT_PAGE)
        query = select(Segment)
        if request.kind:
            if request.kind not in marketing_pb2.SegmentKind.values():
                raise InvalidArgument(FieldViolation("kind", "is not a segment kind"))
            query = query.where(Segment.kind == KINDS.name(request.kind))
        if request.query.strip():
            text = request.query.strip().lower()
            escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(func.lower(Segment.display_name).like(f"%{escaped}%",
                                                                       escape="\\"))
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page(uow.session, query, created_column=Segment.create_time,
                                      id_column=Segment.id, page_size=size,
                                      page_token=request.page_token)
            return marketing_pb2.ListSegmentsResponse(
                segments=_segments_to_proto(uow.session, principal, rows),
                next_page_token=token)

    def UpdateSegment(self, request, context):
        principal = current_principal()
        data = request.segment
        paths = set(request.update_mask.paths)
        violations = unsupported_fields(request, {"segment", "update_mask"})
        if not paths:
            violations.append(FieldViolation("update_mask", "must name the fields to change"))
        violations += [FieldViolation(f"update_mask.paths[{path}]", "cannot be changed")
                       for path in sorted(paths - UPDATABLE)]
        violations += _segment_violations(data, paths & UPDATABLE)
        if violations:
            raise InvalidArgument(violations)
        now = utcnow()
        with self.database.unit_of_work() as uow:
            row = self._segment(uow.session, data.id, for_update=True)
            if data.etag and data.etag != etag_of(row):
                raise Conflict(f"segment {row.id} changed meanwhile (etag {etag_of(row)})")
            rule_before, active_before = row.rule, row.active
            _apply(row, data, paths & UPDATABLE)
            row.version += 1
            row.update_time = now
            row.updated_by = principal.user_id
            uow.session.flush()
            if row.rule != rule_before or (row.active and not active_before):
                # a new rule, or a segment resumed after a pause: catch up with the read model
                segments.evaluate_segment(uow, row, now=now)
            return _segment_to_proto(uow.session, principal, row)

    def DeleteSegment(self, request, context):
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work() as uow:
            row = self._segment(uow.session, request.id, for_update=True)
            targeting = getattr(self, "campaigns_targeting_segment", None)
            running = list(targeting(uow.session, row.id)) if targeting else []
            if running:
                raise FailedPrecondition(
                    f"segment {row.id} is the audience of running campaigns: "
                    + ", ".join(running), reason="SEGMENT_IN_USE")
            # No member_left per member: the segment itself is gone, and nobody can be in it.
            uow.session.execute(delete(SegmentMember).where(SegmentMember.segment_id == row.id))
            uow.session.delete(row)
        return Empty()

    # -- evaluation -------------------------------------------------------------------------------

    def PreviewSegment(self, request, context):
        principal = current_principal()
        violations = unsupported_fields(request, {"rule", "sample_size"})
        violations += segment_rules.rule_violations(request.rule, "rule")
        if request.sample_size < 0:
            violations.append(FieldViolation("sample_size", "must not be negative"))
        if violations:
            raise InvalidArgument(violations)
        size = min(request.sample_size or DEFAULT_SAMPLE, MAX_SAMPLE)
        now = utcnow()
        with self.database.unit_of_work(readonly=True) as uow:
            session = uow.session
            clause = segment_rules.where_clause(request.rule, now, session.bind.dialect.name)
            where = (CustomerProfile.state == segments.ACTIVE, clause,
                     _customers_visible(principal))
            count = session.scalar(select(func.count()).select_from(CustomerProfile)
                                   .where(*where))
            sample = session.scalars(select(CustomerProfile).where(*where)
                                     .order_by(CustomerProfile.customer_id).limit(size)).all()
            return marketing_pb2.PreviewSegmentResponse(
                member_count=count, sample=[member_to_proto("", row) for row in sample])

    def EvaluateSegment(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work() as uow:
            row = self._segment(uow.session, request.id, for_update=True)
            change = segments.evaluate_segment(uow, row, now=utcnow())
            return marketing_pb2.EvaluateSegmentResponse(
                segment=_segment_to_proto(uow.session, principal, row),
                joined_count=change.joined,
                left_count=change.left)

    # -- members and profiles ---------------------------------------------------------------------

    def ListSegmentMembers(self, request, context):
        principal = current_principal()
        violations = unsupported_fields(request, {"page_size", "page_token", "segment_id",
                                                  "department_path"})
        if not request.segment_id:
            violations.append(FieldViolation("segment_id", "is required"))
        if violations:
            raise InvalidArgument(violations)
        size = _page_size(request.page_size, DEFAULT_MEMBER_PAGE, MAX_MEMBER_PAGE)
        where = [SegmentMember.segment_id == request.segment_id, _customers_visible(principal)]
        if request.department_path:
            where.append(_subtree(request.department_path))
        base = (select(SegmentMember)
                .join(CustomerProfile, CustomerProfile.customer_id == SegmentMember.customer_id)
                .where(*where))
        with self.database.unit_of_work(readonly=True) as uow:
            session = uow.session
            self._segment(session, request.segment_id)
            rows, token = keyset_page_by(
                session, base, order_column=SegmentMember.join_time,
                id_column=SegmentMember.customer_id, descending=True, page_size=size,
                page_token=request.page_token)
            total = session.scalar(select(func.count()).select_from(SegmentMember)
                                   .join(CustomerProfile,
                                         CustomerProfile.customer_id == SegmentMember.customer_id)
                                   .where(*where))
            profiles = {p.customer_id: p for p in session.scalars(select(CustomerProfile).where(
                CustomerProfile.customer_id.in_([row.customer_id for row in rows])))}
            return marketing_pb2.ListSegmentMembersResponse(
                members=[member_to_proto(row.segment_id, profiles[row.customer_id],
                                         row.join_time) for row in rows],
                next_page_token=token, total_size=total)

    def GetMarketingProfile(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"customer_id"})
        with self.database.unit_of_work(readonly=True) as uow:
            session = uow.session
            profile = session.get(CustomerProfile, request.customer_id) \
                if request.customer_id else None
            if profile is None or not _may_see_customer(principal, profile):
                raise NotFound(f"marketing profile of customer {request.customer_id} not found")
            segment_ids = session.scalars(
                select(SegmentMember.segment_id).where(
                    SegmentMember.customer_id == profile.customer_id)
                .order_by(SegmentMember.segment_id)).all()
            in_window = getattr(self, "messages_in_cap_window", None)
            return profile_to_proto(profile, list(segment_ids),
                                    in_window(session, profile.customer_id) if in_window else 0)

