"""Contacts of enterprise customers and the decision chain: validation (pure) and proto mapping."""

from __future__ import annotations

from crm.customer.v1 import customer_pb2
from crm_shared.errors import FieldViolation
from crm_shared.field_limits import max_lengths
from crm_shared.timestamps import to_timestamp

from customer_service import rules
from customer_service.models import Contact

ROLE_NAMES = {
    value.number: value.name.removeprefix("DECISION_ROLE_").lower()
    for value in customer_pb2.DecisionRole.DESCRIPTOR.values
}
ROLE_VALUES = {name: value for value, name in ROLE_NAMES.items()}
# Decision chain order: decision makers first, then influencers, users, others, unknown.
CHAIN_ORDER = {"decision_maker": 0, "influencer": 1, "user": 2, "other": 3, "unspecified": 4}
CHAIN_ROLES = ("decision_maker", "influencer", "user")  # every chain should have one of each

TEXT_LIMITS = max_lengths(customer_pb2.Contact)  # declared once, published by the gateway too
REQUIRED = ("name", "job_title")
INPUT_FIELDS = (
    "name",
    "job_title",
    "department",
    "phone",
    "email",
    "wechat_id",
    "decision_role",
    "reports_to_contact_id",
    "primary",
    "birth_date",
    "notes",
)


def validate(
    message: customer_pb2.Contact, paths, *, prefix: str = "contact", today=None
) -> tuple[dict[str, object], list[FieldViolation]]:
    """Check and normalise the fields ``paths`` of ``message``; (clean values, violations)."""
    clean: dict[str, object] = {}
    violations: list[FieldViolation] = []
    for path in paths:
        raw = getattr(message, path)
        if path == "decision_role":
            if raw not in ROLE_NAMES:
                violations.append(FieldViolation(f"{prefix}.{path}", "is not a decision role"))
            clean[path] = ROLE_NAMES.get(raw, "unspecified")
        elif path == "primary":
            clean[path] = bool(raw)
        elif path in ("phone", "email", "birth_date"):
            rule_path = "individual.birth_date" if path == "birth_date" else path
            values, problems = rules.validate_record_fields(
                {rule_path: raw}, prefix=prefix, today=today
            )
            violations += [FieldViolation(f"{prefix}.{path}", v.description) for v in problems]
            clean[path] = values[rule_path]
        else:
            text = raw.strip()
            if len(text) > TEXT_LIMITS[path]:
                violations.append(
                    FieldViolation(
                        f"{prefix}.{path}", f"must be at most {TEXT_LIMITS[path]} characters"
                    )
                )
            clean[path] = text or None
    for path in REQUIRED:
        if path in paths and not clean.get(path):
            violations.append(FieldViolation(f"{prefix}.{path}", "is required"))
    return clean, violations


def apply(contact: Contact, clean: dict[str, object]) -> list[str]:
    """Write ``clean`` onto ``contact``; return the paths that really changed."""
    changed = []
    for path, value in clean.items():
        column = "is_primary" if path == "primary" else path
        if getattr(contact, column) != value:
            setattr(contact, column, value)
            changed.append(path)
    return changed


def etag_of(contact: Contact) -> str:
    return f'W/"{contact.version}"'


def to_proto(contact: Contact) -> customer_pb2.Contact:
    return customer_pb2.Contact(
        id=contact.id,
        customer_id=contact.customer_id,
        name=contact.name,
        job_title=contact.job_title,
        department=contact.department or "",
        phone=contact.phone or "",
        email=contact.email or "",
        wechat_id=contact.wechat_id or "",
        decision_role=ROLE_VALUES.get(contact.decision_role, 0),
        reports_to_contact_id=contact.reports_to_contact_id or "",
        primary=contact.is_primary,
        birth_date=contact.birth_date.isoformat() if contact.birth_date else "",
        notes=contact.notes or "",
        create_time=to_timestamp(contact.create_time),
        update_time=to_timestamp(contact.update_time),
        created_by=contact.created_by,
        updated_by=contact.updated_by,
        etag=etag_of(contact),
    )


def decision_chain(customer_id: str, contacts: list[Contact]) -> customer_pb2.DecisionChain:
    ordered = sorted(
        contacts, key=lambda c: (CHAIN_ORDER.get(c.decision_role, 9), c.create_time, c.id)
    )
    present = {contact.decision_role for contact in contacts}
    return customer_pb2.DecisionChain(
        customer_id=customer_id,
        contacts=[to_proto(contact) for contact in ordered],
        missing_roles=[ROLE_VALUES[role] for role in CHAIN_ROLES if role not in present],
    )
