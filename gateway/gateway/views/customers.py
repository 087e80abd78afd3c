"""``/api/v1/customers``: REST over ``crm.customer.v1.CustomerService`` (translation only).

The customer service validates the data and applies the caller's visibility (it sees the
caller's forwarded token); its field violations come back as this API's field errors.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm_shared.auth import current_principal
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field

from gateway.endpoints import operation
from gateway.idempotency import current_key
from gateway.peers import call
from gateway.protojson import enum_number, enum_words, to_json
from gateway.views import json_response

PEER = "customer"
SERVICE = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]
COLLECTION = "/api/v1/customers"

# Enum words come from the contract, so a value added to the .proto is accepted here too.
CustomerTypeWord = Literal[tuple(enum_words(customer_pb2.CustomerType.DESCRIPTOR))]  # type: ignore[misc]
GenderWord = Literal[tuple(enum_words(customer_pb2.Gender.DESCRIPTOR))]  # type: ignore[misc]
SourceWord = Literal[tuple(enum_words(types_pb2.SourceChannel.DESCRIPTOR))]  # type: ignore[misc]
ValueClassWord = Literal[tuple(enum_words(types_pb2.ValueClass.DESCRIPTOR))]  # type: ignore[misc]
LifecycleWord = Literal[tuple(enum_words(types_pb2.LifecycleStage.DESCRIPTOR))]  # type: ignore[misc]
StateWord = Literal[tuple(enum_words(customer_pb2.CustomerState.DESCRIPTOR))]  # type: ignore[misc]
TagSourceWord = Literal[tuple(enum_words(customer_pb2.TagSource.DESCRIPTOR))]  # type: ignore[misc]

DATE = r"^\d{4}-\d{2}-\d{2}$"


# --- request bodies: only what a caller may set ---------------------------------------------


class CustomerCreate(BaseModel):
    """A new customer. The owner defaults to the caller."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "type": "enterprise",
                    "display_name": "杭州西湖科技",
                    "phone": "13800138000",
                    "email": "contact@example.com",
                }
            ]
        },
    )

    type: CustomerTypeWord
    display_name: str = Field(min_length=1, max_length=200)
    phone: str = Field("", max_length=32, description="11-digit mainland mobile or E.164.")
    email: str = Field("", max_length=320)
    owner_id: str = Field(
        "", max_length=64, description="Owner other than the caller (within the caller's scope)."
    )


class CustomerPath(BaseModel):
    customer_id: str = Field(min_length=1, max_length=64)


class CustomerListQuery(BaseModel):
    page_size: int | None = Field(
        None, ge=1, le=1000, description="Default 50; the service caps it."
    )
    page_token: str = Field(
        "", max_length=2048, description="`next_page_token` of the previous page."
    )


# --- responses ------------------------------------------------------------------------------

CUSTOMER_EXAMPLE = {
    "id": "3f2b7c1e-8d4a-4b6f-9e0c-1a2b3c4d5e6f",
    "number": "C20260301",
    "type": "enterprise",
    "display_name": "杭州西湖科技",
    "owner_id": "0b8a3c52-6f43-5e1d-9a7b-3c2d1e0f4a5b",
    "department_path": "/hq/sales/east",
    "phone": "138****8000",
    "email": "contact@example.com",
    "create_time": "2026-03-01T08:30:00Z",
    "update_time": "2026-03-01T08:30:00Z",
    "enterprise": {
        "legal_name": "",
        "industry": "",
        "staff_count": 0,
        "annual_revenue": None,
        "registration_number": "",
        "website": "",
    },
    "individual": None,
    "source": None,
    "source_detail": "",
    "first_contact_date": "",
    "needs": "",
    "tags": [],
    "value_class": None,
    "lifecycle_stage": None,
    "annual_contract_amount": None,
    "churn_risk": None,
    "completeness_score": 60,
    "missing_fields": ["address"],
    "sensitive_fields_masked": True,
    "state": "active",
    "merged_into_customer_id": "",
    "address": "",
    "wechat_id": "",
    "external_ids": {},
    "last_interaction_time": None,
    "created_by": "0b8a3c52-6f43-5e1d-9a7b-3c2d1e0f4a5b",
    "updated_by": "0b8a3c52-6f43-5e1d-9a7b-3c2d1e0f4a5b",
    "etag": "1",
}


class Money(BaseModel):
    currency_code: str
    amount_minor: int = Field(description="Amount in minor units (fen for CNY).")


class EnterpriseProfile(BaseModel):
    legal_name: str
    industry: str
    staff_count: int
    annual_revenue: Money | None = None
    registration_number: str
    website: str


class IndividualProfile(BaseModel):
    gender: GenderWord | None = None
    age: int
    birth_date: str
    occupation: str
    id_card_number: str = Field(description="Masked unless revealed.")


class CustomerTag(BaseModel):
    tag_id: str
    name: str
    dimension: str
    source: TagSourceWord | None = None
    rule_id: str
    apply_time: datetime | None = None
    applied_by: str


class ChurnRisk(BaseModel):
    at_risk: bool
    reason: str
    signals: list[str]
    score: float
    flag_time: datetime | None = None
    evaluate_time: datetime | None = None


class Customer(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [CUSTOMER_EXAMPLE]})

    id: str
    number: str = Field(description="Human-readable, stable number, e.g. `C20240301`.")
    type: CustomerTypeWord | None = None
    display_name: str
    owner_id: str
    department_path: str
    phone: str
    email: str
    create_time: datetime | None = None
    update_time: datetime | None = None
    enterprise: EnterpriseProfile | None = None
    individual: IndividualProfile | None = None
    source: SourceWord | None = None
    source_detail: str
    first_contact_date: str
    needs: str
    tags: list[CustomerTag]
    value_class: ValueClassWord | None = None
    lifecycle_stage: LifecycleWord | None = None
    annual_contract_amount: Money | None = None
    churn_risk: ChurnRisk | None = None
    completeness_score: int
    missing_fields: list[str]
    sensitive_fields_masked: bool
    state: StateWord | None = None
    merged_into_customer_id: str
    address: str
    wechat_id: str
    external_ids: dict[str, str]
    last_interaction_time: datetime | None = None
    created_by: str
    updated_by: str
    etag: str


class CustomerPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"customers": [CUSTOMER_EXAMPLE], "next_page_token": "", "total_size": 1}]
        }
    )

    customers: list[Customer]
    next_page_token: str = Field(description="Token of the next page; empty on the last page.")
    total_size: int


# --- translation ----------------------------------------------------------------------------


def to_proto(body: CustomerCreate) -> customer_pb2.Customer:
    customer = customer_pb2.Customer(
        type=enum_number(customer_pb2.CustomerType.DESCRIPTOR, body.type),
        display_name=body.display_name,
        phone=body.phone,
        email=body.email,
        owner_id=body.owner_id,
    )
    return customer


def from_proto(customer: customer_pb2.Customer) -> Customer:
    return Customer.model_validate(to_json(customer))


def idempotency_request_id(user_id: str, key: str | None) -> str:
    """The service's request id (a UUID) for a caller's ``Idempotency-Key``: one key per caller."""
    if not key:
        return str(uuid.uuid4())
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:crm:idempotency:{user_id}:{key}"))


def register(app, deps) -> None:
    api = APIBlueprint("customers", __name__, abp_tags=[Tag(name="customers")])

    def stub() -> customer_pb2_grpc.CustomerServiceStub:
        return deps.peers.stub(PEER, SERVICE, customer_pb2_grpc.CustomerServiceStub)

    @operation(
        api,
        "post",
        COLLECTION,
        operation_id="createCustomer",
        summary="Create a customer",
        responses={201: Customer},
        calls_services=True,
        creates=True,
        response_headers={201: ["Location"]},
    )
    def create_customer(body: CustomerCreate):
        # The key also becomes the service's request id: a create the gateway could not
        # record (e.g. it crashed after the call) is still not repeated by the service.
        request = customer_pb2.CreateCustomerRequest(
            customer=to_proto(body),
            request_id=idempotency_request_id(current_principal().user_id, current_key()),
        )
        created = call(PEER, stub().CreateCustomer, request, field_prefix="customer.")
        return json_response(
            from_proto(created), status=201, headers={"Location": f"{COLLECTION}/{created.id}"}
        )

    @operation(
        api,
        "get",
        f"{COLLECTION}/<customer_id>",
        operation_id="getCustomer",
        summary="Get a customer the caller may see",
        responses={200: Customer},
        calls_services=True,
    )
    def get_customer(path: CustomerPath):
        found = call(PEER, stub().GetCustomer, customer_pb2.GetCustomerRequest(id=path.customer_id))
        return json_response(from_proto(found))

    @operation(
        api,
        "get",
        COLLECTION,
        operation_id="listCustomers",
        summary="List the customers the caller may see, newest first",
        responses={200: CustomerPage},
        calls_services=True,
    )
    def list_customers(query: CustomerListQuery):
        page = call(
            PEER,
            stub().ListCustomers,
            customer_pb2.ListCustomersRequest(
                page_size=query.page_size or 0, page_token=query.page_token
            ),
        )
        return json_response(
            CustomerPage(
                customers=[from_proto(c) for c in page.customers],
                next_page_token=page.next_page_token,
                total_size=page.total_size,
            )
        )

    app.register_api(api)
