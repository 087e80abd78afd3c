"""The gateway's own cost per request (issue 17): flask-openapi3 reads a query model's JSON
Schema on every request to parse the query string; the gateway makes each schema once."""

from __future__ import annotations

import pytest
from pydantic.json_schema import GenerateJsonSchema


@pytest.fixture
def client(make_app, scripted_customers):
    _servicer, server = scripted_customers
    return make_app(customer_addr=server.address).test_client()


def test_a_routes_query_schema_is_made_once_not_on_every_request(client, auth_header, monkeypatch):
    headers = auth_header("rep.zhang")
    assert client.get("/api/v1/customers/c-1", headers=headers).status_code == 200
    made = []
    generate = GenerateJsonSchema.generate

    def counting(self, *args, **kwargs):
        made.append(args)
        return generate(self, *args, **kwargs)

    monkeypatch.setattr(GenerateJsonSchema, "generate", counting)
    for reveal in ("false", "true", "false"):
        response = client.get(f"/api/v1/customers/c-1?reveal_sensitive={reveal}",
                              headers=headers)
        assert response.status_code in (200, 403), response.get_data(as_text=True)
    assert made == []
    # a bad value is still refused field by field
    refused = client.get("/api/v1/customers/c-1?reveal_sensitive=maybe", headers=headers)
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["field"] == "reveal_sensitive"
