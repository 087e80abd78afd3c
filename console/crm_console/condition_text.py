"""A rule's condition (``crm.common.v1.ConditionGroup``) as one line of text.

The admin lists show it language-neutral, as the services store it (``type = complaint AND
text ∋ 质量``). A page that explains a decision to its reader (why a lead is A) passes how to
name a field and show a value (a label, money in yuan instead of fen, an enum's label) and
the words that join the conditions, in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable

from crm.common.v1 import rules_pb2

SYMBOLS = {
    rules_pb2.CONDITION_OPERATOR_EQUALS: "=",
    rules_pb2.CONDITION_OPERATOR_NOT_EQUALS: "≠",
    rules_pb2.CONDITION_OPERATOR_IN: "∈",
    rules_pb2.CONDITION_OPERATOR_NOT_IN: "∉",
    rules_pb2.CONDITION_OPERATOR_GREATER_THAN: ">",
    rules_pb2.CONDITION_OPERATOR_GREATER_THAN_OR_EQUAL: "≥",
    rules_pb2.CONDITION_OPERATOR_LESS_THAN: "<",
    rules_pb2.CONDITION_OPERATOR_LESS_THAN_OR_EQUAL: "≤",
    rules_pb2.CONDITION_OPERATOR_CONTAINS: "∋",
    rules_pb2.CONDITION_OPERATOR_CONTAINS_ANY: "∋any",
    rules_pb2.CONDITION_OPERATOR_CONTAINS_ALL: "∋all",
    rules_pb2.CONDITION_OPERATOR_CONTAINS_NONE: "∌",
    rules_pb2.CONDITION_OPERATOR_EXISTS: "∃",
    rules_pb2.CONDITION_OPERATOR_NOT_EXISTS: "∄",
}


def describe_condition(
    group,
    *,
    field: Callable[[str], str] = str,
    value: Callable[[str, str], str] = lambda _field, text: text,
    all_of: str = " AND ",
    any_of: str = " OR ",
    separator: str = ", ",
) -> str:
    """``field``: a field's name as shown; ``value``: (field, stored value) → shown value;
    ``all_of`` / ``any_of``: what joins the conditions of a group matching all / any."""
    joiner = any_of if group.match == rules_pb2.MATCH_MODE_ANY else all_of
    parts = [
        f"{field(c.field)} {SYMBOLS.get(c.operator, '?')} "
        f"{separator.join(value(c.field, text) for text in c.values)}".strip()
        for c in group.conditions
    ]
    inner = {"field": field, "value": value, "all_of": all_of, "any_of": any_of,
             "separator": separator}
    parts += [f"({describe_condition(group_, **inner)})" for group_ in group.groups]
    return joiner.join(parts)
