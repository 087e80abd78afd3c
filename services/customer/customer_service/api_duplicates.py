"""gRPC methods of ``crm.customer.v1.CustomerService`` for duplicates and merges. Mixed into
:class:`customer_service.api.CustomerServicer`. A pair or a merge is visible when the caller
may see every customer in it."""

from __future__ import annotations

import uuid

from crm.customer.v1 import customer_pb2, events_pb2
from crm_shared.auth import DataScope, current_principal, visibility_clause
from crm_shared.db import utcnow
from crm_shared.errors import FailedPrecondition, FieldViolation, InvalidArgument, NotFound
from crm_shared.grpc.fields import refuse_unsupported, request_id_violations
from crm_shared.grpc.paging import keyset_page, keyset_page_by, page_size_of
from crm_shared.timestamps import to_timestamp
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import aliased

from customer_service import api, duplicates, merge, personal_data, profile, revisions, rules
from customer_service.models import Customer, CustomerMerge, DuplicateCandidate

MAX_MERGED = 20
STATE_NAMES = {value: name for name, value in duplicates.STATE_VALUES.items()}


def merge_proto(row: CustomerMerge) -> customer_pb2.CustomerMerge:
    return customer_pb2.CustomerMerge(
        id=row.id,
        surviving_customer_id=row.surviving_customer_id,
        merged_customer_ids=row.merged_customer_ids.split(","),
        actor_id=row.actor_id,
        reason=row.reason or "",
        merge_time=to_timestamp(row.merge_time),
        moved_contact_count=row.moved_contact_count,
        moved_tag_count=row.moved_tag_count,
        moved_timeline_entry_count=row.moved_timeline_entry_count,
        overridden_fields=[f for f in row.overridden_fields.split(",") if f],
    )


def _both_visible(principal):
    first, second = aliased(Customer), aliased(Customer)
    return [
        exists().where(
            first.id == DuplicateCandidate.first_customer_id,
            visibility_clause(principal, first.owner_id, first.department_path),
        ),
        exists().where(
            second.id == DuplicateCandidate.second_customer_id,
            visibility_clause(principal, second.owner_id, second.department_path),
        ),
    ]


class DuplicateRpcs:
    def ListDuplicateCandidates(self, request, context):
        principal = current_principal()
        refuse_unsupported(
            request, {"page_size", "page_token", "customer_id", "state", "min_score"}
        )
        if request.state and request.state not in STATE_NAMES:
            raise InvalidArgument(FieldViolation("state", "is not a duplicate candidate state"))
        if not 0 <= request.min_score <= 1:
            raise InvalidArgument(FieldViolation("min_score", "must be between 0 and 1"))
        with self.database.unit_of_work(readonly=True) as uow:
            where = [
                DuplicateCandidate.state == STATE_NAMES.get(request.state, duplicates.OPEN),
                *_both_visible(principal),
            ]
            if request.customer_id:
                where.append(
                    or_(
                        DuplicateCandidate.first_customer_id == request.customer_id,
                        DuplicateCandidate.second_customer_id == request.customer_id,
                    )
                )
            if request.min_score:
                where.append(DuplicateCandidate.score >= request.min_score)
            rows, next_token = keyset_page_by(  # highest score first
                uow.session,
                select(DuplicateCandidate).where(*where),
                order_column=DuplicateCandidate.score,
                id_column=DuplicateCandidate.id,
                descending=True,
                page_size=page_size_of(request.page_size),
                page_token=request.page_token,
            )
            return customer_pb2.ListDuplicateCandidatesResponse(
                duplicate_candidates=[duplicates.to_proto(row) for row in rows],
                next_page_token=next_token,
            )

    def DismissDuplicateCandidate(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id", "reason"})
        with self.database.unit_of_work() as uow:
            pair = uow.session.scalars(
                select(DuplicateCandidate).where(
                    DuplicateCandidate.id == request.id, *_both_visible(principal)
                )
            ).first()
            if pair is None:
                raise NotFound(f"duplicate candidate {request.id} not found")
            if pair.state == duplicates.MERGED:
                raise FailedPrecondition("the pair was merged already")
            if pair.state == duplicates.OPEN:
                pair.state = duplicates.DISMISSED
                pair.dismissed_by = principal.user_id
                pair.dismiss_reason = request.reason.strip() or None
            return duplicates.to_proto(pair)

    def MergeCustomers(self, request, context):
        principal = current_principal()
        refuse_unsupported(
            request,
            {
                "surviving_customer_id",
                "merged_customer_ids",
                "overrides",
                "override_mask",
                "reason",
                "request_id",
            },
        )
        merged_ids = list(dict.fromkeys(request.merged_customer_ids))
        violations = request_id_violations(request.request_id)
        if not request.surviving_customer_id:
            violations.append(FieldViolation("surviving_customer_id", "is required"))
        if not merged_ids:
            violations.append(
                FieldViolation("merged_customer_ids", "must list at least one customer")
            )
        elif len(merged_ids) > MAX_MERGED:
            violations.append(
                FieldViolation("merged_customer_ids", f"must list at most {MAX_MERGED}")
            )
        if request.surviving_customer_id in merged_ids:
            violations.append(
                FieldViolation("merged_customer_ids", "must not contain the survivor")
            )
        override_paths = list(dict.fromkeys(request.override_mask.paths))
        violations += [
            FieldViolation(f"override_mask.paths[{path}]", "cannot be taken over in a merge")
            for path in override_paths
            if path not in rules.RECORD_PATHS
        ]
        if violations:
            raise InvalidArgument(violations)
        clean, violations = rules.validate_record_fields(
            api.record_fields_of(request.overrides, override_paths),
            prefix="overrides",
            today=utcnow().date(),
        )
        if violations:
            raise InvalidArgument(violations)
        with self.database.unit_of_work() as uow:
            session = uow.session
            if request.request_id:
                earlier = session.scalars(
                    select(CustomerMerge).where(CustomerMerge.request_id == request.request_id)
                ).first()
                if earlier is not None:
                    survivor = api.visible_customer(
                        session, principal, earlier.surviving_customer_id
                    )
                    return customer_pb2.MergeCustomersResponse(
                        customer=api.customer_proto(
                            session, survivor, self._keys(), viewer=principal
                        ),
                        merge=merge_proto(earlier),
                    )
            survivor = api.visible_customer(
                session, principal, request.surviving_customer_id, for_update=True
            )
            losers = [
                api.visible_customer(session, principal, customer_id, for_update=True)
                for customer_id in merged_ids
            ]
            for customer in [survivor, *losers]:
                api.require_active(customer)
                if customer.type != survivor.type:
                    raise FailedPrecondition("only customers of the same type can be merged")
            now = utcnow()
            moved: dict[str, int] = {}
            changes: dict[str, tuple[str, str]] = {}
            movers = self._merge_movers()
            for loser in losers:
                for table, count in merge.repoint(session, loser.id, survivor.id, movers).items():
                    moved[table] = moved.get(table, 0) + count
                # Fields the survivor lacks are taken from the merged record.
                gaps = {
                    path: value
                    for path, value in profile.values_of(loser).items()
                    if not rules.is_empty(value)
                    and rules.is_empty(profile.values_of(survivor).get(path))
                    and path != "primary_contact_id"
                }
                for path, (old, new) in profile.apply(survivor, gaps).items():
                    changes[path] = (profile.text_of(old), profile.text_of(new))
                loser.state = "merged"
                loser.merged_into_customer_id = survivor.id
                loser.version += 1
                loser.update_time = now
                loser.updated_by = principal.user_id
                revisions.record(
                    session,
                    loser.id,
                    {"state": ("active", "merged")},
                    actor_id=principal.user_id,
                    source=revisions.MERGE,
                    now=now,
                    correlation_id=request.request_id,
                )
            for path, (old, new) in profile.apply(survivor, clean).items():
                changes[path] = (
                    changes.get(path, (profile.text_of(old), ""))[0],
                    profile.text_of(new),
                )
            survivor.version += 1
            survivor.update_time = now
            survivor.updated_by = principal.user_id
            duplicates.close_pairs_of(session, [loser.id for loser in losers])
            self._refresh_completeness(session, survivor)
            record = CustomerMerge(
                id=str(uuid.uuid4()),
                surviving_customer_id=survivor.id,
                merged_customer_ids=",".join(loser.id for loser in losers),
                actor_id=principal.user_id,
                reason=request.reason.strip() or None,
                merge_time=now,
                moved_contact_count=moved.get("contacts", 0),
                moved_tag_count=moved.get("customer_tags", 0),
                moved_timeline_entry_count=moved.get("customer_timeline_entries", 0),
                overridden_fields=",".join(clean),
                request_id=request.request_id or None,
            )
            session.add(record)
            revisions.record(
                session,
                survivor.id,
                {
                    **changes,
                    "merged_customer_ids": ("", ", ".join(loser.number for loser in losers)),
                },
                actor_id=principal.user_id,
                source=revisions.MERGE,
                now=now,
                correlation_id=record.id,
            )
            session.flush()
            result = api.customer_proto(session, survivor, self._keys(), viewer=None)
            uow.emit(
                events_pb2.CustomerMerged(
                    merge_id=record.id,
                    surviving_customer_id=survivor.id,
                    merged_customer_ids=[loser.id for loser in losers],
                    owner_id=survivor.owner_id,
                    department_path=survivor.department_path,
                    actor_id=principal.user_id,
                    customer=personal_data.for_event(result),
                ),
                key=survivor.id,
            )
            return customer_pb2.MergeCustomersResponse(
                customer=personal_data.answer_for(principal, result), merge=merge_proto(record)
            )

    def _merge_movers(self) -> dict[str, merge.Mover]:
        """Tables that cannot be re-pointed row by row: sensitive values are sealed to their
        customer id, so they are re-encrypted for the survivor (the survivor's own values win)."""
        keys = self._keys() if hasattr(self, "_keys") else None

        def move_sealed(session, merged_id: str, survivor_id: str) -> int:
            clear = personal_data.load_clear(session, [merged_id, survivor_id], keys)
            taken = {
                path: value
                for path, value in clear[merged_id].items()
                if path not in clear[survivor_id]
            }
            personal_data.store_personal_fields(session, survivor_id, taken, keys)
            personal_data.delete_personal_fields(session, merged_id)
            return len(taken)

        return {"customer_personal_data": move_sealed}

    def ListCustomerMerges(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "customer_id"})
        with self.database.unit_of_work(readonly=True) as uow:
            survivor = aliased(Customer)
            query = select(CustomerMerge)
            if principal.data_scope is not DataScope.ALL:
                query = query.where(
                    exists().where(
                        survivor.id == CustomerMerge.surviving_customer_id,
                        visibility_clause(principal, survivor.owner_id, survivor.department_path),
                    )
                )
            if request.customer_id:
                query = query.where(
                    or_(
                        CustomerMerge.surviving_customer_id == request.customer_id,
                        CustomerMerge.merged_customer_ids.contains(
                            request.customer_id, autoescape=True
                        ),
                    )
                )
            rows, next_token = keyset_page(
                uow.session,
                query,
                created_column=CustomerMerge.merge_time,
                id_column=CustomerMerge.id,
                page_size=page_size_of(request.page_size),
                page_token=request.page_token,
            )
            return customer_pb2.ListCustomerMergesResponse(
                merges=[merge_proto(row) for row in rows], next_page_token=next_token
            )
