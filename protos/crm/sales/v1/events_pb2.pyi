import datetime

from crm.common.v1 import approvals_pb2 as _approvals_pb2
from crm.common.v1 import collaborators_pb2 as _collaborators_pb2
from crm.common.v1 import options_pb2 as _options_pb2
from crm.common.v1 import types_pb2 as _types_pb2
from crm.sales.v1 import sales_pb2 as _sales_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class LeadCreated(_message.Message):
    __slots__ = ("lead", "actor_id")
    LEAD_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    lead: _sales_pb2.Lead
    actor_id: str
    def __init__(self, lead: _Optional[_Union[_sales_pb2.Lead, _Mapping]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class LeadGraded(_message.Message):
    __slots__ = ("lead_id", "previous_grade", "grade", "rule_id", "reason", "owner_id", "department_path", "actor_id")
    LEAD_ID_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_GRADE_FIELD_NUMBER: _ClassVar[int]
    GRADE_FIELD_NUMBER: _ClassVar[int]
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    lead_id: str
    previous_grade: _sales_pb2.LeadGrade
    grade: _sales_pb2.LeadGrade
    rule_id: str
    reason: str
    owner_id: str
    department_path: str
    actor_id: str
    def __init__(self, lead_id: _Optional[str] = ..., previous_grade: _Optional[_Union[_sales_pb2.LeadGrade, str]] = ..., grade: _Optional[_Union[_sales_pb2.LeadGrade, str]] = ..., rule_id: _Optional[str] = ..., reason: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., actor_id: _Optional[str] = ...) -> None: ...

class LeadAssigned(_message.Message):
    __slots__ = ("lead_id", "lead_number", "grade", "contact_name", "company_name", "current", "previous", "assignment", "first_contact_due_time")
    LEAD_ID_FIELD_NUMBER: _ClassVar[int]
    LEAD_NUMBER_FIELD_NUMBER: _ClassVar[int]
    GRADE_FIELD_NUMBER: _ClassVar[int]
    CONTACT_NAME_FIELD_NUMBER: _ClassVar[int]
    COMPANY_NAME_FIELD_NUMBER: _ClassVar[int]
    CURRENT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    ASSIGNMENT_FIELD_NUMBER: _ClassVar[int]
    FIRST_CONTACT_DUE_TIME_FIELD_NUMBER: _ClassVar[int]
    lead_id: str
    lead_number: str
    grade: _sales_pb2.LeadGrade
    contact_name: str
    company_name: str
    current: _types_pb2.Ownership
    previous: _types_pb2.Ownership
    assignment: _sales_pb2.LeadAssignment
    first_contact_due_time: _timestamp_pb2.Timestamp
    def __init__(self, lead_id: _Optional[str] = ..., lead_number: _Optional[str] = ..., grade: _Optional[_Union[_sales_pb2.LeadGrade, str]] = ..., contact_name: _Optional[str] = ..., company_name: _Optional[str] = ..., current: _Optional[_Union[_types_pb2.Ownership, _Mapping]] = ..., previous: _Optional[_Union[_types_pb2.Ownership, _Mapping]] = ..., assignment: _Optional[_Union[_sales_pb2.LeadAssignment, _Mapping]] = ..., first_contact_due_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class LeadFirstContactDue(_message.Message):
    __slots__ = ("lead_id", "lead_number", "grade", "owner_id", "department_path", "first_contact_due_time", "contact_name", "company_name")
    LEAD_ID_FIELD_NUMBER: _ClassVar[int]
    LEAD_NUMBER_FIELD_NUMBER: _ClassVar[int]
    GRADE_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    FIRST_CONTACT_DUE_TIME_FIELD_NUMBER: _ClassVar[int]
    CONTACT_NAME_FIELD_NUMBER: _ClassVar[int]
    COMPANY_NAME_FIELD_NUMBER: _ClassVar[int]
    lead_id: str
    lead_number: str
    grade: _sales_pb2.LeadGrade
    owner_id: str
    department_path: str
    first_contact_due_time: _timestamp_pb2.Timestamp
    contact_name: str
    company_name: str
    def __init__(self, lead_id: _Optional[str] = ..., lead_number: _Optional[str] = ..., grade: _Optional[_Union[_sales_pb2.LeadGrade, str]] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., first_contact_due_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., contact_name: _Optional[str] = ..., company_name: _Optional[str] = ...) -> None: ...

class LeadFirstContactOverdue(_message.Message):
    __slots__ = ("lead_id", "lead_number", "grade", "owner_id", "department_path", "first_contact_due_time", "contact_name", "company_name")
    LEAD_ID_FIELD_NUMBER: _ClassVar[int]
    LEAD_NUMBER_FIELD_NUMBER: _ClassVar[int]
    GRADE_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    FIRST_CONTACT_DUE_TIME_FIELD_NUMBER: _ClassVar[int]
    CONTACT_NAME_FIELD_NUMBER: _ClassVar[int]
    COMPANY_NAME_FIELD_NUMBER: _ClassVar[int]
    lead_id: str
    lead_number: str
    grade: _sales_pb2.LeadGrade
    owner_id: str
    department_path: str
    first_contact_due_time: _timestamp_pb2.Timestamp
    contact_name: str
    company_name: str
    def __init__(self, lead_id: _Optional[str] = ..., lead_number: _Optional[str] = ..., grade: _Optional[_Union[_sales_pb2.LeadGrade, str]] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., first_contact_due_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., contact_name: _Optional[str] = ..., company_name: _Optional[str] = ...) -> None: ...

class LeadConverted(_message.Message):
    __slots__ = ("lead_id", "customer_id", "customer_created", "opportunity_id", "source", "campaign_id", "campaign_variant_id", "owner_id", "department_path", "actor_id")
    LEAD_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_CREATED_FIELD_NUMBER: _ClassVar[int]
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_VARIANT_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    lead_id: str
    customer_id: str
    customer_created: bool
    opportunity_id: str
    source: _types_pb2.SourceChannel
    campaign_id: str
    campaign_variant_id: str
    owner_id: str
    department_path: str
    actor_id: str
    def __init__(self, lead_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., customer_created: _Optional[bool] = ..., opportunity_id: _Optional[str] = ..., source: _Optional[_Union[_types_pb2.SourceChannel, str]] = ..., campaign_id: _Optional[str] = ..., campaign_variant_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., actor_id: _Optional[str] = ...) -> None: ...

class LeadDisqualified(_message.Message):
    __slots__ = ("lead_id", "reason", "campaign_id", "owner_id", "department_path", "actor_id")
    LEAD_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    lead_id: str
    reason: str
    campaign_id: str
    owner_id: str
    department_path: str
    actor_id: str
    def __init__(self, lead_id: _Optional[str] = ..., reason: _Optional[str] = ..., campaign_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., actor_id: _Optional[str] = ...) -> None: ...

class LeadWentCold(_message.Message):
    __slots__ = ("lead_id", "customer_id", "campaign_id", "last_activity_time", "inactive_days", "owner_id", "department_path")
    LEAD_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    LAST_ACTIVITY_TIME_FIELD_NUMBER: _ClassVar[int]
    INACTIVE_DAYS_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    lead_id: str
    customer_id: str
    campaign_id: str
    last_activity_time: _timestamp_pb2.Timestamp
    inactive_days: int
    owner_id: str
    department_path: str
    def __init__(self, lead_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., campaign_id: _Optional[str] = ..., last_activity_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., inactive_days: _Optional[int] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ...) -> None: ...

class OpportunityCreated(_message.Message):
    __slots__ = ("opportunity", "actor_id")
    OPPORTUNITY_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    opportunity: _sales_pb2.Opportunity
    actor_id: str
    def __init__(self, opportunity: _Optional[_Union[_sales_pb2.Opportunity, _Mapping]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class OpportunityCollaboratorAdded(_message.Message):
    __slots__ = ("opportunity_id", "customer_id", "collaborator")
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    COLLABORATOR_FIELD_NUMBER: _ClassVar[int]
    opportunity_id: str
    customer_id: str
    collaborator: _collaborators_pb2.Collaborator
    def __init__(self, opportunity_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., collaborator: _Optional[_Union[_collaborators_pb2.Collaborator, _Mapping]] = ...) -> None: ...

class OpportunityCollaboratorRemoved(_message.Message):
    __slots__ = ("opportunity_id", "customer_id", "user_id", "role", "actor_id")
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    opportunity_id: str
    customer_id: str
    user_id: str
    role: _collaborators_pb2.CollaboratorRole
    actor_id: str
    def __init__(self, opportunity_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., user_id: _Optional[str] = ..., role: _Optional[_Union[_collaborators_pb2.CollaboratorRole, str]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class OpportunityStageChanged(_message.Message):
    __slots__ = ("opportunity", "previous_stage", "actor_id")
    OPPORTUNITY_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_STAGE_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    opportunity: _sales_pb2.Opportunity
    previous_stage: _sales_pb2.OpportunityStage
    actor_id: str
    def __init__(self, opportunity: _Optional[_Union[_sales_pb2.Opportunity, _Mapping]] = ..., previous_stage: _Optional[_Union[_sales_pb2.OpportunityStage, str]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class OpportunityWon(_message.Message):
    __slots__ = ("opportunity", "previous_stage", "cycle_days", "actor_id")
    OPPORTUNITY_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_STAGE_FIELD_NUMBER: _ClassVar[int]
    CYCLE_DAYS_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    opportunity: _sales_pb2.Opportunity
    previous_stage: _sales_pb2.OpportunityStage
    cycle_days: int
    actor_id: str
    def __init__(self, opportunity: _Optional[_Union[_sales_pb2.Opportunity, _Mapping]] = ..., previous_stage: _Optional[_Union[_sales_pb2.OpportunityStage, str]] = ..., cycle_days: _Optional[int] = ..., actor_id: _Optional[str] = ...) -> None: ...

class OpportunityLost(_message.Message):
    __slots__ = ("opportunity", "previous_stage", "actor_id")
    OPPORTUNITY_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_STAGE_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    opportunity: _sales_pb2.Opportunity
    previous_stage: _sales_pb2.OpportunityStage
    actor_id: str
    def __init__(self, opportunity: _Optional[_Union[_sales_pb2.Opportunity, _Mapping]] = ..., previous_stage: _Optional[_Union[_sales_pb2.OpportunityStage, str]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class QuoteSent(_message.Message):
    __slots__ = ("quote", "actor_id")
    QUOTE_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    quote: _sales_pb2.Quote
    actor_id: str
    def __init__(self, quote: _Optional[_Union[_sales_pb2.Quote, _Mapping]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class QuoteAccepted(_message.Message):
    __slots__ = ("quote", "actor_id")
    QUOTE_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    quote: _sales_pb2.Quote
    actor_id: str
    def __init__(self, quote: _Optional[_Union[_sales_pb2.Quote, _Mapping]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class QuoteRejected(_message.Message):
    __slots__ = ("quote", "actor_id")
    QUOTE_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    quote: _sales_pb2.Quote
    actor_id: str
    def __init__(self, quote: _Optional[_Union[_sales_pb2.Quote, _Mapping]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class ContractSigned(_message.Message):
    __slots__ = ("contract", "customer_annual_contract_amount", "actor_id")
    CONTRACT_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ANNUAL_CONTRACT_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    contract: _sales_pb2.Contract
    customer_annual_contract_amount: _types_pb2.Money
    actor_id: str
    def __init__(self, contract: _Optional[_Union[_sales_pb2.Contract, _Mapping]] = ..., customer_annual_contract_amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class ContractExpiring(_message.Message):
    __slots__ = ("contract", "days_until_end")
    CONTRACT_FIELD_NUMBER: _ClassVar[int]
    DAYS_UNTIL_END_FIELD_NUMBER: _ClassVar[int]
    contract: _sales_pb2.Contract
    days_until_end: int
    def __init__(self, contract: _Optional[_Union[_sales_pb2.Contract, _Mapping]] = ..., days_until_end: _Optional[int] = ...) -> None: ...

class ContractExpired(_message.Message):
    __slots__ = ("contract", "customer_annual_contract_amount", "renewed")
    CONTRACT_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ANNUAL_CONTRACT_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    RENEWED_FIELD_NUMBER: _ClassVar[int]
    contract: _sales_pb2.Contract
    customer_annual_contract_amount: _types_pb2.Money
    renewed: bool
    def __init__(self, contract: _Optional[_Union[_sales_pb2.Contract, _Mapping]] = ..., customer_annual_contract_amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., renewed: _Optional[bool] = ...) -> None: ...

class ContractTerminated(_message.Message):
    __slots__ = ("contract", "customer_annual_contract_amount", "actor_id")
    CONTRACT_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ANNUAL_CONTRACT_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    contract: _sales_pb2.Contract
    customer_annual_contract_amount: _types_pb2.Money
    actor_id: str
    def __init__(self, contract: _Optional[_Union[_sales_pb2.Contract, _Mapping]] = ..., customer_annual_contract_amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class PaymentReceived(_message.Message):
    __slots__ = ("payment", "contract_outstanding_amount", "campaign_id", "actor_id")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_OUTSTANDING_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    payment: _sales_pb2.Payment
    contract_outstanding_amount: _types_pb2.Money
    campaign_id: str
    actor_id: str
    def __init__(self, payment: _Optional[_Union[_sales_pb2.Payment, _Mapping]] = ..., contract_outstanding_amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., campaign_id: _Optional[str] = ..., actor_id: _Optional[str] = ...) -> None: ...

class PaymentVoided(_message.Message):
    __slots__ = ("payment", "actor_id")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    payment: _sales_pb2.Payment
    actor_id: str
    def __init__(self, payment: _Optional[_Union[_sales_pb2.Payment, _Mapping]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class PaymentOverdue(_message.Message):
    __slots__ = ("receivable",)
    RECEIVABLE_FIELD_NUMBER: _ClassVar[int]
    receivable: _sales_pb2.Receivable
    def __init__(self, receivable: _Optional[_Union[_sales_pb2.Receivable, _Mapping]] = ...) -> None: ...

class PurchaseRecorded(_message.Message):
    __slots__ = ("purchase", "customer_purchase_count_12m", "customer_purchase_amount_12m")
    PURCHASE_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_PURCHASE_COUNT_12M_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_PURCHASE_AMOUNT_12M_FIELD_NUMBER: _ClassVar[int]
    purchase: _sales_pb2.Purchase
    customer_purchase_count_12m: int
    customer_purchase_amount_12m: _types_pb2.Money
    def __init__(self, purchase: _Optional[_Union[_sales_pb2.Purchase, _Mapping]] = ..., customer_purchase_count_12m: _Optional[int] = ..., customer_purchase_amount_12m: _Optional[_Union[_types_pb2.Money, _Mapping]] = ...) -> None: ...

class ActivityRecorded(_message.Message):
    __slots__ = ("activity",)
    ACTIVITY_FIELD_NUMBER: _ClassVar[int]
    activity: _sales_pb2.Activity
    def __init__(self, activity: _Optional[_Union[_sales_pb2.Activity, _Mapping]] = ...) -> None: ...

class ActivityCommented(_message.Message):
    __slots__ = ("comment", "activity_topic", "customer_id", "lead_id")
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    ACTIVITY_TOPIC_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    LEAD_ID_FIELD_NUMBER: _ClassVar[int]
    comment: _sales_pb2.ActivityComment
    activity_topic: str
    customer_id: str
    lead_id: str
    def __init__(self, comment: _Optional[_Union[_sales_pb2.ActivityComment, _Mapping]] = ..., activity_topic: _Optional[str] = ..., customer_id: _Optional[str] = ..., lead_id: _Optional[str] = ...) -> None: ...

class FollowUpTaskDue(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: _sales_pb2.FollowUpTask
    def __init__(self, task: _Optional[_Union[_sales_pb2.FollowUpTask, _Mapping]] = ...) -> None: ...

class FollowUpTaskOverdue(_message.Message):
    __slots__ = ("task", "days_overdue")
    TASK_FIELD_NUMBER: _ClassVar[int]
    DAYS_OVERDUE_FIELD_NUMBER: _ClassVar[int]
    task: _sales_pb2.FollowUpTask
    days_overdue: int
    def __init__(self, task: _Optional[_Union[_sales_pb2.FollowUpTask, _Mapping]] = ..., days_overdue: _Optional[int] = ...) -> None: ...

class SalesCustomerDataErased(_message.Message):
    __slots__ = ("erasure_request_id", "customer_id", "erased_record_count")
    ERASURE_REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    ERASED_RECORD_COUNT_FIELD_NUMBER: _ClassVar[int]
    erasure_request_id: str
    customer_id: str
    erased_record_count: int
    def __init__(self, erasure_request_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., erased_record_count: _Optional[int] = ...) -> None: ...

class ProspectClassChanged(_message.Message):
    __slots__ = ("customer_id", "owner_id", "department_path", "previous", "current", "reason", "estimated_value")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    CURRENT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_VALUE_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    owner_id: str
    department_path: str
    previous: _types_pb2.ValueClass
    current: _types_pb2.ValueClass
    reason: str
    estimated_value: _types_pb2.Money
    def __init__(self, customer_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., previous: _Optional[_Union[_types_pb2.ValueClass, str]] = ..., current: _Optional[_Union[_types_pb2.ValueClass, str]] = ..., reason: _Optional[str] = ..., estimated_value: _Optional[_Union[_types_pb2.Money, _Mapping]] = ...) -> None: ...

class SalesTargetSet(_message.Message):
    __slots__ = ("target", "actor_id")
    TARGET_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    target: _sales_pb2.SalesTarget
    actor_id: str
    def __init__(self, target: _Optional[_Union[_sales_pb2.SalesTarget, _Mapping]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class ApprovalRequested(_message.Message):
    __slots__ = ("approval_request", "actor_id")
    APPROVAL_REQUEST_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    approval_request: _approvals_pb2.ApprovalRequest
    actor_id: str
    def __init__(self, approval_request: _Optional[_Union[_approvals_pb2.ApprovalRequest, _Mapping]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class ApprovalDecided(_message.Message):
    __slots__ = ("approval_request", "actor_id")
    APPROVAL_REQUEST_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    approval_request: _approvals_pb2.ApprovalRequest
    actor_id: str
    def __init__(self, approval_request: _Optional[_Union[_approvals_pb2.ApprovalRequest, _Mapping]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class ApprovalEscalated(_message.Message):
    __slots__ = ("approval_request",)
    APPROVAL_REQUEST_FIELD_NUMBER: _ClassVar[int]
    approval_request: _approvals_pb2.ApprovalRequest
    def __init__(self, approval_request: _Optional[_Union[_approvals_pb2.ApprovalRequest, _Mapping]] = ...) -> None: ...

class ApprovalReminderDue(_message.Message):
    __slots__ = ("approval_request",)
    APPROVAL_REQUEST_FIELD_NUMBER: _ClassVar[int]
    approval_request: _approvals_pb2.ApprovalRequest
    def __init__(self, approval_request: _Optional[_Union[_approvals_pb2.ApprovalRequest, _Mapping]] = ...) -> None: ...
