"""The ticket RPCs of the public help centre (no account): filing a service request, looking up
its state, and the knowledge articles marked public. Mixed into
:class:`ticket_service.api.TicketServicer`.

Each is opened by its own scope (``tickets.intake``, ``tickets.status``, ``kb.read_public``)
that only the gateway's minute-long public tokens hold, and each answers less than its staff
counterpart: a filed ticket's number, a ticket's state and public replies (never an internal
note, who wrote a reply, the department or the assignee), an article's text.

A lookup finds a ticket by its number *and* the phone or e-mail it was filed with; an unknown
number and a contact that does not match are one and the same NOT_FOUND, so the status page
cannot be used to learn which numbers exist.
"""

from __future__ import annotations

import re
import unicodedata

from crm.ticket.v1 import ticket_pb2
from crm_shared.auth import current_principal
from crm_shared.errors import FieldViolation, NotFound
from crm_shared.grpc.fields import refuse_unsupported, request_id_violations
from crm_shared.repeated_requests import earlier_request
from crm_shared.timestamps import to_timestamp
from google.protobuf import json_format
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ticket_service import knowledge
from ticket_service.api_setup import (  # the staff search's tokens, the one article mapping
    _offset_of,
    _offset_token,
    article_to_proto,
)
from ticket_service.customers import NO_CUSTOMER
from ticket_service.models import KnowledgeArticle, Ticket, TicketCommentRecord
from ticket_service.validation import descriptive_violations, refuse, required
from ticket_service.views import CHANNELS, STATES, TYPES

INTAKE_FIELDS = {
    "type",
    "title",
    "description",
    "reporter_name",
    "reporter_phone",
    "reporter_email",
    "product",
    "request_id",
}
PUBLIC_DESCRIPTION_LIMIT = 5000
"""A public form's description is shorter than an agent's (20,000): it is typed by a visitor."""
TITLE_FROM_DESCRIPTION = 60
MAX_NUMBER_LENGTH = 32  # the column's
MAX_CONTACT_LENGTH = 254
SEARCH_DEFAULT_PAGE, SEARCH_MAX_PAGE = 10, 50
_NOT_FOUND = "no ticket with this number and phone or e-mail"
_MAINLAND_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")


def contact_key(raw: str) -> str:
    """A phone or e-mail as the lookup compares it: an e-mail lower-cased; a phone's digits
    (full-width folded), without a ``+86``/``0086`` before a mainland mobile, so
    ``+86 138-1234-5678`` and ``13812345678`` are one phone."""
    text = unicodedata.normalize("NFKC", raw).strip().lower()
    if "@" in text:
        return text
    digits = re.sub(r"[^0-9]", "", text)
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and _MAINLAND_MOBILE.match(digits[len(prefix) :]):
            return digits[len(prefix) :]
    return digits


def _title_of(description: str) -> str:
    first_line = description.strip().splitlines()[0] if description.strip() else ""
    if len(first_line) <= TITLE_FROM_DESCRIPTION:
        return first_line
    return first_line[: TITLE_FROM_DESCRIPTION - 1] + "…"


def public_article(row: KnowledgeArticle) -> ticket_pb2.PublicKnowledgeArticle:
    """The staff view of the article (``article_to_proto``, the one mapping of a row) cut to
    the fields ``PublicKnowledgeArticle`` declares, matched by name: the public message shows
    exactly what it declares, and a field it gains is filled without a second copy."""
    staff_view = json_format.MessageToDict(article_to_proto(row), preserving_proto_field_name=True)
    return json_format.ParseDict(
        staff_view, ticket_pb2.PublicKnowledgeArticle(), ignore_unknown_fields=True
    )


class PublicRpcs:
    # -- the service-request form ------------------------------------------------------------------

    def SubmitServiceRequest(self, request, context):
        """Created by ``TicketServicer._create`` as an agent's ticket is, channel ``web``,
        routed by the same rules: for the one customer whose phone or e-mail (or a contact's)
        the reporter gave (``MatchCustomerByContact``: its value class and risk raise the
        priority, its owner does the call-back), else with the reporter's details only, as an
        agent's ticket by phone is."""
        principal = current_principal()
        refuse_unsupported(request, INTAKE_FIELDS)
        description = request.description.strip()
        data = ticket_pb2.Ticket(
            type=request.type,
            title=request.title.strip() or _title_of(description),
            description=description,
            channel=CHANNELS.value("web"),
            product=request.product.strip(),
            reporter_name=request.reporter_name.strip(),
            reporter_phone=request.reporter_phone.strip(),
            reporter_email=request.reporter_email.strip(),
        )
        violations = [] if TYPES.name(request.type) else [FieldViolation("type", "is required")]
        violations += required(description, "description")
        if len(description) > PUBLIC_DESCRIPTION_LIMIT:
            violations.append(
                FieldViolation(
                    "description", f"must be at most {PUBLIC_DESCRIPTION_LIMIT} characters"
                )
            )
        violations += [
            violation
            for violation in descriptive_violations(
                data,
                {"title", "product", "reporter_name", "reporter_phone", "reporter_email"},
                prefix="",
            )
            if violation.field != "description"  # checked above, with its own limit
            and not (violation.field == "title" and not request.title.strip())
        ]  # derived
        if not (data.reporter_phone or data.reporter_email):
            violations.append(
                FieldViolation("reporter_phone", "is required unless the e-mail is given")
            )
        violations += request_id_violations(request.request_id)
        refuse(violations)
        with self.database.unit_of_work(readonly=True) as uow:
            earlier = earlier_request(uow.session, Ticket, request.request_id, principal.user_id)
            if earlier is not None:
                return ticket_pb2.SubmitServiceRequestResponse(number=earlier.number)
        # Asked before the transaction opens: a slow peer must not hold the write lock.
        facts = NO_CUSTOMER
        if self.customers is not None:
            data.customer_id, facts = self.customers.match(data.reporter_phone,
                                                           data.reporter_email)
        try:
            with self.database.unit_of_work() as uow:
                created = self._create(uow, principal, data, request.request_id, facts)
        except IntegrityError:
            # Two sends of one form raced; the other one filed the ticket.
            with self.database.unit_of_work(readonly=True) as uow:
                earlier = earlier_request(
                    uow.session, Ticket, request.request_id, principal.user_id
                )
                if earlier is None:
                    raise
                return ticket_pb2.SubmitServiceRequestResponse(number=earlier.number)
        return ticket_pb2.SubmitServiceRequestResponse(number=created.number)

    # -- the status page -----------------------------------------------------------------------

    def LookupTicketStatus(self, request, context):
        refuse_unsupported(request, {"number", "contact"})
        number, contact = request.number.strip().upper(), request.contact.strip()
        violations = required(number, "number") + required(contact, "contact")
        if len(number) > MAX_NUMBER_LENGTH:
            violations.append(
                FieldViolation("number", f"must be at most {MAX_NUMBER_LENGTH} characters")
            )
        if len(contact) > MAX_CONTACT_LENGTH:
            violations.append(
                FieldViolation("contact", f"must be at most {MAX_CONTACT_LENGTH} characters")
            )
        refuse(violations)
        key = contact_key(contact)
        with self.database.unit_of_work(readonly=True) as uow:
            ticket = uow.session.scalars(select(Ticket).where(Ticket.number == number)).first()
            filed_with = (
                {
                    contact_key(value)
                    for value in (ticket.reporter_phone, ticket.reporter_email)
                    if value
                }
                if ticket is not None
                else set()
            )
            if not key or key not in filed_with:
                raise NotFound(_NOT_FOUND)
            replies = uow.session.scalars(
                select(TicketCommentRecord)
                .where(
                    TicketCommentRecord.ticket_id == ticket.id,
                    TicketCommentRecord.visibility == "public",
                )
                .order_by(TicketCommentRecord.create_time, TicketCommentRecord.id)
            )
            return ticket_pb2.PublicTicketStatus(
                number=ticket.number,
                type=TYPES.value(ticket.type),
                title=ticket.title,
                state=STATES.value(ticket.state),
                create_time=to_timestamp(ticket.create_time),
                update_time=to_timestamp(ticket.update_time),
                resolve_time=to_timestamp(ticket.resolve_time),
                close_time=to_timestamp(ticket.close_time),
                replies=[
                    ticket_pb2.PublicReply(
                        body=reply.body, create_time=to_timestamp(reply.create_time)
                    )
                    for reply in replies
                ],
            )

    # -- the public knowledge base -------------------------------------------------------------

    def SearchPublicKnowledgeArticles(self, request, context):
        refuse_unsupported(request, {"page_size", "page_token", "query", "locale"})
        query = request.query.strip()
        violations = required(query, "query")
        if len(request.query) > 1000:
            violations.append(FieldViolation("query", "must be at most 1000 characters"))
        if request.page_size < 0:
            violations.append(FieldViolation("page_size", "must not be negative"))
        if request.locale.strip() and request.locale.strip() not in knowledge.LOCALES:
            violations.append(FieldViolation("locale", "must be zh-CN or en-US"))
        refuse(violations)
        offset = _offset_of(request.page_token)
        page_size = min(request.page_size or SEARCH_DEFAULT_PAGE, SEARCH_MAX_PAGE)
        with self.database.unit_of_work(readonly=True) as uow:
            hits = knowledge.search(
                uow.session, query, kinds=[], locale=request.locale.strip(), public_only=True
            )
            page = hits[offset : offset + page_size]
            return ticket_pb2.SearchPublicKnowledgeArticlesResponse(
                results=[
                    ticket_pb2.PublicKnowledgeSearchResult(
                        article=public_article(hit.article), score=hit.score, snippet=hit.snippet
                    )
                    for hit in page
                ],
                next_page_token=_offset_token(offset + page_size)
                if offset + page_size < len(hits)
                else "",
            )

    def GetPublicKnowledgeArticle(self, request, context):
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work(readonly=True) as uow:
            row = (
                uow.session.scalars(
                    select(KnowledgeArticle).where(
                        KnowledgeArticle.id == request.id.strip(),
                        KnowledgeArticle.state == knowledge.PUBLISHED,
                        KnowledgeArticle.public.is_(True),
                    )
                ).first()
                if request.id.strip()
                else None
            )
            if row is None:
                raise NotFound(f"article {request.id} not found")
            return public_article(row)
