"""Administration (role ``admin``): users and departments (the gateway's identity REST API),
routing rules, SLA policies and business calendars (ticket service), assignment rules (sales
service), notification rules, message templates and dead letters (notification service).

One blueprint, ``admin``, under ``/admin/``; its pages live in the modules of this package.
Everyone else gets a readable refusal before any data is read (the services would refuse
them too: the sidebar and this check are conveniences, never the only guard)."""

from __future__ import annotations

import uuid

from crm.common.v1 import rules_pb2
from flask import Blueprint, current_app, g, request, session

from crm_console.condition_text import describe_condition  # noqa: F401 - the admin lists'
from crm_console.i18n import N_
from crm_console.navigation import ADMIN, NavItem
from crm_console.refusals import Refusal

blueprint = Blueprint("admin", __name__, url_prefix="/admin")
SECTION = N_("Administration")
NAV = [
    NavItem("admin.users", N_("Users"), roles=ADMIN, order=10, section=SECTION),
    NavItem("admin.departments", N_("Departments"), roles=ADMIN, order=20, section=SECTION),
    NavItem("admin.routing_rules", N_("Routing rules"), roles=ADMIN, order=30, section=SECTION),
    NavItem("admin.assignment_rules", N_("Assignment rules"), roles=ADMIN, order=40,
            section=SECTION),
    NavItem("admin.sla_policies", N_("SLA policies"), roles=ADMIN, order=50, section=SECTION),
    NavItem("admin.calendars", N_("Business calendars"), roles=ADMIN, order=60,
            section=SECTION),
    NavItem("admin.notification_rules", N_("Notification rules"), roles=ADMIN, order=70,
            section=SECTION),
    NavItem("admin.templates", N_("Message templates"), roles=ADMIN, order=80, section=SECTION),
    NavItem("admin.dead_letters", N_("Dead letters"), roles=ADMIN, order=90, section=SECTION),
]
PAGE_SIZE = 100
CONDITION_ROWS_EMPTY = 2  # blank condition rows offered under the existing ones
OPEN_PAGES: dict = {}
"""Endpoints open to more than admins → who else may use them (``Principal → bool``), set by
the module defining the page (the tag catalogue: every lead, as the customer service allows)."""


@blueprint.before_request
def _admins_only():
    principal = g.get("principal")
    also = OPEN_PAGES.get(request.endpoint or "")
    if principal is None or not (principal.has_role(*ADMIN) or (also and also(principal))):
        raise Refusal(status=403, message="", service="console")


# --- shared by the pages ---------------------------------------------------------------------

def identity(method: str, path: str, body: dict | None = None, params: dict | None = None):
    """The gateway's identity REST API, as the signed-in admin."""
    return current_app.extensions["crm.console"].identity.request(
        method, path, token=session["access_token"], body=body, params=params)


def departments() -> list[dict]:
    return identity("GET", "/api/v1/departments").get("departments", [])


def department_options(blank: str | None = None) -> list[tuple[str, str]]:
    """(path, "path  name") for a select; department names are data, so the path comes first."""
    from crm_console.i18n import gettext

    options = [("", gettext(blank) if blank else "")] if blank is not None else []
    try:
        found = departments()
    except Refusal:
        return options
    return options + [(d["path"], f'{d["path"]} · {d["name"]}') for d in found]


def users() -> list[dict]:
    return identity("GET", "/api/v1/users").get("users", [])


def request_id() -> str:
    """The form's idempotency key: the same submission twice creates one record."""
    value = (request.form.get("request_id") or "").strip()
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return str(uuid.uuid4())


def new_request_id() -> str:
    return str(uuid.uuid4())


def checked(name: str) -> bool:
    return request.form.get(name) in ("true", "on", "1")


def words(text: str) -> list[str]:
    """``a, b；c`` → ``["a", "b", "c"]`` (commas of either width, or new lines)."""
    for separator in ("，", "；", ";", "\n"):
        text = text.replace(separator, ",")
    return [part.strip() for part in text.split(",") if part.strip()]


def enum_options(enum, *, blank: str | None = None, skip_zero: bool = True):
    """(number, English label) pairs of a proto enum (labels are translated where shown)."""
    from crm_console.display import enum_label
    from crm_console.i18n import gettext

    options = [("", gettext(blank) if blank else "")] if blank is not None else []
    for value in enum.values:
        if value.number == 0 and skip_zero:
            continue
        options.append((str(value.number), enum_label(enum, value.number)))
    return options


def int_or_zero(text: str | None) -> int:
    try:
        return int((text or "").strip() or 0)
    except ValueError:
        return -1  # the service names the field


# Condition rows: condition.match, condition.conditions[i].field/.operator/.values
def condition_from_form(form, prefix: str = "condition") -> rules_pb2.ConditionGroup:
    group = rules_pb2.ConditionGroup(match=int_or_zero(form.get(f"{prefix}.match")) or 0)
    index = 0
    while f"{prefix}.conditions[{index}].field" in form:
        base = f"{prefix}.conditions[{index}]"
        field_name = (form.get(f"{base}.field") or "").strip()
        operator = int_or_zero(form.get(f"{base}.operator"))
        values = words(form.get(f"{base}.values") or "")
        index += 1
        if not field_name and not values and operator <= 0:
            continue  # an empty row
        group.conditions.add(field=field_name, operator=max(operator, 0), values=values)
    return group


def condition_values(group, prefix: str = "condition") -> dict:
    values = {f"{prefix}.match": str(group.match or rules_pb2.MATCH_MODE_ALL)}
    for index, condition in enumerate(group.conditions):
        base = f"{prefix}.conditions[{index}]"
        values[f"{base}.field"] = condition.field
        values[f"{base}.operator"] = str(condition.operator)
        values[f"{base}.values"] = ", ".join(condition.values)
    return values


def condition_rows(values: dict, prefix: str = "condition") -> int:
    """How many condition rows the form shows: those filled in, plus blank ones."""
    filled = 0
    while f"{prefix}.conditions[{filled}].field" in values:
        filled += 1
    return filled + CONDITION_ROWS_EMPTY


def known_roles(extra=()) -> list[str]:
    """The roles a person can be given (``crm_shared.auth.roles.ROLES``, declared once), and
    any other role a user already holds (so an edit never drops it)."""
    from crm_shared.auth.roles import ROLES

    return sorted({*ROLES, *extra} - {"service"})


from crm_console.views.admin import (  # noqa: F401 - routes attach to the blueprint
    directory,
    notifications,
    sales_rules,
    tags,
    ticket_setup,
)
