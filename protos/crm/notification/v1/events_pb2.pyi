from crm.common.v1 import options_pb2 as _options_pb2
from crm.notification.v1 import notification_pb2 as _notification_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class NotificationCreated(_message.Message):
    __slots__ = ("notification",)
    NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    notification: _notification_pb2.Notification
    def __init__(self, notification: _Optional[_Union[_notification_pb2.Notification, _Mapping]] = ...) -> None: ...

class NotificationDelivered(_message.Message):
    __slots__ = ("delivery",)
    DELIVERY_FIELD_NUMBER: _ClassVar[int]
    delivery: _notification_pb2.Delivery
    def __init__(self, delivery: _Optional[_Union[_notification_pb2.Delivery, _Mapping]] = ...) -> None: ...

class NotificationDeliveryFailed(_message.Message):
    __slots__ = ("delivery", "final")
    DELIVERY_FIELD_NUMBER: _ClassVar[int]
    FINAL_FIELD_NUMBER: _ClassVar[int]
    delivery: _notification_pb2.Delivery
    final: bool
    def __init__(self, delivery: _Optional[_Union[_notification_pb2.Delivery, _Mapping]] = ..., final: _Optional[bool] = ...) -> None: ...

class NotificationCustomerDataErased(_message.Message):
    __slots__ = ("erasure_request_id", "customer_id", "erased_record_count")
    ERASURE_REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    ERASED_RECORD_COUNT_FIELD_NUMBER: _ClassVar[int]
    erasure_request_id: str
    customer_id: str
    erased_record_count: int
    def __init__(self, erasure_request_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., erased_record_count: _Optional[int] = ...) -> None: ...
