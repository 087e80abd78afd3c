"""The limits the OpenAPI document publishes are the services' own (issue 16): for every contract
field with a limit declared in `crm_shared.field_limits` (which the service enforces), each
request model the gateway turns into that message publishes the same `maxLength`, and each list
query the same `order_by` values. A 422 is a documented answer, so without this test a document
that promised more than the service accepts went unnoticed (the ticket's `product`, customer and
contact ids, and `order_by` had drifted)."""

from __future__ import annotations

import pytest
from crm.customer.v1 import customer_pb2
from crm.sales.v1 import sales_pb2
from crm.ticket.v1 import ticket_pb2
from crm_shared import field_limits

BODIES = {
    # operationId of a route whose JSON body becomes a contract message: {property path of the
    # message inside the body ("" the body itself): the message}
    "createCustomer": {
        "": customer_pb2.Customer,
        "enterprise": customer_pb2.EnterpriseProfile,
        "individual": customer_pb2.IndividualProfile,
    },
    "updateCustomer": {
        "": customer_pb2.Customer,
        "enterprise": customer_pb2.EnterpriseProfile,
        "individual": customer_pb2.IndividualProfile,
    },
    "createCustomerContact": {"": customer_pb2.Contact},
    "updateCustomerContact": {"": customer_pb2.Contact},
    "createTicket": {"": ticket_pb2.Ticket},
    "updateTicket": {"": ticket_pb2.Ticket},
    "createLead": {"": sales_pb2.Lead},
    "updateLead": {"": sales_pb2.Lead},
    "createActivity": {"": sales_pb2.Activity, "qualification": sales_pb2.LeadQualification},
    "updateActivity": {"": sales_pb2.Activity, "qualification": sales_pb2.LeadQualification},
    "createActivityComment": {"": sales_pb2.ActivityComment},
    "createFollowUpTask": {"": sales_pb2.FollowUpTask},
    "updateFollowUpTask": {"": sales_pb2.FollowUpTask},
}
NOT_IN_REST = {
    # declared limits of fields no REST body carries, and why
    ("crm.sales.v1.Activity", "owner_id"): "a follow-up record's author is the caller",
}
QUERIES = {
    # operationId of a list route whose query becomes this list request
    "listTickets": ticket_pb2.ListTicketsRequest,
}


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _resolve(document, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _string_schema(document, schema: dict) -> dict:
    """The string branch of a property (`anyOf` [string, null] for optional updates)."""
    schema = _resolve(document, schema)
    for branch in schema.get("anyOf", []):
        if _resolve(document, branch).get("type") == "string":
            return _resolve(document, branch)
    return schema


def _operation(document, operation_id: str) -> dict:
    return next(
        operation
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and operation.get("operationId") == operation_id
    )


def _object_schema(document, schema: dict) -> dict:
    """The object branch of a property (`anyOf` [object, null] for optional parts)."""
    schema = _resolve(document, schema)
    for branch in schema.get("anyOf", []):
        if "properties" in _resolve(document, branch):
            return _resolve(document, branch)
    return schema


def test_every_body_publishes_the_services_max_lengths(document):
    checked: set[tuple[str, str]] = set()
    problems = []
    for operation_id, parts in BODIES.items():
        body = _operation(document, operation_id)["requestBody"]["content"]["application/json"]
        for part, message in parts.items():
            schema = _object_schema(document, body["schema"])
            if part:
                schema = _object_schema(document, schema["properties"][part])
            properties = schema["properties"]
            for field, limit in field_limits.max_lengths(message).items():
                if field not in properties:
                    continue  # not settable through this route (e.g. a ticket's customer_id)
                published = _string_schema(document, properties[field]).get("maxLength")
                if published != limit:
                    problems.append(
                        f"{operation_id} {part or 'body'}.{field}: {published} != {limit}"
                    )
                checked.add((message.DESCRIPTOR.full_name, field))
    assert not problems, "the document's maxLength differs from the service's:\n" + "\n".join(
        problems
    )
    declared = {
        (message, field)
        for message, fields in field_limits.declared_max_lengths().items()
        for field in fields
    }
    unpublished = declared - checked - set(NOT_IN_REST)
    assert not unpublished, f"declared limits no route publishes: {unpublished}"


def test_every_list_query_publishes_the_orders_the_service_accepts(document):
    checked = set()
    for operation_id, request in QUERIES.items():
        parameters = {p["name"]: p for p in _operation(document, operation_id)["parameters"]}
        order_by = _resolve(document, parameters["order_by"]["schema"])
        assert order_by["enum"] == list(field_limits.orders(request)), operation_id
        assert order_by["default"] == field_limits.orders(request)[0], operation_id
        checked.add(request.DESCRIPTOR.full_name)
    assert set(field_limits.declared_orders()) <= checked
