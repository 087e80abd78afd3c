"""Why a lead has its grade, or a customer its estimated class, in the reader's language.

The sales service writes the "why" in English for API clients ("rule 'High intent and a clear
need is A': intent_level = INTENT_LEVEL_HIGH AND …", amounts in fen). The lead and the
follow-up plan name the rule behind the grade (``grade_rule_id``, ``estimated_class_rule_id``);
a page reads that rule (any staff may) and describes it with
:func:`crm_console.condition_text.describe_condition`: the field's label, an enum value's
label, money in yuan. The rule's name is data (``translate="no"``). Without a rule id (set by
hand, or graded before the id was kept) or when the rule is gone, the stored reason is shown
as it is.
"""

from __future__ import annotations

from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm.sales.v1 import sales_pb2
from crm_shared import manual_grades
from markupsafe import Markup

from crm_console.condition_text import describe_condition
from crm_console.display import enum_label, format_money
from crm_console.i18n import N_, gettext
from crm_console.refusals import Refusal
from crm_console.rpc import call

# The fields a grading rule's condition reads (the contract's LeadGradingRule) → their label.
FIELDS = {
    "source": N_("Source"),
    "intent_level": N_("Intent level"),
    "need_clarity": N_("Need clarity"),
    "budget": N_("Budget"),
    "product_interests": N_("Product interests"),
    "company_name": N_("Company"),
    "job_title": N_("Job title"),
    "decision_maker": N_("Decision maker"),
    "campaign_id": N_("Campaign"),
    "estimated_value": N_("Estimated deal value"),
    "weighted_value": N_("Weighted deal value"),
    "open_opportunities": N_("Open opportunities"),
    "best_probability": N_("Best win probability (%)"),
    "customer_type": N_("Customer type"),
    "industry": N_("Industry"),
    "staff_count": N_("Staff"),
    "lifecycle_stage": N_("Lifecycle stage"),
}
# Amounts a condition compares in minor units of the sales policy's currency.
MONEY_FIELDS = frozenset({"budget", "estimated_value", "weighted_value"})
# Enums whose full value names (``INTENT_LEVEL_HIGH``) a condition compares.
ENUMS = (
    sales_pb2.IntentLevel.DESCRIPTOR,
    sales_pb2.NeedClarity.DESCRIPTOR,
    sales_pb2.LeadGrade.DESCRIPTOR,
    types_pb2.SourceChannel.DESCRIPTOR,
    types_pb2.LifecycleStage.DESCRIPTOR,
    customer_pb2.CustomerType.DESCRIPTOR,
)
DEFAULT_CURRENCY = "CNY"  # the sales policy's own default, when the policy cannot be read


def _value(field: str, text: str, currency: str) -> str:
    if field in MONEY_FIELDS and text.lstrip("-").isdigit():
        return format_money(int(text), currency)
    for enum in ENUMS:
        value = enum.values_by_name.get(text)
        if value is not None:
            return enum_label(enum, value.number)
    return text


def _fields(group) -> set[str]:
    return {c.field for c in group.conditions}.union(*(_fields(g) for g in group.groups))


def _policy_currency() -> str:
    try:
        policy = call("sales", "GetSalesPolicy", sales_pb2.GetSalesPolicyRequest())
    except Refusal:
        return DEFAULT_CURRENCY
    return policy.currency_code or DEFAULT_CURRENCY


def condition_text(group) -> str:
    """A rule's condition in the reader's words: ``预估合作金额 ≥ ¥500,000.00`` (amounts in
    the sales policy's currency, read only when the condition compares one)."""
    currency = _policy_currency() if _fields(group) & MONEY_FIELDS else DEFAULT_CURRENCY
    return describe_condition(
        group,
        field=lambda name: gettext(FIELDS[name]) if name in FIELDS else name,
        value=lambda name, text: _value(name, text, currency),
        all_of=gettext(" and "),
        any_of=gettext(" or "),
        separator=gettext(", "),
    )


def _rule(rule_id: str):
    if not rule_id:
        return None
    try:
        return call("sales", "GetLeadGradingRule", sales_pb2.GetLeadGradingRuleRequest(id=rule_id))
    except Refusal:
        return None  # deleted since, or not readable: the stored reason says it


def lead_why(lead: sales_pb2.Lead) -> Markup | None:
    """Why the lead has its grade: its rule; by default when none matched; else (set by hand)
    what the service stored, which quotes the person's words."""
    if lead.grade_rule_id:
        return why(lead.grade_rule_id, lead.grade_reason)
    if lead.grade_reason and not lead.grade_locked:
        return Markup.escape(gettext("No grading rule matched: %(grade)s by default")) % {
            "grade": enum_label(sales_pb2.LeadGrade.DESCRIPTOR, lead.grade)
        }
    words = manual_grades.words_of(lead.grade_reason) if lead.grade_locked else None
    if words is not None:
        return Markup.escape(gettext("Set by hand: %(reason)s")) % {
            "reason": Markup('<span translate="no">{}</span>').format(words)}
    if lead.grade_reason:
        return Markup('<span translate="no">{}</span>').format(lead.grade_reason)
    return None


def why(rule_id: str, stored_reason: str) -> Markup:
    """The rule behind a grade described, or the stored reason when it cannot be."""
    rule = _rule(rule_id)
    if rule is None:
        return Markup('<span translate="no">{}</span>').format(stored_reason)
    return Markup.escape(gettext("rule '%(rule)s': %(condition)s")) % {
        "rule": Markup('<span translate="no">{}</span>').format(rule.display_name),
        "condition": condition_text(rule.condition),
    }
