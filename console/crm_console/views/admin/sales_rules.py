"""The sales service's assignment rules: which reps a lead may go to, and how one is picked."""

from __future__ import annotations

from crm.sales.v1 import sales_pb2
from crm_shared.auth.roles import SALES_REP_ROLES
from flask import redirect, render_template, request, url_for
from google.protobuf.field_mask_pb2 import FieldMask

from crm_console.refusals import Refusal
from crm_console.rpc import call
from crm_console.views.admin import (
    PAGE_SIZE,
    blueprint,
    checked,
    condition_from_form,
    condition_rows,
    condition_values,
    department_options,
    describe_condition,
    enum_options,
    int_or_zero,
    new_request_id,
    request_id,
    users,
)
from crm_console.views.admin.ticket_setup import _condition_context

# Fields an assignment rule's condition can read (the contract: LeadGradingRule's plus grade).
ASSIGNMENT_FIELDS = ("source", "intent_level", "need_clarity", "budget", "product_interests",
                     "company_name", "job_title", "decision_maker", "campaign_id", "grade")
ASSIGNMENT_MASK = ["display_name", "condition", "department_path", "min_seniority", "user_ids",
                   "strategy", "priority", "enabled"]
SALES_ROLES = SALES_REP_ROLES  # who holds leads: the sales service's rep directory, declared once


def assignment_rule_from_form(form) -> sales_pb2.AssignmentRule:
    return sales_pb2.AssignmentRule(
        display_name=(form.get("display_name") or "").strip(),
        condition=condition_from_form(form),
        department_path=(form.get("department_path") or "").strip(),
        min_seniority=max(int_or_zero(form.get("min_seniority")), 0),
        user_ids=[u for u in form.getlist("user_ids") if u],
        strategy=max(int_or_zero(form.get("strategy")), 0),
        priority=int_or_zero(form.get("priority")),
        enabled=form.get("enabled") in ("true", "on", "1"))


def assignment_rule_values(rule) -> dict:
    return {"display_name": rule.display_name, "department_path": rule.department_path,
            "min_seniority": str(rule.min_seniority or ""), "strategy": str(rule.strategy or ""),
            "priority": str(rule.priority), "enabled": rule.enabled,
            "user_ids": list(rule.user_ids), **condition_values(rule.condition)}


def _reps() -> list[dict]:
    try:
        return [u for u in users() if set(u.get("roles") or ()) & set(SALES_ROLES)]
    except Refusal:
        return []


def _form(values, errors, *, rule=None, status=200):
    return render_template(
        "admin/assignment_rule_form.html", values=values, errors=errors, rule=rule,
        rows=condition_rows(values), departments=department_options(blank=""), reps=_reps(),
        seniorities=enum_options(sales_pb2.RepSeniority.DESCRIPTOR, blank=""),
        strategies=enum_options(sales_pb2.AssignmentStrategy.DESCRIPTOR, blank=""),
        **_condition_context(ASSIGNMENT_FIELDS)), status


def _form_values():
    values = request.form.to_dict()
    values["user_ids"] = request.form.getlist("user_ids")
    return values


@blueprint.get("/assignment-rules", endpoint="assignment_rules")
def assignment_rules():
    page = call("sales", "ListAssignmentRules", sales_pb2.ListAssignmentRulesRequest(
        page_size=PAGE_SIZE, page_token=request.args.get("page_token", "")))
    names = {u["id"]: u["display_name"] for u in _reps()}
    return render_template("admin/assignment_rules.html", page=page, names=names,
                           describe=describe_condition,
                           strategy_enum=sales_pb2.AssignmentStrategy.DESCRIPTOR,
                           seniority_enum=sales_pb2.RepSeniority.DESCRIPTOR)


@blueprint.route("/assignment-rules/new", methods=["GET", "POST"])
def new_assignment_rule():
    if request.method == "GET":
        return _form({"enabled": True, "priority": "100", "request_id": new_request_id(),
                      "condition.match": "1", "user_ids": []}, {})
    try:
        call("sales", "CreateAssignmentRule", sales_pb2.CreateAssignmentRuleRequest(
            rule=assignment_rule_from_form(request.form), request_id=request_id()),
            field_prefix="rule.")
    except Refusal as refusal:
        if refusal.status not in (400, 409, 422):
            raise
        return _form(_form_values(), refusal.field_errors or {"": refusal.message}, status=422)
    return redirect(url_for("admin.assignment_rules"))


@blueprint.route("/assignment-rules/<rule_id>", methods=["GET", "POST"])
def edit_assignment_rule(rule_id: str):
    rule = call("sales", "GetAssignmentRule", sales_pb2.GetAssignmentRuleRequest(id=rule_id))
    if request.method == "GET":
        return _form(assignment_rule_values(rule), {}, rule=rule)
    changed = assignment_rule_from_form(request.form)
    changed.id = rule_id
    try:
        call("sales", "UpdateAssignmentRule", sales_pb2.UpdateAssignmentRuleRequest(
            rule=changed, update_mask=FieldMask(paths=ASSIGNMENT_MASK)), field_prefix="rule.")
    except Refusal as refusal:
        if refusal.status not in (400, 409, 422):
            raise
        return _form(_form_values(), refusal.field_errors or {"": refusal.message}, rule=rule,
                     status=422)
    return redirect(url_for("admin.assignment_rules"))


@blueprint.post("/assignment-rules/<rule_id>/enabled")
def toggle_assignment_rule(rule_id: str):
    call("sales", "UpdateAssignmentRule", sales_pb2.UpdateAssignmentRuleRequest(
        rule=sales_pb2.AssignmentRule(id=rule_id, enabled=checked("enabled")),
        update_mask=FieldMask(paths=["enabled"])))
    return redirect(url_for("admin.assignment_rules"))
