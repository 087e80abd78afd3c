"""The lead RPCs through the in-process api (real servicer, real server bootstrap, migrated
database with the seeded grading and assignment rules): intake, validation, idempotency,
duplicates, visibility, grading, assignment, rules, reps, and the lead timer on a clock the
test controls. One api serves the module on SQLite (ties broken by a seeded random); the core
create-and-list path also runs on PostgreSQL.

Reps are stored as the worker keeps them from identity events. Tests that depend on who gets a
lead write an assignment rule of their own (listed reps, matched by the test's campaign id: a
running campaign of the real marketing api beside it, as a lead may name only a campaign its
caller sees).
"""

from __future__ import annotations

import random
import re
import uuid
from datetime import timedelta

import grpc
import pytest
from crm.common.v1 import rules_pb2, types_pb2
from crm.sales.v1 import events_pb2, sales_pb2, sales_pb2_grpc
from crm_shared.db import utcnow
from crm_shared.grpc.server import ServiceBinding
from crm_shared.references import CAMPAIGN
from google.protobuf.field_mask_pb2 import FieldMask
from sales_service import lead_clocks
from sales_service.api import SalesServicer
from sales_service.marketing_client import campaign_lookup
from sales_service.models import Lead, SalesRep
from sqlalchemy import func, select

# The namespace of the rules the migrations seed (0003: uuid5 of their keys).
SEEDED_NAMESPACE = uuid.UUID("6c1f3a52-8e0b-4d7a-9c21-5b3e7f9d0a44")

pytestmark = pytest.mark.integration

S = sales_pb2
Op = rules_pb2.ConditionOperator
NUMBER = re.compile(r"^L\d{8}-\d{4}$")
# user id -> (department, seniority): the reps the worker would know from identity.
REPS = {"u-rep": ("/hq/sales/east", "senior"), "u-rep-2": ("/hq/sales/east", "regular"),
        "u-rep-north": ("/hq/sales/north", "senior"), "u-east-lead": ("/hq/sales/east", "senior")}


def seeded_bindings(database, settings):
    servicer = SalesServicer(database, settings, rng=random.Random(7))
    return [ServiceBinding(descriptor=S.DESCRIPTOR.services_by_name["SalesService"],
                           servicer=servicer,
                           add_to_server=sales_pb2_grpc.add_SalesServiceServicer_to_server,
                           # the campaigns the leads name are checked (crm_shared.references)
                           references={CAMPAIGN: campaign_lookup(servicer)})]


def add_reps(database, reps=REPS):
    now = utcnow()
    with database.unit_of_work() as uow:
        for user_id, (path, seniority) in reps.items():
            uow.session.add(SalesRep(
                user_id=user_id, username=user_id, display_name=user_id, department_path=path,
                team_lead=user_id.endswith("lead"), active=True, seniority=seniority,
                max_open_leads=0, available=True, revision=1, update_time=now, updated_by="t"))


@pytest.fixture(scope="module")
def api(start_sales_api, sales_marketing):
    server = start_sales_api("sqlite", bindings=seeded_bindings, marketing=sales_marketing)
    add_reps(server.database)
    return server


def new_lead(api, caller="u-admin", request_id="", **fields) -> S.Lead:
    values = {"contact_name": "李雷", "company_name": "上海某某科技有限公司",
              "phone": f"139{uuid.uuid4().int % 10**8:08d}", "intent_level": S.INTENT_LEVEL_LOW}
    values.update(fields)
    return api.stub(caller).CreateLead(S.CreateLeadRequest(lead=S.Lead(**values),
                                                           request_id=request_id))


def own_rule(api, campaign: str, user_ids: list[str], **fields) -> S.AssignmentRule:
    """An assignment rule of the test: leads of ``campaign`` go to ``user_ids``."""
    rule = S.AssignmentRule(
        display_name=f"Campaign {campaign}", department_path="/hq/sales", user_ids=user_ids,
        condition=rules_pb2.ConditionGroup(conditions=[rules_pb2.Condition(
            field="campaign_id", operator=Op.CONDITION_OPERATOR_EQUALS, values=[campaign])]),
        priority=1, enabled=True, **fields)
    return api.stub("u-admin").CreateAssignmentRule(S.CreateAssignmentRuleRequest(rule=rule))


def lead_events(api, routing_key, message_type, lead_id):
    return [e for e in api.events(routing_key, message_type)
            if (e.lead.id if hasattr(e, "lead") and e.HasField("lead") else e.lead_id) == lead_id]


def count_leads(api) -> int:
    with api.database.unit_of_work(readonly=True) as uow:
        return uow.session.scalar(select(func.count()).select_from(Lead))


def mask(*paths):
    return FieldMask(paths=list(paths))


# -- intake -------------------------------------------------------------------------------------


def test_a_hot_lead_is_labelled_graded_a_and_given_to_a_senior_rep(api):
    campaign = api.marketing.campaign()
    rule = own_rule(api, campaign, ["u-rep", "u-rep-2"], min_seniority=S.REP_SENIORITY_SENIOR)
    before = utcnow()
    lead = new_lead(api, intent_level=S.INTENT_LEVEL_HIGH, need_clarity=S.NEED_CLARITY_CLEAR,
                    campaign_id=campaign, intake_params={"exhibition": "CIIE 2026"})

    assert NUMBER.match(lead.number)
    assert (lead.source, lead.source_detail) == (types_pb2.SOURCE_CHANNEL_EXHIBITION, "CIIE 2026")
    assert lead.grade == S.LEAD_GRADE_A and "意向高且需求明确为 A 类" in lead.grade_reason
    # The rule that gave the grade, by id, so a page describes it in its reader's language.
    assert lead.grade_rule_id == str(uuid.uuid5(SEEDED_NAMESPACE, "grade-a"))
    assert (lead.status, lead.owner_id, lead.department_path) == (
        S.LEAD_STATUS_ASSIGNED, "u-rep", "/hq/sales/east")  # u-rep-2 is not senior
    due = lead.first_contact_due_time.ToDatetime().replace(tzinfo=before.tzinfo)
    assigned = lead.assign_time.ToDatetime().replace(tzinfo=before.tzinfo)
    assert due - assigned == timedelta(hours=2)
    (created,) = lead_events(api, "lead.created", events_pb2.LeadCreated, lead.id)
    assert created.lead.owner_id == "u-rep" and created.actor_id == "u-admin"
    (graded,) = lead_events(api, "lead.graded", events_pb2.LeadGraded, lead.id)
    assert (graded.previous_grade, graded.grade) == (S.LEAD_GRADE_UNSPECIFIED, S.LEAD_GRADE_A)
    (assigned_event,) = lead_events(api, "lead.assigned", events_pb2.LeadAssigned, lead.id)
    assert assigned_event.current.owner_id == "u-rep"
    assert assigned_event.assignment.rule_id == rule.id
    skipped = {c.user_id: c.skip_reason for c in assigned_event.assignment.candidates}
    assert skipped == {"u-rep": "", "u-rep-2": "seniority"}


def test_lead_created_carries_the_phone_and_email_masked_the_answer_in_clear(api):
    """The event reaches marketing's queue, the broker and its dead letters: the contact's
    addresses are masked there, also where the need typed in repeats them; the rep reads them
    from the lead itself."""
    phone, email = f"139{uuid.uuid4().int % 10**8:08d}", f"li.{uuid.uuid4().hex[:8]}@example.com"
    need = f"想要报价，请打 {phone} 或发邮件到 {email}"
    lead = new_lead(api, phone=phone, email=email, need_description=need)
    assert (lead.phone, lead.email, lead.need_description) == (phone, email, need)
    (created,) = lead_events(api, "lead.created", events_pb2.LeadCreated, lead.id)
    assert (created.lead.phone, created.lead.email) == (
        phone[:3] + "******" + phone[-2:], "l***@example.com")
    assert created.lead.need_description == (
        f"想要报价，请打 {phone[:3]}******{phone[-2:]} 或发邮件到 l***@example.com")
    assert created.lead.id == lead.id and created.lead.contact_name == lead.contact_name


def test_a_lead_nobody_can_take_waits_unassigned_where_the_rule_sends_it(api):
    campaign = api.marketing.campaign()
    own_rule(api, campaign, ["u-rep-2"], min_seniority=S.REP_SENIORITY_SENIOR)
    lead = new_lead(api, campaign_id=campaign)
    assert (lead.status, lead.owner_id, lead.department_path) == (
        S.LEAD_STATUS_NEW, "", "/hq/sales")
    assert not lead.HasField("first_contact_due_time")
    assert lead_events(api, "lead.assigned", events_pb2.LeadAssigned, lead.id) == []
    (decision,) = api.stub("u-sales-lead").ListLeadAssignments(
        S.ListLeadAssignmentsRequest(lead_id=lead.id)).assignments
    assert decision.assignee_id == "" and "waits for a manual assignment" in decision.reason
    assert [(c.user_id, c.skip_reason) for c in decision.candidates] == [("u-rep-2", "seniority")]


@pytest.mark.parametrize("fields, violations", [
    ({"contact_name": "", "company_name": "", "phone": ""},
     {"lead.contact_name", "lead.phone"}),
    ({"phone": "12345"}, {"lead.phone"}),
    ({"phone": "", "email": "not-an-email"}, {"lead.email"}),
    ({"budget": types_pb2.Money(currency_code="yuan", amount_minor=-1)},
     {"lead.budget.currency_code", "lead.budget.amount_minor"}),
    ({"intake_params": {f"k{n}": "v" for n in range(31)}}, {"lead.intake_params"}),
    ({"grade": S.LEAD_GRADE_A, "intent_level": 9}, {"lead.intent_level"}),
])
def test_bad_input_is_refused_field_by_field_and_nothing_is_stored(api, rpc_error, fields,
                                                                    violations):
    before = count_leads(api)
    error = rpc_error(new_lead, api, **fields)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert {v.field for v in error.violations} == violations
    assert count_leads(api) == before


def test_a_retried_create_returns_the_first_lead_and_another_caller_may_not_reuse_the_key(
        api, rpc_error):
    key = str(uuid.uuid4())
    first = new_lead(api, caller="u-sales-lead", request_id=key)
    before = count_leads(api)
    again = new_lead(api, caller="u-sales-lead", request_id=key, contact_name="别的名字")
    assert (again.id, again.number, again.contact_name) == (first.id, first.number, "李雷")
    assert count_leads(api) == before
    assert rpc_error(new_lead, api, caller="u-admin", request_id=key).code == (
        grpc.StatusCode.ALREADY_EXISTS)
    assert rpc_error(new_lead, api, request_id="not-a-uuid").violations[0].field == "request_id"


def test_duplicates_by_normalised_phone_or_email_are_found_both_ways(api):
    suffix = f"{uuid.uuid4().int % 10**8:08d}"
    first = new_lead(api, phone=f"138{suffix}", email=f"lei{suffix}@example.com")
    by_phone = new_lead(api, phone=f"+86 138-{suffix[:4]}-{suffix[4:]}")
    by_email = new_lead(api, phone="", email=f"Lei{suffix}+expo@Example.com")
    other = new_lead(api)
    admin = api.stub("u-admin")
    assert list(by_phone.duplicate_lead_ids) == [first.id]
    assert list(admin.GetLead(S.GetLeadRequest(id=first.id)).duplicate_lead_ids) == [
        by_phone.id, by_email.id]
    assert list(other.duplicate_lead_ids) == []
    listed = admin.ListLeads(S.ListLeadsRequest(has_duplicates=True, page_size=500))
    ids = {lead.id for lead in listed.leads}
    assert {first.id, by_phone.id, by_email.id} <= ids and other.id not in ids
    found = admin.ListLeads(S.ListLeadsRequest(query=f"138 {suffix[:4]} {suffix[4:]}"))
    assert {lead.id for lead in found.leads} == {first.id, by_phone.id}


# -- visibility ---------------------------------------------------------------------------------

# Who sees a lead owned by u-rep (/hq/sales/east): written out, not computed.
SEES_EAST_LEAD = {"u-rep": True, "u-rep-2": False, "u-east-lead": True, "u-sales-lead": True,
                  "u-north-lead": False, "u-rep-north": False, "u-admin": True}


def test_the_visibility_matrix_over_grpc(api, rpc_error):
    campaign = api.marketing.campaign()
    own_rule(api, campaign, ["u-rep"])
    lead = new_lead(api, campaign_id=campaign)
    assert lead.owner_id == "u-rep"
    for caller, sees in SEES_EAST_LEAD.items():
        stub = api.stub(caller)
        listed = {item.id for item in stub.ListLeads(
            S.ListLeadsRequest(campaign_id=campaign)).leads}
        assert (lead.id in listed) is sees, caller
        if sees:
            assert stub.GetLead(S.GetLeadRequest(id=lead.id)).id == lead.id
        else:
            assert rpc_error(stub.GetLead, S.GetLeadRequest(id=lead.id)).code == (
                grpc.StatusCode.NOT_FOUND), caller
            assert rpc_error(stub.DisqualifyLead, S.DisqualifyLeadRequest(
                id=lead.id, reason="x")).code == grpc.StatusCode.NOT_FOUND, caller


def test_an_unassigned_lead_is_seen_by_the_intake_departments_leads_and_admins_only(
        api, rpc_error):
    campaign = api.marketing.campaign("u-rep", "/hq/sales/east")  # one the rep may name
    own_rule(api, campaign, ["u-nobody"])  # no such rep: the lead waits in /hq/sales
    lead = new_lead(api, caller="u-rep", campaign_id=campaign)
    assert lead.owner_id == "" and lead.department_path == "/hq/sales"
    for caller in ("u-sales-lead", "u-admin"):
        assert api.stub(caller).GetLead(S.GetLeadRequest(id=lead.id)).id == lead.id
    for caller in ("u-rep", "u-east-lead", "u-rep-2"):  # the creator too, once it is not theirs
        assert rpc_error(api.stub(caller).GetLead, S.GetLeadRequest(id=lead.id)).code == (
            grpc.StatusCode.NOT_FOUND)


# -- changes ------------------------------------------------------------------------------------


def test_an_update_regrades_unless_the_grade_was_set_by_hand_and_a_stale_etag_is_aborted(
        api, rpc_error):
    lead = new_lead(api)
    assert lead.grade == S.LEAD_GRADE_C
    admin = api.stub("u-admin")
    hotter = admin.UpdateLead(S.UpdateLeadRequest(
        lead=S.Lead(id=lead.id, intent_level=S.INTENT_LEVEL_MEDIUM, etag=lead.etag),
        update_mask=mask("intent_level")))
    assert hotter.grade == S.LEAD_GRADE_B and hotter.etag != lead.etag
    stale = rpc_error(admin.UpdateLead, S.UpdateLeadRequest(
        lead=S.Lead(id=lead.id, job_title="CTO", etag=lead.etag), update_mask=mask("job_title")))
    assert stale.code == grpc.StatusCode.ABORTED

    manual = admin.GradeLead(S.GradeLeadRequest(id=lead.id, grade=S.LEAD_GRADE_A,
                                                reason="大客户推荐"))
    assert (manual.grade, manual.grade_locked) == (S.LEAD_GRADE_A, True)
    assert manual.grade_reason == "set by hand: 大客户推荐"
    kept = admin.UpdateLead(S.UpdateLeadRequest(
        lead=S.Lead(id=lead.id, intent_level=S.INTENT_LEVEL_LOW), update_mask=mask("intent_level")))
    assert (kept.grade, kept.grade_locked) == (S.LEAD_GRADE_A, True)
    unlocked = admin.GradeLead(S.GradeLeadRequest(id=lead.id))
    assert (unlocked.grade, unlocked.grade_locked) == (S.LEAD_GRADE_C, False)
    grades = [(e.previous_grade, e.grade, e.actor_id) for e in
              lead_events(api, "lead.graded", events_pb2.LeadGraded, lead.id)]
    assert grades == [(0, S.LEAD_GRADE_C, ""), (S.LEAD_GRADE_C, S.LEAD_GRADE_B, "u-admin"),
                      (S.LEAD_GRADE_B, S.LEAD_GRADE_A, "u-admin"),
                      (S.LEAD_GRADE_A, S.LEAD_GRADE_C, "")]


def test_output_only_fields_cannot_be_updated_and_a_manual_grade_needs_a_reason(api, rpc_error):
    lead = new_lead(api)
    admin = api.stub("u-admin")
    error = rpc_error(admin.UpdateLead, S.UpdateLeadRequest(
        lead=S.Lead(id=lead.id, owner_id="u-rep"), update_mask=mask("owner_id", "grade")))
    assert [v.description for v in error.violations] == ["`grade` cannot be updated",
                                                         "`owner_id` cannot be updated"]
    error = rpc_error(admin.UpdateLead, S.UpdateLeadRequest(
        lead=S.Lead(id=lead.id, phone="", email=""), update_mask=mask("phone", "email")))
    assert {v.field for v in error.violations} == {"lead.phone"}
    assert admin.GetLead(S.GetLeadRequest(id=lead.id)).phone == lead.phone  # nothing stored
    error = rpc_error(admin.GradeLead, S.GradeLeadRequest(id=lead.id, grade=S.LEAD_GRADE_B))
    assert [v.field for v in error.violations] == ["reason"]


def test_a_disqualified_lead_is_closed_for_changes(api, rpc_error):
    lead = new_lead(api)
    admin = api.stub("u-admin")
    assert rpc_error(admin.DisqualifyLead, S.DisqualifyLeadRequest(id=lead.id)).code == (
        grpc.StatusCode.INVALID_ARGUMENT)
    closed = admin.DisqualifyLead(S.DisqualifyLeadRequest(id=lead.id, reason="预算不足"))
    assert (closed.status, closed.disqualify_reason) == (S.LEAD_STATUS_DISQUALIFIED, "预算不足")
    (event,) = lead_events(api, "lead.disqualified", events_pb2.LeadDisqualified, lead.id)
    assert (event.reason, event.actor_id) == ("预算不足", "u-admin")
    for call, request in ((admin.UpdateLead, S.UpdateLeadRequest(
            lead=S.Lead(id=lead.id, job_title="CEO"), update_mask=mask("job_title"))),
                          (admin.DisqualifyLead, S.DisqualifyLeadRequest(id=lead.id, reason="x")),
                          (admin.AssignLead, S.AssignLeadRequest(id=lead.id,
                                                                 assignee_id="u-rep"))):
        assert rpc_error(call, request).code == grpc.StatusCode.FAILED_PRECONDITION


# -- assignment ---------------------------------------------------------------------------------


def test_a_lead_assigns_by_hand_once_per_request_and_a_rep_may_not(api, rpc_error):
    campaign = api.marketing.campaign()
    own_rule(api, campaign, ["u-rep"])
    lead = new_lead(api, campaign_id=campaign)
    rep = api.stub("u-rep")
    denied = rpc_error(rep.AssignLead, S.AssignLeadRequest(id=lead.id, assignee_id="u-rep-2"))
    assert denied.code == grpc.StatusCode.PERMISSION_DENIED
    assert rpc_error(api.stub("u-north-lead").AssignLead, S.AssignLeadRequest(
        id=lead.id, assignee_id="u-rep-north")).code == grpc.StatusCode.NOT_FOUND
    east_lead = api.stub("u-east-lead")
    assert rpc_error(east_lead.AssignLead, S.AssignLeadRequest(
        id=lead.id, assignee_id="u-rep-north")).code == grpc.StatusCode.PERMISSION_DENIED
    assert rpc_error(east_lead.AssignLead, S.AssignLeadRequest(
        id=lead.id, assignee_id="u-nobody")).violations[0].field == "assignee_id"

    key = str(uuid.uuid4())
    moved = east_lead.AssignLead(S.AssignLeadRequest(id=lead.id, assignee_id="u-rep-2",
                                                     reason="熟悉该行业", request_id=key))
    again = east_lead.AssignLead(S.AssignLeadRequest(id=lead.id, assignee_id="u-rep-2",
                                                     reason="熟悉该行业", request_id=key))
    assert again.assignment.id == moved.assignment.id
    assert (moved.lead.owner_id, moved.assignment.method, moved.assignment.actor_id) == (
        "u-rep-2", S.ASSIGNMENT_METHOD_MANUAL, "u-east-lead")
    assert moved.assignment.previous_assignee_id == "u-rep"
    assert "熟悉该行业" in moved.assignment.reason
    # the facts of the "why" apart from its English sentence, for a page in any language
    assert (moved.assignment.note, moved.assignment.rule_name) == ("熟悉该行业", "")
    events = lead_events(api, "lead.assigned", events_pb2.LeadAssigned, lead.id)
    assert [(e.previous.owner_id, e.current.owner_id) for e in events] == [
        ("", "u-rep"), ("u-rep", "u-rep-2")]
    assert rpc_error(rep.GetLead, S.GetLeadRequest(id=lead.id)).code == grpc.StatusCode.NOT_FOUND
    history = api.stub("u-sales-lead").ListLeadAssignments(
        S.ListLeadAssignmentsRequest(lead_id=lead.id)).assignments
    assert [a.assignee_id for a in history] == ["u-rep-2", "u-rep"]  # newest first


def test_automatic_assignment_on_request_takes_turns_and_explains_the_tie(api):
    campaign = api.marketing.campaign()
    own_rule(api, campaign, ["u-rep-2", "u-rep-north"])
    first = new_lead(api, campaign_id=campaign)
    second = new_lead(api, campaign_id=campaign)
    assert {first.owner_id, second.owner_id} == {"u-rep-2", "u-rep-north"}
    (decision,) = api.stub("u-admin").ListLeadAssignments(
        S.ListLeadAssignmentsRequest(lead_id=first.id)).assignments
    assert [c.user_id for c in decision.candidates if c.selected] == [first.owner_id]
    assert (decision.rule_name, decision.strategy, decision.note) == (
        f"Campaign {campaign}", S.ASSIGNMENT_STRATEGY_ROUND_ROBIN, "")
    assert all(c.eligible for c in decision.candidates)
    # first's owner has now waited longest again: a re-run of the rules gives them the lead
    rerun = api.stub("u-sales-lead").AssignLead(S.AssignLeadRequest(id=first.id))
    assert (rerun.assignment.method, rerun.lead.owner_id, rerun.assignment.actor_id) == (
        S.ASSIGNMENT_METHOD_AUTOMATIC, first.owner_id, "u-sales-lead")
    assert not rerun.assignment.tie_broken_at_random


# -- rules and reps -------------------------------------------------------------------------------


def test_grading_rules_are_data_only_leads_and_admins_change_them(api, rpc_error):
    rule = S.LeadGradingRule(
        display_name="Partners asking for the ERP are A", grade=S.LEAD_GRADE_A, priority=1,
        enabled=True, condition=rules_pb2.ConditionGroup(conditions=[
            rules_pb2.Condition(field="source", operator=Op.CONDITION_OPERATOR_EQUALS,
                                values=["SOURCE_CHANNEL_PARTNER"]),
            rules_pb2.Condition(field="product_interests",
                                operator=Op.CONDITION_OPERATOR_CONTAINS_ANY, values=["ERP"])]))
    assert rpc_error(api.stub("u-rep").CreateLeadGradingRule,
                     S.CreateLeadGradingRuleRequest(rule=rule)).code == (
        grpc.StatusCode.PERMISSION_DENIED)
    bad = S.LeadGradingRule(display_name="", grade=S.LEAD_GRADE_UNSPECIFIED,
                            condition=rules_pb2.ConditionGroup(conditions=[rules_pb2.Condition(
                                field="mood", operator=Op.CONDITION_OPERATOR_EQUALS,
                                values=["happy"])]))
    error = rpc_error(api.stub("u-admin").CreateLeadGradingRule,
                      S.CreateLeadGradingRuleRequest(rule=bad))
    assert {v.field for v in error.violations} == {
        "rule.display_name", "rule.grade", "rule.condition.conditions[0].field"}

    lead_stub = api.stub("u-sales-lead")
    created = lead_stub.CreateLeadGradingRule(S.CreateLeadGradingRuleRequest(rule=rule))
    lead = new_lead(api, intake_params={"partner_id": "p-1"}, product_interests=["ERP"])
    assert (lead.grade, lead.source) == (S.LEAD_GRADE_A, types_pb2.SOURCE_CHANNEL_PARTNER)
    assert "Partners asking for the ERP" in lead.grade_reason
    listed = lead_stub.ListLeadGradingRules(S.ListLeadGradingRulesRequest())
    assert [r.priority for r in listed.rules] == sorted(r.priority for r in listed.rules)
    assert listed.rules[0].id == created.id
    lead_stub.UpdateLeadGradingRule(S.UpdateLeadGradingRuleRequest(
        rule=S.LeadGradingRule(id=created.id, enabled=False), update_mask=mask("enabled")))
    assert new_lead(api, intake_params={"partner_id": "p-1"},
                    product_interests=["ERP"]).grade == S.LEAD_GRADE_C
    lead_stub.DeleteLeadGradingRule(S.DeleteLeadGradingRuleRequest(id=created.id))
    assert rpc_error(lead_stub.GetLeadGradingRule, S.GetLeadGradingRuleRequest(
        id=created.id)).code == grpc.StatusCode.NOT_FOUND


def test_the_seeded_rules_are_listed_with_the_requirements_defaults(api):
    grading = api.stub("u-rep").ListLeadGradingRules(S.ListLeadGradingRulesRequest(enabled=True))
    seeded = {r.display_name: r.grade for r in grading.rules if r.created_by == "system"}
    # Named in Chinese (migration 0012 renames the rows 0003 seeded in English).
    assert seeded == {"意向高且需求明确为 A 类": S.LEAD_GRADE_A,
                      "有意向或需求部分明确为 B 类": S.LEAD_GRADE_B}
    assignment = api.stub("u-rep").ListAssignmentRules(S.ListAssignmentRulesRequest())
    seeded = {r.display_name: (r.department_path, r.min_seniority, r.strategy)
              for r in assignment.rules if r.created_by == "system"}
    assert seeded == {
        "A 类线索分给 /hq/sales 的资深销售，轮流分配": (
            "/hq/sales", S.REP_SENIORITY_SENIOR, S.ASSIGNMENT_STRATEGY_ROUND_ROBIN),
        "B、C 类线索分给 /hq/sales 的全部销售，轮流分配": (
            "/hq/sales", S.REP_SENIORITY_UNSPECIFIED, S.ASSIGNMENT_STRATEGY_ROUND_ROBIN)}


def test_assignment_rules_are_checked_and_scoped_to_the_callers_subtree(api, rpc_error):
    north = S.AssignmentRule(display_name="North", department_path="/hq/sales/north",
                             condition=rules_pb2.ConditionGroup(conditions=[rules_pb2.Condition(
                                 field="grade", operator=Op.CONDITION_OPERATOR_EQUALS,
                                 values=["LEAD_GRADE_B"])]), priority=10_000)
    assert rpc_error(api.stub("u-east-lead").CreateAssignmentRule,
                     S.CreateAssignmentRuleRequest(rule=north)).code == (
        grpc.StatusCode.PERMISSION_DENIED)
    bad = S.AssignmentRule(display_name="x", department_path="sales", min_seniority=7)
    error = rpc_error(api.stub("u-admin").CreateAssignmentRule,
                      S.CreateAssignmentRuleRequest(rule=bad))
    assert {v.field for v in error.violations} == {
        "rule.condition", "rule.department_path", "rule.min_seniority"}
    created = api.stub("u-north-lead").CreateAssignmentRule(S.CreateAssignmentRuleRequest(
        rule=north))
    assert created.strategy == S.ASSIGNMENT_STRATEGY_ROUND_ROBIN and not created.enabled
    assert rpc_error(api.stub("u-east-lead").DeleteAssignmentRule,
                     S.DeleteAssignmentRuleRequest(id=created.id)).code == (
        grpc.StatusCode.PERMISSION_DENIED)
    api.stub("u-north-lead").DeleteAssignmentRule(S.DeleteAssignmentRuleRequest(id=created.id))


def test_a_department_lead_cannot_pull_every_lead_into_their_department(api, rpc_error):
    """Issue 15 (low): besides a department in their subtree, a lead's assignment rule lists
    only their reps, has a condition, and comes after the rules they may not change (the
    company's at /hq/sales); the admin may write any of these. Nothing refused is stored."""
    east = api.stub("u-east-lead")
    grade_b = rules_pb2.ConditionGroup(conditions=[rules_pb2.Condition(
        field="grade", operator=Op.CONDITION_OPERATOR_EQUALS, values=["LEAD_GRADE_B"])])
    everything = rules_pb2.ConditionGroup(groups=[rules_pb2.ConditionGroup()])
    name = f"East {uuid.uuid4().hex[:6]}"

    def rule(**fields):
        values = {"display_name": name, "department_path": "/hq/sales/east",
                  "condition": grade_b, "priority": 10_000, **fields}
        return S.AssignmentRule(**values)

    refused = [rule(condition=everything), rule(priority=5), rule(user_ids=["u-rep-north"])]
    for wanted in refused:
        error = rpc_error(east.CreateAssignmentRule, S.CreateAssignmentRuleRequest(rule=wanted))
        assert error.code is grpc.StatusCode.PERMISSION_DENIED, wanted
    listed = api.stub("u-admin").ListAssignmentRules(S.ListAssignmentRulesRequest(page_size=500))
    assert name not in {r.display_name for r in listed.rules}

    mine = east.CreateAssignmentRule(S.CreateAssignmentRuleRequest(
        rule=rule(user_ids=["u-rep", "u-rep-2"])))
    ahead = rpc_error(east.UpdateAssignmentRule, S.UpdateAssignmentRuleRequest(
        rule=S.AssignmentRule(id=mine.id, priority=1), update_mask=mask("priority")))
    assert ahead.code is grpc.StatusCode.PERMISSION_DENIED
    assert api.stub("u-admin").GetAssignmentRule(S.GetAssignmentRuleRequest(
        id=mine.id)).priority == 10_000
    for wanted in refused:
        made = api.stub("u-admin").CreateAssignmentRule(S.CreateAssignmentRuleRequest(rule=wanted))
        api.stub("u-admin").DeleteAssignmentRule(S.DeleteAssignmentRuleRequest(id=made.id))
    east.DeleteAssignmentRule(S.DeleteAssignmentRuleRequest(id=mine.id))


def test_rep_profiles_are_set_by_their_leads_and_reps_set_only_their_availability(
        api, rpc_error):
    east_lead, rep = api.stub("u-east-lead"), api.stub("u-rep-2")
    changed = east_lead.UpdateSalesRep(S.UpdateSalesRepRequest(
        sales_rep=S.SalesRep(user_id="u-rep-2", seniority=S.REP_SENIORITY_REGULAR,
                             max_open_leads=40), update_mask=mask("seniority", "max_open_leads")))
    assert (changed.seniority, changed.max_open_leads) == (S.REP_SENIORITY_REGULAR, 40)
    away = rep.UpdateSalesRep(S.UpdateSalesRepRequest(
        sales_rep=S.SalesRep(user_id="u-rep-2", available=True), update_mask=mask("available")))
    assert away.available
    assert rpc_error(rep.UpdateSalesRep, S.UpdateSalesRepRequest(
        sales_rep=S.SalesRep(user_id="u-rep-2", max_open_leads=999),
        update_mask=mask("max_open_leads"))).code == grpc.StatusCode.PERMISSION_DENIED
    assert rpc_error(api.stub("u-north-lead").GetSalesRep, S.GetSalesRepRequest(
        user_id="u-rep-2")).code == grpc.StatusCode.NOT_FOUND
    assert rpc_error(east_lead.UpdateSalesRep, S.UpdateSalesRepRequest(
        sales_rep=S.SalesRep(user_id="u-rep-2", max_open_leads=-1),
        update_mask=mask("max_open_leads", "display_name"))).code == (
        grpc.StatusCode.INVALID_ARGUMENT)
    listed = {r.user_id for r in api.stub("u-east-lead").ListSalesReps(
        S.ListSalesRepsRequest()).sales_reps}
    assert listed == {"u-rep", "u-rep-2", "u-east-lead"}
    assert [r.user_id for r in rep.ListSalesReps(S.ListSalesRepsRequest()).sales_reps] == [
        "u-rep-2"]


# -- the lead timer -------------------------------------------------------------------------------


def test_the_timer_reminds_then_escalates_once_and_a_first_contact_stops_it(api):
    campaign = api.marketing.campaign()
    own_rule(api, campaign, ["u-rep"])
    waiting = new_lead(api, campaign_id=campaign, intent_level=S.INTENT_LEVEL_HIGH,
                       need_clarity=S.NEED_CLARITY_CLEAR)
    contacted = new_lead(api, campaign_id=campaign, intent_level=S.INTENT_LEVEL_HIGH,
                         need_clarity=S.NEED_CLARITY_CLEAR)
    assigned = waiting.assign_time.ToDatetime().replace(tzinfo=utcnow().tzinfo)
    servicer = SalesServicer(api.database)
    with api.database.unit_of_work() as uow:  # the activities part's hook: a first follow-up
        row = uow.session.get(Lead, contacted.id)
        servicer._lead_contacted(uow, row, at=assigned + timedelta(minutes=20), actor_id="u-rep")

    def fired(message_type, routing_key):
        return [e.lead_id for e in api.events(routing_key, message_type)
                if e.lead_id in (waiting.id, contacted.id)]

    for minutes in (80, 95, 100):  # the reminder is due 30 min before the 2 h target
        lead_clocks.scan_leads(api.database, assigned + timedelta(minutes=minutes))
    assert fired(events_pb2.LeadFirstContactDue, "lead.first_contact_due") == [waiting.id]
    for minutes in (125, 180):
        lead_clocks.scan_leads(api.database, assigned + timedelta(minutes=minutes))
    (overdue,) = [e for e in api.events("lead.first_contact_overdue",
                                        events_pb2.LeadFirstContactOverdue)
                  if e.lead_id in (waiting.id, contacted.id)]
    assert (overdue.lead_id, overdue.owner_id, overdue.department_path) == (
        waiting.id, "u-rep", "/hq/sales/east")
    admin = api.stub("u-admin")
    assert admin.GetLead(S.GetLeadRequest(id=waiting.id)).first_contact_overdue
    after = admin.GetLead(S.GetLeadRequest(id=contacted.id))
    assert (after.status, after.first_contact_overdue) == (S.LEAD_STATUS_CONTACTED, False)
    overdue_list = admin.ListLeads(S.ListLeadsRequest(campaign_id=campaign,
                                                      first_contact_overdue=True))
    assert [lead.id for lead in overdue_list.leads] == [waiting.id]


def test_a_lead_without_follow_up_goes_cold_once_and_a_follow_up_revives_it(api):
    lead = new_lead(api)
    created = lead.create_time.ToDatetime().replace(tzinfo=utcnow().tzinfo)
    for days in (29, 31, 40):
        lead_clocks.scan_leads(api.database, created + timedelta(days=days))
    cold = [e for e in api.events("lead.went_cold", events_pb2.LeadWentCold) if e.lead_id == lead.id]
    assert [e.inactive_days for e in cold] == [31]
    assert api.stub("u-admin").GetLead(S.GetLeadRequest(id=lead.id)).status == S.LEAD_STATUS_COLD
    with api.database.unit_of_work() as uow:
        SalesServicer(api.database)._lead_contacted(
            uow, uow.session.get(Lead, lead.id), at=created + timedelta(days=41), actor_id="u-rep")
    assert api.stub("u-admin").GetLead(S.GetLeadRequest(id=lead.id)).status == (
        S.LEAD_STATUS_CONTACTED)


# -- PostgreSQL -----------------------------------------------------------------------------------


def test_create_assign_and_list_on_postgresql(start_sales_api):
    api = start_sales_api("postgresql", bindings=seeded_bindings)
    add_reps(api.database)
    leads = [new_lead(api, intent_level=S.INTENT_LEVEL_HIGH, need_clarity=S.NEED_CLARITY_CLEAR,
                      phone="13800138000") for _ in range(3)]
    assert len({lead.number for lead in leads}) == 3
    assert {lead.owner_id for lead in leads} <= {"u-rep", "u-rep-north", "u-east-lead"}
    assert len({lead.owner_id for lead in leads}) == 3  # round robin: each senior rep once
    page = api.stub("u-sales-lead").ListLeads(S.ListLeadsRequest(page_size=2))
    rest = api.stub("u-sales-lead").ListLeads(S.ListLeadsRequest(page_size=2,
                                                                 page_token=page.next_page_token))
    assert page.total_size == 3 and len(page.leads) == 2 and len(rest.leads) == 1
    assert [lead.id for lead in [*page.leads, *rest.leads]] == [lead.id for lead in leads[::-1]]
    assert set(page.leads[0].duplicate_lead_ids) == {leads[0].id, leads[1].id}


def test_a_rep_learns_of_no_duplicate_lead_they_may_not_see(api):
    """Issue 15 (low): ``duplicate_lead_ids`` and ``has_duplicates`` name only leads the caller
    may see; a rep's lead that duplicates another rep's answers as if that lead did not exist."""
    phone = f"137{uuid.uuid4().int % 10**8:08d}"
    north, east = (api.marketing.campaign() for _ in range(2))
    own_rule(api, north, ["u-rep-north"])
    own_rule(api, east, ["u-rep"])
    hidden = new_lead(api, phone=phone, campaign_id=north)
    mine = new_lead(api, phone=phone, campaign_id=east)
    assert (hidden.owner_id, mine.owner_id) == ("u-rep-north", "u-rep")
    rep = api.stub("u-rep")

    assert list(rep.GetLead(S.GetLeadRequest(id=mine.id)).duplicate_lead_ids) == []
    listed = rep.ListLeads(S.ListLeadsRequest(has_duplicates=True, page_size=500))
    assert mine.id not in {lead.id for lead in listed.leads}
    everyone = rep.ListLeads(S.ListLeadsRequest(campaign_id=east))
    assert [list(lead.duplicate_lead_ids) for lead in everyone.leads] == [[]]
    # whoever sees both still finds the pair
    admin = api.stub("u-admin")
    assert list(admin.GetLead(S.GetLeadRequest(id=mine.id)).duplicate_lead_ids) == [hidden.id]
