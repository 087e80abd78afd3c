"""The segment rule builder's pure logic: which fields and operators a rule offers, and the
form's condition rows ⇄ a ``crm.common.v1.ConditionGroup``.

One source: the fields are the ones the contract lists on ``Segment`` ("Fields a rule can
read: ..." in ``crm/marketing/v1/marketing.proto``, shipped with the contracts package), the
operators and match modes are the ``ConditionOperator`` / ``MatchMode`` enums of
``crm/common/v1/rules.proto``. Which operators each field takes is declared once in
``crm_shared.segment_operators``: the marketing service refuses any other pair, and the builder
offers only those (a refused pair still comes back as a field violation next to the row).

Form names (also the API's field paths after the ``segment.`` prefix, so errors land on them):
``rule.match``, ``rule.conditions[<i>].field``, ``rule.conditions[<i>].operator``,
``rule.conditions[<i>].values`` (several values separated by commas).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from crm.common.v1 import rules_pb2, types_pb2
from crm.customer.v1 import customer_pb2
from crm_shared.segment_operators import SEGMENT_RULE_OPERATORS

from crm_console.display import enum_english

ROW = re.compile(r"^rule\.conditions\[(\d+)\]\.(field|operator|values)$")
ERROR_ROW = re.compile(r"^rule\.conditions\[(\d+)\](?:\.(field|operator|values))?")
MAX_ROWS = 50
# Enums a field's values may be named from: the field `value_class` takes `ValueClass` names.
_VALUE_ENUM_MODULES = (types_pb2, customer_pb2)


@lru_cache(maxsize=1)
def rule_fields() -> tuple[str, ...]:
    """The fields a segment rule can read, in the contract's order (from ``marketing.proto``)."""
    text = resources.files("crm.marketing.v1").joinpath("marketing.proto").read_text("utf-8")
    return fields_in_comment(text, "message Segment {")


def fields_in_comment(proto_text: str, declaration: str) -> tuple[str, ...]:
    """The back-quoted names after "Fields a rule can read:" in the comment above
    ``declaration``."""
    lines = proto_text[:proto_text.index(declaration)].splitlines()
    comment: list[str] = []
    for line in reversed(lines):
        if not line.strip().startswith("//"):
            break
        comment.insert(0, line.strip().removeprefix("//").strip())
    joined = " ".join(comment)
    listed = re.search(r"Fields a rule can read:(.*?`)\.(?:\s|$)", joined).group(1)
    return tuple(dict.fromkeys(re.findall(r"`([a-z0-9_]+)`", listed)))


def field_label_id(name: str) -> str:
    """The message id of a rule field's label: ``value_class`` → ``Value class``."""
    words = name.replace("_", " ")
    return words[:1].upper() + words[1:]


def operators() -> list[tuple[int, str]]:
    """(number, English message id) of every operator the contract declares."""
    enum = rules_pb2.ConditionOperator.DESCRIPTOR
    return [(value.number, enum_english(enum, value.number)) for value in enum.values
            if value.number != 0]


def operators_for(field_name: str) -> list[tuple[int, str]]:
    """(number, English message id) of the operators ``field_name`` takes; every operator
    while no field is chosen (or for a field the console does not know)."""
    allowed = SEGMENT_RULE_OPERATORS.get(field_name)
    return [(number, label) for number, label in operators()
            if allowed is None or number in allowed]


def match_modes() -> list[tuple[int, str]]:
    enum = rules_pb2.MatchMode.DESCRIPTOR
    return [(value.number, enum_english(enum, value.number)) for value in enum.values
            if value.number != 0]


def value_enum(field_name: str):
    """The enum whose full value names a field takes (``value_class`` → ``ValueClass``), if
    the contracts name one after the field; None otherwise."""
    camel = "".join(part.capitalize() for part in field_name.split("_"))
    for module in _VALUE_ENUM_MODULES:
        descriptor = module.DESCRIPTOR.enum_types_by_name.get(camel)
        if descriptor is not None:
            return descriptor
    return None


def value_suggestions(field_name: str) -> list[tuple[str, str]]:
    """(full enum name, English message id) a value input can suggest for the field."""
    enum = value_enum(field_name)
    if enum is None:
        return []
    return [(value.name, enum_english(enum, value.number)) for value in enum.values
            if value.number != 0]


@dataclass
class Row:
    field: str = ""
    operator: str = ""
    values: str = ""

    @property
    def blank(self) -> bool:
        return not (self.field or self.values.strip())


def rows_from_form(form) -> list[Row]:
    """The condition rows of a submitted form, in index order (gaps closed)."""
    found: dict[int, Row] = {}
    for key in form:
        matched = ROW.match(key)
        if matched is None:
            continue
        index = int(matched.group(1))
        if index >= MAX_ROWS * 4:
            continue
        setattr(found.setdefault(index, Row()), matched.group(2), form.get(key, "").strip())
    return [found[index] for index in sorted(found)][:MAX_ROWS]


def rows_from_rule(rule: rules_pb2.ConditionGroup) -> list[Row]:
    return [Row(field=c.field, operator=str(c.operator), values=", ".join(c.values))
            for c in rule.conditions]


def split_values(text: str) -> list[str]:
    """``"A, B，C"`` → ``["A", "B", "C"]`` (ASCII or Chinese commas)."""
    return [part.strip() for part in re.split(r"[,，]", text or "") if part.strip()]


def rule_of(match: str, rows: list[Row]) -> rules_pb2.ConditionGroup:
    """The rule the rows say; wholly blank rows are left out, so the indexes of the request
    are those of the rows kept (see :func:`kept_rows`)."""
    group = rules_pb2.ConditionGroup(match=_number(match, rules_pb2.MATCH_MODE_ALL))
    for row in kept_rows(rows):
        group.conditions.add(field=row.field, operator=_number(row.operator, 0),
                             values=split_values(row.values))
    return group


def kept_rows(rows: list[Row]) -> list[Row]:
    return [row for row in rows if not row.blank]


def row_errors(errors: dict[str, str]) -> dict[str, str]:
    """The service's violations keyed by the form's names: ``rule.conditions[0].values[1]`` →
    ``rule.conditions[0].values``; a condition's own problem goes to its values."""
    shown: dict[str, str] = {}
    for key, text in errors.items():
        matched = ERROR_ROW.match(key)
        if matched is None:
            shown.setdefault(key, text)
            continue
        part = matched.group(2) or "values"
        shown.setdefault(f"rule.conditions[{matched.group(1)}].{part}", text)
    return shown


def form_values(match: str, rows: list[Row]) -> dict[str, str]:
    """The rows as the form's values (for ``ui.field``)."""
    values = {"rule.match": match}
    for index, row in enumerate(rows):
        values[f"rule.conditions[{index}].field"] = row.field
        values[f"rule.conditions[{index}].operator"] = row.operator
        values[f"rule.conditions[{index}].values"] = row.values
    return values


def apply_builder_action(rows: list[Row], action: str) -> list[Row]:
    """``add`` appends a blank row; ``remove:<i>`` drops row i (one row always stays)."""
    if action == "add" and len(rows) < MAX_ROWS:
        return [*rows, Row()]
    if action.startswith("remove:"):
        try:
            index = int(action.split(":", 1)[1])
        except ValueError:
            return rows
        rows = [row for position, row in enumerate(rows) if position != index]
        return rows or [Row()]
    return rows


def _number(text: str, default: int) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        return default
