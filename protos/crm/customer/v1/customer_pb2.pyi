import datetime

from crm.common.v1 import approvals_pb2 as _approvals_pb2
from crm.common.v1 import attachments_pb2 as _attachments_pb2
from crm.common.v1 import collaborators_pb2 as _collaborators_pb2
from crm.common.v1 import options_pb2 as _options_pb2
from crm.common.v1 import privacy_pb2 as _privacy_pb2
from crm.common.v1 import reporting_pb2 as _reporting_pb2
from crm.common.v1 import rules_pb2 as _rules_pb2
from crm.common.v1 import types_pb2 as _types_pb2
from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.rpc import error_details_pb2 as _error_details_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CustomerType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CUSTOMER_TYPE_UNSPECIFIED: _ClassVar[CustomerType]
    CUSTOMER_TYPE_ENTERPRISE: _ClassVar[CustomerType]
    CUSTOMER_TYPE_INDIVIDUAL: _ClassVar[CustomerType]

class CustomerState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CUSTOMER_STATE_UNSPECIFIED: _ClassVar[CustomerState]
    CUSTOMER_STATE_ACTIVE: _ClassVar[CustomerState]
    CUSTOMER_STATE_MERGED: _ClassVar[CustomerState]
    CUSTOMER_STATE_ERASED: _ClassVar[CustomerState]

class Gender(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    GENDER_UNSPECIFIED: _ClassVar[Gender]
    GENDER_MALE: _ClassVar[Gender]
    GENDER_FEMALE: _ClassVar[Gender]
    GENDER_OTHER: _ClassVar[Gender]

class DecisionRole(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DECISION_ROLE_UNSPECIFIED: _ClassVar[DecisionRole]
    DECISION_ROLE_DECISION_MAKER: _ClassVar[DecisionRole]
    DECISION_ROLE_INFLUENCER: _ClassVar[DecisionRole]
    DECISION_ROLE_USER: _ClassVar[DecisionRole]
    DECISION_ROLE_OTHER: _ClassVar[DecisionRole]

class TagSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TAG_SOURCE_UNSPECIFIED: _ClassVar[TagSource]
    TAG_SOURCE_MANUAL: _ClassVar[TagSource]
    TAG_SOURCE_RULE: _ClassVar[TagSource]
    TAG_SOURCE_SYSTEM: _ClassVar[TagSource]

class TimelineEntryKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TIMELINE_ENTRY_KIND_UNSPECIFIED: _ClassVar[TimelineEntryKind]
    TIMELINE_ENTRY_KIND_CUSTOMER_CREATED: _ClassVar[TimelineEntryKind]
    TIMELINE_ENTRY_KIND_FOLLOW_UP: _ClassVar[TimelineEntryKind]
    TIMELINE_ENTRY_KIND_LEAD_CONVERTED: _ClassVar[TimelineEntryKind]
    TIMELINE_ENTRY_KIND_OPPORTUNITY_WON: _ClassVar[TimelineEntryKind]
    TIMELINE_ENTRY_KIND_OPPORTUNITY_LOST: _ClassVar[TimelineEntryKind]
    TIMELINE_ENTRY_KIND_QUOTE_SENT: _ClassVar[TimelineEntryKind]
    TIMELINE_ENTRY_KIND_CONTRACT_SIGNED: _ClassVar[TimelineEntryKind]
    TIMELINE_ENTRY_KIND_CONTRACT_ENDED: _ClassVar[TimelineEntryKind]
    TIMELINE_ENTRY_KIND_PAYMENT_RECEIVED: _ClassVar[TimelineEntryKind]
    TIMELINE_ENTRY_KIND_PURCHASE: _ClassVar[TimelineEntryKind]
    TIMELINE_ENTRY_KIND_TICKET_OPENED: _ClassVar[TimelineEntryKind]
    TIMELINE_ENTRY_KIND_TICKET_RESOLVED: _ClassVar[TimelineEntryKind]
    TIMELINE_ENTRY_KIND_TICKET_CLOSED: _ClassVar[TimelineEntryKind]
    TIMELINE_ENTRY_KIND_SERVICE_RECORD: _ClassVar[TimelineEntryKind]
    TIMELINE_ENTRY_KIND_CALLBACK: _ClassVar[TimelineEntryKind]
    TIMELINE_ENTRY_KIND_CAMPAIGN_MESSAGE: _ClassVar[TimelineEntryKind]
    TIMELINE_ENTRY_KIND_CAMPAIGN_RESPONSE: _ClassVar[TimelineEntryKind]
    TIMELINE_ENTRY_KIND_SURVEY_ANSWERED: _ClassVar[TimelineEntryKind]
    TIMELINE_ENTRY_KIND_MERGED: _ClassVar[TimelineEntryKind]
    TIMELINE_ENTRY_KIND_OWNER_CHANGED: _ClassVar[TimelineEntryKind]
    TIMELINE_ENTRY_KIND_COLLABORATOR_ADDED: _ClassVar[TimelineEntryKind]
    TIMELINE_ENTRY_KIND_COLLABORATOR_REMOVED: _ClassVar[TimelineEntryKind]

class SatisfactionSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SATISFACTION_SOURCE_UNSPECIFIED: _ClassVar[SatisfactionSource]
    SATISFACTION_SOURCE_SURVEY: _ClassVar[SatisfactionSource]
    SATISFACTION_SOURCE_CALLBACK: _ClassVar[SatisfactionSource]

class RevisionSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REVISION_SOURCE_UNSPECIFIED: _ClassVar[RevisionSource]
    REVISION_SOURCE_API: _ClassVar[RevisionSource]
    REVISION_SOURCE_IMPORT: _ClassVar[RevisionSource]
    REVISION_SOURCE_MERGE: _ClassVar[RevisionSource]
    REVISION_SOURCE_RULE: _ClassVar[RevisionSource]
    REVISION_SOURCE_EVENT: _ClassVar[RevisionSource]
    REVISION_SOURCE_HANDOVER: _ClassVar[RevisionSource]
    REVISION_SOURCE_ERASURE: _ClassVar[RevisionSource]
    REVISION_SOURCE_APPROVAL: _ClassVar[RevisionSource]
    REVISION_SOURCE_APPROVAL_REJECTED: _ClassVar[RevisionSource]

class DuplicateReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DUPLICATE_REASON_UNSPECIFIED: _ClassVar[DuplicateReason]
    DUPLICATE_REASON_SAME_PHONE: _ClassVar[DuplicateReason]
    DUPLICATE_REASON_SAME_EMAIL: _ClassVar[DuplicateReason]
    DUPLICATE_REASON_SIMILAR_NAME: _ClassVar[DuplicateReason]
    DUPLICATE_REASON_SAME_REGISTRATION_NUMBER: _ClassVar[DuplicateReason]
    DUPLICATE_REASON_SAME_EXTERNAL_ID: _ClassVar[DuplicateReason]

class DuplicateCandidateState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DUPLICATE_CANDIDATE_STATE_UNSPECIFIED: _ClassVar[DuplicateCandidateState]
    DUPLICATE_CANDIDATE_STATE_OPEN: _ClassVar[DuplicateCandidateState]
    DUPLICATE_CANDIDATE_STATE_DISMISSED: _ClassVar[DuplicateCandidateState]
    DUPLICATE_CANDIDATE_STATE_MERGED: _ClassVar[DuplicateCandidateState]

class ConsentPurpose(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONSENT_PURPOSE_UNSPECIFIED: _ClassVar[ConsentPurpose]
    CONSENT_PURPOSE_MARKETING: _ClassVar[ConsentPurpose]
    CONSENT_PURPOSE_PROFILING: _ClassVar[ConsentPurpose]
    CONSENT_PURPOSE_THIRD_PARTY_SHARING: _ClassVar[ConsentPurpose]

class ConsentState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONSENT_STATE_UNSPECIFIED: _ClassVar[ConsentState]
    CONSENT_STATE_GRANTED: _ClassVar[ConsentState]
    CONSENT_STATE_WITHDRAWN: _ClassVar[ConsentState]

class AccessAction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ACCESS_ACTION_UNSPECIFIED: _ClassVar[AccessAction]
    ACCESS_ACTION_READ: _ClassVar[AccessAction]
    ACCESS_ACTION_REVEAL: _ClassVar[AccessAction]
    ACCESS_ACTION_EXPORT: _ClassVar[AccessAction]
    ACCESS_ACTION_ERASE: _ClassVar[AccessAction]

class ErasureState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ERASURE_STATE_UNSPECIFIED: _ClassVar[ErasureState]
    ERASURE_STATE_IN_PROGRESS: _ClassVar[ErasureState]
    ERASURE_STATE_COMPLETED: _ClassVar[ErasureState]

class ImportRowStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    IMPORT_ROW_STATUS_UNSPECIFIED: _ClassVar[ImportRowStatus]
    IMPORT_ROW_STATUS_IMPORTED: _ClassVar[ImportRowStatus]
    IMPORT_ROW_STATUS_FAILED: _ClassVar[ImportRowStatus]
    IMPORT_ROW_STATUS_SKIPPED_DUPLICATE: _ClassVar[ImportRowStatus]

class DuplicateHandling(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DUPLICATE_HANDLING_UNSPECIFIED: _ClassVar[DuplicateHandling]
    DUPLICATE_HANDLING_SKIP: _ClassVar[DuplicateHandling]
    DUPLICATE_HANDLING_CREATE: _ClassVar[DuplicateHandling]
    DUPLICATE_HANDLING_FAIL: _ClassVar[DuplicateHandling]

class ApprovalBox(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    APPROVAL_BOX_UNSPECIFIED: _ClassVar[ApprovalBox]
    APPROVAL_BOX_AWAITING_ME: _ClassVar[ApprovalBox]
    APPROVAL_BOX_REQUESTED_BY_ME: _ClassVar[ApprovalBox]
    APPROVAL_BOX_VISIBLE: _ClassVar[ApprovalBox]
CUSTOMER_TYPE_UNSPECIFIED: CustomerType
CUSTOMER_TYPE_ENTERPRISE: CustomerType
CUSTOMER_TYPE_INDIVIDUAL: CustomerType
CUSTOMER_STATE_UNSPECIFIED: CustomerState
CUSTOMER_STATE_ACTIVE: CustomerState
CUSTOMER_STATE_MERGED: CustomerState
CUSTOMER_STATE_ERASED: CustomerState
GENDER_UNSPECIFIED: Gender
GENDER_MALE: Gender
GENDER_FEMALE: Gender
GENDER_OTHER: Gender
DECISION_ROLE_UNSPECIFIED: DecisionRole
DECISION_ROLE_DECISION_MAKER: DecisionRole
DECISION_ROLE_INFLUENCER: DecisionRole
DECISION_ROLE_USER: DecisionRole
DECISION_ROLE_OTHER: DecisionRole
TAG_SOURCE_UNSPECIFIED: TagSource
TAG_SOURCE_MANUAL: TagSource
TAG_SOURCE_RULE: TagSource
TAG_SOURCE_SYSTEM: TagSource
TIMELINE_ENTRY_KIND_UNSPECIFIED: TimelineEntryKind
TIMELINE_ENTRY_KIND_CUSTOMER_CREATED: TimelineEntryKind
TIMELINE_ENTRY_KIND_FOLLOW_UP: TimelineEntryKind
TIMELINE_ENTRY_KIND_LEAD_CONVERTED: TimelineEntryKind
TIMELINE_ENTRY_KIND_OPPORTUNITY_WON: TimelineEntryKind
TIMELINE_ENTRY_KIND_OPPORTUNITY_LOST: TimelineEntryKind
TIMELINE_ENTRY_KIND_QUOTE_SENT: TimelineEntryKind
TIMELINE_ENTRY_KIND_CONTRACT_SIGNED: TimelineEntryKind
TIMELINE_ENTRY_KIND_CONTRACT_ENDED: TimelineEntryKind
TIMELINE_ENTRY_KIND_PAYMENT_RECEIVED: TimelineEntryKind
TIMELINE_ENTRY_KIND_PURCHASE: TimelineEntryKind
TIMELINE_ENTRY_KIND_TICKET_OPENED: TimelineEntryKind
TIMELINE_ENTRY_KIND_TICKET_RESOLVED: TimelineEntryKind
TIMELINE_ENTRY_KIND_TICKET_CLOSED: TimelineEntryKind
TIMELINE_ENTRY_KIND_SERVICE_RECORD: TimelineEntryKind
TIMELINE_ENTRY_KIND_CALLBACK: TimelineEntryKind
TIMELINE_ENTRY_KIND_CAMPAIGN_MESSAGE: TimelineEntryKind
TIMELINE_ENTRY_KIND_CAMPAIGN_RESPONSE: TimelineEntryKind
TIMELINE_ENTRY_KIND_SURVEY_ANSWERED: TimelineEntryKind
TIMELINE_ENTRY_KIND_MERGED: TimelineEntryKind
TIMELINE_ENTRY_KIND_OWNER_CHANGED: TimelineEntryKind
TIMELINE_ENTRY_KIND_COLLABORATOR_ADDED: TimelineEntryKind
TIMELINE_ENTRY_KIND_COLLABORATOR_REMOVED: TimelineEntryKind
SATISFACTION_SOURCE_UNSPECIFIED: SatisfactionSource
SATISFACTION_SOURCE_SURVEY: SatisfactionSource
SATISFACTION_SOURCE_CALLBACK: SatisfactionSource
REVISION_SOURCE_UNSPECIFIED: RevisionSource
REVISION_SOURCE_API: RevisionSource
REVISION_SOURCE_IMPORT: RevisionSource
REVISION_SOURCE_MERGE: RevisionSource
REVISION_SOURCE_RULE: RevisionSource
REVISION_SOURCE_EVENT: RevisionSource
REVISION_SOURCE_HANDOVER: RevisionSource
REVISION_SOURCE_ERASURE: RevisionSource
REVISION_SOURCE_APPROVAL: RevisionSource
REVISION_SOURCE_APPROVAL_REJECTED: RevisionSource
DUPLICATE_REASON_UNSPECIFIED: DuplicateReason
DUPLICATE_REASON_SAME_PHONE: DuplicateReason
DUPLICATE_REASON_SAME_EMAIL: DuplicateReason
DUPLICATE_REASON_SIMILAR_NAME: DuplicateReason
DUPLICATE_REASON_SAME_REGISTRATION_NUMBER: DuplicateReason
DUPLICATE_REASON_SAME_EXTERNAL_ID: DuplicateReason
DUPLICATE_CANDIDATE_STATE_UNSPECIFIED: DuplicateCandidateState
DUPLICATE_CANDIDATE_STATE_OPEN: DuplicateCandidateState
DUPLICATE_CANDIDATE_STATE_DISMISSED: DuplicateCandidateState
DUPLICATE_CANDIDATE_STATE_MERGED: DuplicateCandidateState
CONSENT_PURPOSE_UNSPECIFIED: ConsentPurpose
CONSENT_PURPOSE_MARKETING: ConsentPurpose
CONSENT_PURPOSE_PROFILING: ConsentPurpose
CONSENT_PURPOSE_THIRD_PARTY_SHARING: ConsentPurpose
CONSENT_STATE_UNSPECIFIED: ConsentState
CONSENT_STATE_GRANTED: ConsentState
CONSENT_STATE_WITHDRAWN: ConsentState
ACCESS_ACTION_UNSPECIFIED: AccessAction
ACCESS_ACTION_READ: AccessAction
ACCESS_ACTION_REVEAL: AccessAction
ACCESS_ACTION_EXPORT: AccessAction
ACCESS_ACTION_ERASE: AccessAction
ERASURE_STATE_UNSPECIFIED: ErasureState
ERASURE_STATE_IN_PROGRESS: ErasureState
ERASURE_STATE_COMPLETED: ErasureState
IMPORT_ROW_STATUS_UNSPECIFIED: ImportRowStatus
IMPORT_ROW_STATUS_IMPORTED: ImportRowStatus
IMPORT_ROW_STATUS_FAILED: ImportRowStatus
IMPORT_ROW_STATUS_SKIPPED_DUPLICATE: ImportRowStatus
DUPLICATE_HANDLING_UNSPECIFIED: DuplicateHandling
DUPLICATE_HANDLING_SKIP: DuplicateHandling
DUPLICATE_HANDLING_CREATE: DuplicateHandling
DUPLICATE_HANDLING_FAIL: DuplicateHandling
APPROVAL_BOX_UNSPECIFIED: ApprovalBox
APPROVAL_BOX_AWAITING_ME: ApprovalBox
APPROVAL_BOX_REQUESTED_BY_ME: ApprovalBox
APPROVAL_BOX_VISIBLE: ApprovalBox

class Customer(_message.Message):
    __slots__ = ("id", "number", "type", "display_name", "owner_id", "department_path", "phone", "email", "create_time", "update_time", "enterprise", "individual", "source", "source_detail", "first_contact_date", "needs", "tags", "value_class", "lifecycle_stage", "annual_contract_amount", "churn_risk", "completeness_score", "missing_fields", "bank_name", "bank_account", "sensitive_fields_masked", "state", "merged_into_customer_id", "address", "wechat_id", "primary_contact_id", "source_lead_id", "source_campaign_id", "external_ids", "last_interaction_time", "lifecycle_stage_change_time", "created_by", "updated_by", "etag", "collaborators", "pending_approval_request_id")
    class ExternalIdsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_FIELD_NUMBER: _ClassVar[int]
    INDIVIDUAL_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_DETAIL_FIELD_NUMBER: _ClassVar[int]
    FIRST_CONTACT_DATE_FIELD_NUMBER: _ClassVar[int]
    NEEDS_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    VALUE_CLASS_FIELD_NUMBER: _ClassVar[int]
    LIFECYCLE_STAGE_FIELD_NUMBER: _ClassVar[int]
    ANNUAL_CONTRACT_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CHURN_RISK_FIELD_NUMBER: _ClassVar[int]
    COMPLETENESS_SCORE_FIELD_NUMBER: _ClassVar[int]
    MISSING_FIELDS_FIELD_NUMBER: _ClassVar[int]
    BANK_NAME_FIELD_NUMBER: _ClassVar[int]
    BANK_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    SENSITIVE_FIELDS_MASKED_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    MERGED_INTO_CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    WECHAT_ID_FIELD_NUMBER: _ClassVar[int]
    PRIMARY_CONTACT_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_LEAD_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_IDS_FIELD_NUMBER: _ClassVar[int]
    LAST_INTERACTION_TIME_FIELD_NUMBER: _ClassVar[int]
    LIFECYCLE_STAGE_CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    COLLABORATORS_FIELD_NUMBER: _ClassVar[int]
    PENDING_APPROVAL_REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    number: str
    type: CustomerType
    display_name: str
    owner_id: str
    department_path: str
    phone: str
    email: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    enterprise: EnterpriseProfile
    individual: IndividualProfile
    source: _types_pb2.SourceChannel
    source_detail: str
    first_contact_date: str
    needs: str
    tags: _containers.RepeatedCompositeFieldContainer[CustomerTag]
    value_class: _types_pb2.ValueClass
    lifecycle_stage: _types_pb2.LifecycleStage
    annual_contract_amount: _types_pb2.Money
    churn_risk: ChurnRisk
    completeness_score: int
    missing_fields: _containers.RepeatedScalarFieldContainer[str]
    bank_name: str
    bank_account: str
    sensitive_fields_masked: bool
    state: CustomerState
    merged_into_customer_id: str
    address: str
    wechat_id: str
    primary_contact_id: str
    source_lead_id: str
    source_campaign_id: str
    external_ids: _containers.ScalarMap[str, str]
    last_interaction_time: _timestamp_pb2.Timestamp
    lifecycle_stage_change_time: _timestamp_pb2.Timestamp
    created_by: str
    updated_by: str
    etag: str
    collaborators: _containers.RepeatedCompositeFieldContainer[_collaborators_pb2.Collaborator]
    pending_approval_request_id: str
    def __init__(self, id: _Optional[str] = ..., number: _Optional[str] = ..., type: _Optional[_Union[CustomerType, str]] = ..., display_name: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., phone: _Optional[str] = ..., email: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., enterprise: _Optional[_Union[EnterpriseProfile, _Mapping]] = ..., individual: _Optional[_Union[IndividualProfile, _Mapping]] = ..., source: _Optional[_Union[_types_pb2.SourceChannel, str]] = ..., source_detail: _Optional[str] = ..., first_contact_date: _Optional[str] = ..., needs: _Optional[str] = ..., tags: _Optional[_Iterable[_Union[CustomerTag, _Mapping]]] = ..., value_class: _Optional[_Union[_types_pb2.ValueClass, str]] = ..., lifecycle_stage: _Optional[_Union[_types_pb2.LifecycleStage, str]] = ..., annual_contract_amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., churn_risk: _Optional[_Union[ChurnRisk, _Mapping]] = ..., completeness_score: _Optional[int] = ..., missing_fields: _Optional[_Iterable[str]] = ..., bank_name: _Optional[str] = ..., bank_account: _Optional[str] = ..., sensitive_fields_masked: _Optional[bool] = ..., state: _Optional[_Union[CustomerState, str]] = ..., merged_into_customer_id: _Optional[str] = ..., address: _Optional[str] = ..., wechat_id: _Optional[str] = ..., primary_contact_id: _Optional[str] = ..., source_lead_id: _Optional[str] = ..., source_campaign_id: _Optional[str] = ..., external_ids: _Optional[_Mapping[str, str]] = ..., last_interaction_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., lifecycle_stage_change_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., updated_by: _Optional[str] = ..., etag: _Optional[str] = ..., collaborators: _Optional[_Iterable[_Union[_collaborators_pb2.Collaborator, _Mapping]]] = ..., pending_approval_request_id: _Optional[str] = ...) -> None: ...

class EnterpriseProfile(_message.Message):
    __slots__ = ("legal_name", "industry", "staff_count", "annual_revenue", "registration_number", "website")
    LEGAL_NAME_FIELD_NUMBER: _ClassVar[int]
    INDUSTRY_FIELD_NUMBER: _ClassVar[int]
    STAFF_COUNT_FIELD_NUMBER: _ClassVar[int]
    ANNUAL_REVENUE_FIELD_NUMBER: _ClassVar[int]
    REGISTRATION_NUMBER_FIELD_NUMBER: _ClassVar[int]
    WEBSITE_FIELD_NUMBER: _ClassVar[int]
    legal_name: str
    industry: str
    staff_count: int
    annual_revenue: _types_pb2.Money
    registration_number: str
    website: str
    def __init__(self, legal_name: _Optional[str] = ..., industry: _Optional[str] = ..., staff_count: _Optional[int] = ..., annual_revenue: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., registration_number: _Optional[str] = ..., website: _Optional[str] = ...) -> None: ...

class IndividualProfile(_message.Message):
    __slots__ = ("gender", "age", "birth_date", "occupation", "id_card_number")
    GENDER_FIELD_NUMBER: _ClassVar[int]
    AGE_FIELD_NUMBER: _ClassVar[int]
    BIRTH_DATE_FIELD_NUMBER: _ClassVar[int]
    OCCUPATION_FIELD_NUMBER: _ClassVar[int]
    ID_CARD_NUMBER_FIELD_NUMBER: _ClassVar[int]
    gender: Gender
    age: int
    birth_date: str
    occupation: str
    id_card_number: str
    def __init__(self, gender: _Optional[_Union[Gender, str]] = ..., age: _Optional[int] = ..., birth_date: _Optional[str] = ..., occupation: _Optional[str] = ..., id_card_number: _Optional[str] = ...) -> None: ...

class CustomerTag(_message.Message):
    __slots__ = ("tag_id", "name", "dimension", "source", "rule_id", "apply_time", "applied_by")
    TAG_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DIMENSION_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    APPLY_TIME_FIELD_NUMBER: _ClassVar[int]
    APPLIED_BY_FIELD_NUMBER: _ClassVar[int]
    tag_id: str
    name: str
    dimension: str
    source: TagSource
    rule_id: str
    apply_time: _timestamp_pb2.Timestamp
    applied_by: str
    def __init__(self, tag_id: _Optional[str] = ..., name: _Optional[str] = ..., dimension: _Optional[str] = ..., source: _Optional[_Union[TagSource, str]] = ..., rule_id: _Optional[str] = ..., apply_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., applied_by: _Optional[str] = ...) -> None: ...

class ChurnRisk(_message.Message):
    __slots__ = ("at_risk", "reason", "signals", "score", "flag_time", "evaluate_time", "recent_interaction_count", "previous_interaction_count", "recent_complaint_count", "previous_complaint_count")
    AT_RISK_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SIGNALS_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    FLAG_TIME_FIELD_NUMBER: _ClassVar[int]
    EVALUATE_TIME_FIELD_NUMBER: _ClassVar[int]
    RECENT_INTERACTION_COUNT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_INTERACTION_COUNT_FIELD_NUMBER: _ClassVar[int]
    RECENT_COMPLAINT_COUNT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_COMPLAINT_COUNT_FIELD_NUMBER: _ClassVar[int]
    at_risk: bool
    reason: str
    signals: _containers.RepeatedScalarFieldContainer[str]
    score: float
    flag_time: _timestamp_pb2.Timestamp
    evaluate_time: _timestamp_pb2.Timestamp
    recent_interaction_count: int
    previous_interaction_count: int
    recent_complaint_count: int
    previous_complaint_count: int
    def __init__(self, at_risk: _Optional[bool] = ..., reason: _Optional[str] = ..., signals: _Optional[_Iterable[str]] = ..., score: _Optional[float] = ..., flag_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., evaluate_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., recent_interaction_count: _Optional[int] = ..., previous_interaction_count: _Optional[int] = ..., recent_complaint_count: _Optional[int] = ..., previous_complaint_count: _Optional[int] = ...) -> None: ...

class Contact(_message.Message):
    __slots__ = ("id", "customer_id", "name", "job_title", "department", "phone", "email", "wechat_id", "decision_role", "reports_to_contact_id", "primary", "birth_date", "notes", "create_time", "update_time", "created_by", "updated_by", "etag")
    ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    JOB_TITLE_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    WECHAT_ID_FIELD_NUMBER: _ClassVar[int]
    DECISION_ROLE_FIELD_NUMBER: _ClassVar[int]
    REPORTS_TO_CONTACT_ID_FIELD_NUMBER: _ClassVar[int]
    PRIMARY_FIELD_NUMBER: _ClassVar[int]
    BIRTH_DATE_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    id: str
    customer_id: str
    name: str
    job_title: str
    department: str
    phone: str
    email: str
    wechat_id: str
    decision_role: DecisionRole
    reports_to_contact_id: str
    primary: bool
    birth_date: str
    notes: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    created_by: str
    updated_by: str
    etag: str
    def __init__(self, id: _Optional[str] = ..., customer_id: _Optional[str] = ..., name: _Optional[str] = ..., job_title: _Optional[str] = ..., department: _Optional[str] = ..., phone: _Optional[str] = ..., email: _Optional[str] = ..., wechat_id: _Optional[str] = ..., decision_role: _Optional[_Union[DecisionRole, str]] = ..., reports_to_contact_id: _Optional[str] = ..., primary: _Optional[bool] = ..., birth_date: _Optional[str] = ..., notes: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., updated_by: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class DecisionChain(_message.Message):
    __slots__ = ("customer_id", "contacts", "missing_roles")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    CONTACTS_FIELD_NUMBER: _ClassVar[int]
    MISSING_ROLES_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    contacts: _containers.RepeatedCompositeFieldContainer[Contact]
    missing_roles: _containers.RepeatedScalarFieldContainer[DecisionRole]
    def __init__(self, customer_id: _Optional[str] = ..., contacts: _Optional[_Iterable[_Union[Contact, _Mapping]]] = ..., missing_roles: _Optional[_Iterable[_Union[DecisionRole, str]]] = ...) -> None: ...

class Tag(_message.Message):
    __slots__ = ("id", "name", "dimension", "description", "color", "system", "customer_count", "create_time", "update_time", "created_by", "updated_by")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DIMENSION_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    COLOR_FIELD_NUMBER: _ClassVar[int]
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_COUNT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    dimension: str
    description: str
    color: str
    system: bool
    customer_count: int
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    created_by: str
    updated_by: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., dimension: _Optional[str] = ..., description: _Optional[str] = ..., color: _Optional[str] = ..., system: _Optional[bool] = ..., customer_count: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., updated_by: _Optional[str] = ...) -> None: ...

class TagRule(_message.Message):
    __slots__ = ("id", "display_name", "description", "tag_id", "condition", "enabled", "remove_when_unmatched", "match_count", "evaluate_time", "create_time", "update_time", "created_by", "updated_by")
    ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    TAG_ID_FIELD_NUMBER: _ClassVar[int]
    CONDITION_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    REMOVE_WHEN_UNMATCHED_FIELD_NUMBER: _ClassVar[int]
    MATCH_COUNT_FIELD_NUMBER: _ClassVar[int]
    EVALUATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    id: str
    display_name: str
    description: str
    tag_id: str
    condition: _rules_pb2.ConditionGroup
    enabled: bool
    remove_when_unmatched: bool
    match_count: int
    evaluate_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    created_by: str
    updated_by: str
    def __init__(self, id: _Optional[str] = ..., display_name: _Optional[str] = ..., description: _Optional[str] = ..., tag_id: _Optional[str] = ..., condition: _Optional[_Union[_rules_pb2.ConditionGroup, _Mapping]] = ..., enabled: _Optional[bool] = ..., remove_when_unmatched: _Optional[bool] = ..., match_count: _Optional[int] = ..., evaluate_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., updated_by: _Optional[str] = ...) -> None: ...

class ClassificationPolicy(_message.Message):
    __slots__ = ("value_class_a_min", "value_class_b_min", "lost_after_inactive_days", "churn_window_days", "churn_interaction_drop_ratio", "churn_complaint_increase", "enterprise_expected_fields", "individual_expected_fields", "completeness_target", "update_time", "updated_by")
    VALUE_CLASS_A_MIN_FIELD_NUMBER: _ClassVar[int]
    VALUE_CLASS_B_MIN_FIELD_NUMBER: _ClassVar[int]
    LOST_AFTER_INACTIVE_DAYS_FIELD_NUMBER: _ClassVar[int]
    CHURN_WINDOW_DAYS_FIELD_NUMBER: _ClassVar[int]
    CHURN_INTERACTION_DROP_RATIO_FIELD_NUMBER: _ClassVar[int]
    CHURN_COMPLAINT_INCREASE_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_EXPECTED_FIELDS_FIELD_NUMBER: _ClassVar[int]
    INDIVIDUAL_EXPECTED_FIELDS_FIELD_NUMBER: _ClassVar[int]
    COMPLETENESS_TARGET_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    value_class_a_min: _types_pb2.Money
    value_class_b_min: _types_pb2.Money
    lost_after_inactive_days: int
    churn_window_days: int
    churn_interaction_drop_ratio: float
    churn_complaint_increase: int
    enterprise_expected_fields: _containers.RepeatedScalarFieldContainer[str]
    individual_expected_fields: _containers.RepeatedScalarFieldContainer[str]
    completeness_target: int
    update_time: _timestamp_pb2.Timestamp
    updated_by: str
    def __init__(self, value_class_a_min: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., value_class_b_min: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., lost_after_inactive_days: _Optional[int] = ..., churn_window_days: _Optional[int] = ..., churn_interaction_drop_ratio: _Optional[float] = ..., churn_complaint_increase: _Optional[int] = ..., enterprise_expected_fields: _Optional[_Iterable[str]] = ..., individual_expected_fields: _Optional[_Iterable[str]] = ..., completeness_target: _Optional[int] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_by: _Optional[str] = ...) -> None: ...

class CustomerPortrait(_message.Message):
    __slots__ = ("customer", "behaviour", "value", "satisfaction", "recent_timeline", "open_opportunity_count", "open_ticket_count", "contacts", "update_time")
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    BEHAVIOUR_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    SATISFACTION_FIELD_NUMBER: _ClassVar[int]
    RECENT_TIMELINE_FIELD_NUMBER: _ClassVar[int]
    OPEN_OPPORTUNITY_COUNT_FIELD_NUMBER: _ClassVar[int]
    OPEN_TICKET_COUNT_FIELD_NUMBER: _ClassVar[int]
    CONTACTS_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    customer: Customer
    behaviour: CustomerBehaviour
    value: CustomerValue
    satisfaction: SatisfactionSummary
    recent_timeline: _containers.RepeatedCompositeFieldContainer[TimelineEntry]
    open_opportunity_count: int
    open_ticket_count: int
    contacts: _containers.RepeatedCompositeFieldContainer[Contact]
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, customer: _Optional[_Union[Customer, _Mapping]] = ..., behaviour: _Optional[_Union[CustomerBehaviour, _Mapping]] = ..., value: _Optional[_Union[CustomerValue, _Mapping]] = ..., satisfaction: _Optional[_Union[SatisfactionSummary, _Mapping]] = ..., recent_timeline: _Optional[_Iterable[_Union[TimelineEntry, _Mapping]]] = ..., open_opportunity_count: _Optional[int] = ..., open_ticket_count: _Optional[int] = ..., contacts: _Optional[_Iterable[_Union[Contact, _Mapping]]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CustomerBehaviour(_message.Message):
    __slots__ = ("purchase_count_12m", "purchase_frequency_per_month", "last_purchase_date", "preferred_service_channel", "interaction_count_90d", "complaint_count_90d", "last_interaction_time", "ticket_count_12m")
    PURCHASE_COUNT_12M_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_FREQUENCY_PER_MONTH_FIELD_NUMBER: _ClassVar[int]
    LAST_PURCHASE_DATE_FIELD_NUMBER: _ClassVar[int]
    PREFERRED_SERVICE_CHANNEL_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_COUNT_90D_FIELD_NUMBER: _ClassVar[int]
    COMPLAINT_COUNT_90D_FIELD_NUMBER: _ClassVar[int]
    LAST_INTERACTION_TIME_FIELD_NUMBER: _ClassVar[int]
    TICKET_COUNT_12M_FIELD_NUMBER: _ClassVar[int]
    purchase_count_12m: int
    purchase_frequency_per_month: float
    last_purchase_date: str
    preferred_service_channel: str
    interaction_count_90d: int
    complaint_count_90d: int
    last_interaction_time: _timestamp_pb2.Timestamp
    ticket_count_12m: int
    def __init__(self, purchase_count_12m: _Optional[int] = ..., purchase_frequency_per_month: _Optional[float] = ..., last_purchase_date: _Optional[str] = ..., preferred_service_channel: _Optional[str] = ..., interaction_count_90d: _Optional[int] = ..., complaint_count_90d: _Optional[int] = ..., last_interaction_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ticket_count_12m: _Optional[int] = ...) -> None: ...

class CustomerValue(_message.Message):
    __slots__ = ("annual_contract_amount", "spend_12m", "lifetime_spend", "average_order_value", "repurchase_rate", "rfm", "overdue_receivables")
    ANNUAL_CONTRACT_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    SPEND_12M_FIELD_NUMBER: _ClassVar[int]
    LIFETIME_SPEND_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_ORDER_VALUE_FIELD_NUMBER: _ClassVar[int]
    REPURCHASE_RATE_FIELD_NUMBER: _ClassVar[int]
    RFM_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_RECEIVABLES_FIELD_NUMBER: _ClassVar[int]
    annual_contract_amount: _types_pb2.Money
    spend_12m: _types_pb2.Money
    lifetime_spend: _types_pb2.Money
    average_order_value: _types_pb2.Money
    repurchase_rate: float
    rfm: RfmScore
    overdue_receivables: _types_pb2.Money
    def __init__(self, annual_contract_amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., spend_12m: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., lifetime_spend: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., average_order_value: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., repurchase_rate: _Optional[float] = ..., rfm: _Optional[_Union[RfmScore, _Mapping]] = ..., overdue_receivables: _Optional[_Union[_types_pb2.Money, _Mapping]] = ...) -> None: ...

class RfmScore(_message.Message):
    __slots__ = ("recency_score", "frequency_score", "monetary_score", "recency_days", "frequency", "monetary", "compute_time")
    RECENCY_SCORE_FIELD_NUMBER: _ClassVar[int]
    FREQUENCY_SCORE_FIELD_NUMBER: _ClassVar[int]
    MONETARY_SCORE_FIELD_NUMBER: _ClassVar[int]
    RECENCY_DAYS_FIELD_NUMBER: _ClassVar[int]
    FREQUENCY_FIELD_NUMBER: _ClassVar[int]
    MONETARY_FIELD_NUMBER: _ClassVar[int]
    COMPUTE_TIME_FIELD_NUMBER: _ClassVar[int]
    recency_score: int
    frequency_score: int
    monetary_score: int
    recency_days: int
    frequency: int
    monetary: _types_pb2.Money
    compute_time: _timestamp_pb2.Timestamp
    def __init__(self, recency_score: _Optional[int] = ..., frequency_score: _Optional[int] = ..., monetary_score: _Optional[int] = ..., recency_days: _Optional[int] = ..., frequency: _Optional[int] = ..., monetary: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., compute_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SatisfactionSummary(_message.Message):
    __slots__ = ("average_score", "latest_score", "latest_nps", "record_count", "recent")
    AVERAGE_SCORE_FIELD_NUMBER: _ClassVar[int]
    LATEST_SCORE_FIELD_NUMBER: _ClassVar[int]
    LATEST_NPS_FIELD_NUMBER: _ClassVar[int]
    RECORD_COUNT_FIELD_NUMBER: _ClassVar[int]
    RECENT_FIELD_NUMBER: _ClassVar[int]
    average_score: float
    latest_score: float
    latest_nps: int
    record_count: int
    recent: _containers.RepeatedCompositeFieldContainer[SatisfactionRecord]
    def __init__(self, average_score: _Optional[float] = ..., latest_score: _Optional[float] = ..., latest_nps: _Optional[int] = ..., record_count: _Optional[int] = ..., recent: _Optional[_Iterable[_Union[SatisfactionRecord, _Mapping]]] = ...) -> None: ...

class TimelineEntry(_message.Message):
    __slots__ = ("id", "customer_id", "kind", "title", "summary", "source_service", "subject_type", "subject_id", "actor_id", "occur_time", "amount", "source_event_id", "attributes", "title_params")
    class AttributesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class TitleParamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    SOURCE_SERVICE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    OCCUR_TIME_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    TITLE_PARAMS_FIELD_NUMBER: _ClassVar[int]
    id: str
    customer_id: str
    kind: TimelineEntryKind
    title: str
    summary: str
    source_service: str
    subject_type: str
    subject_id: str
    actor_id: str
    occur_time: _timestamp_pb2.Timestamp
    amount: _types_pb2.Money
    source_event_id: str
    attributes: _containers.ScalarMap[str, str]
    title_params: _containers.ScalarMap[str, str]
    def __init__(self, id: _Optional[str] = ..., customer_id: _Optional[str] = ..., kind: _Optional[_Union[TimelineEntryKind, str]] = ..., title: _Optional[str] = ..., summary: _Optional[str] = ..., source_service: _Optional[str] = ..., subject_type: _Optional[str] = ..., subject_id: _Optional[str] = ..., actor_id: _Optional[str] = ..., occur_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., source_event_id: _Optional[str] = ..., attributes: _Optional[_Mapping[str, str]] = ..., title_params: _Optional[_Mapping[str, str]] = ...) -> None: ...

class SatisfactionRecord(_message.Message):
    __slots__ = ("id", "customer_id", "source", "score", "nps", "dimension_scores", "survey_id", "survey_answer_id", "ticket_id", "callback_result", "comment", "record_time", "source_event_id")
    class DimensionScoresEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    NPS_FIELD_NUMBER: _ClassVar[int]
    DIMENSION_SCORES_FIELD_NUMBER: _ClassVar[int]
    SURVEY_ID_FIELD_NUMBER: _ClassVar[int]
    SURVEY_ANSWER_ID_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    CALLBACK_RESULT_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    RECORD_TIME_FIELD_NUMBER: _ClassVar[int]
    SOURCE_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    customer_id: str
    source: SatisfactionSource
    score: float
    nps: int
    dimension_scores: _containers.ScalarMap[str, float]
    survey_id: str
    survey_answer_id: str
    ticket_id: str
    callback_result: str
    comment: str
    record_time: _timestamp_pb2.Timestamp
    source_event_id: str
    def __init__(self, id: _Optional[str] = ..., customer_id: _Optional[str] = ..., source: _Optional[_Union[SatisfactionSource, str]] = ..., score: _Optional[float] = ..., nps: _Optional[int] = ..., dimension_scores: _Optional[_Mapping[str, float]] = ..., survey_id: _Optional[str] = ..., survey_answer_id: _Optional[str] = ..., ticket_id: _Optional[str] = ..., callback_result: _Optional[str] = ..., comment: _Optional[str] = ..., record_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., source_event_id: _Optional[str] = ...) -> None: ...

class CustomerRevision(_message.Message):
    __slots__ = ("id", "customer_id", "field_path", "old_value", "new_value", "actor_id", "change_time", "change_source", "correlation_id", "comment")
    ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    FIELD_PATH_FIELD_NUMBER: _ClassVar[int]
    OLD_VALUE_FIELD_NUMBER: _ClassVar[int]
    NEW_VALUE_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    CHANGE_SOURCE_FIELD_NUMBER: _ClassVar[int]
    CORRELATION_ID_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    id: str
    customer_id: str
    field_path: str
    old_value: str
    new_value: str
    actor_id: str
    change_time: _timestamp_pb2.Timestamp
    change_source: RevisionSource
    correlation_id: str
    comment: str
    def __init__(self, id: _Optional[str] = ..., customer_id: _Optional[str] = ..., field_path: _Optional[str] = ..., old_value: _Optional[str] = ..., new_value: _Optional[str] = ..., actor_id: _Optional[str] = ..., change_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., change_source: _Optional[_Union[RevisionSource, str]] = ..., correlation_id: _Optional[str] = ..., comment: _Optional[str] = ...) -> None: ...

class DuplicateCandidate(_message.Message):
    __slots__ = ("id", "customer_id", "duplicate_customer_id", "score", "reasons", "state", "detect_time", "dismissed_by")
    ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    DETECT_TIME_FIELD_NUMBER: _ClassVar[int]
    DISMISSED_BY_FIELD_NUMBER: _ClassVar[int]
    id: str
    customer_id: str
    duplicate_customer_id: str
    score: float
    reasons: _containers.RepeatedScalarFieldContainer[DuplicateReason]
    state: DuplicateCandidateState
    detect_time: _timestamp_pb2.Timestamp
    dismissed_by: str
    def __init__(self, id: _Optional[str] = ..., customer_id: _Optional[str] = ..., duplicate_customer_id: _Optional[str] = ..., score: _Optional[float] = ..., reasons: _Optional[_Iterable[_Union[DuplicateReason, str]]] = ..., state: _Optional[_Union[DuplicateCandidateState, str]] = ..., detect_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., dismissed_by: _Optional[str] = ...) -> None: ...

class CustomerMerge(_message.Message):
    __slots__ = ("id", "surviving_customer_id", "merged_customer_ids", "actor_id", "reason", "merge_time", "moved_contact_count", "moved_tag_count", "moved_timeline_entry_count", "overridden_fields")
    ID_FIELD_NUMBER: _ClassVar[int]
    SURVIVING_CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    MERGED_CUSTOMER_IDS_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    MERGE_TIME_FIELD_NUMBER: _ClassVar[int]
    MOVED_CONTACT_COUNT_FIELD_NUMBER: _ClassVar[int]
    MOVED_TAG_COUNT_FIELD_NUMBER: _ClassVar[int]
    MOVED_TIMELINE_ENTRY_COUNT_FIELD_NUMBER: _ClassVar[int]
    OVERRIDDEN_FIELDS_FIELD_NUMBER: _ClassVar[int]
    id: str
    surviving_customer_id: str
    merged_customer_ids: _containers.RepeatedScalarFieldContainer[str]
    actor_id: str
    reason: str
    merge_time: _timestamp_pb2.Timestamp
    moved_contact_count: int
    moved_tag_count: int
    moved_timeline_entry_count: int
    overridden_fields: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., surviving_customer_id: _Optional[str] = ..., merged_customer_ids: _Optional[_Iterable[str]] = ..., actor_id: _Optional[str] = ..., reason: _Optional[str] = ..., merge_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., moved_contact_count: _Optional[int] = ..., moved_tag_count: _Optional[int] = ..., moved_timeline_entry_count: _Optional[int] = ..., overridden_fields: _Optional[_Iterable[str]] = ...) -> None: ...

class Handover(_message.Message):
    __slots__ = ("id", "from_user_id", "to_user_id", "to_department_path", "customer_ids", "customer_count", "reason", "actor_id", "create_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    FROM_USER_ID_FIELD_NUMBER: _ClassVar[int]
    TO_USER_ID_FIELD_NUMBER: _ClassVar[int]
    TO_DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_IDS_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_COUNT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    from_user_id: str
    to_user_id: str
    to_department_path: str
    customer_ids: _containers.RepeatedScalarFieldContainer[str]
    customer_count: int
    reason: str
    actor_id: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., from_user_id: _Optional[str] = ..., to_user_id: _Optional[str] = ..., to_department_path: _Optional[str] = ..., customer_ids: _Optional[_Iterable[str]] = ..., customer_count: _Optional[int] = ..., reason: _Optional[str] = ..., actor_id: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Consent(_message.Message):
    __slots__ = ("id", "customer_id", "purpose", "state", "source", "evidence", "grant_time", "withdraw_time", "recorded_by", "history", "channel")
    ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    GRANT_TIME_FIELD_NUMBER: _ClassVar[int]
    WITHDRAW_TIME_FIELD_NUMBER: _ClassVar[int]
    RECORDED_BY_FIELD_NUMBER: _ClassVar[int]
    HISTORY_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    id: str
    customer_id: str
    purpose: ConsentPurpose
    state: ConsentState
    source: str
    evidence: str
    grant_time: _timestamp_pb2.Timestamp
    withdraw_time: _timestamp_pb2.Timestamp
    recorded_by: str
    history: _containers.RepeatedCompositeFieldContainer[ConsentChange]
    channel: _types_pb2.DeliveryChannel
    def __init__(self, id: _Optional[str] = ..., customer_id: _Optional[str] = ..., purpose: _Optional[_Union[ConsentPurpose, str]] = ..., state: _Optional[_Union[ConsentState, str]] = ..., source: _Optional[str] = ..., evidence: _Optional[str] = ..., grant_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., withdraw_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., recorded_by: _Optional[str] = ..., history: _Optional[_Iterable[_Union[ConsentChange, _Mapping]]] = ..., channel: _Optional[_Union[_types_pb2.DeliveryChannel, str]] = ...) -> None: ...

class ConsentChange(_message.Message):
    __slots__ = ("state", "source", "evidence", "actor_id", "change_time", "channel")
    STATE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    state: ConsentState
    source: str
    evidence: str
    actor_id: str
    change_time: _timestamp_pb2.Timestamp
    channel: _types_pb2.DeliveryChannel
    def __init__(self, state: _Optional[_Union[ConsentState, str]] = ..., source: _Optional[str] = ..., evidence: _Optional[str] = ..., actor_id: _Optional[str] = ..., change_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., channel: _Optional[_Union[_types_pb2.DeliveryChannel, str]] = ...) -> None: ...

class AccessLogEntry(_message.Message):
    __slots__ = ("id", "customer_id", "actor_id", "actor_roles", "action", "field_paths", "purpose", "access_time", "method", "trace_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ROLES_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    FIELD_PATHS_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    ACCESS_TIME_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    TRACE_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    customer_id: str
    actor_id: str
    actor_roles: _containers.RepeatedScalarFieldContainer[str]
    action: AccessAction
    field_paths: _containers.RepeatedScalarFieldContainer[str]
    purpose: str
    access_time: _timestamp_pb2.Timestamp
    method: str
    trace_id: str
    def __init__(self, id: _Optional[str] = ..., customer_id: _Optional[str] = ..., actor_id: _Optional[str] = ..., actor_roles: _Optional[_Iterable[str]] = ..., action: _Optional[_Union[AccessAction, str]] = ..., field_paths: _Optional[_Iterable[str]] = ..., purpose: _Optional[str] = ..., access_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., method: _Optional[str] = ..., trace_id: _Optional[str] = ...) -> None: ...

class ErasureRequest(_message.Message):
    __slots__ = ("id", "customer_id", "state", "reason", "requested_by", "request_time", "complete_time", "services")
    ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_TIME_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_TIME_FIELD_NUMBER: _ClassVar[int]
    SERVICES_FIELD_NUMBER: _ClassVar[int]
    id: str
    customer_id: str
    state: ErasureState
    reason: str
    requested_by: str
    request_time: _timestamp_pb2.Timestamp
    complete_time: _timestamp_pb2.Timestamp
    services: _containers.RepeatedCompositeFieldContainer[ServiceErasureStatus]
    def __init__(self, id: _Optional[str] = ..., customer_id: _Optional[str] = ..., state: _Optional[_Union[ErasureState, str]] = ..., reason: _Optional[str] = ..., requested_by: _Optional[str] = ..., request_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., complete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., services: _Optional[_Iterable[_Union[ServiceErasureStatus, _Mapping]]] = ...) -> None: ...

class ServiceErasureStatus(_message.Message):
    __slots__ = ("service", "done", "complete_time", "erased_record_count")
    SERVICE_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_TIME_FIELD_NUMBER: _ClassVar[int]
    ERASED_RECORD_COUNT_FIELD_NUMBER: _ClassVar[int]
    service: str
    done: bool
    complete_time: _timestamp_pb2.Timestamp
    erased_record_count: int
    def __init__(self, service: _Optional[str] = ..., done: _Optional[bool] = ..., complete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., erased_record_count: _Optional[int] = ...) -> None: ...

class CustomerImport(_message.Message):
    __slots__ = ("id", "file_name", "validate_only", "total_rows", "imported_rows", "failed_rows", "skipped_rows", "rows", "actor_id", "create_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    VALIDATE_ONLY_FIELD_NUMBER: _ClassVar[int]
    TOTAL_ROWS_FIELD_NUMBER: _ClassVar[int]
    IMPORTED_ROWS_FIELD_NUMBER: _ClassVar[int]
    FAILED_ROWS_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_ROWS_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    file_name: str
    validate_only: bool
    total_rows: int
    imported_rows: int
    failed_rows: int
    skipped_rows: int
    rows: _containers.RepeatedCompositeFieldContainer[ImportRowResult]
    actor_id: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., file_name: _Optional[str] = ..., validate_only: _Optional[bool] = ..., total_rows: _Optional[int] = ..., imported_rows: _Optional[int] = ..., failed_rows: _Optional[int] = ..., skipped_rows: _Optional[int] = ..., rows: _Optional[_Iterable[_Union[ImportRowResult, _Mapping]]] = ..., actor_id: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ImportRowResult(_message.Message):
    __slots__ = ("line_number", "status", "customer_id", "errors")
    LINE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    line_number: int
    status: ImportRowStatus
    customer_id: str
    errors: _containers.RepeatedCompositeFieldContainer[_error_details_pb2.BadRequest.FieldViolation]
    def __init__(self, line_number: _Optional[int] = ..., status: _Optional[_Union[ImportRowStatus, str]] = ..., customer_id: _Optional[str] = ..., errors: _Optional[_Iterable[_Union[_error_details_pb2.BadRequest.FieldViolation, _Mapping]]] = ...) -> None: ...

class CreateCustomerRequest(_message.Message):
    __slots__ = ("customer", "request_id", "validate_only")
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    VALIDATE_ONLY_FIELD_NUMBER: _ClassVar[int]
    customer: Customer
    request_id: str
    validate_only: bool
    def __init__(self, customer: _Optional[_Union[Customer, _Mapping]] = ..., request_id: _Optional[str] = ..., validate_only: _Optional[bool] = ...) -> None: ...

class MatchCustomerByContactRequest(_message.Message):
    __slots__ = ("phone", "email")
    PHONE_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    phone: str
    email: str
    def __init__(self, phone: _Optional[str] = ..., email: _Optional[str] = ...) -> None: ...

class CustomerContactMatch(_message.Message):
    __slots__ = ("customer_id", "value_class", "at_risk", "risk_reason", "owner_id")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    VALUE_CLASS_FIELD_NUMBER: _ClassVar[int]
    AT_RISK_FIELD_NUMBER: _ClassVar[int]
    RISK_REASON_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    value_class: _types_pb2.ValueClass
    at_risk: bool
    risk_reason: str
    owner_id: str
    def __init__(self, customer_id: _Optional[str] = ..., value_class: _Optional[_Union[_types_pb2.ValueClass, str]] = ..., at_risk: _Optional[bool] = ..., risk_reason: _Optional[str] = ..., owner_id: _Optional[str] = ...) -> None: ...

class GetCustomerRequest(_message.Message):
    __slots__ = ("id", "reveal_sensitive", "access_purpose")
    ID_FIELD_NUMBER: _ClassVar[int]
    REVEAL_SENSITIVE_FIELD_NUMBER: _ClassVar[int]
    ACCESS_PURPOSE_FIELD_NUMBER: _ClassVar[int]
    id: str
    reveal_sensitive: bool
    access_purpose: str
    def __init__(self, id: _Optional[str] = ..., reveal_sensitive: _Optional[bool] = ..., access_purpose: _Optional[str] = ...) -> None: ...

class BatchGetCustomersRequest(_message.Message):
    __slots__ = ("ids",)
    IDS_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, ids: _Optional[_Iterable[str]] = ...) -> None: ...

class BatchGetCustomersResponse(_message.Message):
    __slots__ = ("customers", "not_found_ids")
    CUSTOMERS_FIELD_NUMBER: _ClassVar[int]
    NOT_FOUND_IDS_FIELD_NUMBER: _ClassVar[int]
    customers: _containers.RepeatedCompositeFieldContainer[Customer]
    not_found_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, customers: _Optional[_Iterable[_Union[Customer, _Mapping]]] = ..., not_found_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class BatchGetContactDetailsRequest(_message.Message):
    __slots__ = ("customer_ids",)
    CUSTOMER_IDS_FIELD_NUMBER: _ClassVar[int]
    customer_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, customer_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class CustomerContactDetails(_message.Message):
    __slots__ = ("customer_id", "phone", "email")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    phone: str
    email: str
    def __init__(self, customer_id: _Optional[str] = ..., phone: _Optional[str] = ..., email: _Optional[str] = ...) -> None: ...

class BatchGetContactDetailsResponse(_message.Message):
    __slots__ = ("customers", "not_found_ids")
    CUSTOMERS_FIELD_NUMBER: _ClassVar[int]
    NOT_FOUND_IDS_FIELD_NUMBER: _ClassVar[int]
    customers: _containers.RepeatedCompositeFieldContainer[CustomerContactDetails]
    not_found_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, customers: _Optional[_Iterable[_Union[CustomerContactDetails, _Mapping]]] = ..., not_found_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class ListCustomersRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "query", "type", "owner_id", "department_path", "tag_ids", "any_tag_ids", "exclude_tag_ids", "value_classes", "lifecycle_stages", "at_risk", "source", "industry", "number", "phone", "email", "max_completeness_score", "min_update_time", "include_inactive", "order_by", "external_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    TAG_IDS_FIELD_NUMBER: _ClassVar[int]
    ANY_TAG_IDS_FIELD_NUMBER: _ClassVar[int]
    EXCLUDE_TAG_IDS_FIELD_NUMBER: _ClassVar[int]
    VALUE_CLASSES_FIELD_NUMBER: _ClassVar[int]
    LIFECYCLE_STAGES_FIELD_NUMBER: _ClassVar[int]
    AT_RISK_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    INDUSTRY_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    MAX_COMPLETENESS_SCORE_FIELD_NUMBER: _ClassVar[int]
    MIN_UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_INACTIVE_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    query: str
    type: CustomerType
    owner_id: str
    department_path: str
    tag_ids: _containers.RepeatedScalarFieldContainer[str]
    any_tag_ids: _containers.RepeatedScalarFieldContainer[str]
    exclude_tag_ids: _containers.RepeatedScalarFieldContainer[str]
    value_classes: _containers.RepeatedScalarFieldContainer[_types_pb2.ValueClass]
    lifecycle_stages: _containers.RepeatedScalarFieldContainer[_types_pb2.LifecycleStage]
    at_risk: bool
    source: _types_pb2.SourceChannel
    industry: str
    number: str
    phone: str
    email: str
    max_completeness_score: int
    min_update_time: _timestamp_pb2.Timestamp
    include_inactive: bool
    order_by: str
    external_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., query: _Optional[str] = ..., type: _Optional[_Union[CustomerType, str]] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., tag_ids: _Optional[_Iterable[str]] = ..., any_tag_ids: _Optional[_Iterable[str]] = ..., exclude_tag_ids: _Optional[_Iterable[str]] = ..., value_classes: _Optional[_Iterable[_Union[_types_pb2.ValueClass, str]]] = ..., lifecycle_stages: _Optional[_Iterable[_Union[_types_pb2.LifecycleStage, str]]] = ..., at_risk: _Optional[bool] = ..., source: _Optional[_Union[_types_pb2.SourceChannel, str]] = ..., industry: _Optional[str] = ..., number: _Optional[str] = ..., phone: _Optional[str] = ..., email: _Optional[str] = ..., max_completeness_score: _Optional[int] = ..., min_update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., include_inactive: _Optional[bool] = ..., order_by: _Optional[str] = ..., external_id: _Optional[str] = ...) -> None: ...

class ListCustomersResponse(_message.Message):
    __slots__ = ("customers", "next_page_token", "total_size")
    CUSTOMERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    customers: _containers.RepeatedCompositeFieldContainer[Customer]
    next_page_token: str
    total_size: int
    def __init__(self, customers: _Optional[_Iterable[_Union[Customer, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class UpdateCustomerRequest(_message.Message):
    __slots__ = ("customer", "update_mask")
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    customer: Customer
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, customer: _Optional[_Union[Customer, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class ReassignCustomerRequest(_message.Message):
    __slots__ = ("id", "owner_id", "reason", "request_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    owner_id: str
    reason: str
    request_id: str
    def __init__(self, id: _Optional[str] = ..., owner_id: _Optional[str] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateContactRequest(_message.Message):
    __slots__ = ("contact", "request_id")
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    contact: Contact
    request_id: str
    def __init__(self, contact: _Optional[_Union[Contact, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetContactRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListContactsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "customer_id", "decision_role")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    DECISION_ROLE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    customer_id: str
    decision_role: DecisionRole
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., customer_id: _Optional[str] = ..., decision_role: _Optional[_Union[DecisionRole, str]] = ...) -> None: ...

class ListContactsResponse(_message.Message):
    __slots__ = ("contacts", "next_page_token", "total_size")
    CONTACTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    contacts: _containers.RepeatedCompositeFieldContainer[Contact]
    next_page_token: str
    total_size: int
    def __init__(self, contacts: _Optional[_Iterable[_Union[Contact, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class UpdateContactRequest(_message.Message):
    __slots__ = ("contact", "update_mask")
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    contact: Contact
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, contact: _Optional[_Union[Contact, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class DeleteContactRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetDecisionChainRequest(_message.Message):
    __slots__ = ("customer_id",)
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    def __init__(self, customer_id: _Optional[str] = ...) -> None: ...

class CreateTagRequest(_message.Message):
    __slots__ = ("tag", "request_id")
    TAG_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    tag: Tag
    request_id: str
    def __init__(self, tag: _Optional[_Union[Tag, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class ListTagsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "dimension", "query")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    DIMENSION_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    dimension: str
    query: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., dimension: _Optional[str] = ..., query: _Optional[str] = ...) -> None: ...

class ListTagsResponse(_message.Message):
    __slots__ = ("tags", "next_page_token")
    TAGS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tags: _containers.RepeatedCompositeFieldContainer[Tag]
    next_page_token: str
    def __init__(self, tags: _Optional[_Iterable[_Union[Tag, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateTagRequest(_message.Message):
    __slots__ = ("tag", "update_mask")
    TAG_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    tag: Tag
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, tag: _Optional[_Union[Tag, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class DeleteTagRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class AddCustomerTagsRequest(_message.Message):
    __slots__ = ("customer_id", "tag_ids")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    TAG_IDS_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    tag_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, customer_id: _Optional[str] = ..., tag_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class RemoveCustomerTagsRequest(_message.Message):
    __slots__ = ("customer_id", "tag_ids")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    TAG_IDS_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    tag_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, customer_id: _Optional[str] = ..., tag_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class CreateTagRuleRequest(_message.Message):
    __slots__ = ("tag_rule", "request_id")
    TAG_RULE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    tag_rule: TagRule
    request_id: str
    def __init__(self, tag_rule: _Optional[_Union[TagRule, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetTagRuleRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListTagRulesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "tag_id", "enabled")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TAG_ID_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    tag_id: str
    enabled: bool
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., tag_id: _Optional[str] = ..., enabled: _Optional[bool] = ...) -> None: ...

class ListTagRulesResponse(_message.Message):
    __slots__ = ("tag_rules", "next_page_token")
    TAG_RULES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tag_rules: _containers.RepeatedCompositeFieldContainer[TagRule]
    next_page_token: str
    def __init__(self, tag_rules: _Optional[_Iterable[_Union[TagRule, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateTagRuleRequest(_message.Message):
    __slots__ = ("tag_rule", "update_mask")
    TAG_RULE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    tag_rule: TagRule
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, tag_rule: _Optional[_Union[TagRule, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class DeleteTagRuleRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class EvaluateTagRulesRequest(_message.Message):
    __slots__ = ("rule_ids", "customer_ids")
    RULE_IDS_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_IDS_FIELD_NUMBER: _ClassVar[int]
    rule_ids: _containers.RepeatedScalarFieldContainer[str]
    customer_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, rule_ids: _Optional[_Iterable[str]] = ..., customer_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class EvaluateTagRulesResponse(_message.Message):
    __slots__ = ("evaluated_customer_count", "applied_tag_count", "removed_tag_count")
    EVALUATED_CUSTOMER_COUNT_FIELD_NUMBER: _ClassVar[int]
    APPLIED_TAG_COUNT_FIELD_NUMBER: _ClassVar[int]
    REMOVED_TAG_COUNT_FIELD_NUMBER: _ClassVar[int]
    evaluated_customer_count: int
    applied_tag_count: int
    removed_tag_count: int
    def __init__(self, evaluated_customer_count: _Optional[int] = ..., applied_tag_count: _Optional[int] = ..., removed_tag_count: _Optional[int] = ...) -> None: ...

class GetClassificationPolicyRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UpdateClassificationPolicyRequest(_message.Message):
    __slots__ = ("policy", "update_mask")
    POLICY_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    policy: ClassificationPolicy
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, policy: _Optional[_Union[ClassificationPolicy, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class GetCustomerPortraitRequest(_message.Message):
    __slots__ = ("customer_id",)
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    def __init__(self, customer_id: _Optional[str] = ...) -> None: ...

class ListTimelineEntriesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "customer_id", "kinds", "source_service", "start_time", "end_time")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    KINDS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_SERVICE_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    customer_id: str
    kinds: _containers.RepeatedScalarFieldContainer[TimelineEntryKind]
    source_service: str
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., customer_id: _Optional[str] = ..., kinds: _Optional[_Iterable[_Union[TimelineEntryKind, str]]] = ..., source_service: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListTimelineEntriesResponse(_message.Message):
    __slots__ = ("timeline_entries", "next_page_token")
    TIMELINE_ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    timeline_entries: _containers.RepeatedCompositeFieldContainer[TimelineEntry]
    next_page_token: str
    def __init__(self, timeline_entries: _Optional[_Iterable[_Union[TimelineEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListSatisfactionRecordsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "customer_id", "source")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    customer_id: str
    source: SatisfactionSource
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., customer_id: _Optional[str] = ..., source: _Optional[_Union[SatisfactionSource, str]] = ...) -> None: ...

class ListSatisfactionRecordsResponse(_message.Message):
    __slots__ = ("satisfaction_records", "next_page_token")
    SATISFACTION_RECORDS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    satisfaction_records: _containers.RepeatedCompositeFieldContainer[SatisfactionRecord]
    next_page_token: str
    def __init__(self, satisfaction_records: _Optional[_Iterable[_Union[SatisfactionRecord, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class AddCustomerCollaboratorRequest(_message.Message):
    __slots__ = ("customer_id", "user_id", "role")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    user_id: str
    role: _collaborators_pb2.CollaboratorRole
    def __init__(self, customer_id: _Optional[str] = ..., user_id: _Optional[str] = ..., role: _Optional[_Union[_collaborators_pb2.CollaboratorRole, str]] = ...) -> None: ...

class RemoveCustomerCollaboratorRequest(_message.Message):
    __slots__ = ("customer_id", "user_id")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    user_id: str
    def __init__(self, customer_id: _Optional[str] = ..., user_id: _Optional[str] = ...) -> None: ...

class ListCustomerCollaboratorsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "customer_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    customer_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., customer_id: _Optional[str] = ...) -> None: ...

class ListCustomerCollaboratorsResponse(_message.Message):
    __slots__ = ("collaborators", "next_page_token")
    COLLABORATORS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    collaborators: _containers.RepeatedCompositeFieldContainer[_collaborators_pb2.Collaborator]
    next_page_token: str
    def __init__(self, collaborators: _Optional[_Iterable[_Union[_collaborators_pb2.Collaborator, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListCustomerRevisionsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "customer_id", "field_path", "actor_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    FIELD_PATH_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    customer_id: str
    field_path: str
    actor_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., customer_id: _Optional[str] = ..., field_path: _Optional[str] = ..., actor_id: _Optional[str] = ...) -> None: ...

class ListCustomerRevisionsResponse(_message.Message):
    __slots__ = ("revisions", "next_page_token")
    REVISIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    revisions: _containers.RepeatedCompositeFieldContainer[CustomerRevision]
    next_page_token: str
    def __init__(self, revisions: _Optional[_Iterable[_Union[CustomerRevision, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListDuplicateCandidatesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "customer_id", "state", "min_score")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    MIN_SCORE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    customer_id: str
    state: DuplicateCandidateState
    min_score: float
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., customer_id: _Optional[str] = ..., state: _Optional[_Union[DuplicateCandidateState, str]] = ..., min_score: _Optional[float] = ...) -> None: ...

class ListDuplicateCandidatesResponse(_message.Message):
    __slots__ = ("duplicate_candidates", "next_page_token")
    DUPLICATE_CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    duplicate_candidates: _containers.RepeatedCompositeFieldContainer[DuplicateCandidate]
    next_page_token: str
    def __init__(self, duplicate_candidates: _Optional[_Iterable[_Union[DuplicateCandidate, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DismissDuplicateCandidateRequest(_message.Message):
    __slots__ = ("id", "reason")
    ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    id: str
    reason: str
    def __init__(self, id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class MergeCustomersRequest(_message.Message):
    __slots__ = ("surviving_customer_id", "merged_customer_ids", "overrides", "override_mask", "reason", "request_id")
    SURVIVING_CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    MERGED_CUSTOMER_IDS_FIELD_NUMBER: _ClassVar[int]
    OVERRIDES_FIELD_NUMBER: _ClassVar[int]
    OVERRIDE_MASK_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    surviving_customer_id: str
    merged_customer_ids: _containers.RepeatedScalarFieldContainer[str]
    overrides: Customer
    override_mask: _field_mask_pb2.FieldMask
    reason: str
    request_id: str
    def __init__(self, surviving_customer_id: _Optional[str] = ..., merged_customer_ids: _Optional[_Iterable[str]] = ..., overrides: _Optional[_Union[Customer, _Mapping]] = ..., override_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class MergeCustomersResponse(_message.Message):
    __slots__ = ("customer", "merge")
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    MERGE_FIELD_NUMBER: _ClassVar[int]
    customer: Customer
    merge: CustomerMerge
    def __init__(self, customer: _Optional[_Union[Customer, _Mapping]] = ..., merge: _Optional[_Union[CustomerMerge, _Mapping]] = ...) -> None: ...

class ListCustomerMergesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "customer_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    customer_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., customer_id: _Optional[str] = ...) -> None: ...

class ListCustomerMergesResponse(_message.Message):
    __slots__ = ("merges", "next_page_token")
    MERGES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    merges: _containers.RepeatedCompositeFieldContainer[CustomerMerge]
    next_page_token: str
    def __init__(self, merges: _Optional[_Iterable[_Union[CustomerMerge, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class HandOverCustomersRequest(_message.Message):
    __slots__ = ("from_user_id", "to_user_id", "customer_ids", "reason", "request_id")
    FROM_USER_ID_FIELD_NUMBER: _ClassVar[int]
    TO_USER_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_IDS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    from_user_id: str
    to_user_id: str
    customer_ids: _containers.RepeatedScalarFieldContainer[str]
    reason: str
    request_id: str
    def __init__(self, from_user_id: _Optional[str] = ..., to_user_id: _Optional[str] = ..., customer_ids: _Optional[_Iterable[str]] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetHandoverRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListHandoversRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "user_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    user_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., user_id: _Optional[str] = ...) -> None: ...

class ListHandoversResponse(_message.Message):
    __slots__ = ("handovers", "next_page_token")
    HANDOVERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    handovers: _containers.RepeatedCompositeFieldContainer[Handover]
    next_page_token: str
    def __init__(self, handovers: _Optional[_Iterable[_Union[Handover, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListConsentsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "customer_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    customer_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., customer_id: _Optional[str] = ...) -> None: ...

class ListConsentsResponse(_message.Message):
    __slots__ = ("consents", "next_page_token")
    CONSENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    consents: _containers.RepeatedCompositeFieldContainer[Consent]
    next_page_token: str
    def __init__(self, consents: _Optional[_Iterable[_Union[Consent, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GrantConsentRequest(_message.Message):
    __slots__ = ("customer_id", "purpose", "source", "evidence", "grant_time", "request_id", "channel")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    GRANT_TIME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    purpose: ConsentPurpose
    source: str
    evidence: str
    grant_time: _timestamp_pb2.Timestamp
    request_id: str
    channel: _types_pb2.DeliveryChannel
    def __init__(self, customer_id: _Optional[str] = ..., purpose: _Optional[_Union[ConsentPurpose, str]] = ..., source: _Optional[str] = ..., evidence: _Optional[str] = ..., grant_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., request_id: _Optional[str] = ..., channel: _Optional[_Union[_types_pb2.DeliveryChannel, str]] = ...) -> None: ...

class WithdrawConsentRequest(_message.Message):
    __slots__ = ("customer_id", "purpose", "source", "evidence", "withdraw_time", "request_id", "channel")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    WITHDRAW_TIME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    purpose: ConsentPurpose
    source: str
    evidence: str
    withdraw_time: _timestamp_pb2.Timestamp
    request_id: str
    channel: _types_pb2.DeliveryChannel
    def __init__(self, customer_id: _Optional[str] = ..., purpose: _Optional[_Union[ConsentPurpose, str]] = ..., source: _Optional[str] = ..., evidence: _Optional[str] = ..., withdraw_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., request_id: _Optional[str] = ..., channel: _Optional[_Union[_types_pb2.DeliveryChannel, str]] = ...) -> None: ...

class ListAccessLogEntriesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "customer_id", "actor_id", "action", "start_time", "end_time")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    customer_id: str
    actor_id: str
    action: AccessAction
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., customer_id: _Optional[str] = ..., actor_id: _Optional[str] = ..., action: _Optional[_Union[AccessAction, str]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListAccessLogEntriesResponse(_message.Message):
    __slots__ = ("access_log_entries", "next_page_token")
    ACCESS_LOG_ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    access_log_entries: _containers.RepeatedCompositeFieldContainer[AccessLogEntry]
    next_page_token: str
    def __init__(self, access_log_entries: _Optional[_Iterable[_Union[AccessLogEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ExportCustomerDataRequest(_message.Message):
    __slots__ = ("customer_id", "access_purpose")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    ACCESS_PURPOSE_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    access_purpose: str
    def __init__(self, customer_id: _Optional[str] = ..., access_purpose: _Optional[str] = ...) -> None: ...

class EraseCustomerRequest(_message.Message):
    __slots__ = ("customer_id", "reason", "request_id")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    reason: str
    request_id: str
    def __init__(self, customer_id: _Optional[str] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetErasureRequestRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListErasureRequestsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "state")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    state: ErasureState
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., state: _Optional[_Union[ErasureState, str]] = ...) -> None: ...

class ListErasureRequestsResponse(_message.Message):
    __slots__ = ("erasure_requests", "next_page_token")
    ERASURE_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    erasure_requests: _containers.RepeatedCompositeFieldContainer[ErasureRequest]
    next_page_token: str
    def __init__(self, erasure_requests: _Optional[_Iterable[_Union[ErasureRequest, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ImportCustomersRequest(_message.Message):
    __slots__ = ("csv_content", "file_name", "validate_only", "default_owner_id", "duplicate_handling", "request_id", "encoding")
    CSV_CONTENT_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    VALIDATE_ONLY_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_HANDLING_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ENCODING_FIELD_NUMBER: _ClassVar[int]
    csv_content: bytes
    file_name: str
    validate_only: bool
    default_owner_id: str
    duplicate_handling: DuplicateHandling
    request_id: str
    encoding: str
    def __init__(self, csv_content: _Optional[bytes] = ..., file_name: _Optional[str] = ..., validate_only: _Optional[bool] = ..., default_owner_id: _Optional[str] = ..., duplicate_handling: _Optional[_Union[DuplicateHandling, str]] = ..., request_id: _Optional[str] = ..., encoding: _Optional[str] = ...) -> None: ...

class GetCustomerImportRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListCustomerImportsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCustomerImportsResponse(_message.Message):
    __slots__ = ("imports", "next_page_token")
    IMPORTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    imports: _containers.RepeatedCompositeFieldContainer[CustomerImport]
    next_page_token: str
    def __init__(self, imports: _Optional[_Iterable[_Union[CustomerImport, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ExportCustomersRequest(_message.Message):
    __slots__ = ("query", "type", "owner_id", "department_path", "tag_ids", "any_tag_ids", "exclude_tag_ids", "value_classes", "lifecycle_stages", "at_risk", "columns", "access_purpose", "source", "industry", "include_inactive", "format", "locale")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    TAG_IDS_FIELD_NUMBER: _ClassVar[int]
    ANY_TAG_IDS_FIELD_NUMBER: _ClassVar[int]
    EXCLUDE_TAG_IDS_FIELD_NUMBER: _ClassVar[int]
    VALUE_CLASSES_FIELD_NUMBER: _ClassVar[int]
    LIFECYCLE_STAGES_FIELD_NUMBER: _ClassVar[int]
    AT_RISK_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    ACCESS_PURPOSE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    INDUSTRY_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_INACTIVE_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    query: str
    type: CustomerType
    owner_id: str
    department_path: str
    tag_ids: _containers.RepeatedScalarFieldContainer[str]
    any_tag_ids: _containers.RepeatedScalarFieldContainer[str]
    exclude_tag_ids: _containers.RepeatedScalarFieldContainer[str]
    value_classes: _containers.RepeatedScalarFieldContainer[_types_pb2.ValueClass]
    lifecycle_stages: _containers.RepeatedScalarFieldContainer[_types_pb2.LifecycleStage]
    at_risk: bool
    columns: _containers.RepeatedScalarFieldContainer[str]
    access_purpose: str
    source: _types_pb2.SourceChannel
    industry: str
    include_inactive: bool
    format: _types_pb2.TableFormat
    locale: str
    def __init__(self, query: _Optional[str] = ..., type: _Optional[_Union[CustomerType, str]] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., tag_ids: _Optional[_Iterable[str]] = ..., any_tag_ids: _Optional[_Iterable[str]] = ..., exclude_tag_ids: _Optional[_Iterable[str]] = ..., value_classes: _Optional[_Iterable[_Union[_types_pb2.ValueClass, str]]] = ..., lifecycle_stages: _Optional[_Iterable[_Union[_types_pb2.LifecycleStage, str]]] = ..., at_risk: _Optional[bool] = ..., columns: _Optional[_Iterable[str]] = ..., access_purpose: _Optional[str] = ..., source: _Optional[_Union[_types_pb2.SourceChannel, str]] = ..., industry: _Optional[str] = ..., include_inactive: _Optional[bool] = ..., format: _Optional[_Union[_types_pb2.TableFormat, str]] = ..., locale: _Optional[str] = ...) -> None: ...

class ExportCustomersChunk(_message.Message):
    __slots__ = ("data", "row_count")
    DATA_FIELD_NUMBER: _ClassVar[int]
    ROW_COUNT_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    row_count: int
    def __init__(self, data: _Optional[bytes] = ..., row_count: _Optional[int] = ...) -> None: ...

class GetCustomerKpisRequest(_message.Message):
    __slots__ = ("period", "department_path", "group_by_department")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    period: _types_pb2.DateRange
    department_path: str
    group_by_department: bool
    def __init__(self, period: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., department_path: _Optional[str] = ..., group_by_department: _Optional[bool] = ...) -> None: ...

class CreateCustomerAttachmentRequest(_message.Message):
    __slots__ = ("customer_id", "contact_id", "file_name", "content", "request_id")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    CONTACT_ID_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    contact_id: str
    file_name: str
    content: bytes
    request_id: str
    def __init__(self, customer_id: _Optional[str] = ..., contact_id: _Optional[str] = ..., file_name: _Optional[str] = ..., content: _Optional[bytes] = ..., request_id: _Optional[str] = ...) -> None: ...

class ListCustomerAttachmentsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "customer_id", "contact_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    CONTACT_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    customer_id: str
    contact_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., customer_id: _Optional[str] = ..., contact_id: _Optional[str] = ...) -> None: ...

class ListCustomerAttachmentsResponse(_message.Message):
    __slots__ = ("attachments", "next_page_token")
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    attachments: _containers.RepeatedCompositeFieldContainer[_attachments_pb2.Attachment]
    next_page_token: str
    def __init__(self, attachments: _Optional[_Iterable[_Union[_attachments_pb2.Attachment, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DownloadCustomerAttachmentRequest(_message.Message):
    __slots__ = ("id", "thumbnail", "customer_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    THUMBNAIL_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    thumbnail: bool
    customer_id: str
    def __init__(self, id: _Optional[str] = ..., thumbnail: _Optional[bool] = ..., customer_id: _Optional[str] = ...) -> None: ...

class DeleteCustomerAttachmentRequest(_message.Message):
    __slots__ = ("id", "customer_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    customer_id: str
    def __init__(self, id: _Optional[str] = ..., customer_id: _Optional[str] = ...) -> None: ...

class ListApprovalRequestsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "box", "statuses", "subject_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    BOX_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    box: ApprovalBox
    statuses: _containers.RepeatedScalarFieldContainer[_approvals_pb2.ApprovalStatus]
    subject_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., box: _Optional[_Union[ApprovalBox, str]] = ..., statuses: _Optional[_Iterable[_Union[_approvals_pb2.ApprovalStatus, str]]] = ..., subject_id: _Optional[str] = ...) -> None: ...

class ListApprovalRequestsResponse(_message.Message):
    __slots__ = ("approval_requests", "next_page_token")
    APPROVAL_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    approval_requests: _containers.RepeatedCompositeFieldContainer[_approvals_pb2.ApprovalRequest]
    next_page_token: str
    def __init__(self, approval_requests: _Optional[_Iterable[_Union[_approvals_pb2.ApprovalRequest, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetApprovalRequestRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ApproveRequestRequest(_message.Message):
    __slots__ = ("id", "comment", "etag")
    ID_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    id: str
    comment: str
    etag: str
    def __init__(self, id: _Optional[str] = ..., comment: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class RejectRequestRequest(_message.Message):
    __slots__ = ("id", "comment", "etag")
    ID_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    id: str
    comment: str
    etag: str
    def __init__(self, id: _Optional[str] = ..., comment: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...
