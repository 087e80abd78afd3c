"""A user's notification preferences: stored row ↔ proto, and the decisions they drive
(which channels for a category, when quiet hours hold a delivery)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from crm.common.v1 import types_pb2
from crm.notification.v1 import notification_pb2
from crm_shared.timestamps import to_timestamp
from google.protobuf import json_format

from notification_service.models import Preferences
from notification_service.quiet_hours import QuietHours, parse_hhmm
from notification_service.rules import load_channels

IN_APP = types_pb2.DELIVERY_CHANNEL_IN_APP
EMAIL = types_pb2.DELIVERY_CHANNEL_EMAIL
DEFAULT_CHANNELS = (IN_APP, EMAIL)
# Categories a user may not mute: someone must act on them.
MANDATORY_CATEGORIES = frozenset({"ticket.escalated", "ticket.sla_breached"})


@dataclass(frozen=True)
class Choice:
    channels: tuple[int, ...]
    muted: bool = False


def channels_for(prefs: Preferences | None, category: str, forced: list[int]) -> Choice:
    """Channels of one notification: the rule's forced ones, else the category's preference,
    else the user's defaults; in-app always, unless the category is muted."""
    categories = {c.category: c for c in categories_of(prefs)}
    chosen = categories.get(category)
    if chosen is not None and chosen.muted and category not in MANDATORY_CATEGORIES:
        return Choice((), muted=True)
    if forced:
        channels = list(forced)
    elif chosen is not None and chosen.channels:
        channels = list(chosen.channels)
    elif prefs is not None and load_channels(prefs.default_channels_json):
        channels = load_channels(prefs.default_channels_json)
    else:
        channels = list(DEFAULT_CHANNELS)
    ordered = [IN_APP] + [c for c in dict.fromkeys(channels) if c != IN_APP]
    return Choice(tuple(ordered))


def quiet_hours_of(prefs: Preferences | None, identity_time_zone: str = "") -> QuietHours | None:
    if prefs is None or not prefs.quiet_enabled:
        return None
    return QuietHours(
        starts_at=parse_hhmm(prefs.quiet_starts_at), ends_at=parse_hhmm(prefs.quiet_ends_at),
        time_zone=prefs.time_zone or identity_time_zone, include_weekends=prefs.quiet_include_weekends,
    )


def categories_of(prefs: Preferences | None) -> list[notification_pb2.CategoryPreference]:
    if prefs is None:
        return []
    return [json_format.ParseDict(item, notification_pb2.CategoryPreference())
            for item in json.loads(prefs.categories_json or "[]")]


def to_proto(user_id: str, prefs: Preferences | None) -> notification_pb2.NotificationPreferences:
    if prefs is None:
        return notification_pb2.NotificationPreferences(
            user_id=user_id, default_channels=list(DEFAULT_CHANNELS),
            quiet_hours=notification_pb2.QuietHours(allow_urgent=True))
    return notification_pb2.NotificationPreferences(
        user_id=user_id,
        locale=prefs.locale,
        time_zone=prefs.time_zone,
        default_channels=load_channels(prefs.default_channels_json) or list(DEFAULT_CHANNELS),
        categories=categories_of(prefs),
        quiet_hours=notification_pb2.QuietHours(
            enabled=prefs.quiet_enabled, starts_at=prefs.quiet_starts_at,
            ends_at=prefs.quiet_ends_at, include_weekends=prefs.quiet_include_weekends,
            allow_urgent=prefs.quiet_allow_urgent),
        email=prefs.email,
        phone=prefs.phone,
        webhook=notification_pb2.WebhookEndpoint(
            url=prefs.webhook_url, secret_set=bool(prefs.webhook_secret),
            enabled=prefs.webhook_enabled),
        update_time=to_timestamp(prefs.update_time),
    )


def dump_categories(categories) -> str:
    return json.dumps([json_format.MessageToDict(c, preserving_proto_field_name=True)
                       for c in categories], ensure_ascii=False)

