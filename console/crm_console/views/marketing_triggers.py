"""Triggers: the list with enable/disable, and creating one (birthday, renewal, at risk, ticket
closed, …) (``MarketingService`` Create/List/Update/Delete-Trigger, ListSegments, ListSurveys)."""

from __future__ import annotations

import uuid

from crm.common.v1 import types_pb2
from crm.marketing.v1 import marketing_pb2
from flask import Blueprint, redirect, render_template, request, url_for
from google.protobuf import field_mask_pb2

from crm_console import display
from crm_console.i18n import N_
from crm_console.navigation import MARKETING, NavItem
from crm_console.refusals import Refusal
from crm_console.rpc import call
from crm_console.views.marketing_campaigns import CAMPAIGN_CHANNELS, CHANNELS
from crm_console.views.marketing_segments import translated_errors

blueprint = Blueprint("marketing_triggers", __name__, url_prefix="/marketing/triggers")
NAV = [NavItem("marketing_triggers.triggers", N_("Triggers"), roles=MARKETING, order=30,
               section=N_("Marketing"))]
PAGE_SIZE = 100
KINDS = marketing_pb2.TriggerKind.DESCRIPTOR
ACTIONS = marketing_pb2.TriggerActionKind.DESCRIPTOR


@blueprint.get("/")
def triggers():
    listing = marketing_pb2.ListTriggersRequest(
        page_size=PAGE_SIZE, page_token=request.args.get("page_token", ""),
        kind=_int(request.args.get("kind")))
    if request.args.get("enabled") in ("true", "false"):
        listing.enabled = request.args["enabled"] == "true"
    page = call("marketing", "ListTriggers", listing)
    return render_template("marketing/triggers.html", page=page, kinds=KINDS, actions=ACTIONS,
                           channels=CHANNELS, values=request.args)


@blueprint.route("/new", methods=["GET", "POST"])
def new_trigger():
    if request.method == "GET":
        return _render_form({"enabled": "true", "request_id": str(uuid.uuid4()),
                             "kind": str(marketing_pb2.TRIGGER_KIND_BIRTHDAY), "offset_days": "3",
                             "action.kind": str(marketing_pb2.TRIGGER_ACTION_KIND_NOTIFY_OWNER),
                             "action.channel": str(types_pb2.DELIVERY_CHANNEL_SMS)})
    try:
        trigger = trigger_of(request.form)
        call("marketing", "CreateTrigger", marketing_pb2.CreateTriggerRequest(
            trigger=trigger, request_id=request.form.get("request_id") or str(uuid.uuid4())),
            field_prefix="trigger.")
    except Refusal as refusal:
        if refusal.status != 422:
            raise
        return _render_form(request.form, refusal.field_errors), 422
    return redirect(url_for("marketing_triggers.triggers"))


@blueprint.post("/<trigger_id>/enabled")
def set_enabled(trigger_id: str):
    enabled = request.form.get("enabled") == "true"
    changed = call("marketing", "UpdateTrigger", marketing_pb2.UpdateTriggerRequest(
        trigger=marketing_pb2.Trigger(id=trigger_id, enabled=enabled),
        update_mask=field_mask_pb2.FieldMask(paths=["enabled"])), field_prefix="trigger.")
    if request.headers.get("HX-Request"):
        return render_template("marketing/_trigger_row.html", t=changed, kinds=KINDS,
                               actions=ACTIONS, channels=CHANNELS)
    return redirect(url_for("marketing_triggers.triggers"))


@blueprint.post("/<trigger_id>/delete")
def delete(trigger_id: str):
    call("marketing", "DeleteTrigger", marketing_pb2.DeleteTriggerRequest(id=trigger_id))
    return redirect(url_for("marketing_triggers.triggers"))


def trigger_of(form) -> marketing_pb2.Trigger:
    """The form as a Trigger; milestones are comma-separated whole numbers."""
    milestones = []
    for part in form.get("milestones", "").replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise Refusal(status=422, message="", field_errors={
                "milestones": "must be whole numbers separated by commas"})
        milestones.append(int(part))
    offset = form.get("offset_days", "").strip()
    if offset and not offset.isdigit():
        raise Refusal(status=422, message="", field_errors={"offset_days": "must be 0 to 365 days"})
    trigger = marketing_pb2.Trigger(
        display_name=form.get("display_name", "").strip(), kind=_int(form.get("kind")),
        enabled=form.get("enabled") in ("true", "on", "1"), offset_days=int(offset or 0),
        milestones=milestones, segment_id=form.get("segment_id", ""))
    trigger.action.kind = _int(form.get("action.kind"))
    trigger.action.channel = _int(form.get("action.channel"))
    trigger.action.template_key = form.get("action.template_key", "").strip()
    trigger.action.survey_id = form.get("action.survey_id", "")
    return trigger


def _render_form(values, errors=None):
    segments = call("marketing", "ListSegments",
                    marketing_pb2.ListSegmentsRequest(page_size=500)).segments
    surveys = call("marketing", "ListSurveys",
                   marketing_pb2.ListSurveysRequest(page_size=500)).surveys
    return render_template(
        "marketing/trigger_form.html", values=values, errors=translated_errors(errors or {}),
        kind_options=[(str(v.number), display.enum_label(KINDS, v.number))
                      for v in KINDS.values if v.number],
        action_options=[(str(v.number), display.enum_label(ACTIONS, v.number))
                        for v in ACTIONS.values if v.number],
        channel_options=[(str(n), display.enum_label(CHANNELS, n)) for n in CAMPAIGN_CHANNELS],
        segment_options=[(s.id, s.display_name) for s in segments],
        survey_options=[(s.id, s.title) for s in surveys])


def _int(text) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0
