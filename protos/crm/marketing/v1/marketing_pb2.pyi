import datetime

from crm.common.v1 import options_pb2 as _options_pb2
from crm.common.v1 import privacy_pb2 as _privacy_pb2
from crm.common.v1 import reporting_pb2 as _reporting_pb2
from crm.common.v1 import rules_pb2 as _rules_pb2
from crm.common.v1 import types_pb2 as _types_pb2
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

class SegmentKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SEGMENT_KIND_UNSPECIFIED: _ClassVar[SegmentKind]
    SEGMENT_KIND_HIGH_VALUE: _ClassVar[SegmentKind]
    SEGMENT_KIND_POTENTIAL: _ClassVar[SegmentKind]
    SEGMENT_KIND_AT_RISK: _ClassVar[SegmentKind]
    SEGMENT_KIND_CUSTOM: _ClassVar[SegmentKind]

class ContactActionKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONTACT_ACTION_KIND_UNSPECIFIED: _ClassVar[ContactActionKind]
    CONTACT_ACTION_KIND_PERSONAL_CONTACT: _ClassVar[ContactActionKind]
    CONTACT_ACTION_KIND_BIRTHDAY_GREETING: _ClassVar[ContactActionKind]
    CONTACT_ACTION_KIND_CONTENT: _ClassVar[ContactActionKind]
    CONTACT_ACTION_KIND_EVENT_INVITATION: _ClassVar[ContactActionKind]
    CONTACT_ACTION_KIND_FOLLOW_UP: _ClassVar[ContactActionKind]
    CONTACT_ACTION_KIND_SURVEY: _ClassVar[ContactActionKind]

class Cadence(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CADENCE_UNSPECIFIED: _ClassVar[Cadence]
    CADENCE_WEEKLY: _ClassVar[Cadence]
    CADENCE_MONTHLY: _ClassVar[Cadence]
    CADENCE_QUARTERLY: _ClassVar[Cadence]
    CADENCE_YEARLY: _ClassVar[Cadence]
    CADENCE_ON_OCCASION: _ClassVar[Cadence]

class CampaignState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CAMPAIGN_STATE_UNSPECIFIED: _ClassVar[CampaignState]
    CAMPAIGN_STATE_DRAFT: _ClassVar[CampaignState]
    CAMPAIGN_STATE_SCHEDULED: _ClassVar[CampaignState]
    CAMPAIGN_STATE_RUNNING: _ClassVar[CampaignState]
    CAMPAIGN_STATE_PAUSED: _ClassVar[CampaignState]
    CAMPAIGN_STATE_COMPLETED: _ClassVar[CampaignState]
    CAMPAIGN_STATE_CANCELLED: _ClassVar[CampaignState]

class RecipientStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RECIPIENT_STATUS_UNSPECIFIED: _ClassVar[RecipientStatus]
    RECIPIENT_STATUS_PENDING: _ClassVar[RecipientStatus]
    RECIPIENT_STATUS_SENT: _ClassVar[RecipientStatus]
    RECIPIENT_STATUS_DELIVERED: _ClassVar[RecipientStatus]
    RECIPIENT_STATUS_FAILED: _ClassVar[RecipientStatus]
    RECIPIENT_STATUS_SUPPRESSED_NO_CONSENT: _ClassVar[RecipientStatus]
    RECIPIENT_STATUS_SUPPRESSED_FREQUENCY_CAP: _ClassVar[RecipientStatus]
    RECIPIENT_STATUS_CANCELLED: _ClassVar[RecipientStatus]

class ResponseKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RESPONSE_KIND_UNSPECIFIED: _ClassVar[ResponseKind]
    RESPONSE_KIND_CLICK: _ClassVar[ResponseKind]
    RESPONSE_KIND_REPLY: _ClassVar[ResponseKind]
    RESPONSE_KIND_REGISTRATION: _ClassVar[ResponseKind]
    RESPONSE_KIND_ATTENDANCE: _ClassVar[ResponseKind]
    RESPONSE_KIND_OTHER: _ClassVar[ResponseKind]

class TriggerKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TRIGGER_KIND_UNSPECIFIED: _ClassVar[TriggerKind]
    TRIGGER_KIND_BIRTHDAY: _ClassVar[TriggerKind]
    TRIGGER_KIND_CONTRACT_RENEWAL: _ClassVar[TriggerKind]
    TRIGGER_KIND_CUSTOMER_AT_RISK: _ClassVar[TriggerKind]
    TRIGGER_KIND_TICKET_CLOSED: _ClassVar[TriggerKind]
    TRIGGER_KIND_LEAD_COLD: _ClassVar[TriggerKind]
    TRIGGER_KIND_PURCHASE_MILESTONE: _ClassVar[TriggerKind]
    TRIGGER_KIND_SEGMENT_JOINED: _ClassVar[TriggerKind]
    TRIGGER_KIND_COOPERATION_ANNIVERSARY: _ClassVar[TriggerKind]
    TRIGGER_KIND_FESTIVAL: _ClassVar[TriggerKind]

class TriggerActionKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TRIGGER_ACTION_KIND_UNSPECIFIED: _ClassVar[TriggerActionKind]
    TRIGGER_ACTION_KIND_SEND_MESSAGE: _ClassVar[TriggerActionKind]
    TRIGGER_ACTION_KIND_SEND_SURVEY: _ClassVar[TriggerActionKind]
    TRIGGER_ACTION_KIND_NOTIFY_OWNER: _ClassVar[TriggerActionKind]
    TRIGGER_ACTION_KIND_CREATE_TASK: _ClassVar[TriggerActionKind]

class FiringOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FIRING_OUTCOME_UNSPECIFIED: _ClassVar[FiringOutcome]
    FIRING_OUTCOME_DONE: _ClassVar[FiringOutcome]
    FIRING_OUTCOME_SUPPRESSED_NO_CONSENT: _ClassVar[FiringOutcome]
    FIRING_OUTCOME_SUPPRESSED_FREQUENCY_CAP: _ClassVar[FiringOutcome]
    FIRING_OUTCOME_FAILED: _ClassVar[FiringOutcome]

class SurveyKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SURVEY_KIND_UNSPECIFIED: _ClassVar[SurveyKind]
    SURVEY_KIND_SERVICE_SATISFACTION: _ClassVar[SurveyKind]
    SURVEY_KIND_RELATIONSHIP: _ClassVar[SurveyKind]
    SURVEY_KIND_CAMPAIGN: _ClassVar[SurveyKind]

class SurveySchedule(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SURVEY_SCHEDULE_UNSPECIFIED: _ClassVar[SurveySchedule]
    SURVEY_SCHEDULE_ONCE: _ClassVar[SurveySchedule]
    SURVEY_SCHEDULE_QUARTERLY: _ClassVar[SurveySchedule]

class SurveyState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SURVEY_STATE_UNSPECIFIED: _ClassVar[SurveyState]
    SURVEY_STATE_DRAFT: _ClassVar[SurveyState]
    SURVEY_STATE_ACTIVE: _ClassVar[SurveyState]
    SURVEY_STATE_CLOSED: _ClassVar[SurveyState]

class QuestionType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    QUESTION_TYPE_UNSPECIFIED: _ClassVar[QuestionType]
    QUESTION_TYPE_RATING_1_TO_5: _ClassVar[QuestionType]
    QUESTION_TYPE_NPS_0_TO_10: _ClassVar[QuestionType]
    QUESTION_TYPE_TEXT: _ClassVar[QuestionType]
    QUESTION_TYPE_SINGLE_CHOICE: _ClassVar[QuestionType]

class InvitationState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INVITATION_STATE_UNSPECIFIED: _ClassVar[InvitationState]
    INVITATION_STATE_PENDING: _ClassVar[InvitationState]
    INVITATION_STATE_SENT: _ClassVar[InvitationState]
    INVITATION_STATE_ANSWERED: _ClassVar[InvitationState]
    INVITATION_STATE_EXPIRED: _ClassVar[InvitationState]
    INVITATION_STATE_SUPPRESSED: _ClassVar[InvitationState]

class ImprovementState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    IMPROVEMENT_STATE_UNSPECIFIED: _ClassVar[ImprovementState]
    IMPROVEMENT_STATE_OPEN: _ClassVar[ImprovementState]
    IMPROVEMENT_STATE_IN_PROGRESS: _ClassVar[ImprovementState]
    IMPROVEMENT_STATE_DONE: _ClassVar[ImprovementState]
    IMPROVEMENT_STATE_DISMISSED: _ClassVar[ImprovementState]
SEGMENT_KIND_UNSPECIFIED: SegmentKind
SEGMENT_KIND_HIGH_VALUE: SegmentKind
SEGMENT_KIND_POTENTIAL: SegmentKind
SEGMENT_KIND_AT_RISK: SegmentKind
SEGMENT_KIND_CUSTOM: SegmentKind
CONTACT_ACTION_KIND_UNSPECIFIED: ContactActionKind
CONTACT_ACTION_KIND_PERSONAL_CONTACT: ContactActionKind
CONTACT_ACTION_KIND_BIRTHDAY_GREETING: ContactActionKind
CONTACT_ACTION_KIND_CONTENT: ContactActionKind
CONTACT_ACTION_KIND_EVENT_INVITATION: ContactActionKind
CONTACT_ACTION_KIND_FOLLOW_UP: ContactActionKind
CONTACT_ACTION_KIND_SURVEY: ContactActionKind
CADENCE_UNSPECIFIED: Cadence
CADENCE_WEEKLY: Cadence
CADENCE_MONTHLY: Cadence
CADENCE_QUARTERLY: Cadence
CADENCE_YEARLY: Cadence
CADENCE_ON_OCCASION: Cadence
CAMPAIGN_STATE_UNSPECIFIED: CampaignState
CAMPAIGN_STATE_DRAFT: CampaignState
CAMPAIGN_STATE_SCHEDULED: CampaignState
CAMPAIGN_STATE_RUNNING: CampaignState
CAMPAIGN_STATE_PAUSED: CampaignState
CAMPAIGN_STATE_COMPLETED: CampaignState
CAMPAIGN_STATE_CANCELLED: CampaignState
RECIPIENT_STATUS_UNSPECIFIED: RecipientStatus
RECIPIENT_STATUS_PENDING: RecipientStatus
RECIPIENT_STATUS_SENT: RecipientStatus
RECIPIENT_STATUS_DELIVERED: RecipientStatus
RECIPIENT_STATUS_FAILED: RecipientStatus
RECIPIENT_STATUS_SUPPRESSED_NO_CONSENT: RecipientStatus
RECIPIENT_STATUS_SUPPRESSED_FREQUENCY_CAP: RecipientStatus
RECIPIENT_STATUS_CANCELLED: RecipientStatus
RESPONSE_KIND_UNSPECIFIED: ResponseKind
RESPONSE_KIND_CLICK: ResponseKind
RESPONSE_KIND_REPLY: ResponseKind
RESPONSE_KIND_REGISTRATION: ResponseKind
RESPONSE_KIND_ATTENDANCE: ResponseKind
RESPONSE_KIND_OTHER: ResponseKind
TRIGGER_KIND_UNSPECIFIED: TriggerKind
TRIGGER_KIND_BIRTHDAY: TriggerKind
TRIGGER_KIND_CONTRACT_RENEWAL: TriggerKind
TRIGGER_KIND_CUSTOMER_AT_RISK: TriggerKind
TRIGGER_KIND_TICKET_CLOSED: TriggerKind
TRIGGER_KIND_LEAD_COLD: TriggerKind
TRIGGER_KIND_PURCHASE_MILESTONE: TriggerKind
TRIGGER_KIND_SEGMENT_JOINED: TriggerKind
TRIGGER_KIND_COOPERATION_ANNIVERSARY: TriggerKind
TRIGGER_KIND_FESTIVAL: TriggerKind
TRIGGER_ACTION_KIND_UNSPECIFIED: TriggerActionKind
TRIGGER_ACTION_KIND_SEND_MESSAGE: TriggerActionKind
TRIGGER_ACTION_KIND_SEND_SURVEY: TriggerActionKind
TRIGGER_ACTION_KIND_NOTIFY_OWNER: TriggerActionKind
TRIGGER_ACTION_KIND_CREATE_TASK: TriggerActionKind
FIRING_OUTCOME_UNSPECIFIED: FiringOutcome
FIRING_OUTCOME_DONE: FiringOutcome
FIRING_OUTCOME_SUPPRESSED_NO_CONSENT: FiringOutcome
FIRING_OUTCOME_SUPPRESSED_FREQUENCY_CAP: FiringOutcome
FIRING_OUTCOME_FAILED: FiringOutcome
SURVEY_KIND_UNSPECIFIED: SurveyKind
SURVEY_KIND_SERVICE_SATISFACTION: SurveyKind
SURVEY_KIND_RELATIONSHIP: SurveyKind
SURVEY_KIND_CAMPAIGN: SurveyKind
SURVEY_SCHEDULE_UNSPECIFIED: SurveySchedule
SURVEY_SCHEDULE_ONCE: SurveySchedule
SURVEY_SCHEDULE_QUARTERLY: SurveySchedule
SURVEY_STATE_UNSPECIFIED: SurveyState
SURVEY_STATE_DRAFT: SurveyState
SURVEY_STATE_ACTIVE: SurveyState
SURVEY_STATE_CLOSED: SurveyState
QUESTION_TYPE_UNSPECIFIED: QuestionType
QUESTION_TYPE_RATING_1_TO_5: QuestionType
QUESTION_TYPE_NPS_0_TO_10: QuestionType
QUESTION_TYPE_TEXT: QuestionType
QUESTION_TYPE_SINGLE_CHOICE: QuestionType
INVITATION_STATE_UNSPECIFIED: InvitationState
INVITATION_STATE_PENDING: InvitationState
INVITATION_STATE_SENT: InvitationState
INVITATION_STATE_ANSWERED: InvitationState
INVITATION_STATE_EXPIRED: InvitationState
INVITATION_STATE_SUPPRESSED: InvitationState
IMPROVEMENT_STATE_UNSPECIFIED: ImprovementState
IMPROVEMENT_STATE_OPEN: ImprovementState
IMPROVEMENT_STATE_IN_PROGRESS: ImprovementState
IMPROVEMENT_STATE_DONE: ImprovementState
IMPROVEMENT_STATE_DISMISSED: ImprovementState

class Segment(_message.Message):
    __slots__ = ("id", "display_name", "description", "kind", "rule", "contact_strategy", "active", "member_count", "evaluate_time", "owner_id", "department_path", "create_time", "update_time", "created_by", "updated_by", "etag")
    ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    CONTACT_STRATEGY_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    MEMBER_COUNT_FIELD_NUMBER: _ClassVar[int]
    EVALUATE_TIME_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    id: str
    display_name: str
    description: str
    kind: SegmentKind
    rule: _rules_pb2.ConditionGroup
    contact_strategy: ContactStrategy
    active: bool
    member_count: int
    evaluate_time: _timestamp_pb2.Timestamp
    owner_id: str
    department_path: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    created_by: str
    updated_by: str
    etag: str
    def __init__(self, id: _Optional[str] = ..., display_name: _Optional[str] = ..., description: _Optional[str] = ..., kind: _Optional[_Union[SegmentKind, str]] = ..., rule: _Optional[_Union[_rules_pb2.ConditionGroup, _Mapping]] = ..., contact_strategy: _Optional[_Union[ContactStrategy, _Mapping]] = ..., active: _Optional[bool] = ..., member_count: _Optional[int] = ..., evaluate_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., updated_by: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class ContactStrategy(_message.Message):
    __slots__ = ("summary", "actions")
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    summary: str
    actions: _containers.RepeatedCompositeFieldContainer[ContactAction]
    def __init__(self, summary: _Optional[str] = ..., actions: _Optional[_Iterable[_Union[ContactAction, _Mapping]]] = ...) -> None: ...

class ContactAction(_message.Message):
    __slots__ = ("kind", "cadence", "channel", "template_key", "description")
    KIND_FIELD_NUMBER: _ClassVar[int]
    CADENCE_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_KEY_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    kind: ContactActionKind
    cadence: Cadence
    channel: _types_pb2.DeliveryChannel
    template_key: str
    description: str
    def __init__(self, kind: _Optional[_Union[ContactActionKind, str]] = ..., cadence: _Optional[_Union[Cadence, str]] = ..., channel: _Optional[_Union[_types_pb2.DeliveryChannel, str]] = ..., template_key: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class SegmentMember(_message.Message):
    __slots__ = ("segment_id", "customer_id", "display_name", "owner_id", "department_path", "value_class", "lifecycle_stage", "at_risk", "join_time")
    SEGMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    VALUE_CLASS_FIELD_NUMBER: _ClassVar[int]
    LIFECYCLE_STAGE_FIELD_NUMBER: _ClassVar[int]
    AT_RISK_FIELD_NUMBER: _ClassVar[int]
    JOIN_TIME_FIELD_NUMBER: _ClassVar[int]
    segment_id: str
    customer_id: str
    display_name: str
    owner_id: str
    department_path: str
    value_class: _types_pb2.ValueClass
    lifecycle_stage: _types_pb2.LifecycleStage
    at_risk: bool
    join_time: _timestamp_pb2.Timestamp
    def __init__(self, segment_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., display_name: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., value_class: _Optional[_Union[_types_pb2.ValueClass, str]] = ..., lifecycle_stage: _Optional[_Union[_types_pb2.LifecycleStage, str]] = ..., at_risk: _Optional[bool] = ..., join_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class MarketingProfile(_message.Message):
    __slots__ = ("customer_id", "display_name", "customer_type", "owner_id", "department_path", "tag_ids", "value_class", "lifecycle_stage", "rfm_recency_score", "rfm_frequency_score", "rfm_monetary_score", "at_risk", "marketing_consent", "birth_date", "contract_end_date", "last_purchase_date", "segment_ids", "messages_in_cap_window", "update_time", "channel_consents")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_TYPE_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    TAG_IDS_FIELD_NUMBER: _ClassVar[int]
    VALUE_CLASS_FIELD_NUMBER: _ClassVar[int]
    LIFECYCLE_STAGE_FIELD_NUMBER: _ClassVar[int]
    RFM_RECENCY_SCORE_FIELD_NUMBER: _ClassVar[int]
    RFM_FREQUENCY_SCORE_FIELD_NUMBER: _ClassVar[int]
    RFM_MONETARY_SCORE_FIELD_NUMBER: _ClassVar[int]
    AT_RISK_FIELD_NUMBER: _ClassVar[int]
    MARKETING_CONSENT_FIELD_NUMBER: _ClassVar[int]
    BIRTH_DATE_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_END_DATE_FIELD_NUMBER: _ClassVar[int]
    LAST_PURCHASE_DATE_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_IDS_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_IN_CAP_WINDOW_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_CONSENTS_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    display_name: str
    customer_type: str
    owner_id: str
    department_path: str
    tag_ids: _containers.RepeatedScalarFieldContainer[str]
    value_class: _types_pb2.ValueClass
    lifecycle_stage: _types_pb2.LifecycleStage
    rfm_recency_score: int
    rfm_frequency_score: int
    rfm_monetary_score: int
    at_risk: bool
    marketing_consent: bool
    birth_date: str
    contract_end_date: str
    last_purchase_date: str
    segment_ids: _containers.RepeatedScalarFieldContainer[str]
    messages_in_cap_window: int
    update_time: _timestamp_pb2.Timestamp
    channel_consents: _containers.RepeatedCompositeFieldContainer[ChannelConsent]
    def __init__(self, customer_id: _Optional[str] = ..., display_name: _Optional[str] = ..., customer_type: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., tag_ids: _Optional[_Iterable[str]] = ..., value_class: _Optional[_Union[_types_pb2.ValueClass, str]] = ..., lifecycle_stage: _Optional[_Union[_types_pb2.LifecycleStage, str]] = ..., rfm_recency_score: _Optional[int] = ..., rfm_frequency_score: _Optional[int] = ..., rfm_monetary_score: _Optional[int] = ..., at_risk: _Optional[bool] = ..., marketing_consent: _Optional[bool] = ..., birth_date: _Optional[str] = ..., contract_end_date: _Optional[str] = ..., last_purchase_date: _Optional[str] = ..., segment_ids: _Optional[_Iterable[str]] = ..., messages_in_cap_window: _Optional[int] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., channel_consents: _Optional[_Iterable[_Union[ChannelConsent, _Mapping]]] = ...) -> None: ...

class ChannelConsent(_message.Message):
    __slots__ = ("channel", "granted", "own")
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    GRANTED_FIELD_NUMBER: _ClassVar[int]
    OWN_FIELD_NUMBER: _ClassVar[int]
    channel: _types_pb2.DeliveryChannel
    granted: bool
    own: bool
    def __init__(self, channel: _Optional[_Union[_types_pb2.DeliveryChannel, str]] = ..., granted: _Optional[bool] = ..., own: _Optional[bool] = ...) -> None: ...

class Campaign(_message.Message):
    __slots__ = ("id", "name", "description", "objective", "state", "channel", "segment_ids", "excluded_segment_ids", "variants", "schedule_time", "end_time", "budget", "cost", "survey_id", "stats", "owner_id", "department_path", "launch_time", "complete_time", "create_time", "update_time", "created_by", "updated_by", "etag", "survey_schedule")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    OBJECTIVE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_IDS_FIELD_NUMBER: _ClassVar[int]
    EXCLUDED_SEGMENT_IDS_FIELD_NUMBER: _ClassVar[int]
    VARIANTS_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    BUDGET_FIELD_NUMBER: _ClassVar[int]
    COST_FIELD_NUMBER: _ClassVar[int]
    SURVEY_ID_FIELD_NUMBER: _ClassVar[int]
    STATS_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    LAUNCH_TIME_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    SURVEY_SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    description: str
    objective: str
    state: CampaignState
    channel: _types_pb2.DeliveryChannel
    segment_ids: _containers.RepeatedScalarFieldContainer[str]
    excluded_segment_ids: _containers.RepeatedScalarFieldContainer[str]
    variants: _containers.RepeatedCompositeFieldContainer[CampaignVariant]
    schedule_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    budget: _types_pb2.Money
    cost: _types_pb2.Money
    survey_id: str
    stats: CampaignStats
    owner_id: str
    department_path: str
    launch_time: _timestamp_pb2.Timestamp
    complete_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    created_by: str
    updated_by: str
    etag: str
    survey_schedule: SurveySchedule
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., objective: _Optional[str] = ..., state: _Optional[_Union[CampaignState, str]] = ..., channel: _Optional[_Union[_types_pb2.DeliveryChannel, str]] = ..., segment_ids: _Optional[_Iterable[str]] = ..., excluded_segment_ids: _Optional[_Iterable[str]] = ..., variants: _Optional[_Iterable[_Union[CampaignVariant, _Mapping]]] = ..., schedule_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., budget: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., cost: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., survey_id: _Optional[str] = ..., stats: _Optional[_Union[CampaignStats, _Mapping]] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., launch_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., complete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., updated_by: _Optional[str] = ..., etag: _Optional[str] = ..., survey_schedule: _Optional[_Union[SurveySchedule, str]] = ...) -> None: ...

class CampaignVariant(_message.Message):
    __slots__ = ("id", "name", "weight_percent", "template_key", "subject", "body", "locale", "landing_url")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_PERCENT_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_KEY_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    LANDING_URL_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    weight_percent: int
    template_key: str
    subject: str
    body: str
    locale: str
    landing_url: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., weight_percent: _Optional[int] = ..., template_key: _Optional[str] = ..., subject: _Optional[str] = ..., body: _Optional[str] = ..., locale: _Optional[str] = ..., landing_url: _Optional[str] = ...) -> None: ...

class CampaignStats(_message.Message):
    __slots__ = ("audience_count", "sent_count", "delivered_count", "failed_count", "suppressed_no_consent_count", "suppressed_frequency_cap_count", "response_count", "variants")
    AUDIENCE_COUNT_FIELD_NUMBER: _ClassVar[int]
    SENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    DELIVERED_COUNT_FIELD_NUMBER: _ClassVar[int]
    FAILED_COUNT_FIELD_NUMBER: _ClassVar[int]
    SUPPRESSED_NO_CONSENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    SUPPRESSED_FREQUENCY_CAP_COUNT_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_COUNT_FIELD_NUMBER: _ClassVar[int]
    VARIANTS_FIELD_NUMBER: _ClassVar[int]
    audience_count: int
    sent_count: int
    delivered_count: int
    failed_count: int
    suppressed_no_consent_count: int
    suppressed_frequency_cap_count: int
    response_count: int
    variants: _containers.RepeatedCompositeFieldContainer[VariantStats]
    def __init__(self, audience_count: _Optional[int] = ..., sent_count: _Optional[int] = ..., delivered_count: _Optional[int] = ..., failed_count: _Optional[int] = ..., suppressed_no_consent_count: _Optional[int] = ..., suppressed_frequency_cap_count: _Optional[int] = ..., response_count: _Optional[int] = ..., variants: _Optional[_Iterable[_Union[VariantStats, _Mapping]]] = ...) -> None: ...

class VariantStats(_message.Message):
    __slots__ = ("variant_id", "audience_count", "sent_count", "delivered_count", "response_count")
    VARIANT_ID_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_COUNT_FIELD_NUMBER: _ClassVar[int]
    SENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    DELIVERED_COUNT_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_COUNT_FIELD_NUMBER: _ClassVar[int]
    variant_id: str
    audience_count: int
    sent_count: int
    delivered_count: int
    response_count: int
    def __init__(self, variant_id: _Optional[str] = ..., audience_count: _Optional[int] = ..., sent_count: _Optional[int] = ..., delivered_count: _Optional[int] = ..., response_count: _Optional[int] = ...) -> None: ...

class CampaignRecipient(_message.Message):
    __slots__ = ("campaign_id", "customer_id", "variant_id", "status", "delivery_id", "send_time", "deliver_time", "response_time", "error")
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    VARIANT_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_ID_FIELD_NUMBER: _ClassVar[int]
    SEND_TIME_FIELD_NUMBER: _ClassVar[int]
    DELIVER_TIME_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_TIME_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    campaign_id: str
    customer_id: str
    variant_id: str
    status: RecipientStatus
    delivery_id: str
    send_time: _timestamp_pb2.Timestamp
    deliver_time: _timestamp_pb2.Timestamp
    response_time: _timestamp_pb2.Timestamp
    error: str
    def __init__(self, campaign_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., variant_id: _Optional[str] = ..., status: _Optional[_Union[RecipientStatus, str]] = ..., delivery_id: _Optional[str] = ..., send_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., deliver_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., response_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., error: _Optional[str] = ...) -> None: ...

class CampaignResponse(_message.Message):
    __slots__ = ("id", "campaign_id", "customer_id", "variant_id", "kind", "occur_time", "detail")
    ID_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    VARIANT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    OCCUR_TIME_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    id: str
    campaign_id: str
    customer_id: str
    variant_id: str
    kind: ResponseKind
    occur_time: _timestamp_pb2.Timestamp
    detail: str
    def __init__(self, id: _Optional[str] = ..., campaign_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., variant_id: _Optional[str] = ..., kind: _Optional[_Union[ResponseKind, str]] = ..., occur_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., detail: _Optional[str] = ...) -> None: ...

class CampaignRoi(_message.Message):
    __slots__ = ("campaign_id", "total", "variants", "compute_time")
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    VARIANTS_FIELD_NUMBER: _ClassVar[int]
    COMPUTE_TIME_FIELD_NUMBER: _ClassVar[int]
    campaign_id: str
    total: RoiFigures
    variants: _containers.RepeatedCompositeFieldContainer[RoiFigures]
    compute_time: _timestamp_pb2.Timestamp
    def __init__(self, campaign_id: _Optional[str] = ..., total: _Optional[_Union[RoiFigures, _Mapping]] = ..., variants: _Optional[_Iterable[_Union[RoiFigures, _Mapping]]] = ..., compute_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RoiFigures(_message.Message):
    __slots__ = ("variant_id", "delivered_count", "response_count", "response_rate", "lead_count", "conversion_count", "conversion_rate", "revenue", "cost", "roi")
    VARIANT_ID_FIELD_NUMBER: _ClassVar[int]
    DELIVERED_COUNT_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_COUNT_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_RATE_FIELD_NUMBER: _ClassVar[int]
    LEAD_COUNT_FIELD_NUMBER: _ClassVar[int]
    CONVERSION_COUNT_FIELD_NUMBER: _ClassVar[int]
    CONVERSION_RATE_FIELD_NUMBER: _ClassVar[int]
    REVENUE_FIELD_NUMBER: _ClassVar[int]
    COST_FIELD_NUMBER: _ClassVar[int]
    ROI_FIELD_NUMBER: _ClassVar[int]
    variant_id: str
    delivered_count: int
    response_count: int
    response_rate: float
    lead_count: int
    conversion_count: int
    conversion_rate: float
    revenue: _types_pb2.Money
    cost: _types_pb2.Money
    roi: float
    def __init__(self, variant_id: _Optional[str] = ..., delivered_count: _Optional[int] = ..., response_count: _Optional[int] = ..., response_rate: _Optional[float] = ..., lead_count: _Optional[int] = ..., conversion_count: _Optional[int] = ..., conversion_rate: _Optional[float] = ..., revenue: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., cost: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., roi: _Optional[float] = ...) -> None: ...

class MarketingPolicy(_message.Message):
    __slots__ = ("frequency_caps", "low_score_threshold", "improvement_low_score_share", "survey_invitation_valid_days", "default_locale", "update_time", "updated_by")
    FREQUENCY_CAPS_FIELD_NUMBER: _ClassVar[int]
    LOW_SCORE_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    IMPROVEMENT_LOW_SCORE_SHARE_FIELD_NUMBER: _ClassVar[int]
    SURVEY_INVITATION_VALID_DAYS_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_LOCALE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    frequency_caps: _containers.RepeatedCompositeFieldContainer[FrequencyCap]
    low_score_threshold: int
    improvement_low_score_share: float
    survey_invitation_valid_days: int
    default_locale: str
    update_time: _timestamp_pb2.Timestamp
    updated_by: str
    def __init__(self, frequency_caps: _Optional[_Iterable[_Union[FrequencyCap, _Mapping]]] = ..., low_score_threshold: _Optional[int] = ..., improvement_low_score_share: _Optional[float] = ..., survey_invitation_valid_days: _Optional[int] = ..., default_locale: _Optional[str] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_by: _Optional[str] = ...) -> None: ...

class FrequencyCap(_message.Message):
    __slots__ = ("channel", "max_messages", "window_days")
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    MAX_MESSAGES_FIELD_NUMBER: _ClassVar[int]
    WINDOW_DAYS_FIELD_NUMBER: _ClassVar[int]
    channel: _types_pb2.DeliveryChannel
    max_messages: int
    window_days: int
    def __init__(self, channel: _Optional[_Union[_types_pb2.DeliveryChannel, str]] = ..., max_messages: _Optional[int] = ..., window_days: _Optional[int] = ...) -> None: ...

class Trigger(_message.Message):
    __slots__ = ("id", "display_name", "kind", "enabled", "offset_days", "milestones", "segment_id", "condition", "action", "fire_count", "last_fire_time", "create_time", "update_time", "created_by", "updated_by")
    ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    OFFSET_DAYS_FIELD_NUMBER: _ClassVar[int]
    MILESTONES_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CONDITION_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    FIRE_COUNT_FIELD_NUMBER: _ClassVar[int]
    LAST_FIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    id: str
    display_name: str
    kind: TriggerKind
    enabled: bool
    offset_days: int
    milestones: _containers.RepeatedScalarFieldContainer[int]
    segment_id: str
    condition: _rules_pb2.ConditionGroup
    action: TriggerAction
    fire_count: int
    last_fire_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    created_by: str
    updated_by: str
    def __init__(self, id: _Optional[str] = ..., display_name: _Optional[str] = ..., kind: _Optional[_Union[TriggerKind, str]] = ..., enabled: _Optional[bool] = ..., offset_days: _Optional[int] = ..., milestones: _Optional[_Iterable[int]] = ..., segment_id: _Optional[str] = ..., condition: _Optional[_Union[_rules_pb2.ConditionGroup, _Mapping]] = ..., action: _Optional[_Union[TriggerAction, _Mapping]] = ..., fire_count: _Optional[int] = ..., last_fire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., updated_by: _Optional[str] = ...) -> None: ...

class TriggerAction(_message.Message):
    __slots__ = ("kind", "channel", "template_key", "survey_id", "campaign_id")
    KIND_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_KEY_FIELD_NUMBER: _ClassVar[int]
    SURVEY_ID_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    kind: TriggerActionKind
    channel: _types_pb2.DeliveryChannel
    template_key: str
    survey_id: str
    campaign_id: str
    def __init__(self, kind: _Optional[_Union[TriggerActionKind, str]] = ..., channel: _Optional[_Union[_types_pb2.DeliveryChannel, str]] = ..., template_key: _Optional[str] = ..., survey_id: _Optional[str] = ..., campaign_id: _Optional[str] = ...) -> None: ...

class TriggerFiring(_message.Message):
    __slots__ = ("id", "trigger_id", "kind", "customer_id", "occasion_key", "source_event_id", "outcome", "delivery_id", "survey_invitation_id", "fire_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    OCCASION_KEY_FIELD_NUMBER: _ClassVar[int]
    SOURCE_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_ID_FIELD_NUMBER: _ClassVar[int]
    SURVEY_INVITATION_ID_FIELD_NUMBER: _ClassVar[int]
    FIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    trigger_id: str
    kind: TriggerKind
    customer_id: str
    occasion_key: str
    source_event_id: str
    outcome: FiringOutcome
    delivery_id: str
    survey_invitation_id: str
    fire_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., trigger_id: _Optional[str] = ..., kind: _Optional[_Union[TriggerKind, str]] = ..., customer_id: _Optional[str] = ..., occasion_key: _Optional[str] = ..., source_event_id: _Optional[str] = ..., outcome: _Optional[_Union[FiringOutcome, str]] = ..., delivery_id: _Optional[str] = ..., survey_invitation_id: _Optional[str] = ..., fire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Survey(_message.Message):
    __slots__ = ("id", "title", "description", "kind", "questions", "state", "locale", "answer_count", "owner_id", "department_path", "create_time", "update_time", "created_by", "updated_by", "etag")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    QUESTIONS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    ANSWER_COUNT_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    id: str
    title: str
    description: str
    kind: SurveyKind
    questions: _containers.RepeatedCompositeFieldContainer[SurveyQuestion]
    state: SurveyState
    locale: str
    answer_count: int
    owner_id: str
    department_path: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    created_by: str
    updated_by: str
    etag: str
    def __init__(self, id: _Optional[str] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., kind: _Optional[_Union[SurveyKind, str]] = ..., questions: _Optional[_Iterable[_Union[SurveyQuestion, _Mapping]]] = ..., state: _Optional[_Union[SurveyState, str]] = ..., locale: _Optional[str] = ..., answer_count: _Optional[int] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., updated_by: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class SurveyQuestion(_message.Message):
    __slots__ = ("id", "dimension", "text", "type", "required", "options")
    ID_FIELD_NUMBER: _ClassVar[int]
    DIMENSION_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    id: str
    dimension: str
    text: str
    type: QuestionType
    required: bool
    options: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., dimension: _Optional[str] = ..., text: _Optional[str] = ..., type: _Optional[_Union[QuestionType, str]] = ..., required: _Optional[bool] = ..., options: _Optional[_Iterable[str]] = ...) -> None: ...

class SurveyInvitation(_message.Message):
    __slots__ = ("id", "survey_id", "customer_id", "contact_id", "ticket_id", "campaign_id", "trigger_id", "channel", "state", "link_url", "expire_time", "delivery_id", "send_time", "answer_time", "create_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    SURVEY_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    CONTACT_ID_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    LINK_URL_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_ID_FIELD_NUMBER: _ClassVar[int]
    SEND_TIME_FIELD_NUMBER: _ClassVar[int]
    ANSWER_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    survey_id: str
    customer_id: str
    contact_id: str
    ticket_id: str
    campaign_id: str
    trigger_id: str
    channel: _types_pb2.DeliveryChannel
    state: InvitationState
    link_url: str
    expire_time: _timestamp_pb2.Timestamp
    delivery_id: str
    send_time: _timestamp_pb2.Timestamp
    answer_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., survey_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., contact_id: _Optional[str] = ..., ticket_id: _Optional[str] = ..., campaign_id: _Optional[str] = ..., trigger_id: _Optional[str] = ..., channel: _Optional[_Union[_types_pb2.DeliveryChannel, str]] = ..., state: _Optional[_Union[InvitationState, str]] = ..., link_url: _Optional[str] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., delivery_id: _Optional[str] = ..., send_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., answer_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SurveyForm(_message.Message):
    __slots__ = ("invitation_id", "title", "description", "questions", "locale", "context", "expire_time", "answered")
    INVITATION_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    QUESTIONS_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    ANSWERED_FIELD_NUMBER: _ClassVar[int]
    invitation_id: str
    title: str
    description: str
    questions: _containers.RepeatedCompositeFieldContainer[SurveyQuestion]
    locale: str
    context: str
    expire_time: _timestamp_pb2.Timestamp
    answered: bool
    def __init__(self, invitation_id: _Optional[str] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., questions: _Optional[_Iterable[_Union[SurveyQuestion, _Mapping]]] = ..., locale: _Optional[str] = ..., context: _Optional[str] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., answered: _Optional[bool] = ...) -> None: ...

class QuestionAnswer(_message.Message):
    __slots__ = ("question_id", "dimension", "score", "text", "choice")
    QUESTION_ID_FIELD_NUMBER: _ClassVar[int]
    DIMENSION_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    CHOICE_FIELD_NUMBER: _ClassVar[int]
    question_id: str
    dimension: str
    score: int
    text: str
    choice: str
    def __init__(self, question_id: _Optional[str] = ..., dimension: _Optional[str] = ..., score: _Optional[int] = ..., text: _Optional[str] = ..., choice: _Optional[str] = ...) -> None: ...

class SurveyAnswer(_message.Message):
    __slots__ = ("id", "survey_id", "invitation_id", "customer_id", "ticket_id", "campaign_id", "answers", "overall_score", "nps", "low_score", "comment", "submit_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    SURVEY_ID_FIELD_NUMBER: _ClassVar[int]
    INVITATION_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    OVERALL_SCORE_FIELD_NUMBER: _ClassVar[int]
    NPS_FIELD_NUMBER: _ClassVar[int]
    LOW_SCORE_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    SUBMIT_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    survey_id: str
    invitation_id: str
    customer_id: str
    ticket_id: str
    campaign_id: str
    answers: _containers.RepeatedCompositeFieldContainer[QuestionAnswer]
    overall_score: float
    nps: int
    low_score: bool
    comment: str
    submit_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., survey_id: _Optional[str] = ..., invitation_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., ticket_id: _Optional[str] = ..., campaign_id: _Optional[str] = ..., answers: _Optional[_Iterable[_Union[QuestionAnswer, _Mapping]]] = ..., overall_score: _Optional[float] = ..., nps: _Optional[int] = ..., low_score: _Optional[bool] = ..., comment: _Optional[str] = ..., submit_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SurveyResults(_message.Message):
    __slots__ = ("survey_id", "period", "invitation_count", "answer_count", "response_rate", "questions", "dimensions", "nps", "compute_time")
    SURVEY_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    INVITATION_COUNT_FIELD_NUMBER: _ClassVar[int]
    ANSWER_COUNT_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_RATE_FIELD_NUMBER: _ClassVar[int]
    QUESTIONS_FIELD_NUMBER: _ClassVar[int]
    DIMENSIONS_FIELD_NUMBER: _ClassVar[int]
    NPS_FIELD_NUMBER: _ClassVar[int]
    COMPUTE_TIME_FIELD_NUMBER: _ClassVar[int]
    survey_id: str
    period: _types_pb2.DateRange
    invitation_count: int
    answer_count: int
    response_rate: float
    questions: _containers.RepeatedCompositeFieldContainer[QuestionResult]
    dimensions: _containers.RepeatedCompositeFieldContainer[DimensionResult]
    nps: NpsResult
    compute_time: _timestamp_pb2.Timestamp
    def __init__(self, survey_id: _Optional[str] = ..., period: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., invitation_count: _Optional[int] = ..., answer_count: _Optional[int] = ..., response_rate: _Optional[float] = ..., questions: _Optional[_Iterable[_Union[QuestionResult, _Mapping]]] = ..., dimensions: _Optional[_Iterable[_Union[DimensionResult, _Mapping]]] = ..., nps: _Optional[_Union[NpsResult, _Mapping]] = ..., compute_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class QuestionResult(_message.Message):
    __slots__ = ("question_id", "dimension", "text", "answer_count", "average_score", "score_counts", "choice_counts", "low_score_count", "low_score_share")
    class ScoreCountsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: int
        value: int
        def __init__(self, key: _Optional[int] = ..., value: _Optional[int] = ...) -> None: ...
    class ChoiceCountsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    QUESTION_ID_FIELD_NUMBER: _ClassVar[int]
    DIMENSION_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    ANSWER_COUNT_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_SCORE_FIELD_NUMBER: _ClassVar[int]
    SCORE_COUNTS_FIELD_NUMBER: _ClassVar[int]
    CHOICE_COUNTS_FIELD_NUMBER: _ClassVar[int]
    LOW_SCORE_COUNT_FIELD_NUMBER: _ClassVar[int]
    LOW_SCORE_SHARE_FIELD_NUMBER: _ClassVar[int]
    question_id: str
    dimension: str
    text: str
    answer_count: int
    average_score: float
    score_counts: _containers.ScalarMap[int, int]
    choice_counts: _containers.ScalarMap[str, int]
    low_score_count: int
    low_score_share: float
    def __init__(self, question_id: _Optional[str] = ..., dimension: _Optional[str] = ..., text: _Optional[str] = ..., answer_count: _Optional[int] = ..., average_score: _Optional[float] = ..., score_counts: _Optional[_Mapping[int, int]] = ..., choice_counts: _Optional[_Mapping[str, int]] = ..., low_score_count: _Optional[int] = ..., low_score_share: _Optional[float] = ...) -> None: ...

class DimensionResult(_message.Message):
    __slots__ = ("dimension", "average_score", "low_score_share", "answer_count")
    DIMENSION_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_SCORE_FIELD_NUMBER: _ClassVar[int]
    LOW_SCORE_SHARE_FIELD_NUMBER: _ClassVar[int]
    ANSWER_COUNT_FIELD_NUMBER: _ClassVar[int]
    dimension: str
    average_score: float
    low_score_share: float
    answer_count: int
    def __init__(self, dimension: _Optional[str] = ..., average_score: _Optional[float] = ..., low_score_share: _Optional[float] = ..., answer_count: _Optional[int] = ...) -> None: ...

class NpsResult(_message.Message):
    __slots__ = ("score", "promoter_count", "passive_count", "detractor_count")
    SCORE_FIELD_NUMBER: _ClassVar[int]
    PROMOTER_COUNT_FIELD_NUMBER: _ClassVar[int]
    PASSIVE_COUNT_FIELD_NUMBER: _ClassVar[int]
    DETRACTOR_COUNT_FIELD_NUMBER: _ClassVar[int]
    score: float
    promoter_count: int
    passive_count: int
    detractor_count: int
    def __init__(self, score: _Optional[float] = ..., promoter_count: _Optional[int] = ..., passive_count: _Optional[int] = ..., detractor_count: _Optional[int] = ...) -> None: ...

class ImprovementItem(_message.Message):
    __slots__ = ("id", "survey_id", "dimension", "title", "description", "low_score_share", "answer_count", "state", "owner_id", "department_path", "due_date", "automatic", "create_time", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    SURVEY_ID_FIELD_NUMBER: _ClassVar[int]
    DIMENSION_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    LOW_SCORE_SHARE_FIELD_NUMBER: _ClassVar[int]
    ANSWER_COUNT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    AUTOMATIC_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    survey_id: str
    dimension: str
    title: str
    description: str
    low_score_share: float
    answer_count: int
    state: ImprovementState
    owner_id: str
    department_path: str
    due_date: str
    automatic: bool
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., survey_id: _Optional[str] = ..., dimension: _Optional[str] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., low_score_share: _Optional[float] = ..., answer_count: _Optional[int] = ..., state: _Optional[_Union[ImprovementState, str]] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., due_date: _Optional[str] = ..., automatic: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateSegmentRequest(_message.Message):
    __slots__ = ("segment", "request_id")
    SEGMENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    segment: Segment
    request_id: str
    def __init__(self, segment: _Optional[_Union[Segment, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetSegmentRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListSegmentsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "kind", "query")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    kind: SegmentKind
    query: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., kind: _Optional[_Union[SegmentKind, str]] = ..., query: _Optional[str] = ...) -> None: ...

class ListSegmentsResponse(_message.Message):
    __slots__ = ("segments", "next_page_token")
    SEGMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    segments: _containers.RepeatedCompositeFieldContainer[Segment]
    next_page_token: str
    def __init__(self, segments: _Optional[_Iterable[_Union[Segment, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateSegmentRequest(_message.Message):
    __slots__ = ("segment", "update_mask")
    SEGMENT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    segment: Segment
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, segment: _Optional[_Union[Segment, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class DeleteSegmentRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class PreviewSegmentRequest(_message.Message):
    __slots__ = ("rule", "sample_size")
    RULE_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_SIZE_FIELD_NUMBER: _ClassVar[int]
    rule: _rules_pb2.ConditionGroup
    sample_size: int
    def __init__(self, rule: _Optional[_Union[_rules_pb2.ConditionGroup, _Mapping]] = ..., sample_size: _Optional[int] = ...) -> None: ...

class PreviewSegmentResponse(_message.Message):
    __slots__ = ("member_count", "sample")
    MEMBER_COUNT_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_FIELD_NUMBER: _ClassVar[int]
    member_count: int
    sample: _containers.RepeatedCompositeFieldContainer[SegmentMember]
    def __init__(self, member_count: _Optional[int] = ..., sample: _Optional[_Iterable[_Union[SegmentMember, _Mapping]]] = ...) -> None: ...

class EvaluateSegmentRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class EvaluateSegmentResponse(_message.Message):
    __slots__ = ("segment", "joined_count", "left_count")
    SEGMENT_FIELD_NUMBER: _ClassVar[int]
    JOINED_COUNT_FIELD_NUMBER: _ClassVar[int]
    LEFT_COUNT_FIELD_NUMBER: _ClassVar[int]
    segment: Segment
    joined_count: int
    left_count: int
    def __init__(self, segment: _Optional[_Union[Segment, _Mapping]] = ..., joined_count: _Optional[int] = ..., left_count: _Optional[int] = ...) -> None: ...

class ListSegmentMembersRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "segment_id", "department_path")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    segment_id: str
    department_path: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., segment_id: _Optional[str] = ..., department_path: _Optional[str] = ...) -> None: ...

class ListSegmentMembersResponse(_message.Message):
    __slots__ = ("members", "next_page_token", "total_size")
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    members: _containers.RepeatedCompositeFieldContainer[SegmentMember]
    next_page_token: str
    total_size: int
    def __init__(self, members: _Optional[_Iterable[_Union[SegmentMember, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class GetMarketingProfileRequest(_message.Message):
    __slots__ = ("customer_id",)
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    def __init__(self, customer_id: _Optional[str] = ...) -> None: ...

class CreateCampaignRequest(_message.Message):
    __slots__ = ("campaign", "request_id")
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    campaign: Campaign
    request_id: str
    def __init__(self, campaign: _Optional[_Union[Campaign, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetCampaignRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListCampaignsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "states", "channel", "segment_id", "owner_id", "query")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATES_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    states: _containers.RepeatedScalarFieldContainer[CampaignState]
    channel: _types_pb2.DeliveryChannel
    segment_id: str
    owner_id: str
    query: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., states: _Optional[_Iterable[_Union[CampaignState, str]]] = ..., channel: _Optional[_Union[_types_pb2.DeliveryChannel, str]] = ..., segment_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., query: _Optional[str] = ...) -> None: ...

class ListCampaignsResponse(_message.Message):
    __slots__ = ("campaigns", "next_page_token")
    CAMPAIGNS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    campaigns: _containers.RepeatedCompositeFieldContainer[Campaign]
    next_page_token: str
    def __init__(self, campaigns: _Optional[_Iterable[_Union[Campaign, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateCampaignRequest(_message.Message):
    __slots__ = ("campaign", "update_mask")
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    campaign: Campaign
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, campaign: _Optional[_Union[Campaign, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class DeleteCampaignRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ScheduleCampaignRequest(_message.Message):
    __slots__ = ("id", "schedule_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    schedule_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., schedule_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class LaunchCampaignRequest(_message.Message):
    __slots__ = ("id", "request_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    request_id: str
    def __init__(self, id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class PauseCampaignRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ResumeCampaignRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class CompleteCampaignRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class CancelCampaignRequest(_message.Message):
    __slots__ = ("id", "reason")
    ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    id: str
    reason: str
    def __init__(self, id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ListCampaignRecipientsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "campaign_id", "variant_id", "statuses", "customer_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    VARIANT_ID_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    campaign_id: str
    variant_id: str
    statuses: _containers.RepeatedScalarFieldContainer[RecipientStatus]
    customer_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., campaign_id: _Optional[str] = ..., variant_id: _Optional[str] = ..., statuses: _Optional[_Iterable[_Union[RecipientStatus, str]]] = ..., customer_id: _Optional[str] = ...) -> None: ...

class ListCampaignRecipientsResponse(_message.Message):
    __slots__ = ("recipients", "next_page_token")
    RECIPIENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    recipients: _containers.RepeatedCompositeFieldContainer[CampaignRecipient]
    next_page_token: str
    def __init__(self, recipients: _Optional[_Iterable[_Union[CampaignRecipient, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RecordCampaignResponseRequest(_message.Message):
    __slots__ = ("response", "request_id")
    RESPONSE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    response: CampaignResponse
    request_id: str
    def __init__(self, response: _Optional[_Union[CampaignResponse, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetCampaignSurveyRoundsRequest(_message.Message):
    __slots__ = ("campaign_id",)
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    campaign_id: str
    def __init__(self, campaign_id: _Optional[str] = ...) -> None: ...

class CampaignSurveyRounds(_message.Message):
    __slots__ = ("campaign_id", "rounds")
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    ROUNDS_FIELD_NUMBER: _ClassVar[int]
    campaign_id: str
    rounds: _containers.RepeatedCompositeFieldContainer[CampaignSurveyRound]
    def __init__(self, campaign_id: _Optional[str] = ..., rounds: _Optional[_Iterable[_Union[CampaignSurveyRound, _Mapping]]] = ...) -> None: ...

class CampaignSurveyRound(_message.Message):
    __slots__ = ("round", "invited_count", "results")
    ROUND_FIELD_NUMBER: _ClassVar[int]
    INVITED_COUNT_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    round: str
    invited_count: int
    results: SurveyResults
    def __init__(self, round: _Optional[str] = ..., invited_count: _Optional[int] = ..., results: _Optional[_Union[SurveyResults, _Mapping]] = ...) -> None: ...

class GetCampaignRoiRequest(_message.Message):
    __slots__ = ("campaign_id",)
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    campaign_id: str
    def __init__(self, campaign_id: _Optional[str] = ...) -> None: ...

class GetMarketingPolicyRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UpdateMarketingPolicyRequest(_message.Message):
    __slots__ = ("policy", "update_mask")
    POLICY_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    policy: MarketingPolicy
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, policy: _Optional[_Union[MarketingPolicy, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class CreateTriggerRequest(_message.Message):
    __slots__ = ("trigger", "request_id")
    TRIGGER_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    trigger: Trigger
    request_id: str
    def __init__(self, trigger: _Optional[_Union[Trigger, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetTriggerRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListTriggersRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "kind", "enabled")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    kind: TriggerKind
    enabled: bool
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., kind: _Optional[_Union[TriggerKind, str]] = ..., enabled: _Optional[bool] = ...) -> None: ...

class ListTriggersResponse(_message.Message):
    __slots__ = ("triggers", "next_page_token")
    TRIGGERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    triggers: _containers.RepeatedCompositeFieldContainer[Trigger]
    next_page_token: str
    def __init__(self, triggers: _Optional[_Iterable[_Union[Trigger, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateTriggerRequest(_message.Message):
    __slots__ = ("trigger", "update_mask")
    TRIGGER_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    trigger: Trigger
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, trigger: _Optional[_Union[Trigger, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class DeleteTriggerRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListTriggerFiringsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "trigger_id", "customer_id", "start_time", "end_time")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    trigger_id: str
    customer_id: str
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., trigger_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListTriggerFiringsResponse(_message.Message):
    __slots__ = ("firings", "next_page_token")
    FIRINGS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    firings: _containers.RepeatedCompositeFieldContainer[TriggerFiring]
    next_page_token: str
    def __init__(self, firings: _Optional[_Iterable[_Union[TriggerFiring, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CreateSurveyRequest(_message.Message):
    __slots__ = ("survey", "request_id")
    SURVEY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    survey: Survey
    request_id: str
    def __init__(self, survey: _Optional[_Union[Survey, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetSurveyRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListSurveysRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "kind", "state")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    kind: SurveyKind
    state: SurveyState
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., kind: _Optional[_Union[SurveyKind, str]] = ..., state: _Optional[_Union[SurveyState, str]] = ...) -> None: ...

class ListSurveysResponse(_message.Message):
    __slots__ = ("surveys", "next_page_token")
    SURVEYS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    surveys: _containers.RepeatedCompositeFieldContainer[Survey]
    next_page_token: str
    def __init__(self, surveys: _Optional[_Iterable[_Union[Survey, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateSurveyRequest(_message.Message):
    __slots__ = ("survey", "update_mask")
    SURVEY_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    survey: Survey
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, survey: _Optional[_Union[Survey, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class DeleteSurveyRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class CreateSurveyInvitationRequest(_message.Message):
    __slots__ = ("invitation", "request_id")
    INVITATION_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    invitation: SurveyInvitation
    request_id: str
    def __init__(self, invitation: _Optional[_Union[SurveyInvitation, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class ListSurveyInvitationsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "survey_id", "customer_id", "ticket_id", "state")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SURVEY_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    survey_id: str
    customer_id: str
    ticket_id: str
    state: InvitationState
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., survey_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., ticket_id: _Optional[str] = ..., state: _Optional[_Union[InvitationState, str]] = ...) -> None: ...

class ListSurveyInvitationsResponse(_message.Message):
    __slots__ = ("invitations", "next_page_token")
    INVITATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    invitations: _containers.RepeatedCompositeFieldContainer[SurveyInvitation]
    next_page_token: str
    def __init__(self, invitations: _Optional[_Iterable[_Union[SurveyInvitation, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UnsubscribeRequest(_message.Message):
    __slots__ = ("token",)
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    token: str
    def __init__(self, token: _Optional[str] = ...) -> None: ...

class UnsubscribeResponse(_message.Message):
    __slots__ = ("channel",)
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: _types_pb2.DeliveryChannel
    def __init__(self, channel: _Optional[_Union[_types_pb2.DeliveryChannel, str]] = ...) -> None: ...

class HandleSmsReplyRequest(_message.Message):
    __slots__ = ("phone", "text", "receive_time")
    PHONE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    RECEIVE_TIME_FIELD_NUMBER: _ClassVar[int]
    phone: str
    text: str
    receive_time: _timestamp_pb2.Timestamp
    def __init__(self, phone: _Optional[str] = ..., text: _Optional[str] = ..., receive_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class HandleSmsReplyResponse(_message.Message):
    __slots__ = ("opt_out", "unsubscribed_count")
    OPT_OUT_FIELD_NUMBER: _ClassVar[int]
    UNSUBSCRIBED_COUNT_FIELD_NUMBER: _ClassVar[int]
    opt_out: bool
    unsubscribed_count: int
    def __init__(self, opt_out: _Optional[bool] = ..., unsubscribed_count: _Optional[int] = ...) -> None: ...

class GetSurveyFormRequest(_message.Message):
    __slots__ = ("token",)
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    token: str
    def __init__(self, token: _Optional[str] = ...) -> None: ...

class SubmitSurveyAnswerRequest(_message.Message):
    __slots__ = ("token", "answers", "comment")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    token: str
    answers: _containers.RepeatedCompositeFieldContainer[QuestionAnswer]
    comment: str
    def __init__(self, token: _Optional[str] = ..., answers: _Optional[_Iterable[_Union[QuestionAnswer, _Mapping]]] = ..., comment: _Optional[str] = ...) -> None: ...

class ListSurveyAnswersRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "survey_id", "customer_id", "low_score_only", "period")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SURVEY_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    LOW_SCORE_ONLY_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    survey_id: str
    customer_id: str
    low_score_only: bool
    period: _types_pb2.DateRange
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., survey_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., low_score_only: _Optional[bool] = ..., period: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ...) -> None: ...

class ListSurveyAnswersResponse(_message.Message):
    __slots__ = ("answers", "next_page_token")
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    answers: _containers.RepeatedCompositeFieldContainer[SurveyAnswer]
    next_page_token: str
    def __init__(self, answers: _Optional[_Iterable[_Union[SurveyAnswer, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetSurveyResultsRequest(_message.Message):
    __slots__ = ("survey_id", "period")
    SURVEY_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    survey_id: str
    period: _types_pb2.DateRange
    def __init__(self, survey_id: _Optional[str] = ..., period: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ...) -> None: ...

class ListImprovementItemsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "survey_id", "states", "department_path")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SURVEY_ID_FIELD_NUMBER: _ClassVar[int]
    STATES_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    survey_id: str
    states: _containers.RepeatedScalarFieldContainer[ImprovementState]
    department_path: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., survey_id: _Optional[str] = ..., states: _Optional[_Iterable[_Union[ImprovementState, str]]] = ..., department_path: _Optional[str] = ...) -> None: ...

class ListImprovementItemsResponse(_message.Message):
    __slots__ = ("items", "next_page_token")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[ImprovementItem]
    next_page_token: str
    def __init__(self, items: _Optional[_Iterable[_Union[ImprovementItem, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CreateImprovementItemRequest(_message.Message):
    __slots__ = ("item", "request_id")
    ITEM_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    item: ImprovementItem
    request_id: str
    def __init__(self, item: _Optional[_Union[ImprovementItem, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateImprovementItemRequest(_message.Message):
    __slots__ = ("item", "update_mask")
    ITEM_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    item: ImprovementItem
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, item: _Optional[_Union[ImprovementItem, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class GetMarketingKpisRequest(_message.Message):
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
