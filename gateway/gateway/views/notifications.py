"""``/api/v1/notifications``: the caller's in-app inbox, notification preferences and
deliveries, over ``crm.notification.v1``."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from crm.common.v1 import types_pb2
from crm.notification.v1 import notification_pb2, notification_pb2_grpc
from crm_shared.auth import current_principal
from crm_shared.protojson import enum_number, enum_words, from_json, to_json
from crm_shared.timestamps import to_timestamp
from flask_openapi3 import APIBlueprint, Tag
from google.protobuf import field_mask_pb2
from pydantic import BaseModel, ConfigDict, Field, model_validator

from gateway.endpoints import operation
from gateway.peers import call
from gateway.views import json_response

PEER = "notification"
SERVICE = notification_pb2.DESCRIPTOR.services_by_name["NotificationService"]
COLLECTION = "/api/v1/notifications"
PriorityWord = Literal[tuple(enum_words(notification_pb2.NotificationPriority.DESCRIPTOR))]  # type: ignore[misc]
ChannelWord = Literal[tuple(enum_words(types_pb2.DeliveryChannel.DESCRIPTOR))]  # type: ignore[misc]
DeliveryStatusWord = Literal[tuple(enum_words(notification_pb2.DeliveryStatus.DESCRIPTOR))]  # type: ignore[misc]
HHMM = r"^$|^([01]\d|2[0-3]):[0-5]\d$"
# PUT replaces the whole document: every field is named in the update mask.
PREFERENCE_FIELDS = ("locale", "time_zone", "default_channels", "categories", "quiet_hours",
                     "email", "phone", "webhook")


class NotificationListQuery(BaseModel):
    unread_only: bool = Field(False, description="Only notifications not read yet.")
    page_size: int | None = Field(None, ge=1, le=1000, description="The service caps it.")
    page_token: str = Field(
        "", max_length=2048, description="`next_page_token` of the previous page."
    )
    category: str = Field(
        "", max_length=100, description="Only this category, e.g. `ticket.routed`."
    )
    subject_type: str = Field("", max_length=50, description="Only about this kind of record.")
    subject_id: str = Field("", max_length=64, description="Only about this record.")


class Notification(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    recipient_id: str
    category: str = Field(description="What happened, e.g. `ticket.routed`.")
    title: str
    body: str
    subject_type: str = Field(description="Kind of record it is about, e.g. `customer`.")
    subject_id: str
    source_event_id: str
    create_time: datetime | None = None
    read: bool
    read_time: datetime | None = None
    priority: PriorityWord | None = None
    action_url: str = Field(
        description="Where the record opens in the web app, e.g. `/tickets/<id>`."
    )
    source_service: str
    source_event_name: str
    locale: str
    data: dict[str, str] = Field(description="Extra facts for display.")


class NotificationPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "notifications": [
                        {
                            "id": "6c1d0b3e-0f3a-4f7e-9a55-1f0e8d2c4b7a",
                            "recipient_id": "0b8a3c52-6f43-5e1d-9a7b-3c2d1e0f4a5b",
                            "category": "customer.created",
                            "title": "新客户",
                            "body": "张伟 创建了客户 西湖科技",
                            "subject_type": "customer",
                            "subject_id": "3f2b7c1e-8d4a-4b6f-9e0c-1a2b3c4d5e6f",
                            "source_event_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
                            "create_time": "2026-03-01T08:30:00Z",
                            "read": False,
                            "read_time": None,
                            "priority": "normal",
                            "action_url": "/customers/3f2b7c1e-8d4a-4b6f-9e0c-1a2b3c4d5e6f",
                            "source_service": "customer",
                            "source_event_name": "customer.created",
                            "locale": "zh-CN",
                            "data": {"customer_number": "C20260301"},
                        }
                    ],
                    "next_page_token": "",
                }
            ]
        }
    )

    notifications: list[Notification]
    next_page_token: str = Field(description="Token of the next page; empty on the last page.")


class UnreadCount(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "unread_count": 3,
                    "unread_by_category": {"customer.created": 2, "ticket.routed": 1},
                }
            ]
        }
    )

    unread_count: int
    unread_by_category: dict[str, int]


class MarkRead(BaseModel):
    """Either the ids to mark read, or ``all``: every unread notification of the caller."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"ids": ["6c1d0b3e-0f3a-4f7e-9a55-1f0e8d2c4b7a"]}, {"all": True}]
        },
    )

    ids: list[str] = Field(default_factory=list, max_length=500)
    all: bool = False
    max_create_time: datetime | None = Field(
        None, description="With `all`: only those created at or before this time (what was seen)."
    )

    @model_validator(mode="after")
    def one_of_ids_or_all(self) -> MarkRead:
        if self.all == bool(self.ids):
            raise ValueError("give either a non-empty `ids` or `all: true`, not both")
        if self.max_create_time is not None and not self.all:
            raise ValueError("`max_create_time` goes with `all: true` only")
        return self


class Marked(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"marked": 1, "unread_count": 2}]})

    marked: int = Field(description="How many notifications changed to read.")
    unread_count: int = Field(description="Unread notifications left.")


class CategoryPreference(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: str = Field(min_length=1, max_length=100, description="e.g. `ticket.sla_warning`.")
    channels: list[ChannelWord] = Field(
        default_factory=list, description="Channels for it; in-app is always used unless muted."
    )
    muted: bool = Field(False, description="Receive nothing of it (not for escalations).")


class QuietHours(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = False
    starts_at: str = Field("", pattern=HHMM, description="Local start, `HH:MM`.")
    ends_at: str = Field("", pattern=HHMM, description="Local end, `HH:MM` (next day if earlier).")
    include_weekends: bool = False
    allow_urgent: bool = Field(True, description="Urgent notifications still go out.")


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(
        "", max_length=500,
        description="HTTPS URL to POST to, on a public address: loopback, private, link-local "
        "and cloud metadata addresses are refused (422) unless the operator allows them.",
    )
    secret: str | None = Field(
        None, max_length=200,
        description="Signing secret (at least 32 characters); omit to keep the current one.",
    )
    enabled: bool = False


class WebhookOut(BaseModel):
    model_config = ConfigDict(extra="ignore")

    url: str
    secret_set: bool = Field(description="True when a secret is set (it is never returned).")
    enabled: bool


class PreferencesIn(BaseModel):
    """The whole preferences document (PUT replaces it)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "locale": "en-US",
                    "time_zone": "Asia/Shanghai",
                    "default_channels": ["in_app", "email"],
                    "categories": [{"category": "sla_warning", "channels": ["in_app", "webhook"]}],
                    "quiet_hours": {"enabled": True, "starts_at": "22:00", "ends_at": "08:00"},
                    "email": "",
                    "phone": "",
                    "webhook": {
                        "url": "https://hooks.example.com/crm",
                        "secret": "0123456789abcdef0123456789abcdef",
                        "enabled": True,
                    },
                }
            ]
        },
    )

    locale: Literal["", "zh-CN", "en-US"] = Field("", description="Empty: the identity locale.")
    time_zone: str = Field("", max_length=64, description="IANA zone for quiet hours.")
    default_channels: list[ChannelWord] = Field(default_factory=lambda: ["in_app", "email"])
    categories: list[CategoryPreference] = Field(default_factory=list, max_length=100)
    quiet_hours: QuietHours = Field(default_factory=QuietHours)
    email: str = Field("", max_length=254, description="Empty: the identity e-mail.")
    phone: str = Field("", max_length=32, description="E.164; empty: the identity phone.")
    webhook: WebhookIn = Field(default_factory=WebhookIn)


class Preferences(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "user_id": "0b8a3c52-6f43-5e1d-9a7b-3c2d1e0f4a5b",
                    "locale": "zh-CN",
                    "time_zone": "Asia/Shanghai",
                    "default_channels": ["in_app", "email"],
                    "categories": [
                        {
                            "category": "sla_warning",
                            "channels": ["in_app", "webhook"],
                            "muted": False,
                        },
                        {"category": "customer.created", "channels": [], "muted": True},
                    ],
                    "quiet_hours": {
                        "enabled": True,
                        "starts_at": "22:00",
                        "ends_at": "08:00",
                        "include_weekends": False,
                        "allow_urgent": True,
                    },
                    "email": "zhang.wei@example.com",
                    "phone": "+8613800138000",
                    "webhook": {
                        "url": "https://hooks.example.com/crm",
                        "secret_set": True,
                        "enabled": True,
                    },
                    "update_time": "2026-03-01T08:30:00Z",
                }
            ]
        },
    )

    user_id: str
    locale: str
    time_zone: str
    default_channels: list[ChannelWord]
    categories: list[CategoryPreference]
    quiet_hours: QuietHours | None = None
    email: str
    phone: str
    webhook: WebhookOut | None = None
    update_time: datetime | None = None


class DeliveryListQuery(BaseModel):
    status: list[DeliveryStatusWord] = Field(
        default_factory=list, description="Only these statuses, e.g. `failed`."
    )
    channel: ChannelWord | None = None
    page_size: int | None = Field(None, ge=1, le=1000, description="The service caps it.")
    page_token: str = Field("", max_length=2048)


class DeliveryAttempt(BaseModel):
    model_config = ConfigDict(extra="ignore")

    number: int
    attempt_time: datetime | None = None
    success: bool
    error: str
    response_code: str


class Delivery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    notification_id: str = Field(description="The inbox entry it belongs to.")
    channel: ChannelWord | None = None
    recipient_address: str = Field(description="Masked, e.g. `z***@example.com`.")
    category: str
    subject: str
    status: DeliveryStatusWord | None = None
    suppress_reason: str
    attempt_count: int
    next_attempt_time: datetime | None = None
    last_error: str
    source_event_id: str
    deliver_time: datetime | None = None
    create_time: datetime | None = None


class DeliveryPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "deliveries": [
                        {
                            "id": "9d4e2f1a-7b3c-4e5d-8f6a-2b1c0d9e8f7a",
                            "notification_id": "6c1d0b3e-0f3a-4f7e-9a55-1f0e8d2c4b7a",
                            "channel": "email",
                            "recipient_address": "z***@example.com",
                            "category": "customer.created",
                            "subject": "新客户：杭州西湖科技",
                            "status": "retrying",
                            "suppress_reason": "",
                            "attempt_count": 2,
                            "next_attempt_time": "2026-03-01T08:40:00Z",
                            "last_error": "421 服务暂时不可用",
                            "source_event_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
                            "deliver_time": None,
                            "create_time": "2026-03-01T08:30:00Z",
                        }
                    ],
                    "next_page_token": "",
                }
            ]
        }
    )

    deliveries: list[Delivery]
    next_page_token: str = Field(description="Token of the next page; empty on the last page.")


def register(app, deps) -> None:
    api = APIBlueprint("notifications", __name__, abp_tags=[Tag(name="notifications")])

    def stub() -> notification_pb2_grpc.NotificationServiceStub:
        return deps.peers.stub(PEER, SERVICE, notification_pb2_grpc.NotificationServiceStub)

    @operation(
        api,
        "get",
        COLLECTION,
        operation_id="listNotifications",
        summary="The caller's notifications, newest first",
        responses={200: NotificationPage},
        calls_services=True,
    )
    def list_notifications(query: NotificationListQuery):
        page = call(
            PEER,
            stub().ListNotifications,
            notification_pb2.ListNotificationsRequest(
                page_size=query.page_size or 0,
                page_token=query.page_token,
                unread_only=query.unread_only,
                category=query.category,
                subject_type=query.subject_type,
                subject_id=query.subject_id,
            ),
        )
        return json_response(
            NotificationPage(
                notifications=[Notification.model_validate(to_json(n)) for n in page.notifications],
                next_page_token=page.next_page_token,
            )
        )

    @operation(
        api,
        "get",
        f"{COLLECTION}/unread-count",
        operation_id="getUnreadNotificationCount",
        summary="How many of the caller's notifications are unread",
        responses={200: UnreadCount},
        calls_services=True,
    )
    def unread_count():
        reply = call(PEER, stub().GetUnreadCount, notification_pb2.GetUnreadCountRequest())
        return json_response(
            UnreadCount(
                unread_count=reply.unread_count, unread_by_category=dict(reply.unread_by_category)
            )
        )

    @operation(
        api,
        "post",
        f"{COLLECTION}/mark-read",
        operation_id="markNotificationsRead",
        summary="Mark notifications of the caller read",
        responses={200: Marked},
        calls_services=True,
    )
    def mark_read(body: MarkRead):
        request = notification_pb2.MarkNotificationsReadRequest(ids=body.ids, all=body.all)
        if body.max_create_time is not None:
            request.max_create_time.CopyFrom(to_timestamp(body.max_create_time))
        reply = call(PEER, stub().MarkNotificationsRead, request)
        return json_response(Marked(marked=reply.marked, unread_count=reply.unread_count))

    @operation(
        api,
        "get",
        f"{COLLECTION}/preferences",
        operation_id="getNotificationPreferences",
        summary="The caller's notification preferences",
        responses={200: Preferences},
        calls_services=True,
    )
    def get_preferences():
        reply = call(
            PEER,
            stub().GetNotificationPreferences,
            notification_pb2.GetNotificationPreferencesRequest(),
        )
        return json_response(Preferences.model_validate(to_json(reply)))

    @operation(
        api,
        "put",
        f"{COLLECTION}/preferences",
        operation_id="replaceNotificationPreferences",
        summary="Replace the caller's notification preferences",
        description="Channels per category, quiet hours (e-mail and webhooks wait until they "
        "end; the inbox does not), addresses and the signed webhook. The webhook secret is "
        "kept when omitted.",
        responses={200: Preferences},
        calls_services=True,
    )
    def put_preferences(body: PreferencesIn):
        preferences = from_json(
            body.model_dump(exclude_none=True), notification_pb2.NotificationPreferences()
        )
        reply = call(
            PEER,
            stub().UpdateNotificationPreferences,
            notification_pb2.UpdateNotificationPreferencesRequest(
                preferences=preferences,
                update_mask=field_mask_pb2.FieldMask(paths=list(PREFERENCE_FIELDS)),
            ),
        )
        return json_response(Preferences.model_validate(to_json(reply)))

    @operation(
        api,
        "get",
        f"{COLLECTION}/deliveries",
        operation_id="listNotificationDeliveries",
        summary="How the caller's notifications were delivered (e-mail, webhook, inbox)",
        responses={200: DeliveryPage},
        calls_services=True,
    )
    def list_deliveries(query: DeliveryListQuery):
        status_enum = notification_pb2.DeliveryStatus.DESCRIPTOR
        page = call(
            PEER,
            stub().ListDeliveries,
            notification_pb2.ListDeliveriesRequest(
                recipient_id=current_principal().user_id,
                statuses=[enum_number(status_enum, word) for word in query.status],
                channel=enum_number(types_pb2.DeliveryChannel.DESCRIPTOR, query.channel),
                page_size=query.page_size or 0,
                page_token=query.page_token,
            ),
        )
        return json_response(
            DeliveryPage(
                deliveries=[Delivery.model_validate(to_json(d)) for d in page.deliveries],
                next_page_token=page.next_page_token,
            )
        )

    app.register_api(api)
