"""Segments: the list, create and edit with a rule builder and a live member count, and a
segment's members (``MarketingService`` Create/Get/List/Update/Delete/Preview/Evaluate-Segment,
ListSegmentMembers)."""

from __future__ import annotations

import uuid

from crm.common.v1 import types_pb2
from crm.marketing.v1 import marketing_pb2
from flask import Blueprint, redirect, render_template, request, url_for
from google.protobuf import field_mask_pb2

from crm_console.i18n import N_
from crm_console.i18n import gettext as _
from crm_console.navigation import MARKETING, NavItem
from crm_console.refusals import Refusal
from crm_console.rpc import call
from crm_console.views import marketing_rules as rules

blueprint = Blueprint("marketing_segments", __name__, url_prefix="/marketing/segments")
NAV = [NavItem("marketing_segments.segments", N_("Segments"), roles=MARKETING, order=10,
               section=N_("Marketing"))]
PAGE_SIZE = 50
SAMPLE_SIZE = 5
KINDS = marketing_pb2.SegmentKind.DESCRIPTOR


def translated_errors(errors: dict[str, str]) -> dict[str, str]:
    """The service's violations in the reader's language where the catalogs know them."""
    return {key: _(text) for key, text in errors.items()}


@blueprint.get("/")
def segments():
    kind = _int(request.args.get("kind"))
    page = call("marketing", "ListSegments", marketing_pb2.ListSegmentsRequest(
        page_size=PAGE_SIZE, page_token=request.args.get("page_token", ""),
        kind=kind, query=request.args.get("q", "").strip()))
    return render_template("marketing/segments.html", page=page, kinds=KINDS,
                           values=request.args)


@blueprint.route("/new", methods=["GET", "POST"])
def new_segment():
    if request.method == "GET":
        return _render_form(None, {"kind": str(marketing_pb2.SEGMENT_KIND_CUSTOM),
                                   "active": "true", "request_id": str(uuid.uuid4())},
                            "1", [rules.Row()])
    match, rows = request.form.get("rule.match", "1"), rules.rows_from_form(request.form)
    action = request.form.get("builder", "")
    if action:  # the builder's buttons without script: the same form, one row more or less
        return _render_form(None, request.form, match, rules.apply_builder_action(rows, action))
    rows = rules.kept_rows(rows) or [rules.Row()]
    segment = _segment_of(request.form, match, rows)
    try:
        created = call("marketing", "CreateSegment", marketing_pb2.CreateSegmentRequest(
            segment=segment, request_id=request.form.get("request_id") or str(uuid.uuid4())),
            field_prefix="segment.")
    except Refusal as refusal:
        if refusal.status != 422:
            raise
        return _render_form(None, request.form, match, rows, refusal.field_errors), 422
    return redirect(url_for("marketing_segments.segment", segment_id=created.id))


@blueprint.route("/<segment_id>/edit", methods=["GET", "POST"])
def edit_segment(segment_id: str):
    current = call("marketing", "GetSegment", marketing_pb2.GetSegmentRequest(id=segment_id))
    if request.method == "GET":
        values = {"display_name": current.display_name, "description": current.description,
                  "kind": str(current.kind), "active": "true" if current.active else "",
                  "contact_strategy.summary": current.contact_strategy.summary,
                  "etag": current.etag}
        return _render_form(current, values, str(current.rule.match or 1),
                            rules.rows_from_rule(current.rule) or [rules.Row()])
    match, rows = request.form.get("rule.match", "1"), rules.rows_from_form(request.form)
    action = request.form.get("builder", "")
    if action:
        return _render_form(current, request.form, match,
                            rules.apply_builder_action(rows, action))
    rows = rules.kept_rows(rows) or [rules.Row()]
    segment = _segment_of(request.form, match, rows)
    segment.id = segment_id
    segment.rule.groups.extend(current.rule.groups)  # nested groups: kept, not shown as rows
    segment.etag = request.form.get("etag", "")
    segment.contact_strategy.actions.extend(current.contact_strategy.actions)
    mask = field_mask_pb2.FieldMask(paths=["display_name", "description", "kind", "rule",
                                           "active", "contact_strategy"])
    try:
        call("marketing", "UpdateSegment", marketing_pb2.UpdateSegmentRequest(
            segment=segment, update_mask=mask), field_prefix="segment.")
    except Refusal as refusal:
        if refusal.status not in (409, 422):
            raise
        return _render_form(current, request.form, match, rows, refusal.field_errors,
                            refusal=refusal if refusal.status == 409 else None), refusal.status
    return redirect(url_for("marketing_segments.segment", segment_id=segment_id))


@blueprint.post("/builder")
def builder():
    """htmx: the condition rows after "add" or "remove", with the new live count."""
    match, rows = request.form.get("rule.match", "1"), rules.rows_from_form(request.form)
    rows = rules.apply_builder_action(rows, request.form.get("builder", ""))
    values = rules.form_values(match, rows)
    return (render_template("marketing/_rule_builder.html", rows=rows, values=values, errors={},
                            **_builder_choices())
            + render_template("marketing/_preview.html", preview=_preview(match, rows),
                              oob=True))


@blueprint.post("/preview")
def preview():
    """htmx: the number of customers the rule of the form matches now (PreviewSegment)."""
    match, rows = request.form.get("rule.match", "1"), rules.rows_from_form(request.form)
    return render_template("marketing/_preview.html", preview=_preview(match, rows))


@blueprint.get("/<segment_id>")
def segment(segment_id: str):
    found = call("marketing", "GetSegment", marketing_pb2.GetSegmentRequest(id=segment_id))
    members = call("marketing", "ListSegmentMembers", marketing_pb2.ListSegmentMembersRequest(
        segment_id=segment_id, page_size=PAGE_SIZE,
        page_token=request.args.get("page_token", "")))
    return render_template("marketing/segment.html", segment=found, members=members,
                           kinds=KINDS, value_class_enum=types_pb2.ValueClass.DESCRIPTOR,
                           stage_enum=types_pb2.LifecycleStage.DESCRIPTOR, **_builder_choices())


@blueprint.post("/<segment_id>/evaluate")
def evaluate(segment_id: str):
    call("marketing", "EvaluateSegment", marketing_pb2.EvaluateSegmentRequest(id=segment_id))
    return redirect(url_for("marketing_segments.segment", segment_id=segment_id))


@blueprint.post("/<segment_id>/active")
def set_active(segment_id: str):
    segment = marketing_pb2.Segment(id=segment_id, active=request.form.get("active") == "true",
                                    etag=request.form.get("etag", ""))
    call("marketing", "UpdateSegment", marketing_pb2.UpdateSegmentRequest(
        segment=segment, update_mask=field_mask_pb2.FieldMask(paths=["active"])),
        field_prefix="segment.")
    return redirect(url_for("marketing_segments.segment", segment_id=segment_id))


@blueprint.post("/<segment_id>/delete")
def delete(segment_id: str):
    call("marketing", "DeleteSegment", marketing_pb2.DeleteSegmentRequest(id=segment_id))
    return redirect(url_for("marketing_segments.segments"))


# --- helpers -----------------------------------------------------------------------------------


def _segment_of(form, match: str, rows: list[rules.Row]) -> marketing_pb2.Segment:
    segment = marketing_pb2.Segment(
        display_name=form.get("display_name", "").strip(),
        description=form.get("description", "").strip(),
        kind=_int(form.get("kind")) or marketing_pb2.SEGMENT_KIND_CUSTOM,
        active=form.get("active") in ("true", "on", "1"),
        rule=rules.rule_of(match, rows))
    summary = form.get("contact_strategy.summary", "").strip()
    if summary:
        segment.contact_strategy.summary = summary
    return segment


def _preview(match: str, rows: list[rules.Row]) -> dict:
    """PreviewSegment of the rows: {"count", "sample"} or {"errors"}; nothing to count while
    no row names a field."""
    kept = rules.kept_rows(rows)
    if not kept:
        return {"empty": True}
    try:
        answer = call("marketing", "PreviewSegment", marketing_pb2.PreviewSegmentRequest(
            rule=rules.rule_of(match, rows), sample_size=SAMPLE_SIZE))
    except Refusal as refusal:
        if refusal.status != 422:
            raise
        return {"errors": preview_problems(translated_errors(refusal.field_errors))
                or {"": refusal.message}}
    return {"count": answer.member_count, "sample": list(answer.sample)}


PARTS = {"field": N_("Field"), "operator": N_("Operator"), "values": N_("Values")}


def preview_problems(errors: dict[str, str]) -> dict[str, str]:
    """The violations of a previewed rule, named as the rows are: "Condition 2 · Values"."""
    named: dict[str, str] = {}
    for key, text in rules.row_errors(errors).items():
        matched = rules.ROW.match(key)
        if matched is None:
            named[""] = text
            continue
        label = _("Condition %(n)s", n=int(matched.group(1)) + 1) + " · " + _(
            PARTS[matched.group(2)])
        named[label] = text
    return named


def _builder_choices() -> dict:
    by_field = {name: [(str(number), _(label)) for number, label in rules.operators_for(name)]
                for name in ("", *rules.rule_fields())}
    return {"rule_fields": [(name, _(rules.field_label_id(name))) for name in rules.rule_fields()],
            "operators": by_field[""],
            # field → its operators: the rows offer these, console.js swaps them on a change
            "operators_by_field": by_field,
            "match_modes": [(str(number), _(label)) for number, label in rules.match_modes()],
            "suggestions": {name: [(value, _(label)) for value, label in
                                   rules.value_suggestions(name)]
                            for name in rules.rule_fields() if rules.value_enum(name)}}


def _render_form(segment, values, match: str, rows: list[rules.Row], errors=None, refusal=None):
    shown = dict(values)
    shown.update(rules.form_values(match, rows))
    return render_template("marketing/segment_form.html", segment=segment, values=shown,
                           rows=rows, errors=rules.row_errors(translated_errors(errors or {})),
                           kinds=KINDS, refusal=refusal,
                           preview=_preview(match, rows), **_builder_choices())


def _int(text) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0
