"""The win-back visit form (issue 19, seed 004: 流失客户 3个月后二次回访,询问流失原因): a lost
customer's WIN_BACK task on "my work" opens ``/win-back/<task_id>``, where the owner records the
visit with why the customer left - a churn reason from the sales service's list (data, named in
the reader's language) and free text. The sales service checks everything (the reason is
required on the visit and must be one of the list; who may see the task); its field errors come
back next to the fields, with what was typed kept."""

from __future__ import annotations

from crm.sales.v1 import sales_pb2
from flask import Blueprint, abort, redirect, render_template, request, url_for

from crm_console.i18n import current_language, gettext
from crm_console.refusals import Refusal
from crm_console.rpc import call
from crm_console.views import sales_forms as forms

blueprint = Blueprint("win_back", __name__, url_prefix="/win-back")


def reason_options() -> list[tuple[str, str]]:
    """The churn reasons offered, by position, named in the reader's language."""
    reasons = call("sales", "ListChurnReasons",
                   sales_pb2.ListChurnReasonsRequest(page_size=200)).churn_reasons
    chinese = current_language().startswith("zh")
    return [("", gettext("Choose a reason"))] + [
        (reason.code, reason.name if chinese else reason.name_en) for reason in reasons]


def _task(task_id: str) -> sales_pb2.FollowUpTask:
    task = call("sales", "GetFollowUpTask", sales_pb2.GetFollowUpTaskRequest(id=task_id))
    if task.reason != sales_pb2.FOLLOW_UP_REASON_WIN_BACK:
        abort(404)
    return task


def _page(task: sales_pb2.FollowUpTask, values, errors: dict[str, str], status: int = 200):
    return render_template(
        "work/win_back.html", task=task, values=values, errors=errors,
        reasons=reason_options(),
        method_options=forms.enum_options(sales_pb2.FollowUpMethod.DESCRIPTOR, blank=None),
        live=task.state in (sales_pb2.FOLLOW_UP_TASK_STATE_OPEN,
                            sales_pb2.FOLLOW_UP_TASK_STATE_OVERDUE)), status


@blueprint.get("/<task_id>")
def visit(task_id: str):
    defaults = {"request_id": forms.request_id(), "method": "visit",
                "topic": gettext("Win-back visit")}
    return _page(_task(task_id), defaults, {})


@blueprint.post("/<task_id>")
def record(task_id: str):
    task = _task(task_id)
    create, errors = forms.activity_request(request.form, customer_id=task.customer_id)
    create.activity.follow_up_task_id = task.id
    create.activity.churn_reason = (request.form.get("churn_reason") or "").strip()
    create.activity.churn_note = (request.form.get("churn_note") or "").strip()
    if not errors:
        try:
            call("sales", "CreateActivity", create, field_prefix="activity.")
            return redirect(url_for("work.my_work"))
        except Refusal as refusal:
            if refusal.status != 422 and not refusal.field_errors:
                raise
            errors = refusal.field_errors or {"": refusal.message}
    return _page(task, request.form, errors, status=422)
