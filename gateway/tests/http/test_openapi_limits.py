"""The limits the OpenAPI document publishes are the services' own (issue 16): for every contract
field with a limit declared in `crm_shared.field_limits` (which the service enforces), each
request model the gateway turns into that message publishes the same `maxLength`, and each list
query the same `order_by` values. A 422 is a documented answer, so without this test a document
that promised more than the service accepts went unnoticed (the ticket's `product`, customer and
contact ids, and `order_by` had drifted)."""

from __future__ import annotations

import pytest
from crm.ticket.v1 import ticket_pb2
from crm_shared import field_limits

BODIES = {
    # (method, path) of a route whose JSON body becomes this contract message
    ("post", "/api/v1/tickets"): ticket_pb2.Ticket,
    ("patch", "/api/v1/tickets/{ticket_id}"): ticket_pb2.Ticket,
}
QUERIES = {
    # (method, path) of a list route whose query becomes this list request
    ("get", "/api/v1/tickets"): ticket_pb2.ListTicketsRequest,
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


def _operation(document, method: str, path: str) -> dict:
    return document["paths"][path][method]


def test_every_body_publishes_the_services_max_lengths(document):
    checked: set[tuple[str, str]] = set()
    problems = []
    for (method, path), message in BODIES.items():
        body = _operation(document, method, path)["requestBody"]["content"]["application/json"]
        properties = _resolve(document, body["schema"])["properties"]
        for field, limit in field_limits.max_lengths(message).items():
            if field not in properties:
                continue  # not settable through this route (e.g. customer_id once filed)
            published = _string_schema(document, properties[field]).get("maxLength")
            if published != limit:
                problems.append(f"{method.upper()} {path} {field}: {published} != {limit}")
            checked.add((message.DESCRIPTOR.full_name, field))
    assert not problems, "the document's maxLength differs from the service's:\n" + "\n".join(
        problems
    )
    declared = {
        (message, field)
        for message, fields in field_limits.declared_max_lengths().items()
        for field in fields
    }
    assert declared <= checked, f"declared limits no route publishes: {declared - checked}"


def test_every_list_query_publishes_the_orders_the_service_accepts(document):
    checked = set()
    for (method, path), request in QUERIES.items():
        parameters = {p["name"]: p for p in _operation(document, method, path)["parameters"]}
        order_by = _resolve(document, parameters["order_by"]["schema"])
        assert order_by["enum"] == list(field_limits.orders(request)), path
        assert order_by["default"] == field_limits.orders(request)[0], path
        checked.add(request.DESCRIPTOR.full_name)
    assert set(field_limits.declared_orders()) <= checked
