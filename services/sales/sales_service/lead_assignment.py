"""Lead assignment as pure functions: which rule applies, which reps are eligible, and which
one gets the lead.

Rules are data (``AssignmentRule`` rows): the first enabled rule in priority order whose
condition holds names the eligible group (a department subtree, or listed reps) with a
minimum seniority and a strategy. Round robin is fair: the eligible rep whose last automatic
assignment is the oldest gets the lead (one never assigned first); ties are broken with the
caller's random generator. A rep is skipped when inactive, unavailable (unless their
``available_again_time`` has passed), under the rule's seniority, or at capacity
(``max_open_leads``, 0 meaning no limit). Least loaded picks the fewest open leads instead.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from crm.common.v1 import rules_pb2
from crm_shared import conditions
from crm_shared.auth.visibility import in_subtree

from sales_service.lead_grading import LeadFacts

SENIORITY_RANK = {"": 0, "junior": 1, "regular": 2, "senior": 3}
"""An unset seniority counts as junior for the rep, and as no minimum for the rule."""
ROUND_ROBIN, LEAST_LOADED = "round_robin", "least_loaded"


@dataclass(frozen=True)
class AssignmentRule:
    id: str
    name: str
    condition: rules_pb2.ConditionGroup
    department_path: str
    min_seniority: str = ""
    user_ids: tuple[str, ...] = ()
    strategy: str = ROUND_ROBIN


def match_rule(rules: Sequence[AssignmentRule], facts: LeadFacts,
               now: datetime) -> AssignmentRule | None:
    """The first rule (``rules`` in evaluation order) whose condition holds for the lead."""
    known = facts.as_condition_facts()
    return next((rule for rule in rules if conditions.matches(rule.condition, known, now)), None)


@dataclass(frozen=True)
class RepProfile:
    user_id: str
    department_path: str
    active: bool
    available: bool
    seniority: str
    max_open_leads: int
    open_lead_count: int
    last_assign_time: datetime | None
    available_again_time: datetime | None = None


def in_group(rep: RepProfile, rule: AssignmentRule) -> bool:
    """Whether the rep belongs to the rule's group (before any eligibility check)."""
    if rule.user_ids:
        return rep.user_id in rule.user_ids
    return bool(rule.department_path) and in_subtree(rep.department_path, rule.department_path)


@dataclass
class Candidate:
    user_id: str
    eligible: bool
    skip_reason: str
    open_lead_count: int
    last_assign_time: datetime | None
    selected: bool = False


@dataclass
class Selection:
    assignee_id: str | None
    candidates: list[Candidate] = field(default_factory=list)
    tie_broken_at_random: bool = False
    reason: str = ""


def skip_reason(rep: RepProfile, min_seniority: str, now: datetime) -> str:
    """Why the rep cannot take a lead now, or ``""``."""
    if not rep.active:
        return "inactive"
    back = rep.available_again_time is not None and rep.available_again_time <= now
    if not rep.available and not back:
        return "unavailable"
    if SENIORITY_RANK.get(rep.seniority or "junior", 1) < SENIORITY_RANK.get(min_seniority, 0):
        return "seniority"
    if rep.max_open_leads and rep.open_lead_count >= rep.max_open_leads:
        return "at_capacity"
    return ""


def _turn(candidate: Candidate) -> tuple[int, datetime | None]:
    """Round-robin order: never assigned first, then the oldest last assignment."""
    if candidate.last_assign_time is None:
        return (0, None)
    return (1, candidate.last_assign_time)


def select_rep(reps: Iterable[RepProfile], *, min_seniority: str, strategy: str,
               rng: random.Random, now: datetime) -> Selection:
    """Pick one of ``reps`` (the rule's group) for a lead; every rep becomes a candidate with
    why they were or were not eligible."""
    candidates = [
        Candidate(rep.user_id, not (why := skip_reason(rep, min_seniority, now)), why,
                  rep.open_lead_count, rep.last_assign_time)
        for rep in sorted(reps, key=lambda r: r.user_id)
    ]
    eligible = [c for c in candidates if c.eligible]
    if not eligible:
        skipped = ", ".join(f"{c.user_id} {c.skip_reason}" for c in candidates) or "nobody"
        return Selection(None, candidates,
                         reason=f"no eligible rep among {len(candidates)} ({skipped})")
    if strategy == LEAST_LOADED:
        best = min(c.open_lead_count for c in eligible)
        tied = [c for c in eligible if c.open_lead_count == best]
        how = f"least loaded ({best} open) among {len(eligible)} eligible rep(s)"
    else:
        best_turn = min(_turn(c) for c in eligible)
        tied = [c for c in eligible if _turn(c) == best_turn]
        how = ("next in turn (never assigned)" if best_turn[0] == 0 else
               "next in turn (longest since the last lead)") + (
            f" among {len(eligible)} eligible rep(s)")
    chosen = tied[0] if len(tied) == 1 else rng.choice(tied)
    chosen.selected = True
    if len(tied) > 1:
        how += f"; tie among {len(tied)} broken at random"
    return Selection(chosen.user_id, candidates, tie_broken_at_random=len(tied) > 1, reason=how)
