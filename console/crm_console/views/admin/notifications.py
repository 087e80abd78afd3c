"""The notification service's setup and repairs: notification rules, message templates, and
dead letters (events a worker could not handle) with replay and discard.

Only the notification service's contract exposes dead letters (ListDeadLetters,
ReplayDeadLetter, DiscardDeadLetter); the other services' contracts have none."""

from __future__ import annotations

from crm.common.v1 import types_pb2
from crm.notification.v1 import notification_pb2
from flask import redirect, render_template, request, url_for
from google.protobuf.field_mask_pb2 import FieldMask

from crm_console.refusals import Refusal
from crm_console.rpc import call
from crm_console.views.admin import (
    PAGE_SIZE,
    blueprint,
    checked,
    describe_condition,
    enum_options,
    int_or_zero,
    new_request_id,
    request_id,
)

N = notification_pb2


# --- notification rules --------------------------------------------------------------------
# The condition and recipients of a rule are shown, not edited here (the REST API edits them).
RULE_MASK = ["display_name", "category", "template_key", "priority", "enabled"]


def rule_values(rule) -> dict:
    return {"display_name": rule.display_name, "category": rule.category,
            "template_key": rule.template_key, "priority": str(rule.priority or ""),
            "enabled": rule.enabled}


def describe_recipients(rule) -> list[str]:
    from crm_console.display import enum_label

    described = []
    for who in rule.recipients:
        kind = enum_label(N.RecipientKind.DESCRIPTOR, who.kind)
        where = who.field_path or getattr(who, "department_path", "") or \
            getattr(who, "user_id", "") or getattr(who, "role", "")
        described.append((kind, where))
    return described


@blueprint.get("/notification-rules", endpoint="notification_rules")
def notification_rules():
    page = call("notification", "ListNotificationRules", N.ListNotificationRulesRequest(
        page_size=PAGE_SIZE, page_token=request.args.get("page_token", ""),
        event_name=request.args.get("event_name", "")))
    return render_template("admin/notification_rules.html", page=page,
                           recipients=describe_recipients, describe=describe_condition,
                           priority_enum=N.NotificationPriority.DESCRIPTOR)


@blueprint.route("/notification-rules/<rule_id>", methods=["GET", "POST"])
def edit_notification_rule(rule_id: str):
    rule = call("notification", "GetNotificationRule", N.GetNotificationRuleRequest(id=rule_id))
    values, errors, status = rule_values(rule), {}, 200
    if request.method == "POST":
        changed = N.NotificationRule(
            id=rule_id, display_name=(request.form.get("display_name") or "").strip(),
            category=(request.form.get("category") or "").strip(),
            template_key=(request.form.get("template_key") or "").strip(),
            priority=max(int_or_zero(request.form.get("priority")), 0),
            enabled=checked("enabled"))
        try:
            call("notification", "UpdateNotificationRule", N.UpdateNotificationRuleRequest(
                rule=changed, update_mask=FieldMask(paths=RULE_MASK)), field_prefix="rule.")
        except Refusal as refusal:
            if refusal.status not in (400, 409, 422):
                raise
            values, errors, status = (request.form.to_dict(),
                                      refusal.field_errors or {"": refusal.message}, 422)
        else:
            return redirect(url_for("admin.notification_rules"))
    return render_template(
        "admin/notification_rule_form.html", rule=rule, values=values, errors=errors,
        recipients=describe_recipients(rule), describe=describe_condition,
        priorities=enum_options(N.NotificationPriority.DESCRIPTOR, blank="")), status


@blueprint.post("/notification-rules/<rule_id>/enabled")
def toggle_notification_rule(rule_id: str):
    call("notification", "UpdateNotificationRule", N.UpdateNotificationRuleRequest(
        rule=N.NotificationRule(id=rule_id, enabled=checked("enabled")),
        update_mask=FieldMask(paths=["enabled"])))
    return redirect(url_for("admin.notification_rules"))


# --- message templates ---------------------------------------------------------------------

TEMPLATE_MASK = ["subject", "body", "description", "active"]
LOCALES = (("zh-CN", "zh-CN"), ("en-US", "en-US"))


def _template_form(values, errors, *, template=None, status=200):
    return render_template(
        "admin/template_form.html", values=values, errors=errors, template=template,
        channels=enum_options(types_pb2.DeliveryChannel.DESCRIPTOR, blank=""),
        locales=LOCALES), status


@blueprint.get("/templates", endpoint="templates")
def templates():
    page = call("notification", "ListMessageTemplates", N.ListMessageTemplatesRequest(
        page_size=PAGE_SIZE, page_token=request.args.get("page_token", ""),
        key=request.args.get("key", "")))
    return render_template("admin/templates.html", page=page,
                           channel_enum=types_pb2.DeliveryChannel.DESCRIPTOR)


@blueprint.route("/templates/new", methods=["GET", "POST"])
def new_template():
    if request.method == "GET":
        return _template_form({"locale": "zh-CN", "active": True,
                               "request_id": new_request_id()}, {})
    template = N.MessageTemplate(
        key=(request.form.get("key") or "").strip(),
        channel=max(int_or_zero(request.form.get("channel")), 0),
        locale=request.form.get("locale") or "",
        subject=request.form.get("subject") or "", body=request.form.get("body") or "",
        description=(request.form.get("description") or "").strip(), active=checked("active"))
    try:
        call("notification", "CreateMessageTemplate", N.CreateMessageTemplateRequest(
            template=template, request_id=request_id()), field_prefix="template.")
    except Refusal as refusal:
        if refusal.status not in (400, 409, 422):
            raise
        return _template_form(request.form.to_dict(), refusal.field_errors or
                              {"": refusal.message}, status=422)
    return redirect(url_for("admin.templates"))


@blueprint.route("/templates/<template_id>", methods=["GET", "POST"])
def edit_template(template_id: str):
    template = call("notification", "GetMessageTemplate",
                    N.GetMessageTemplateRequest(id=template_id))
    if request.method == "GET":
        return _template_form({"subject": template.subject, "body": template.body,
                               "description": template.description,
                               "active": template.active}, {}, template=template)
    changed = N.MessageTemplate(id=template_id, subject=request.form.get("subject") or "",
                                body=request.form.get("body") or "",
                                description=(request.form.get("description") or "").strip(),
                                active=checked("active"))
    try:
        call("notification", "UpdateMessageTemplate", N.UpdateMessageTemplateRequest(
            template=changed, update_mask=FieldMask(paths=TEMPLATE_MASK)),
            field_prefix="template.")
    except Refusal as refusal:
        if refusal.status not in (400, 409, 422):
            raise
        return _template_form(request.form.to_dict(), refusal.field_errors or
                              {"": refusal.message}, template=template, status=422)
    return redirect(url_for("admin.templates"))


# --- dead letters --------------------------------------------------------------------------

def _dead_letters_page(errors=None, failed_id="", status=200):
    state = int_or_zero(request.args.get("state")) or N.DEAD_LETTER_STATE_PARKED
    page = call("notification", "ListDeadLetters", N.ListDeadLettersRequest(
        page_size=50, page_token=request.args.get("page_token", ""), state=max(state, 0),
        queue=request.args.get("queue", ""), routing_key=request.args.get("routing_key", "")))
    return render_template(
        "admin/dead_letters.html", page=page, state=state,
        states=enum_options(N.DeadLetterState.DESCRIPTOR),
        state_enum=N.DeadLetterState.DESCRIPTOR, errors=errors or {}, failed_id=failed_id,
        replayed=request.args.get("replayed"), discarded=request.args.get("discarded")), status


@blueprint.get("/dead-letters", endpoint="dead_letters")
def dead_letters():
    return _dead_letters_page()


@blueprint.get("/dead-letters/<letter_id>")
def dead_letter(letter_id: str):
    letter = call("notification", "GetDeadLetter", N.GetDeadLetterRequest(id=letter_id))
    return render_template("admin/dead_letter.html", letter=letter,
                           state_enum=N.DeadLetterState.DESCRIPTOR)


@blueprint.post("/dead-letters/<letter_id>/replay")
def replay_dead_letter(letter_id: str):
    call("notification", "ReplayDeadLetter", N.ReplayDeadLetterRequest(id=letter_id))
    return redirect(url_for("admin.dead_letters", replayed=letter_id))


@blueprint.post("/dead-letters/<letter_id>/discard")
def discard_dead_letter(letter_id: str):
    reason = (request.form.get("reason") or "").strip()
    try:
        call("notification", "DiscardDeadLetter",
             N.DiscardDeadLetterRequest(id=letter_id, reason=reason))
    except Refusal as refusal:
        if refusal.status not in (400, 422):
            raise
        return _dead_letters_page(errors=refusal.field_errors or {"reason": refusal.message},
                                  failed_id=letter_id, status=422)
    return redirect(url_for("admin.dead_letters", discarded=letter_id))
