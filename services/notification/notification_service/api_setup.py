"""Rules and templates over gRPC: who is told about what, and what they read.

Anyone signed in may read them (they explain the notifications people get); only an
administrator changes them, as the contract declares (``crm.common.v1.access``, checked before
these handlers run)."""

from __future__ import annotations

import uuid

from crm.common.v1 import types_pb2
from crm.notification.v1 import notification_pb2
from crm_shared.auth import current_principal
from crm_shared.db import utcnow
from crm_shared.errors import AlreadyExists, FieldViolation, InvalidArgument, NotFound
from crm_shared.grpc.fields import unsupported_fields
from crm_shared.grpc.paging import keyset_page, page_size_of
from crm_shared.timestamps import to_timestamp
from google.protobuf import empty_pb2
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from notification_service import rules, templates
from notification_service.models import MessageTemplate, NotificationRule

RULE_INPUT = {"display_name", "event_name", "condition", "recipients", "category", "template_key",
              "priority", "channels", "subject_type", "subject_id_path", "enabled"}
RULE_OUTPUT = {"id", "create_time", "update_time", "created_by", "updated_by"}
TEMPLATE_INPUT = {"key", "channel", "locale", "subject", "body", "description", "active"}
TEMPLATE_OUTPUT = {"id", "variables", "version", "create_time", "update_time", "created_by",
                   "updated_by"}
LOCALES = {"zh-CN", "en-US", "en"}


def rule_to_proto(row: NotificationRule) -> notification_pb2.NotificationRule:
    return notification_pb2.NotificationRule(
        id=row.id, display_name=row.display_name, event_name=row.event_name,
        condition=rules.load_condition(row.condition_json),
        recipients=rules.load_selectors(row.recipients_json), category=row.category,
        template_key=row.template_key, priority=row.priority,
        channels=rules.load_channels(row.channels_json), subject_type=row.subject_type,
        subject_id_path=row.subject_id_path, enabled=row.enabled,
        create_time=to_timestamp(row.create_time), update_time=to_timestamp(row.update_time),
        created_by=row.created_by, updated_by=row.updated_by,
    )


def template_to_proto(row: MessageTemplate) -> notification_pb2.MessageTemplate:
    return notification_pb2.MessageTemplate(
        id=row.id, key=row.key, channel=row.channel, locale=row.locale, subject=row.subject,
        body=row.body, description=row.description,
        variables=templates.placeholders(row.subject, row.body), active=row.active,
        version=row.version, create_time=to_timestamp(row.create_time),
        update_time=to_timestamp(row.update_time), created_by=row.created_by,
        updated_by=row.updated_by,
    )


def _rule_violations(rule, paths) -> list[FieldViolation]:
    violations = []
    for name in ("display_name", "event_name", "category", "template_key"):
        if name in paths and not getattr(rule, name).strip():
            violations.append(FieldViolation(f"rule.{name}", "is required"))
    if "recipients" in paths:
        if not rule.recipients:
            violations.append(FieldViolation("rule.recipients", "name at least one selector"))
        violations += rules.selector_violations(rule.recipients, "rule.recipients")
    if "condition" in paths:
        violations += rules.condition_violations(rule.condition, "rule.condition")
    if "priority" in paths and rule.priority not in notification_pb2.NotificationPriority.values():
        violations.append(FieldViolation("rule.priority", "is not a priority"))
    if "channels" in paths:
        violations += [FieldViolation(f"rule.channels[{i}]", "is not a channel")
                       for i, c in enumerate(rule.channels)
                       if c == types_pb2.DELIVERY_CHANNEL_UNSPECIFIED
                       or c not in types_pb2.DeliveryChannel.values()]
    return violations


def _apply_rule(row: NotificationRule, rule, paths) -> None:
    for path in paths:
        if path == "condition":
            row.condition_json = rules.dump_condition(rule.condition)
        elif path == "recipients":
            row.recipients_json = rules.dump_selectors(rule.recipients)
        elif path == "channels":
            row.channels_json = rules.dump_channels(rule.channels)
        else:
            setattr(row, path, getattr(rule, path))


def _template_violations(template, paths) -> list[FieldViolation]:
    violations = []
    for name in ("key", "subject", "body"):
        if name in paths and not getattr(template, name).strip():
            violations.append(FieldViolation(f"template.{name}", "is required"))
    if "locale" in paths and template.locale not in LOCALES:
        violations.append(FieldViolation("template.locale", "must be zh-CN or en-US"))
    if "channel" in paths and template.channel not in types_pb2.DeliveryChannel.values():
        violations.append(FieldViolation("template.channel", "is not a channel"))
    return violations


def _mask(mask_paths, allowed, output) -> list[str]:
    paths = list(dict.fromkeys(mask_paths))
    if not paths:
        raise InvalidArgument(FieldViolation("update_mask", "must name the fields to change"))
    violations = [FieldViolation(f"update_mask.paths[{p}]",
                                 "is output only" if p in output else "cannot be changed")
                  for p in paths if p not in allowed]
    if violations:
        raise InvalidArgument(violations)
    return paths


class SetupRpcs:
    """Mixed into the servicer; expects ``self.database``."""

    # -- rules -------------------------------------------------------------------------------

    def CreateNotificationRule(self, request, context):
        principal = current_principal()
        violations = unsupported_fields(request, {"rule", "request_id"})
        violations += unsupported_fields(request.rule, RULE_INPUT, prefix="rule.",
                                         ignored=RULE_OUTPUT)
        violations += _rule_violations(request.rule, RULE_INPUT)
        if violations:
            raise InvalidArgument(violations)
        # request_id makes a retried create return the rule it made (the id derives from it).
        rule_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"rule:{request.request_id}")) \
            if request.request_id else str(uuid.uuid4())
        now = utcnow()
        with self.database.unit_of_work() as uow:
            existing = uow.session.get(NotificationRule, rule_id)
            if existing is not None:
                return rule_to_proto(existing)
            row = NotificationRule(id=rule_id, create_time=now, update_time=now,
                                   created_by=principal.user_id, updated_by=principal.user_id)
            _apply_rule(row, request.rule, sorted(RULE_INPUT))
            uow.session.add(row)
            uow.session.flush()
            return rule_to_proto(row)

    def GetNotificationRule(self, request, context):
        current_principal()
        with self.database.unit_of_work(readonly=True) as uow:
            return rule_to_proto(self._rule(uow.session, request.id))

    def ListNotificationRules(self, request, context):
        current_principal()
        query = select(NotificationRule)
        if request.event_name:
            query = query.where(NotificationRule.event_name == request.event_name)
        if request.HasField("enabled"):
            query = query.where(NotificationRule.enabled.is_(request.enabled))
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page(
                uow.session, query, created_column=NotificationRule.create_time,
                id_column=NotificationRule.id, page_size=page_size_of(request.page_size),
                page_token=request.page_token)
            return notification_pb2.ListNotificationRulesResponse(
                rules=[rule_to_proto(r) for r in rows], next_page_token=token)

    def UpdateNotificationRule(self, request, context):
        principal = current_principal()
        paths = _mask(request.update_mask.paths, RULE_INPUT, RULE_OUTPUT)
        violations = _rule_violations(request.rule, paths)
        if violations:
            raise InvalidArgument(violations)
        with self.database.unit_of_work() as uow:
            row = self._rule(uow.session, request.rule.id)
            _apply_rule(row, request.rule, paths)
            row.update_time, row.updated_by = utcnow(), principal.user_id
            uow.session.flush()
            return rule_to_proto(row)

    def DeleteNotificationRule(self, request, context):
        with self.database.unit_of_work() as uow:
            uow.session.delete(self._rule(uow.session, request.id))
        return empty_pb2.Empty()

    @staticmethod
    def _rule(session, rule_id: str) -> NotificationRule:
        row = session.get(NotificationRule, rule_id) if rule_id else None
        if row is None:
            raise NotFound(f"notification rule {rule_id} not found")
        return row

    # -- templates ---------------------------------------------------------------------------

    def CreateMessageTemplate(self, request, context):
        principal = current_principal()
        violations = unsupported_fields(request, {"template", "request_id"})
        violations += unsupported_fields(request.template, TEMPLATE_INPUT, prefix="template.",
                                         ignored=TEMPLATE_OUTPUT)
        violations += _template_violations(request.template, TEMPLATE_INPUT)
        if violations:
            raise InvalidArgument(violations)
        template_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"template:{request.request_id}")) \
            if request.request_id else str(uuid.uuid4())
        now = utcnow()
        data = request.template
        try:
            with self.database.unit_of_work() as uow:
                existing = uow.session.get(MessageTemplate, template_id)
                if existing is not None:
                    return template_to_proto(existing)
                row = MessageTemplate(
                    id=template_id, key=data.key, channel=data.channel, locale=data.locale,
                    subject=data.subject, body=data.body, description=data.description,
                    active=data.active, version=1, create_time=now, update_time=now,
                    created_by=principal.user_id, updated_by=principal.user_id)
                uow.session.add(row)
                uow.session.flush()
                return template_to_proto(row)
        except IntegrityError:
            raise AlreadyExists(
                f"a template for key {data.key}, this channel and locale {data.locale} exists"
            ) from None

    def GetMessageTemplate(self, request, context):
        current_principal()
        with self.database.unit_of_work(readonly=True) as uow:
            return template_to_proto(self._template(uow.session, request.id))

    def ListMessageTemplates(self, request, context):
        current_principal()
        query = select(MessageTemplate)
        if request.key:
            query = query.where(MessageTemplate.key == request.key)
        if request.locale:
            query = query.where(MessageTemplate.locale == request.locale)
        if request.channel:
            query = query.where(MessageTemplate.channel == request.channel)
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page(
                uow.session, query, created_column=MessageTemplate.create_time,
                id_column=MessageTemplate.id, page_size=page_size_of(request.page_size),
                page_token=request.page_token)
            return notification_pb2.ListMessageTemplatesResponse(
                templates=[template_to_proto(r) for r in rows], next_page_token=token)

    def UpdateMessageTemplate(self, request, context):
        principal = current_principal()
        paths = _mask(request.update_mask.paths, TEMPLATE_INPUT, TEMPLATE_OUTPUT)
        violations = _template_violations(request.template, paths)
        if violations:
            raise InvalidArgument(violations)
        try:
            with self.database.unit_of_work() as uow:
                row = self._template(uow.session, request.template.id)
                for path in paths:
                    setattr(row, path, getattr(request.template, path))
                row.version += 1
                row.update_time, row.updated_by = utcnow(), principal.user_id
                uow.session.flush()
                return template_to_proto(row)
        except IntegrityError:
            raise AlreadyExists("a template for that key, channel and locale exists") from None

    def DeleteMessageTemplate(self, request, context):
        with self.database.unit_of_work() as uow:
            uow.session.delete(self._template(uow.session, request.id))
        return empty_pb2.Empty()

    def RenderMessageTemplate(self, request, context):
        current_principal()
        with self.database.unit_of_work(readonly=True) as uow:
            row = self._template(uow.session, request.id)
            values = dict(request.variables)
            return notification_pb2.RenderMessageTemplateResponse(
                subject=templates.fill(row.subject, values), body=templates.fill(row.body, values),
                missing_variables=[name for name in templates.placeholders(row.subject, row.body)
                                   if name not in values])

    @staticmethod
    def _template(session, template_id: str) -> MessageTemplate:
        row = session.get(MessageTemplate, template_id) if template_id else None
        if row is None:
            raise NotFound(f"message template {template_id} not found")
        return row
