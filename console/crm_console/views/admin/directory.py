"""Users and departments: the gateway's ``/api/v1/users`` and ``/api/v1/departments``."""

from __future__ import annotations

from urllib.parse import quote

from flask import redirect, render_template, request, url_for

from crm_console.i18n import N_
from crm_console.i18n import gettext as _
from crm_console.refusals import Refusal
from crm_console.views.admin import (
    blueprint,
    checked,
    department_options,
    departments,
    identity,
    known_roles,
    users,
)

DATA_SCOPES = (("own", N_("Own records")), ("department", N_("Department subtree")),
               ("all", N_("Everything")))
LOCALES = (("zh-CN", N_("Chinese (Simplified)")), ("en-US", N_("English")))
# What the roles are called (a role not listed shows as its name).
ROLE_LABELS = {
    "admin": N_("Administrator"),
    "manager": N_("Manager"),
    "sales_lead": N_("Sales lead"),
    "sales_rep": N_("Sales rep"),
    "agent": N_("Agent"),
    "service_agent": N_("Service agent"),
    "service_lead": N_("Service lead"),
    "marketer": N_("Marketer"),
    "dpo": N_("Data protection officer"),
}
USER_TEXT_FIELDS = ("display_name", "email", "phone", "job_title", "department_path",
                    "data_scope", "locale")


def user_from_form(form) -> dict:
    """The body of ``POST /api/v1/users`` from the new-user form (empty optional fields are
    left out, so the gateway's defaults apply)."""
    body = {name: (form.get(name) or "").strip() for name in
            ("username", "display_name", "department_path", "data_scope", "email", "phone",
             "locale", "job_title")}
    body = {k: v for k, v in body.items() if v or k in ("username", "display_name",
                                                        "department_path")}
    body["password"] = form.get("password") or ""
    body["roles"] = form.getlist("roles")
    return body


def user_changes(form, user: dict) -> dict:
    """The fields of the edit form that differ from the user as stored."""
    changes = {}
    for name in USER_TEXT_FIELDS:
        value = (form.get(name) or "").strip()
        if value != (user.get(name) or ""):
            changes[name] = value
    roles = sorted(form.getlist("roles"))
    if roles != sorted(user.get("roles") or []):
        changes["roles"] = roles
    active = form.get("active") in ("true", "on", "1")
    if active != bool(user.get("active")):
        changes["active"] = active
    if form.get("password"):
        changes["password"] = form.get("password")
    return changes


def _user_form(template_values: dict, errors: dict, *, user=None, status=200, roles_extra=()):
    return render_template(
        "admin/user_form.html", values=template_values, errors=errors, user=user,
        roles=known_roles(roles_extra), role_labels=ROLE_LABELS,
        department_options=department_options(blank=""),
        data_scopes_shown=[(v, _(label)) for v, label in DATA_SCOPES],
        locales_shown=[(v, _(label)) for v, label in LOCALES]), status


@blueprint.get("/")
def index():
    return redirect(url_for("admin.users"))


@blueprint.get("/users", endpoint="users")
def users_page():
    query = (request.args.get("q") or "").strip().lower()
    department = request.args.get("department") or ""
    found = users()
    if query:
        found = [u for u in found if query in u["username"].lower()
                 or query in (u.get("display_name") or "").lower()
                 or query in (u.get("email") or "").lower()]
    if department:
        found = [u for u in found if u["department_path"] == department
                 or u["department_path"].startswith(department.rstrip("/") + "/")]
    return render_template("admin/users.html", users=found, role_labels=ROLE_LABELS,
                           department_options=department_options(blank=""),
                           data_scopes=dict(DATA_SCOPES), created=request.args.get("created"))



@blueprint.route("/users/new", methods=["GET", "POST"])
def new_user():
    if request.method == "GET":
        return _user_form({"data_scope": "own", "locale": "zh-CN", "roles": []}, {})
    body = user_from_form(request.form)
    try:
        created = identity("POST", "/api/v1/users", body=body)
    except Refusal as refusal:
        if refusal.status not in (400, 409, 422):
            raise
        errors = dict(refusal.field_errors)
        if refusal.status == 409 and not errors:
            errors["username"] = refusal.message
        values = request.form.to_dict()
        values["roles"] = request.form.getlist("roles")
        values.pop("password", None)  # never echoed back into the page
        return _user_form(values, errors or {"": refusal.message}, status=422)
    return redirect(url_for("admin.users", created=created.get("username", "")))


@blueprint.route("/users/<user_id>", methods=["GET", "POST"])
def edit_user(user_id: str):
    user = identity("GET", f"/api/v1/users/{quote(user_id)}")
    if request.method == "GET":
        return _user_form(user, {}, user=user, roles_extra=user.get("roles", []))
    changes = user_changes(request.form, user)
    if changes:
        try:
            identity("PATCH", f"/api/v1/users/{quote(user_id)}", body=changes)
        except Refusal as refusal:
            if refusal.status not in (400, 409, 422):
                raise
            values = request.form.to_dict()
            values["roles"] = request.form.getlist("roles")
            values["active"] = checked("active")
            values.pop("password", None)
            return _user_form(values, refusal.field_errors or {"": refusal.message}, user=user,
                              status=422, roles_extra=user.get("roles", []))
    return redirect(url_for("admin.users"))


# --- departments ---------------------------------------------------------------------------

def department_tree(found: list[dict]) -> list[dict]:
    """Departments in tree order (each after its parent), with their depth."""
    ordered = sorted(found, key=lambda d: d["path"].split("/"))
    return [{**d, "depth": d["path"].rstrip("/").count("/") - 1} for d in ordered]


def _departments_page(values=None, errors=None, status=200, edit_errors=None, editing=""):
    everyone = users()
    names = {u["id"]: u["display_name"] for u in everyone}
    members: dict[str, list[dict]] = {}
    for u in everyone:
        if u.get("active"):
            members.setdefault(u["department_path"], []).append(u)
    return render_template(
        "admin/departments.html", departments=department_tree(departments()), names=names,
        members=members, values=values or {"path": "/hq/"}, errors=errors or {},
        edit_errors=edit_errors or {}, editing=editing), status


@blueprint.get("/departments", endpoint="departments")
def departments_page():
    return _departments_page()



@blueprint.post("/departments")
def create_department():
    body = {"path": (request.form.get("path") or "").strip().rstrip("/"),
            "name": (request.form.get("name") or "").strip()}
    try:
        identity("POST", "/api/v1/departments", body=body)
    except Refusal as refusal:
        if refusal.status not in (400, 409, 422):
            raise
        errors = dict(refusal.field_errors)
        if not errors:
            errors["path"] = refusal.message
        return _departments_page(values=request.form.to_dict(), errors=errors, status=422)
    return redirect(url_for("admin.departments"))


@blueprint.post("/departments/edit")
def update_department():
    path = (request.form.get("department") or "").strip()
    body = {"name": (request.form.get("name") or "").strip(),
            "lead_user_id": request.form.get("lead_user_id") or None}
    try:
        identity("PATCH", "/api/v1/departments" + quote(path), body=body)
    except Refusal as refusal:
        if refusal.status not in (400, 409, 422):
            raise
        errors = dict(refusal.field_errors) or {"name": refusal.message}
        return _departments_page(edit_errors=errors, editing=path, status=422)
    return redirect(url_for("admin.departments"))
