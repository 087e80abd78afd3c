"""The leads part's pure rules, without I/O: contact normalisation (duplicates), source
labelling, grading by rules, fair assignment, and the first-contact and cold-lead clocks."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from crm.common.v1 import rules_pb2
from sales_service.lead_assignment import (
    AssignmentRule,
    RepProfile,
    match_rule,
    select_rep,
    skip_reason,
)
from sales_service.lead_clocks import (
    COLD,
    ESCALATE,
    REMIND,
    ClockState,
    due_actions,
    first_contact_schedule,
)
from sales_service.lead_contacts import normalise_email, normalise_phone
from sales_service.lead_grading import (
    GradingRule,
    LeadFacts,
    assignment_condition_violations,
    grade_lead,
    grading_condition_violations,
)
from sales_service.lead_sources import label_source

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
Op = rules_pb2.ConditionOperator


def condition(*parts, any_of=False) -> rules_pb2.ConditionGroup:
    return rules_pb2.ConditionGroup(
        match=rules_pb2.MATCH_MODE_ANY if any_of else rules_pb2.MATCH_MODE_ALL,
        conditions=[rules_pb2.Condition(field=field, operator=op, values=list(values))
                    for field, op, values in parts])


# -- contacts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["13812345678", "138 1234 5678", "138-1234-5678",
                                 "+86 138 1234 5678", "+8613812345678", "008613812345678",
                                 "8613812345678", " (138) 1234-5678 "])
def test_every_way_of_writing_one_mainland_mobile_is_one_phone(raw):
    assert normalise_phone(raw) == "+8613812345678"


@pytest.mark.parametrize("raw, expected", [("+44 20 7946 0958", "+442079460958"),
                                           ("+1 (415) 555-0100", "+14155550100")])
def test_foreign_numbers_are_kept_in_e164(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["1381234567", "23812345678", "12812345678", "+86 10 1234 5678",
                                 "phone", "", "+0123456789", "138123456789"])
def test_what_is_not_a_mainland_mobile_or_e164_is_refused(raw):
    assert normalise_phone(raw) is None


@pytest.mark.parametrize("raw, expected", [
    ("Li.Lei@Example.com", "li.lei@example.com"),
    ("li.lei+expo@example.com", "li.lei@example.com"),
    ("Li.Lei+expo@Gmail.com", "lilei@gmail.com"),
    ("lilei@googlemail.com", "lilei@gmail.com"),
    ("  wang@corp.cn ", "wang@corp.cn"),
])
def test_emails_are_normalised_so_one_mailbox_is_one_key(raw, expected):
    assert normalise_email(raw) == expected


@pytest.mark.parametrize("raw", ["not-an-email", "a@b", "@example.com", "+tag@example.com",
                                 "two words@example.com", ""])
def test_what_is_not_an_email_address_is_refused(raw):
    assert normalise_email(raw) is None


# -- sources ----------------------------------------------------------------------------------


@pytest.mark.parametrize("params, campaign, source, detail", [
    ({"referrer_customer_id": "c-1", "utm_source": "baidu"}, "", "referral",
     "referrer_customer_id=c-1"),
    ({"exhibition": "CIIE 2026", "form_id": "f-9"}, "", "exhibition", "CIIE 2026"),
    ({"utm_medium": "event", "utm_campaign": "expo-shanghai"}, "", "exhibition", "expo-shanghai"),
    ({"partner_id": "p-7", "utm_source": "partner-site"}, "", "partner", "p-7"),
    ({"utm_medium": "reseller", "utm_source": "acme"}, "", "partner", "acme"),
    ({"call_id": "CC-88"}, "", "phone", "CC-88"),
    ({"channel": "Phone"}, "", "phone", ""),
    ({"form_id": "contact-us"}, "", "website_form", "form_id=contact-us"),
    ({"utm_source": "baidu", "utm_medium": "cpc"}, "", "website_form", "utm_source=baidu"),
    ({}, "camp-1", "campaign", "campaign camp-1"),
    ({"form_id": "f-1"}, "camp-1", "website_form", "form_id=f-1"),
])
def test_the_source_is_labelled_from_the_strongest_intake_signal(params, campaign, source,
                                                                 detail):
    label = label_source(params, campaign)
    assert (label.source, label.detail, label.labelled) == (source, detail, True)


def test_a_source_the_caller_gives_is_kept_and_not_marked_labelled():
    label = label_source({"exhibition": "CIIE"}, "", given="phone", given_detail="hotline")
    assert (label.source, label.detail, label.labelled) == ("phone", "hotline", False)


def test_a_detail_the_caller_gives_is_kept_with_a_labelled_source():
    label = label_source({"exhibition": "CIIE"}, "", given_detail="booth 4A")
    assert (label.source, label.detail) == ("exhibition", "booth 4A")


def test_nothing_to_go_by_leaves_the_source_unspecified():
    label = label_source({"utm_medium": "cpc"}, "")
    assert (label.source, label.labelled) == ("", False)


# -- grading ----------------------------------------------------------------------------------

# The shipped defaults, written out: A for high intent and a clear need; B for some intent or a
# partly clear need; C for the rest.
DEFAULT_RULES = [
    GradingRule("r-a", "A", "A", condition(("intent_level", Op.CONDITION_OPERATOR_EQUALS,
                                            ["INTENT_LEVEL_HIGH"]),
                                           ("need_clarity", Op.CONDITION_OPERATOR_EQUALS,
                                            ["NEED_CLARITY_CLEAR"]))),
    GradingRule("r-b", "B", "B", condition(
        ("intent_level", Op.CONDITION_OPERATOR_IN, ["INTENT_LEVEL_HIGH", "INTENT_LEVEL_MEDIUM"]),
        ("need_clarity", Op.CONDITION_OPERATOR_IN, ["NEED_CLARITY_CLEAR", "NEED_CLARITY_PARTIAL"]),
        any_of=True)),
]
INTENTS = ["", "high", "medium", "low"]
CLARITIES = ["", "clear", "partial", "unclear"]
# intent x clarity -> grade, as the requirements read (A: strong intent and clear need).
EXPECTED_GRADES = {
    ("", ""): "C", ("", "clear"): "B", ("", "partial"): "B", ("", "unclear"): "C",
    ("high", ""): "B", ("high", "clear"): "A", ("high", "partial"): "B", ("high", "unclear"): "B",
    ("medium", ""): "B", ("medium", "clear"): "B", ("medium", "partial"): "B",
    ("medium", "unclear"): "B",
    ("low", ""): "C", ("low", "clear"): "B", ("low", "partial"): "B", ("low", "unclear"): "C",
}


@pytest.mark.parametrize("intent", INTENTS)
@pytest.mark.parametrize("clarity", CLARITIES)
def test_the_default_rules_grade_every_intent_and_clarity(intent, clarity):
    grading = grade_lead(DEFAULT_RULES, LeadFacts(intent_level=intent, need_clarity=clarity), NOW)
    assert grading.grade == EXPECTED_GRADES[(intent, clarity)]


def test_the_first_matching_rule_wins_and_says_why():
    budget_rule = GradingRule("r-budget", "Big budget", "A", condition(
        ("budget", Op.CONDITION_OPERATOR_GREATER_THAN_OR_EQUAL, ["100000000"])))
    grading = grade_lead([budget_rule, *DEFAULT_RULES],
                         LeadFacts(intent_level="low", budget_minor=1_500_000_00), NOW)
    assert (grading.grade, grading.rule_id) == ("A", "r-budget")
    assert "Big budget" in grading.reason and "budget >= 100000000" in grading.reason


def test_no_rule_matching_is_c_with_no_rule():
    grading = grade_lead(DEFAULT_RULES, LeadFacts(intent_level="low"), NOW)
    assert (grading.grade, grading.rule_id) == ("C", "")
    assert "no grading rule matched" in grading.reason


def test_rules_read_sources_products_and_intake_parameters():
    rules = [GradingRule("r-1", "Exhibition visitors wanting the ERP", "B", condition(
        ("source", Op.CONDITION_OPERATOR_EQUALS, ["SOURCE_CHANNEL_EXHIBITION"]),
        ("product_interests", Op.CONDITION_OPERATOR_CONTAINS_ANY, ["ERP"]),
        ("intake_params.booth", Op.CONDITION_OPERATOR_EXISTS, [])))]
    matching = LeadFacts(source="exhibition", product_interests=("ERP", "CRM"),
                         intake_params={"booth": "4A"})
    assert grade_lead(rules, matching, NOW).grade == "B"
    assert grade_lead(rules, LeadFacts(source="exhibition", product_interests=("ERP",)),
                      NOW).grade == "C"
    assert grade_lead(rules, LeadFacts(source="phone", product_interests=("ERP",),
                                       intake_params={"booth": "4A"}), NOW).grade == "C"


def test_a_grading_rule_naming_a_field_leads_do_not_have_is_refused_field_by_field():
    group = condition(("grade", Op.CONDITION_OPERATOR_EQUALS, ["LEAD_GRADE_A"]),
                      ("budget", Op.CONDITION_OPERATOR_GREATER_THAN, ["lots"]),
                      ("intent_level", Op.CONDITION_OPERATOR_UNSPECIFIED, ["INTENT_LEVEL_HIGH"]))
    fields = [v.field for v in grading_condition_violations(group, "rule.condition")]
    assert fields == ["rule.condition.conditions[0].field", "rule.condition.conditions[1].values",
                      "rule.condition.conditions[2].operator"]
    assert grading_condition_violations(rules_pb2.ConditionGroup(), "rule.condition")[0].field == (
        "rule.condition")


def test_assignment_rules_may_read_the_grade():
    group = condition(("grade", Op.CONDITION_OPERATOR_EQUALS, ["LEAD_GRADE_A"]))
    assert assignment_condition_violations(group, "rule.condition") == []


# -- assignment -------------------------------------------------------------------------------


def rep(user_id, *, seniority="regular", active=True, available=True, capacity=0, open_leads=0,
        last=None, back=None, path="/hq/sales/east") -> RepProfile:
    return RepProfile(user_id, path, active, available, seniority, capacity, open_leads, last,
                      back)


def test_each_kind_of_rep_that_cannot_take_a_lead_is_skipped_with_its_reason():
    reps = [rep("u-off", active=False), rep("u-leave", available=False),
            rep("u-junior", seniority="junior"), rep("u-full", capacity=2, open_leads=2),
            rep("u-ok", seniority="senior")]
    selection = select_rep(reps, min_seniority="regular", strategy="round_robin",
                           rng=random.Random(1), now=NOW)
    reasons = {c.user_id: c.skip_reason for c in selection.candidates}
    assert reasons == {"u-off": "inactive", "u-leave": "unavailable", "u-junior": "seniority",
                       "u-full": "at_capacity", "u-ok": ""}
    assert selection.assignee_id == "u-ok"
    assert [c.user_id for c in selection.candidates if c.selected] == ["u-ok"]


def test_a_rep_whose_leave_has_ended_is_available_again():
    back_yesterday = rep("u-back", available=False, back=NOW - timedelta(days=1))
    back_tomorrow = rep("u-away", available=False, back=NOW + timedelta(days=1))
    assert skip_reason(back_yesterday, "", NOW) == ""
    assert skip_reason(back_tomorrow, "", NOW) == "unavailable"


def test_an_unset_seniority_counts_as_junior():
    assert skip_reason(rep("u-1", seniority=""), "regular", NOW) == "seniority"
    assert skip_reason(rep("u-1", seniority=""), "", NOW) == ""


def test_round_robin_gives_the_lead_to_the_rep_waiting_longest_never_assigned_first():
    reps = [rep("u-recent", last=NOW - timedelta(minutes=5)),
            rep("u-old", last=NOW - timedelta(days=2)), rep("u-new")]
    selection = select_rep(reps, min_seniority="", strategy="round_robin",
                           rng=random.Random(1), now=NOW)
    assert selection.assignee_id == "u-new" and not selection.tie_broken_at_random
    second = select_rep(reps[:2], min_seniority="", strategy="round_robin",
                        rng=random.Random(1), now=NOW)
    assert second.assignee_id == "u-old"


def test_least_loaded_gives_the_lead_to_the_rep_with_fewest_open_leads():
    reps = [rep("u-busy", open_leads=5), rep("u-free", open_leads=1, last=NOW)]
    selection = select_rep(reps, min_seniority="", strategy="least_loaded",
                           rng=random.Random(1), now=NOW)
    assert selection.assignee_id == "u-free"


def test_nobody_eligible_assigns_nobody_and_says_why():
    selection = select_rep([rep("u-off", active=False)], min_seniority="", strategy="round_robin",
                           rng=random.Random(1), now=NOW)
    assert selection.assignee_id is None
    assert "u-off inactive" in selection.reason


def test_ties_are_broken_by_the_given_random_generator_reproducibly():
    reps = [rep(f"u-{n}") for n in range(5)]
    picks = [select_rep(reps, min_seniority="", strategy="round_robin", rng=random.Random(seed),
                        now=NOW) for seed in range(40)]
    assert all(p.tie_broken_at_random for p in picks)
    assert len({p.assignee_id for p in picks}) == 5  # every tied rep can be drawn
    again = [select_rep(reps, min_seniority="", strategy="round_robin", rng=random.Random(seed),
                        now=NOW).assignee_id for seed in range(40)]
    assert again == [p.assignee_id for p in picks]


def simulate(reps: dict[str, RepProfile], leads: int, seed: int) -> Counter:
    """Assign ``leads`` leads one minute apart as the service does: the chosen rep's last
    automatic assignment becomes now and their open leads grow by one."""
    rng, received = random.Random(seed), Counter()
    for minute in range(leads):
        now = NOW + timedelta(minutes=minute)
        selection = select_rep(reps.values(), min_seniority="senior", strategy="round_robin",
                               rng=rng, now=now)
        if selection.assignee_id is None:
            continue
        chosen = reps[selection.assignee_id]
        assert not chosen.max_open_leads or chosen.open_lead_count < chosen.max_open_leads
        reps[chosen.user_id] = RepProfile(
            chosen.user_id, chosen.department_path, chosen.active, chosen.available,
            chosen.seniority, chosen.max_open_leads, chosen.open_lead_count + 1, now,
            chosen.available_again_time)
        received[chosen.user_id] += 1
    return received


def test_a_thousand_leads_are_shared_fairly_among_equal_reps_and_none_is_starved():
    reps = {f"u-{n}": rep(f"u-{n}", seniority="senior") for n in range(7)}
    reps["u-junior"] = rep("u-junior", seniority="junior")
    reps["u-away"] = rep("u-away", seniority="senior", available=False)
    received = simulate(reps, 1000, seed=11)
    equal = [received[f"u-{n}"] for n in range(7)]
    assert sum(equal) == 1000
    assert max(equal) - min(equal) <= 1 and min(equal) > 0
    assert received["u-junior"] == 0 and received["u-away"] == 0


def test_a_rep_at_capacity_gets_no_more_and_the_others_share_the_rest():
    reps = {"u-small": rep("u-small", seniority="senior", capacity=10),
            **{f"u-{n}": rep(f"u-{n}", seniority="senior") for n in range(3)}}
    received = simulate(reps, 1000, seed=3)
    assert received["u-small"] == 10
    others = [received[f"u-{n}"] for n in range(3)]
    assert sum(others) == 990 and max(others) - min(others) <= 1


def test_when_everyone_is_full_the_remaining_leads_stay_unassigned():
    reps = {f"u-{n}": rep(f"u-{n}", seniority="senior", capacity=5) for n in range(3)}
    received = simulate(reps, 1000, seed=5)
    assert received == Counter({"u-0": 5, "u-1": 5, "u-2": 5})


def test_the_first_matching_assignment_rule_applies():
    rules = [AssignmentRule("r-a", "A to seniors", condition(
                 ("grade", Op.CONDITION_OPERATOR_EQUALS, ["LEAD_GRADE_A"])), "/hq/sales", "senior"),
             AssignmentRule("r-bc", "B and C to all", condition(
                 ("grade", Op.CONDITION_OPERATOR_IN, ["LEAD_GRADE_B", "LEAD_GRADE_C"])),
                 "/hq/sales")]
    assert match_rule(rules, LeadFacts(grade="A"), NOW).id == "r-a"
    assert match_rule(rules, LeadFacts(grade="C"), NOW).id == "r-bc"
    assert match_rule(rules, LeadFacts(grade=""), NOW) is None


# -- clocks -----------------------------------------------------------------------------------

TARGETS = {"A": (timedelta(hours=2), timedelta(minutes=30)),
           "C": (timedelta(hours=72), timedelta(hours=4))}


def test_first_contact_is_due_within_the_grades_target_and_reminded_ahead():
    schedule = first_contact_schedule(NOW, "A", TARGETS)
    assert schedule.due_time == NOW + timedelta(hours=2)
    assert schedule.remind_time == NOW + timedelta(minutes=90)


def test_a_grade_without_a_target_uses_cs_and_a_reminder_never_precedes_the_assignment():
    assert first_contact_schedule(NOW, "B", TARGETS).due_time == NOW + timedelta(hours=72)
    short = {"A": (timedelta(minutes=10), timedelta(hours=1))}
    assert first_contact_schedule(NOW, "A", short).remind_time == NOW


def clock(**changes) -> ClockState:
    values = {"status": "assigned", "owner_id": "u-rep", "first_contact_time": None,
              "first_contact_due_time": NOW + timedelta(hours=2),
              "first_contact_remind_time": NOW + timedelta(minutes=90),
              "first_contact_reminded_time": None, "first_contact_escalated_time": None,
              "last_activity_time": NOW, "went_cold_time": None}
    values.update(changes)
    return ClockState(**values)


COLD_AFTER = timedelta(days=30)


@pytest.mark.parametrize("minutes, expected", [(0, []), (89, []), (90, [REMIND]), (119, [REMIND]),
                                               (120, [ESCALATE]), (600, [ESCALATE])])
def test_the_reminder_then_the_escalation_come_due_in_turn(minutes, expected):
    assert due_actions(clock(), NOW + timedelta(minutes=minutes), COLD_AFTER) == expected


def test_each_fires_once_per_assignment():
    later = NOW + timedelta(minutes=100)
    assert due_actions(clock(first_contact_reminded_time=later), later, COLD_AFTER) == []
    overdue = NOW + timedelta(hours=3)
    assert due_actions(clock(first_contact_escalated_time=overdue), overdue, COLD_AFTER) == []


def test_a_first_contact_stops_the_first_contact_clock():
    contacted = clock(status="contacted", first_contact_time=NOW + timedelta(minutes=10))
    assert due_actions(contacted, NOW + timedelta(hours=5), COLD_AFTER) == []


def test_an_open_lead_without_follow_up_goes_cold_once():
    quiet = NOW + timedelta(days=30)
    assert due_actions(clock(status="contacted", first_contact_time=NOW), quiet,
                       COLD_AFTER) == [COLD]
    assert due_actions(clock(status="contacted", first_contact_time=NOW),
                       quiet - timedelta(seconds=1), COLD_AFTER) == []
    assert due_actions(clock(status="cold", went_cold_time=quiet), quiet, COLD_AFTER) == []
    assert due_actions(clock(status="converted"), quiet, COLD_AFTER) == []
