"""The customer 360 page's collaborators panel (team selling, issue 18; seed 004:
多人跟進同一客戶時,需在CRM系統共享跟進記錄): the people working on the customer with its owner and
their roles, a form to add one (by user, with a role) and a remove button. Everything goes
through the customer service with the user's token: it decides who may change them (the
owner's line; a collaborator is refused, shown in the panel) and a customer the user may not see
is a 404.

RPCs: CustomerService.GetCustomer (the owner and the collaborators), AddCustomerCollaborator,
RemoveCustomerCollaborator; SalesService.ListSalesReps (names, through ``owner_names``)."""

from __future__ import annotations

from crm.common.v1 import collaborators_pb2
from crm.customer.v1 import customer_pb2
from crm_shared.auth import DataScope
from flask import abort, g, redirect, render_template, request, url_for

from crm_console.i18n import N_
from crm_console.i18n import gettext as _
from crm_console.refusals import Refusal
from crm_console.rpc import call
from crm_console.views import customers as customers_view
from crm_console.views.customers_panels import _attempt, _checked

ROLE_LABELS = {
    collaborators_pb2.COLLABORATOR_ROLE_CO_OWNER: N_("Co-owner"),
    collaborators_pb2.COLLABORATOR_ROLE_TECHNICAL_SUPPORT: N_("Technical support"),
    collaborators_pb2.COLLABORATOR_ROLE_SERVICE: N_("Customer service"),
}
"""Every role of the contract (``crm.common.v1.CollaboratorRole``), in its order."""
ROLE_WORDS = {
    value.name.removeprefix("COLLABORATOR_ROLE_").lower(): value.number
    for value in collaborators_pb2.CollaboratorRole.DESCRIPTOR.values
    if value.number
}


def role_label(role: int) -> str:
    label = ROLE_LABELS.get(role)
    return _(label) if label else ""


def _panel(
    customer_id: str,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
):
    record, refusal = _attempt(
        "customer", "GetCustomer", customer_pb2.GetCustomerRequest(id=customer_id)
    )
    people = customers_view.owner_names()
    taken = {record.owner_id, *(c.user_id for c in record.collaborators)} if record else set()
    return render_template(
        "customers/_collaborators.html",
        customer_id=customer_id,
        refusal=refusal,
        collaborators=list(record.collaborators) if record else [],
        people=people,
        addable=[
            (user_id, name)
            for user_id, name in sorted(people.items(), key=lambda p: p[1])
            if user_id not in taken
        ],
        may_change=bool(record) and _may_change(record),
        errors=errors or {},
        values=values or {},
        role_label=role_label,
        roles=[(word, _(ROLE_LABELS[number])) for word, number in ROLE_WORDS.items()],
    ), status


def _may_change(record: customer_pb2.Customer) -> bool:
    """Whether to offer the form: not to a mere collaborator (the service refuses them anyway)."""
    principal = g.principal
    return (
        principal.user_id == record.owner_id
        or principal.data_scope is not DataScope.OWN
        or not any(c.user_id == principal.user_id for c in record.collaborators)
    )


@customers_view.blueprint.get("/<customer_id>/panels/collaborators")
def collaborators_panel(customer_id: str):
    return _panel(_checked(customer_id))


@customers_view.blueprint.post("/<customer_id>/collaborators")
def add_collaborator(customer_id: str):
    customer_id = _checked(customer_id)
    values = {
        "user_id": request.form.get("user_id", "").strip()[:64],
        "role": request.form.get("role", ""),
    }
    errors: dict[str, str] = {}
    if not values["user_id"]:
        errors["user_id"] = _("Choose a person.")
    if values["role"] not in ROLE_WORDS:
        errors["role"] = _("Choose a role.")
    if not errors:
        try:
            call(
                "customer",
                "AddCustomerCollaborator",
                customer_pb2.AddCustomerCollaboratorRequest(
                    customer_id=customer_id,
                    user_id=values["user_id"],
                    role=ROLE_WORDS[values["role"]],
                ),
            )
        except Refusal as refusal:
            if refusal.status == 404:
                raise
            errors = dict(refusal.field_errors) or {"": refusal.message}
    return _answer(customer_id, errors, values)


@customers_view.blueprint.post("/<customer_id>/collaborators/<user_id>/remove")
def remove_collaborator(customer_id: str, user_id: str):
    customer_id = _checked(customer_id)
    if not user_id or len(user_id) > 64:
        abort(404)
    errors: dict[str, str] = {}
    try:
        call(
            "customer",
            "RemoveCustomerCollaborator",
            customer_pb2.RemoveCustomerCollaboratorRequest(
                customer_id=customer_id, user_id=user_id
            ),
        )
    except Refusal as refusal:
        if refusal.status == 404:
            raise
        errors = {"": refusal.message}
    return _answer(customer_id, errors, {})


def _answer(customer_id: str, errors: dict[str, str], values: dict[str, str]):
    """The panel again (htmx), or the page (a plain form post; a refusal is a page)."""
    if not request.headers.get("HX-Request"):
        if errors:
            raise Refusal(status=422, message="; ".join(errors.values()))
        return redirect(url_for("customers.customer", customer_id=customer_id) + "#collaborators")
    return _panel(customer_id, errors, values, 422 if errors else 200)
