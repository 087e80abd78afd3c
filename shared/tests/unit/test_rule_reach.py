"""Who may write a rule that moves work into a department: catch-alls and rules ahead of the
company's need the admin role."""

import pytest
from crm_shared.auth import DataScope, Principal
from crm_shared.errors import PermissionDenied
from crm_shared.rule_reach import OtherRule, check_rule_reach

LEAD = Principal("u-lead", "lead", frozenset({"service_lead"}), "/hq/tech", DataScope.DEPARTMENT)
ADMIN = Principal("u-admin", "admin", frozenset({"admin"}), "/hq/tech", DataScope.DEPARTMENT)
COMPANY = [OtherRule(10, False), OtherRule(40, False), OtherRule(1000, True)]


def test_a_lead_writes_conditional_rules_after_the_companys_conditional_ones():
    check_rule_reach(LEAD, what="rule", catch_all=False, priority=41, others=COMPANY)
    check_rule_reach(LEAD, what="rule", catch_all=False, priority=0, others=[])
    for priority in (40, 5):
        with pytest.raises(PermissionDenied):
            check_rule_reach(LEAD, what="rule", catch_all=False, priority=priority,
                             others=COMPANY)


def test_a_catch_all_is_the_admins_whatever_its_priority():
    with pytest.raises(PermissionDenied):
        check_rule_reach(LEAD, what="rule", catch_all=True, priority=5000, others=[])
    check_rule_reach(ADMIN, what="rule", catch_all=True, priority=0, others=COMPANY)
