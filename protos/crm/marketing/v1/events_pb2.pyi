import datetime

from crm.common.v1 import options_pb2 as _options_pb2
from crm.common.v1 import types_pb2 as _types_pb2
from crm.marketing.v1 import marketing_pb2 as _marketing_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SegmentMemberJoined(_message.Message):
    __slots__ = ("segment_id", "segment_name", "segment_kind", "customer_id", "owner_id", "department_path", "join_time", "cause_event_id")
    SEGMENT_ID_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_NAME_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_KIND_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    JOIN_TIME_FIELD_NUMBER: _ClassVar[int]
    CAUSE_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    segment_id: str
    segment_name: str
    segment_kind: _marketing_pb2.SegmentKind
    customer_id: str
    owner_id: str
    department_path: str
    join_time: _timestamp_pb2.Timestamp
    cause_event_id: str
    def __init__(self, segment_id: _Optional[str] = ..., segment_name: _Optional[str] = ..., segment_kind: _Optional[_Union[_marketing_pb2.SegmentKind, str]] = ..., customer_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., join_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., cause_event_id: _Optional[str] = ...) -> None: ...

class SegmentMemberLeft(_message.Message):
    __slots__ = ("segment_id", "segment_name", "segment_kind", "customer_id", "owner_id", "department_path", "leave_time", "cause_event_id")
    SEGMENT_ID_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_NAME_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_KIND_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    LEAVE_TIME_FIELD_NUMBER: _ClassVar[int]
    CAUSE_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    segment_id: str
    segment_name: str
    segment_kind: _marketing_pb2.SegmentKind
    customer_id: str
    owner_id: str
    department_path: str
    leave_time: _timestamp_pb2.Timestamp
    cause_event_id: str
    def __init__(self, segment_id: _Optional[str] = ..., segment_name: _Optional[str] = ..., segment_kind: _Optional[_Union[_marketing_pb2.SegmentKind, str]] = ..., customer_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., leave_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., cause_event_id: _Optional[str] = ...) -> None: ...

class CampaignLaunched(_message.Message):
    __slots__ = ("campaign", "actor_id")
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    campaign: _marketing_pb2.Campaign
    actor_id: str
    def __init__(self, campaign: _Optional[_Union[_marketing_pb2.Campaign, _Mapping]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class CampaignCompleted(_message.Message):
    __slots__ = ("campaign", "actor_id")
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    campaign: _marketing_pb2.Campaign
    actor_id: str
    def __init__(self, campaign: _Optional[_Union[_marketing_pb2.Campaign, _Mapping]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class CampaignMessageSent(_message.Message):
    __slots__ = ("campaign_id", "campaign_name", "variant_id", "customer_id", "channel", "delivery_id", "send_time")
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_NAME_FIELD_NUMBER: _ClassVar[int]
    VARIANT_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_ID_FIELD_NUMBER: _ClassVar[int]
    SEND_TIME_FIELD_NUMBER: _ClassVar[int]
    campaign_id: str
    campaign_name: str
    variant_id: str
    customer_id: str
    channel: _types_pb2.DeliveryChannel
    delivery_id: str
    send_time: _timestamp_pb2.Timestamp
    def __init__(self, campaign_id: _Optional[str] = ..., campaign_name: _Optional[str] = ..., variant_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., channel: _Optional[_Union[_types_pb2.DeliveryChannel, str]] = ..., delivery_id: _Optional[str] = ..., send_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CampaignResponded(_message.Message):
    __slots__ = ("response", "campaign_name", "owner_id", "department_path")
    RESPONSE_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_NAME_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    response: _marketing_pb2.CampaignResponse
    campaign_name: str
    owner_id: str
    department_path: str
    def __init__(self, response: _Optional[_Union[_marketing_pb2.CampaignResponse, _Mapping]] = ..., campaign_name: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ...) -> None: ...

class TriggerFired(_message.Message):
    __slots__ = ("firing", "trigger_name", "action", "owner_id", "department_path", "customer_display_name")
    FIRING_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_NAME_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    firing: _marketing_pb2.TriggerFiring
    trigger_name: str
    action: _marketing_pb2.TriggerAction
    owner_id: str
    department_path: str
    customer_display_name: str
    def __init__(self, firing: _Optional[_Union[_marketing_pb2.TriggerFiring, _Mapping]] = ..., trigger_name: _Optional[str] = ..., action: _Optional[_Union[_marketing_pb2.TriggerAction, _Mapping]] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., customer_display_name: _Optional[str] = ...) -> None: ...

class SurveyInvited(_message.Message):
    __slots__ = ("invitation", "survey_title")
    INVITATION_FIELD_NUMBER: _ClassVar[int]
    SURVEY_TITLE_FIELD_NUMBER: _ClassVar[int]
    invitation: _marketing_pb2.SurveyInvitation
    survey_title: str
    def __init__(self, invitation: _Optional[_Union[_marketing_pb2.SurveyInvitation, _Mapping]] = ..., survey_title: _Optional[str] = ...) -> None: ...

class SurveyAnswered(_message.Message):
    __slots__ = ("answer", "survey_title", "dimension_scores", "owner_id", "department_path")
    class DimensionScoresEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    SURVEY_TITLE_FIELD_NUMBER: _ClassVar[int]
    DIMENSION_SCORES_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    answer: _marketing_pb2.SurveyAnswer
    survey_title: str
    dimension_scores: _containers.ScalarMap[str, float]
    owner_id: str
    department_path: str
    def __init__(self, answer: _Optional[_Union[_marketing_pb2.SurveyAnswer, _Mapping]] = ..., survey_title: _Optional[str] = ..., dimension_scores: _Optional[_Mapping[str, float]] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ...) -> None: ...

class ContactDue(_message.Message):
    __slots__ = ("occasion_key", "segment_id", "segment_name", "segment_kind", "customer_id", "owner_id", "department_path", "action", "period", "due_date")
    OCCASION_KEY_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_ID_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_NAME_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_KIND_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    occasion_key: str
    segment_id: str
    segment_name: str
    segment_kind: _marketing_pb2.SegmentKind
    customer_id: str
    owner_id: str
    department_path: str
    action: _marketing_pb2.ContactAction
    period: str
    due_date: str
    def __init__(self, occasion_key: _Optional[str] = ..., segment_id: _Optional[str] = ..., segment_name: _Optional[str] = ..., segment_kind: _Optional[_Union[_marketing_pb2.SegmentKind, str]] = ..., customer_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., action: _Optional[_Union[_marketing_pb2.ContactAction, _Mapping]] = ..., period: _Optional[str] = ..., due_date: _Optional[str] = ...) -> None: ...

class MarketingCustomerDataErased(_message.Message):
    __slots__ = ("erasure_request_id", "customer_id", "erased_record_count")
    ERASURE_REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    ERASED_RECORD_COUNT_FIELD_NUMBER: _ClassVar[int]
    erasure_request_id: str
    customer_id: str
    erased_record_count: int
    def __init__(self, erasure_request_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., erased_record_count: _Optional[int] = ...) -> None: ...
