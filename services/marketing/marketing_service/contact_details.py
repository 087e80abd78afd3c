"""Where the marketing service's messages go: each customer's phone and e-mail, read from the
customer service at the moment a message is handed over for sending.

The customer events the read model is built from carry the phone and e-mail masked (they say
whether the customer can be reached by SMS or e-mail, which is all segments, audiences and the
send decision need), so the read model never holds an address in clear. The sending queue's
dispatcher (:func:`marketing_service.outbound.hand_over`) asks :class:`CustomerAddressBook`
for the addresses of the customers of each batch, outside any transaction, and hands them to
the notification service with the messages: the address is read once per send and exists in
clear only in that request and in the sent message's row.

The calls carry the marketing service account's token (``SERVICE_*``, like the notification
channel): ``BatchGetContactDetails`` is for service accounts granted
``customers.contact_details`` only, and the customer service writes each read to its access
log. They run in the api process, beside the dispatcher (grpcio does not run under the
worker's eventlet). An address book that cannot answer (the customer service down, no
account configured) raises; the dispatcher then puts the batch back in the queue.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm_shared.grpc.client import connect

CUSTOMER_SERVICE = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]
BATCH = 500  # the contract's limit of BatchGetContactDetailsRequest.customer_ids


@dataclass(frozen=True)
class ContactDetails:
    """How to reach one customer, as the customer service holds it now."""

    email: str | None
    phone: str | None


AddressBook = Callable[[Iterable[str]], Mapping[str, ContactDetails]]
"""Customer ids → the contact details of those that are active customers (the others are
left out); raises when it cannot answer."""


class CustomerAddressBook:
    """The customer service's ``BatchGetContactDetails``, as the marketing service account."""

    def __init__(self, address: str, *, timeout_seconds: float,
                 token_provider: Callable[[], str | None]) -> None:
        self._stub = customer_pb2_grpc.CustomerServiceStub(connect(
            address, [CUSTOMER_SERVICE], default_timeout=timeout_seconds,
            token_provider=token_provider))

    def __call__(self, customer_ids: Iterable[str]) -> dict[str, ContactDetails]:
        ids = list(dict.fromkeys(customer_ids))
        found: dict[str, ContactDetails] = {}
        for start in range(0, len(ids), BATCH):
            answer = self._stub.BatchGetContactDetails(customer_pb2.BatchGetContactDetailsRequest(
                customer_ids=ids[start:start + BATCH]))
            found.update({item.customer_id: ContactDetails(item.email or None, item.phone or None)
                          for item in answer.customers})
        return found


class NoAddressBook:
    """Stands in when no service account is configured: every hand-over waits (and is
    retried) with this message, as a send the notification service refused would."""

    def __call__(self, customer_ids: Iterable[str]) -> dict[str, ContactDetails]:
        raise LookupError("no service account configured (SERVICE_TOKEN_URL, SERVICE_CLIENT_ID, "
                          "SERVICE_CLIENT_SECRET) to read the customers' addresses")


def address_book_for(settings) -> AddressBook:
    """The address book of a process with these settings (``CUSTOMER_ADDR``,
    ``CUSTOMER_TIMEOUT_SECONDS`` and its service account)."""
    provider = settings.service_token_provider()
    if provider is None:
        return NoAddressBook()
    return CustomerAddressBook(settings.customer_addr,
                               timeout_seconds=settings.customer_timeout_seconds,
                               token_provider=provider)
