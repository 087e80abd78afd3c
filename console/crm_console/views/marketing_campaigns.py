"""Campaigns: the list, planning one (channel, segments, A/B variants with their split, content
with placeholders, schedule), its page with the moves its state allows, and its results as
charts (``MarketingService`` Create/Get/List-Campaign, Schedule/Launch/Pause/Resume/Complete/
Cancel-Campaign, GetCampaignRoi, ListSegments)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, fields
from datetime import datetime

from crm.common.v1 import types_pb2
from crm.marketing.v1 import marketing_pb2
from flask import Blueprint, redirect, render_template, request, url_for
from google.protobuf.field_mask_pb2 import FieldMask
from google.protobuf.timestamp_pb2 import Timestamp

from crm_console import display
from crm_console.i18n import N_
from crm_console.i18n import gettext as _
from crm_console.navigation import MARKETING, NavItem
from crm_console.refusals import Refusal
from crm_console.rpc import call
from crm_console.views.marketing_segments import translated_errors

blueprint = Blueprint("marketing_campaigns", __name__, url_prefix="/marketing/campaigns")
NAV = [NavItem("marketing_campaigns.campaigns", N_("Campaigns"), roles=MARKETING, order=20,
               section=N_("Marketing"))]
PAGE_SIZE = 50
STATES = marketing_pb2.CampaignState.DESCRIPTOR
CHANNELS = types_pb2.DeliveryChannel.DESCRIPTOR
SURVEY_SCHEDULES = marketing_pb2.SurveySchedule.DESCRIPTOR
# Campaigns reach customers at their own address: e-mail or SMS (the service refuses others).
CAMPAIGN_CHANNELS = (types_pb2.DELIVERY_CHANNEL_SMS, types_pb2.DELIVERY_CHANNEL_EMAIL)
S = marketing_pb2.CampaignState
# The moves offered in each state (the service decides; a refused move is shown as a message).
MOVES = {
    S.CAMPAIGN_STATE_DRAFT: ("launch", "schedule", "cancel", "delete"),
    S.CAMPAIGN_STATE_SCHEDULED: ("launch", "cancel"),
    S.CAMPAIGN_STATE_RUNNING: ("pause", "complete", "cancel"),
    S.CAMPAIGN_STATE_PAUSED: ("resume", "complete", "cancel"),
}
MOVE_LABELS = {"launch": N_("Launch now"), "schedule": N_("Schedule"), "pause": N_("Pause"),
               "resume": N_("Resume"), "complete": N_("Complete"), "cancel": N_("Cancel campaign"),
               "delete": N_("Delete draft")}
PATH = (S.CAMPAIGN_STATE_DRAFT, S.CAMPAIGN_STATE_SCHEDULED, S.CAMPAIGN_STATE_RUNNING,
        S.CAMPAIGN_STATE_COMPLETED)
# While the plan can change (the service's campaign_lifecycle.UPDATABLE_FIELDS): the Edit form.
EDITABLE = (S.CAMPAIGN_STATE_DRAFT, S.CAMPAIGN_STATE_SCHEDULED)
EDIT_MASK = ("name", "objective", "description", "channel", "segment_ids", "variants",
             "end_time", "budget")
VARIANT_ROW = re.compile(r"^variants\[(\d+)\]\.(\w+)$")
MAX_VARIANTS = 10


@dataclass
class VariantRow:
    id: str = ""
    name: str = ""
    weight_percent: str = ""
    template_key: str = ""
    subject: str = ""
    body: str = ""
    landing_url: str = ""
    locale: str = ""


VARIANT_FIELDS = tuple(f.name for f in fields(VariantRow))


@blueprint.get("/")
def campaigns():
    state = _int(request.args.get("state"))
    page = call("marketing", "ListCampaigns", marketing_pb2.ListCampaignsRequest(
        page_size=PAGE_SIZE, page_token=request.args.get("page_token", ""),
        states=[state] if state else [], query=request.args.get("q", "").strip()))
    return render_template("marketing/campaigns.html", page=page, states=STATES,
                           channels=CHANNELS, values=request.args)


@blueprint.route("/new", methods=["GET", "POST"])
def new_campaign():
    if request.method == "GET":
        values = {"channel": str(types_pb2.DELIVERY_CHANNEL_SMS), "request_id": str(uuid.uuid4())}
        chosen = [request.args["segment_id"]] if request.args.get("segment_id") else []
        rows = [VariantRow(id="A", name=_("Variant A"), weight_percent="50"),
                VariantRow(id="B", name=_("Variant B"), weight_percent="50")]
        return _render_form(values, chosen, rows)
    form = request.form
    rows = variants_from_form(form)
    action = form.get("variants_action", "")
    if action:
        return _render_form(form, form.getlist("segment_ids"), apply_variant_action(rows, action))
    try:
        campaign = campaign_of(form, rows)
        schedule = parse_local_time(form.get("schedule_time", ""), "schedule_time")
        if schedule is not None:
            campaign.schedule_time.CopyFrom(schedule)
        created = call("marketing", "CreateCampaign", marketing_pb2.CreateCampaignRequest(
            campaign=campaign, request_id=form.get("request_id") or str(uuid.uuid4())),
            field_prefix="campaign.")
    except Refusal as refusal:
        if refusal.status != 422:
            raise
        return _render_form(form, form.getlist("segment_ids"), rows, refusal.field_errors), 422
    if schedule is not None:
        try:
            call("marketing", "ScheduleCampaign", marketing_pb2.ScheduleCampaignRequest(
                id=created.id, schedule_time=schedule))
        except Refusal as refusal:
            return _render_campaign(created.id, refusal=refusal)
    return redirect(url_for("marketing_campaigns.campaign", campaign_id=created.id))


@blueprint.post("/variants")
def variants():
    """htmx: the variant rows after "add" or "remove"."""
    rows = apply_variant_action(variants_from_form(request.form),
                                request.form.get("variants_action", ""))
    return render_template("marketing/_variants.html", rows=rows,
                           values=variant_values(rows), errors={})


@blueprint.get("/<campaign_id>")
def campaign(campaign_id: str):
    return _render_campaign(campaign_id)


@blueprint.post("/<campaign_id>/<move>")
def move(campaign_id: str, move: str):
    requests = {
        "launch": lambda: ("LaunchCampaign", marketing_pb2.LaunchCampaignRequest(
            id=campaign_id, request_id=request.form.get("request_id") or str(uuid.uuid4()))),
        "pause": lambda: ("PauseCampaign", marketing_pb2.PauseCampaignRequest(id=campaign_id)),
        "resume": lambda: ("ResumeCampaign", marketing_pb2.ResumeCampaignRequest(id=campaign_id)),
        "complete": lambda: ("CompleteCampaign",
                             marketing_pb2.CompleteCampaignRequest(id=campaign_id)),
        "cancel": lambda: ("CancelCampaign", marketing_pb2.CancelCampaignRequest(
            id=campaign_id, reason=request.form.get("reason", "").strip())),
        "delete": lambda: ("DeleteCampaign", marketing_pb2.DeleteCampaignRequest(id=campaign_id)),
    }
    try:
        if move == "schedule":
            when = parse_local_time(request.form.get("schedule_time", ""), "schedule_time")
            if when is None:
                raise Refusal(status=422, message=_("Choose when the campaign starts."),
                              field_errors={"schedule_time": _("is required")})
            call("marketing", "ScheduleCampaign", marketing_pb2.ScheduleCampaignRequest(
                id=campaign_id, schedule_time=when))
        elif move in requests:
            method, message = requests[move]()
            call("marketing", method, message)
        else:
            raise Refusal(status=404, message="")
    except Refusal as refusal:
        if refusal.status in (403, 404):
            raise
        return _render_campaign(campaign_id, refusal=refusal)
    if move == "delete":
        return redirect(url_for("marketing_campaigns.campaigns"))
    return redirect(url_for("marketing_campaigns.campaign", campaign_id=campaign_id))


@blueprint.route("/<campaign_id>/edit", methods=["GET", "POST"])
def edit_campaign(campaign_id: str):
    """Change a campaign while the contract lets its plan change (draft, scheduled): name,
    description, objective, channel, segments, variants, schedule, end and budget."""
    current = call("marketing", "GetCampaign", marketing_pb2.GetCampaignRequest(id=campaign_id))
    if current.state not in EDITABLE:
        return _render_campaign(campaign_id, refusal=Refusal(status=409, message=N_(
            "Only a draft or a scheduled campaign can be edited.")))
    if request.method == "GET":
        values, chosen, rows = campaign_form_values(current)
        return _render_form(values, chosen, rows, campaign=current)
    form = request.form
    rows = variants_from_form(form)
    action = form.get("variants_action", "")
    if action:
        return _render_form(form, form.getlist("segment_ids"), apply_variant_action(rows, action),
                            campaign=current)
    try:
        update, schedule = update_of(form, rows, current)
        call("marketing", "UpdateCampaign", update, field_prefix="campaign.")
    except Refusal as refusal:
        if refusal.status in (403, 404):
            raise
        if refusal.status == 422:
            return _render_form(form, form.getlist("segment_ids"), rows, refusal.field_errors,
                                campaign=current), 422
        return _render_form(form, form.getlist("segment_ids"), rows, campaign=current,
                            refusal=refusal), refusal.status
    if schedule is not None:  # a draft given a start time is scheduled, as on creation
        try:
            call("marketing", "ScheduleCampaign", marketing_pb2.ScheduleCampaignRequest(
                id=campaign_id, schedule_time=schedule))
        except Refusal as refusal:
            return _render_campaign(campaign_id, refusal=refusal)
    return redirect(url_for("marketing_campaigns.campaign", campaign_id=campaign_id, saved=1))


# --- the form ⇄ the request (pure; unit-tested) -----------------------------------------------


def campaign_form_values(campaign: marketing_pb2.Campaign) -> tuple[dict, list[str], list]:
    """The Edit form filled from a campaign: (values, chosen segment ids, variant rows)."""
    values = {"name": campaign.name, "objective": campaign.objective,
              "description": campaign.description, "channel": str(campaign.channel),
              "schedule_time": local_input(campaign.schedule_time),
              "end_time": local_input(campaign.end_time), "etag": campaign.etag,
              "budget": (f"{campaign.budget.amount_minor / 100:.2f}"
                         if campaign.budget.currency_code else "")}
    rows = [VariantRow(id=v.id, name=v.name, weight_percent=str(v.weight_percent),
                       template_key=v.template_key, subject=v.subject, body=v.body,
                       landing_url=v.landing_url, locale=v.locale) for v in campaign.variants]
    return values, list(campaign.segment_ids), rows


def update_of(form, rows: list[VariantRow], current: marketing_pb2.Campaign):
    """(UpdateCampaignRequest, start time to schedule a draft at or None). The mask names what
    the form edits (budget and end time cleared when emptied); a scheduled campaign's start
    time is part of the update, a draft's is scheduled after it (ScheduleCampaign)."""
    campaign = campaign_of(form, rows)
    campaign.id, campaign.etag = current.id, form.get("etag", "") or current.etag
    paths = list(EDIT_MASK)
    schedule = parse_local_time(form.get("schedule_time", ""), "schedule_time")
    if current.state == S.CAMPAIGN_STATE_SCHEDULED:
        paths.append("schedule_time")
        if schedule is not None:
            campaign.schedule_time.CopyFrom(schedule)
        schedule = None
    return marketing_pb2.UpdateCampaignRequest(
        campaign=campaign, update_mask=FieldMask(paths=paths)), schedule


def local_input(stamp: Timestamp) -> str:
    """A Timestamp as a ``datetime-local`` value in the console's time zone; unset → ``""``."""
    moment = display.to_datetime(stamp)
    if moment is None:
        return ""
    return moment.astimezone(display.time_zone()).strftime("%Y-%m-%dT%H:%M")



def variants_from_form(form) -> list[VariantRow]:
    found: dict[int, VariantRow] = {}
    for key in form:
        matched = VARIANT_ROW.match(key)
        if matched is None or matched.group(2) not in VARIANT_FIELDS:
            continue
        index = int(matched.group(1))
        if index >= MAX_VARIANTS * 4:
            continue
        setattr(found.setdefault(index, VariantRow()), matched.group(2),
                form.get(key, "").strip() if matched.group(2) != "body" else form.get(key, ""))
    return [found[index] for index in sorted(found)][:MAX_VARIANTS]


def variant_values(rows: list[VariantRow]) -> dict[str, str]:
    return {f"variants[{index}].{name}": getattr(row, name)
            for index, row in enumerate(rows) for name in VARIANT_FIELDS}


def apply_variant_action(rows: list[VariantRow], action: str) -> list[VariantRow]:
    """``add`` appends the next letter; ``remove:<i>`` drops one (one always stays). The
    weights are spread evenly again (whole percents adding to 100) after either."""
    if action == "add" and len(rows) < MAX_VARIANTS:
        used = {row.id for row in rows}
        key = next(letter for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if letter not in used)
        rows = [*rows, VariantRow(id=key, name=_("Variant %(key)s", key=key))]
    elif action.startswith("remove:"):
        try:
            index = int(action.split(":", 1)[1])
        except ValueError:
            return rows
        rows = [row for position, row in enumerate(rows) if position != index] or [VariantRow(
            id="A", name=_("Variant %(key)s", key="A"))]
    else:
        return rows
    for row, weight in zip(rows, even_split(len(rows)), strict=True):
        row.weight_percent = str(weight)
    return rows


def even_split(count: int) -> list[int]:
    """100 % over ``count`` variants in whole percents: 3 → [34, 33, 33]."""
    base, extra = divmod(100, count)
    return [base + (1 if index < extra else 0) for index in range(count)]


def campaign_of(form, rows: list[VariantRow]) -> marketing_pb2.Campaign:
    campaign = marketing_pb2.Campaign(
        name=form.get("name", "").strip(), objective=form.get("objective", "").strip(),
        description=form.get("description", "").strip(),
        channel=_int(form.get("channel")),
        segment_ids=[value for value in form.getlist("segment_ids") if value])
    for row in rows:
        campaign.variants.add(id=row.id, name=row.name, weight_percent=_int(row.weight_percent),
                              template_key=row.template_key, subject=row.subject, body=row.body,
                              landing_url=row.landing_url, locale=row.locale)
    budget = form.get("budget", "").strip()
    if budget:
        campaign.budget.currency_code = "CNY"
        campaign.budget.amount_minor = money_minor(budget, "budget")
    end = parse_local_time(form.get("end_time", ""), "end_time")
    if end is not None:
        campaign.end_time.CopyFrom(end)
    return campaign


def money_minor(text: str, field: str) -> int:
    """``"1,234.5"`` yuan → 123450 fen; anything else is a field error."""
    try:
        amount = round(float(text.replace(",", "").replace("¥", "")) * 100)
    except ValueError:
        raise Refusal(status=422, message="", field_errors={field: _("must be an amount such as 5000.00")}) from None
    return amount


def parse_local_time(text: str, field: str) -> Timestamp | None:
    """A ``datetime-local`` value in the console's time zone as a Timestamp; empty → None."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Refusal(status=422, message="", field_errors={
            field: _("must be a date and time")}) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=display.time_zone())
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


# --- pages -------------------------------------------------------------------------------------


def _segments() -> list:
    return list(call("marketing", "ListSegments",
                     marketing_pb2.ListSegmentsRequest(page_size=500)).segments)


def _render_form(values, chosen_segments, rows, errors=None, *, campaign=None, refusal=None):
    shown = dict(values)
    shown.update(variant_values(rows))
    errors = translated_errors(errors or {})
    segment_errors = {k: v for k, v in errors.items() if k.startswith("segment_ids")}
    return render_template(
        "marketing/campaign_form.html", values=shown, rows=rows, errors=errors,
        segment_errors=segment_errors, chosen_segments=set(chosen_segments),
        segments=_segments(), campaign=campaign, refusal=refusal, states=STATES,
        channel_options=[(str(n), display.enum_label(CHANNELS, n)) for n in CAMPAIGN_CHANNELS])


def _render_campaign(campaign_id: str, refusal: Refusal | None = None):
    found = call("marketing", "GetCampaign", marketing_pb2.GetCampaignRequest(id=campaign_id))
    roi = None
    if found.state not in (S.CAMPAIGN_STATE_DRAFT, S.CAMPAIGN_STATE_SCHEDULED):
        roi = call("marketing", "GetCampaignRoi",
                   marketing_pb2.GetCampaignRoiRequest(campaign_id=campaign_id))
    survey_rounds = None
    if found.survey_id and found.survey_schedule:
        # the rounds of its scheduled survey (issue 19): invited, sent, answered, rate
        survey_rounds = call("marketing", "GetCampaignSurveyRounds",
                             marketing_pb2.GetCampaignSurveyRoundsRequest(
                                 campaign_id=campaign_id)).rounds
    names = {segment.id: segment.display_name for segment in _segments()}
    status = 200 if refusal is None else refusal.status
    return render_template(
        "marketing/campaign.html", campaign=found, roi=roi, states=STATES, channels=CHANNELS,
        survey_rounds=survey_rounds, survey_schedules=SURVEY_SCHEDULES,
        moves=MOVES.get(found.state, ()), move_labels=MOVE_LABELS, path=PATH,
        segment_names=names, refusal=refusal, editable=found.state in EDITABLE,
        saved=bool(request.args.get("saved")) and refusal is None,
        refusal_errors=translated_errors(refusal.field_errors) if refusal else {},
        funnel=funnel_chart(found), variants_chart=variants_chart(found),
        roi_chart=roi_chart(roi) if roi else None,
        request_id=str(uuid.uuid4())), status


def funnel_chart(campaign: marketing_pb2.Campaign) -> dict:
    """ECharts option: audience → sent → delivered → responded of the whole campaign."""
    stats = campaign.stats
    steps = [(_("Audience"), stats.audience_count), (_("Sent"), stats.sent_count),
             (_("Delivered"), stats.delivered_count), (_("Responded"), stats.response_count)]
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 90, "right": 24, "top": 16, "bottom": 24},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "inverse": True, "data": [label for label, _n in steps]},
        "series": [{"type": "bar", "name": _("Customers"), "data": [n for _l, n in steps],
                    "label": {"show": True, "position": "right"}}],
    }


def variants_chart(campaign: marketing_pb2.Campaign) -> dict:
    """ECharts option: sent, delivered and responded per variant (grouped bars)."""
    by_id = {v.variant_id: v for v in campaign.stats.variants}
    keys = [v.id for v in campaign.variants] or list(by_id)
    series = []
    for label, attribute in ((_("Sent"), "sent_count"), (_("Delivered"), "delivered_count"),
                             (_("Responded"), "response_count")):
        series.append({"type": "bar", "name": label, "barMaxWidth": 40, "data": [
            getattr(by_id[key], attribute) if key in by_id else 0 for key in keys]})
    return {
        "tooltip": {"trigger": "axis"}, "legend": {"top": 0},
        "grid": {"left": 48, "right": 16, "top": 36, "bottom": 24},
        "xAxis": {"type": "category", "data": keys},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": series,
    }


def roi_chart(roi: marketing_pb2.CampaignRoi) -> dict:
    """ECharts option: response and conversion rate (%) and ROI per variant."""
    keys = [figures.variant_id for figures in roi.variants]
    return {
        "tooltip": {"trigger": "axis"}, "legend": {"top": 0},
        "grid": {"left": 48, "right": 16, "top": 36, "bottom": 24},
        "xAxis": {"type": "category", "data": keys},
        "yAxis": {"type": "value"},
        "series": [
            {"type": "bar", "name": _("Response rate (%)"),
             "data": [round(f.response_rate * 100, 1) for f in roi.variants]},
            {"type": "bar", "name": _("Conversion rate (%)"),
             "data": [round(f.conversion_rate * 100, 1) for f in roi.variants]},
            {"type": "bar", "name": _("ROI (%)"),
             "data": [round(f.roi * 100, 1) for f in roi.variants]},
        ],
    }


def _int(text) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0
