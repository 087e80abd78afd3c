"""Writes that name another service's record: the caller must be able to see it.

A request that stores a reference to a record another service owns (a customer id above all)
is only as trustworthy as its caller: a rep who could open an opportunity, a contract, a lead
or a ticket for any customer id would move that customer's value class, lifecycle stage and
timeline in the customer service and make marketing write to the customer (issue 15). So
every such write is checked **before its handler runs, with the caller's own token**: the
owning service is asked for the record through the suite's client factory, which forwards the
current principal's token, so the owning service applies the caller's rights.

Declared once, here:

* :data:`REFERENCES`: which request field of which RPC names which kind of record. The server
  bootstrap (``crm_shared.grpc.server.GrpcApi``) installs :class:`ReferenceGuard` as the
  innermost interceptor, so declaring an RPC here is what enforces it, for every service.
* A record that belongs to another (a contact to its customer) is declared with
  ``belongs_to``, the request field naming that other record: the write is refused unless the
  owning service shows the caller the record *and* it belongs to the one the write names, so
  a write cannot pair a customer with a stranger's contact. The customer is judged by its own
  reference (or, where a service checks it itself, by that service). An update that changes
  only the contact names no customer: ``belongs_via`` says the record being changed (its id
  in ``belongs_to``) holds it, and the service's look-up of that kind returns the stored
  record's customer, so the new contact must be one of the customer the record already names.
* :data:`SERVICE_DESK_ROLES`: an explicit exception. Service agents take phone calls and may open
  a ticket for any *active* customer. The customer service lets these roles read any active
  customer by id (masked) for that reason, so the look-up through their token finds it; every
  other reference also needs the ordinary rule (owner, department subtree, ``all``), checked
  here on the owner and department the owning service returned, so the agents' read exception
  does not leak into sales.
* A customer's collaborators (team selling) name it as its owner's line does: the owning
  service shows it to them and lists them on the record (``Referenced.collaborator_ids``).
* :data:`CAMPAIGN_INTAKE_SCOPES`: the systems that record leads and purchases from outside (the
  public lead form, an ERP) name a campaign without a data scope: any *running* campaign, which
  is all the marketing service shows them.

A named record the caller may not see, or that does not exist, or that is no longer active
(merged, erased) fails the write with INVALID_ARGUMENT and a field violation on the
referencing field (``<kind> not found or not visible to you``: the two are not told apart, so
existence does not leak), and the handler never runs, so nothing is stored or published. An
owning service that cannot answer (down, too slow, not configured) fails the write with
UNAVAILABLE: a reference is never accepted unchecked.

A service provides the look-up of each kind its declared RPCs need on its binding
(``ServiceBinding(references={CUSTOMER: client.referenced_customer})``), using the client of
that service it already has. The record a look-up returned stays known for the rest of the
call (:func:`checked`), so a handler that needs it (ticket routing reads the customer's value
class) does not ask twice.

Consumers of events trust their producers: the customer service applies sales and ticket
events (value class, lifecycle stage, timeline) because the producer checked, at the write,
that its caller may see the customer.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import grpc
from crm.customer.v1 import customer_pb2
from crm.marketing.v1 import marketing_pb2

from crm_shared.access import requirement_of
from crm_shared.auth.principal import Principal, current_principal
from crm_shared.auth.visibility import can_see
from crm_shared.errors import FieldViolation, InvalidArgument, Unavailable

CUSTOMER = "customer"
CONTACT = "contact"
CAMPAIGN = "campaign"
TICKET = "ticket"
ACTIVITY = "activity"
"""Kinds of the records being changed that a reference may belong through (``belongs_via``):
the owning service looks them up in its own database, as the caller may see them."""

SERVICE_DESK_ROLES = frozenset({"agent", "service_agent"})
"""Roles that may read any active customer by id, and so open a ticket for one (they take
phone calls). The customer service's read rule and the ticket rule below are this one set."""

CAMPAIGN_INTAKE_SCOPES = requirement_of(
    marketing_pb2.DESCRIPTOR.services_by_name["MarketingService"].methods_by_name["GetCampaign"]
).scopes
"""The systems that record leads and purchases from outside (the public lead form's
``leads.intake``, an ERP's ``purchases.write``): the marketing contract opens ``GetCampaign`` to
these scopes, showing them a *running* campaign and nothing else, so they may name any running
campaign (a web form carries its campaign) and learn nothing more; whose campaign it is does
not matter, as no data scope applies to a service account."""


@dataclass(frozen=True)
class Reference:
    """``field`` (dotted path in the request) names a record of ``kind``. On an update RPC,
    ``update_path`` is the path of the field in ``update_mask``: the reference is checked only
    when the update changes it. ``any_active_for_roles``: callers with one of these roles may
    name any active record the owning service shows them (the explicit exception);
    ``any_active_for_scopes``: the same for service accounts holding one of these scopes.
    ``belongs_to``: the request field naming the record this one must belong to (a contact's
    customer); then the record is the caller's to name when the owning service shows it to
    them and it belongs to that one. ``belongs_via``: ``belongs_to`` names the record being
    changed, of this kind; the named record must belong to the one *it* belongs to (a ticket's
    new contact must be one of the ticket's customer's). When the caller may not see the
    record being changed, the handler refuses the call (NOT_FOUND) and nothing is told here."""

    field: str
    kind: str
    update_path: str = ""
    any_active_for_roles: frozenset[str] = frozenset()
    any_active_for_scopes: frozenset[str] = frozenset()
    belongs_to: str = ""
    belongs_via: str = ""


REFERENCES: Mapping[str, tuple[Reference, ...]] = {
    # sales: leads, conversion, deals, purchases from other systems; the campaign a lead, a
    # deal or a purchase is attributed to (marketing's ROI counts it) is one the caller sees
    "/crm.sales.v1.SalesService/CreateLead": (
        Reference("lead.customer_id", CUSTOMER), Reference("lead.campaign_id", CAMPAIGN)),
    "/crm.sales.v1.SalesService/SubmitLeadForm": (
        Reference("campaign_id", CAMPAIGN, any_active_for_scopes=CAMPAIGN_INTAKE_SCOPES),),
    "/crm.sales.v1.SalesService/UpdateLead": (
        Reference("lead.customer_id", CUSTOMER, update_path="customer_id"),
        Reference("lead.campaign_id", CAMPAIGN, update_path="campaign_id")),
    "/crm.sales.v1.SalesService/ConvertLead": (Reference("existing_customer_id", CUSTOMER),),
    "/crm.sales.v1.SalesService/CreateOpportunity": (
        Reference("opportunity.customer_id", CUSTOMER),
        Reference("opportunity.campaign_id", CAMPAIGN)),
    "/crm.sales.v1.SalesService/UpdateOpportunity": (
        Reference("opportunity.campaign_id", CAMPAIGN, update_path="campaign_id"),),
    "/crm.sales.v1.SalesService/CreateContract": (Reference("contract.customer_id", CUSTOMER),),
    "/crm.sales.v1.SalesService/RecordPurchase": (
        Reference("purchase.customer_id", CUSTOMER),
        Reference("purchase.campaign_id", CAMPAIGN,
                  any_active_for_scopes=CAMPAIGN_INTAKE_SCOPES)),
    # (the activity's customer is checked by the sales service against its customer facts)
    "/crm.sales.v1.SalesService/CreateActivity": (
        Reference("activity.contact_id", CONTACT, belongs_to="activity.customer_id"),),
    "/crm.sales.v1.SalesService/UpdateActivity": (
        Reference("activity.contact_id", CONTACT, update_path="contact_id",
                  belongs_to="activity.id", belongs_via=ACTIVITY),),
    # ticket: the service desk takes calls from any active customer
    "/crm.ticket.v1.TicketService/CreateTicket": (
        Reference("ticket.customer_id", CUSTOMER, any_active_for_roles=SERVICE_DESK_ROLES),
        Reference("ticket.contact_id", CONTACT, belongs_to="ticket.customer_id"),),
    "/crm.ticket.v1.TicketService/UpdateTicket": (
        Reference("ticket.contact_id", CONTACT, update_path="contact_id",
                  belongs_to="ticket.id", belongs_via=TICKET),),
}
"""Every RPC that stores a reference to another service's record, by full method name."""


@dataclass(frozen=True)
class Referenced:
    """What the owning service showed the caller of a named record."""

    owner_id: str
    department_path: str
    active: bool
    record: object = None
    belongs_to_id: str = ""
    """The record this one belongs to (a contact's customer id)."""
    """The owning service's message (a ``crm.customer.v1.Customer``), for the handler."""
    collaborator_ids: frozenset[str] = frozenset()
    """The people working on the record with its owner (a customer's collaborators): they
    name it like its owner's line does."""


def customer_referenced(customer: customer_pb2.Customer) -> Referenced:
    """A customer as the customer service showed it to the caller, as this rule judges it (the
    services' customer look-ups)."""
    return Referenced(owner_id=customer.owner_id, department_path=customer.department_path,
                      active=customer.state in (customer_pb2.CUSTOMER_STATE_ACTIVE,
                                                customer_pb2.CUSTOMER_STATE_UNSPECIFIED),
                      record=customer,
                      collaborator_ids=frozenset(c.user_id for c in customer.collaborators))


Lookup = Callable[[str], "Referenced | None"]
"""A service's look-up of one kind, made with the caller's token: the record as the owning
service shows it to the caller, None when it does not exist or is not the caller's to see;
raises ``crm_shared.errors.Unavailable`` when the owning service cannot tell."""

_checked: contextvars.ContextVar[dict[tuple[str, str], Referenced] | None] = (
    contextvars.ContextVar("crm_checked_references", default=None))


def checked(kind: str, record_id: str) -> Referenced | None:
    """The record of ``kind`` this call's reference check found (None outside a checked call
    or for another id)."""
    found = _checked.get()
    return None if found is None else found.get((kind, record_id))


@contextlib.contextmanager
def _checking() -> Iterator[dict[tuple[str, str], Referenced]]:
    found: dict[tuple[str, str], Referenced] = {}
    token = _checked.set(found)
    try:
        yield found
    finally:
        _checked.reset(token)


def _value(message, path: str) -> str:
    for name in path.split("."):
        message = getattr(message, name)
    return str(message).strip()


def may_reference(principal: Principal, reference: Reference, found: Referenced | None,
                  belongs_to_id: str = "") -> bool:
    """The rule, given what the owning service showed the caller (None: nothing) and, for a
    reference declared ``belongs_to``, the id the request names in that field."""
    if found is None or not found.active:
        return False
    if reference.belongs_to:  # shown to the caller; whose it is, is the named record's check
        return bool(belongs_to_id) and found.belongs_to_id == belongs_to_id
    if reference.any_active_for_roles and principal.has_role(*reference.any_active_for_roles):
        return True
    if principal.is_service_account and principal.scopes & reference.any_active_for_scopes:
        return True
    if principal.user_id in found.collaborator_ids:
        return True
    return can_see(principal, owner_id=found.owner_id, department_path=found.department_path)


def check_references(method: str, request, lookups: Mapping[str, Lookup],
                     references: Mapping[str, tuple[Reference, ...]] = REFERENCES,
                     found: dict[tuple[str, str], Referenced] | None = None) -> None:
    """Refuse ``request`` of ``method`` (``/pkg.Service/Rpc``) when it names a record the
    current caller may not see (INVALID_ARGUMENT), or one that cannot be checked now
    (UNAVAILABLE). What was found is put in ``found``."""
    declared = references.get(method, ())
    if not declared:
        return
    principal = current_principal()
    paths = set(request.update_mask.paths) if any(r.update_path for r in declared) else set()
    violations: list[FieldViolation] = []
    for reference in declared:
        if reference.update_path and reference.update_path not in paths:
            continue
        record_id = _value(request, reference.field)
        if not record_id:
            continue  # the handler says whether the field is required
        parent_id = _value(request, reference.belongs_to) if reference.belongs_to else ""
        if reference.belongs_via:
            changed = _lookup(lookups, reference.belongs_via, reference.belongs_to)(parent_id) \
                if parent_id else None
            if changed is None:
                continue  # not the caller's to change: the handler refuses it as not found
            parent_id = changed.belongs_to_id
        shown = _lookup(lookups, reference.kind, reference.field)(record_id)
        if not may_reference(principal, reference, shown, parent_id):
            stray = reference.belongs_to and shown is not None and shown.active  # shown: no leak
            owner = (f"the {reference.belongs_via} {reference.belongs_to} names"
                     if reference.belongs_via else reference.belongs_to)
            violations.append(FieldViolation(reference.field, (
                f"is not a {reference.kind} of {owner}" if stray
                else f"{reference.kind} not found or not visible to you")))
        elif found is not None:
            found[(reference.kind, record_id)] = shown
    if violations:
        raise InvalidArgument(violations)


def _lookup(lookups: Mapping[str, Lookup], kind: str, field: str) -> Lookup:
    lookup = lookups.get(kind)
    if lookup is None:
        raise Unavailable(f"no {kind} service is configured to check {field}; nothing was "
                          "changed")
    return lookup


class ReferenceGuard(grpc.ServerInterceptor):
    """Runs :func:`check_references` before the handler of every declared RPC, with the
    look-ups the binding of its service gave (``lookups[service full name][kind]``). Installed
    inside authentication (the principal is known) and inside error mapping."""

    def __init__(self, lookups: Mapping[str, Mapping[str, Lookup]],
                 references: Mapping[str, tuple[Reference, ...]] = REFERENCES) -> None:
        self.lookups = lookups
        self.references = references

    def intercept_service(self, continuation, handler_call_details):
        handler = continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or method not in self.references or not handler.unary_unary:
            return handler
        service = method.lstrip("/").split("/", 1)[0]
        lookups = self.lookups.get(service, {})
        behavior = handler.unary_unary

        def guarded(request, context):
            with _checking() as found:
                check_references(method, request, lookups, self.references, found)
                return behavior(request, context)

        return grpc.unary_unary_rpc_method_handler(
            guarded, handler.request_deserializer, handler.response_serializer)
