""""My work": what is due for the signed-in person, most urgent first.

The sources a person's roles use are asked one after the other: follow-up tasks and plans,
leads whose first-contact clock runs and call-back tasks (sales reps and sales leads), tickets
assigned to them (agents) and, for department leads, the department's breaching tickets. A
source that fails becomes a short note and the rest of the page still works. Someone none of
these apply to (a marketer) sees their inbox summary instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from crm.customer.v1 import customer_pb2
from crm.notification.v1 import notification_pb2
from crm.sales.v1 import sales_pb2
from crm.ticket.v1 import ticket_pb2
from crm_shared.auth.roles import SALES_REP_ROLES
from flask import Blueprint, g, render_template, session

from crm_console.display import time_zone, to_datetime
from crm_console.i18n import N_
from crm_console.navigation import NavItem
from crm_console.refusals import Refusal
from crm_console.rpc import call
from crm_console.views.tickets_forms import QUEUE_ORDER, ticket_due

blueprint = Blueprint("work", __name__)
NAV = [NavItem("work.my_work", N_("My work"), order=10)]

# Who gathers what (the services still decide what each call returns).
SALES_WORK = SALES_REP_ROLES  # who holds leads (the sales service's rep directory)
SALES_TEAM = frozenset({"sales_lead"})
SERVICE_WORK = frozenset({"agent", "service_agent", "service_lead", "manager"})
DEPARTMENT_LEADS = frozenset({"service_lead", "manager"})
ADMIN = frozenset({"admin"})
PAGE_SIZE = 100
# Follow-up plans whose next contact falls within this many days are shown.
PLAN_HORIZON_DAYS = 7

OPEN_TICKET_STATES = (ticket_pb2.TICKET_STATE_NEW, ticket_pb2.TICKET_STATE_ROUTED,
                      ticket_pb2.TICKET_STATE_IN_PROGRESS,
                      ticket_pb2.TICKET_STATE_WAITING_ON_CUSTOMER)

# Kinds of rows (message ids, shown translated).
KIND_FOLLOW_UP = N_("Follow-up")
KIND_PLAN = N_("Planned contact")
KIND_FIRST_CONTACT = N_("First contact")
KIND_TEAM_FIRST_CONTACT = N_("Team: first contact overdue")
KIND_TICKET = N_("Ticket")
KIND_BREACHING = N_("Department: SLA breached")
KIND_CALLBACK = N_("Call-back")


@dataclass
class WorkItem:
    kind: str
    """Message id of the kind of work (``Follow-up``, ``Ticket``...)."""
    title: str
    """User data (a task's title, a ticket's number and title)."""
    url: str
    due: datetime | None
    overdue: bool = False
    detail: str = ""
    """User data shown under the title (the customer's name)."""
    note: str = ""
    """A message id shown translated under the title (``Escalated to the team lead``)."""
    label: str = ""
    """A message id shown translated instead of ``title``: the sales service writes the titles
    of the tasks it generates in English (they are data to the API), so the page names such a
    task by its reason in the reader's language."""
    customer_id: str = ""


@dataclass
class Source:
    key: str
    label: str
    """Message id of the source, for the note when it fails."""
    gather: Callable[[], list[WorkItem]]


@dataclass
class Gathered:
    items: list[WorkItem] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    """Message ids of the sources that could not be read."""
    sources: list[str] = field(default_factory=list)


def end_of_day(day_text: str) -> datetime | None:
    """A ``YYYY-MM-DD`` due date as the end of that day in the console's time zone (UTC)."""
    try:
        day = date.fromisoformat(day_text)
    except (TypeError, ValueError):
        return None
    return datetime.combine(day, time(23, 59, 59), tzinfo=time_zone()).astimezone(UTC)


def sort_by_urgency(items: list[WorkItem], now: datetime | None = None) -> list[WorkItem]:
    """Overdue first, then by due time (earliest first); rows without a due time last.
    An item whose due time has passed counts as overdue even if its source has not said so."""
    now = now or datetime.now(UTC)
    for item in items:
        if item.due is not None and item.due < now:
            item.overdue = True
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(items, key=lambda i: (not i.overdue, i.due or far, i.title))


def sources_for(roles: frozenset[str], *, leads_department: bool) -> list[str]:
    """Which sources a person with these roles uses (keys, in the order they are asked)."""
    keys = []
    if roles & SALES_WORK:
        keys += ["follow_up_tasks", "follow_up_plans", "first_contacts", "callbacks"]
    if roles & SALES_TEAM:
        keys.append("team_first_contacts")
    if roles & SERVICE_WORK:
        keys.append("my_tickets")
    if roles & DEPARTMENT_LEADS and leads_department:
        keys.append("breaching_tickets")
    return keys


# --- the sources ---------------------------------------------------------------------------

GENERATED_TASK_LABELS = {
    sales_pb2.FOLLOW_UP_REASON_CADENCE: N_("Regular contact"),
    sales_pb2.FOLLOW_UP_REASON_SENIOR_CONTACT: N_("Senior contact by the department lead"),
    sales_pb2.FOLLOW_UP_REASON_NEED_CONFIRMED: N_("Re-contact: need confirmed"),
    sales_pb2.FOLLOW_UP_REASON_PROPOSAL_SENT: N_("Re-contact: proposal sent"),
    sales_pb2.FOLLOW_UP_REASON_CONTACT_STRATEGY: N_("Segment contact strategy"),
    sales_pb2.FOLLOW_UP_REASON_WIN_BACK: N_("Win-back visit: ask why they left"),
}
"""The tasks the sales service generates (``follow_ups.task_title``), by reason; a next step or
a task a person wrote keeps its own title. A segment contact strategy's task names its segment
under the label (``segment_name``, user data)."""


def _follow_up_tasks() -> list[WorkItem]:
    page = call("sales", "ListFollowUpTasks", sales_pb2.ListFollowUpTasksRequest(
        page_size=PAGE_SIZE, owner_id=g.principal.user_id,
        states=[sales_pb2.FOLLOW_UP_TASK_STATE_OPEN, sales_pb2.FOLLOW_UP_TASK_STATE_OVERDUE]))
    items = []
    for task in page.tasks:
        url = f"/customers/{task.customer_id}" if task.customer_id else f"/leads/{task.lead_id}"
        if task.reason == sales_pb2.FOLLOW_UP_REASON_WIN_BACK:
            url = f"/win-back/{task.id}"  # the visit is recorded with why the customer left
        items.append(WorkItem(
            kind=KIND_FOLLOW_UP, title=task.title, label=GENERATED_TASK_LABELS.get(task.reason, ""),
            url=url, due=end_of_day(task.due_date),
            overdue=task.state == sales_pb2.FOLLOW_UP_TASK_STATE_OVERDUE,
            customer_id=task.customer_id, detail=task.segment_name))
    g.setdefault("_plan_ids_with_tasks", set()).update(t.plan_id for t in page.tasks if t.plan_id)
    return items


def _follow_up_plans() -> list[WorkItem]:
    page = call("sales", "ListFollowUpPlans", sales_pb2.ListFollowUpPlansRequest(
        page_size=PAGE_SIZE, owner_id=g.principal.user_id, active=True))
    horizon = datetime.now(UTC) + timedelta(days=PLAN_HORIZON_DAYS)
    with_tasks = g.get("_plan_ids_with_tasks", set())
    items = []
    for plan in page.plans:
        due = end_of_day(plan.next_due_date)
        if due is None or due > horizon or plan.id in with_tasks:
            continue  # not due soon, or its task is already listed
        items.append(WorkItem(kind=KIND_PLAN, title="", url=f"/customers/{plan.customer_id}",
                              due=due, customer_id=plan.customer_id))
    return items


def _lead_title(lead) -> str:
    return " · ".join(part for part in (lead.company_name, lead.contact_name) if part) \
        or lead.number


def _first_contacts() -> list[WorkItem]:
    page = call("sales", "ListLeads", sales_pb2.ListLeadsRequest(
        page_size=PAGE_SIZE, owner_id=g.principal.user_id,
        statuses=[sales_pb2.LEAD_STATUS_ASSIGNED], order_by="first_contact_due_time"))
    return [WorkItem(kind=KIND_FIRST_CONTACT, title=_lead_title(lead), url=f"/leads/{lead.id}",
                     due=to_datetime(lead.first_contact_due_time),
                     overdue=lead.first_contact_overdue, detail=lead.number,
                     note=N_("Escalated to the team lead") if lead.first_contact_overdue else "")
            for lead in page.leads if not to_datetime(lead.first_contact_time)]


def _team_first_contacts() -> list[WorkItem]:
    page = call("sales", "ListLeads", sales_pb2.ListLeadsRequest(
        page_size=PAGE_SIZE, department_path=g.principal.department_path,
        statuses=[sales_pb2.LEAD_STATUS_ASSIGNED], first_contact_overdue=True,
        order_by="first_contact_due_time"))
    return [WorkItem(kind=KIND_TEAM_FIRST_CONTACT, title=_lead_title(lead),
                     url=f"/leads/{lead.id}", due=to_datetime(lead.first_contact_due_time),
                     overdue=True, detail=lead.number)
            for lead in page.leads if lead.owner_id != g.principal.user_id]


def _callbacks() -> list[WorkItem]:
    page = call("ticket", "ListCallbackTasks", ticket_pb2.ListCallbackTasksRequest(
        page_size=PAGE_SIZE, assignee_id=g.principal.user_id,
        states=[ticket_pb2.CALLBACK_TASK_STATE_OPEN, ticket_pb2.CALLBACK_TASK_STATE_OVERDUE]))
    return [WorkItem(kind=KIND_CALLBACK, title=task.ticket_number, url=f"/tickets/{task.ticket_id}",
                     due=to_datetime(task.due_time),
                     overdue=task.state == ticket_pb2.CALLBACK_TASK_STATE_OVERDUE,
                     customer_id=task.customer_id)
            for task in page.tasks]


def _ticket_item(ticket, kind: str) -> WorkItem:
    breached = ticket.sla.first_response_breached or ticket.sla.resolution_breached
    return WorkItem(kind=kind, title=f"{ticket.number} {ticket.title}".strip(),
                    url=f"/tickets/{ticket.id}", due=to_datetime(ticket_due(ticket)),
                    overdue=breached and not ticket.sla.paused, customer_id=ticket.customer_id,
                    note=N_("Waiting on the customer") if ticket.sla.paused else "")


# The ticket service's queue order: the first page holds the most urgent.
def _my_tickets() -> list[WorkItem]:
    page = call("ticket", "ListTickets", ticket_pb2.ListTicketsRequest(
        page_size=PAGE_SIZE, assignee_id=g.principal.user_id, states=OPEN_TICKET_STATES,
        order_by=QUEUE_ORDER))
    return [_ticket_item(ticket, KIND_TICKET) for ticket in page.tickets]


def _breaching_tickets() -> list[WorkItem]:
    page = call("ticket", "ListTickets", ticket_pb2.ListTicketsRequest(
        page_size=PAGE_SIZE, department_path=g.principal.department_path,
        states=OPEN_TICKET_STATES, sla_breached=True, order_by=QUEUE_ORDER))
    return [_ticket_item(ticket, KIND_BREACHING) for ticket in page.tickets
            if ticket.assignee_id != g.principal.user_id]


SOURCES = {
    "follow_up_tasks": Source("follow_up_tasks", N_("Follow-up tasks"), _follow_up_tasks),
    "follow_up_plans": Source("follow_up_plans", N_("Follow-up plans"), _follow_up_plans),
    "first_contacts": Source("first_contacts", N_("Leads to contact"), _first_contacts),
    "team_first_contacts": Source("team_first_contacts", N_("Team leads overdue"),
                                  _team_first_contacts),
    "callbacks": Source("callbacks", N_("Call-back tasks"), _callbacks),
    "my_tickets": Source("my_tickets", N_("My tickets"), _my_tickets),
    "breaching_tickets": Source("breaching_tickets", N_("Department's breaching tickets"),
                                _breaching_tickets),
}


def gather(keys: list[str]) -> Gathered:
    """Each source in turn; a refusal of one is noted and the others still count."""
    result = Gathered(sources=keys)
    for key in keys:
        source = SOURCES[key]
        try:
            result.items.extend(source.gather())
        except Refusal:
            result.failed.append(source.label)
    result.items = sort_by_urgency(result.items)
    return result


def _customer_names(items: list[WorkItem]) -> dict[str, str]:
    ids = sorted({item.customer_id for item in items if item.customer_id})[:500]
    if not ids:
        return {}
    try:
        found = call("customer", "BatchGetCustomers", customer_pb2.BatchGetCustomersRequest(ids=ids))
    except Refusal:
        return {}  # names are a nicety; the rows still link to the customer
    return {customer.id: customer.display_name for customer in found.customers}


def _inbox_summary():
    try:
        count = call("notification", "GetUnreadCount", notification_pb2.GetUnreadCountRequest())
        latest = call("notification", "ListNotifications", notification_pb2.ListNotificationsRequest(
            page_size=10, unread_only=True))
    except Refusal:
        return None
    return {"count": count.unread_count,
            "by_category": sorted(count.unread_by_category.items(), key=lambda kv: -kv[1]),
            "latest": list(latest.notifications)}


def _parked_dead_letters() -> int | None:
    try:
        page = call("notification", "ListDeadLetters", notification_pb2.ListDeadLettersRequest(
            page_size=100, state=notification_pb2.DEAD_LETTER_STATE_PARKED))
    except Refusal:
        return None
    return len(page.dead_letters)


@blueprint.get("/")
def my_work():
    from crm_console.views.profile import category_label

    principal = g.principal
    keys = sources_for(principal.roles, leads_department=bool(session.get("is_department_lead")))
    gathered = gather(keys)
    names = _customer_names(gathered.items)
    inbox = _inbox_summary() if not keys else None
    dead_letters = _parked_dead_letters() if principal.has_role(*ADMIN) else None
    return render_template("work/my_work.html", work=gathered, names=names, inbox=inbox,
                           dead_letters=dead_letters, category_label=category_label,
                           overdue_count=sum(1 for i in gathered.items if i.overdue))
