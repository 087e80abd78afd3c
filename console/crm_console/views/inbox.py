"""The in-app inbox: the unread count in the header, the list, mark read, open the record."""

from __future__ import annotations

from crm.notification.v1 import notification_pb2
from flask import Blueprint, redirect, render_template, request, url_for

from crm_console.i18n import N_
from crm_console.navigation import NavItem
from crm_console.rpc import call

blueprint = Blueprint("inbox", __name__, url_prefix="/inbox")
NAV = [NavItem("inbox.inbox", N_("Inbox"), order=20)]
PAGE_SIZE = 30


@blueprint.get("/")
def inbox():
    unread_only = request.args.get("unread") == "1"
    page = call("notification", "ListNotifications", notification_pb2.ListNotificationsRequest(
        page_size=PAGE_SIZE, page_token=request.args.get("page_token", ""),
        unread_only=unread_only))
    return render_template("inbox/list.html", page=page, unread_only=unread_only)


@blueprint.get("/count")
def unread_count():
    count = call("notification", "GetUnreadCount", notification_pb2.GetUnreadCountRequest())
    return render_template("inbox/_count.html", count=count.unread_count)


@blueprint.post("/read")
def mark_read():
    ids = request.form.getlist("notification_id")
    call("notification", "MarkNotificationsRead", notification_pb2.MarkNotificationsReadRequest(
        ids=ids, all=not ids))
    return redirect(request.form.get("next") or url_for("inbox.inbox"))


@blueprint.post("/<notification_id>/open")
def open_notification(notification_id: str):
    """Mark it read and go to the record it is about."""
    call("notification", "MarkNotificationsRead", notification_pb2.MarkNotificationsReadRequest(
        ids=[notification_id]))
    note = call("notification", "GetNotification",
                notification_pb2.GetNotificationRequest(id=notification_id))
    return redirect(record_url(note.subject_type, note.subject_id) or url_for("inbox.inbox"))


def record_url(subject_type: str, subject_id: str) -> str | None:
    """The console page of the record a notification is about, if the console has one."""
    endpoints = {"ticket": ("tickets.ticket", "ticket_id"),
                 "customer": ("customers.customer", "customer_id"),
                 "lead": ("leads.lead", "lead_id"),
                 "opportunity": ("opportunities.opportunity", "opportunity_id")}
    target = endpoints.get((subject_type or "").lower())
    if target is None or not subject_id:
        return None
    try:
        return url_for(target[0], **{target[1]: subject_id})
    except Exception:  # noqa: BLE001 - the page does not exist (yet): stay in the inbox
        return None
