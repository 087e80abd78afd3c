"""Pure translation for the customer pages: a form into a ``Customer``, the list's filter bar
into a ``ListCustomersRequest``, a search box text into what to look up. No Flask, no calls:
unit-tested in ``console/tests/test_customers_forms.py``."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2

from crm_console.i18n import N_

TYPES = {"enterprise": customer_pb2.CUSTOMER_TYPE_ENTERPRISE,
         "individual": customer_pb2.CUSTOMER_TYPE_INDIVIDUAL}
GENDERS = {"male": customer_pb2.GENDER_MALE, "female": customer_pb2.GENDER_FEMALE,
           "other": customer_pb2.GENDER_OTHER}
SOURCES = {value.name.removeprefix("SOURCE_CHANNEL_").lower(): value.number
           for value in types_pb2.SourceChannel.DESCRIPTOR.values if value.number}
VALUE_CLASSES = {"A": types_pb2.VALUE_CLASS_A, "B": types_pb2.VALUE_CLASS_B,
                 "C": types_pb2.VALUE_CLASS_C}
STAGES = {value.name.removeprefix("LIFECYCLE_STAGE_").lower(): value.number
          for value in types_pb2.LifecycleStage.DESCRIPTOR.values if value.number}

# The form's fields, by the API field path they fill (errors come back keyed the same way).
COMMON_TEXT = ("display_name", "phone", "email", "source_detail", "needs", "address",
               "wechat_id")
ENTERPRISE_TEXT = ("enterprise.legal_name", "enterprise.industry",
                   "enterprise.registration_number", "enterprise.website")
INDIVIDUAL_TEXT = ("individual.occupation", "individual.birth_date")

FORM_ONLY_MESSAGES = {"number": N_("must be a whole number")}


def _text(form: Mapping[str, str], name: str) -> str:
    return (form.get(name) or "").strip()


def customer_from_form(form: Mapping[str, str]) -> tuple[customer_pb2.Customer, dict[str, str]]:
    """The customer a "new customer" form describes, and the errors the form alone can tell
    (a number field that is not a number); everything else is the service's to judge."""
    errors: dict[str, str] = {}
    kind = _text(form, "type")
    customer = customer_pb2.Customer(type=TYPES.get(kind, 0))
    for path in COMMON_TEXT:
        value = _text(form, path)
        if value:
            setattr(customer, path, value)
    source = SOURCES.get(_text(form, "source"))
    if source:
        customer.source = source
    if kind == "enterprise":
        profile = customer.enterprise
        profile.SetInParent()
        for path in ENTERPRISE_TEXT:
            value = _text(form, path)
            if value:
                setattr(profile, path.split(".", 1)[1], value)
        staff = _text(form, "enterprise.staff_count")
        if staff:
            if staff.isdigit() and int(staff) < 2**31:
                profile.staff_count = int(staff)
            else:
                errors["enterprise.staff_count"] = FORM_ONLY_MESSAGES["number"]
    elif kind == "individual":
        profile = customer.individual
        profile.SetInParent()
        for path in INDIVIDUAL_TEXT:
            value = _text(form, path)
            if value:
                setattr(profile, path.split(".", 1)[1], value)
        gender = GENDERS.get(_text(form, "individual.gender"))
        if gender:
            profile.gender = gender
        age = _text(form, "individual.age")
        if age:
            if age.isdigit() and int(age) <= 150:
                profile.age = int(age)
            else:
                errors["individual.age"] = FORM_ONLY_MESSAGES["number"]
    return customer, errors


DECISION_ROLES = {value.name.removeprefix("DECISION_ROLE_").lower(): value.number
                  for value in customer_pb2.DecisionRole.DESCRIPTOR.values if value.number}


def contact_from_form(customer_id: str, form: Mapping[str, str]
                      ) -> tuple[customer_pb2.Contact, str]:
    """The contact an "add a contact" form describes, and its idempotency key (the form's, or
    a new one when it has none that is a UUID)."""
    contact = customer_pb2.Contact(customer_id=customer_id)
    for name in ("name", "job_title", "department", "phone", "email",
                 "reports_to_contact_id"):
        value = _text(form, name)
        if value:
            setattr(contact, name, value)
    role = DECISION_ROLES.get(_text(form, "decision_role"))
    if role:
        contact.decision_role = role
    contact.primary = _text(form, "primary") in ("true", "on", "1")
    request_id = _text(form, "request_id")
    try:
        request_id = str(uuid.UUID(request_id))
    except ValueError:
        request_id = str(uuid.uuid4())
    return contact, request_id


# --- the list's filter bar --------------------------------------------------------------------

@dataclass
class ListFilters:
    q: str = ""
    tags: list[str] = field(default_factory=list)
    value_class: str = ""
    stage: str = ""
    at_risk: str = ""  # "", "1" (at risk only) or "0" (not at risk)
    owner: str = ""
    type: str = ""

    @property
    def active(self) -> bool:
        return any((self.q, self.tags, self.value_class, self.stage, self.at_risk, self.owner,
                    self.type))


def list_filters(args) -> ListFilters:
    """The filter bar's values from the query string (``args``: a werkzeug MultiDict)."""
    def one(name: str, allowed=None) -> str:
        value = (args.get(name) or "").strip()
        return value if allowed is None or value in allowed else ""

    return ListFilters(
        q=one("q")[:200],
        tags=[tag for tag in args.getlist("tag") if tag][:20],
        value_class=one("value_class", VALUE_CLASSES),
        stage=one("stage", STAGES),
        at_risk=one("at_risk", ("1", "0")),
        owner=one("owner")[:64],
        type=one("type", TYPES),
    )


def list_request(filters: ListFilters, *, page_size: int, page_token: str = "",
                 may_filter_owner: bool = False) -> customer_pb2.ListCustomersRequest:
    """The service's keyset page for the filters (newest first); the service counts and pages."""
    request = customer_pb2.ListCustomersRequest(page_size=page_size, page_token=page_token,
                                                query=filters.q)
    if filters.tags:
        request.tag_ids.extend(filters.tags)
    if filters.value_class:
        request.value_classes.append(VALUE_CLASSES[filters.value_class])
    if filters.stage:
        request.lifecycle_stages.append(STAGES[filters.stage])
    if filters.at_risk:
        request.at_risk = filters.at_risk == "1"
    if filters.owner and may_filter_owner:
        request.owner_id = filters.owner
    if filters.type:
        request.type = TYPES[filters.type]
    return request


def filter_args(filters: ListFilters) -> dict[str, str | list[str]]:
    """The query string of the filters (what :func:`list_filters` reads back), for a link that
    keeps them, such as the export's."""
    args = {"q": filters.q, "tag": filters.tags, "value_class": filters.value_class,
            "stage": filters.stage, "at_risk": filters.at_risk, "owner": filters.owner,
            "type": filters.type}
    return {name: value for name, value in args.items() if value}


# --- global search ----------------------------------------------------------------------------

TICKET_NUMBER = re.compile(r"^T\d{8}-\d{1,6}$", re.IGNORECASE)
CUSTOMER_NUMBER = re.compile(r"^C\d{1,12}$", re.IGNORECASE)
PHONE = re.compile(r"^\+?[\d\s()-]{7,20}$")


@dataclass(frozen=True)
class SearchPlan:
    """What a search box text is looked up as."""
    text: str
    ticket_number: str = ""
    customer_number: str = ""
    phone: str = ""

    @property
    def exact(self) -> bool:
        return bool(self.ticket_number or self.customer_number or self.phone)


def search_plan(q: str) -> SearchPlan:
    text = " ".join((q or "").split())[:200]
    if TICKET_NUMBER.match(text):
        return SearchPlan(text, ticket_number=text.upper())
    if CUSTOMER_NUMBER.match(text):
        return SearchPlan(text, customer_number=text.upper())
    if PHONE.match(text):
        digits = re.sub(r"[\s()-]", "", text)
        if sum(ch.isdigit() for ch in digits) >= 7:
            return SearchPlan(text, phone=digits)
    return SearchPlan(text)
