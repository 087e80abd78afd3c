import datetime

from crm.common.v1 import approvals_pb2 as _approvals_pb2
from crm.common.v1 import attachments_pb2 as _attachments_pb2
from crm.common.v1 import collaborators_pb2 as _collaborators_pb2
from crm.common.v1 import options_pb2 as _options_pb2
from crm.common.v1 import privacy_pb2 as _privacy_pb2
from crm.common.v1 import reporting_pb2 as _reporting_pb2
from crm.common.v1 import rules_pb2 as _rules_pb2
from crm.common.v1 import types_pb2 as _types_pb2
from crm.customer.v1 import customer_pb2 as _customer_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GradingSubject(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    GRADING_SUBJECT_UNSPECIFIED: _ClassVar[GradingSubject]
    GRADING_SUBJECT_LEAD: _ClassVar[GradingSubject]
    GRADING_SUBJECT_PROSPECT: _ClassVar[GradingSubject]

class LeadGrade(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LEAD_GRADE_UNSPECIFIED: _ClassVar[LeadGrade]
    LEAD_GRADE_A: _ClassVar[LeadGrade]
    LEAD_GRADE_B: _ClassVar[LeadGrade]
    LEAD_GRADE_C: _ClassVar[LeadGrade]

class LeadStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LEAD_STATUS_UNSPECIFIED: _ClassVar[LeadStatus]
    LEAD_STATUS_NEW: _ClassVar[LeadStatus]
    LEAD_STATUS_ASSIGNED: _ClassVar[LeadStatus]
    LEAD_STATUS_CONTACTED: _ClassVar[LeadStatus]
    LEAD_STATUS_CONVERTED: _ClassVar[LeadStatus]
    LEAD_STATUS_DISQUALIFIED: _ClassVar[LeadStatus]
    LEAD_STATUS_COLD: _ClassVar[LeadStatus]

class IntentLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INTENT_LEVEL_UNSPECIFIED: _ClassVar[IntentLevel]
    INTENT_LEVEL_HIGH: _ClassVar[IntentLevel]
    INTENT_LEVEL_MEDIUM: _ClassVar[IntentLevel]
    INTENT_LEVEL_LOW: _ClassVar[IntentLevel]

class NeedClarity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NEED_CLARITY_UNSPECIFIED: _ClassVar[NeedClarity]
    NEED_CLARITY_CLEAR: _ClassVar[NeedClarity]
    NEED_CLARITY_PARTIAL: _ClassVar[NeedClarity]
    NEED_CLARITY_UNCLEAR: _ClassVar[NeedClarity]

class RepSeniority(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REP_SENIORITY_UNSPECIFIED: _ClassVar[RepSeniority]
    REP_SENIORITY_JUNIOR: _ClassVar[RepSeniority]
    REP_SENIORITY_REGULAR: _ClassVar[RepSeniority]
    REP_SENIORITY_SENIOR: _ClassVar[RepSeniority]

class AssignmentStrategy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ASSIGNMENT_STRATEGY_UNSPECIFIED: _ClassVar[AssignmentStrategy]
    ASSIGNMENT_STRATEGY_ROUND_ROBIN: _ClassVar[AssignmentStrategy]
    ASSIGNMENT_STRATEGY_LEAST_LOADED: _ClassVar[AssignmentStrategy]

class AssignmentMethod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ASSIGNMENT_METHOD_UNSPECIFIED: _ClassVar[AssignmentMethod]
    ASSIGNMENT_METHOD_AUTOMATIC: _ClassVar[AssignmentMethod]
    ASSIGNMENT_METHOD_MANUAL: _ClassVar[AssignmentMethod]
    ASSIGNMENT_METHOD_HANDOVER: _ClassVar[AssignmentMethod]

class OpportunityStage(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OPPORTUNITY_STAGE_UNSPECIFIED: _ClassVar[OpportunityStage]
    OPPORTUNITY_STAGE_POTENTIAL: _ClassVar[OpportunityStage]
    OPPORTUNITY_STAGE_INTENT: _ClassVar[OpportunityStage]
    OPPORTUNITY_STAGE_PROPOSAL: _ClassVar[OpportunityStage]
    OPPORTUNITY_STAGE_NEGOTIATION: _ClassVar[OpportunityStage]
    OPPORTUNITY_STAGE_WON: _ClassVar[OpportunityStage]
    OPPORTUNITY_STAGE_LOST: _ClassVar[OpportunityStage]

class QuoteStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    QUOTE_STATUS_UNSPECIFIED: _ClassVar[QuoteStatus]
    QUOTE_STATUS_DRAFT: _ClassVar[QuoteStatus]
    QUOTE_STATUS_SENT: _ClassVar[QuoteStatus]
    QUOTE_STATUS_ACCEPTED: _ClassVar[QuoteStatus]
    QUOTE_STATUS_REJECTED: _ClassVar[QuoteStatus]
    QUOTE_STATUS_EXPIRED: _ClassVar[QuoteStatus]
    QUOTE_STATUS_PENDING_APPROVAL: _ClassVar[QuoteStatus]

class ContractStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONTRACT_STATUS_UNSPECIFIED: _ClassVar[ContractStatus]
    CONTRACT_STATUS_DRAFT: _ClassVar[ContractStatus]
    CONTRACT_STATUS_ACTIVE: _ClassVar[ContractStatus]
    CONTRACT_STATUS_EXPIRED: _ClassVar[ContractStatus]
    CONTRACT_STATUS_TERMINATED: _ClassVar[ContractStatus]

class InstallmentStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INSTALLMENT_STATUS_UNSPECIFIED: _ClassVar[InstallmentStatus]
    INSTALLMENT_STATUS_PENDING: _ClassVar[InstallmentStatus]
    INSTALLMENT_STATUS_PARTIALLY_PAID: _ClassVar[InstallmentStatus]
    INSTALLMENT_STATUS_PAID: _ClassVar[InstallmentStatus]
    INSTALLMENT_STATUS_OVERDUE: _ClassVar[InstallmentStatus]

class PaymentMethod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAYMENT_METHOD_UNSPECIFIED: _ClassVar[PaymentMethod]
    PAYMENT_METHOD_BANK_TRANSFER: _ClassVar[PaymentMethod]
    PAYMENT_METHOD_CASH: _ClassVar[PaymentMethod]
    PAYMENT_METHOD_CHEQUE: _ClassVar[PaymentMethod]
    PAYMENT_METHOD_ONLINE: _ClassVar[PaymentMethod]
    PAYMENT_METHOD_OTHER: _ClassVar[PaymentMethod]

class PaymentStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAYMENT_STATUS_UNSPECIFIED: _ClassVar[PaymentStatus]
    PAYMENT_STATUS_RECORDED: _ClassVar[PaymentStatus]
    PAYMENT_STATUS_VOIDED: _ClassVar[PaymentStatus]

class FollowUpMethod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FOLLOW_UP_METHOD_UNSPECIFIED: _ClassVar[FollowUpMethod]
    FOLLOW_UP_METHOD_PHONE: _ClassVar[FollowUpMethod]
    FOLLOW_UP_METHOD_VISIT: _ClassVar[FollowUpMethod]
    FOLLOW_UP_METHOD_WECHAT: _ClassVar[FollowUpMethod]
    FOLLOW_UP_METHOD_EMAIL: _ClassVar[FollowUpMethod]
    FOLLOW_UP_METHOD_MEETING: _ClassVar[FollowUpMethod]
    FOLLOW_UP_METHOD_OTHER: _ClassVar[FollowUpMethod]

class FollowUpReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FOLLOW_UP_REASON_UNSPECIFIED: _ClassVar[FollowUpReason]
    FOLLOW_UP_REASON_CADENCE: _ClassVar[FollowUpReason]
    FOLLOW_UP_REASON_SENIOR_CONTACT: _ClassVar[FollowUpReason]
    FOLLOW_UP_REASON_NEED_CONFIRMED: _ClassVar[FollowUpReason]
    FOLLOW_UP_REASON_PROPOSAL_SENT: _ClassVar[FollowUpReason]
    FOLLOW_UP_REASON_LEAD_FIRST_CONTACT: _ClassVar[FollowUpReason]
    FOLLOW_UP_REASON_NEXT_STEP: _ClassVar[FollowUpReason]
    FOLLOW_UP_REASON_RENEWAL: _ClassVar[FollowUpReason]
    FOLLOW_UP_REASON_AT_RISK: _ClassVar[FollowUpReason]
    FOLLOW_UP_REASON_MANUAL: _ClassVar[FollowUpReason]
    FOLLOW_UP_REASON_CONTACT_STRATEGY: _ClassVar[FollowUpReason]
    FOLLOW_UP_REASON_WIN_BACK: _ClassVar[FollowUpReason]

class FollowUpTaskState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FOLLOW_UP_TASK_STATE_UNSPECIFIED: _ClassVar[FollowUpTaskState]
    FOLLOW_UP_TASK_STATE_OPEN: _ClassVar[FollowUpTaskState]
    FOLLOW_UP_TASK_STATE_OVERDUE: _ClassVar[FollowUpTaskState]
    FOLLOW_UP_TASK_STATE_DONE: _ClassVar[FollowUpTaskState]
    FOLLOW_UP_TASK_STATE_CANCELLED: _ClassVar[FollowUpTaskState]

class ReportGroupBy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REPORT_GROUP_BY_UNSPECIFIED: _ClassVar[ReportGroupBy]
    REPORT_GROUP_BY_OWNER: _ClassVar[ReportGroupBy]
    REPORT_GROUP_BY_DEPARTMENT: _ClassVar[ReportGroupBy]
    REPORT_GROUP_BY_SOURCE: _ClassVar[ReportGroupBy]
    REPORT_GROUP_BY_CAMPAIGN: _ClassVar[ReportGroupBy]

class ApprovalBox(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    APPROVAL_BOX_UNSPECIFIED: _ClassVar[ApprovalBox]
    APPROVAL_BOX_AWAITING_ME: _ClassVar[ApprovalBox]
    APPROVAL_BOX_REQUESTED_BY_ME: _ClassVar[ApprovalBox]
    APPROVAL_BOX_VISIBLE: _ClassVar[ApprovalBox]
GRADING_SUBJECT_UNSPECIFIED: GradingSubject
GRADING_SUBJECT_LEAD: GradingSubject
GRADING_SUBJECT_PROSPECT: GradingSubject
LEAD_GRADE_UNSPECIFIED: LeadGrade
LEAD_GRADE_A: LeadGrade
LEAD_GRADE_B: LeadGrade
LEAD_GRADE_C: LeadGrade
LEAD_STATUS_UNSPECIFIED: LeadStatus
LEAD_STATUS_NEW: LeadStatus
LEAD_STATUS_ASSIGNED: LeadStatus
LEAD_STATUS_CONTACTED: LeadStatus
LEAD_STATUS_CONVERTED: LeadStatus
LEAD_STATUS_DISQUALIFIED: LeadStatus
LEAD_STATUS_COLD: LeadStatus
INTENT_LEVEL_UNSPECIFIED: IntentLevel
INTENT_LEVEL_HIGH: IntentLevel
INTENT_LEVEL_MEDIUM: IntentLevel
INTENT_LEVEL_LOW: IntentLevel
NEED_CLARITY_UNSPECIFIED: NeedClarity
NEED_CLARITY_CLEAR: NeedClarity
NEED_CLARITY_PARTIAL: NeedClarity
NEED_CLARITY_UNCLEAR: NeedClarity
REP_SENIORITY_UNSPECIFIED: RepSeniority
REP_SENIORITY_JUNIOR: RepSeniority
REP_SENIORITY_REGULAR: RepSeniority
REP_SENIORITY_SENIOR: RepSeniority
ASSIGNMENT_STRATEGY_UNSPECIFIED: AssignmentStrategy
ASSIGNMENT_STRATEGY_ROUND_ROBIN: AssignmentStrategy
ASSIGNMENT_STRATEGY_LEAST_LOADED: AssignmentStrategy
ASSIGNMENT_METHOD_UNSPECIFIED: AssignmentMethod
ASSIGNMENT_METHOD_AUTOMATIC: AssignmentMethod
ASSIGNMENT_METHOD_MANUAL: AssignmentMethod
ASSIGNMENT_METHOD_HANDOVER: AssignmentMethod
OPPORTUNITY_STAGE_UNSPECIFIED: OpportunityStage
OPPORTUNITY_STAGE_POTENTIAL: OpportunityStage
OPPORTUNITY_STAGE_INTENT: OpportunityStage
OPPORTUNITY_STAGE_PROPOSAL: OpportunityStage
OPPORTUNITY_STAGE_NEGOTIATION: OpportunityStage
OPPORTUNITY_STAGE_WON: OpportunityStage
OPPORTUNITY_STAGE_LOST: OpportunityStage
QUOTE_STATUS_UNSPECIFIED: QuoteStatus
QUOTE_STATUS_DRAFT: QuoteStatus
QUOTE_STATUS_SENT: QuoteStatus
QUOTE_STATUS_ACCEPTED: QuoteStatus
QUOTE_STATUS_REJECTED: QuoteStatus
QUOTE_STATUS_EXPIRED: QuoteStatus
QUOTE_STATUS_PENDING_APPROVAL: QuoteStatus
CONTRACT_STATUS_UNSPECIFIED: ContractStatus
CONTRACT_STATUS_DRAFT: ContractStatus
CONTRACT_STATUS_ACTIVE: ContractStatus
CONTRACT_STATUS_EXPIRED: ContractStatus
CONTRACT_STATUS_TERMINATED: ContractStatus
INSTALLMENT_STATUS_UNSPECIFIED: InstallmentStatus
INSTALLMENT_STATUS_PENDING: InstallmentStatus
INSTALLMENT_STATUS_PARTIALLY_PAID: InstallmentStatus
INSTALLMENT_STATUS_PAID: InstallmentStatus
INSTALLMENT_STATUS_OVERDUE: InstallmentStatus
PAYMENT_METHOD_UNSPECIFIED: PaymentMethod
PAYMENT_METHOD_BANK_TRANSFER: PaymentMethod
PAYMENT_METHOD_CASH: PaymentMethod
PAYMENT_METHOD_CHEQUE: PaymentMethod
PAYMENT_METHOD_ONLINE: PaymentMethod
PAYMENT_METHOD_OTHER: PaymentMethod
PAYMENT_STATUS_UNSPECIFIED: PaymentStatus
PAYMENT_STATUS_RECORDED: PaymentStatus
PAYMENT_STATUS_VOIDED: PaymentStatus
FOLLOW_UP_METHOD_UNSPECIFIED: FollowUpMethod
FOLLOW_UP_METHOD_PHONE: FollowUpMethod
FOLLOW_UP_METHOD_VISIT: FollowUpMethod
FOLLOW_UP_METHOD_WECHAT: FollowUpMethod
FOLLOW_UP_METHOD_EMAIL: FollowUpMethod
FOLLOW_UP_METHOD_MEETING: FollowUpMethod
FOLLOW_UP_METHOD_OTHER: FollowUpMethod
FOLLOW_UP_REASON_UNSPECIFIED: FollowUpReason
FOLLOW_UP_REASON_CADENCE: FollowUpReason
FOLLOW_UP_REASON_SENIOR_CONTACT: FollowUpReason
FOLLOW_UP_REASON_NEED_CONFIRMED: FollowUpReason
FOLLOW_UP_REASON_PROPOSAL_SENT: FollowUpReason
FOLLOW_UP_REASON_LEAD_FIRST_CONTACT: FollowUpReason
FOLLOW_UP_REASON_NEXT_STEP: FollowUpReason
FOLLOW_UP_REASON_RENEWAL: FollowUpReason
FOLLOW_UP_REASON_AT_RISK: FollowUpReason
FOLLOW_UP_REASON_MANUAL: FollowUpReason
FOLLOW_UP_REASON_CONTACT_STRATEGY: FollowUpReason
FOLLOW_UP_REASON_WIN_BACK: FollowUpReason
FOLLOW_UP_TASK_STATE_UNSPECIFIED: FollowUpTaskState
FOLLOW_UP_TASK_STATE_OPEN: FollowUpTaskState
FOLLOW_UP_TASK_STATE_OVERDUE: FollowUpTaskState
FOLLOW_UP_TASK_STATE_DONE: FollowUpTaskState
FOLLOW_UP_TASK_STATE_CANCELLED: FollowUpTaskState
REPORT_GROUP_BY_UNSPECIFIED: ReportGroupBy
REPORT_GROUP_BY_OWNER: ReportGroupBy
REPORT_GROUP_BY_DEPARTMENT: ReportGroupBy
REPORT_GROUP_BY_SOURCE: ReportGroupBy
REPORT_GROUP_BY_CAMPAIGN: ReportGroupBy
APPROVAL_BOX_UNSPECIFIED: ApprovalBox
APPROVAL_BOX_AWAITING_ME: ApprovalBox
APPROVAL_BOX_REQUESTED_BY_ME: ApprovalBox
APPROVAL_BOX_VISIBLE: ApprovalBox

class Lead(_message.Message):
    __slots__ = ("id", "number", "contact_name", "company_name", "job_title", "phone", "email", "source", "source_detail", "intake_params", "campaign_id", "campaign_variant_id", "intent_level", "need_clarity", "need_description", "product_interests", "budget", "decision_maker", "grade", "grade_reason", "grade_locked", "status", "owner_id", "department_path", "assign_time", "first_contact_due_time", "first_contact_time", "first_contact_overdue", "customer_id", "opportunity_id", "convert_time", "disqualify_reason", "duplicate_lead_ids", "last_activity_time", "create_time", "update_time", "created_by", "updated_by", "etag", "grade_rule_id")
    class IntakeParamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    CONTACT_NAME_FIELD_NUMBER: _ClassVar[int]
    COMPANY_NAME_FIELD_NUMBER: _ClassVar[int]
    JOB_TITLE_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_DETAIL_FIELD_NUMBER: _ClassVar[int]
    INTAKE_PARAMS_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_VARIANT_ID_FIELD_NUMBER: _ClassVar[int]
    INTENT_LEVEL_FIELD_NUMBER: _ClassVar[int]
    NEED_CLARITY_FIELD_NUMBER: _ClassVar[int]
    NEED_DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_INTERESTS_FIELD_NUMBER: _ClassVar[int]
    BUDGET_FIELD_NUMBER: _ClassVar[int]
    DECISION_MAKER_FIELD_NUMBER: _ClassVar[int]
    GRADE_FIELD_NUMBER: _ClassVar[int]
    GRADE_REASON_FIELD_NUMBER: _ClassVar[int]
    GRADE_LOCKED_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    ASSIGN_TIME_FIELD_NUMBER: _ClassVar[int]
    FIRST_CONTACT_DUE_TIME_FIELD_NUMBER: _ClassVar[int]
    FIRST_CONTACT_TIME_FIELD_NUMBER: _ClassVar[int]
    FIRST_CONTACT_OVERDUE_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERT_TIME_FIELD_NUMBER: _ClassVar[int]
    DISQUALIFY_REASON_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_LEAD_IDS_FIELD_NUMBER: _ClassVar[int]
    LAST_ACTIVITY_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    GRADE_RULE_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    number: str
    contact_name: str
    company_name: str
    job_title: str
    phone: str
    email: str
    source: _types_pb2.SourceChannel
    source_detail: str
    intake_params: _containers.ScalarMap[str, str]
    campaign_id: str
    campaign_variant_id: str
    intent_level: IntentLevel
    need_clarity: NeedClarity
    need_description: str
    product_interests: _containers.RepeatedScalarFieldContainer[str]
    budget: _types_pb2.Money
    decision_maker: str
    grade: LeadGrade
    grade_reason: str
    grade_locked: bool
    status: LeadStatus
    owner_id: str
    department_path: str
    assign_time: _timestamp_pb2.Timestamp
    first_contact_due_time: _timestamp_pb2.Timestamp
    first_contact_time: _timestamp_pb2.Timestamp
    first_contact_overdue: bool
    customer_id: str
    opportunity_id: str
    convert_time: _timestamp_pb2.Timestamp
    disqualify_reason: str
    duplicate_lead_ids: _containers.RepeatedScalarFieldContainer[str]
    last_activity_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    created_by: str
    updated_by: str
    etag: str
    grade_rule_id: str
    def __init__(self, id: _Optional[str] = ..., number: _Optional[str] = ..., contact_name: _Optional[str] = ..., company_name: _Optional[str] = ..., job_title: _Optional[str] = ..., phone: _Optional[str] = ..., email: _Optional[str] = ..., source: _Optional[_Union[_types_pb2.SourceChannel, str]] = ..., source_detail: _Optional[str] = ..., intake_params: _Optional[_Mapping[str, str]] = ..., campaign_id: _Optional[str] = ..., campaign_variant_id: _Optional[str] = ..., intent_level: _Optional[_Union[IntentLevel, str]] = ..., need_clarity: _Optional[_Union[NeedClarity, str]] = ..., need_description: _Optional[str] = ..., product_interests: _Optional[_Iterable[str]] = ..., budget: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., decision_maker: _Optional[str] = ..., grade: _Optional[_Union[LeadGrade, str]] = ..., grade_reason: _Optional[str] = ..., grade_locked: _Optional[bool] = ..., status: _Optional[_Union[LeadStatus, str]] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., assign_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., first_contact_due_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., first_contact_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., first_contact_overdue: _Optional[bool] = ..., customer_id: _Optional[str] = ..., opportunity_id: _Optional[str] = ..., convert_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., disqualify_reason: _Optional[str] = ..., duplicate_lead_ids: _Optional[_Iterable[str]] = ..., last_activity_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., updated_by: _Optional[str] = ..., etag: _Optional[str] = ..., grade_rule_id: _Optional[str] = ...) -> None: ...

class LeadGradingRule(_message.Message):
    __slots__ = ("id", "display_name", "grade", "condition", "priority", "enabled", "create_time", "update_time", "created_by", "updated_by", "subject")
    ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    GRADE_FIELD_NUMBER: _ClassVar[int]
    CONDITION_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    id: str
    display_name: str
    grade: LeadGrade
    condition: _rules_pb2.ConditionGroup
    priority: int
    enabled: bool
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    created_by: str
    updated_by: str
    subject: GradingSubject
    def __init__(self, id: _Optional[str] = ..., display_name: _Optional[str] = ..., grade: _Optional[_Union[LeadGrade, str]] = ..., condition: _Optional[_Union[_rules_pb2.ConditionGroup, _Mapping]] = ..., priority: _Optional[int] = ..., enabled: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., updated_by: _Optional[str] = ..., subject: _Optional[_Union[GradingSubject, str]] = ...) -> None: ...

class AssignmentRule(_message.Message):
    __slots__ = ("id", "display_name", "condition", "department_path", "min_seniority", "user_ids", "strategy", "priority", "enabled", "create_time", "update_time", "created_by", "updated_by")
    ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    CONDITION_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    MIN_SENIORITY_FIELD_NUMBER: _ClassVar[int]
    USER_IDS_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    id: str
    display_name: str
    condition: _rules_pb2.ConditionGroup
    department_path: str
    min_seniority: RepSeniority
    user_ids: _containers.RepeatedScalarFieldContainer[str]
    strategy: AssignmentStrategy
    priority: int
    enabled: bool
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    created_by: str
    updated_by: str
    def __init__(self, id: _Optional[str] = ..., display_name: _Optional[str] = ..., condition: _Optional[_Union[_rules_pb2.ConditionGroup, _Mapping]] = ..., department_path: _Optional[str] = ..., min_seniority: _Optional[_Union[RepSeniority, str]] = ..., user_ids: _Optional[_Iterable[str]] = ..., strategy: _Optional[_Union[AssignmentStrategy, str]] = ..., priority: _Optional[int] = ..., enabled: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., updated_by: _Optional[str] = ...) -> None: ...

class SalesRep(_message.Message):
    __slots__ = ("user_id", "display_name", "department_path", "seniority", "max_open_leads", "available", "available_again_time", "open_lead_count", "last_assign_time", "active")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    SENIORITY_FIELD_NUMBER: _ClassVar[int]
    MAX_OPEN_LEADS_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_AGAIN_TIME_FIELD_NUMBER: _ClassVar[int]
    OPEN_LEAD_COUNT_FIELD_NUMBER: _ClassVar[int]
    LAST_ASSIGN_TIME_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    display_name: str
    department_path: str
    seniority: RepSeniority
    max_open_leads: int
    available: bool
    available_again_time: _timestamp_pb2.Timestamp
    open_lead_count: int
    last_assign_time: _timestamp_pb2.Timestamp
    active: bool
    def __init__(self, user_id: _Optional[str] = ..., display_name: _Optional[str] = ..., department_path: _Optional[str] = ..., seniority: _Optional[_Union[RepSeniority, str]] = ..., max_open_leads: _Optional[int] = ..., available: _Optional[bool] = ..., available_again_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., open_lead_count: _Optional[int] = ..., last_assign_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., active: _Optional[bool] = ...) -> None: ...

class LeadAssignment(_message.Message):
    __slots__ = ("id", "lead_id", "assignee_id", "previous_assignee_id", "department_path", "method", "rule_id", "reason", "candidates", "tie_broken_at_random", "actor_id", "assign_time", "rule_name", "strategy", "note")
    ID_FIELD_NUMBER: _ClassVar[int]
    LEAD_ID_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_ID_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_ASSIGNEE_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    TIE_BROKEN_AT_RANDOM_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    ASSIGN_TIME_FIELD_NUMBER: _ClassVar[int]
    RULE_NAME_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    id: str
    lead_id: str
    assignee_id: str
    previous_assignee_id: str
    department_path: str
    method: AssignmentMethod
    rule_id: str
    reason: str
    candidates: _containers.RepeatedCompositeFieldContainer[AssignmentCandidate]
    tie_broken_at_random: bool
    actor_id: str
    assign_time: _timestamp_pb2.Timestamp
    rule_name: str
    strategy: AssignmentStrategy
    note: str
    def __init__(self, id: _Optional[str] = ..., lead_id: _Optional[str] = ..., assignee_id: _Optional[str] = ..., previous_assignee_id: _Optional[str] = ..., department_path: _Optional[str] = ..., method: _Optional[_Union[AssignmentMethod, str]] = ..., rule_id: _Optional[str] = ..., reason: _Optional[str] = ..., candidates: _Optional[_Iterable[_Union[AssignmentCandidate, _Mapping]]] = ..., tie_broken_at_random: _Optional[bool] = ..., actor_id: _Optional[str] = ..., assign_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., rule_name: _Optional[str] = ..., strategy: _Optional[_Union[AssignmentStrategy, str]] = ..., note: _Optional[str] = ...) -> None: ...

class AssignmentCandidate(_message.Message):
    __slots__ = ("user_id", "eligible", "skip_reason", "open_lead_count", "last_assign_time", "selected")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ELIGIBLE_FIELD_NUMBER: _ClassVar[int]
    SKIP_REASON_FIELD_NUMBER: _ClassVar[int]
    OPEN_LEAD_COUNT_FIELD_NUMBER: _ClassVar[int]
    LAST_ASSIGN_TIME_FIELD_NUMBER: _ClassVar[int]
    SELECTED_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    eligible: bool
    skip_reason: str
    open_lead_count: int
    last_assign_time: _timestamp_pb2.Timestamp
    selected: bool
    def __init__(self, user_id: _Optional[str] = ..., eligible: _Optional[bool] = ..., skip_reason: _Optional[str] = ..., open_lead_count: _Optional[int] = ..., last_assign_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., selected: _Optional[bool] = ...) -> None: ...

class Opportunity(_message.Message):
    __slots__ = ("id", "name", "customer_id", "lead_id", "stage", "amount", "expected_close_date", "probability", "weighted_amount", "lost_reason", "close_date", "owner_id", "department_path", "campaign_id", "campaign_variant_id", "next_step", "description", "stage_enter_time", "stage_history", "create_time", "update_time", "created_by", "updated_by", "etag")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    LEAD_ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_CLOSE_DATE_FIELD_NUMBER: _ClassVar[int]
    PROBABILITY_FIELD_NUMBER: _ClassVar[int]
    WEIGHTED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    LOST_REASON_FIELD_NUMBER: _ClassVar[int]
    CLOSE_DATE_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_VARIANT_ID_FIELD_NUMBER: _ClassVar[int]
    NEXT_STEP_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    STAGE_ENTER_TIME_FIELD_NUMBER: _ClassVar[int]
    STAGE_HISTORY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    customer_id: str
    lead_id: str
    stage: OpportunityStage
    amount: _types_pb2.Money
    expected_close_date: str
    probability: int
    weighted_amount: _types_pb2.Money
    lost_reason: str
    close_date: str
    owner_id: str
    department_path: str
    campaign_id: str
    campaign_variant_id: str
    next_step: str
    description: str
    stage_enter_time: _timestamp_pb2.Timestamp
    stage_history: _containers.RepeatedCompositeFieldContainer[StageChange]
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    created_by: str
    updated_by: str
    etag: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., customer_id: _Optional[str] = ..., lead_id: _Optional[str] = ..., stage: _Optional[_Union[OpportunityStage, str]] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., expected_close_date: _Optional[str] = ..., probability: _Optional[int] = ..., weighted_amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., lost_reason: _Optional[str] = ..., close_date: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., campaign_id: _Optional[str] = ..., campaign_variant_id: _Optional[str] = ..., next_step: _Optional[str] = ..., description: _Optional[str] = ..., stage_enter_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., stage_history: _Optional[_Iterable[_Union[StageChange, _Mapping]]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., updated_by: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class StageChange(_message.Message):
    __slots__ = ("from_stage", "to_stage", "actor_id", "change_time", "note")
    FROM_STAGE_FIELD_NUMBER: _ClassVar[int]
    TO_STAGE_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    from_stage: OpportunityStage
    to_stage: OpportunityStage
    actor_id: str
    change_time: _timestamp_pb2.Timestamp
    note: str
    def __init__(self, from_stage: _Optional[_Union[OpportunityStage, str]] = ..., to_stage: _Optional[_Union[OpportunityStage, str]] = ..., actor_id: _Optional[str] = ..., change_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., note: _Optional[str] = ...) -> None: ...

class SalesFunnel(_message.Message):
    __slots__ = ("period", "department_path", "owner_id", "stages", "excluded_count")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    STAGES_FIELD_NUMBER: _ClassVar[int]
    EXCLUDED_COUNT_FIELD_NUMBER: _ClassVar[int]
    period: _types_pb2.DateRange
    department_path: str
    owner_id: str
    stages: _containers.RepeatedCompositeFieldContainer[FunnelStage]
    excluded_count: int
    def __init__(self, period: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., department_path: _Optional[str] = ..., owner_id: _Optional[str] = ..., stages: _Optional[_Iterable[_Union[FunnelStage, _Mapping]]] = ..., excluded_count: _Optional[int] = ...) -> None: ...

class FunnelStage(_message.Message):
    __slots__ = ("stage", "count", "amount", "weighted_amount", "conversion_rate", "average_days_in_stage")
    STAGE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    WEIGHTED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CONVERSION_RATE_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_DAYS_IN_STAGE_FIELD_NUMBER: _ClassVar[int]
    stage: OpportunityStage
    count: int
    amount: _types_pb2.Money
    weighted_amount: _types_pb2.Money
    conversion_rate: float
    average_days_in_stage: float
    def __init__(self, stage: _Optional[_Union[OpportunityStage, str]] = ..., count: _Optional[int] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., weighted_amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., conversion_rate: _Optional[float] = ..., average_days_in_stage: _Optional[float] = ...) -> None: ...

class SalesForecast(_message.Message):
    __slots__ = ("period", "group_by", "rows", "totals", "excluded_count")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    TOTALS_FIELD_NUMBER: _ClassVar[int]
    EXCLUDED_COUNT_FIELD_NUMBER: _ClassVar[int]
    period: _types_pb2.DateRange
    group_by: ReportGroupBy
    rows: _containers.RepeatedCompositeFieldContainer[ForecastRow]
    totals: _containers.RepeatedCompositeFieldContainer[ForecastRow]
    excluded_count: int
    def __init__(self, period: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., group_by: _Optional[_Union[ReportGroupBy, str]] = ..., rows: _Optional[_Iterable[_Union[ForecastRow, _Mapping]]] = ..., totals: _Optional[_Iterable[_Union[ForecastRow, _Mapping]]] = ..., excluded_count: _Optional[int] = ...) -> None: ...

class ForecastRow(_message.Message):
    __slots__ = ("group_key", "display_name", "bucket_start_date", "open_count", "pipeline_amount", "weighted_amount", "won_amount")
    GROUP_KEY_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    BUCKET_START_DATE_FIELD_NUMBER: _ClassVar[int]
    OPEN_COUNT_FIELD_NUMBER: _ClassVar[int]
    PIPELINE_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    WEIGHTED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    WON_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    group_key: str
    display_name: str
    bucket_start_date: str
    open_count: int
    pipeline_amount: _types_pb2.Money
    weighted_amount: _types_pb2.Money
    won_amount: _types_pb2.Money
    def __init__(self, group_key: _Optional[str] = ..., display_name: _Optional[str] = ..., bucket_start_date: _Optional[str] = ..., open_count: _Optional[int] = ..., pipeline_amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., weighted_amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., won_amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ...) -> None: ...

class Quote(_message.Message):
    __slots__ = ("id", "number", "opportunity_id", "customer_id", "title", "status", "line_items", "discount_basis_points", "subtotal", "discount_amount", "total", "valid_until_date", "notes", "owner_id", "department_path", "send_time", "decide_time", "reject_reason", "create_time", "update_time", "created_by", "updated_by", "etag", "approval_request_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    LINE_ITEMS_FIELD_NUMBER: _ClassVar[int]
    DISCOUNT_BASIS_POINTS_FIELD_NUMBER: _ClassVar[int]
    SUBTOTAL_FIELD_NUMBER: _ClassVar[int]
    DISCOUNT_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_DATE_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    SEND_TIME_FIELD_NUMBER: _ClassVar[int]
    DECIDE_TIME_FIELD_NUMBER: _ClassVar[int]
    REJECT_REASON_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    APPROVAL_REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    number: str
    opportunity_id: str
    customer_id: str
    title: str
    status: QuoteStatus
    line_items: _containers.RepeatedCompositeFieldContainer[QuoteLineItem]
    discount_basis_points: int
    subtotal: _types_pb2.Money
    discount_amount: _types_pb2.Money
    total: _types_pb2.Money
    valid_until_date: str
    notes: str
    owner_id: str
    department_path: str
    send_time: _timestamp_pb2.Timestamp
    decide_time: _timestamp_pb2.Timestamp
    reject_reason: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    created_by: str
    updated_by: str
    etag: str
    approval_request_id: str
    def __init__(self, id: _Optional[str] = ..., number: _Optional[str] = ..., opportunity_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., title: _Optional[str] = ..., status: _Optional[_Union[QuoteStatus, str]] = ..., line_items: _Optional[_Iterable[_Union[QuoteLineItem, _Mapping]]] = ..., discount_basis_points: _Optional[int] = ..., subtotal: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., discount_amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., total: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., valid_until_date: _Optional[str] = ..., notes: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., send_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., decide_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reject_reason: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., updated_by: _Optional[str] = ..., etag: _Optional[str] = ..., approval_request_id: _Optional[str] = ...) -> None: ...

class QuoteLineItem(_message.Message):
    __slots__ = ("product_code", "description", "quantity", "unit_price", "discount_basis_points", "line_total")
    PRODUCT_CODE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_FIELD_NUMBER: _ClassVar[int]
    DISCOUNT_BASIS_POINTS_FIELD_NUMBER: _ClassVar[int]
    LINE_TOTAL_FIELD_NUMBER: _ClassVar[int]
    product_code: str
    description: str
    quantity: str
    unit_price: _types_pb2.Money
    discount_basis_points: int
    line_total: _types_pb2.Money
    def __init__(self, product_code: _Optional[str] = ..., description: _Optional[str] = ..., quantity: _Optional[str] = ..., unit_price: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., discount_basis_points: _Optional[int] = ..., line_total: _Optional[_Union[_types_pb2.Money, _Mapping]] = ...) -> None: ...

class Contract(_message.Message):
    __slots__ = ("id", "number", "customer_id", "opportunity_id", "quote_id", "title", "amount", "start_date", "end_date", "sign_date", "status", "renewal_of_contract_id", "renewed_by_contract_id", "received_amount", "outstanding_amount", "renewal_reminder_date", "owner_id", "department_path", "termination_reason", "external_ids", "create_time", "update_time", "created_by", "updated_by", "etag")
    class ExternalIdsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    QUOTE_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    SIGN_DATE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    RENEWAL_OF_CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    RENEWED_BY_CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    OUTSTANDING_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    RENEWAL_REMINDER_DATE_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    TERMINATION_REASON_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_IDS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    id: str
    number: str
    customer_id: str
    opportunity_id: str
    quote_id: str
    title: str
    amount: _types_pb2.Money
    start_date: str
    end_date: str
    sign_date: str
    status: ContractStatus
    renewal_of_contract_id: str
    renewed_by_contract_id: str
    received_amount: _types_pb2.Money
    outstanding_amount: _types_pb2.Money
    renewal_reminder_date: str
    owner_id: str
    department_path: str
    termination_reason: str
    external_ids: _containers.ScalarMap[str, str]
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    created_by: str
    updated_by: str
    etag: str
    def __init__(self, id: _Optional[str] = ..., number: _Optional[str] = ..., customer_id: _Optional[str] = ..., opportunity_id: _Optional[str] = ..., quote_id: _Optional[str] = ..., title: _Optional[str] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., start_date: _Optional[str] = ..., end_date: _Optional[str] = ..., sign_date: _Optional[str] = ..., status: _Optional[_Union[ContractStatus, str]] = ..., renewal_of_contract_id: _Optional[str] = ..., renewed_by_contract_id: _Optional[str] = ..., received_amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., outstanding_amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., renewal_reminder_date: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., termination_reason: _Optional[str] = ..., external_ids: _Optional[_Mapping[str, str]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., updated_by: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class PaymentPlan(_message.Message):
    __slots__ = ("contract_id", "installments", "planned_amount", "update_time", "updated_by")
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    INSTALLMENTS_FIELD_NUMBER: _ClassVar[int]
    PLANNED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    contract_id: str
    installments: _containers.RepeatedCompositeFieldContainer[Installment]
    planned_amount: _types_pb2.Money
    update_time: _timestamp_pb2.Timestamp
    updated_by: str
    def __init__(self, contract_id: _Optional[str] = ..., installments: _Optional[_Iterable[_Union[Installment, _Mapping]]] = ..., planned_amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_by: _Optional[str] = ...) -> None: ...

class Installment(_message.Message):
    __slots__ = ("id", "contract_id", "sequence", "due_date", "amount", "received_amount", "status", "note")
    ID_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    id: str
    contract_id: str
    sequence: int
    due_date: str
    amount: _types_pb2.Money
    received_amount: _types_pb2.Money
    status: InstallmentStatus
    note: str
    def __init__(self, id: _Optional[str] = ..., contract_id: _Optional[str] = ..., sequence: _Optional[int] = ..., due_date: _Optional[str] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., received_amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., status: _Optional[_Union[InstallmentStatus, str]] = ..., note: _Optional[str] = ...) -> None: ...

class Payment(_message.Message):
    __slots__ = ("id", "contract_id", "customer_id", "installment_id", "amount", "receive_date", "method", "reference", "note", "owner_id", "department_path", "status", "void_reason", "create_time", "created_by", "update_time", "updated_by")
    ID_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    INSTALLMENT_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    RECEIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    VOID_REASON_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    id: str
    contract_id: str
    customer_id: str
    installment_id: str
    amount: _types_pb2.Money
    receive_date: str
    method: PaymentMethod
    reference: str
    note: str
    owner_id: str
    department_path: str
    status: PaymentStatus
    void_reason: str
    create_time: _timestamp_pb2.Timestamp
    created_by: str
    update_time: _timestamp_pb2.Timestamp
    updated_by: str
    def __init__(self, id: _Optional[str] = ..., contract_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., installment_id: _Optional[str] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., receive_date: _Optional[str] = ..., method: _Optional[_Union[PaymentMethod, str]] = ..., reference: _Optional[str] = ..., note: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., status: _Optional[_Union[PaymentStatus, str]] = ..., void_reason: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_by: _Optional[str] = ...) -> None: ...

class Receivable(_message.Message):
    __slots__ = ("contract_id", "contract_number", "customer_id", "installment", "outstanding_amount", "days_overdue", "owner_id", "department_path")
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    INSTALLMENT_FIELD_NUMBER: _ClassVar[int]
    OUTSTANDING_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    DAYS_OVERDUE_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    contract_id: str
    contract_number: str
    customer_id: str
    installment: Installment
    outstanding_amount: _types_pb2.Money
    days_overdue: int
    owner_id: str
    department_path: str
    def __init__(self, contract_id: _Optional[str] = ..., contract_number: _Optional[str] = ..., customer_id: _Optional[str] = ..., installment: _Optional[_Union[Installment, _Mapping]] = ..., outstanding_amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., days_overdue: _Optional[int] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ...) -> None: ...

class Purchase(_message.Message):
    __slots__ = ("id", "customer_id", "source_system", "external_order_id", "purchase_time", "amount", "item_count", "items_summary", "channel", "campaign_id", "owner_id", "department_path", "create_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_SYSTEM_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_TIME_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    ITEM_COUNT_FIELD_NUMBER: _ClassVar[int]
    ITEMS_SUMMARY_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    customer_id: str
    source_system: str
    external_order_id: str
    purchase_time: _timestamp_pb2.Timestamp
    amount: _types_pb2.Money
    item_count: int
    items_summary: str
    channel: str
    campaign_id: str
    owner_id: str
    department_path: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., customer_id: _Optional[str] = ..., source_system: _Optional[str] = ..., external_order_id: _Optional[str] = ..., purchase_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., item_count: _Optional[int] = ..., items_summary: _Optional[str] = ..., channel: _Optional[str] = ..., campaign_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Activity(_message.Message):
    __slots__ = ("id", "customer_id", "lead_id", "opportunity_id", "contact_id", "contact_name", "method", "occur_time", "owner_id", "department_path", "topic", "summary", "customer_feedback", "objection", "next_step", "next_step_due_date", "qualification", "follow_up_task_id", "first_contact", "comment_count", "create_time", "update_time", "created_by", "updated_by", "etag", "churn_reason", "churn_note")
    ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    LEAD_ID_FIELD_NUMBER: _ClassVar[int]
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    CONTACT_ID_FIELD_NUMBER: _ClassVar[int]
    CONTACT_NAME_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    OCCUR_TIME_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    OBJECTION_FIELD_NUMBER: _ClassVar[int]
    NEXT_STEP_FIELD_NUMBER: _ClassVar[int]
    NEXT_STEP_DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    QUALIFICATION_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_UP_TASK_ID_FIELD_NUMBER: _ClassVar[int]
    FIRST_CONTACT_FIELD_NUMBER: _ClassVar[int]
    COMMENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    CHURN_REASON_FIELD_NUMBER: _ClassVar[int]
    CHURN_NOTE_FIELD_NUMBER: _ClassVar[int]
    id: str
    customer_id: str
    lead_id: str
    opportunity_id: str
    contact_id: str
    contact_name: str
    method: FollowUpMethod
    occur_time: _timestamp_pb2.Timestamp
    owner_id: str
    department_path: str
    topic: str
    summary: str
    customer_feedback: str
    objection: str
    next_step: str
    next_step_due_date: str
    qualification: LeadQualification
    follow_up_task_id: str
    first_contact: bool
    comment_count: int
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    created_by: str
    updated_by: str
    etag: str
    churn_reason: str
    churn_note: str
    def __init__(self, id: _Optional[str] = ..., customer_id: _Optional[str] = ..., lead_id: _Optional[str] = ..., opportunity_id: _Optional[str] = ..., contact_id: _Optional[str] = ..., contact_name: _Optional[str] = ..., method: _Optional[_Union[FollowUpMethod, str]] = ..., occur_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., topic: _Optional[str] = ..., summary: _Optional[str] = ..., customer_feedback: _Optional[str] = ..., objection: _Optional[str] = ..., next_step: _Optional[str] = ..., next_step_due_date: _Optional[str] = ..., qualification: _Optional[_Union[LeadQualification, _Mapping]] = ..., follow_up_task_id: _Optional[str] = ..., first_contact: _Optional[bool] = ..., comment_count: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., updated_by: _Optional[str] = ..., etag: _Optional[str] = ..., churn_reason: _Optional[str] = ..., churn_note: _Optional[str] = ...) -> None: ...

class LeadQualification(_message.Message):
    __slots__ = ("need", "budget", "budget_note", "decision_maker", "timeframe")
    NEED_FIELD_NUMBER: _ClassVar[int]
    BUDGET_FIELD_NUMBER: _ClassVar[int]
    BUDGET_NOTE_FIELD_NUMBER: _ClassVar[int]
    DECISION_MAKER_FIELD_NUMBER: _ClassVar[int]
    TIMEFRAME_FIELD_NUMBER: _ClassVar[int]
    need: str
    budget: _types_pb2.Money
    budget_note: str
    decision_maker: str
    timeframe: str
    def __init__(self, need: _Optional[str] = ..., budget: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., budget_note: _Optional[str] = ..., decision_maker: _Optional[str] = ..., timeframe: _Optional[str] = ...) -> None: ...

class ActivityComment(_message.Message):
    __slots__ = ("id", "activity_id", "author_id", "body", "activity_owner_id", "department_path", "create_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    ACTIVITY_OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    activity_id: str
    author_id: str
    body: str
    activity_owner_id: str
    department_path: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., activity_id: _Optional[str] = ..., author_id: _Optional[str] = ..., body: _Optional[str] = ..., activity_owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class FollowUpTask(_message.Message):
    __slots__ = ("id", "plan_id", "customer_id", "lead_id", "opportunity_id", "owner_id", "department_path", "reason", "title", "note", "due_date", "suggested_method", "state", "remind_time", "overdue_time", "complete_time", "completed_activity_id", "completed_late", "cancel_reason", "create_time", "update_time", "created_by", "updated_by", "segment_id", "segment_name")
    ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    LEAD_ID_FIELD_NUMBER: _ClassVar[int]
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    SUGGESTED_METHOD_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    REMIND_TIME_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_TIME_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_TIME_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_LATE_FIELD_NUMBER: _ClassVar[int]
    CANCEL_REASON_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_ID_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_NAME_FIELD_NUMBER: _ClassVar[int]
    id: str
    plan_id: str
    customer_id: str
    lead_id: str
    opportunity_id: str
    owner_id: str
    department_path: str
    reason: FollowUpReason
    title: str
    note: str
    due_date: str
    suggested_method: FollowUpMethod
    state: FollowUpTaskState
    remind_time: _timestamp_pb2.Timestamp
    overdue_time: _timestamp_pb2.Timestamp
    complete_time: _timestamp_pb2.Timestamp
    completed_activity_id: str
    completed_late: bool
    cancel_reason: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    created_by: str
    updated_by: str
    segment_id: str
    segment_name: str
    def __init__(self, id: _Optional[str] = ..., plan_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., lead_id: _Optional[str] = ..., opportunity_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., reason: _Optional[_Union[FollowUpReason, str]] = ..., title: _Optional[str] = ..., note: _Optional[str] = ..., due_date: _Optional[str] = ..., suggested_method: _Optional[_Union[FollowUpMethod, str]] = ..., state: _Optional[_Union[FollowUpTaskState, str]] = ..., remind_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., overdue_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., complete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., completed_activity_id: _Optional[str] = ..., completed_late: _Optional[bool] = ..., cancel_reason: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., updated_by: _Optional[str] = ..., segment_id: _Optional[str] = ..., segment_name: _Optional[str] = ...) -> None: ...

class FollowUpPlan(_message.Message):
    __slots__ = ("id", "customer_id", "owner_id", "department_path", "value_class", "interval_days", "senior_contact_interval_days", "next_due_date", "last_contact_date", "active", "create_time", "update_time", "estimated_class", "estimated_class_reason", "follows_estimated_class", "estimated_class_rule_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    VALUE_CLASS_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_DAYS_FIELD_NUMBER: _ClassVar[int]
    SENIOR_CONTACT_INTERVAL_DAYS_FIELD_NUMBER: _ClassVar[int]
    NEXT_DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    LAST_CONTACT_DATE_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_CLASS_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_CLASS_REASON_FIELD_NUMBER: _ClassVar[int]
    FOLLOWS_ESTIMATED_CLASS_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_CLASS_RULE_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    customer_id: str
    owner_id: str
    department_path: str
    value_class: _types_pb2.ValueClass
    interval_days: int
    senior_contact_interval_days: int
    next_due_date: str
    last_contact_date: str
    active: bool
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    estimated_class: _types_pb2.ValueClass
    estimated_class_reason: str
    follows_estimated_class: bool
    estimated_class_rule_id: str
    def __init__(self, id: _Optional[str] = ..., customer_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., value_class: _Optional[_Union[_types_pb2.ValueClass, str]] = ..., interval_days: _Optional[int] = ..., senior_contact_interval_days: _Optional[int] = ..., next_due_date: _Optional[str] = ..., last_contact_date: _Optional[str] = ..., active: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., estimated_class: _Optional[_Union[_types_pb2.ValueClass, str]] = ..., estimated_class_reason: _Optional[str] = ..., follows_estimated_class: _Optional[bool] = ..., estimated_class_rule_id: _Optional[str] = ...) -> None: ...

class SalesPolicy(_message.Message):
    __slots__ = ("currency_code", "lead_response_targets", "follow_up_cadences", "need_confirmed_contact_days", "proposal_contact_days", "reminder_days_before", "renewal_reminder_days", "lead_cold_after_days", "stage_probabilities", "update_time", "updated_by", "win_back_after_months")
    class StageProbabilitiesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    LEAD_RESPONSE_TARGETS_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_UP_CADENCES_FIELD_NUMBER: _ClassVar[int]
    NEED_CONFIRMED_CONTACT_DAYS_FIELD_NUMBER: _ClassVar[int]
    PROPOSAL_CONTACT_DAYS_FIELD_NUMBER: _ClassVar[int]
    REMINDER_DAYS_BEFORE_FIELD_NUMBER: _ClassVar[int]
    RENEWAL_REMINDER_DAYS_FIELD_NUMBER: _ClassVar[int]
    LEAD_COLD_AFTER_DAYS_FIELD_NUMBER: _ClassVar[int]
    STAGE_PROBABILITIES_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    WIN_BACK_AFTER_MONTHS_FIELD_NUMBER: _ClassVar[int]
    currency_code: str
    lead_response_targets: _containers.RepeatedCompositeFieldContainer[LeadResponseTarget]
    follow_up_cadences: _containers.RepeatedCompositeFieldContainer[FollowUpCadence]
    need_confirmed_contact_days: int
    proposal_contact_days: int
    reminder_days_before: int
    renewal_reminder_days: int
    lead_cold_after_days: int
    stage_probabilities: _containers.ScalarMap[str, int]
    update_time: _timestamp_pb2.Timestamp
    updated_by: str
    win_back_after_months: int
    def __init__(self, currency_code: _Optional[str] = ..., lead_response_targets: _Optional[_Iterable[_Union[LeadResponseTarget, _Mapping]]] = ..., follow_up_cadences: _Optional[_Iterable[_Union[FollowUpCadence, _Mapping]]] = ..., need_confirmed_contact_days: _Optional[int] = ..., proposal_contact_days: _Optional[int] = ..., reminder_days_before: _Optional[int] = ..., renewal_reminder_days: _Optional[int] = ..., lead_cold_after_days: _Optional[int] = ..., stage_probabilities: _Optional[_Mapping[str, int]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_by: _Optional[str] = ..., win_back_after_months: _Optional[int] = ...) -> None: ...

class LeadResponseTarget(_message.Message):
    __slots__ = ("grade", "first_contact_within", "remind_before")
    GRADE_FIELD_NUMBER: _ClassVar[int]
    FIRST_CONTACT_WITHIN_FIELD_NUMBER: _ClassVar[int]
    REMIND_BEFORE_FIELD_NUMBER: _ClassVar[int]
    grade: LeadGrade
    first_contact_within: _duration_pb2.Duration
    remind_before: _duration_pb2.Duration
    def __init__(self, grade: _Optional[_Union[LeadGrade, str]] = ..., first_contact_within: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., remind_before: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class FollowUpCadence(_message.Message):
    __slots__ = ("value_class", "interval_days", "senior_contact_interval_days")
    VALUE_CLASS_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_DAYS_FIELD_NUMBER: _ClassVar[int]
    SENIOR_CONTACT_INTERVAL_DAYS_FIELD_NUMBER: _ClassVar[int]
    value_class: _types_pb2.ValueClass
    interval_days: int
    senior_contact_interval_days: int
    def __init__(self, value_class: _Optional[_Union[_types_pb2.ValueClass, str]] = ..., interval_days: _Optional[int] = ..., senior_contact_interval_days: _Optional[int] = ...) -> None: ...

class ConversionReport(_message.Message):
    __slots__ = ("period", "group_by", "rows", "total")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    period: _types_pb2.DateRange
    group_by: ReportGroupBy
    rows: _containers.RepeatedCompositeFieldContainer[ConversionRow]
    total: ConversionRow
    def __init__(self, period: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., group_by: _Optional[_Union[ReportGroupBy, str]] = ..., rows: _Optional[_Iterable[_Union[ConversionRow, _Mapping]]] = ..., total: _Optional[_Union[ConversionRow, _Mapping]] = ...) -> None: ...

class ConversionRow(_message.Message):
    __slots__ = ("group_key", "display_name", "lead_count", "contacted_count", "converted_count", "conversion_rate", "closed_opportunity_count", "won_count", "win_rate", "won_amount", "average_first_contact_hours")
    GROUP_KEY_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    LEAD_COUNT_FIELD_NUMBER: _ClassVar[int]
    CONTACTED_COUNT_FIELD_NUMBER: _ClassVar[int]
    CONVERTED_COUNT_FIELD_NUMBER: _ClassVar[int]
    CONVERSION_RATE_FIELD_NUMBER: _ClassVar[int]
    CLOSED_OPPORTUNITY_COUNT_FIELD_NUMBER: _ClassVar[int]
    WON_COUNT_FIELD_NUMBER: _ClassVar[int]
    WIN_RATE_FIELD_NUMBER: _ClassVar[int]
    WON_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_FIRST_CONTACT_HOURS_FIELD_NUMBER: _ClassVar[int]
    group_key: str
    display_name: str
    lead_count: int
    contacted_count: int
    converted_count: int
    conversion_rate: float
    closed_opportunity_count: int
    won_count: int
    win_rate: float
    won_amount: _types_pb2.Money
    average_first_contact_hours: float
    def __init__(self, group_key: _Optional[str] = ..., display_name: _Optional[str] = ..., lead_count: _Optional[int] = ..., contacted_count: _Optional[int] = ..., converted_count: _Optional[int] = ..., conversion_rate: _Optional[float] = ..., closed_opportunity_count: _Optional[int] = ..., won_count: _Optional[int] = ..., win_rate: _Optional[float] = ..., won_amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., average_first_contact_hours: _Optional[float] = ...) -> None: ...

class FollowUpReport(_message.Message):
    __slots__ = ("period", "rows", "total", "strategy_rows")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_ROWS_FIELD_NUMBER: _ClassVar[int]
    period: _types_pb2.DateRange
    rows: _containers.RepeatedCompositeFieldContainer[FollowUpRow]
    total: FollowUpRow
    strategy_rows: _containers.RepeatedCompositeFieldContainer[ContactStrategyRow]
    def __init__(self, period: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., rows: _Optional[_Iterable[_Union[FollowUpRow, _Mapping]]] = ..., total: _Optional[_Union[FollowUpRow, _Mapping]] = ..., strategy_rows: _Optional[_Iterable[_Union[ContactStrategyRow, _Mapping]]] = ...) -> None: ...

class ContactStrategyRow(_message.Message):
    __slots__ = ("owner_id", "display_name", "segment_id", "segment_name", "task_count", "done_on_time_count", "overdue_task_count", "open_count")
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_ID_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_NAME_FIELD_NUMBER: _ClassVar[int]
    TASK_COUNT_FIELD_NUMBER: _ClassVar[int]
    DONE_ON_TIME_COUNT_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_TASK_COUNT_FIELD_NUMBER: _ClassVar[int]
    OPEN_COUNT_FIELD_NUMBER: _ClassVar[int]
    owner_id: str
    display_name: str
    segment_id: str
    segment_name: str
    task_count: int
    done_on_time_count: int
    overdue_task_count: int
    open_count: int
    def __init__(self, owner_id: _Optional[str] = ..., display_name: _Optional[str] = ..., segment_id: _Optional[str] = ..., segment_name: _Optional[str] = ..., task_count: _Optional[int] = ..., done_on_time_count: _Optional[int] = ..., overdue_task_count: _Optional[int] = ..., open_count: _Optional[int] = ...) -> None: ...

class FollowUpRow(_message.Message):
    __slots__ = ("group_key", "display_name", "activity_count", "contacted_count", "activities_per_contact", "task_count", "overdue_task_count", "timeliness_rate", "first_contact_on_time_rate")
    GROUP_KEY_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    ACTIVITY_COUNT_FIELD_NUMBER: _ClassVar[int]
    CONTACTED_COUNT_FIELD_NUMBER: _ClassVar[int]
    ACTIVITIES_PER_CONTACT_FIELD_NUMBER: _ClassVar[int]
    TASK_COUNT_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_TASK_COUNT_FIELD_NUMBER: _ClassVar[int]
    TIMELINESS_RATE_FIELD_NUMBER: _ClassVar[int]
    FIRST_CONTACT_ON_TIME_RATE_FIELD_NUMBER: _ClassVar[int]
    group_key: str
    display_name: str
    activity_count: int
    contacted_count: int
    activities_per_contact: float
    task_count: int
    overdue_task_count: int
    timeliness_rate: float
    first_contact_on_time_rate: float
    def __init__(self, group_key: _Optional[str] = ..., display_name: _Optional[str] = ..., activity_count: _Optional[int] = ..., contacted_count: _Optional[int] = ..., activities_per_contact: _Optional[float] = ..., task_count: _Optional[int] = ..., overdue_task_count: _Optional[int] = ..., timeliness_rate: _Optional[float] = ..., first_contact_on_time_rate: _Optional[float] = ...) -> None: ...

class DealCycleReport(_message.Message):
    __slots__ = ("period", "rows", "total")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    period: _types_pb2.DateRange
    rows: _containers.RepeatedCompositeFieldContainer[DealCycleRow]
    total: DealCycleRow
    def __init__(self, period: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., rows: _Optional[_Iterable[_Union[DealCycleRow, _Mapping]]] = ..., total: _Optional[_Union[DealCycleRow, _Mapping]] = ...) -> None: ...

class DealCycleRow(_message.Message):
    __slots__ = ("group_key", "display_name", "won_count", "average_cycle_days", "median_cycle_days", "p90_cycle_days", "average_deal_amount")
    GROUP_KEY_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    WON_COUNT_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_CYCLE_DAYS_FIELD_NUMBER: _ClassVar[int]
    MEDIAN_CYCLE_DAYS_FIELD_NUMBER: _ClassVar[int]
    P90_CYCLE_DAYS_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_DEAL_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    group_key: str
    display_name: str
    won_count: int
    average_cycle_days: float
    median_cycle_days: float
    p90_cycle_days: float
    average_deal_amount: _types_pb2.Money
    def __init__(self, group_key: _Optional[str] = ..., display_name: _Optional[str] = ..., won_count: _Optional[int] = ..., average_cycle_days: _Optional[float] = ..., median_cycle_days: _Optional[float] = ..., p90_cycle_days: _Optional[float] = ..., average_deal_amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ...) -> None: ...

class WonDealTraitsReport(_message.Message):
    __slots__ = ("period", "won_count", "traits")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    WON_COUNT_FIELD_NUMBER: _ClassVar[int]
    TRAITS_FIELD_NUMBER: _ClassVar[int]
    period: _types_pb2.DateRange
    won_count: int
    traits: _containers.RepeatedCompositeFieldContainer[TraitDistribution]
    def __init__(self, period: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., won_count: _Optional[int] = ..., traits: _Optional[_Iterable[_Union[TraitDistribution, _Mapping]]] = ...) -> None: ...

class TraitDistribution(_message.Message):
    __slots__ = ("trait", "buckets")
    TRAIT_FIELD_NUMBER: _ClassVar[int]
    BUCKETS_FIELD_NUMBER: _ClassVar[int]
    trait: str
    buckets: _containers.RepeatedCompositeFieldContainer[TraitBucket]
    def __init__(self, trait: _Optional[str] = ..., buckets: _Optional[_Iterable[_Union[TraitBucket, _Mapping]]] = ...) -> None: ...

class TraitBucket(_message.Message):
    __slots__ = ("value", "count", "share", "amount")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    SHARE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    value: str
    count: int
    share: float
    amount: _types_pb2.Money
    def __init__(self, value: _Optional[str] = ..., count: _Optional[int] = ..., share: _Optional[float] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ...) -> None: ...

class SubmitLeadFormRequest(_message.Message):
    __slots__ = ("contact_name", "company_name", "job_title", "phone", "email", "need_description", "product_interests", "intake_params", "campaign_id", "request_id")
    class IntakeParamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CONTACT_NAME_FIELD_NUMBER: _ClassVar[int]
    COMPANY_NAME_FIELD_NUMBER: _ClassVar[int]
    JOB_TITLE_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    NEED_DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_INTERESTS_FIELD_NUMBER: _ClassVar[int]
    INTAKE_PARAMS_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    contact_name: str
    company_name: str
    job_title: str
    phone: str
    email: str
    need_description: str
    product_interests: _containers.RepeatedScalarFieldContainer[str]
    intake_params: _containers.ScalarMap[str, str]
    campaign_id: str
    request_id: str
    def __init__(self, contact_name: _Optional[str] = ..., company_name: _Optional[str] = ..., job_title: _Optional[str] = ..., phone: _Optional[str] = ..., email: _Optional[str] = ..., need_description: _Optional[str] = ..., product_interests: _Optional[_Iterable[str]] = ..., intake_params: _Optional[_Mapping[str, str]] = ..., campaign_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class SubmitLeadFormResponse(_message.Message):
    __slots__ = ("received",)
    RECEIVED_FIELD_NUMBER: _ClassVar[int]
    received: bool
    def __init__(self, received: _Optional[bool] = ...) -> None: ...

class CreateLeadRequest(_message.Message):
    __slots__ = ("lead", "request_id")
    LEAD_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    lead: Lead
    request_id: str
    def __init__(self, lead: _Optional[_Union[Lead, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetLeadRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListLeadsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "query", "statuses", "grades", "owner_id", "department_path", "source", "campaign_id", "customer_id", "first_contact_overdue", "has_duplicates", "order_by")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    GRADES_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    FIRST_CONTACT_OVERDUE_FIELD_NUMBER: _ClassVar[int]
    HAS_DUPLICATES_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    query: str
    statuses: _containers.RepeatedScalarFieldContainer[LeadStatus]
    grades: _containers.RepeatedScalarFieldContainer[LeadGrade]
    owner_id: str
    department_path: str
    source: _types_pb2.SourceChannel
    campaign_id: str
    customer_id: str
    first_contact_overdue: bool
    has_duplicates: bool
    order_by: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., query: _Optional[str] = ..., statuses: _Optional[_Iterable[_Union[LeadStatus, str]]] = ..., grades: _Optional[_Iterable[_Union[LeadGrade, str]]] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., source: _Optional[_Union[_types_pb2.SourceChannel, str]] = ..., campaign_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., first_contact_overdue: _Optional[bool] = ..., has_duplicates: _Optional[bool] = ..., order_by: _Optional[str] = ...) -> None: ...

class ListLeadsResponse(_message.Message):
    __slots__ = ("leads", "next_page_token", "total_size")
    LEADS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    leads: _containers.RepeatedCompositeFieldContainer[Lead]
    next_page_token: str
    total_size: int
    def __init__(self, leads: _Optional[_Iterable[_Union[Lead, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class ExportLeadsRequest(_message.Message):
    __slots__ = ("query", "statuses", "grades", "owner_id", "department_path", "source", "campaign_id", "customer_id", "first_contact_overdue", "has_duplicates", "order_by", "columns", "access_purpose", "format", "locale")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    GRADES_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    FIRST_CONTACT_OVERDUE_FIELD_NUMBER: _ClassVar[int]
    HAS_DUPLICATES_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    ACCESS_PURPOSE_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    query: str
    statuses: _containers.RepeatedScalarFieldContainer[LeadStatus]
    grades: _containers.RepeatedScalarFieldContainer[LeadGrade]
    owner_id: str
    department_path: str
    source: _types_pb2.SourceChannel
    campaign_id: str
    customer_id: str
    first_contact_overdue: bool
    has_duplicates: bool
    order_by: str
    columns: _containers.RepeatedScalarFieldContainer[str]
    access_purpose: str
    format: _types_pb2.TableFormat
    locale: str
    def __init__(self, query: _Optional[str] = ..., statuses: _Optional[_Iterable[_Union[LeadStatus, str]]] = ..., grades: _Optional[_Iterable[_Union[LeadGrade, str]]] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., source: _Optional[_Union[_types_pb2.SourceChannel, str]] = ..., campaign_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., first_contact_overdue: _Optional[bool] = ..., has_duplicates: _Optional[bool] = ..., order_by: _Optional[str] = ..., columns: _Optional[_Iterable[str]] = ..., access_purpose: _Optional[str] = ..., format: _Optional[_Union[_types_pb2.TableFormat, str]] = ..., locale: _Optional[str] = ...) -> None: ...

class ExportLeadsChunk(_message.Message):
    __slots__ = ("data", "row_count")
    DATA_FIELD_NUMBER: _ClassVar[int]
    ROW_COUNT_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    row_count: int
    def __init__(self, data: _Optional[bytes] = ..., row_count: _Optional[int] = ...) -> None: ...

class UpdateLeadRequest(_message.Message):
    __slots__ = ("lead", "update_mask")
    LEAD_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    lead: Lead
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, lead: _Optional[_Union[Lead, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class GradeLeadRequest(_message.Message):
    __slots__ = ("id", "grade", "reason")
    ID_FIELD_NUMBER: _ClassVar[int]
    GRADE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    id: str
    grade: LeadGrade
    reason: str
    def __init__(self, id: _Optional[str] = ..., grade: _Optional[_Union[LeadGrade, str]] = ..., reason: _Optional[str] = ...) -> None: ...

class AssignLeadRequest(_message.Message):
    __slots__ = ("id", "assignee_id", "reason", "request_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    assignee_id: str
    reason: str
    request_id: str
    def __init__(self, id: _Optional[str] = ..., assignee_id: _Optional[str] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class AssignLeadResponse(_message.Message):
    __slots__ = ("lead", "assignment")
    LEAD_FIELD_NUMBER: _ClassVar[int]
    ASSIGNMENT_FIELD_NUMBER: _ClassVar[int]
    lead: Lead
    assignment: LeadAssignment
    def __init__(self, lead: _Optional[_Union[Lead, _Mapping]] = ..., assignment: _Optional[_Union[LeadAssignment, _Mapping]] = ...) -> None: ...

class ListLeadAssignmentsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "lead_id", "assignee_id", "start_time", "end_time")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    LEAD_ID_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_ID_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    lead_id: str
    assignee_id: str
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., lead_id: _Optional[str] = ..., assignee_id: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListLeadAssignmentsResponse(_message.Message):
    __slots__ = ("assignments", "next_page_token")
    ASSIGNMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    assignments: _containers.RepeatedCompositeFieldContainer[LeadAssignment]
    next_page_token: str
    def __init__(self, assignments: _Optional[_Iterable[_Union[LeadAssignment, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ConvertLeadRequest(_message.Message):
    __slots__ = ("lead_id", "request_id", "existing_customer_id", "customer", "create_opportunity", "opportunity")
    LEAD_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    EXISTING_CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    CREATE_OPPORTUNITY_FIELD_NUMBER: _ClassVar[int]
    OPPORTUNITY_FIELD_NUMBER: _ClassVar[int]
    lead_id: str
    request_id: str
    existing_customer_id: str
    customer: _customer_pb2.Customer
    create_opportunity: bool
    opportunity: Opportunity
    def __init__(self, lead_id: _Optional[str] = ..., request_id: _Optional[str] = ..., existing_customer_id: _Optional[str] = ..., customer: _Optional[_Union[_customer_pb2.Customer, _Mapping]] = ..., create_opportunity: _Optional[bool] = ..., opportunity: _Optional[_Union[Opportunity, _Mapping]] = ...) -> None: ...

class ConvertLeadResponse(_message.Message):
    __slots__ = ("lead", "customer_id", "customer_created", "opportunity")
    LEAD_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_CREATED_FIELD_NUMBER: _ClassVar[int]
    OPPORTUNITY_FIELD_NUMBER: _ClassVar[int]
    lead: Lead
    customer_id: str
    customer_created: bool
    opportunity: Opportunity
    def __init__(self, lead: _Optional[_Union[Lead, _Mapping]] = ..., customer_id: _Optional[str] = ..., customer_created: _Optional[bool] = ..., opportunity: _Optional[_Union[Opportunity, _Mapping]] = ...) -> None: ...

class DisqualifyLeadRequest(_message.Message):
    __slots__ = ("id", "reason")
    ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    id: str
    reason: str
    def __init__(self, id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class CreateLeadGradingRuleRequest(_message.Message):
    __slots__ = ("rule", "request_id")
    RULE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    rule: LeadGradingRule
    request_id: str
    def __init__(self, rule: _Optional[_Union[LeadGradingRule, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetLeadGradingRuleRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListLeadGradingRulesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "enabled", "subject")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    enabled: bool
    subject: GradingSubject
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., enabled: _Optional[bool] = ..., subject: _Optional[_Union[GradingSubject, str]] = ...) -> None: ...

class ListLeadGradingRulesResponse(_message.Message):
    __slots__ = ("rules", "next_page_token")
    RULES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    rules: _containers.RepeatedCompositeFieldContainer[LeadGradingRule]
    next_page_token: str
    def __init__(self, rules: _Optional[_Iterable[_Union[LeadGradingRule, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateLeadGradingRuleRequest(_message.Message):
    __slots__ = ("rule", "update_mask")
    RULE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    rule: LeadGradingRule
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, rule: _Optional[_Union[LeadGradingRule, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class DeleteLeadGradingRuleRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class CreateAssignmentRuleRequest(_message.Message):
    __slots__ = ("rule", "request_id")
    RULE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    rule: AssignmentRule
    request_id: str
    def __init__(self, rule: _Optional[_Union[AssignmentRule, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetAssignmentRuleRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListAssignmentRulesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "enabled")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    enabled: bool
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., enabled: _Optional[bool] = ...) -> None: ...

class ListAssignmentRulesResponse(_message.Message):
    __slots__ = ("rules", "next_page_token")
    RULES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    rules: _containers.RepeatedCompositeFieldContainer[AssignmentRule]
    next_page_token: str
    def __init__(self, rules: _Optional[_Iterable[_Union[AssignmentRule, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateAssignmentRuleRequest(_message.Message):
    __slots__ = ("rule", "update_mask")
    RULE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    rule: AssignmentRule
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, rule: _Optional[_Union[AssignmentRule, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class DeleteAssignmentRuleRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetSalesRepRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class ListSalesRepsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "department_path", "seniority", "available")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    SENIORITY_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    department_path: str
    seniority: RepSeniority
    available: bool
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., department_path: _Optional[str] = ..., seniority: _Optional[_Union[RepSeniority, str]] = ..., available: _Optional[bool] = ...) -> None: ...

class ListSalesRepsResponse(_message.Message):
    __slots__ = ("sales_reps", "next_page_token")
    SALES_REPS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    sales_reps: _containers.RepeatedCompositeFieldContainer[SalesRep]
    next_page_token: str
    def __init__(self, sales_reps: _Optional[_Iterable[_Union[SalesRep, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateSalesRepRequest(_message.Message):
    __slots__ = ("sales_rep", "update_mask")
    SALES_REP_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    sales_rep: SalesRep
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, sales_rep: _Optional[_Union[SalesRep, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class CreateOpportunityRequest(_message.Message):
    __slots__ = ("opportunity", "request_id", "initial_stage")
    OPPORTUNITY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    INITIAL_STAGE_FIELD_NUMBER: _ClassVar[int]
    opportunity: Opportunity
    request_id: str
    initial_stage: OpportunityStage
    def __init__(self, opportunity: _Optional[_Union[Opportunity, _Mapping]] = ..., request_id: _Optional[str] = ..., initial_stage: _Optional[_Union[OpportunityStage, str]] = ...) -> None: ...

class AddOpportunityCollaboratorRequest(_message.Message):
    __slots__ = ("opportunity_id", "user_id", "role")
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    opportunity_id: str
    user_id: str
    role: _collaborators_pb2.CollaboratorRole
    def __init__(self, opportunity_id: _Optional[str] = ..., user_id: _Optional[str] = ..., role: _Optional[_Union[_collaborators_pb2.CollaboratorRole, str]] = ...) -> None: ...

class RemoveOpportunityCollaboratorRequest(_message.Message):
    __slots__ = ("opportunity_id", "user_id")
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    opportunity_id: str
    user_id: str
    def __init__(self, opportunity_id: _Optional[str] = ..., user_id: _Optional[str] = ...) -> None: ...

class ListOpportunityCollaboratorsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "opportunity_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    opportunity_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., opportunity_id: _Optional[str] = ...) -> None: ...

class ListOpportunityCollaboratorsResponse(_message.Message):
    __slots__ = ("collaborators", "next_page_token")
    COLLABORATORS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    collaborators: _containers.RepeatedCompositeFieldContainer[_collaborators_pb2.Collaborator]
    next_page_token: str
    def __init__(self, collaborators: _Optional[_Iterable[_Union[_collaborators_pb2.Collaborator, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetOpportunityRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListOpportunitiesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "query", "stages", "owner_id", "department_path", "customer_id", "campaign_id", "expected_close", "order_by")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    STAGES_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_CLOSE_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    query: str
    stages: _containers.RepeatedScalarFieldContainer[OpportunityStage]
    owner_id: str
    department_path: str
    customer_id: str
    campaign_id: str
    expected_close: _types_pb2.DateRange
    order_by: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., query: _Optional[str] = ..., stages: _Optional[_Iterable[_Union[OpportunityStage, str]]] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., customer_id: _Optional[str] = ..., campaign_id: _Optional[str] = ..., expected_close: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., order_by: _Optional[str] = ...) -> None: ...

class ListOpportunitiesResponse(_message.Message):
    __slots__ = ("opportunities", "next_page_token", "total_size")
    OPPORTUNITIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    opportunities: _containers.RepeatedCompositeFieldContainer[Opportunity]
    next_page_token: str
    total_size: int
    def __init__(self, opportunities: _Optional[_Iterable[_Union[Opportunity, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class UpdateOpportunityRequest(_message.Message):
    __slots__ = ("opportunity", "update_mask")
    OPPORTUNITY_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    opportunity: Opportunity
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, opportunity: _Optional[_Union[Opportunity, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class ChangeOpportunityStageRequest(_message.Message):
    __slots__ = ("id", "stage", "lost_reason", "note", "probability", "etag")
    ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    LOST_REASON_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    PROBABILITY_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    id: str
    stage: OpportunityStage
    lost_reason: str
    note: str
    probability: int
    etag: str
    def __init__(self, id: _Optional[str] = ..., stage: _Optional[_Union[OpportunityStage, str]] = ..., lost_reason: _Optional[str] = ..., note: _Optional[str] = ..., probability: _Optional[int] = ..., etag: _Optional[str] = ...) -> None: ...

class GetSalesFunnelRequest(_message.Message):
    __slots__ = ("period", "department_path", "owner_id")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    period: _types_pb2.DateRange
    department_path: str
    owner_id: str
    def __init__(self, period: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., department_path: _Optional[str] = ..., owner_id: _Optional[str] = ...) -> None: ...

class GetSalesForecastRequest(_message.Message):
    __slots__ = ("period", "department_path", "owner_id", "group_by", "granularity")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_FIELD_NUMBER: _ClassVar[int]
    GRANULARITY_FIELD_NUMBER: _ClassVar[int]
    period: _types_pb2.DateRange
    department_path: str
    owner_id: str
    group_by: ReportGroupBy
    granularity: _reporting_pb2.TimeGranularity
    def __init__(self, period: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., department_path: _Optional[str] = ..., owner_id: _Optional[str] = ..., group_by: _Optional[_Union[ReportGroupBy, str]] = ..., granularity: _Optional[_Union[_reporting_pb2.TimeGranularity, str]] = ...) -> None: ...

class CreateQuoteRequest(_message.Message):
    __slots__ = ("quote", "request_id")
    QUOTE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    quote: Quote
    request_id: str
    def __init__(self, quote: _Optional[_Union[Quote, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetQuoteRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListQuotesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "opportunity_id", "customer_id", "statuses", "owner_id", "department_path")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    opportunity_id: str
    customer_id: str
    statuses: _containers.RepeatedScalarFieldContainer[QuoteStatus]
    owner_id: str
    department_path: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., opportunity_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., statuses: _Optional[_Iterable[_Union[QuoteStatus, str]]] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ...) -> None: ...

class ListQuotesResponse(_message.Message):
    __slots__ = ("quotes", "next_page_token")
    QUOTES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    quotes: _containers.RepeatedCompositeFieldContainer[Quote]
    next_page_token: str
    def __init__(self, quotes: _Optional[_Iterable[_Union[Quote, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateQuoteRequest(_message.Message):
    __slots__ = ("quote", "update_mask")
    QUOTE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    quote: Quote
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, quote: _Optional[_Union[Quote, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class DeleteQuoteRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class SendQuoteRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class AcceptQuoteRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class RejectQuoteRequest(_message.Message):
    __slots__ = ("id", "reason")
    ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    id: str
    reason: str
    def __init__(self, id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class CreateContractRequest(_message.Message):
    __slots__ = ("contract", "request_id")
    CONTRACT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    contract: Contract
    request_id: str
    def __init__(self, contract: _Optional[_Union[Contract, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetContractRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListContractsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "query", "customer_id", "statuses", "owner_id", "department_path", "end_date_range")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    END_DATE_RANGE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    query: str
    customer_id: str
    statuses: _containers.RepeatedScalarFieldContainer[ContractStatus]
    owner_id: str
    department_path: str
    end_date_range: _types_pb2.DateRange
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., query: _Optional[str] = ..., customer_id: _Optional[str] = ..., statuses: _Optional[_Iterable[_Union[ContractStatus, str]]] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., end_date_range: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ...) -> None: ...

class ListContractsResponse(_message.Message):
    __slots__ = ("contracts", "next_page_token", "total_size")
    CONTRACTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    contracts: _containers.RepeatedCompositeFieldContainer[Contract]
    next_page_token: str
    total_size: int
    def __init__(self, contracts: _Optional[_Iterable[_Union[Contract, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class UpdateContractRequest(_message.Message):
    __slots__ = ("contract", "update_mask")
    CONTRACT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    contract: Contract
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, contract: _Optional[_Union[Contract, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class SignContractRequest(_message.Message):
    __slots__ = ("id", "sign_date")
    ID_FIELD_NUMBER: _ClassVar[int]
    SIGN_DATE_FIELD_NUMBER: _ClassVar[int]
    id: str
    sign_date: str
    def __init__(self, id: _Optional[str] = ..., sign_date: _Optional[str] = ...) -> None: ...

class TerminateContractRequest(_message.Message):
    __slots__ = ("id", "reason", "end_date")
    ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    id: str
    reason: str
    end_date: str
    def __init__(self, id: _Optional[str] = ..., reason: _Optional[str] = ..., end_date: _Optional[str] = ...) -> None: ...

class RenewContractRequest(_message.Message):
    __slots__ = ("id", "amount", "end_date", "request_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    amount: _types_pb2.Money
    end_date: str
    request_id: str
    def __init__(self, id: _Optional[str] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., end_date: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetPaymentPlanRequest(_message.Message):
    __slots__ = ("contract_id",)
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    contract_id: str
    def __init__(self, contract_id: _Optional[str] = ...) -> None: ...

class SetPaymentPlanRequest(_message.Message):
    __slots__ = ("contract_id", "installments")
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    INSTALLMENTS_FIELD_NUMBER: _ClassVar[int]
    contract_id: str
    installments: _containers.RepeatedCompositeFieldContainer[Installment]
    def __init__(self, contract_id: _Optional[str] = ..., installments: _Optional[_Iterable[_Union[Installment, _Mapping]]] = ...) -> None: ...

class RecordPaymentRequest(_message.Message):
    __slots__ = ("payment", "request_id")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    payment: Payment
    request_id: str
    def __init__(self, payment: _Optional[_Union[Payment, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetPaymentRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListPaymentsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "contract_id", "customer_id", "owner_id", "department_path", "receive_date_range", "include_voided")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    RECEIVE_DATE_RANGE_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_VOIDED_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    contract_id: str
    customer_id: str
    owner_id: str
    department_path: str
    receive_date_range: _types_pb2.DateRange
    include_voided: bool
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., contract_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., receive_date_range: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., include_voided: _Optional[bool] = ...) -> None: ...

class ListPaymentsResponse(_message.Message):
    __slots__ = ("payments", "next_page_token")
    PAYMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    payments: _containers.RepeatedCompositeFieldContainer[Payment]
    next_page_token: str
    def __init__(self, payments: _Optional[_Iterable[_Union[Payment, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class VoidPaymentRequest(_message.Message):
    __slots__ = ("id", "reason")
    ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    id: str
    reason: str
    def __init__(self, id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ListOverdueReceivablesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "owner_id", "department_path", "customer_id", "as_of_date")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    AS_OF_DATE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    owner_id: str
    department_path: str
    customer_id: str
    as_of_date: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., customer_id: _Optional[str] = ..., as_of_date: _Optional[str] = ...) -> None: ...

class ListOverdueReceivablesResponse(_message.Message):
    __slots__ = ("receivables", "next_page_token", "total_outstanding")
    RECEIVABLES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_OUTSTANDING_FIELD_NUMBER: _ClassVar[int]
    receivables: _containers.RepeatedCompositeFieldContainer[Receivable]
    next_page_token: str
    total_outstanding: _types_pb2.Money
    def __init__(self, receivables: _Optional[_Iterable[_Union[Receivable, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_outstanding: _Optional[_Union[_types_pb2.Money, _Mapping]] = ...) -> None: ...

class RecordPurchaseRequest(_message.Message):
    __slots__ = ("purchase", "request_id")
    PURCHASE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    purchase: Purchase
    request_id: str
    def __init__(self, purchase: _Optional[_Union[Purchase, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class ListPurchasesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "customer_id", "source_system", "start_time", "end_time")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_SYSTEM_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    customer_id: str
    source_system: str
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., customer_id: _Optional[str] = ..., source_system: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListPurchasesResponse(_message.Message):
    __slots__ = ("purchases", "next_page_token")
    PURCHASES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    purchases: _containers.RepeatedCompositeFieldContainer[Purchase]
    next_page_token: str
    def __init__(self, purchases: _Optional[_Iterable[_Union[Purchase, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CreateActivityRequest(_message.Message):
    __slots__ = ("activity", "request_id")
    ACTIVITY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    activity: Activity
    request_id: str
    def __init__(self, activity: _Optional[_Union[Activity, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetActivityRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListActivitiesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "customer_id", "lead_id", "opportunity_id", "owner_id", "department_path", "methods", "start_time", "end_time")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    LEAD_ID_FIELD_NUMBER: _ClassVar[int]
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    METHODS_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    customer_id: str
    lead_id: str
    opportunity_id: str
    owner_id: str
    department_path: str
    methods: _containers.RepeatedScalarFieldContainer[FollowUpMethod]
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., customer_id: _Optional[str] = ..., lead_id: _Optional[str] = ..., opportunity_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., methods: _Optional[_Iterable[_Union[FollowUpMethod, str]]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListActivitiesResponse(_message.Message):
    __slots__ = ("activities", "next_page_token")
    ACTIVITIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    activities: _containers.RepeatedCompositeFieldContainer[Activity]
    next_page_token: str
    def __init__(self, activities: _Optional[_Iterable[_Union[Activity, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateActivityRequest(_message.Message):
    __slots__ = ("activity", "update_mask")
    ACTIVITY_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    activity: Activity
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, activity: _Optional[_Union[Activity, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class CreateActivityCommentRequest(_message.Message):
    __slots__ = ("comment", "request_id")
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    comment: ActivityComment
    request_id: str
    def __init__(self, comment: _Optional[_Union[ActivityComment, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class ListActivityCommentsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "activity_id", "activity_owner_id", "author_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    ACTIVITY_OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    activity_id: str
    activity_owner_id: str
    author_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., activity_id: _Optional[str] = ..., activity_owner_id: _Optional[str] = ..., author_id: _Optional[str] = ...) -> None: ...

class ListActivityCommentsResponse(_message.Message):
    __slots__ = ("comments", "next_page_token")
    COMMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    comments: _containers.RepeatedCompositeFieldContainer[ActivityComment]
    next_page_token: str
    def __init__(self, comments: _Optional[_Iterable[_Union[ActivityComment, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CreateFollowUpTaskRequest(_message.Message):
    __slots__ = ("task", "request_id")
    TASK_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    task: FollowUpTask
    request_id: str
    def __init__(self, task: _Optional[_Union[FollowUpTask, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetFollowUpTaskRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListFollowUpTasksRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "owner_id", "department_path", "states", "customer_id", "lead_id", "due_date_range", "reasons")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    STATES_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    LEAD_ID_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_RANGE_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    owner_id: str
    department_path: str
    states: _containers.RepeatedScalarFieldContainer[FollowUpTaskState]
    customer_id: str
    lead_id: str
    due_date_range: _types_pb2.DateRange
    reasons: _containers.RepeatedScalarFieldContainer[FollowUpReason]
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., states: _Optional[_Iterable[_Union[FollowUpTaskState, str]]] = ..., customer_id: _Optional[str] = ..., lead_id: _Optional[str] = ..., due_date_range: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., reasons: _Optional[_Iterable[_Union[FollowUpReason, str]]] = ...) -> None: ...

class ListFollowUpTasksResponse(_message.Message):
    __slots__ = ("tasks", "next_page_token")
    TASKS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tasks: _containers.RepeatedCompositeFieldContainer[FollowUpTask]
    next_page_token: str
    def __init__(self, tasks: _Optional[_Iterable[_Union[FollowUpTask, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateFollowUpTaskRequest(_message.Message):
    __slots__ = ("task", "update_mask")
    TASK_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    task: FollowUpTask
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, task: _Optional[_Union[FollowUpTask, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class CompleteFollowUpTaskRequest(_message.Message):
    __slots__ = ("id", "activity_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    activity_id: str
    def __init__(self, id: _Optional[str] = ..., activity_id: _Optional[str] = ...) -> None: ...

class CancelFollowUpTaskRequest(_message.Message):
    __slots__ = ("id", "reason")
    ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    id: str
    reason: str
    def __init__(self, id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class GetFollowUpPlanRequest(_message.Message):
    __slots__ = ("customer_id",)
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    def __init__(self, customer_id: _Optional[str] = ...) -> None: ...

class ListFollowUpPlansRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "owner_id", "department_path", "value_class", "active")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    VALUE_CLASS_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    owner_id: str
    department_path: str
    value_class: _types_pb2.ValueClass
    active: bool
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., value_class: _Optional[_Union[_types_pb2.ValueClass, str]] = ..., active: _Optional[bool] = ...) -> None: ...

class ListFollowUpPlansResponse(_message.Message):
    __slots__ = ("plans", "next_page_token")
    PLANS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    plans: _containers.RepeatedCompositeFieldContainer[FollowUpPlan]
    next_page_token: str
    def __init__(self, plans: _Optional[_Iterable[_Union[FollowUpPlan, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateFollowUpPlanRequest(_message.Message):
    __slots__ = ("plan", "update_mask")
    PLAN_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    plan: FollowUpPlan
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, plan: _Optional[_Union[FollowUpPlan, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class GetSalesPolicyRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UpdateSalesPolicyRequest(_message.Message):
    __slots__ = ("policy", "update_mask")
    POLICY_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    policy: SalesPolicy
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, policy: _Optional[_Union[SalesPolicy, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class GetConversionReportRequest(_message.Message):
    __slots__ = ("period", "department_path", "group_by")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_FIELD_NUMBER: _ClassVar[int]
    period: _types_pb2.DateRange
    department_path: str
    group_by: ReportGroupBy
    def __init__(self, period: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., department_path: _Optional[str] = ..., group_by: _Optional[_Union[ReportGroupBy, str]] = ...) -> None: ...

class GetFollowUpReportRequest(_message.Message):
    __slots__ = ("period", "department_path", "group_by")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_FIELD_NUMBER: _ClassVar[int]
    period: _types_pb2.DateRange
    department_path: str
    group_by: ReportGroupBy
    def __init__(self, period: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., department_path: _Optional[str] = ..., group_by: _Optional[_Union[ReportGroupBy, str]] = ...) -> None: ...

class GetDealCycleReportRequest(_message.Message):
    __slots__ = ("period", "department_path", "group_by")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_FIELD_NUMBER: _ClassVar[int]
    period: _types_pb2.DateRange
    department_path: str
    group_by: ReportGroupBy
    def __init__(self, period: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., department_path: _Optional[str] = ..., group_by: _Optional[_Union[ReportGroupBy, str]] = ...) -> None: ...

class GetWonDealTraitsReportRequest(_message.Message):
    __slots__ = ("period", "department_path")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    period: _types_pb2.DateRange
    department_path: str
    def __init__(self, period: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., department_path: _Optional[str] = ...) -> None: ...

class ChurnReason(_message.Message):
    __slots__ = ("code", "name", "name_en", "position", "active")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    NAME_EN_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    name_en: str
    position: int
    active: bool
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ..., name_en: _Optional[str] = ..., position: _Optional[int] = ..., active: _Optional[bool] = ...) -> None: ...

class ListChurnReasonsRequest(_message.Message):
    __slots__ = ("include_inactive", "page_size", "page_token")
    INCLUDE_INACTIVE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    include_inactive: bool
    page_size: int
    page_token: str
    def __init__(self, include_inactive: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListChurnReasonsResponse(_message.Message):
    __slots__ = ("churn_reasons", "next_page_token")
    CHURN_REASONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    churn_reasons: _containers.RepeatedCompositeFieldContainer[ChurnReason]
    next_page_token: str
    def __init__(self, churn_reasons: _Optional[_Iterable[_Union[ChurnReason, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpsertChurnReasonRequest(_message.Message):
    __slots__ = ("churn_reason",)
    CHURN_REASON_FIELD_NUMBER: _ClassVar[int]
    churn_reason: ChurnReason
    def __init__(self, churn_reason: _Optional[_Union[ChurnReason, _Mapping]] = ...) -> None: ...

class GetChurnReportRequest(_message.Message):
    __slots__ = ("period", "department_path")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    period: _types_pb2.DateRange
    department_path: str
    def __init__(self, period: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., department_path: _Optional[str] = ...) -> None: ...

class ChurnReport(_message.Message):
    __slots__ = ("period", "rows", "total_count")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    period: _types_pb2.DateRange
    rows: _containers.RepeatedCompositeFieldContainer[ChurnReasonRow]
    total_count: int
    def __init__(self, period: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., rows: _Optional[_Iterable[_Union[ChurnReasonRow, _Mapping]]] = ..., total_count: _Optional[int] = ...) -> None: ...

class ChurnReasonRow(_message.Message):
    __slots__ = ("code", "name", "name_en", "count")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    NAME_EN_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    name_en: str
    count: int
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ..., name_en: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class GetSalesKpisRequest(_message.Message):
    __slots__ = ("period", "department_path", "group_by_department")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    period: _types_pb2.DateRange
    department_path: str
    group_by_department: bool
    def __init__(self, period: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., department_path: _Optional[str] = ..., group_by_department: _Optional[bool] = ...) -> None: ...

class ExportCustomerDataRequest(_message.Message):
    __slots__ = ("customer_id", "access_purpose")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    ACCESS_PURPOSE_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    access_purpose: str
    def __init__(self, customer_id: _Optional[str] = ..., access_purpose: _Optional[str] = ...) -> None: ...

class SalesTarget(_message.Message):
    __slots__ = ("id", "rep_id", "department_path", "period", "period_range", "signed_amount", "new_customer_count", "follow_up_count", "create_time", "update_time", "created_by", "updated_by")
    ID_FIELD_NUMBER: _ClassVar[int]
    REP_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    PERIOD_RANGE_FIELD_NUMBER: _ClassVar[int]
    SIGNED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    NEW_CUSTOMER_COUNT_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_UP_COUNT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    id: str
    rep_id: str
    department_path: str
    period: str
    period_range: _types_pb2.DateRange
    signed_amount: _types_pb2.Money
    new_customer_count: int
    follow_up_count: int
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    created_by: str
    updated_by: str
    def __init__(self, id: _Optional[str] = ..., rep_id: _Optional[str] = ..., department_path: _Optional[str] = ..., period: _Optional[str] = ..., period_range: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., signed_amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., new_customer_count: _Optional[int] = ..., follow_up_count: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., updated_by: _Optional[str] = ...) -> None: ...

class TargetMetricAttainment(_message.Message):
    __slots__ = ("key", "display_name", "unit", "target", "actual", "ratio")
    KEY_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    ACTUAL_FIELD_NUMBER: _ClassVar[int]
    RATIO_FIELD_NUMBER: _ClassVar[int]
    key: str
    display_name: str
    unit: str
    target: float
    actual: float
    ratio: float
    def __init__(self, key: _Optional[str] = ..., display_name: _Optional[str] = ..., unit: _Optional[str] = ..., target: _Optional[float] = ..., actual: _Optional[float] = ..., ratio: _Optional[float] = ...) -> None: ...

class TargetAttainment(_message.Message):
    __slots__ = ("rep_id", "department_path", "display_name", "period", "period_range", "target", "metrics")
    REP_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    PERIOD_RANGE_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    rep_id: str
    department_path: str
    display_name: str
    period: str
    period_range: _types_pb2.DateRange
    target: SalesTarget
    metrics: _containers.RepeatedCompositeFieldContainer[TargetMetricAttainment]
    def __init__(self, rep_id: _Optional[str] = ..., department_path: _Optional[str] = ..., display_name: _Optional[str] = ..., period: _Optional[str] = ..., period_range: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., target: _Optional[_Union[SalesTarget, _Mapping]] = ..., metrics: _Optional[_Iterable[_Union[TargetMetricAttainment, _Mapping]]] = ...) -> None: ...

class SalesLeaderboardRow(_message.Message):
    __slots__ = ("rank", "attainment")
    RANK_FIELD_NUMBER: _ClassVar[int]
    ATTAINMENT_FIELD_NUMBER: _ClassVar[int]
    rank: int
    attainment: TargetAttainment
    def __init__(self, rank: _Optional[int] = ..., attainment: _Optional[_Union[TargetAttainment, _Mapping]] = ...) -> None: ...

class SalesLeaderboard(_message.Message):
    __slots__ = ("department_path", "period", "period_range", "rows")
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    PERIOD_RANGE_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    department_path: str
    period: str
    period_range: _types_pb2.DateRange
    rows: _containers.RepeatedCompositeFieldContainer[SalesLeaderboardRow]
    def __init__(self, department_path: _Optional[str] = ..., period: _Optional[str] = ..., period_range: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., rows: _Optional[_Iterable[_Union[SalesLeaderboardRow, _Mapping]]] = ...) -> None: ...

class SetSalesTargetRequest(_message.Message):
    __slots__ = ("target",)
    TARGET_FIELD_NUMBER: _ClassVar[int]
    target: SalesTarget
    def __init__(self, target: _Optional[_Union[SalesTarget, _Mapping]] = ...) -> None: ...

class ListSalesTargetsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "period", "department_path", "rep_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    REP_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    period: str
    department_path: str
    rep_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., period: _Optional[str] = ..., department_path: _Optional[str] = ..., rep_id: _Optional[str] = ...) -> None: ...

class ListSalesTargetsResponse(_message.Message):
    __slots__ = ("targets", "next_page_token")
    TARGETS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    targets: _containers.RepeatedCompositeFieldContainer[SalesTarget]
    next_page_token: str
    def __init__(self, targets: _Optional[_Iterable[_Union[SalesTarget, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetTargetAttainmentRequest(_message.Message):
    __slots__ = ("rep_id", "department_path", "period")
    REP_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    rep_id: str
    department_path: str
    period: str
    def __init__(self, rep_id: _Optional[str] = ..., department_path: _Optional[str] = ..., period: _Optional[str] = ...) -> None: ...

class GetSalesLeaderboardRequest(_message.Message):
    __slots__ = ("department_path", "period")
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    department_path: str
    period: str
    def __init__(self, department_path: _Optional[str] = ..., period: _Optional[str] = ...) -> None: ...

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

class CreateApprovalPolicyRequest(_message.Message):
    __slots__ = ("policy", "request_id")
    POLICY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    policy: _approvals_pb2.ApprovalPolicy
    request_id: str
    def __init__(self, policy: _Optional[_Union[_approvals_pb2.ApprovalPolicy, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetApprovalPolicyRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListApprovalPoliciesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "subject")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    subject: _approvals_pb2.ApprovalSubject
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., subject: _Optional[_Union[_approvals_pb2.ApprovalSubject, str]] = ...) -> None: ...

class ListApprovalPoliciesResponse(_message.Message):
    __slots__ = ("policies", "next_page_token")
    POLICIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    policies: _containers.RepeatedCompositeFieldContainer[_approvals_pb2.ApprovalPolicy]
    next_page_token: str
    def __init__(self, policies: _Optional[_Iterable[_Union[_approvals_pb2.ApprovalPolicy, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateApprovalPolicyRequest(_message.Message):
    __slots__ = ("policy", "update_mask")
    POLICY_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    policy: _approvals_pb2.ApprovalPolicy
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, policy: _Optional[_Union[_approvals_pb2.ApprovalPolicy, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class CreateSalesAttachmentRequest(_message.Message):
    __slots__ = ("record_type", "record_id", "file_name", "content", "request_id")
    RECORD_TYPE_FIELD_NUMBER: _ClassVar[int]
    RECORD_ID_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    record_type: str
    record_id: str
    file_name: str
    content: bytes
    request_id: str
    def __init__(self, record_type: _Optional[str] = ..., record_id: _Optional[str] = ..., file_name: _Optional[str] = ..., content: _Optional[bytes] = ..., request_id: _Optional[str] = ...) -> None: ...

class ListSalesAttachmentsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "record_type", "record_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    RECORD_TYPE_FIELD_NUMBER: _ClassVar[int]
    RECORD_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    record_type: str
    record_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., record_type: _Optional[str] = ..., record_id: _Optional[str] = ...) -> None: ...

class ListSalesAttachmentsResponse(_message.Message):
    __slots__ = ("attachments", "next_page_token")
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    attachments: _containers.RepeatedCompositeFieldContainer[_attachments_pb2.Attachment]
    next_page_token: str
    def __init__(self, attachments: _Optional[_Iterable[_Union[_attachments_pb2.Attachment, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DownloadSalesAttachmentRequest(_message.Message):
    __slots__ = ("id", "thumbnail", "record_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    THUMBNAIL_FIELD_NUMBER: _ClassVar[int]
    RECORD_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    thumbnail: bool
    record_id: str
    def __init__(self, id: _Optional[str] = ..., thumbnail: _Optional[bool] = ..., record_id: _Optional[str] = ...) -> None: ...

class DeleteSalesAttachmentRequest(_message.Message):
    __slots__ = ("id", "record_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    RECORD_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    record_id: str
    def __init__(self, id: _Optional[str] = ..., record_id: _Optional[str] = ...) -> None: ...
