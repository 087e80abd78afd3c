import datetime

from crm.common.v1 import options_pb2 as _options_pb2
from crm.common.v1 import privacy_pb2 as _privacy_pb2
from crm.common.v1 import reporting_pb2 as _reporting_pb2
from crm.common.v1 import rules_pb2 as _rules_pb2
from crm.common.v1 import types_pb2 as _types_pb2
from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.rpc import status_pb2 as _status_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class NotificationPriority(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NOTIFICATION_PRIORITY_UNSPECIFIED: _ClassVar[NotificationPriority]
    NOTIFICATION_PRIORITY_LOW: _ClassVar[NotificationPriority]
    NOTIFICATION_PRIORITY_NORMAL: _ClassVar[NotificationPriority]
    NOTIFICATION_PRIORITY_HIGH: _ClassVar[NotificationPriority]
    NOTIFICATION_PRIORITY_URGENT: _ClassVar[NotificationPriority]

class DeliveryStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DELIVERY_STATUS_UNSPECIFIED: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_PENDING: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_SCHEDULED: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_DELIVERED: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_RETRYING: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_FAILED: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_SUPPRESSED: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_CANCELLED: _ClassVar[DeliveryStatus]

class RecipientKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RECIPIENT_KIND_UNSPECIFIED: _ClassVar[RecipientKind]
    RECIPIENT_KIND_USER: _ClassVar[RecipientKind]
    RECIPIENT_KIND_EVENT_USER: _ClassVar[RecipientKind]
    RECIPIENT_KIND_DEPARTMENT_MEMBERS: _ClassVar[RecipientKind]
    RECIPIENT_KIND_DEPARTMENT_LEAD: _ClassVar[RecipientKind]
    RECIPIENT_KIND_ROLE: _ClassVar[RecipientKind]

class DeadLetterState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DEAD_LETTER_STATE_UNSPECIFIED: _ClassVar[DeadLetterState]
    DEAD_LETTER_STATE_PARKED: _ClassVar[DeadLetterState]
    DEAD_LETTER_STATE_REPLAYED: _ClassVar[DeadLetterState]
    DEAD_LETTER_STATE_DISCARDED: _ClassVar[DeadLetterState]
NOTIFICATION_PRIORITY_UNSPECIFIED: NotificationPriority
NOTIFICATION_PRIORITY_LOW: NotificationPriority
NOTIFICATION_PRIORITY_NORMAL: NotificationPriority
NOTIFICATION_PRIORITY_HIGH: NotificationPriority
NOTIFICATION_PRIORITY_URGENT: NotificationPriority
DELIVERY_STATUS_UNSPECIFIED: DeliveryStatus
DELIVERY_STATUS_PENDING: DeliveryStatus
DELIVERY_STATUS_SCHEDULED: DeliveryStatus
DELIVERY_STATUS_DELIVERED: DeliveryStatus
DELIVERY_STATUS_RETRYING: DeliveryStatus
DELIVERY_STATUS_FAILED: DeliveryStatus
DELIVERY_STATUS_SUPPRESSED: DeliveryStatus
DELIVERY_STATUS_CANCELLED: DeliveryStatus
RECIPIENT_KIND_UNSPECIFIED: RecipientKind
RECIPIENT_KIND_USER: RecipientKind
RECIPIENT_KIND_EVENT_USER: RecipientKind
RECIPIENT_KIND_DEPARTMENT_MEMBERS: RecipientKind
RECIPIENT_KIND_DEPARTMENT_LEAD: RecipientKind
RECIPIENT_KIND_ROLE: RecipientKind
DEAD_LETTER_STATE_UNSPECIFIED: DeadLetterState
DEAD_LETTER_STATE_PARKED: DeadLetterState
DEAD_LETTER_STATE_REPLAYED: DeadLetterState
DEAD_LETTER_STATE_DISCARDED: DeadLetterState

class Notification(_message.Message):
    __slots__ = ("id", "recipient_id", "category", "title", "body", "subject_type", "subject_id", "source_event_id", "create_time", "read", "read_time", "priority", "action_url", "source_service", "source_event_name", "locale", "data")
    class DataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_ID_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    READ_FIELD_NUMBER: _ClassVar[int]
    READ_TIME_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    ACTION_URL_FIELD_NUMBER: _ClassVar[int]
    SOURCE_SERVICE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_EVENT_NAME_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    id: str
    recipient_id: str
    category: str
    title: str
    body: str
    subject_type: str
    subject_id: str
    source_event_id: str
    create_time: _timestamp_pb2.Timestamp
    read: bool
    read_time: _timestamp_pb2.Timestamp
    priority: NotificationPriority
    action_url: str
    source_service: str
    source_event_name: str
    locale: str
    data: _containers.ScalarMap[str, str]
    def __init__(self, id: _Optional[str] = ..., recipient_id: _Optional[str] = ..., category: _Optional[str] = ..., title: _Optional[str] = ..., body: _Optional[str] = ..., subject_type: _Optional[str] = ..., subject_id: _Optional[str] = ..., source_event_id: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., read: _Optional[bool] = ..., read_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., priority: _Optional[_Union[NotificationPriority, str]] = ..., action_url: _Optional[str] = ..., source_service: _Optional[str] = ..., source_event_name: _Optional[str] = ..., locale: _Optional[str] = ..., data: _Optional[_Mapping[str, str]] = ...) -> None: ...

class NotificationPreferences(_message.Message):
    __slots__ = ("user_id", "locale", "time_zone", "default_channels", "categories", "quiet_hours", "email", "phone", "webhook", "update_time")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_CHANNELS_FIELD_NUMBER: _ClassVar[int]
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    QUIET_HOURS_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    WEBHOOK_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    locale: str
    time_zone: str
    default_channels: _containers.RepeatedScalarFieldContainer[_types_pb2.DeliveryChannel]
    categories: _containers.RepeatedCompositeFieldContainer[CategoryPreference]
    quiet_hours: QuietHours
    email: str
    phone: str
    webhook: WebhookEndpoint
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, user_id: _Optional[str] = ..., locale: _Optional[str] = ..., time_zone: _Optional[str] = ..., default_channels: _Optional[_Iterable[_Union[_types_pb2.DeliveryChannel, str]]] = ..., categories: _Optional[_Iterable[_Union[CategoryPreference, _Mapping]]] = ..., quiet_hours: _Optional[_Union[QuietHours, _Mapping]] = ..., email: _Optional[str] = ..., phone: _Optional[str] = ..., webhook: _Optional[_Union[WebhookEndpoint, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CategoryPreference(_message.Message):
    __slots__ = ("category", "channels", "muted")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    MUTED_FIELD_NUMBER: _ClassVar[int]
    category: str
    channels: _containers.RepeatedScalarFieldContainer[_types_pb2.DeliveryChannel]
    muted: bool
    def __init__(self, category: _Optional[str] = ..., channels: _Optional[_Iterable[_Union[_types_pb2.DeliveryChannel, str]]] = ..., muted: _Optional[bool] = ...) -> None: ...

class QuietHours(_message.Message):
    __slots__ = ("enabled", "starts_at", "ends_at", "include_weekends", "allow_urgent")
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    STARTS_AT_FIELD_NUMBER: _ClassVar[int]
    ENDS_AT_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_WEEKENDS_FIELD_NUMBER: _ClassVar[int]
    ALLOW_URGENT_FIELD_NUMBER: _ClassVar[int]
    enabled: bool
    starts_at: str
    ends_at: str
    include_weekends: bool
    allow_urgent: bool
    def __init__(self, enabled: _Optional[bool] = ..., starts_at: _Optional[str] = ..., ends_at: _Optional[str] = ..., include_weekends: _Optional[bool] = ..., allow_urgent: _Optional[bool] = ...) -> None: ...

class WebhookEndpoint(_message.Message):
    __slots__ = ("url", "secret", "secret_set", "enabled")
    URL_FIELD_NUMBER: _ClassVar[int]
    SECRET_FIELD_NUMBER: _ClassVar[int]
    SECRET_SET_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    url: str
    secret: str
    secret_set: bool
    enabled: bool
    def __init__(self, url: _Optional[str] = ..., secret: _Optional[str] = ..., secret_set: _Optional[bool] = ..., enabled: _Optional[bool] = ...) -> None: ...

class OutboundMessage(_message.Message):
    __slots__ = ("idempotency_key", "channel", "recipient_user_id", "customer_id", "recipient_address", "locale", "template_key", "variables", "subject", "body", "category", "priority", "subject_type", "subject_id", "source_ref", "not_before_time", "expire_time", "marketing", "unsubscribe_url")
    class VariablesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_USER_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_KEY_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_REF_FIELD_NUMBER: _ClassVar[int]
    NOT_BEFORE_TIME_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    MARKETING_FIELD_NUMBER: _ClassVar[int]
    UNSUBSCRIBE_URL_FIELD_NUMBER: _ClassVar[int]
    idempotency_key: str
    channel: _types_pb2.DeliveryChannel
    recipient_user_id: str
    customer_id: str
    recipient_address: str
    locale: str
    template_key: str
    variables: _containers.ScalarMap[str, str]
    subject: str
    body: str
    category: str
    priority: NotificationPriority
    subject_type: str
    subject_id: str
    source_ref: str
    not_before_time: _timestamp_pb2.Timestamp
    expire_time: _timestamp_pb2.Timestamp
    marketing: bool
    unsubscribe_url: str
    def __init__(self, idempotency_key: _Optional[str] = ..., channel: _Optional[_Union[_types_pb2.DeliveryChannel, str]] = ..., recipient_user_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., recipient_address: _Optional[str] = ..., locale: _Optional[str] = ..., template_key: _Optional[str] = ..., variables: _Optional[_Mapping[str, str]] = ..., subject: _Optional[str] = ..., body: _Optional[str] = ..., category: _Optional[str] = ..., priority: _Optional[_Union[NotificationPriority, str]] = ..., subject_type: _Optional[str] = ..., subject_id: _Optional[str] = ..., source_ref: _Optional[str] = ..., not_before_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., marketing: _Optional[bool] = ..., unsubscribe_url: _Optional[str] = ...) -> None: ...

class SendResult(_message.Message):
    __slots__ = ("idempotency_key", "delivery_id", "duplicate", "status")
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_ID_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    idempotency_key: str
    delivery_id: str
    duplicate: bool
    status: _status_pb2.Status
    def __init__(self, idempotency_key: _Optional[str] = ..., delivery_id: _Optional[str] = ..., duplicate: _Optional[bool] = ..., status: _Optional[_Union[_status_pb2.Status, _Mapping]] = ...) -> None: ...

class Delivery(_message.Message):
    __slots__ = ("id", "notification_id", "idempotency_key", "channel", "recipient_id", "customer_id", "recipient_address", "category", "template_key", "locale", "subject", "status", "suppress_reason", "attempt_count", "next_attempt_time", "last_error", "attempts", "source_service", "source_event_id", "source_ref", "deliver_time", "create_time", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    NOTIFICATION_ID_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_KEY_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SUPPRESS_REASON_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_COUNT_FIELD_NUMBER: _ClassVar[int]
    NEXT_ATTEMPT_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_SERVICE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_REF_FIELD_NUMBER: _ClassVar[int]
    DELIVER_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    notification_id: str
    idempotency_key: str
    channel: _types_pb2.DeliveryChannel
    recipient_id: str
    customer_id: str
    recipient_address: str
    category: str
    template_key: str
    locale: str
    subject: str
    status: DeliveryStatus
    suppress_reason: str
    attempt_count: int
    next_attempt_time: _timestamp_pb2.Timestamp
    last_error: str
    attempts: _containers.RepeatedCompositeFieldContainer[DeliveryAttempt]
    source_service: str
    source_event_id: str
    source_ref: str
    deliver_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., notification_id: _Optional[str] = ..., idempotency_key: _Optional[str] = ..., channel: _Optional[_Union[_types_pb2.DeliveryChannel, str]] = ..., recipient_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., recipient_address: _Optional[str] = ..., category: _Optional[str] = ..., template_key: _Optional[str] = ..., locale: _Optional[str] = ..., subject: _Optional[str] = ..., status: _Optional[_Union[DeliveryStatus, str]] = ..., suppress_reason: _Optional[str] = ..., attempt_count: _Optional[int] = ..., next_attempt_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_error: _Optional[str] = ..., attempts: _Optional[_Iterable[_Union[DeliveryAttempt, _Mapping]]] = ..., source_service: _Optional[str] = ..., source_event_id: _Optional[str] = ..., source_ref: _Optional[str] = ..., deliver_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class DeliveryAttempt(_message.Message):
    __slots__ = ("number", "attempt_time", "success", "error", "response_code")
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_TIME_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_CODE_FIELD_NUMBER: _ClassVar[int]
    number: int
    attempt_time: _timestamp_pb2.Timestamp
    success: bool
    error: str
    response_code: str
    def __init__(self, number: _Optional[int] = ..., attempt_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., success: _Optional[bool] = ..., error: _Optional[str] = ..., response_code: _Optional[str] = ...) -> None: ...

class MessageTemplate(_message.Message):
    __slots__ = ("id", "key", "channel", "locale", "subject", "body", "description", "variables", "active", "version", "create_time", "update_time", "created_by", "updated_by")
    ID_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    id: str
    key: str
    channel: _types_pb2.DeliveryChannel
    locale: str
    subject: str
    body: str
    description: str
    variables: _containers.RepeatedScalarFieldContainer[str]
    active: bool
    version: int
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    created_by: str
    updated_by: str
    def __init__(self, id: _Optional[str] = ..., key: _Optional[str] = ..., channel: _Optional[_Union[_types_pb2.DeliveryChannel, str]] = ..., locale: _Optional[str] = ..., subject: _Optional[str] = ..., body: _Optional[str] = ..., description: _Optional[str] = ..., variables: _Optional[_Iterable[str]] = ..., active: _Optional[bool] = ..., version: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., updated_by: _Optional[str] = ...) -> None: ...

class NotificationRule(_message.Message):
    __slots__ = ("id", "display_name", "event_name", "condition", "recipients", "category", "template_key", "priority", "channels", "subject_type", "subject_id_path", "enabled", "create_time", "update_time", "created_by", "updated_by")
    ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    EVENT_NAME_FIELD_NUMBER: _ClassVar[int]
    CONDITION_FIELD_NUMBER: _ClassVar[int]
    RECIPIENTS_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_KEY_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_PATH_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    id: str
    display_name: str
    event_name: str
    condition: _rules_pb2.ConditionGroup
    recipients: _containers.RepeatedCompositeFieldContainer[RecipientSelector]
    category: str
    template_key: str
    priority: NotificationPriority
    channels: _containers.RepeatedScalarFieldContainer[_types_pb2.DeliveryChannel]
    subject_type: str
    subject_id_path: str
    enabled: bool
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    created_by: str
    updated_by: str
    def __init__(self, id: _Optional[str] = ..., display_name: _Optional[str] = ..., event_name: _Optional[str] = ..., condition: _Optional[_Union[_rules_pb2.ConditionGroup, _Mapping]] = ..., recipients: _Optional[_Iterable[_Union[RecipientSelector, _Mapping]]] = ..., category: _Optional[str] = ..., template_key: _Optional[str] = ..., priority: _Optional[_Union[NotificationPriority, str]] = ..., channels: _Optional[_Iterable[_Union[_types_pb2.DeliveryChannel, str]]] = ..., subject_type: _Optional[str] = ..., subject_id_path: _Optional[str] = ..., enabled: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., updated_by: _Optional[str] = ...) -> None: ...

class RecipientSelector(_message.Message):
    __slots__ = ("kind", "field_path", "user_id", "department_path", "role")
    KIND_FIELD_NUMBER: _ClassVar[int]
    FIELD_PATH_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    kind: RecipientKind
    field_path: str
    user_id: str
    department_path: str
    role: str
    def __init__(self, kind: _Optional[_Union[RecipientKind, str]] = ..., field_path: _Optional[str] = ..., user_id: _Optional[str] = ..., department_path: _Optional[str] = ..., role: _Optional[str] = ...) -> None: ...

class DeadLetter(_message.Message):
    __slots__ = ("id", "queue", "exchange", "routing_key", "event_id", "event_type", "payload", "headers", "error", "attempt_count", "first_failure_time", "last_failure_time", "state", "resolve_time", "resolved_by", "discard_reason")
    class HeadersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    EXCHANGE_FIELD_NUMBER: _ClassVar[int]
    ROUTING_KEY_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_COUNT_FIELD_NUMBER: _ClassVar[int]
    FIRST_FAILURE_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_FAILURE_TIME_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    RESOLVE_TIME_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_BY_FIELD_NUMBER: _ClassVar[int]
    DISCARD_REASON_FIELD_NUMBER: _ClassVar[int]
    id: str
    queue: str
    exchange: str
    routing_key: str
    event_id: str
    event_type: str
    payload: str
    headers: _containers.ScalarMap[str, str]
    error: str
    attempt_count: int
    first_failure_time: _timestamp_pb2.Timestamp
    last_failure_time: _timestamp_pb2.Timestamp
    state: DeadLetterState
    resolve_time: _timestamp_pb2.Timestamp
    resolved_by: str
    discard_reason: str
    def __init__(self, id: _Optional[str] = ..., queue: _Optional[str] = ..., exchange: _Optional[str] = ..., routing_key: _Optional[str] = ..., event_id: _Optional[str] = ..., event_type: _Optional[str] = ..., payload: _Optional[str] = ..., headers: _Optional[_Mapping[str, str]] = ..., error: _Optional[str] = ..., attempt_count: _Optional[int] = ..., first_failure_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_failure_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., state: _Optional[_Union[DeadLetterState, str]] = ..., resolve_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resolved_by: _Optional[str] = ..., discard_reason: _Optional[str] = ...) -> None: ...

class ListNotificationsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "unread_only", "category", "subject_type", "subject_id", "recipient_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    UNREAD_ONLY_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    unread_only: bool
    category: str
    subject_type: str
    subject_id: str
    recipient_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., unread_only: _Optional[bool] = ..., category: _Optional[str] = ..., subject_type: _Optional[str] = ..., subject_id: _Optional[str] = ..., recipient_id: _Optional[str] = ...) -> None: ...

class ListNotificationsResponse(_message.Message):
    __slots__ = ("notifications", "next_page_token")
    NOTIFICATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    notifications: _containers.RepeatedCompositeFieldContainer[Notification]
    next_page_token: str
    def __init__(self, notifications: _Optional[_Iterable[_Union[Notification, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetNotificationRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetUnreadCountRequest(_message.Message):
    __slots__ = ("category", "recipient_id")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_ID_FIELD_NUMBER: _ClassVar[int]
    category: str
    recipient_id: str
    def __init__(self, category: _Optional[str] = ..., recipient_id: _Optional[str] = ...) -> None: ...

class GetUnreadCountResponse(_message.Message):
    __slots__ = ("unread_count", "unread_by_category")
    class UnreadByCategoryEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    UNREAD_COUNT_FIELD_NUMBER: _ClassVar[int]
    UNREAD_BY_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    unread_count: int
    unread_by_category: _containers.ScalarMap[str, int]
    def __init__(self, unread_count: _Optional[int] = ..., unread_by_category: _Optional[_Mapping[str, int]] = ...) -> None: ...

class MarkNotificationsReadRequest(_message.Message):
    __slots__ = ("ids", "all", "max_create_time")
    IDS_FIELD_NUMBER: _ClassVar[int]
    ALL_FIELD_NUMBER: _ClassVar[int]
    MAX_CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[str]
    all: bool
    max_create_time: _timestamp_pb2.Timestamp
    def __init__(self, ids: _Optional[_Iterable[str]] = ..., all: _Optional[bool] = ..., max_create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class MarkNotificationsReadResponse(_message.Message):
    __slots__ = ("marked", "unread_count")
    MARKED_FIELD_NUMBER: _ClassVar[int]
    UNREAD_COUNT_FIELD_NUMBER: _ClassVar[int]
    marked: int
    unread_count: int
    def __init__(self, marked: _Optional[int] = ..., unread_count: _Optional[int] = ...) -> None: ...

class GetNotificationPreferencesRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class UpdateNotificationPreferencesRequest(_message.Message):
    __slots__ = ("preferences", "update_mask")
    PREFERENCES_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    preferences: NotificationPreferences
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, preferences: _Optional[_Union[NotificationPreferences, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class SendMessagesRequest(_message.Message):
    __slots__ = ("messages",)
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[OutboundMessage]
    def __init__(self, messages: _Optional[_Iterable[_Union[OutboundMessage, _Mapping]]] = ...) -> None: ...

class SendMessagesResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[SendResult]
    def __init__(self, results: _Optional[_Iterable[_Union[SendResult, _Mapping]]] = ...) -> None: ...

class GetDeliveryRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListDeliveriesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "statuses", "channel", "recipient_id", "customer_id", "notification_id", "source_event_id", "source_ref_prefix", "min_create_time")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    NOTIFICATION_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_REF_PREFIX_FIELD_NUMBER: _ClassVar[int]
    MIN_CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    statuses: _containers.RepeatedScalarFieldContainer[DeliveryStatus]
    channel: _types_pb2.DeliveryChannel
    recipient_id: str
    customer_id: str
    notification_id: str
    source_event_id: str
    source_ref_prefix: str
    min_create_time: _timestamp_pb2.Timestamp
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., statuses: _Optional[_Iterable[_Union[DeliveryStatus, str]]] = ..., channel: _Optional[_Union[_types_pb2.DeliveryChannel, str]] = ..., recipient_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., notification_id: _Optional[str] = ..., source_event_id: _Optional[str] = ..., source_ref_prefix: _Optional[str] = ..., min_create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListDeliveriesResponse(_message.Message):
    __slots__ = ("deliveries", "next_page_token")
    DELIVERIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    deliveries: _containers.RepeatedCompositeFieldContainer[Delivery]
    next_page_token: str
    def __init__(self, deliveries: _Optional[_Iterable[_Union[Delivery, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RetryDeliveryRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class CreateMessageTemplateRequest(_message.Message):
    __slots__ = ("template", "request_id")
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    template: MessageTemplate
    request_id: str
    def __init__(self, template: _Optional[_Union[MessageTemplate, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetMessageTemplateRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListMessageTemplatesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "key", "locale", "channel")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    key: str
    locale: str
    channel: _types_pb2.DeliveryChannel
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., key: _Optional[str] = ..., locale: _Optional[str] = ..., channel: _Optional[_Union[_types_pb2.DeliveryChannel, str]] = ...) -> None: ...

class ListMessageTemplatesResponse(_message.Message):
    __slots__ = ("templates", "next_page_token")
    TEMPLATES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    templates: _containers.RepeatedCompositeFieldContainer[MessageTemplate]
    next_page_token: str
    def __init__(self, templates: _Optional[_Iterable[_Union[MessageTemplate, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateMessageTemplateRequest(_message.Message):
    __slots__ = ("template", "update_mask")
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    template: MessageTemplate
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, template: _Optional[_Union[MessageTemplate, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class DeleteMessageTemplateRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class RenderMessageTemplateRequest(_message.Message):
    __slots__ = ("id", "variables")
    class VariablesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    id: str
    variables: _containers.ScalarMap[str, str]
    def __init__(self, id: _Optional[str] = ..., variables: _Optional[_Mapping[str, str]] = ...) -> None: ...

class RenderMessageTemplateResponse(_message.Message):
    __slots__ = ("subject", "body", "missing_variables")
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    MISSING_VARIABLES_FIELD_NUMBER: _ClassVar[int]
    subject: str
    body: str
    missing_variables: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, subject: _Optional[str] = ..., body: _Optional[str] = ..., missing_variables: _Optional[_Iterable[str]] = ...) -> None: ...

class CreateNotificationRuleRequest(_message.Message):
    __slots__ = ("rule", "request_id")
    RULE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    rule: NotificationRule
    request_id: str
    def __init__(self, rule: _Optional[_Union[NotificationRule, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetNotificationRuleRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListNotificationRulesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "event_name", "enabled")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    EVENT_NAME_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    event_name: str
    enabled: bool
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., event_name: _Optional[str] = ..., enabled: _Optional[bool] = ...) -> None: ...

class ListNotificationRulesResponse(_message.Message):
    __slots__ = ("rules", "next_page_token")
    RULES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    rules: _containers.RepeatedCompositeFieldContainer[NotificationRule]
    next_page_token: str
    def __init__(self, rules: _Optional[_Iterable[_Union[NotificationRule, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateNotificationRuleRequest(_message.Message):
    __slots__ = ("rule", "update_mask")
    RULE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    rule: NotificationRule
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, rule: _Optional[_Union[NotificationRule, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class DeleteNotificationRuleRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListDeadLettersRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "state", "queue", "routing_key")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    ROUTING_KEY_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    state: DeadLetterState
    queue: str
    routing_key: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., state: _Optional[_Union[DeadLetterState, str]] = ..., queue: _Optional[str] = ..., routing_key: _Optional[str] = ...) -> None: ...

class ListDeadLettersResponse(_message.Message):
    __slots__ = ("dead_letters", "next_page_token")
    DEAD_LETTERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    dead_letters: _containers.RepeatedCompositeFieldContainer[DeadLetter]
    next_page_token: str
    def __init__(self, dead_letters: _Optional[_Iterable[_Union[DeadLetter, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetDeadLetterRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ReplayDeadLetterRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DiscardDeadLetterRequest(_message.Message):
    __slots__ = ("id", "reason")
    ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    id: str
    reason: str
    def __init__(self, id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class GetNotificationKpisRequest(_message.Message):
    __slots__ = ("period", "department_path")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    period: _types_pb2.DateRange
    department_path: str
    def __init__(self, period: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., department_path: _Optional[str] = ...) -> None: ...

class ExportCustomerDataRequest(_message.Message):
    __slots__ = ("customer_id", "access_purpose")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    ACCESS_PURPOSE_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    access_purpose: str
    def __init__(self, customer_id: _Optional[str] = ..., access_purpose: _Optional[str] = ...) -> None: ...
