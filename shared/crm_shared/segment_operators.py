"""Which operators each field of a marketing segment rule takes, declared once: the marketing
service refuses any other pair field by field (``marketing_service.segment_rules``, whose
``FIELDS`` take their operators from here), and the staff console's rule builder offers only
these, so a marketer is never offered a condition the service will refuse.

The fields are the ones the contract lists on ``Segment`` ("Fields a rule can read: ..." in
``crm/marketing/v1/marketing.proto``); a test keeps the two lists equal.
"""

from __future__ import annotations

from crm.common.v1 import rules_pb2

from crm_shared import conditions
from crm_shared.marketing_channels import CHANNEL_CONSENT_FIELDS

Op = rules_pb2.ConditionOperator

TEXT_OPS = frozenset({Op.CONDITION_OPERATOR_EQUALS, Op.CONDITION_OPERATOR_NOT_EQUALS,
                      Op.CONDITION_OPERATOR_IN, Op.CONDITION_OPERATOR_NOT_IN,
                      Op.CONDITION_OPERATOR_EXISTS, Op.CONDITION_OPERATOR_NOT_EXISTS})
"""Enum text (values are full enum names such as ``VALUE_CLASS_A``)."""
FREE_TEXT_OPS = TEXT_OPS | {Op.CONDITION_OPERATOR_CONTAINS}
SET_OPS = frozenset({Op.CONDITION_OPERATOR_CONTAINS, Op.CONDITION_OPERATOR_CONTAINS_ALL,
                     Op.CONDITION_OPERATOR_CONTAINS_ANY, Op.CONDITION_OPERATOR_CONTAINS_NONE,
                     Op.CONDITION_OPERATOR_EXISTS, Op.CONDITION_OPERATOR_NOT_EXISTS})
"""A set of ids (``tags``)."""
NUMBER_OPS = TEXT_OPS | conditions.ORDER_OPS | {Op.CONDITION_OPERATOR_BETWEEN}
BOOL_OPS = frozenset({Op.CONDITION_OPERATOR_EQUALS, Op.CONDITION_OPERATOR_NOT_EQUALS})
TIME_OPS = NUMBER_OPS | conditions.DAY_OPS
"""Dates and times: comparisons, ranges and day windows."""

SEGMENT_RULE_OPERATORS: dict[str, frozenset[int]] = {
    "customer_type": TEXT_OPS,
    "industry": FREE_TEXT_OPS,
    "source": TEXT_OPS,
    "tags": SET_OPS,
    "value_class": TEXT_OPS,
    "lifecycle_stage": TEXT_OPS,
    "rfm_recency_score": NUMBER_OPS,
    "rfm_frequency_score": NUMBER_OPS,
    "rfm_monetary_score": NUMBER_OPS,
    "at_risk": BOOL_OPS,
    "marketing_consent": BOOL_OPS,
    **dict.fromkeys(CHANNEL_CONSENT_FIELDS.values(), BOOL_OPS),
    "birth_date": TIME_OPS,
    "contract_end_date": TIME_OPS,
    "last_purchase_date": TIME_OPS,
    "purchase_count_12m": NUMBER_OPS,
    "spend_12m": NUMBER_OPS,
    "last_interaction_time": TIME_OPS,
    "satisfaction_average": NUMBER_OPS,
    "owner_id": FREE_TEXT_OPS,
    "department_path": FREE_TEXT_OPS,
    "campaign_responses_90d": NUMBER_OPS,
}
"""Segment rule field → the operators it takes."""
