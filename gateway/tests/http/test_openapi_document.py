"""The OpenAPI document is generated from the routes: it lists every one, and it is valid."""

from __future__ import annotations

import re

import pytest
from flask_openapi3.models import APISpec
from jsonschema import Draft202012Validator

EXPECTED_OPERATIONS = {
    ("post", "/api/v1/auth/token"),
    ("get", "/api/v1/me"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/.well-known/jwks.json"),
    ("get", "/.well-known/token-revocations"),
    ("get", "/api/v1/openapi.json"),
    ("post", "/api/v1/customers"),
    ("get", "/api/v1/customers"),
    ("get", "/api/v1/customers/{customer_id}"),
    # the rest of the customer record and its personal data (views/customers.py)
    ("patch", "/api/v1/customers/{customer_id}"),
    ("post", "/api/v1/customers/{customer_id}/reassign"),
    ("get", "/api/v1/customers/{customer_id}/attachments"),
    ("post", "/api/v1/customers/{customer_id}/attachments"),
    ("get", "/api/v1/customers/{customer_id}/attachments/{attachment_id}"),
    ("delete", "/api/v1/customers/{customer_id}/attachments/{attachment_id}"),
    ("get", "/api/v1/customers/{customer_id}/history"),
    ("get", "/api/v1/customers/{customer_id}/portrait"),
    ("get", "/api/v1/customers/{customer_id}/timeline"),
    ("get", "/api/v1/customers/{customer_id}/contacts"),
    ("post", "/api/v1/customers/{customer_id}/contacts"),
    ("get", "/api/v1/customers/{customer_id}/contacts/{contact_id}"),
    ("patch", "/api/v1/customers/{customer_id}/contacts/{contact_id}"),
    ("delete", "/api/v1/customers/{customer_id}/contacts/{contact_id}"),
    ("post", "/api/v1/customers/{customer_id}/tags"),
    ("delete", "/api/v1/customers/{customer_id}/tags/{tag_id}"),
    ("get", "/api/v1/customers/{customer_id}/collaborators"),
    ("put", "/api/v1/customers/{customer_id}/collaborators/{user_id}"),
    ("delete", "/api/v1/customers/{customer_id}/collaborators/{user_id}"),
    ("get", "/api/v1/customers/{customer_id}/consents"),
    ("post", "/api/v1/customers/{customer_id}/consents"),
    ("post", "/api/v1/customers/{customer_id}/consents/{purpose}/withdraw"),
    ("get", "/api/v1/customers/{customer_id}/export"),
    ("post", "/api/v1/customers/{customer_id}/erase"),
    ("post", "/api/v1/customers/import"),
    ("get", "/api/v1/customers/export"),
    ("get", "/api/v1/customers/imports"),
    ("get", "/api/v1/customers/imports/{id}"),
    ("get", "/api/v1/customers/duplicates"),
    ("post", "/api/v1/customers/duplicates/{id}/dismiss"),
    ("post", "/api/v1/customers/merge"),
    ("post", "/api/v1/customers/handover"),
    ("get", "/api/v1/customers/access-log"),
    ("get", "/api/v1/customers/erasure-requests"),
    ("get", "/api/v1/customers/erasure-requests/{id}"),
    ("get", "/api/v1/customers/approval-requests"),
    ("get", "/api/v1/customers/approval-requests/{request_id}"),
    ("post", "/api/v1/customers/approval-requests/{request_id}/approve"),
    ("post", "/api/v1/customers/approval-requests/{request_id}/reject"),
    ("get", "/api/v1/notifications"),
    ("get", "/api/v1/notifications/unread-count"),
    ("post", "/api/v1/notifications/mark-read"),
    ("get", "/api/v1/notifications/preferences"),
    ("put", "/api/v1/notifications/preferences"),
    ("get", "/api/v1/notifications/deliveries"),
    ("post", "/api/v1/auth/logout"),
    ("patch", "/api/v1/me"),
    ("get", "/api/v1/departments"),
    ("post", "/api/v1/departments"),
    ("patch", "/api/v1/departments/{department_path}"),
    ("get", "/api/v1/users"),
    ("post", "/api/v1/users"),
    ("get", "/api/v1/users/{user_id}"),
    ("patch", "/api/v1/users/{user_id}"),
    ("get", "/api/v1/service-accounts"),
    ("post", "/api/v1/service-accounts"),
    ("patch", "/api/v1/service-accounts/{user_id}"),
    ("post", "/api/v1/service-accounts/{user_id}/secret"),
    ("get", "/api/v1/dashboard"),
    ("get", "/api/v1/explorer"),
    # tickets, their set-up and the knowledge base (views/tickets.py, ticket_setup.py, knowledge.py)
    ("post", "/api/v1/tickets"),
    ("get", "/api/v1/tickets"),
    ("get", "/api/v1/tickets/kpis"),
    ("get", "/api/v1/tickets/export"),
    ("get", "/api/v1/tickets/{ticket_id}"),
    ("patch", "/api/v1/tickets/{ticket_id}"),
    ("post", "/api/v1/tickets/{ticket_id}/route"),
    ("post", "/api/v1/tickets/{ticket_id}/assign"),
    ("post", "/api/v1/tickets/{ticket_id}/transfer"),
    ("post", "/api/v1/tickets/{ticket_id}/start"),
    ("post", "/api/v1/tickets/{ticket_id}/hold"),
    ("post", "/api/v1/tickets/{ticket_id}/resume"),
    ("post", "/api/v1/tickets/{ticket_id}/resolve"),
    ("post", "/api/v1/tickets/{ticket_id}/confirm"),
    ("post", "/api/v1/tickets/{ticket_id}/close"),
    ("post", "/api/v1/tickets/{ticket_id}/reopen"),
    ("post", "/api/v1/tickets/{ticket_id}/escalate"),
    ("post", "/api/v1/tickets/{ticket_id}/priority"),
    ("get", "/api/v1/tickets/{ticket_id}/comments"),
    ("post", "/api/v1/tickets/{ticket_id}/comments"),
    ("get", "/api/v1/tickets/{ticket_id}/service-records"),
    ("post", "/api/v1/tickets/{ticket_id}/service-records"),
    ("get", "/api/v1/tickets/{ticket_id}/attachments"),
    ("post", "/api/v1/tickets/{ticket_id}/attachments"),
    ("get", "/api/v1/tickets/{ticket_id}/attachments/{attachment_id}"),
    ("delete", "/api/v1/tickets/{ticket_id}/attachments/{attachment_id}"),
    ("get", "/api/v1/tickets/{ticket_id}/history"),
    ("get", "/api/v1/tickets/{ticket_id}/routing-decisions"),
    ("get", "/api/v1/tickets/{ticket_id}/knowledge"),
    ("post", "/api/v1/routing-rules"),
    ("get", "/api/v1/routing-rules"),
    ("get", "/api/v1/routing-rules/{rule_id}"),
    ("patch", "/api/v1/routing-rules/{rule_id}"),
    ("delete", "/api/v1/routing-rules/{rule_id}"),
    ("post", "/api/v1/sla-policies"),
    ("get", "/api/v1/sla-policies"),
    ("get", "/api/v1/sla-policies/{policy_id}"),
    ("patch", "/api/v1/sla-policies/{policy_id}"),
    ("delete", "/api/v1/sla-policies/{policy_id}"),
    ("post", "/api/v1/business-calendars"),
    ("get", "/api/v1/business-calendars"),
    ("get", "/api/v1/business-calendars/{calendar_id}"),
    ("patch", "/api/v1/business-calendars/{calendar_id}"),
    ("delete", "/api/v1/business-calendars/{calendar_id}"),
    ("post", "/api/v1/business-calendars/{calendar_id}/public-holidays"),
    ("post", "/api/v1/knowledge"),
    ("get", "/api/v1/knowledge"),
    ("get", "/api/v1/knowledge/{article_id}"),
    ("patch", "/api/v1/knowledge/{article_id}"),
    ("delete", "/api/v1/knowledge/{article_id}"),
    ("get", "/api/v1/knowledge/search"),
    ("get", "/api/v1/agents"),
    ("get", "/api/v1/agents/{user_id}"),
    ("patch", "/api/v1/agents/{user_id}"),
    ("get", "/api/v1/ticket-policy"),
    ("put", "/api/v1/ticket-policy"),
    ("get", "/api/v1/callback-tasks"),
    ("get", "/api/v1/callback-tasks/{task_id}"),
    ("post", "/api/v1/callback-tasks/{task_id}/complete"),
    # marketing segments and profiles (views/marketing_segments.py)
    ("post", "/api/v1/segments"),
    ("get", "/api/v1/segments"),
    ("post", "/api/v1/segments/preview"),
    ("get", "/api/v1/segments/{segment_id}"),
    ("patch", "/api/v1/segments/{segment_id}"),
    ("delete", "/api/v1/segments/{segment_id}"),
    ("post", "/api/v1/segments/{segment_id}/evaluate"),
    ("get", "/api/v1/segments/{segment_id}/members"),
    ("get", "/api/v1/marketing/profiles/{customer_id}"),
    # marketing campaigns, the policy and KPIs (views/marketing_campaigns.py)
    ("post", "/api/v1/campaigns"),
    ("get", "/api/v1/campaigns"),
    ("get", "/api/v1/campaigns/{campaign_id}"),
    ("patch", "/api/v1/campaigns/{campaign_id}"),
    ("delete", "/api/v1/campaigns/{campaign_id}"),
    ("post", "/api/v1/campaigns/{campaign_id}/schedule"),
    ("post", "/api/v1/campaigns/{campaign_id}/launch"),
    ("post", "/api/v1/campaigns/{campaign_id}/pause"),
    ("post", "/api/v1/campaigns/{campaign_id}/resume"),
    ("post", "/api/v1/campaigns/{campaign_id}/complete"),
    ("post", "/api/v1/campaigns/{campaign_id}/cancel"),
    ("get", "/api/v1/campaigns/{campaign_id}/recipients"),
    ("post", "/api/v1/campaigns/{campaign_id}/responses"),
    ("get", "/api/v1/campaigns/{campaign_id}/roi"),
    ("get", "/api/v1/campaigns/{campaign_id}/survey-rounds"),
    ("get", "/api/v1/marketing/policy"),
    ("patch", "/api/v1/marketing/policy"),
    ("get", "/api/v1/marketing/kpis"),
    # marketing surveys, the public form, improvement items, triggers (views/marketing_surveys.py)
    ("post", "/api/v1/surveys"),
    ("get", "/api/v1/surveys"),
    ("get", "/api/v1/surveys/{survey_id}"),
    ("patch", "/api/v1/surveys/{survey_id}"),
    ("delete", "/api/v1/surveys/{survey_id}"),
    ("post", "/api/v1/surveys/{survey_id}/invitations"),
    ("get", "/api/v1/surveys/{survey_id}/invitations"),
    ("get", "/api/v1/surveys/{survey_id}/answers"),
    ("get", "/api/v1/surveys/{survey_id}/results"),
    ("get", "/api/v1/surveys/respond/{token}"),
    ("post", "/api/v1/surveys/respond/{token}"),
    # unsubscribing: a link's token, the SMS gateway's signed inbound webhook (public_consents.py)
    ("post", "/api/v1/public/unsubscribe/{token}"),
    ("post", "/api/v1/public/sms/inbound"),
    # web-to-lead, service requests, their status, the public knowledge base (public_help.py)
    ("post", "/api/v1/public/leads"),
    ("post", "/api/v1/public/tickets"),
    ("post", "/api/v1/public/tickets/status"),
    ("get", "/api/v1/public/kb/articles"),
    ("get", "/api/v1/public/kb/articles/{article_id}"),
    ("get", "/api/v1/surveys/improvement-items"),
    ("post", "/api/v1/surveys/improvement-items"),
    ("patch", "/api/v1/surveys/improvement-items/{item_id}"),
    ("post", "/api/v1/triggers"),
    ("get", "/api/v1/triggers"),
    ("get", "/api/v1/triggers/firings"),
    ("get", "/api/v1/triggers/{trigger_id}"),
    ("patch", "/api/v1/triggers/{trigger_id}"),
    ("delete", "/api/v1/triggers/{trigger_id}"),
    # follow-ups of the sales service (views/sales_activities.py)
    ("post", "/api/v1/activities"),
    ("get", "/api/v1/activities"),
    ("get", "/api/v1/activities/{activity_id}"),
    ("get", "/api/v1/activities/{activity_id}/attachments"),
    ("post", "/api/v1/activities/{activity_id}/attachments"),
    ("get", "/api/v1/activities/{activity_id}/attachments/{attachment_id}"),
    ("delete", "/api/v1/activities/{activity_id}/attachments/{attachment_id}"),
    ("get", "/api/v1/quotes/{quote_id}/attachments"),
    ("post", "/api/v1/quotes/{quote_id}/attachments"),
    ("get", "/api/v1/quotes/{quote_id}/attachments/{attachment_id}"),
    ("delete", "/api/v1/quotes/{quote_id}/attachments/{attachment_id}"),
    ("get", "/api/v1/contracts/{contract_id}/attachments"),
    ("post", "/api/v1/contracts/{contract_id}/attachments"),
    ("get", "/api/v1/contracts/{contract_id}/attachments/{attachment_id}"),
    ("delete", "/api/v1/contracts/{contract_id}/attachments/{attachment_id}"),
    ("patch", "/api/v1/activities/{activity_id}"),
    ("post", "/api/v1/activities/{activity_id}/comments"),
    ("get", "/api/v1/activities/{activity_id}/comments"),
    ("post", "/api/v1/follow-up-tasks"),
    ("get", "/api/v1/follow-up-tasks"),
    ("get", "/api/v1/follow-up-tasks/{task_id}"),
    ("patch", "/api/v1/follow-up-tasks/{task_id}"),
    ("post", "/api/v1/follow-up-tasks/{task_id}/complete"),
    ("post", "/api/v1/follow-up-tasks/{task_id}/cancel"),
    ("get", "/api/v1/follow-up-plans"),
    ("get", "/api/v1/follow-up-plans/{customer_id}"),
    ("patch", "/api/v1/follow-up-plans/{customer_id}"),
    ("get", "/api/v1/sales/policy"),
    ("patch", "/api/v1/sales/policy"),
    ("get", "/api/v1/sales/reports/follow-ups"),
    ("get", "/api/v1/sales/reports/churn"),
    ("get", "/api/v1/sales/churn-reasons"),
    ("put", "/api/v1/sales/churn-reasons/{code}"),
    # sales targets, attainment, the leaderboard (views/sales_targets.py)
    ("post", "/api/v1/sales/targets"),
    ("get", "/api/v1/sales/targets"),
    ("get", "/api/v1/sales/targets/attainment"),
    ("get", "/api/v1/sales/leaderboard"),
    # the approvals inbox, decisions and policies (views/sales_approvals.py)
    ("get", "/api/v1/sales/approval-requests"),
    ("get", "/api/v1/sales/approval-requests/{request_id}"),
    ("post", "/api/v1/sales/approval-requests/{request_id}/approve"),
    ("post", "/api/v1/sales/approval-requests/{request_id}/reject"),
    ("get", "/api/v1/sales/approval-policies"),
    ("post", "/api/v1/sales/approval-policies"),
    ("get", "/api/v1/sales/approval-policies/{policy_id}"),
    ("patch", "/api/v1/sales/approval-policies/{policy_id}"),
    # service targets and their attainment (views/service_targets.py)
    ("post", "/api/v1/service-targets"),
    ("get", "/api/v1/service-targets"),
    ("get", "/api/v1/service-targets/attainment"),
    # leads, their rules and the sales reps (views/sales_leads.py)
    ("post", "/api/v1/leads"),
    ("get", "/api/v1/leads"),
    ("get", "/api/v1/leads/export"),
    ("get", "/api/v1/leads/{lead_id}"),
    ("patch", "/api/v1/leads/{lead_id}"),
    ("post", "/api/v1/leads/{lead_id}/grade"),
    ("post", "/api/v1/leads/{lead_id}/assign"),
    ("get", "/api/v1/leads/{lead_id}/assignments"),
    ("post", "/api/v1/leads/{lead_id}/convert"),
    ("post", "/api/v1/leads/{lead_id}/disqualify"),
    ("get", "/api/v1/sales/lead-assignments"),
    ("post", "/api/v1/sales/grading-rules"),
    ("get", "/api/v1/sales/grading-rules"),
    ("get", "/api/v1/sales/grading-rules/{rule_id}"),
    ("patch", "/api/v1/sales/grading-rules/{rule_id}"),
    ("delete", "/api/v1/sales/grading-rules/{rule_id}"),
    ("post", "/api/v1/sales/assignment-rules"),
    ("get", "/api/v1/sales/assignment-rules"),
    ("get", "/api/v1/sales/assignment-rules/{rule_id}"),
    ("patch", "/api/v1/sales/assignment-rules/{rule_id}"),
    ("delete", "/api/v1/sales/assignment-rules/{rule_id}"),
    ("get", "/api/v1/sales/reps"),
    ("get", "/api/v1/sales/reps/{user_id}"),
    ("patch", "/api/v1/sales/reps/{user_id}"),
    # deals: opportunities, quotes, contracts, payments, reports (views/sales_deals.py)
    ("post", "/api/v1/opportunities"),
    ("get", "/api/v1/opportunities"),
    ("get", "/api/v1/opportunities/{opportunity_id}"),
    ("get", "/api/v1/opportunities/{opportunity_id}/collaborators"),
    ("put", "/api/v1/opportunities/{opportunity_id}/collaborators/{user_id}"),
    ("delete", "/api/v1/opportunities/{opportunity_id}/collaborators/{user_id}"),
    ("patch", "/api/v1/opportunities/{opportunity_id}"),
    ("post", "/api/v1/opportunities/{opportunity_id}/stage"),
    ("get", "/api/v1/sales/funnel"),
    ("get", "/api/v1/sales/forecast"),
    ("post", "/api/v1/quotes"),
    ("get", "/api/v1/quotes"),
    ("get", "/api/v1/quotes/{quote_id}"),
    ("patch", "/api/v1/quotes/{quote_id}"),
    ("delete", "/api/v1/quotes/{quote_id}"),
    ("post", "/api/v1/quotes/{quote_id}/send"),
    ("post", "/api/v1/quotes/{quote_id}/accept"),
    ("post", "/api/v1/quotes/{quote_id}/reject"),
    ("post", "/api/v1/contracts"),
    ("get", "/api/v1/contracts"),
    ("get", "/api/v1/contracts/{contract_id}"),
    ("patch", "/api/v1/contracts/{contract_id}"),
    ("post", "/api/v1/contracts/{contract_id}/sign"),
    ("post", "/api/v1/contracts/{contract_id}/terminate"),
    ("post", "/api/v1/contracts/{contract_id}/renew"),
    ("get", "/api/v1/contracts/{contract_id}/payment-plan"),
    ("put", "/api/v1/contracts/{contract_id}/payment-plan"),
    ("post", "/api/v1/payments"),
    ("get", "/api/v1/payments"),
    ("get", "/api/v1/payments/{payment_id}"),
    ("post", "/api/v1/payments/{payment_id}/void"),
    ("get", "/api/v1/sales/receivables/overdue"),
    ("post", "/api/v1/purchases"),
    ("get", "/api/v1/purchases"),
    ("get", "/api/v1/sales/reports/conversion"),
    ("get", "/api/v1/sales/reports/deal-cycle"),
    ("get", "/api/v1/sales/reports/won-deal-traits"),
    ("get", "/api/v1/sales/kpis"),
}
# The explorer's bundled static files (Swagger UI's JavaScript and CSS) are not API operations.
STATIC_ASSETS = "/api/v1/explorer/assets/{filename}"


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def operations(document):
    return {
        (method, path): op
        for path, item in document["paths"].items()
        for method, op in item.items()
    }


def test_document_is_openapi_3_1_and_parses_as_one(document):
    assert document["openapi"].startswith("3.1")
    APISpec.model_validate(document)  # flask-openapi3's model of an OpenAPI 3.1 document


def test_every_served_route_is_documented_and_nothing_else(app, document):
    served = set()
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        if path == STATIC_ASSETS:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            served.add((method.lower(), path))

    assert served == set(operations(document))
    assert served == EXPECTED_OPERATIONS


def test_every_reference_resolves_and_every_schema_is_valid_json_schema(document):
    schemas = document["components"]["schemas"]
    refs = set(
        re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', str(document).replace("'", '"'))
    )
    assert refs and refs <= set(schemas)
    for schema in schemas.values():
        Draft202012Validator.check_schema(schema)


def test_protected_routes_declare_bearer_auth_and_errors_are_problems(document):
    for (method, path), op in operations(document).items():
        public = path in {
            "/healthz",
            "/readyz",
            "/.well-known/jwks.json",
            "/.well-known/token-revocations",  # the watermarks every verifier polls
            "/api/v1/openapi.json",
            "/api/v1/auth/token",
            "/api/v1/auth/logout",
            "/api/v1/explorer",
            "/api/v1/surveys/respond/{token}",  # a customer's signed link is the key
            "/api/v1/public/unsubscribe/{token}",  # likewise
            "/api/v1/public/sms/inbound",  # the SMS gateway's HMAC signature is the key
        } or path.startswith("/api/v1/public/")  # pages for customers: no account, by design
        assert (op.get("security") is None) == public, (method, path)
        if not public:
            assert "401" in op["responses"]
        for status, response in op["responses"].items():
            if int(status) >= 400:
                assert set(response["content"]) == {"application/problem+json"}, (
                    method,
                    path,
                    status,
                )
            assert "X-Request-Id" in response["headers"]


def test_request_and_response_schemas_come_from_the_route_models(document):
    ops = operations(document)
    create = ops[("post", "/api/v1/customers")]
    body_ref = create["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body_ref.endswith("/CustomerCreate")
    assert create["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/Customer"
    )
    assert "Location" in create["responses"]["201"]["headers"]
    assert {p["name"] for p in create["parameters"]} == {"Idempotency-Key"}
    customer_type = document["components"]["schemas"]["CustomerCreate"]["properties"]["type"]
    assert customer_type["enum"] == ["enterprise", "individual"]
    listing = ops[("get", "/api/v1/notifications")]
    assert {p["name"] for p in listing["parameters"]} == {
        "unread_only",
        "page_size",
        "page_token",
        "category",
        "subject_type",
        "subject_id",
    }
    # Input-less routes do not claim a 422; routes calling services document 503 and 504.
    assert "422" not in ops[("get", "/api/v1/me")]["responses"]
    assert {"503", "504"} <= set(ops[("get", "/api/v1/notifications/unread-count")]["responses"])
