"""Notification rules as data: reading an event, testing a rule's condition, finding its
recipients. Pure functions; the directory of people is passed in (see :mod:`directory`).

An event is read as its proto3 JSON with snake_case names (``ticket.department_path``), as
the contract of ``NotificationRule`` says.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Protocol

from crm.common.v1 import rules_pb2, types_pb2
from crm.notification.v1 import notification_pb2
from crm_shared.errors import FieldViolation
from google.protobuf import json_format
from google.protobuf.message import Message

Op = rules_pb2.ConditionOperator
Kind = notification_pb2.RecipientKind

SUPPORTED_OPERATORS = {
    Op.CONDITION_OPERATOR_EQUALS, Op.CONDITION_OPERATOR_NOT_EQUALS, Op.CONDITION_OPERATOR_IN,
    Op.CONDITION_OPERATOR_NOT_IN, Op.CONDITION_OPERATOR_CONTAINS, Op.CONDITION_OPERATOR_EXISTS,
    Op.CONDITION_OPERATOR_NOT_EXISTS,
}


class Directory(Protocol):
    """Who works where: what selectors are resolved against."""

    def department_lead(self, department_path: str) -> str | None: ...

    def department_members(self, department_path: str) -> list[str]: ...

    def users_with_role(self, role: str, department_path: str) -> list[str]: ...


def event_document(event: Message) -> dict:
    return json_format.MessageToDict(event, preserving_proto_field_name=True)


def lookup(document: dict, path: str):
    """The value at a dotted path, or None when any step is missing."""
    value = document
    for step in path.split("."):
        if not isinstance(value, dict) or step not in value:
            return None
        value = value[step]
    return value


def template_values(message: Message, prefix: str = "") -> dict[str, str]:
    """Every set scalar of the event by dotted path, as text for templates: enums by name,
    times as ``2026-03-02 12:00 UTC``, durations as ``24h`` / ``90min``, lists joined."""
    values: dict[str, str] = {}
    for field, value in message.ListFields():
        path = f"{prefix}{field.name}"
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            for key, item in value.items():
                values[f"{path}.{key}"] = item if isinstance(item, str) else _text_of(item)
        elif field.is_repeated:
            values[path] = ", ".join(_scalar_text(field, item) for item in value)
        elif field.message_type is not None and field.message_type.full_name not in _WELL_KNOWN:
            values.update(template_values(value, f"{path}."))
        else:
            values[path] = _scalar_text(field, value)
    return values


_WELL_KNOWN = {"google.protobuf.Timestamp", "google.protobuf.Duration"}


def _scalar_text(field, value) -> str:
    if field.enum_type is not None:
        return field.enum_type.values_by_number[value].name if value in \
            field.enum_type.values_by_number else str(value)
    if field.message_type is not None:
        name = field.message_type.full_name
        if name == "google.protobuf.Timestamp":
            return value.ToDatetime().strftime("%Y-%m-%d %H:%M UTC")
        if name == "google.protobuf.Duration":
            minutes = round(value.ToTimedelta().total_seconds() / 60)
            return f"{minutes // 60}h" if minutes % 60 == 0 and minutes else f"{minutes}min"
        return _text_of(value)
    return _text_of(value)


def _text_of(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Message):
        return json_format.MessageToJson(value, preserving_proto_field_name=True, indent=None)
    return str(value)


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _test(condition: rules_pb2.Condition, document: dict) -> bool:
    value = lookup(document, condition.field)
    text = _as_text(value)
    wanted = list(condition.values)
    op = condition.operator
    if op == Op.CONDITION_OPERATOR_EXISTS:
        return value not in (None, "", [], {})
    if op == Op.CONDITION_OPERATOR_NOT_EXISTS:
        return value in (None, "", [], {})
    if op == Op.CONDITION_OPERATOR_EQUALS:
        return text == wanted[0]
    if op == Op.CONDITION_OPERATOR_NOT_EQUALS:
        return text != wanted[0]
    if op == Op.CONDITION_OPERATOR_IN:
        return text in wanted
    if op == Op.CONDITION_OPERATOR_NOT_IN:
        return text not in wanted
    if op == Op.CONDITION_OPERATOR_CONTAINS:
        if isinstance(value, list):
            return wanted[0] in [_as_text(item) for item in value]
        return wanted[0].lower() in text.lower()
    raise ValueError(f"operator {op} is not supported")  # refused when the rule was written


def matches(group: rules_pb2.ConditionGroup, document: dict) -> bool:
    """An empty group matches everything."""
    results = [_test(c, document) for c in group.conditions]
    results += [matches(g, document) for g in group.groups]
    if not results:
        return True
    return any(results) if group.match == rules_pb2.MATCH_MODE_ANY else all(results)


def condition_violations(group: rules_pb2.ConditionGroup, prefix: str) -> list[FieldViolation]:
    violations = []
    for i, condition in enumerate(group.conditions):
        at = f"{prefix}.conditions[{i}]"
        if not condition.field:
            violations.append(FieldViolation(f"{at}.field", "is required"))
        if condition.operator not in SUPPORTED_OPERATORS:
            violations.append(FieldViolation(
                f"{at}.operator", "must be EQUALS, NOT_EQUALS, IN, NOT_IN, CONTAINS, EXISTS or NOT_EXISTS"))
        elif condition.operator in (Op.CONDITION_OPERATOR_EQUALS, Op.CONDITION_OPERATOR_NOT_EQUALS,
                                    Op.CONDITION_OPERATOR_CONTAINS) and len(condition.values) != 1:
            violations.append(FieldViolation(f"{at}.values", "takes exactly one value"))
        elif condition.operator in (Op.CONDITION_OPERATOR_IN, Op.CONDITION_OPERATOR_NOT_IN) \
                and not condition.values:
            violations.append(FieldViolation(f"{at}.values", "takes at least one value"))
    for i, nested in enumerate(group.groups):
        violations += condition_violations(nested, f"{prefix}.groups[{i}]")
    return violations


def selector_violations(selectors: Iterable[notification_pb2.RecipientSelector],
                        prefix: str) -> list[FieldViolation]:
    violations = []
    for i, selector in enumerate(selectors):
        at = f"{prefix}[{i}]"
        kind = selector.kind
        if kind == Kind.RECIPIENT_KIND_USER and not selector.user_id:
            violations.append(FieldViolation(f"{at}.user_id", "is required for USER"))
        elif kind == Kind.RECIPIENT_KIND_EVENT_USER and not selector.field_path:
            violations.append(FieldViolation(f"{at}.field_path", "is required for EVENT_USER"))
        elif kind in (Kind.RECIPIENT_KIND_DEPARTMENT_MEMBERS, Kind.RECIPIENT_KIND_DEPARTMENT_LEAD,
                      Kind.RECIPIENT_KIND_ROLE) \
                and not (selector.field_path or selector.department_path):
            violations.append(FieldViolation(f"{at}.field_path",
                                             "give field_path or department_path"))
        elif kind == Kind.RECIPIENT_KIND_UNSPECIFIED:
            violations.append(FieldViolation(f"{at}.kind", "is required"))
        if kind == Kind.RECIPIENT_KIND_ROLE and not selector.role:
            violations.append(FieldViolation(f"{at}.role", "is required for ROLE"))
    return violations


def _user_ids(value) -> list[str]:
    """The users an event field names: one id, or each id of a list (an approval request's
    ``approver_ids``). A ``role:<name>`` entry of such a list names no one person: whoever holds
    the role finds the request in their approvals inbox instead."""
    values = value if isinstance(value, list) else [value]
    return [text for text in map(_as_text, values) if not text.startswith("role:")]


def recipients(selectors: Iterable[notification_pb2.RecipientSelector], document: dict,
               directory: Directory) -> list[str]:
    """User ids the selectors name for this event, each once, in selector order."""
    found: list[str] = []
    for selector in selectors:
        kind = selector.kind
        if kind == Kind.RECIPIENT_KIND_USER:
            ids = [selector.user_id]
        elif kind == Kind.RECIPIENT_KIND_EVENT_USER:
            ids = _user_ids(lookup(document, selector.field_path))
        else:
            path = (_as_text(lookup(document, selector.field_path)) if selector.field_path
                    else selector.department_path)
            if not path:
                continue
            if kind == Kind.RECIPIENT_KIND_DEPARTMENT_LEAD:
                ids = [directory.department_lead(path) or ""]
            elif kind == Kind.RECIPIENT_KIND_DEPARTMENT_MEMBERS:
                ids = directory.department_members(path)
            else:
                ids = directory.users_with_role(selector.role, path)
        found += [user_id for user_id in ids if user_id and user_id not in found]
    return found


# -- storage of a rule's structured parts as proto3 JSON ----------------------------------------


def dump_selectors(selectors: Iterable[notification_pb2.RecipientSelector]) -> str:
    return json.dumps([json_format.MessageToDict(s, preserving_proto_field_name=True)
                       for s in selectors], ensure_ascii=False)


def load_selectors(text: str) -> list[notification_pb2.RecipientSelector]:
    return [json_format.ParseDict(item, notification_pb2.RecipientSelector())
            for item in json.loads(text or "[]")]


def dump_condition(group: rules_pb2.ConditionGroup) -> str:
    return json.dumps(json_format.MessageToDict(group, preserving_proto_field_name=True),
                      ensure_ascii=False)


def load_condition(text: str) -> rules_pb2.ConditionGroup:
    return json_format.ParseDict(json.loads(text or "{}"), rules_pb2.ConditionGroup())


def dump_channels(channels: Iterable[int]) -> str:
    return json.dumps([types_pb2.DeliveryChannel.Name(c) for c in channels])


def load_channels(text: str) -> list[int]:
    return [types_pb2.DeliveryChannel.Value(name) for name in json.loads(text or "[]")]
