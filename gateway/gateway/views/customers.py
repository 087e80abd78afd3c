"""``/api/v1/customers``: REST over ``crm.customer.v1.CustomerService`` (translation only).

The customer service validates the data and applies the caller's visibility (it sees the
caller's forwarded token); its field violations come back as this API's field errors.

Routes: the collection (list with filters and cursor pages, create, import and export as CSV
or .xlsx),
one customer (get, patch, reassign, history, portrait, timeline), its contacts, tags,
consents, data-subject export and erasure, and the operations over several customers
(duplicates, merge, handover). Response schemas are the contract's messages
(:mod:`gateway.views.customer_schemas`).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from crm.common.v1 import collaborators_pb2, privacy_pb2, types_pb2
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm_shared.auth import current_principal
from crm_shared.errors import NotFound
from crm_shared.field_limits import max_lengths
from crm_shared.grpc.client import connect
from crm_shared.protojson import enum_number, enum_words, from_json, to_json
from crm_shared.timestamps import to_timestamp
from flask import Response
from flask_openapi3 import APIBlueprint, FileStorage, Tag
from google.protobuf.field_mask_pb2 import FieldMask
from pydantic import BaseModel, ConfigDict, Field, model_validator

from gateway.endpoints import operation
from gateway.idempotency import current_key
from gateway.identity.models import LOCALES
from gateway.peers import call
from gateway.views import customer_examples as ex
from gateway.views import json_response, table_exports
from gateway.views.customer_examples import CUSTOMER_EXAMPLE
from gateway.views.customer_schemas import response_model, use_model

PEER = "customer"
SERVICE = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]
COLLECTION = "/api/v1/customers"
ONE = f"{COLLECTION}/<customer_id>"
# The customer service's text limits, declared once in crm_shared.field_limits.
CUSTOMER_MAX = max_lengths(customer_pb2.Customer)
ENTERPRISE_MAX = max_lengths(customer_pb2.EnterpriseProfile)
INDIVIDUAL_MAX = max_lengths(customer_pb2.IndividualProfile)
CONTACT_MAX = max_lengths(customer_pb2.Contact)

# Enum words come from the contract, so a value added to the .proto is accepted here too.
CustomerTypeWord = Literal[tuple(enum_words(customer_pb2.CustomerType.DESCRIPTOR))]  # type: ignore[misc]
GenderWord = Literal[tuple(enum_words(customer_pb2.Gender.DESCRIPTOR))]  # type: ignore[misc]
SourceWord = Literal[tuple(enum_words(types_pb2.SourceChannel.DESCRIPTOR))]  # type: ignore[misc]
ValueClassWord = Literal[tuple(enum_words(types_pb2.ValueClass.DESCRIPTOR))]  # type: ignore[misc]
LifecycleWord = Literal[tuple(enum_words(types_pb2.LifecycleStage.DESCRIPTOR))]  # type: ignore[misc]
StateWord = Literal[tuple(enum_words(customer_pb2.CustomerState.DESCRIPTOR))]  # type: ignore[misc]
TagSourceWord = Literal[tuple(enum_words(customer_pb2.TagSource.DESCRIPTOR))]  # type: ignore[misc]
PurposeWord = Literal[tuple(enum_words(customer_pb2.ConsentPurpose.DESCRIPTOR))]  # type: ignore[misc]
ChannelWord = Literal[tuple(enum_words(types_pb2.DeliveryChannel.DESCRIPTOR))]  # type: ignore[misc]
DecisionRoleWord = Literal[tuple(enum_words(customer_pb2.DecisionRole.DESCRIPTOR))]  # type: ignore[misc]
DuplicateStateWord = Literal[tuple(enum_words(customer_pb2.DuplicateCandidateState.DESCRIPTOR))]  # type: ignore[misc]
DuplicateHandlingWord = Literal[tuple(enum_words(customer_pb2.DuplicateHandling.DESCRIPTOR))]  # type: ignore[misc]
ErasureStateWord = Literal[tuple(enum_words(customer_pb2.ErasureState.DESCRIPTOR))]  # type: ignore[misc]
AccessActionWord = Literal[tuple(enum_words(customer_pb2.AccessAction.DESCRIPTOR))]  # type: ignore[misc]
TimelineKindWord = Literal[tuple(enum_words(customer_pb2.TimelineEntryKind.DESCRIPTOR))]  # type: ignore[misc]
TableFormatWord = Literal[tuple(enum_words(types_pb2.TableFormat.DESCRIPTOR))]  # type: ignore[misc]
LocaleWord = Literal[LOCALES]  # type: ignore[valid-type]
CsvColumn = Literal[
    "type",
    "display_name",
    "phone",
    "email",
    "source",
    "source_detail",
    "first_contact_date",
    "needs",
    "owner_id",
    "enterprise.legal_name",
    "enterprise.industry",
    "enterprise.staff_count",
    "individual.gender",
    "individual.age",
    "individual.birth_date",
    "individual.occupation",
    "tags",
]

DATE = r"^\d{4}-\d{2}-\d{2}$"
OPTIONAL_DATE = r"^(\d{4}-\d{2}-\d{2})?$"
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
PAGE_SIZE = Field(None, ge=1, le=1000, description="Default 50; the service caps it.")
PAGE_TOKEN = Field("", max_length=2048, description="`next_page_token` of the previous page.")


# --- request bodies: only what a caller may set ---------------------------------------------


class Money(BaseModel):
    currency_code: str
    amount_minor: int = Field(
        ge=-INT64_MAX, le=INT64_MAX, description="Amount in minor units (fen for CNY)."
    )


class EnterpriseInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    legal_name: str = Field(
        "", max_length=ENTERPRISE_MAX["legal_name"], description="Full registered name. Required."
    )
    industry: str = Field("", max_length=ENTERPRISE_MAX["industry"], description="Required.")
    staff_count: int | None = Field(None, ge=0, le=INT32_MAX)
    annual_revenue: Money | None = None
    registration_number: str = Field("", max_length=ENTERPRISE_MAX["registration_number"])
    website: str = Field("", max_length=ENTERPRISE_MAX["website"])


class IndividualInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    gender: GenderWord | None = None
    age: int | None = Field(None, ge=0, le=150)
    birth_date: str = Field("", pattern=OPTIONAL_DATE, description="`YYYY-MM-DD`.")
    occupation: str = Field("", max_length=INDIVIDUAL_MAX["occupation"])
    id_card_number: str = Field("", max_length=32, description="Encrypted at rest.")


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
                    "source": "exhibition",
                    "enterprise": {
                        "legal_name": "杭州西湖科技有限公司",
                        "industry": "manufacturing",
                    },
                }
            ]
        },
    )

    type: CustomerTypeWord
    display_name: str = Field(min_length=1, max_length=CUSTOMER_MAX["display_name"])
    phone: str = Field("", max_length=32, description="11-digit mainland mobile or E.164.")
    email: str = Field("", max_length=320)
    owner_id: str = Field(
        "", max_length=64, description="Owner other than the caller (within the caller's scope)."
    )
    source: SourceWord | None = None
    source_detail: str = Field("", max_length=CUSTOMER_MAX["source_detail"])
    first_contact_date: str = Field("", pattern=OPTIONAL_DATE, description="`YYYY-MM-DD`.")
    needs: str = Field("", max_length=CUSTOMER_MAX["needs"])
    address: str = Field("", max_length=CUSTOMER_MAX["address"])
    wechat_id: str = Field("", max_length=CUSTOMER_MAX["wechat_id"])
    bank_name: str = Field("", max_length=CUSTOMER_MAX["bank_name"])
    bank_account: str = Field("", max_length=64, description="Encrypted at rest.")
    source_lead_id: str = Field("", max_length=CUSTOMER_MAX["source_lead_id"])
    source_campaign_id: str = Field("", max_length=CUSTOMER_MAX["source_campaign_id"])
    enterprise: EnterpriseInput | None = None
    individual: IndividualInput | None = None
    tags: list[str] = Field(default_factory=list, max_length=100, description="Tag ids.")
    external_ids: dict[str, str] = Field(default_factory=dict, description='e.g. `{"erp": "K-1"}`.')


class CustomerPatch(BaseModel):
    """The fields to change; only those sent change (they are the update mask). The owner
    changes through `POST /{id}/reassign`, tags through the tags sub-resource."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"phone": "13900139000", "etag": 'W/"3"'},
                {"enterprise": {"industry": "retail"}},
            ]
        },
    )

    display_name: str | None = Field(None, min_length=1, max_length=CUSTOMER_MAX["display_name"])
    phone: str | None = Field(None, max_length=32)
    email: str | None = Field(None, max_length=320)
    source: SourceWord | None = None
    source_detail: str | None = Field(None, max_length=CUSTOMER_MAX["source_detail"])
    first_contact_date: str | None = Field(None, pattern=OPTIONAL_DATE)
    needs: str | None = Field(None, max_length=CUSTOMER_MAX["needs"])
    address: str | None = Field(None, max_length=CUSTOMER_MAX["address"])
    wechat_id: str | None = Field(None, max_length=CUSTOMER_MAX["wechat_id"])
    bank_name: str | None = Field(None, max_length=CUSTOMER_MAX["bank_name"])
    bank_account: str | None = Field(None, max_length=64)
    lifecycle_stage: LifecycleWord | None = None
    primary_contact_id: str | None = Field(None, max_length=CUSTOMER_MAX["primary_contact_id"])
    enterprise: EnterpriseInput | None = None
    individual: IndividualInput | None = None
    external_ids: dict[str, str] | None = None
    etag: str | None = Field(
        None, max_length=64, description="From the customer read; 409 if it changed."
    )

    @model_validator(mode="after")
    def _something_to_change(self):
        if not (self.model_fields_set - {"etag"}):
            raise ValueError("name at least one field to change")
        return self


class CustomerPath(BaseModel):
    customer_id: str = Field(min_length=1, max_length=64)


class ContactPath(BaseModel):
    customer_id: str = Field(min_length=1, max_length=64)
    contact_id: str = Field(min_length=1, max_length=64)


class TagPath(BaseModel):
    customer_id: str = Field(min_length=1, max_length=64)
    tag_id: str = Field(min_length=1, max_length=64)


class PurposePath(BaseModel):
    customer_id: str = Field(min_length=1, max_length=64)
    purpose: PurposeWord


class IdPath(BaseModel):
    id: str = Field(min_length=1, max_length=64)


class CustomerFilterQuery(BaseModel):
    """The selection filters shared by the list and the CSV export; they combine with AND."""

    query: str = Field(
        "", max_length=200, description="Name, number, legal name, phone or e-mail contains."
    )
    type: CustomerTypeWord | None = None
    owner_id: str = Field("", max_length=64)
    department_path: str = Field("", max_length=255, description="Owned inside this subtree.")
    tag_ids: list[str] = Field(default_factory=list, description="Carrying all of these tags.")
    any_tag_ids: list[str] = Field(default_factory=list, description="Carrying one of these.")
    exclude_tag_ids: list[str] = Field(default_factory=list, description="Carrying none of these.")
    value_classes: list[ValueClassWord] = Field(default_factory=list)
    lifecycle_stages: list[LifecycleWord] = Field(default_factory=list)
    at_risk: bool | None = None
    source: SourceWord | None = None
    industry: str = Field("", max_length=100)
    include_inactive: bool = Field(False, description="Include merged and erased records.")


class CustomerListQuery(CustomerFilterQuery):
    page_size: int | None = PAGE_SIZE
    page_token: str = PAGE_TOKEN
    number: str = Field("", max_length=20)
    phone: str = Field("", max_length=32)
    email: str = Field("", max_length=320)
    order_by: Literal["", "create_time desc", "update_time desc"] = ""


class CustomerExportQuery(CustomerFilterQuery):
    columns: list[CsvColumn] = Field(
        default_factory=list, description="Columns to write; all by default."
    )
    access_purpose: str = Field("", max_length=500, description="Written to the access log.")
    format: TableFormatWord = Field("csv", description="`csv` or `xlsx` (an Excel workbook).")
    locale: LocaleWord | None = Field(
        None,
        description="Language of the header row for a person: `zh-CN` the columns' Chinese names "
        "(客户名称...) and values, `en-US` English. Without it the file is the stable machine "
        "format integrations parse: the columns' keys, enum words, no byte-order mark.",
    )


class CustomerGetQuery(BaseModel):
    reveal_sensitive: bool = Field(
        False, description="Sensitive fields in clear (privacy roles; audit-logged)."
    )
    access_purpose: str = Field("", max_length=500, description="Written to the access log.")


class PageQuery(BaseModel):
    page_size: int | None = PAGE_SIZE
    page_token: str = PAGE_TOKEN


class HistoryQuery(PageQuery):
    field_path: str = Field("", max_length=100)
    actor_id: str = Field("", max_length=64)


class TimelineQuery(PageQuery):
    kinds: list[TimelineKindWord] = Field(default_factory=list)
    source_service: str = Field("", max_length=30)
    start_time: datetime | None = None
    end_time: datetime | None = None


class ContactListQuery(PageQuery):
    decision_role: DecisionRoleWord | None = None


class DuplicateQuery(PageQuery):
    customer_id: str = Field("", max_length=64)
    state: DuplicateStateWord | None = None
    min_score: float = Field(0.0, ge=0, le=1)


class AccessLogQuery(PageQuery):
    customer_id: str = Field("", max_length=64)
    actor_id: str = Field("", max_length=64)
    action: AccessActionWord | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None


class ErasureListQuery(PageQuery):
    state: ErasureStateWord | None = None


class PurposeQuery(BaseModel):
    access_purpose: str = Field("", max_length=500, description="Written to the access log.")


class ReassignBody(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"owner_id": "u-rep-2", "reason": "territory change"}]},
    )

    owner_id: str = Field(min_length=1, max_length=64)
    reason: str = Field("", max_length=500)


class ContactInput(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "王经理",
                    "job_title": "采购经理",
                    "phone": "13800138001",
                    "decision_role": "decision_maker",
                }
            ]
        },
    )

    name: str = Field(min_length=1, max_length=CONTACT_MAX["name"])
    job_title: str = Field(min_length=1, max_length=CONTACT_MAX["job_title"])
    department: str = Field("", max_length=CONTACT_MAX["department"])
    phone: str = Field("", max_length=32)
    email: str = Field("", max_length=320)
    wechat_id: str = Field("", max_length=CONTACT_MAX["wechat_id"])
    decision_role: DecisionRoleWord | None = None
    reports_to_contact_id: str = Field("", max_length=CONTACT_MAX["reports_to_contact_id"])
    primary: bool = False
    birth_date: str = Field("", pattern=OPTIONAL_DATE)
    notes: str = Field("", max_length=CONTACT_MAX["notes"])


class ContactPatch(BaseModel):
    """The fields to change; only those sent change."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"job_title": "采购总监"}]}
    )

    name: str | None = Field(None, min_length=1, max_length=CONTACT_MAX["name"])
    job_title: str | None = Field(None, min_length=1, max_length=CONTACT_MAX["job_title"])
    department: str | None = Field(None, max_length=CONTACT_MAX["department"])
    phone: str | None = Field(None, max_length=32)
    email: str | None = Field(None, max_length=320)
    wechat_id: str | None = Field(None, max_length=CONTACT_MAX["wechat_id"])
    decision_role: DecisionRoleWord | None = None
    reports_to_contact_id: str | None = Field(None, max_length=CONTACT_MAX["reports_to_contact_id"])
    primary: bool | None = None
    birth_date: str | None = Field(None, pattern=OPTIONAL_DATE)
    notes: str | None = Field(None, max_length=CONTACT_MAX["notes"])
    etag: str | None = Field(None, max_length=64)

    @model_validator(mode="after")
    def _something_to_change(self):
        if not (self.model_fields_set - {"etag"}):
            raise ValueError("name at least one field to change")
        return self


class TagIdsBody(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"tag_ids": ["3f2b7c1e"]}]}
    )

    tag_ids: list[str] = Field(min_length=1, max_length=100)


class ConsentGrant(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"purpose": "marketing", "source": "web_form", "evidence": "form-2026-0042"}
            ]
        },
    )

    purpose: PurposeWord
    source: str = Field(
        min_length=1, max_length=100, description="`web_form`, `paper`, `phone`, `email`..."
    )
    evidence: str = Field("", max_length=500)
    grant_time: datetime | None = Field(
        None, description="When the customer consented; now by default."
    )
    channel: ChannelWord | None = Field(
        None,
        description="`email`, `sms` or `wechat` for one channel; unset: every channel (which "
        "also re-subscribes a channel withdrawn before).",
    )


class ConsentWithdrawal(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"source": "phone"}]})

    source: str = Field(min_length=1, max_length=100)
    evidence: str = Field("", max_length=500)
    withdraw_time: datetime | None = None
    channel: ChannelWord | None = Field(
        None, description="`email`, `sms` or `wechat` for one channel; unset: every channel."
    )


class ErasureBody(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "DSR-2026-0042"}]}
    )

    reason: str = Field(
        min_length=1, max_length=500, description="e.g. the data-subject request reference."
    )


class MergeBody(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "surviving_customer_id": "c-1",
                    "merged_customer_ids": ["c-2"],
                    "reason": "same company",
                }
            ]
        },
    )

    surviving_customer_id: str = Field(min_length=1, max_length=64)
    merged_customer_ids: list[str] = Field(min_length=1, max_length=50)
    overrides: CustomerPatch | None = Field(
        None, description="Values to put on the survivor; the fields sent apply."
    )
    reason: str = Field("", max_length=500)


class HandoverBody(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"from_user_id": "u-rep-1", "to_user_id": "u-rep-2", "reason": "employee left"}
            ]
        },
    )

    from_user_id: str = Field(min_length=1, max_length=64)
    to_user_id: str = Field(min_length=1, max_length=64)
    customer_ids: list[str] = Field(
        default_factory=list,
        max_length=10000,
        description="Empty: all customers of `from_user_id`.",
    )
    reason: str = Field("", max_length=500)


class DismissBody(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "不同公司，同一前台电话"}]}
    )

    reason: str = Field("", max_length=500)


class ImportForm(BaseModel):
    """A CSV (UTF-8, GBK or GB18030) or .xlsx file, header line, with the columns
    ExportCustomers writes, headed by their keys or their Chinese names."""

    file: FileStorage
    encoding: str = Field(
        "",
        max_length=40,
        description="Encoding of a CSV file (`utf-8`, `gbk`...); detected if empty.",
    )
    validate_only: bool = False
    default_owner_id: str = Field("", max_length=64)
    duplicate_handling: DuplicateHandlingWord | None = None


# --- responses ------------------------------------------------------------------------------


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
    birth_date: str = Field(
        description="`YYYY-MM-DD`; empty for the service desk (`agent`, `service_agent`), "
        "whose task does not need it."
    )
    occupation: str
    id_card_number: str = Field(
        description="Masked unless revealed: no character of the number (`******************`)."
    )


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


# built here, with its example, before the customer that holds it (and the collaborators' routes)
Collaborator = response_model(collaborators_pb2.Collaborator.DESCRIPTOR, ex.COLLABORATOR_EXAMPLE)


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
    bank_name: str = ""
    bank_account: str = Field(
        "",
        description="Masked unless revealed: `**** **** 1234`, the last four digits at most "
        "(fewer below 15 digits, so the bank's prefix and the mask leave 10^4 candidates).",
    )
    sensitive_fields_masked: bool
    state: StateWord | None = None
    merged_into_customer_id: str
    address: str
    wechat_id: str
    primary_contact_id: str = ""
    source_lead_id: str = ""
    source_campaign_id: str = ""
    external_ids: dict[str, str]
    last_interaction_time: datetime | None = None
    lifecycle_stage_change_time: datetime | None = None
    created_by: str
    updated_by: str
    etag: str
    collaborators: list[Collaborator] = Field(  # type: ignore[valid-type]
        default_factory=list,
        description="The people working on the customer with its owner (team selling).",
    )
    pending_approval_request_id: str = Field(
        "",
        description="On a PATCH's answer: the change touched a key field an approval policy "
        "holds (legal name, bank account, registration number), so the customer is unchanged "
        "and the change waits for this request (`/api/v1/customers/approval-requests/{id}`).",
    )


class CustomerPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"customers": [CUSTOMER_EXAMPLE], "next_page_token": "", "total_size": 1}]
        }
    )

    customers: list[Customer]
    next_page_token: str = Field(description="Token of the next page; empty on the last page.")
    total_size: int


use_model("crm.customer.v1.Customer", Customer)
use_model("crm.common.v1.Money", Money)
use_model("crm.customer.v1.CustomerTag", CustomerTag)

# A message's model takes its example where it is first built: items before their pages.
M = customer_pb2
Contact = response_model(M.Contact.DESCRIPTOR, ex.CONTACT_EXAMPLE)
ContactPage = response_model(M.ListContactsResponse.DESCRIPTOR, ex.CONTACT_PAGE_EXAMPLE)
RevisionPage = response_model(M.ListCustomerRevisionsResponse.DESCRIPTOR, ex.REVISION_PAGE_EXAMPLE)
Portrait = response_model(M.CustomerPortrait.DESCRIPTOR, ex.PORTRAIT_EXAMPLE)
TimelinePage = response_model(M.ListTimelineEntriesResponse.DESCRIPTOR, ex.TIMELINE_PAGE_EXAMPLE)
Consent = response_model(M.Consent.DESCRIPTOR, ex.CONSENT_EXAMPLE)
ConsentPage = response_model(M.ListConsentsResponse.DESCRIPTOR, ex.CONSENT_PAGE_EXAMPLE)
ErasureRequest = response_model(M.ErasureRequest.DESCRIPTOR, ex.ERASURE_EXAMPLE)
ErasurePage = response_model(M.ListErasureRequestsResponse.DESCRIPTOR, ex.ERASURE_PAGE_EXAMPLE)
AccessLogPage = response_model(
    M.ListAccessLogEntriesResponse.DESCRIPTOR, ex.ACCESS_LOG_PAGE_EXAMPLE
)
CustomerImport = response_model(M.CustomerImport.DESCRIPTOR, ex.IMPORT_EXAMPLE)
ImportPage = response_model(M.ListCustomerImportsResponse.DESCRIPTOR, ex.IMPORT_PAGE_EXAMPLE)
DuplicateCandidate = response_model(M.DuplicateCandidate.DESCRIPTOR, ex.DUPLICATE_EXAMPLE)
DuplicatePage = response_model(
    M.ListDuplicateCandidatesResponse.DESCRIPTOR, ex.DUPLICATE_PAGE_EXAMPLE
)
MergeResult = response_model(M.MergeCustomersResponse.DESCRIPTOR, ex.MERGE_EXAMPLE)
Handover = response_model(M.Handover.DESCRIPTOR, ex.HANDOVER_EXAMPLE)
PersonalDataExport = response_model(
    privacy_pb2.PersonalDataExport.DESCRIPTOR, ex.PERSONAL_DATA_EXPORT_EXAMPLE
)

EXPORT_RESPONSE = table_exports.export_response(
    "customers", "客户名称,手机\r\n西湖科技,'+8613800138000\r\n", note="; the import removes it"
)


# --- translation ----------------------------------------------------------------------------


def _without_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def to_proto(body: CustomerCreate) -> customer_pb2.Customer:
    data = _without_empty(body.model_dump(exclude={"tags", "enterprise", "individual"}))
    customer = from_json(data, customer_pb2.Customer())
    customer.tags.extend(customer_pb2.CustomerTag(tag_id=tag_id) for tag_id in body.tags)
    for profile in ("enterprise", "individual"):
        value = getattr(body, profile)
        if value is not None:
            from_json(_without_empty(value.model_dump()), getattr(customer, profile))
            getattr(customer, profile).SetInParent()
    return customer


def patch_of(body: BaseModel) -> tuple[dict[str, Any], list[str]]:
    """The sent fields as proto JSON and their field paths (the update mask); a profile's
    fields are masked one by one (``enterprise.industry``)."""
    data, paths = {}, []
    for name in sorted(body.model_fields_set - {"etag"}):
        value = getattr(body, name)
        if isinstance(value, BaseModel):
            data[name] = value.model_dump(include=value.model_fields_set)
            paths += [f"{name}.{k}" for k in sorted(value.model_fields_set)]
        else:
            data[name] = value
            paths.append(name)
    return data, paths


def _patched(message, data: dict[str, Any]):
    """Fill ``message`` from a patch: ``null`` (clear) is the field's empty value."""
    for name, value in data.items():
        field = message.DESCRIPTOR.fields_by_name[name]
        if (
            isinstance(value, dict)
            and field.message_type is not None
            and not field.message_type.GetOptions().map_entry
        ):
            _patched(getattr(message, name), value)
            getattr(message, name).SetInParent()
        elif value is None:
            message.ClearField(name)
        else:
            from_json({name: value}, message)
    return message


def from_proto(customer: customer_pb2.Customer) -> Customer:
    return Customer.model_validate(to_json(customer))


def body_of(model: type[BaseModel], message) -> BaseModel:
    return model.model_validate(to_json(message))


def idempotency_request_id(user_id: str, key: str | None) -> str:
    """The service's request id (a UUID) for a caller's ``Idempotency-Key``: one key per caller."""
    if not key:
        return str(uuid.uuid4())
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:crm:idempotency:{user_id}:{key}"))


def _request_id() -> str:
    return idempotency_request_id(current_principal().user_id, current_key())


def _filters_of(query: CustomerFilterQuery) -> dict[str, Any]:
    data = query.model_dump(include=set(CustomerFilterQuery.model_fields))
    out = {k: v for k, v in data.items() if v not in (None, "", [], False)}
    if query.at_risk is not None:
        out["at_risk"] = query.at_risk
    return out


def register(app, deps) -> None:
    api = APIBlueprint("customers", __name__, abp_tags=[Tag(name="customers")])

    def stub() -> customer_pb2_grpc.CustomerServiceStub:
        return deps.peers.stub(PEER, SERVICE, customer_pb2_grpc.CustomerServiceStub)

    def long_call_channel():
        # A channel of its own: the shared one's service config caps every call at the
        # short lookup deadline.
        return connect(
            deps.peers.addresses[PEER], [SERVICE], default_timeout=table_exports.LONG_CALL_SECONDS
        )

    # --- the collection -------------------------------------------------------------------

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
            customer=to_proto(body), request_id=_request_id()
        )
        created = call(PEER, stub().CreateCustomer, request, field_prefix="customer.")
        return json_response(
            from_proto(created), status=201, headers={"Location": f"{COLLECTION}/{created.id}"}
        )

    @operation(
        api,
        "get",
        ONE,
        operation_id="getCustomer",
        summary="Get a customer the caller may see",
        description="Sensitive fields (ID-card number, bank account) are masked unless "
        "`reveal_sensitive=true` is asked by a privacy role (admin, data-protection officer); "
        "a reveal is written to the access log. The service desk gets no birth date.",
        responses={200: Customer},
        calls_services=True,
    )
    def get_customer(path: CustomerPath, query: CustomerGetQuery):
        request = customer_pb2.GetCustomerRequest(id=path.customer_id)
        # Sent only when asked: a service that does not reveal refuses what it does not handle.
        if query.reveal_sensitive:
            request.reveal_sensitive = True
        if query.access_purpose:
            request.access_purpose = query.access_purpose
        found = call(PEER, stub().GetCustomer, request)
        return json_response(from_proto(found))

    @operation(
        api,
        "get",
        COLLECTION,
        operation_id="listCustomers",
        summary="List the customers the caller may see, newest first",
        description="Filters combine with AND; repeat a list parameter for several values "
        "(`?tag_ids=a&tag_ids=b`). Pages are cursor-based: pass `next_page_token` back.",
        responses={200: CustomerPage},
        calls_services=True,
    )
    def list_customers(query: CustomerListQuery):
        data = _filters_of(query)
        data.update(
            _without_empty(
                {
                    "number": query.number,
                    "phone": query.phone,
                    "email": query.email,
                    "order_by": query.order_by,
                    "page_token": query.page_token,
                }
            )
        )
        request = from_json(data, customer_pb2.ListCustomersRequest(page_size=query.page_size or 0))
        page = call(PEER, stub().ListCustomers, request)
        return json_response(
            CustomerPage(
                customers=[from_proto(c) for c in page.customers],
                next_page_token=page.next_page_token,
                total_size=page.total_size,
            )
        )

    @operation(
        api,
        "post",
        f"{COLLECTION}/import",
        operation_id="importCustomers",
        summary="Import customers from a CSV or .xlsx file",
        description="Every row is validated like a created customer; the good rows are stored and "
        "the report lists each row's outcome (by line, as the spreadsheet numbers its rows) and "
        "field errors (`field` is the column's key). CSV in UTF-8 (with or without BOM), GBK or "
        "GB18030 (detected unless `encoding` names it) or an .xlsx workbook (its first sheet). "
        "Columns: those `GET /api/v1/customers/export` writes, headed by their keys or their "
        "Chinese names (客户名称, 手机...). Large files: split them (4 MiB).",
        responses={200: CustomerImport},
        calls_services=True,
        creates=True,
    )
    def import_customers(form: ImportForm):
        request = customer_pb2.ImportCustomersRequest(
            csv_content=form.file.read(),
            file_name=(form.file.filename or "")[:255],
            validate_only=form.validate_only,
            default_owner_id=form.default_owner_id,
            duplicate_handling=enum_number(
                customer_pb2.DuplicateHandling.DESCRIPTOR, form.duplicate_handling
            ),
            request_id=_request_id(),
            encoding=form.encoding,
        )
        channel = long_call_channel()
        try:
            report = call(
                PEER, customer_pb2_grpc.CustomerServiceStub(channel).ImportCustomers, request
            )
        finally:
            channel.close()
        return json_response(body_of(CustomerImport, report))

    @operation(
        api,
        "get",
        f"{COLLECTION}/export",
        operation_id="exportCustomers",
        summary="Download the customers the caller may see as CSV or .xlsx",
        description="The list's filters apply. Each exported customer whose personal data "
        "(phone, e-mail...) is among the columns is written to the access log.",
        responses={200: EXPORT_RESPONSE},
        calls_services=True,
    )
    def export_customers(query: CustomerExportQuery):
        data = _filters_of(query)
        data.update(
            _without_empty(
                {
                    "columns": list(query.columns),
                    "access_purpose": query.access_purpose,
                    "format": query.format,
                    # No default from the caller's profile: an integration that parses the
                    # columns' keys must get the same file whatever its account's language.
                    "locale": query.locale or "",
                }
            )
        )
        request = from_json(data, customer_pb2.ExportCustomersRequest())
        return table_exports.download(
            deps,
            PEER,
            SERVICE,
            customer_pb2_grpc.CustomerServiceStub,
            "ExportCustomers",
            request,
            file_format=query.format,
            file_name="customers",
        )

    @operation(
        api,
        "get",
        f"{COLLECTION}/imports",
        operation_id="listCustomerImports",
        summary="List the caller's earlier imports, newest first (without row reports)",
        responses={200: ImportPage},
        calls_services=True,
    )
    def list_imports(query: PageQuery):
        page = call(
            PEER,
            stub().ListCustomerImports,
            customer_pb2.ListCustomerImportsRequest(
                page_size=query.page_size or 0, page_token=query.page_token
            ),
        )
        return json_response(body_of(ImportPage, page))

    @operation(
        api,
        "get",
        f"{COLLECTION}/imports/<id>",
        operation_id="getCustomerImport",
        summary="Get the report of an earlier import",
        responses={200: CustomerImport},
        calls_services=True,
    )
    def get_import(path: IdPath):
        found = call(
            PEER, stub().GetCustomerImport, customer_pb2.GetCustomerImportRequest(id=path.id)
        )
        return json_response(body_of(CustomerImport, found))

    # --- operations over several customers ------------------------------------------------

    @operation(
        api,
        "get",
        f"{COLLECTION}/duplicates",
        operation_id="listDuplicateCandidates",
        summary="List likely duplicate pairs, highest score first",
        responses={200: DuplicatePage},
        calls_services=True,
    )
    def list_duplicates(query: DuplicateQuery):
        request = customer_pb2.ListDuplicateCandidatesRequest(
            page_size=query.page_size or 0,
            page_token=query.page_token,
            customer_id=query.customer_id,
            state=enum_number(customer_pb2.DuplicateCandidateState.DESCRIPTOR, query.state),
            min_score=query.min_score,
        )
        return json_response(
            body_of(DuplicatePage, call(PEER, stub().ListDuplicateCandidates, request))
        )

    @operation(
        api,
        "post",
        f"{COLLECTION}/duplicates/<id>/dismiss",
        operation_id="dismissDuplicateCandidate",
        summary="Mark a duplicate pair as not a duplicate",
        responses={200: DuplicateCandidate},
        calls_services=True,
    )
    def dismiss_duplicate(path: IdPath, body: DismissBody):
        found = call(
            PEER,
            stub().DismissDuplicateCandidate,
            customer_pb2.DismissDuplicateCandidateRequest(id=path.id, reason=body.reason),
        )
        return json_response(body_of(DuplicateCandidate, found))

    @operation(
        api,
        "post",
        f"{COLLECTION}/merge",
        operation_id="mergeCustomers",
        summary="Merge customers into a surviving one",
        description="Every history, contact and tag is kept; other services re-point their "
        "references on `customer.merged`.",
        responses={200: MergeResult},
        calls_services=True,
        creates=True,
    )
    def merge_customers(body: MergeBody):
        request = customer_pb2.MergeCustomersRequest(
            surviving_customer_id=body.surviving_customer_id,
            merged_customer_ids=body.merged_customer_ids,
            reason=body.reason,
            request_id=_request_id(),
        )
        if body.overrides is not None:
            data, paths = patch_of(body.overrides)
            _patched(request.overrides, data)
            request.override_mask.CopyFrom(FieldMask(paths=paths))
        merged = call(PEER, stub().MergeCustomers, request, field_prefix="")
        return json_response(body_of(MergeResult, merged))

    @operation(
        api,
        "post",
        f"{COLLECTION}/handover",
        operation_id="handOverCustomers",
        summary="Hand all (or the listed) customers of an employee over to a successor",
        responses={200: Handover},
        calls_services=True,
        creates=True,
    )
    def hand_over(body: HandoverBody):
        request = customer_pb2.HandOverCustomersRequest(
            from_user_id=body.from_user_id,
            to_user_id=body.to_user_id,
            customer_ids=body.customer_ids,
            reason=body.reason,
            request_id=_request_id(),
        )
        return json_response(body_of(Handover, call(PEER, stub().HandOverCustomers, request)))

    # --- personal data: access log and erasure requests ----------------------------------

    @operation(
        api,
        "get",
        f"{COLLECTION}/access-log",
        operation_id="listPersonalDataAccessLog",
        summary="List who read, revealed, exported or erased personal data (privacy roles)",
        responses={200: AccessLogPage},
        calls_services=True,
    )
    def list_access_log(query: AccessLogQuery):
        request = customer_pb2.ListAccessLogEntriesRequest(
            page_size=query.page_size or 0,
            page_token=query.page_token,
            customer_id=query.customer_id,
            actor_id=query.actor_id,
            action=enum_number(customer_pb2.AccessAction.DESCRIPTOR, query.action),
            start_time=to_timestamp(query.start_time),
            end_time=to_timestamp(query.end_time),
        )
        return json_response(
            body_of(AccessLogPage, call(PEER, stub().ListAccessLogEntries, request))
        )

    @operation(
        api,
        "get",
        f"{COLLECTION}/erasure-requests",
        operation_id="listErasureRequests",
        summary="List erasure requests, newest first (privacy roles)",
        responses={200: ErasurePage},
        calls_services=True,
    )
    def list_erasures(query: ErasureListQuery):
        request = customer_pb2.ListErasureRequestsRequest(
            page_size=query.page_size or 0,
            page_token=query.page_token,
            state=enum_number(customer_pb2.ErasureState.DESCRIPTOR, query.state),
        )
        return json_response(body_of(ErasurePage, call(PEER, stub().ListErasureRequests, request)))

    @operation(
        api,
        "get",
        f"{COLLECTION}/erasure-requests/<id>",
        operation_id="getErasureRequest",
        summary="Get an erasure request and each service's progress (privacy roles)",
        responses={200: ErasureRequest},
        calls_services=True,
    )
    def get_erasure(path: IdPath):
        found = call(
            PEER, stub().GetErasureRequest, customer_pb2.GetErasureRequestRequest(id=path.id)
        )
        return json_response(body_of(ErasureRequest, found))

    # --- one customer -----------------------------------------------------------------------

    @operation(
        api,
        "patch",
        ONE,
        operation_id="updateCustomer",
        summary="Change the fields sent (the others stay)",
        description="Send `etag` from the read to fail with 409 if the customer changed meanwhile. "
        "A change of a key field an approval policy holds is not applied: the answer is the "
        "customer unchanged with `pending_approval_request_id`.",
        responses={200: Customer},
        calls_services=True,
    )
    def update_customer(path: CustomerPath, body: CustomerPatch):
        data, paths = patch_of(body)
        customer = _patched(customer_pb2.Customer(id=path.customer_id, etag=body.etag or ""), data)
        request = customer_pb2.UpdateCustomerRequest(
            customer=customer, update_mask=FieldMask(paths=paths)
        )
        return json_response(
            from_proto(call(PEER, stub().UpdateCustomer, request, field_prefix="customer."))
        )

    @operation(
        api,
        "post",
        f"{ONE}/reassign",
        operation_id="reassignCustomer",
        summary="Give the customer to another owner (and the owner's department)",
        responses={200: Customer},
        calls_services=True,
    )
    def reassign_customer(path: CustomerPath, body: ReassignBody):
        request = customer_pb2.ReassignCustomerRequest(
            id=path.customer_id,
            owner_id=body.owner_id,
            reason=body.reason,
            request_id=_request_id(),
        )
        return json_response(from_proto(call(PEER, stub().ReassignCustomer, request)))

    @operation(
        api,
        "get",
        f"{ONE}/history",
        operation_id="listCustomerRevisions",
        summary="The revision history of the customer's key fields, newest first",
        responses={200: RevisionPage},
        calls_services=True,
    )
    def customer_history(path: CustomerPath, query: HistoryQuery):
        request = customer_pb2.ListCustomerRevisionsRequest(
            customer_id=path.customer_id,
            page_size=query.page_size or 0,
            page_token=query.page_token,
            field_path=query.field_path,
            actor_id=query.actor_id,
        )
        return json_response(
            body_of(RevisionPage, call(PEER, stub().ListCustomerRevisions, request))
        )

    @operation(
        api,
        "get",
        f"{ONE}/portrait",
        operation_id="getCustomerPortrait",
        summary="The 360 view: attributes, behaviour, value (RFM), satisfaction, churn risk, timeline",
        responses={200: Portrait},
        calls_services=True,
    )
    def customer_portrait(path: CustomerPath):
        found = call(
            PEER,
            stub().GetCustomerPortrait,
            customer_pb2.GetCustomerPortraitRequest(customer_id=path.customer_id),
        )
        return json_response(body_of(Portrait, found))

    @operation(
        api,
        "get",
        f"{ONE}/timeline",
        operation_id="listCustomerTimeline",
        summary="The customer's interactions across sales, tickets and campaigns, newest first",
        responses={200: TimelinePage},
        calls_services=True,
    )
    def customer_timeline(path: CustomerPath, query: TimelineQuery):
        request = customer_pb2.ListTimelineEntriesRequest(
            customer_id=path.customer_id,
            page_size=query.page_size or 0,
            page_token=query.page_token,
            kinds=[enum_number(customer_pb2.TimelineEntryKind.DESCRIPTOR, k) for k in query.kinds],
            source_service=query.source_service,
            start_time=to_timestamp(query.start_time),
            end_time=to_timestamp(query.end_time),
        )
        return json_response(body_of(TimelinePage, call(PEER, stub().ListTimelineEntries, request)))

    # contacts

    @operation(
        api,
        "get",
        f"{ONE}/contacts",
        operation_id="listCustomerContacts",
        summary="The customer's contacts",
        responses={200: ContactPage},
        calls_services=True,
    )
    def list_contacts(path: CustomerPath, query: ContactListQuery):
        request = customer_pb2.ListContactsRequest(
            customer_id=path.customer_id,
            page_size=query.page_size or 0,
            page_token=query.page_token,
            decision_role=enum_number(customer_pb2.DecisionRole.DESCRIPTOR, query.decision_role),
        )
        return json_response(body_of(ContactPage, call(PEER, stub().ListContacts, request)))

    @operation(
        api,
        "post",
        f"{ONE}/contacts",
        operation_id="createCustomerContact",
        summary="Add a contact person to an enterprise customer",
        responses={201: Contact},
        calls_services=True,
        creates=True,
        response_headers={201: ["Location"]},
    )
    def create_contact(path: CustomerPath, body: ContactInput):
        contact = from_json(
            _without_empty(body.model_dump()), customer_pb2.Contact(customer_id=path.customer_id)
        )
        created = call(
            PEER,
            stub().CreateContact,
            customer_pb2.CreateContactRequest(contact=contact, request_id=_request_id()),
            field_prefix="contact.",
        )
        return json_response(
            body_of(Contact, created),
            status=201,
            headers={"Location": f"{COLLECTION}/{path.customer_id}/contacts/{created.id}"},
        )

    @operation(
        api,
        "get",
        f"{ONE}/contacts/<contact_id>",
        operation_id="getCustomerContact",
        summary="One contact of the customer",
        responses={200: Contact},
        calls_services=True,
    )
    def get_contact(path: ContactPath):
        found = call(PEER, stub().GetContact, customer_pb2.GetContactRequest(id=path.contact_id))
        _same_customer(found, path)
        return json_response(body_of(Contact, found))

    @operation(
        api,
        "patch",
        f"{ONE}/contacts/<contact_id>",
        operation_id="updateCustomerContact",
        summary="Change the contact's fields sent",
        responses={200: Contact},
        calls_services=True,
    )
    def update_contact(path: ContactPath, body: ContactPatch):
        _same_customer(
            call(PEER, stub().GetContact, customer_pb2.GetContactRequest(id=path.contact_id)), path
        )
        data, paths = patch_of(body)
        contact = _patched(customer_pb2.Contact(id=path.contact_id, etag=body.etag or ""), data)
        updated = call(
            PEER,
            stub().UpdateContact,
            customer_pb2.UpdateContactRequest(contact=contact, update_mask=FieldMask(paths=paths)),
            field_prefix="contact.",
        )
        return json_response(body_of(Contact, updated))

    @operation(
        api,
        "delete",
        f"{ONE}/contacts/<contact_id>",
        operation_id="deleteCustomerContact",
        summary="Remove a contact",
        responses={204: {"description": "Removed."}},
        calls_services=True,
    )
    def delete_contact(path: ContactPath):
        _same_customer(
            call(PEER, stub().GetContact, customer_pb2.GetContactRequest(id=path.contact_id)), path
        )
        call(PEER, stub().DeleteContact, customer_pb2.DeleteContactRequest(id=path.contact_id))
        return Response(status=204)

    # tags

    @operation(
        api,
        "post",
        f"{ONE}/tags",
        operation_id="addCustomerTags",
        summary="Put tags on the customer by hand",
        responses={200: Customer},
        calls_services=True,
    )
    def add_tags(path: CustomerPath, body: TagIdsBody):
        updated = call(
            PEER,
            stub().AddCustomerTags,
            customer_pb2.AddCustomerTagsRequest(customer_id=path.customer_id, tag_ids=body.tag_ids),
        )
        return json_response(from_proto(updated))

    @operation(
        api,
        "delete",
        f"{ONE}/tags/<tag_id>",
        operation_id="removeCustomerTag",
        summary="Take a tag off the customer",
        responses={200: Customer},
        calls_services=True,
    )
    def remove_tag(path: TagPath):
        updated = call(
            PEER,
            stub().RemoveCustomerTags,
            customer_pb2.RemoveCustomerTagsRequest(
                customer_id=path.customer_id, tag_ids=[path.tag_id]
            ),
        )
        return json_response(from_proto(updated))

    # consents

    @operation(
        api,
        "get",
        f"{ONE}/consents",
        operation_id="listCustomerConsents",
        summary="The customer's consents, one per purpose and channel, with their history",
        responses={200: ConsentPage},
        calls_services=True,
    )
    def list_consents(path: CustomerPath):
        page = call(
            PEER,
            stub().ListConsents,
            customer_pb2.ListConsentsRequest(customer_id=path.customer_id),
        )
        return json_response(body_of(ConsentPage, page))

    @operation(
        api,
        "post",
        f"{ONE}/consents",
        operation_id="grantCustomerConsent",
        summary="Record that the customer granted consent for a purpose",
        responses={200: Consent},
        calls_services=True,
        creates=True,
    )
    def grant_consent(path: CustomerPath, body: ConsentGrant):
        request = customer_pb2.GrantConsentRequest(
            customer_id=path.customer_id,
            purpose=enum_number(customer_pb2.ConsentPurpose.DESCRIPTOR, body.purpose),
            channel=enum_number(types_pb2.DeliveryChannel.DESCRIPTOR, body.channel),
            source=body.source,
            evidence=body.evidence,
            request_id=_request_id(),
        )
        if body.grant_time is not None:
            request.grant_time.CopyFrom(to_timestamp(body.grant_time))
        return json_response(body_of(Consent, call(PEER, stub().GrantConsent, request)))

    @operation(
        api,
        "post",
        f"{ONE}/consents/<purpose>/withdraw",
        operation_id="withdrawCustomerConsent",
        summary="Record that the customer withdrew consent for a purpose",
        responses={200: Consent},
        calls_services=True,
        creates=True,
    )
    def withdraw_consent(path: PurposePath, body: ConsentWithdrawal):
        request = customer_pb2.WithdrawConsentRequest(
            customer_id=path.customer_id,
            purpose=enum_number(customer_pb2.ConsentPurpose.DESCRIPTOR, path.purpose),
            channel=enum_number(types_pb2.DeliveryChannel.DESCRIPTOR, body.channel),
            source=body.source,
            evidence=body.evidence,
            request_id=_request_id(),
        )
        if body.withdraw_time is not None:
            request.withdraw_time.CopyFrom(to_timestamp(body.withdraw_time))
        return json_response(body_of(Consent, call(PEER, stub().WithdrawConsent, request)))

    # data-subject export and erasure

    @operation(
        api,
        "get",
        f"{ONE}/export",
        operation_id="exportCustomerData",
        summary="Everything the customer service holds about the customer (privacy roles)",
        description="The data-subject access request's part from the customer service, in "
        "clear; written to the access log.",
        responses={200: PersonalDataExport},
        calls_services=True,
    )
    def export_customer_data(path: CustomerPath, query: PurposeQuery):
        document = call(
            PEER,
            stub().ExportCustomerData,
            customer_pb2.ExportCustomerDataRequest(
                customer_id=path.customer_id, access_purpose=query.access_purpose
            ),
        )
        return json_response(body_of(PersonalDataExport, document))

    @operation(
        api,
        "post",
        f"{ONE}/erase",
        operation_id="eraseCustomer",
        summary="Erase (anonymise) the customer's personal data everywhere (privacy roles)",
        description="Anonymised in the customer service at once; every other service erases "
        "on `customer.erased` and acknowledges. 202: follow the request's `services`.",
        responses={202: ErasureRequest},
        calls_services=True,
        creates=True,
        response_headers={202: ["Location"]},
    )
    def erase_customer(path: CustomerPath, body: ErasureBody):
        request = customer_pb2.EraseCustomerRequest(
            customer_id=path.customer_id, reason=body.reason, request_id=_request_id()
        )
        erasure = call(PEER, stub().EraseCustomer, request)
        return json_response(
            body_of(ErasureRequest, erasure),
            status=202,
            headers={"Location": f"{COLLECTION}/erasure-requests/{erasure.id}"},
        )

    def _same_customer(contact, path: ContactPath) -> None:
        # The path names the customer: a contact of another customer is not found here.
        if contact.customer_id != path.customer_id:
            raise NotFound(f"contact {path.contact_id} not found")

    app.register_api(api)
