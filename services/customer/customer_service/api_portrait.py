"""gRPC methods of ``crm.customer.v1.CustomerService`` for the portrait: classification
policy, portrait, timeline, satisfaction and KPIs. Mixed into
:class:`customer_service.api.CustomerServicer`.

Every read is about customers the caller may see: a customer outside the caller's scope is
NOT_FOUND, and the KPIs count only visible customers.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from datetime import datetime

from crm.customer.v1 import customer_pb2
from crm_shared.auth import current_principal
from crm_shared.db import utcnow
from crm_shared.errors import Conflict, FieldViolation, InvalidArgument, NotFound, PermissionDenied
from crm_shared.grpc.fields import unsupported_fields
from crm_shared.grpc.paging import page_size_of
from crm_shared.timestamps import from_timestamp, to_timestamp
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from customer_service import (
    access_log,
    classification,
    contacts,
    kpis,
    portrait,
    repository,
    timeline,
)
from customer_service.api_personal import METHOD_PREFIX
from customer_service.classification import Policy
from customer_service.models import Contact

log = logging.getLogger(__name__)

POLICY_ADMIN_ROLES = ("admin",)
POLICY_OUTPUT_ONLY = {"update_time", "updated_by"}
MONEY_FIELDS = ("value_class_a_min", "value_class_b_min")
SOURCE_SERVICES = ("customer", "sales", "ticket", "marketing")
SATISFACTION_SOURCE_NAMES = {value: name for name, value in portrait.SATISFACTION_SOURCES.items()}


def policy_proto(policy: Policy) -> customer_pb2.ClassificationPolicy:
    message = customer_pb2.ClassificationPolicy(
        value_class_a_min=timeline.to_money(policy.value_class_a_min),
        value_class_b_min=timeline.to_money(policy.value_class_b_min),
        lost_after_inactive_days=policy.lost_after_inactive_days,
        churn_window_days=policy.churn_window_days,
        churn_interaction_drop_ratio=policy.churn_interaction_drop_ratio,
        churn_complaint_increase=policy.churn_complaint_increase,
        enterprise_expected_fields=list(policy.enterprise_expected_fields),
        individual_expected_fields=list(policy.individual_expected_fields),
        completeness_target=policy.completeness_target,
        updated_by=policy.updated_by,
    )
    if policy.update_time is not None:
        message.update_time.CopyFrom(to_timestamp(policy.update_time))
    return message


def _policy_change(current: Policy, message: customer_pb2.ClassificationPolicy, paths: list[str]
                   ) -> tuple[Policy, list[FieldViolation]]:
    """``current`` with the fields named in ``paths`` taken from ``message``."""
    values: dict[str, object] = {}
    violations = []
    for index, path in enumerate(paths):
        if path in POLICY_OUTPUT_ONLY:
            continue
        if path not in classification.EDITABLE_FIELDS:
            violations.append(FieldViolation(f"update_mask.paths[{index}]",
                                             f"{path!r} is not a field of the policy"))
            continue
        value = getattr(message, path)
        if path in MONEY_FIELDS:
            amount, currency = timeline.money_amount(value)
            if currency != timeline.CNY:
                violations.append(FieldViolation(f"policy.{path}.currency_code", "must be CNY"))
                continue
            values[path] = amount
        elif path.endswith("_expected_fields"):
            values[path] = tuple(path_.strip() for path_ in value)
        else:
            values[path] = value
    return replace(current, **values), violations


class PortraitRpcs:
    """Methods are added here; the servicer in ``api.py`` inherits them."""

    # -- classification policy -------------------------------------------------------------------

    def GetClassificationPolicy(self, request, context):
        current_principal()
        with self.database.unit_of_work(readonly=True) as uow:
            return policy_proto(classification.load_policy(uow.session))

    def UpdateClassificationPolicy(self, request, context):
        principal = current_principal()
        if not principal.has_role(*POLICY_ADMIN_ROLES):
            raise PermissionDenied("only an administrator may change the classification policy")
        violations = unsupported_fields(request, {"policy", "update_mask"})
        violations += unsupported_fields(request.policy, classification.EDITABLE_FIELDS,
                                         prefix="policy.", ignored=POLICY_OUTPUT_ONLY)
        paths = list(request.update_mask.paths) or [
            field.name for field, _ in request.policy.ListFields()]
        if not paths:
            violations.append(FieldViolation("update_mask", "names no field to change"))
        now = utcnow()
        try:
            with self.database.unit_of_work() as uow:
                current = classification.load_policy(uow.session)
                changed, more = _policy_change(current, request.policy, paths)
                violations += more
                violations += [FieldViolation(path, message) for path, message
                               in classification.policy_violations(changed)]
                if violations:
                    raise InvalidArgument(violations)
                stored = classification.save_policy(uow.session, changed, actor_id=principal.user_id,
                                                    now=now)
        except IntegrityError as exc:  # two first-ever updates raced on inserting the row
            raise Conflict("the policy was changed concurrently; retry") from exc
        self._reclassify_in_background(now)
        return policy_proto(stored)

    def _reclassify_in_background(self, now: datetime) -> None:
        """Apply the new thresholds to every customer now rather than at the next daily sweep;
        the sweep catches up if this process stops first."""
        def run() -> None:
            try:
                result = portrait.sweep(self.database, now=now)
                log.info("reclassified after a policy change: %s", result)
            except Exception:
                log.exception("reclassification after a policy change failed")

        threading.Thread(target=run, name="reclassify", daemon=True).start()

    # -- portrait, timeline, satisfaction --------------------------------------------------------

    def _visible_customer(self, session, customer_id: str, field: str = "customer_id"):
        if not customer_id:
            raise InvalidArgument(FieldViolation(field, "is required"))
        customer = repository.get_visible(session, current_principal(), customer_id)
        if customer is None:
            raise NotFound(f"customer {customer_id} not found")
        return customer

    def GetCustomerPortrait(self, request, context):
        from customer_service.api import customer_proto  # api imports this module

        _refuse(request, {"customer_id"})
        # Not read-only: the personal fields returned are access-logged with this read.
        with self.database.unit_of_work() as uow:
            customer = self._visible_customer(uow.session, request.customer_id)
            message = customer_proto(uow.session, customer, self._keys(),
                                     viewer=current_principal())
            view = portrait.build_portrait(uow.session, customer, message, utcnow())
            view.contacts.extend(contacts.to_proto(contact) for contact in uow.session.scalars(
                select(Contact).where(Contact.customer_id == customer.id)
                .order_by(Contact.is_primary.desc(), Contact.create_time, Contact.id)))
            access_log.record_reads(
                uow.session, current_principal(),
                [(customer.id, access_log.personal_paths_of(view.customer)),
                 *((customer.id, access_log.contact_paths_of(c)) for c in view.contacts)],
                METHOD_PREFIX + "GetCustomerPortrait")
            return view

    def ListTimelineEntries(self, request, context):
        violations = unsupported_fields(request, {"page_size", "page_token", "customer_id", "kinds",
                                                  "source_service", "start_time", "end_time"})
        kinds = []
        for index, kind in enumerate(request.kinds):
            if kind == customer_pb2.TIMELINE_ENTRY_KIND_UNSPECIFIED or \
                    kind not in customer_pb2.TimelineEntryKind.values():
                violations.append(FieldViolation(f"kinds[{index}]", "is not a timeline entry kind"))
            else:
                kinds.append(timeline.kind_name(kind))
        if request.source_service and request.source_service not in SOURCE_SERVICES:
            violations.append(FieldViolation("source_service",
                                             f"must be one of {', '.join(SOURCE_SERVICES)}"))
        start = from_timestamp(request.start_time) if request.HasField("start_time") else None
        end = from_timestamp(request.end_time) if request.HasField("end_time") else None
        if start and end and start >= end:
            violations.append(FieldViolation("end_time", "must be after start_time"))
        if not request.customer_id:
            violations.append(FieldViolation("customer_id", "is required"))
        if violations:
            raise InvalidArgument(violations)
        page_size = page_size_of(request.page_size)
        with self.database.unit_of_work(readonly=True) as uow:
            customer = self._visible_customer(uow.session, request.customer_id)
            rows, next_token = timeline.list_entries(
                uow.session, customer.id,
                timeline.TimelineFilter(kinds=tuple(kinds),
                                        source_service=request.source_service or None,
                                        start_time=start, end_time=end),
                page_size=page_size, page_token=request.page_token)
            return customer_pb2.ListTimelineEntriesResponse(
                timeline_entries=[portrait.timeline_entry_proto(row) for row in rows],
                next_page_token=next_token)

    def ListSatisfactionRecords(self, request, context):
        violations = unsupported_fields(request, {"page_size", "page_token", "customer_id", "source"})
        if request.source and request.source not in SATISFACTION_SOURCE_NAMES:
            violations.append(FieldViolation("source", "is not a satisfaction source"))
        if not request.customer_id:
            violations.append(FieldViolation("customer_id", "is required"))
        if violations:
            raise InvalidArgument(violations)
        page_size = page_size_of(request.page_size)
        with self.database.unit_of_work(readonly=True) as uow:
            customer = self._visible_customer(uow.session, request.customer_id)
            rows, next_token = timeline.list_satisfaction(
                uow.session, customer.id, SATISFACTION_SOURCE_NAMES.get(request.source),
                page_size=page_size, page_token=request.page_token)
            return customer_pb2.ListSatisfactionRecordsResponse(
                satisfaction_records=[portrait.satisfaction_proto(row) for row in rows],
                next_page_token=next_token)

    # -- KPIs ------------------------------------------------------------------------------------

    def GetCustomerKpis(self, request, context):
        principal = current_principal()
        _refuse(request, {"period", "department_path", "group_by_department"})
        now = utcnow()
        period = kpis.parse_period(request.period.start_date, request.period.end_date,
                                   today=now.date())
        with self.database.unit_of_work(readonly=True) as uow:
            return kpis.customer_kpis(uow.session, principal, period,
                                      department_path=request.department_path.strip() or None,
                                      group_by_department=request.group_by_department, now=now)


def _refuse(request, handled: set[str]) -> None:
    violations = unsupported_fields(request, handled)
    if violations:
        raise InvalidArgument(violations)

