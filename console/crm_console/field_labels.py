"""The words a person reads for a service's field path.

A field violation names its field by its path in the request (``enterprise.legal_name``,
``customer.enterprise.industry`` in a lead's conversion, ``line_items[0].quantity``). A form
shows the error next to its input when it has one; an error on a field the form does not show
is listed above the form, and there a person reads the field's label in their language, never
the path (:func:`field_name`, the templates' ``field_name``). The customer pages also name the
paths of revisions and missing fields with these labels.
"""

from __future__ import annotations

import re

from crm_console.i18n import N_, gettext

# Field paths (without the request's message: see :func:`field_name`) → their label.
FIELD_LABELS = {
    # the customer record
    "display_name": N_("Name"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "owner_id": N_("Owner"),
    "source": N_("Source"),
    "source_detail": N_("Source detail"),
    "first_contact_date": N_("First contact"),
    "needs": N_("Needs"),
    "address": N_("Address"),
    "wechat_id": N_("WeChat"),
    "bank_name": N_("Bank"),
    "bank_account": N_("Bank account"),
    "lifecycle_stage": N_("Lifecycle stage"),
    "tags": N_("Tags"),
    "primary_contact_id": N_("Primary contact"),
    "external_ids": N_("External ids"),
    "contacts": N_("Contacts"),
    "enterprise.legal_name": N_("Legal name"),
    "enterprise.industry": N_("Industry"),
    "enterprise.staff_count": N_("Staff"),
    "enterprise.annual_revenue": N_("Annual revenue"),
    "enterprise.registration_number": N_("Registration number"),
    "enterprise.website": N_("Website"),
    "individual.gender": N_("Gender"),
    "individual.age": N_("Age"),
    "individual.birth_date": N_("Birth date"),
    "individual.occupation": N_("Occupation"),
    "individual.id_card_number": N_("ID card number"),
    "value_class": N_("Value class"),
    "annual_contract_amount": N_("Annual contract amount"),
    "churn_risk": N_("Churn risk"),
    "state": N_("State"),
    "type": N_("Type"),
    "merged_into_customer_id": N_("Merged into"),
    "consents.marketing": N_("Consent to marketing"),
    "consents.profiling": N_("Consent to profiling"),
    "consents.third_party_sharing": N_("Consent to third-party sharing"),
    # fields many requests have
    "department_path": N_("Department"),
    "assignee_id": N_("Assignee"),
    "title": N_("Title"),
    "description": N_("Description"),
    "reason": N_("Reason"),
    "amount": N_("Amount"),
    "note": N_("Note"),
    "contact_id": N_("Contact"),
    "quantity": N_("Quantity"),
    "product_code": N_("Product code"),
    "unit_price": N_("Unit price"),
    "period": N_("Period"),
    "period.start_date": N_("Start date"),
    "period.end_date": N_("End date"),
    "etag": N_("Version"),
}
# A field the console has no word for: the error's own text still says what is wrong.
OTHER_FIELD = N_("A detail not on this form")

_POSITION = re.compile(r"\[\d+\]")


def label_id(path: str) -> str | None:
    """The label's message id of ``path``: its own, or that of the path without list
    positions, or without its leading parts (the request's message, ``customer.`` or
    ``opportunity.``; a list's name); None when the console has none."""
    for candidate in (path, _POSITION.sub("", path)):
        parts = candidate.split(".")
        for start in range(len(parts)):
            found = FIELD_LABELS.get(".".join(parts[start:]))
            if found:
                return found
    return None


def field_name(path: str) -> str:
    """What a person reads for the field ``path`` in an error list, in their language."""
    return gettext(label_id(path) or OTHER_FIELD)
