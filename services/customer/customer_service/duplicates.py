"""Likely duplicate customers: same normalised phone, e-mail or registration number, or similar
company names. Pairs are detected when a customer is written and kept, so a dismissed pair stays
dismissed. Never commits.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import datetime

from crm.customer.v1 import customer_pb2
from crm_shared.timestamps import to_timestamp
from rapidfuzz import fuzz
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from customer_service.models import Customer, DuplicateCandidate

SAME_PHONE, SAME_EMAIL, SIMILAR_NAME, SAME_REGISTRATION = (
    "same_phone",
    "same_email",
    "similar_name",
    "same_registration_number",
)
REASON_VALUES = {
    SAME_PHONE: customer_pb2.DUPLICATE_REASON_SAME_PHONE,
    SAME_EMAIL: customer_pb2.DUPLICATE_REASON_SAME_EMAIL,
    SIMILAR_NAME: customer_pb2.DUPLICATE_REASON_SIMILAR_NAME,
    SAME_REGISTRATION: customer_pb2.DUPLICATE_REASON_SAME_REGISTRATION_NUMBER,
}
REASON_SCORES = {SAME_REGISTRATION: 0.95, SAME_PHONE: 0.9, SAME_EMAIL: 0.85}
OPEN, DISMISSED, MERGED = "open", "dismissed", "merged"
STATE_VALUES = {
    OPEN: customer_pb2.DUPLICATE_CANDIDATE_STATE_OPEN,
    DISMISSED: customer_pb2.DUPLICATE_CANDIDATE_STATE_DISMISSED,
    MERGED: customer_pb2.DUPLICATE_CANDIDATE_STATE_MERGED,
}
NAME_SIMILARITY = 90  # rapidfuzz ratio (0-100) from which two company names count as similar

# Legal-form words that say nothing about which company it is.
_LEGAL_FORMS = re.compile(
    r"(股份有限公司|有限责任公司|有限公司|集团|公司|co\.?,?\s*ltd\.?|inc\.?|corp\.?|llc|gmbh|ltd\.?)",
    re.IGNORECASE,
)


def normalise_name(name: str) -> str:
    """A company name without case, width, punctuation, spaces and legal-form words."""
    text = unicodedata.normalize("NFKC", name).lower()
    text = _LEGAL_FORMS.sub("", text)
    return re.sub(r"[\W_]+", "", text)


def name_similarity(a: str, b: str) -> float:
    left, right = normalise_name(a), normalise_name(b)
    if not left or not right:
        return 0.0
    return fuzz.ratio(left, right)


def score_of(reasons: dict[str, float]) -> float:
    """The likelihood of a pair from its reasons: the strongest, plus a little per extra reason."""
    scores = [REASON_SCORES.get(reason, value) for reason, value in reasons.items()]
    return round(min(1.0, max(scores) + 0.03 * (len(scores) - 1)), 3)


def _company_name(customer: Customer) -> str:
    return customer.legal_name or customer.display_name


def detect_for(session: Session, customer: Customer, now: datetime) -> list[DuplicateCandidate]:
    """Find the customers ``customer`` probably duplicates and record the pairs (open pairs
    are refreshed; decided ones are left as decided)."""
    if customer.state != "active":
        return []
    found: dict[str, dict[str, float]] = {}
    exact = []
    if customer.phone:
        exact.append((Customer.phone == customer.phone, SAME_PHONE))
    if customer.email:
        exact.append((Customer.email == customer.email, SAME_EMAIL))
    if customer.registration_number:
        exact.append(
            (Customer.registration_number == customer.registration_number, SAME_REGISTRATION)
        )
    for clause, reason in exact:
        for other_id in session.scalars(
            select(Customer.id).where(
                clause, Customer.id != customer.id, Customer.state == "active"
            )
        ):
            found.setdefault(other_id, {})[reason] = REASON_SCORES[reason]
    if customer.type == "enterprise":
        name = _company_name(customer)
        prefix = name.strip()[:2]
        # Only names starting alike are compared, so a write does not score every company.
        if prefix:
            others = session.execute(
                select(Customer.id, Customer.display_name, Customer.legal_name)
                .where(
                    Customer.type == "enterprise",
                    Customer.id != customer.id,
                    Customer.state == "active",
                    or_(
                        Customer.display_name.startswith(prefix, autoescape=True),
                        Customer.legal_name.startswith(prefix, autoescape=True),
                    ),
                )
                .limit(2000)
            ).all()
            for other_id, display_name, legal_name in others:
                similarity = name_similarity(name, legal_name or display_name)
                if similarity >= NAME_SIMILARITY:
                    found.setdefault(other_id, {})[SIMILAR_NAME] = similarity / 100 * 0.8
    # Open pairs this customer no longer matches (its phone changed...) are withdrawn.
    for pair in session.scalars(
        select(DuplicateCandidate).where(
            DuplicateCandidate.state == OPEN,
            or_(
                DuplicateCandidate.first_customer_id == customer.id,
                DuplicateCandidate.second_customer_id == customer.id,
            ),
        )
    ):
        other = (
            pair.second_customer_id
            if pair.first_customer_id == customer.id
            else pair.first_customer_id
        )
        if other not in found:
            session.delete(pair)
    return [
        _record_pair(session, customer.id, other_id, reasons, now)
        for other_id, reasons in found.items()
    ]


def _record_pair(
    session: Session, one: str, other: str, reasons: dict[str, float], now: datetime
) -> DuplicateCandidate:
    first, second = sorted((one, other))
    pair = session.scalars(
        select(DuplicateCandidate).where(
            DuplicateCandidate.first_customer_id == first,
            DuplicateCandidate.second_customer_id == second,
        )
    ).first()
    if pair is None:
        pair = DuplicateCandidate(
            id=str(uuid.uuid4()),
            first_customer_id=first,
            second_customer_id=second,
            state=OPEN,
            detect_time=now,
        )
        session.add(pair)
    elif pair.state != OPEN:
        return pair  # a person decided about this pair; do not propose it again
    pair.score = score_of(reasons)
    pair.reasons = ",".join(sorted(reasons))
    return pair


def close_pairs_of(session: Session, customer_ids: list[str]) -> None:
    """Mark every pair involving the given (merged) customers as merged."""
    for pair in session.scalars(
        select(DuplicateCandidate).where(
            or_(
                DuplicateCandidate.first_customer_id.in_(customer_ids),
                DuplicateCandidate.second_customer_id.in_(customer_ids),
            )
        )
    ):
        pair.state = MERGED


def to_proto(pair: DuplicateCandidate) -> customer_pb2.DuplicateCandidate:
    return customer_pb2.DuplicateCandidate(
        id=pair.id,
        customer_id=pair.first_customer_id,
        duplicate_customer_id=pair.second_customer_id,
        score=pair.score,
        reasons=[REASON_VALUES[r] for r in pair.reasons.split(",") if r in REASON_VALUES],
        state=STATE_VALUES[pair.state],
        detect_time=to_timestamp(pair.detect_time),
        dismissed_by=pair.dismissed_by or "",
    )
