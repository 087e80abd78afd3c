"""``MatchCustomerByContact``: the one active customer a phone or e-mail belongs to, for a
ticket filed on the public service-request form. Mixed into
:class:`customer_service.api.CustomerServicer`.

Only the ticket service asks, while it files such a ticket with the gateway's minute-long
``tickets.intake`` token, and the public caller never sees the answer (it gets its ticket
number). So the answer holds what routing needs (value class, churn risk, owner) and nothing
personal, and a phone shared by two customers matches neither: the ticket then keeps the
reporter's details, as an agent's ticket by phone does, rather than land on a guess.
"""

from __future__ import annotations

from crm.customer.v1 import customer_pb2
from crm_shared.errors import FieldViolation, InvalidArgument
from crm_shared.grpc.fields import refuse_unsupported
from sqlalchemy import func, or_, select

from customer_service import rules
from customer_service.models import Contact, Customer
from customer_service.portrait import VALUE_CLASSES


class ContactMatchRpcs:
    def MatchCustomerByContact(self, request, context):
        refuse_unsupported(request, {"phone", "email"})
        phone = rules.normalise_phone(request.phone) if request.phone.strip() else None
        email = rules.normalise_email(request.email) if request.email.strip() else None
        violations = []
        if request.phone.strip() and not phone:
            violations.append(FieldViolation("phone", "is not a phone number"))
        if request.email.strip() and not email:
            violations.append(FieldViolation("email", "is not an e-mail address"))
        if not (request.phone.strip() or request.email.strip()):
            violations.append(FieldViolation("phone", "is required unless the e-mail is given"))
        if violations:
            raise InvalidArgument(violations)
        own, contacts = [], []
        if phone:
            own.append(Customer.phone == phone)
            contacts.append(Contact.phone == phone)
        if email:
            own.append(func.lower(Customer.email) == email)
            contacts.append(func.lower(Contact.email) == email)
        with self.database.unit_of_work(readonly=True) as uow:
            ids = set(uow.session.scalars(select(Customer.id).where(or_(*own))))
            ids |= set(uow.session.scalars(select(Contact.customer_id).where(or_(*contacts))))
            found = (
                list(
                    uow.session.scalars(
                        select(Customer).where(Customer.id.in_(ids), Customer.state == "active")
                    )
                )
                if ids
                else []
            )
            if len(found) != 1:
                return customer_pb2.CustomerContactMatch()
            (customer,) = found
            return customer_pb2.CustomerContactMatch(
                customer_id=customer.id,
                value_class=VALUE_CLASSES.get(customer.value_class or "", 0),
                at_risk=bool(customer.at_risk),
                risk_reason=customer.risk_reason or "",
                owner_id=customer.owner_id or "",
            )
