"""The sales policy: every number of the sales process that is configuration, not code.

Stored as the proto3 JSON of ``crm.sales.v1.SalesPolicy`` in the one ``sales_policy`` row;
:func:`current` reads it into :class:`SalesPolicyValues`, with the defaults of the requirements
for anything the stored document leaves out (a grade without a target, a stage without a
probability), so rules never see a hole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType

from crm.common.v1 import types_pb2
from crm.sales.v1 import sales_pb2
from google.protobuf import json_format
from sqlalchemy.orm import Session

from sales_service.models import SalesPolicyRow

HOUR = timedelta(hours=1)
# Grade letter -> (first contact within, remind this long before). A: 2 h (requirements §2).
DEFAULT_FIRST_CONTACT = MappingProxyType({
    "A": (2 * HOUR, timedelta(minutes=30)),
    "B": (24 * HOUR, 2 * HOUR),
    "C": (72 * HOUR, 4 * HOUR),
})
# Value class letter -> (days between contacts, days between senior contacts; 0: none).
DEFAULT_CADENCE = MappingProxyType({"A": (7, 30), "B": (14, 0), "C": (30, 0)})
# Stage short name -> default win probability, percent.
DEFAULT_STAGE_PROBABILITIES = MappingProxyType({
    "potential": 10, "intent": 30, "proposal": 50, "negotiation": 70, "won": 100, "lost": 0,
})


@dataclass(frozen=True)
class SalesPolicyValues:
    currency_code: str = "CNY"
    first_contact: dict[str, tuple[timedelta, timedelta]] = field(
        default_factory=lambda: dict(DEFAULT_FIRST_CONTACT))
    """Grade letter (``A``) -> (first contact within, reminder this long before the target)."""
    cadence: dict[str, tuple[int, int]] = field(default_factory=lambda: dict(DEFAULT_CADENCE))
    """Value class letter -> (days between contacts, days between senior contacts; 0 none)."""
    need_confirmed_contact_days: int = 3
    proposal_contact_days: int = 2
    reminder_days_before: int = 1
    renewal_reminder_days: int = 15
    lead_cold_after_days: int = 30
    win_back_after_months: int = 3
    """Calendar months after a customer is lost that its win-back visit is due (seed 004:
    流失客户 3个月后二次回访), so one lost on 1 March is visited on 1 June."""
    stage_probabilities: dict[str, int] = field(
        default_factory=lambda: dict(DEFAULT_STAGE_PROBABILITIES))
    """Stage short name (``proposal``) -> default win probability in percent."""


def default_document() -> dict:
    """The proto3 JSON the migration seeds: the defaults, spelt out so users see them."""
    return json_format.MessageToDict(to_proto(SalesPolicyValues()))


def _grade_letter(grade: int) -> str:
    return sales_pb2.LeadGrade.Name(grade).removeprefix("LEAD_GRADE_")


def _class_letter(value_class: int) -> str:
    return types_pb2.ValueClass.Name(value_class).removeprefix("VALUE_CLASS_")


def to_proto(values: SalesPolicyValues) -> sales_pb2.SalesPolicy:
    message = sales_pb2.SalesPolicy(
        currency_code=values.currency_code,
        need_confirmed_contact_days=values.need_confirmed_contact_days,
        proposal_contact_days=values.proposal_contact_days,
        reminder_days_before=values.reminder_days_before,
        renewal_reminder_days=values.renewal_reminder_days,
        lead_cold_after_days=values.lead_cold_after_days,
        win_back_after_months=values.win_back_after_months,
        stage_probabilities={f"OPPORTUNITY_STAGE_{stage.upper()}": percent
                             for stage, percent in values.stage_probabilities.items()},
    )
    for letter, (within, before) in sorted(values.first_contact.items()):
        target = message.lead_response_targets.add(grade=sales_pb2.LeadGrade.Value(
            f"LEAD_GRADE_{letter}"))
        target.first_contact_within.FromTimedelta(within)
        target.remind_before.FromTimedelta(before)
    for letter, (interval, senior) in sorted(values.cadence.items()):
        message.follow_up_cadences.add(
            value_class=types_pb2.ValueClass.Value(f"VALUE_CLASS_{letter}"),
            interval_days=interval, senior_contact_interval_days=senior)
    return message


def from_proto(message: sales_pb2.SalesPolicy) -> SalesPolicyValues:
    """The values of a stored or submitted policy; anything absent keeps its default."""
    defaults = SalesPolicyValues()
    first_contact = dict(defaults.first_contact)
    for target in message.lead_response_targets:
        first_contact[_grade_letter(target.grade)] = (target.first_contact_within.ToTimedelta(),
                                                      target.remind_before.ToTimedelta())
    cadence = dict(defaults.cadence)
    for row in message.follow_up_cadences:
        cadence[_class_letter(row.value_class)] = (row.interval_days,
                                                   row.senior_contact_interval_days)
    probabilities = dict(defaults.stage_probabilities)
    for name, percent in message.stage_probabilities.items():
        probabilities[name.removeprefix("OPPORTUNITY_STAGE_").lower()] = percent
    return SalesPolicyValues(
        currency_code=message.currency_code or defaults.currency_code,
        first_contact=first_contact,
        cadence=cadence,
        need_confirmed_contact_days=message.need_confirmed_contact_days
        or defaults.need_confirmed_contact_days,
        proposal_contact_days=message.proposal_contact_days or defaults.proposal_contact_days,
        reminder_days_before=message.reminder_days_before or defaults.reminder_days_before,
        renewal_reminder_days=message.renewal_reminder_days or defaults.renewal_reminder_days,
        lead_cold_after_days=message.lead_cold_after_days or defaults.lead_cold_after_days,
        win_back_after_months=message.win_back_after_months or defaults.win_back_after_months,
        stage_probabilities=probabilities,
    )


def current(session: Session) -> SalesPolicyValues:
    """The policy in force (the defaults when the row is missing, e.g. before migration)."""
    row = session.get(SalesPolicyRow, 1)
    if row is None:
        return SalesPolicyValues()
    return from_proto(json_format.ParseDict(row.document or {}, sales_pb2.SalesPolicy(),
                                            ignore_unknown_fields=True))
