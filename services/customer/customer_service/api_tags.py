"""gRPC methods of ``crm.customer.v1.CustomerService`` for tags: the catalogue, manual tagging,
and tag rules (conditions stored as data, evaluated on demand and whenever a customer's facts
change). Mixed into :class:`customer_service.api.CustomerServicer`."""

from __future__ import annotations

import re
import uuid

from crm.customer.v1 import customer_pb2
from crm_shared.auth import DataScope, Principal, current_principal, visibility_clause
from crm_shared.db import utcnow
from crm_shared.errors import (
    AlreadyExists,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from crm_shared.grpc.fields import refuse_unsupported, request_id_violations, unsupported_fields
from crm_shared.grpc.paging import keyset_page, page_size_of
from google.protobuf import empty_pb2
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from customer_service import api, tag_conditions
from customer_service import tags as tags_domain
from customer_service.models import Customer, Tag, TagRule

COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
TAG_OUTPUT_ONLY = {
    "id",
    "system",
    "customer_count",
    "create_time",
    "update_time",
    "created_by",
    "updated_by",
}
RULE_OUTPUT_ONLY = {
    "id",
    "match_count",
    "evaluate_time",
    "create_time",
    "update_time",
    "created_by",
    "updated_by",
}
RULE_INPUT = {
    "display_name",
    "description",
    "tag_id",
    "condition",
    "enabled",
    "remove_when_unmatched",
}


def _require_curator(principal: Principal) -> None:
    """The catalogue and rules are shared by everyone: leads, admins and services curate them."""
    if principal.data_scope is DataScope.OWN and not principal.is_service_account:
        raise PermissionDenied("only leads and administrators maintain tags and tag rules")


def _tag_violations(tag: customer_pb2.Tag, paths) -> tuple[dict, list[FieldViolation]]:
    clean, problems = {}, []
    for path in paths:
        value = getattr(tag, path).strip()
        if path == "name" and not 0 < len(value) <= 100:
            problems.append(FieldViolation("tag.name", "is required, at most 100 characters"))
        elif path == "dimension" and value not in tags_domain.DIMENSIONS:
            problems.append(
                FieldViolation(
                    "tag.dimension", f"must be one of {', '.join(tags_domain.DIMENSIONS)}"
                )
            )
        elif path == "color" and value and not COLOR.match(value):
            problems.append(FieldViolation("tag.color", "must be #RRGGBB"))
        elif path == "description" and len(value) > 2000:
            problems.append(FieldViolation("tag.description", "must be at most 2000 characters"))
        clean[path] = value or None
    return clean, problems


def _rule_violations(rule: customer_pb2.TagRule, paths) -> list[FieldViolation]:
    problems = []
    if "display_name" in paths and not 0 < len(rule.display_name.strip()) <= 200:
        problems.append(
            FieldViolation("tag_rule.display_name", "is required, at most 200 characters")
        )
    if "tag_id" in paths and not rule.tag_id:
        problems.append(FieldViolation("tag_rule.tag_id", "is required"))
    if "condition" in paths:
        problems += tag_conditions.condition_violations(rule.condition, "tag_rule.condition")
    return problems


class TagRpcs:
    # -- the catalogue ---------------------------------------------------------------------

    def CreateTag(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"tag", "request_id"})
        _require_curator(principal)
        clean, violations = _tag_violations(
            request.tag, ("name", "dimension", "description", "color")
        )
        violations += unsupported_fields(
            request.tag,
            {"name", "dimension", "description", "color"},
            prefix="tag.",
            ignored=TAG_OUTPUT_ONLY,
        )
        violations += request_id_violations(request.request_id)
        if violations:
            raise InvalidArgument(violations)
        try:
            with self.database.unit_of_work() as uow:
                if request.request_id:
                    earlier = uow.session.scalars(
                        select(Tag).where(Tag.request_id == request.request_id)
                    ).first()
                    if earlier is not None:
                        return tags_domain.tag_proto(earlier)
                now = utcnow()
                tag = Tag(
                    id=str(uuid.uuid4()),
                    system=False,
                    created_by=principal.user_id,
                    updated_by=principal.user_id,
                    create_time=now,
                    update_time=now,
                    request_id=request.request_id or None,
                    **clean,
                )
                uow.session.add(tag)
                uow.session.flush()
                return tags_domain.tag_proto(tag)
        except IntegrityError:
            raise AlreadyExists(
                f"a tag named {clean['name']!r} exists in dimension {clean['dimension']}"
            )

    def ListTags(self, request, context):
        current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "dimension", "query"})
        with self.database.unit_of_work(readonly=True) as uow:
            query = select(Tag)
            if request.dimension:
                query = query.where(Tag.dimension == request.dimension)
            if request.query.strip():
                query = query.where(Tag.name.icontains(request.query.strip(), autoescape=True))
            rows, next_token = keyset_page(
                uow.session,
                query,
                created_column=Tag.create_time,
                id_column=Tag.id,
                page_size=page_size_of(request.page_size),
                page_token=request.page_token,
            )
            counts = tags_domain.customer_counts(uow.session, [tag.id for tag in rows])
            return customer_pb2.ListTagsResponse(
                tags=[tags_domain.tag_proto(tag, counts.get(tag.id, 0)) for tag in rows],
                next_page_token=next_token,
            )

    def UpdateTag(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"tag", "update_mask"})
        _require_curator(principal)
        paths = list(dict.fromkeys(request.update_mask.paths))
        violations = [
            FieldViolation(f"update_mask.paths[{path}]", "cannot be changed")
            for path in paths
            if path not in ("name", "description", "color")
        ]
        if not paths:
            violations.append(FieldViolation("update_mask", "must name the fields to change"))
        if violations:
            raise InvalidArgument(violations)
        clean, violations = _tag_violations(request.tag, paths)
        if violations:
            raise InvalidArgument(violations)
        try:
            with self.database.unit_of_work() as uow:
                tag = _tag(uow.session, request.tag.id)
                if tag.system:
                    raise PermissionDenied("system tags are maintained by the service")
                for name, value in clean.items():
                    setattr(tag, name, value)
                tag.update_time = utcnow()
                tag.updated_by = principal.user_id
                uow.session.flush()
                count = tags_domain.customer_counts(uow.session, [tag.id]).get(tag.id, 0)
                return tags_domain.tag_proto(tag, count)
        except IntegrityError:
            raise AlreadyExists(f"a tag named {clean.get('name')!r} exists in that dimension")

    def DeleteTag(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id"})
        _require_curator(principal)
        with self.database.unit_of_work() as uow:
            tag = _tag(uow.session, request.id)
            if tag.system:
                raise PermissionDenied("system tags are maintained by the service")
            tags_domain.delete_tag_everywhere(uow, tag, actor_id=principal.user_id, now=utcnow())
        return empty_pb2.Empty()

    # -- tags on customers -----------------------------------------------------------------

    def AddCustomerTags(self, request, context):
        return self._change_customer_tags(request, add=True)

    def RemoveCustomerTags(self, request, context):
        return self._change_customer_tags(request, add=False)

    def _change_customer_tags(self, request, *, add: bool):
        principal = current_principal()
        refuse_unsupported(request, {"customer_id", "tag_ids"})
        if not request.tag_ids:
            raise InvalidArgument(FieldViolation("tag_ids", "must list at least one tag"))
        with self.database.unit_of_work() as uow:
            session = uow.session
            customer = api.visible_customer(
                session, principal, request.customer_id, for_update=True
            )
            api.require_active(customer)
            now = utcnow()
            change = tags_domain.TagChange()
            if add:
                wanted = api.catalogue_tags(session, list(request.tag_ids), field="tag_ids")
                change.added = tags_domain.add_tags(
                    session,
                    customer,
                    wanted,
                    source=tags_domain.MANUAL,
                    actor_id=principal.user_id,
                    now=now,
                )
            else:
                change.removed = tags_domain.remove_tags(session, customer, set(request.tag_ids))
            if change.added or change.removed:
                customer.update_time = now
                customer.version += 1
                catalogue = api.repository.get_tags(
                    session, [link.tag_id for link in change.added + change.removed]
                )
                before = sorted(link.tag_id for link in change.removed)
                api.revisions.record(
                    session,
                    customer.id,
                    {
                        "tags": (
                            ", ".join(catalogue[t].name for t in before if t in catalogue),
                            ", ".join(catalogue[link.tag_id].name for link in change.added),
                        )
                    },
                    actor_id=principal.user_id,
                    source=api.revisions.API,
                    now=now,
                )
                uow.emit(
                    tags_domain.tags_changed_event(session, customer, change, principal.user_id),
                    key=customer.id,
                )
            return api.customer_proto(session, customer, self._keys(), viewer=principal)

    # -- rules -----------------------------------------------------------------------------

    def CreateTagRule(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"tag_rule", "request_id"})
        _require_curator(principal)
        data = request.tag_rule
        violations = _rule_violations(data, ("display_name", "tag_id", "condition"))
        violations += unsupported_fields(
            data, RULE_INPUT, prefix="tag_rule.", ignored=RULE_OUTPUT_ONLY
        )
        violations += request_id_violations(request.request_id)
        if violations:
            raise InvalidArgument(violations)
        with self.database.unit_of_work() as uow:
            if request.request_id:
                earlier = uow.session.scalars(
                    select(TagRule).where(TagRule.request_id == request.request_id)
                ).first()
                if earlier is not None:
                    return tags_domain.rule_proto(earlier)
            _rule_tag(uow.session, data.tag_id)
            now = utcnow()
            rule = TagRule(
                id=str(uuid.uuid4()),
                display_name=data.display_name.strip(),
                description=data.description.strip() or None,
                tag_id=data.tag_id,
                condition=tags_domain.condition_text(data.condition),
                enabled=data.enabled,
                remove_when_unmatched=data.remove_when_unmatched,
                match_count=0,
                created_by=principal.user_id,
                updated_by=principal.user_id,
                create_time=now,
                update_time=now,
                request_id=request.request_id or None,
            )
            uow.session.add(rule)
            uow.session.flush()
            return tags_domain.rule_proto(rule)

    def GetTagRule(self, request, context):
        current_principal()
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work(readonly=True) as uow:
            return tags_domain.rule_proto(_rule(uow.session, request.id))

    def ListTagRules(self, request, context):
        current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "tag_id", "enabled"})
        with self.database.unit_of_work(readonly=True) as uow:
            query = select(TagRule)
            if request.tag_id:
                query = query.where(TagRule.tag_id == request.tag_id)
            if request.HasField("enabled"):
                query = query.where(TagRule.enabled.is_(request.enabled))
            rows, next_token = keyset_page(
                uow.session,
                query,
                created_column=TagRule.create_time,
                id_column=TagRule.id,
                page_size=page_size_of(request.page_size),
                page_token=request.page_token,
            )
            return customer_pb2.ListTagRulesResponse(
                tag_rules=[tags_domain.rule_proto(rule) for rule in rows],
                next_page_token=next_token,
            )

    def UpdateTagRule(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"tag_rule", "update_mask"})
        _require_curator(principal)
        data = request.tag_rule
        paths = list(dict.fromkeys(request.update_mask.paths))
        violations = [
            FieldViolation(f"update_mask.paths[{path}]", "cannot be changed")
            for path in paths
            if path not in RULE_INPUT
        ]
        if not paths:
            violations.append(FieldViolation("update_mask", "must name the fields to change"))
        violations += _rule_violations(data, paths)
        if violations:
            raise InvalidArgument(violations)
        with self.database.unit_of_work() as uow:
            rule = _rule(uow.session, data.id)
            if "tag_id" in paths:
                _rule_tag(uow.session, data.tag_id)
                rule.tag_id = data.tag_id
            if "condition" in paths:
                rule.condition = tags_domain.condition_text(data.condition)
            for name in ("display_name", "description"):
                if name in paths:
                    setattr(rule, name, getattr(data, name).strip() or None)
            for name in ("enabled", "remove_when_unmatched"):
                if name in paths:
                    setattr(rule, name, getattr(data, name))
            rule.update_time = utcnow()
            rule.updated_by = principal.user_id
            uow.session.flush()
            return tags_domain.rule_proto(rule)

    def DeleteTagRule(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id"})
        _require_curator(principal)
        with self.database.unit_of_work() as uow:
            uow.session.delete(_rule(uow.session, request.id))
        return empty_pb2.Empty()

    def EvaluateTagRules(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"rule_ids", "customer_ids"})
        _require_curator(principal)
        with self.database.unit_of_work() as uow:
            session = uow.session
            if request.rule_ids:
                rules = list(
                    session.scalars(select(TagRule).where(TagRule.id.in_(list(request.rule_ids))))
                )
                missing = set(request.rule_ids) - {rule.id for rule in rules}
                if missing:
                    raise NotFound(f"tag rule {min(missing)} not found")
            else:
                rules = tags_domain.enabled_rules(session)
            query = select(Customer).where(
                Customer.state == "active",
                visibility_clause(principal, Customer.owner_id, Customer.department_path),
            )
            if request.customer_ids:
                query = query.where(Customer.id.in_(list(request.customer_ids)))
            customers = list(session.scalars(query.order_by(Customer.create_time, Customer.id)))
            everyone = not request.customer_ids and principal.data_scope is DataScope.ALL
            now = utcnow()
            changes = tags_domain.evaluate(
                session, rules, customers, now=now, update_rule_stats=everyone
            )
            by_id = {customer.id: customer for customer in customers}
            for customer_id, change in changes.items():
                customer = by_id[customer_id]
                customer.update_time = now
                customer.version += 1
                uow.emit(
                    tags_domain.tags_changed_event(session, customer, change, principal.user_id),
                    key=customer_id,
                )
            return customer_pb2.EvaluateTagRulesResponse(
                evaluated_customer_count=len(customers),
                applied_tag_count=sum(len(c.added) for c in changes.values()),
                removed_tag_count=sum(len(c.removed) for c in changes.values()),
            )


def _tag(session, tag_id: str) -> Tag:
    tag = session.get(Tag, tag_id) if tag_id else None
    if tag is None:
        raise NotFound(f"tag {tag_id} not found")
    return tag


def _rule_tag(session, tag_id: str) -> Tag:
    tag = session.get(Tag, tag_id)
    if tag is None:
        raise InvalidArgument(FieldViolation("tag_rule.tag_id", "is not a tag of the catalogue"))
    return tag


def _rule(session, rule_id: str) -> TagRule:
    rule = session.get(TagRule, rule_id) if rule_id else None
    if rule is None:
        raise NotFound(f"tag rule {rule_id} not found")
    return rule
