"""How values look to people: money as ¥1,234.56, dates and times in the console's time zone
and the user's language, proto enums as translated words, durations until a deadline.

Registered as Jinja filters by :func:`install`; views use the functions directly."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from crm_shared.kpis import today_in
from crm_shared.protojson import enum_prefix
from flask import current_app
from google.protobuf.descriptor import EnumDescriptor
from google.protobuf.timestamp_pb2 import Timestamp

from crm_console.field_labels import field_name
from crm_console.i18n import babel_locale, gettext

CURRENCY_SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "HKD": "HK$"}
# Minor units per major unit (ISO 4217 exponent); CNY and nearly every currency have 2.
_MINOR_DIGITS = {"JPY": 0, "KRW": 0}


def time_zone() -> ZoneInfo:
    return ZoneInfo(current_app.extensions["crm.console"].settings.console_time_zone)


def today() -> date:
    """The calendar day it is where the readers are (``CONSOLE_TIME_ZONE``), not the
    process's zone nor UTC's: before 08:00 in Beijing UTC's date is yesterday."""
    return today_in(time_zone())


def to_datetime(value) -> datetime | None:
    """A proto ``Timestamp`` (unset → None), a datetime or an RFC 3339 string, as aware UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, Timestamp):
        if not value.seconds and not value.nanos:
            return None
        return value.ToDatetime(tzinfo=UTC)
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def format_datetime(value, fmt: str = "short") -> str:
    moment = to_datetime(value)
    if moment is None:
        return ""
    return babel_dates.format_datetime(moment, fmt, tzinfo=time_zone(), locale=babel_locale())


def format_date(value, fmt: str = "medium") -> str:
    if value is None or value == "":
        return ""
    if hasattr(value, "year") and hasattr(value, "month") and hasattr(value, "day") \
            and not isinstance(value, date):  # google.type.Date
        if not value.year:
            return ""
        value = date(value.year, value.month or 1, value.day or 1)
    elif not isinstance(value, date):
        moment = to_datetime(value)
        if moment is None:
            return ""
        value = moment.astimezone(time_zone()).date()
    elif isinstance(value, datetime):
        value = value.astimezone(time_zone()).date()
    return babel_dates.format_date(value, fmt, locale=babel_locale())


def format_number(value, digits: int = 0) -> str:
    if value is None or value == "":
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return babel_numbers.format_decimal(value, format=pattern, locale=babel_locale())


def format_percent(value, digits: int = 1) -> str:
    """``0.425`` → ``42.5%``."""
    if value is None or value == "":
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return babel_numbers.format_percent(value, format=pattern, locale=babel_locale())


def format_money(value, currency: str = "CNY") -> str:
    """A ``crm.common.v1.Money`` (or minor units with ``currency``) as ``¥1,234.56``."""
    if value is None:
        return ""
    if hasattr(value, "amount_minor"):
        currency = value.currency_code or currency
        value = value.amount_minor
    digits = _MINOR_DIGITS.get(currency, 2)
    amount = value / (10 ** digits)
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    sign = "-" if amount < 0 else ""
    return sign + symbol + format_number(abs(amount), digits)


def format_duration(seconds: float) -> str:
    """A length of time in words of the user's language: ``2 hours``, ``3 days``."""
    return babel_dates.format_timedelta(timedelta(seconds=abs(seconds)), threshold=1.0,
                                        locale=babel_locale())


def until(value, now: datetime | None = None) -> dict[str, object]:
    """How a deadline stands: ``{"text": "in 2 hours" | "3 hours overdue", "state":
    "overdue" | "soon" | "later" | "none", "seconds": s}``; "soon" is within four hours."""
    due = to_datetime(value)
    if due is None:
        return {"text": "", "state": "none", "seconds": None}
    now = now or datetime.now(UTC)
    seconds = (due - now).total_seconds()
    if seconds < 0:
        return {"text": gettext("%(duration)s overdue", duration=format_duration(seconds)),
                "state": "overdue", "seconds": seconds}
    state = "soon" if seconds <= 4 * 3600 else "later"
    return {"text": gettext("in %(duration)s", duration=format_duration(seconds)),
            "state": state, "seconds": seconds}


def enum_english(enum: EnumDescriptor, number: int) -> str:
    """``TICKET_STATUS_IN_PROGRESS`` → ``In progress`` (the message id of its label)."""
    value = enum.values_by_number.get(number)
    if value is None or number == 0:
        return ""
    word = value.name.removeprefix(enum_prefix(enum)).lower().replace("_", " ")
    return word[:1].upper() + word[1:]


def enum_label(enum: EnumDescriptor, number: int) -> str:
    """The translated label of an enum value; empty for the unspecified zero."""
    english = enum_english(enum, number)
    return gettext(english) if english else ""


def enum_word_label(enum: EnumDescriptor, word: str | None) -> str:
    """The label of a REST-style enum word (``in_progress``)."""
    if not word:
        return ""
    value = enum.values_by_name.get(enum_prefix(enum) + word.upper())
    return enum_label(enum, value.number) if value is not None else word


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text or ""))


def page_url(page_token: str | None) -> str:
    """This page's URL with its filters and another page token (None: the first page)."""
    from flask import request, url_for

    args = {key: value for key, value in request.args.items() if key != "page_token"}
    if page_token:
        args["page_token"] = page_token
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def install(app) -> None:
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_number, "number")
    app.add_template_filter(format_percent, "percent")
    app.add_template_filter(format_money, "money")
    app.add_template_filter(format_duration, "duration")
    app.add_template_global(until)
    app.add_template_global(page_url)
    app.add_template_global(enum_label)
    app.add_template_global(enum_word_label)
    app.add_template_global(field_name)
