"""Routing as pure functions: category from the text, rule matching, agent selection, priority."""

import random
from collections import Counter

import pytest
from ticket_service.routing import (
    AgentProfile,
    Rule,
    evaluate,
    found_keywords,
    infer_category,
    match_rule,
    raised_priority,
    select_agent,
)

# -- category -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "category"), [
    ("收到的杯子有破损，质量太差", "product_quality"),
    ("The product quality is poor, arrived broken", "product_quality"),
    ("客服态度很差", "service_attitude"),
    ("Your agent's attitude was rude", "service_attitude"),
    ("软件登录报错，无法使用", "technical"),
    ("App shows an ERROR and crashes: looks like a bug", "technical"),
    ("快递三天还没到，物流信息不更新", "delivery"),
    ("My delivery is late", "delivery"),
    ("请问发票怎么开", ""),
])
def test_category_is_inferred_from_chinese_and_english_keywords(text, category):
    assert infer_category(text) == category


def test_the_category_with_most_keyword_hits_wins():
    assert infer_category("配送慢，快递员态度也差，物流跟踪没有") == "delivery"


def test_found_keywords_lists_each_known_keyword_once():
    assert found_keywords("质量差，质量真的差，还有破损") == ["质量", "破损"]


# -- rules --------------------------------------------------------------------------------------


def _equals(field, *values, operator="CONDITION_OPERATOR_EQUALS"):
    return {"field": field, "operator": operator, "values": list(values)}


RULES = [
    Rule("r-vip", "A-class faults to tier 2", {"conditions": [
        _equals("type", "TICKET_TYPE_FAULT"), _equals("customer_value_class", "VALUE_CLASS_A")]},
        "/hq/tech/tier2"),
    Rule("r-product", "Product quality", {"conditions": [_equals("category", "product_quality")]},
         "/hq/product"),
    Rule("r-keywords", "Refund words", {"match": "MATCH_MODE_ANY", "conditions": [
        _equals("text", "退款", "refund", operator="CONDITION_OPERATOR_CONTAINS_ANY"),
        _equals("channel", "wechat")]}, "/hq/finance"),
    Rule("r-fallback", "Everything else", {}, "/hq/service"),
]


def _facts(**overrides):
    facts = {"type": "consultation", "category": "", "title": "", "description": "",
             "text": "", "keywords": [], "product": "", "channel": "web", "priority": "normal",
             "customer_value_class": "", "customer_at_risk": False}
    facts.update(overrides)
    return facts


def test_first_matching_rule_wins_in_order_and_names_the_conditions_that_held():
    match = match_rule(RULES, _facts(type="fault", category="product_quality",
                                     customer_value_class="a"))
    assert match.rule.id == "r-vip"
    assert match.matched_conditions == ["type = TICKET_TYPE_FAULT",
                                        "customer_value_class = VALUE_CLASS_A"]
    assert not match.fallback


def test_all_conditions_must_hold_unless_the_group_says_any():
    assert match_rule(RULES, _facts(type="fault", category="product_quality")).rule.id == "r-product"
    match = match_rule(RULES, _facts(text="我要退款"))
    assert (match.rule.id, match.matched_conditions) == ("r-keywords", ["text contains any [退款, refund]"])
    assert match_rule(RULES, _facts(channel="wechat")).rule.id == "r-keywords"


def test_no_conditional_match_falls_back_to_the_rule_without_conditions():
    match = match_rule(RULES, _facts(category="delivery"))
    assert (match.rule.id, match.fallback) == ("r-fallback", True)


def test_the_fallback_is_used_only_after_every_conditional_rule_whatever_its_place():
    rules = [RULES[3], RULES[1]]
    assert match_rule(rules, _facts(category="product_quality")).rule.id == "r-product"


def test_nested_groups_and_list_fields():
    group = {"conditions": [_equals("keywords", "质量", operator="CONDITION_OPERATOR_CONTAINS")],
             "groups": [{"match": "MATCH_MODE_ANY", "conditions": [
                 _equals("product", "cup"), _equals("customer_at_risk", "true")]}]}
    assert evaluate(group, _facts(keywords=["质量"], customer_at_risk=True))[0]
    assert not evaluate(group, _facts(keywords=["质量"]))[0]
    assert not evaluate(group, _facts(product="cup"))[0]


# -- agents -------------------------------------------------------------------------------------


def _agent(user_id, open_count=0, *, active=True, available=True, skills=(), cap=0):
    return AgentProfile(user_id, active, available, frozenset(skills), cap, open_count)


def test_the_least_loaded_eligible_agent_is_picked_and_every_candidate_says_why():
    agents = [_agent("busy", 3), _agent("free", 1), _agent("off", 0, available=False),
              _agent("gone", 0, active=False), _agent("full", 0, cap=0), _agent("capped", 2, cap=2),
              _agent("unskilled", 0)]
    selection = select_agent(agents, ["network"], random.Random(1))
    reasons = {c.agent_id: c.skip_reason for c in selection.candidates}
    assert reasons == {"busy": "missing_skills", "free": "missing_skills", "off": "unavailable",
                       "gone": "inactive", "full": "missing_skills", "capped": "at_capacity",
                       "unskilled": "missing_skills"}
    assert selection.assignee_id is None  # nobody has the skill: the ticket waits in the queue

    selection = select_agent(agents, [], random.Random(1))
    assert selection.assignee_id in {"full", "unskilled"}  # 0 open tickets, eligible
    chosen = [c for c in selection.candidates if c.selected]
    assert [c.agent_id for c in chosen] == [selection.assignee_id]
    assert selection.tie_broken_at_random


def test_unavailable_overloaded_and_skill_less_agents_are_never_picked():
    agents = [_agent("off", 0, available=False, skills={"network"}),
              _agent("capped", 5, cap=5, skills={"network"}),
              _agent("unskilled", 0), _agent("right", 9, skills={"network", "english"})]
    for seed in range(20):
        assert select_agent(agents, ["network"], random.Random(seed)).assignee_id == "right"


def test_ties_are_broken_fairly_with_the_injected_random():
    agents = [_agent(name, 2) for name in ("a", "b", "c")]
    rng = random.Random(42)
    picks = Counter(select_agent(agents, [], rng).assignee_id for _ in range(3000))
    assert set(picks) == {"a", "b", "c"}
    assert all(900 < count < 1100 for count in picks.values())
    # the same seed, the same picks: deterministic
    first = [select_agent(agents, [], random.Random(7)).assignee_id for _ in range(5)]
    assert first == [select_agent(agents, [], random.Random(7)).assignee_id for _ in range(5)]


def test_skill_match_prefers_more_required_skills_then_less_load():
    agents = [_agent("one-skill", 0, skills={"network"}),
              _agent("both", 4, skills={"network", "english"}),
              _agent("both-busier", 5, skills={"network", "english"})]
    selection = select_agent(agents, ["network", "english"], random.Random(0), mode="skill_match")
    assert selection.assignee_id == "both"
    assert not selection.tie_broken_at_random


def test_queue_only_picks_nobody():
    assert select_agent([_agent("a")], [], random.Random(0), mode="queue_only").assignee_id is None


# -- priority -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("priority", "value_class", "at_risk", "expected"), [
    ("normal", "A", False, "high"),
    ("normal", "", True, "high"),
    ("normal", "A", True, "high"),  # one level, however many reasons
    ("low", "B", False, "low"),
    ("high", "A", False, "urgent"),
    ("urgent", "A", True, "urgent"),
])
def test_priority_is_raised_one_level_for_a_class_and_at_risk_customers(
        priority, value_class, at_risk, expected):
    raised, reason = raised_priority(priority, value_class=value_class, at_risk=at_risk)
    assert raised == expected
    assert bool(reason) == (value_class == "A" or at_risk)


def test_priority_reason_names_the_causes_and_the_policy_can_turn_them_off():
    assert raised_priority("normal", value_class="A", at_risk=True) == (
        "high", "raised from normal: A-class customer and customer at risk")
    assert raised_priority("normal", value_class="A", at_risk=True, raise_value_classes=(),
                           raise_when_at_risk=False) == ("normal", "")
    assert raised_priority("normal", value_class="B", at_risk=False,
                           raise_value_classes=("A", "B"))[0] == "high"
