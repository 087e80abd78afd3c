"""Pure helpers of the ticket pages: forms → requests, labels, the queue's filters, chart
options. No Flask request and no gRPC here, so they are unit-tested on their own."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta

from crm.common.v1 import types_pb2
from crm.ticket.v1 import ticket_pb2

from crm_console.i18n import N_
from crm_console.views import dashboard as dashboard_labels

# --- labels (message ids, shown translated) ---------------------------------------------------

CATEGORY_LABELS = {
    "product_quality": N_("Product quality"),
    "service_attitude": N_("Service attitude"),
    "technical": N_("Technical problem"),
    "delivery": N_("Delivery"),
}
SKIP_REASON_LABELS = {
    "unavailable": N_("Unavailable"),
    "at_capacity": N_("At capacity"),
    "missing_skills": N_("Missing skills"),
    "inactive": N_("Inactive"),
}
NOT_ELIGIBLE = N_("Not eligible")
# KPI keys → message ids: one table, the dashboard's (the ticket keys are among them).
KPI_LABELS = dashboard_labels.KPI_LABELS
SLA_CHART_KEYS = ("first_response_sla_rate", "resolution_sla_rate", "sla_compliance_rate",
                  "complaint_timeliness_rate", "need_resolution_rate", "callback_on_time_rate")

TYPES = (ticket_pb2.TICKET_TYPE_COMPLAINT, ticket_pb2.TICKET_TYPE_CONSULTATION,
         ticket_pb2.TICKET_TYPE_FAULT, ticket_pb2.TICKET_TYPE_DEMAND)
PRIORITIES = (ticket_pb2.TICKET_PRIORITY_URGENT, ticket_pb2.TICKET_PRIORITY_HIGH,
              ticket_pb2.TICKET_PRIORITY_NORMAL, ticket_pb2.TICKET_PRIORITY_LOW)
STATES = tuple(v.number for v in ticket_pb2.TicketState.DESCRIPTOR.values if v.number)
OPEN_STATES = (ticket_pb2.TICKET_STATE_NEW, ticket_pb2.TICKET_STATE_ROUTED,
               ticket_pb2.TICKET_STATE_IN_PROGRESS, ticket_pb2.TICKET_STATE_WAITING_ON_CUSTOMER)
CALLBACK_RESULTS = (ticket_pb2.CALLBACK_RESULT_RESOLVED, ticket_pb2.CALLBACK_RESULT_SATISFIED,
                    ticket_pb2.CALLBACK_RESULT_NEEDS_FOLLOW_UP)

# Which actions the ticket page offers in each state (the lifecycle of the contract).
_S = ticket_pb2
ACTIONS_BY_STATE = {
    _S.TICKET_STATE_NEW: ("transfer",),
    _S.TICKET_STATE_ROUTED: ("start", "transfer", "escalate"),
    _S.TICKET_STATE_IN_PROGRESS: ("hold", "resolve", "transfer", "escalate"),
    _S.TICKET_STATE_WAITING_ON_CUSTOMER: ("resume", "resolve", "transfer", "escalate"),
    _S.TICKET_STATE_RESOLVED: ("confirm", "close", "reopen"),
    _S.TICKET_STATE_CONFIRMED: ("close", "reopen"),
    _S.TICKET_STATE_CLOSED: ("reopen",),
}
# action → (RPC, request class, the request's text field)
TRANSITIONS = {
    "start": ("StartTicket", ticket_pb2.StartTicketRequest, "reason"),
    "hold": ("HoldTicket", ticket_pb2.HoldTicketRequest, "reason"),
    "resume": ("ResumeTicket", ticket_pb2.ResumeTicketRequest, "reason"),
    "resolve": ("ResolveTicket", ticket_pb2.ResolveTicketRequest, "resolution"),
    "confirm": ("ConfirmTicket", ticket_pb2.ConfirmTicketRequest, "reason"),
    "close": ("CloseTicket", ticket_pb2.CloseTicketRequest, "reason"),
    "reopen": ("ReopenTicket", ticket_pb2.ReopenTicketRequest, "reason"),
    "escalate": ("EscalateTicket", ticket_pb2.EscalateTicketRequest, "reason"),
}


def form_field(action: str, request_field: str) -> str:
    """The form's name of a request field: every action's ``reason`` is its own input on the
    ticket page (``hold_reason``, ``transfer_reason``...), so ids and errors never collide."""
    return f"{action}_reason" if request_field == "reason" else request_field


def form_errors(action: str, errors: dict[str, str]) -> dict[str, str]:
    """The service's field errors keyed by the form's names."""
    return {form_field(action, name): text for name, text in errors.items()}
DONE_MESSAGES = {
    "start": N_("Work on the ticket has started."),
    "hold": N_("The ticket is waiting on the customer; the SLA clock is paused."),
    "resume": N_("Work on the ticket has resumed."),
    "resolve": N_("The ticket is resolved; the account manager's call-back task is created."),
    "confirm": N_("The customer's confirmation is recorded."),
    "close": N_("The ticket is closed."),
    "reopen": N_("The ticket is reopened."),
    "escalate": N_("The ticket is escalated to the department lead."),
}


def category_label(category: str) -> str:
    """Message id of a known category, or the category itself (data)."""
    return CATEGORY_LABELS.get(category, category)


def actions_for(state: int) -> tuple[str, ...]:
    return ACTIONS_BY_STATE.get(state, ())


# --- the new-ticket form ----------------------------------------------------------------------

_PHONE_CHARS = re.compile(r"[\s\-()]")


def clean_phone(text: str) -> str:
    """What the agent typed, without spaces, dashes and brackets (the service normalises)."""
    return _PHONE_CHARS.sub("", text or "").strip()


def enum_from_word(enum, word: str) -> int:
    """``complaint`` → the number of ``TICKET_TYPE_COMPLAINT``; 0 when unknown or empty."""
    if not word:
        return 0
    if word.isdigit():
        number = int(word)
        return number if number in enum.values_by_number else 0
    prefix = "_".join(enum.values[0].name.split("_")[:-1]) + "_"  # TICKET_TYPE_UNSPECIFIED
    value = enum.values_by_name.get(prefix + word.upper())
    return value.number if value is not None else 0


def enum_word(enum, number: int) -> str:
    """The REST-style word of an enum value (``complaint``); empty for the zero."""
    value = enum.values_by_number.get(number)
    if value is None or not number:
        return ""
    prefix = "_".join(enum.values[0].name.split("_")[:-1]) + "_"
    return value.name.removeprefix(prefix).lower()


def ticket_form_errors(form) -> dict[str, str]:
    """What the agent must still fill in before the confirmation step (message ids)."""
    errors = {}
    if not enum_from_word(ticket_pb2.TicketType.DESCRIPTOR, form.get("type", "")):
        errors["type"] = N_("Choose the type of the ticket.")
    if not form.get("title", "").strip():
        errors["title"] = N_("Enter a short title.")
    if not form.get("description", "").strip():
        errors["description"] = N_("Describe the problem.")
    if not form.get("customer_id") and not clean_phone(form.get("phone", "")):
        errors["phone"] = N_("Find the customer by phone, or give the caller's phone.")
    return errors


def create_ticket_request(form, request_id: str) -> ticket_pb2.CreateTicketRequest:
    """The CreateTicket request of the confirmed form (a phone call: channel PHONE). Without a
    customer record the caller's phone and name are the reporter's."""
    ticket = ticket_pb2.Ticket(
        type=enum_from_word(ticket_pb2.TicketType.DESCRIPTOR, form.get("type", "")),
        title=form.get("title", "").strip(),
        description=form.get("description", "").strip(),
        category=form.get("category", "").strip(),
        product=form.get("product", "").strip(),
        channel=ticket_pb2.TICKET_CHANNEL_PHONE,
    )
    if form.get("customer_id"):
        ticket.customer_id = form["customer_id"]
    else:
        ticket.reporter_phone = clean_phone(form.get("phone", ""))
        ticket.reporter_name = form.get("reporter_name", "").strip()
    return ticket_pb2.CreateTicketRequest(ticket=ticket, request_id=request_id)


_PLACEHOLDER = re.compile(r"\{\{\s*customer_name\s*\}\}")


def fill_template(body: str, customer_name: str) -> str:
    """A reply template's ``{{customer_name}}`` filled in; other placeholders stay for the
    agent to complete."""
    return _PLACEHOLDER.sub(lambda _m: customer_name or "", body)


def suggest_category(results) -> str:
    """The category most of the similar knowledge articles have (best hits count more);
    empty when none of them has one."""
    scores: dict[str, float] = {}
    for rank, result in enumerate(results):
        category = result.article.category
        if category:
            scores[category] = scores.get(category, 0.0) + 1.0 / (rank + 1)
    return max(scores, key=lambda c: scores[c]) if scores else ""


# --- the queue ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class QueueFilters:
    scope: str = "department"  # department | mine
    state: str = "open"  # open | any | a state word
    type: str = ""
    priority: str = ""
    breached: str = ""  # "" | "1"
    q: str = ""
    department: str = ""


def queue_filters(args) -> QueueFilters:
    scope = args.get("scope", "department")
    return QueueFilters(
        scope=scope if scope in ("department", "mine") else "department",
        state=args.get("state", "open") or "open",
        type=args.get("type", ""),
        priority=args.get("priority", ""),
        breached="1" if args.get("breached") in ("1", "true", "on") else "",
        q=args.get("q", "").strip()[:200],
        department=args.get("department", "").strip(),
    )


def queue_args(filters: QueueFilters) -> dict[str, str]:
    """The query string of the filters (what :func:`queue_filters` reads back), for a link that
    keeps them, such as the export's."""
    return {name: value for name, value in asdict(filters).items() if value}


# The ticket service's order of a queue: the resolution due time, most urgent first.
QUEUE_ORDER = "sla.resolution_due_time"


def list_tickets_request(filters: QueueFilters, *, user_id: str, department_path: str,
                         page_size: int, page_token: str = "") -> ticket_pb2.ListTicketsRequest:
    """The queue's ListTickets: the department's (or my) tickets, SLA due time first."""
    request = ticket_pb2.ListTicketsRequest(page_size=page_size, page_token=page_token,
                                            query=filters.q, order_by=QUEUE_ORDER)
    if filters.scope == "mine":
        request.assignee_id = user_id
    else:
        request.department_path = filters.department or department_path
    if filters.state == "open":
        request.states.extend(OPEN_STATES)
    elif filters.state != "any":
        state = enum_from_word(ticket_pb2.TicketState.DESCRIPTOR, filters.state)
        if state:
            request.states.append(state)
    ticket_type = enum_from_word(ticket_pb2.TicketType.DESCRIPTOR, filters.type)
    if ticket_type:
        request.types.append(ticket_type)
    priority = enum_from_word(ticket_pb2.TicketPriority.DESCRIPTOR, filters.priority)
    if priority:
        request.priorities.append(priority)
    if filters.breached:
        request.sla_breached = True
    return request


def ticket_due(ticket):
    """The clock that matters now: the first response until it is given, then resolution."""
    first_due = ticket.sla.first_response_due_time
    if not (ticket.first_response_time.seconds or ticket.first_response_time.nanos) \
            and (first_due.seconds or first_due.nanos) and ticket.state in OPEN_STATES:
        return first_due
    resolution = ticket.sla.resolution_due_time
    return resolution if (resolution.seconds or resolution.nanos) else None


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue, in the ticket service's order (the resolution clock's due time,
    most urgent first; tickets without one last), paged by the service's keyset tokens."""

    tickets: list
    next_page_token: str
    total_size: int


def queue_page(reply) -> QueuePage:
    return QueuePage(tickets=list(reply.tickets), next_page_token=reply.next_page_token,
                     total_size=reply.total_size)


def is_breached(ticket) -> bool:
    return ticket.sla.first_response_breached or ticket.sla.resolution_breached


PRIORITY_KINDS = {ticket_pb2.TICKET_PRIORITY_URGENT: "bad", ticket_pb2.TICKET_PRIORITY_HIGH: "warn",
                  ticket_pb2.TICKET_PRIORITY_NORMAL: "info", ticket_pb2.TICKET_PRIORITY_LOW: "muted"}
STATE_KINDS = {ticket_pb2.TICKET_STATE_NEW: "info", ticket_pb2.TICKET_STATE_ROUTED: "info",
               ticket_pb2.TICKET_STATE_IN_PROGRESS: "warn",
               ticket_pb2.TICKET_STATE_WAITING_ON_CUSTOMER: "muted",
               ticket_pb2.TICKET_STATE_RESOLVED: "ok", ticket_pb2.TICKET_STATE_CONFIRMED: "ok",
               ticket_pb2.TICKET_STATE_CLOSED: "muted"}
TYPE_KINDS = {ticket_pb2.TICKET_TYPE_COMPLAINT: "bad", ticket_pb2.TICKET_TYPE_FAULT: "warn",
              ticket_pb2.TICKET_TYPE_CONSULTATION: "info", ticket_pb2.TICKET_TYPE_DEMAND: "info"}


# --- the leads' overview ------------------------------------------------------------------------

PERIODS = ("30d", "90d", "month", "quarter")
PERIOD_LABELS = {"30d": N_("Last 30 days"), "90d": N_("Last 90 days"),
                 "month": N_("This month"), "quarter": N_("This quarter")}


def period_range(period: str, today: date) -> types_pb2.DateRange:
    if period == "month":
        start = today.replace(day=1)
    elif period == "quarter":
        start = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    elif period == "90d":
        start = today - timedelta(days=89)
    else:
        start = today - timedelta(days=29)
    return types_pb2.DateRange(start_date=start.isoformat(), end_date=today.isoformat())


def day_start(text: str) -> datetime:
    return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)


def load_chart(agents, labels: dict[str, str]) -> dict:
    """Agents' open tickets against their capacity (a horizontal bar chart)."""
    names = [a.display_name or a.user_id[:8] for a in agents]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [labels["open"], labels["capacity"]]},
        "grid": {"left": 8, "right": 16, "top": 32, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "data": names},
        "series": [
            {"name": labels["open"], "type": "bar",
             "data": [a.open_ticket_count for a in agents]},
            {"name": labels["capacity"], "type": "bar",
             "data": [a.max_open_tickets or None for a in agents]},
        ],
    }


def sla_chart(report, labels: dict[str, str], names: dict[str, str]) -> dict:
    """The SLA rates of the period (per cent) and the previous period's for comparison."""
    kpis = {k.key: k for k in report.kpis}
    keys = [key for key in SLA_CHART_KEYS if key in kpis]

    def pct(value):
        return None if value is None else round(value * 100, 1)

    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [labels["current"], labels["previous"]]},
        "grid": {"left": 8, "right": 16, "top": 32, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "yAxis": {"type": "category", "data": [names[key] for key in keys]},
        "series": [
            {"name": labels["current"], "type": "bar",
             "data": [pct(kpis[key].value) for key in keys]},
            {"name": labels["previous"], "type": "bar",
             "data": [pct(kpis[key].previous_value if kpis[key].HasField("previous_value")
                          else None) for key in keys]},
        ],
    }


def satisfaction_scores(tickets) -> dict[int, int]:
    """How many tickets got each satisfaction score 1..5 (rounded)."""
    counts = {score: 0 for score in range(1, 6)}
    for ticket in tickets:
        if ticket.HasField("satisfaction_score"):
            score = min(5, max(1, round(ticket.satisfaction_score)))
            counts[score] += 1
    return counts


def satisfaction_chart(counts: dict[int, int], labels: dict[str, str]) -> dict:
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 8, "right": 16, "top": 24, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": [labels[str(s)] for s in sorted(counts)]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"name": labels["tickets"], "type": "bar",
                    "data": [counts[s] for s in sorted(counts)]}],
    }
