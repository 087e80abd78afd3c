"""Stored message templates, and rendering with them: a stored template for the key, channel
and language overrides the built-in one (see :mod:`templates`)."""

from __future__ import annotations

from crm.common.v1 import types_pb2
from sqlalchemy import select
from sqlalchemy.orm import Session

from notification_service import templates
from notification_service.models import MessageTemplate

ANY_CHANNEL = types_pb2.DELIVERY_CHANNEL_UNSPECIFIED


def _language(locale: str) -> str:
    return locale.split("-")[0].lower()


def stored_template(session: Session, key: str, channel: int, locale: str) -> MessageTemplate | None:
    """Best active stored template: its own channel before any channel; exact language tag,
    then the same language, then the default language."""
    rows = list(session.scalars(select(MessageTemplate).where(
        MessageTemplate.key == key, MessageTemplate.active.is_(True),
        MessageTemplate.channel.in_([channel, ANY_CHANNEL]),
    )))

    def rank(row: MessageTemplate):
        if row.locale == locale:
            by_locale = 0
        elif _language(row.locale) == _language(locale):
            by_locale = 1
        elif row.locale == templates.DEFAULT_LOCALE:
            by_locale = 2
        else:
            return None
        return (by_locale, 0 if row.channel == channel else 1)

    ranked = [(rank(row), row) for row in rows if rank(row) is not None]
    return min(ranked, key=lambda pair: pair[0])[1] if ranked else None


def render_message(session: Session, key: str, channel: int, locale: str,
                   values: dict[str, str]) -> tuple[str, str]:
    """Subject (inbox title) and body of ``key`` for a channel and language."""
    row = stored_template(session, key, channel, locale)
    if row is not None and (row.locale == locale or _language(row.locale) == _language(locale)
                            or key not in templates.TEMPLATES):
        return templates.fill(row.subject, values), templates.fill(row.body, values)
    if key in templates.TEMPLATES:
        return templates.render(key, locale, **values)
    if row is not None:
        return templates.fill(row.subject, values), templates.fill(row.body, values)
    # A rule naming a template nobody wrote: say what happened rather than drop it.
    return key, ""
