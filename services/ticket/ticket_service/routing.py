"""Routing as pure functions: the category from the text, which rule matches, which agent gets
the ticket, and how much the customer's value class and risk raise the priority.

Rules are data (``RoutingRule`` rows); this module only evaluates them. The database side
(loading rules and agents, writing the decision) is in :mod:`ticket_service.tickets`.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

# -- category and keywords -----------------------------------------------------------------------

# Keywords per category, Chinese and English; matched as substrings (Chinese has no spaces),
# English case-insensitively. The order of the categories breaks ties.
CATEGORY_KEYWORDS: dict[str, tuple[str, ...]] = {
    "product_quality": ("质量", "破损", "损坏", "坏了", "瑕疵", "次品", "quality", "broken",
                        "damaged", "defect"),
    "service_attitude": ("态度", "服务", "不耐烦", "投诉客服", "attitude", "rude", "impolite",
                         "unfriendly"),
    "technical": ("故障", "报错", "无法", "不能用", "死机", "崩溃", "error", "bug", "crash",
                  "cannot", "can't", "fails", "failure", "not working"),
    "delivery": ("物流", "快递", "配送", "发货", "送货", "delivery", "shipping", "shipment",
                 "courier", "parcel"),
}
CATEGORIES = tuple(CATEGORY_KEYWORDS)


def found_keywords(text: str) -> list[str]:
    """The known keywords that occur in ``text``, in table order, each once."""
    lowered = text.lower()
    return [word for words in CATEGORY_KEYWORDS.values() for word in words if word in lowered]


def infer_category(text: str) -> str:
    """The category whose keywords occur most often in ``text``; empty when none occurs."""
    lowered = text.lower()
    best, best_hits = "", 0
    for category, words in CATEGORY_KEYWORDS.items():
        hits = sum(1 for word in words if word in lowered)
        if hits > best_hits:
            best, best_hits = category, hits
    return best


# -- rule conditions ----------------------------------------------------------------------------

# Enum-valued fields accept the full proto name (`TICKET_TYPE_COMPLAINT`) or the short one
# (`complaint`): both are normalised to the short lower-case form the facts carry.
ENUM_PREFIXES = {
    "type": "TICKET_TYPE_",
    "channel": "TICKET_CHANNEL_",
    "priority": "TICKET_PRIORITY_",
    "customer_value_class": "VALUE_CLASS_",
}
RULE_FIELDS = frozenset({"type", "category", "title", "description", "text", "keywords",
                         "product", "channel", "priority", "customer_value_class",
                         "customer_at_risk"})
OPERATORS = frozenset({"EQUALS", "NOT_EQUALS", "IN", "NOT_IN", "CONTAINS", "CONTAINS_ANY",
                       "CONTAINS_ALL", "CONTAINS_NONE", "EXISTS", "NOT_EXISTS"})


def _normalise(field_name: str, value: str) -> str:
    value = value.strip()
    prefix = ENUM_PREFIXES.get(field_name)
    if prefix and value.upper().startswith(prefix):
        value = value[len(prefix):]
    return value.lower()


def _holds(fact, operator: str, values: list[str], field_name: str) -> bool:
    wanted = [_normalise(field_name, value) for value in values]
    if isinstance(fact, bool):
        fact = "true" if fact else "false"
    if isinstance(fact, (list, tuple)):
        items = {str(item).lower() for item in fact}
        contains = lambda word: word in items
        present = bool(items)
        text = None
    else:
        text = str(fact or "").lower()
        contains = lambda word: word in text
        present = bool(text)
    if operator == "EQUALS":
        return text == wanted[0] if text is not None else wanted[0] in items
    if operator == "NOT_EQUALS":
        return not _holds(fact, "EQUALS", values, field_name)
    if operator == "IN":
        return any(_holds(fact, "EQUALS", [value], field_name) for value in values)
    if operator == "NOT_IN":
        return not _holds(fact, "IN", values, field_name)
    if operator in ("CONTAINS", "CONTAINS_ANY"):
        return any(contains(word) for word in wanted)
    if operator == "CONTAINS_ALL":
        return all(contains(word) for word in wanted)
    if operator == "CONTAINS_NONE":
        return not any(contains(word) for word in wanted)
    if operator == "EXISTS":
        return present
    if operator == "NOT_EXISTS":
        return not present
    raise ValueError(f"operator {operator} is not supported in routing rules")


def describe(condition: Mapping) -> str:
    """``category = product_quality``-style text of one condition (proto3 JSON form)."""
    operator = condition.get("operator", "").removeprefix("CONDITION_OPERATOR_")
    values = condition.get("values", [])
    symbol = {"EQUALS": "=", "NOT_EQUALS": "!="}.get(operator, operator.lower().replace("_", " "))
    shown = values[0] if len(values) == 1 else "[" + ", ".join(values) + "]"
    return f"{condition.get('field', '')} {symbol} {shown}".rstrip()


def evaluate(group: Mapping, facts: Mapping) -> tuple[bool, list[str]]:
    """Whether ``facts`` match the ConditionGroup (proto3 JSON form), and the conditions that
    held, as text. An empty group matches (the fallback rule)."""
    any_mode = group.get("match") == "MATCH_MODE_ANY"
    results: list[bool] = []
    matched: list[str] = []
    for condition in group.get("conditions", []):
        name = condition.get("field", "")
        operator = condition.get("operator", "").removeprefix("CONDITION_OPERATOR_")
        held = _holds(facts.get(name), operator, list(condition.get("values", [])), name)
        results.append(held)
        if held:
            matched.append(describe(condition))
    for nested in group.get("groups", []):
        held, inner = evaluate(nested, facts)
        results.append(held)
        if held:
            matched.extend(inner)
    if not results:
        return True, []
    return (any(results) if any_mode else all(results)), matched


def condition_violations(group: Mapping, path: str = "rule.condition") -> list[tuple[str, str]]:
    """(field path, message) for every condition a routing rule cannot evaluate."""
    problems: list[tuple[str, str]] = []
    for index, condition in enumerate(group.get("conditions", [])):
        where = f"{path}.conditions[{index}]"
        if condition.get("field", "") not in RULE_FIELDS:
            problems.append((f"{where}.field", "must be one of " + ", ".join(sorted(RULE_FIELDS))))
        operator = condition.get("operator", "").removeprefix("CONDITION_OPERATOR_")
        if operator not in OPERATORS:
            problems.append((f"{where}.operator", "is not supported in routing rules"))
        elif operator not in ("EXISTS", "NOT_EXISTS") and not condition.get("values"):
            problems.append((f"{where}.values", "must name at least one value"))
    for index, nested in enumerate(group.get("groups", [])):
        problems.extend(condition_violations(nested, f"{path}.groups[{index}]"))
    return problems


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    condition: Mapping
    department_path: str
    agent_selection: str = "least_loaded"
    required_skills: tuple[str, ...] = ()

    @property
    def is_fallback(self) -> bool:
        return not self.condition.get("conditions") and not self.condition.get("groups")


@dataclass(frozen=True)
class RuleMatch:
    rule: Rule
    matched_conditions: list[str]
    fallback: bool


def match_rule(rules: Sequence[Rule], facts: Mapping) -> RuleMatch | None:
    """The first rule (``rules`` in evaluation order) that matches; rules without conditions
    are the fallback, used only when no conditional rule matched."""
    fallbacks = []
    for rule in rules:
        if rule.is_fallback:
            fallbacks.append(rule)
            continue
        held, matched = evaluate(rule.condition, facts)
        if held:
            return RuleMatch(rule, matched, fallback=False)
    if fallbacks:
        return RuleMatch(fallbacks[0], [], fallback=True)
    return None


# -- agent selection ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AgentProfile:
    user_id: str
    active: bool
    available: bool
    skills: frozenset[str]
    max_open_tickets: int  # 0: no limit
    open_ticket_count: int


@dataclass
class Candidate:
    agent_id: str
    eligible: bool
    skip_reason: str
    open_ticket_count: int
    matched_skill_count: int
    selected: bool = False


@dataclass
class Selection:
    assignee_id: str | None
    candidates: list[Candidate] = field(default_factory=list)
    tie_broken_at_random: bool = False

    def summary(self) -> str:
        eligible = sum(1 for candidate in self.candidates if candidate.eligible)
        if self.assignee_id is None:
            return f"no eligible agent among {len(self.candidates)}; waits in the department queue"
        return f"least loaded of {eligible} eligible agent(s)" + (
            ", tie broken at random" if self.tie_broken_at_random else "")


def select_agent(
    agents: Iterable[AgentProfile],
    required_skills: Iterable[str],
    rng: random.Random,
    *,
    mode: str = "least_loaded",
) -> Selection:
    """Pick an agent: active, available, under capacity, and (``least_loaded``) having every
    required skill; the fewest open tickets wins (``skill_match``: the most required skills
    first); ties are broken with ``rng``. ``queue_only`` picks nobody."""
    required = frozenset(required_skills)
    candidates: list[Candidate] = []
    for agent in sorted(agents, key=lambda a: a.user_id):
        matched = len(required & agent.skills)
        if not agent.active:
            reason = "inactive"
        elif not agent.available:
            reason = "unavailable"
        elif agent.max_open_tickets and agent.open_ticket_count >= agent.max_open_tickets:
            reason = "at_capacity"
        elif mode != "skill_match" and matched < len(required):
            reason = "missing_skills"
        else:
            reason = ""
        candidates.append(Candidate(agent.user_id, not reason, reason, agent.open_ticket_count,
                                    matched))
    eligible = [candidate for candidate in candidates if candidate.eligible]
    if mode == "queue_only" or not eligible:
        return Selection(None, candidates)

    def rank(candidate: Candidate) -> tuple[int, int]:
        if mode == "skill_match":
            return (-candidate.matched_skill_count, candidate.open_ticket_count)
        return (0, candidate.open_ticket_count)

    best = min(rank(candidate) for candidate in eligible)
    tied = [candidate for candidate in eligible if rank(candidate) == best]
    chosen = tied[0] if len(tied) == 1 else rng.choice(tied)
    chosen.selected = True
    return Selection(chosen.agent_id, candidates, tie_broken_at_random=len(tied) > 1)


# -- priority -----------------------------------------------------------------------------------

PRIORITIES = ("urgent", "high", "normal", "low")  # most urgent first


def raised_priority(
    priority: str,
    *,
    value_class: str,
    at_risk: bool,
    raise_value_classes: Iterable[str] = ("A",),
    raise_when_at_risk: bool = True,
) -> tuple[str, str]:
    """The priority after the ticket policy: one level up (at most to urgent) when the
    customer's value class is listed or the customer is at risk; and why, or ``""``."""
    reasons = []
    if value_class and value_class in set(raise_value_classes):
        reasons.append(f"{value_class}-class customer")
    if raise_when_at_risk and at_risk:
        reasons.append("customer at risk")
    if not reasons:
        return priority, ""
    index = PRIORITIES.index(priority)
    raised = PRIORITIES[max(index - 1, 0)]
    if raised == priority:
        return priority, "already urgent: " + " and ".join(reasons)
    return raised, f"raised from {priority}: " + " and ".join(reasons)
