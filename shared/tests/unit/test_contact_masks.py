"""The one mask of a person's phone and e-mail in events: what it keeps, and that the caller's
own message is left in clear."""

import pytest
from crm.sales.v1 import sales_pb2
from crm.ticket.v1 import ticket_pb2
from crm_shared.contact_masks import mask_contact, mask_contacts_in_text, masked_copy
from crm_shared.redaction import PERSONAL_VALUE


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("+8613912345678", "+86*********78"),
        ("13912345678", "139******78"),
        ("li.lei@example.com", "l***@example.com"),
        ("  li@example.com ", "l***@example.com"),
        ("", ""),
        ("12", "12****12"),  # too short to keep its ends apart: at least four hidden
    ],
)
def test_a_phone_keeps_its_country_code_and_last_two_an_email_its_first_letter_and_domain(
    value, masked
):
    assert mask_contact(value) == masked


def test_a_masked_value_is_no_longer_shaped_like_a_phone_or_an_email():
    for value in ("+8613912345678", "13912345678", "li.lei@example.com"):
        assert PERSONAL_VALUE.search(mask_contact(value)) is None, value


def test_masked_copy_masks_only_the_named_fields_of_a_copy():
    ticket = ticket_pb2.Ticket(
        id="t-1",
        reporter_name="李女士",
        reporter_phone="+8613912345678",
        reporter_email="li@example.com",
    )
    event = masked_copy(ticket, ("reporter_phone", "reporter_email"))
    assert (event.id, event.reporter_name, event.reporter_phone, event.reporter_email) == (
        "t-1",
        "李女士",
        "+86*********78",
        "l***@example.com",
    )
    assert (ticket.reporter_phone, ticket.reporter_email) == ("+8613912345678", "li@example.com")
    lead = masked_copy(sales_pb2.Lead(phone="13912345678"), ("phone", "email"))
    assert (lead.phone, lead.email) == ("139******78", "")


def test_addresses_inside_free_text_are_masked_and_the_rest_is_kept():
    text = "外壳有裂缝，请回电13912345678或 li.lei@example.com，订单 2026-03-01 共 3 台"
    assert mask_contacts_in_text(text) == (
        "外壳有裂缝，请回电139******78或 l***@example.com，订单 2026-03-01 共 3 台"
    )
    assert PERSONAL_VALUE.search(mask_contacts_in_text(text)) is None
    ticket = masked_copy(ticket_pb2.Ticket(description=text), (), ("description",))
    assert ticket.description == mask_contacts_in_text(text)
