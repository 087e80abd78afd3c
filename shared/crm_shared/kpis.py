"""Every service's KPI report, gathered in parallel with a deadline: one panel per service.

Used by the gateway (``GET /api/v1/dashboard``) and the console (the dashboard page), so both
ask the same services the same way. Each panel is one service's ``Get<Service>Kpis`` RPC; a
service that is down, slow or does not implement its report yet gives an ``unavailable``
panel with the reason, never a failed page. The calls run in a shared thread pool, each
inside a copy of the caller's context, so the caller's token (forwarded to the service by
:mod:`crm_shared.grpc.client`) and the trace go with it.

    gatherer = KpiGatherer(peers, timeout_seconds=3.0)
    start, end = period_in_zone("last_30_days", time_zone("Asia/Shanghai"))
    panels = gatherer.gather(date_range(start, end), department="/hq/sales")

A gatherer made with ``cache_seconds`` keeps each available panel that long, per caller (the
services compute every report for the caller who asks, so one caller's figures are never
another's), period and department: a KPI report is an aggregate over a service's whole data
set (seconds of database work with 100,000 customers), and a dashboard is looked at far more
often than its figures change. Each report says when it was computed (``compute_time``) and
``gather(..., refresh=True)`` asks again.
"""

from __future__ import annotations

import contextvars
import os
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import grpc
from cachetools import TTLCache
from crm.common.v1 import reporting_pb2, types_pb2
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm.marketing.v1 import marketing_pb2, marketing_pb2_grpc
from crm.notification.v1 import notification_pb2, notification_pb2_grpc
from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm.ticket.v1 import ticket_pb2, ticket_pb2_grpc

from crm_shared.auth.principal import current_principal
from crm_shared.grpc.status import describe_rpc_error


@dataclass(frozen=True)
class KpiSource:
    """Where one panel comes from: ``rpc`` of ``service_name`` on ``peer``."""

    peer: str
    module: Any
    stub_class: Any
    service_name: str
    rpc: str
    request_class: Any

    @property
    def service(self):
        return self.module.DESCRIPTOR.services_by_name[self.service_name]


# One panel per service, in the order dashboards show them.
SOURCES: tuple[KpiSource, ...] = (
    KpiSource("customer", customer_pb2, customer_pb2_grpc.CustomerServiceStub,
              "CustomerService", "GetCustomerKpis", customer_pb2.GetCustomerKpisRequest),
    KpiSource("sales", sales_pb2, sales_pb2_grpc.SalesServiceStub,
              "SalesService", "GetSalesKpis", sales_pb2.GetSalesKpisRequest),
    KpiSource("ticket", ticket_pb2, ticket_pb2_grpc.TicketServiceStub,
              "TicketService", "GetTicketKpis", ticket_pb2.GetTicketKpisRequest),
    KpiSource("marketing", marketing_pb2, marketing_pb2_grpc.MarketingServiceStub,
              "MarketingService", "GetMarketingKpis", marketing_pb2.GetMarketingKpisRequest),
    KpiSource("notification", notification_pb2, notification_pb2_grpc.NotificationServiceStub,
              "NotificationService", "GetNotificationKpis",
              notification_pb2.GetNotificationKpisRequest),
)
SOURCES_BY_PEER = {source.peer: source for source in SOURCES}
SERVICES = tuple(SOURCES_BY_PEER)

# The period words a dashboard offers, each a range of days ending today.
PERIODS = (
    "last_7_days",
    "last_30_days",
    "last_90_days",
    "month_to_date",
    "quarter_to_date",
    "year_to_date",
)
DEFAULT_PERIOD = "last_30_days"


def period_range(word: str, today: date) -> tuple[date, date]:
    """The first and last day (inclusive) of a period word, ending ``today``."""
    if word.startswith("last_"):
        days = int(word.split("_")[1])
        return today - timedelta(days=days - 1), today
    if word == "month_to_date":
        return today.replace(day=1), today
    if word == "quarter_to_date":
        return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today
    return today.replace(month=1, day=1), today


def utc_now() -> datetime:
    """The clock a period is read from (a test sets it)."""
    return datetime.now(UTC)


def time_zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; ValueError (a caller's field error) when there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("must be an IANA time zone, e.g. Asia/Shanghai") from None


def today_in(zone: ZoneInfo, now: datetime | None = None) -> date:
    """The calendar day it is in ``zone`` (``now``, else the clock)."""
    return (now or utc_now()).astimezone(zone).date()


def period_in_zone(word: str, zone: ZoneInfo, now: datetime | None = None) -> tuple[date, date]:
    """The first and last day of a period word for a caller in ``zone``: "today" is the
    caller's calendar day, not UTC's (at 01:00 in Shanghai on 1 March it is still 28 February
    in UTC, and "month to date" is March). The one place the gateway's and the console's
    dashboards take their period from."""
    return period_range(word, today_in(zone, now))


def previous_range(start: date, end: date) -> tuple[date, date]:
    """The period of the same length immediately before ``start..end`` (what the services
    compare with in ``Kpi.previous_value``)."""
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


def date_range(start: date, end: date) -> types_pb2.DateRange:
    return types_pb2.DateRange(start_date=start.isoformat(), end_date=end.isoformat())


# Why a panel is unavailable: gRPC status → (reason word, English detail with the service).
REASONS = {
    grpc.StatusCode.UNAVAILABLE: ("unavailable", "the {} service is unavailable"),
    grpc.StatusCode.DEADLINE_EXCEEDED: ("timeout", "the {} service did not answer in time"),
    grpc.StatusCode.UNIMPLEMENTED: ("not_implemented", "the {} service does not report KPIs yet"),
    grpc.StatusCode.PERMISSION_DENIED: ("permission_denied", "not allowed to see the {} figures"),
    grpc.StatusCode.INVALID_ARGUMENT: ("invalid_argument", "the {} service refused the request"),
}
FAILED = ("failed", "the {} service failed")
TIMEOUT = ("timeout", "the {} service did not answer in time")


@dataclass(frozen=True)
class KpiPanel:
    """One service's answer: its report, or why there is none."""

    service: str
    status: str
    """``available`` or ``unavailable``."""
    reason: str | None = None
    """Why unavailable: ``unavailable``, ``timeout``, ``not_implemented``,
    ``permission_denied``, ``invalid_argument`` or ``failed``."""
    detail: str | None = None
    report: reporting_pb2.KpiReport | None = None

    @property
    def available(self) -> bool:
        return self.status == "available"

    @classmethod
    def unavailable(cls, service: str, reason_and_detail: tuple[str, str]) -> KpiPanel:
        reason, detail = reason_and_detail
        return cls(service=service, status="unavailable", reason=reason,
                   detail=detail.format(service))


class KpiGatherer:
    """Asks the services for their KPI reports through ``peers``
    (:class:`crm_shared.grpc.peers.Peers`), in parallel, each call bounded by
    ``timeout_seconds``; available panels kept ``cache_seconds`` (0: not kept), at most
    ``cache_size`` of them. One per process; its threads start on first use (and again in a
    forked child)."""

    def __init__(self, peers, *, timeout_seconds: float, sources: Iterable[KpiSource] = SOURCES,
                 thread_name_prefix: str = "kpis", cache_seconds: float = 0.0,
                 cache_size: int = 1024) -> None:
        self.peers = peers
        self.timeout_seconds = timeout_seconds
        self.sources = tuple(sources)
        self._prefix = thread_name_prefix
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._pid = os.getpid()
        self._cache = TTLCache(cache_size, cache_seconds) if cache_seconds > 0 else None
        self._cache_lock = threading.Lock()  # TTLCache is not thread-safe

    @staticmethod
    def _caller():
        """Who the services compute the report for: everything of the principal they see
        except the token (a refreshed token is the same caller). ``None``: no caller."""
        principal = current_principal(required=False)
        if principal is None:
            return None
        return (principal.user_id, principal.roles, principal.department_path,
                principal.data_scope, principal.scopes)

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None or self._pid != os.getpid():
                self._pid = os.getpid()
                self._pool = ThreadPoolExecutor(max_workers=4 * len(self.sources),
                                                thread_name_prefix=self._prefix)
            return self._pool

    def fetch(self, source: KpiSource | str, period: types_pb2.DateRange,
              department: str = "", *, refresh: bool = False) -> KpiPanel:
        """One service's panel, in the calling thread: the kept one unless ``refresh``."""
        if isinstance(source, str):
            source = SOURCES_BY_PEER[source]
        caller = self._caller() if self._cache is not None else None
        key = (source.peer, period.start_date, period.end_date, department or "", caller)
        if caller is not None and not refresh:
            with self._cache_lock:
                kept = self._cache.get(key)
            if kept is not None:
                return kept
        panel = self._ask(source, period, department)
        if caller is not None and panel.available:
            with self._cache_lock:
                self._cache[key] = panel
        return panel

    def _ask(self, source: KpiSource, period: types_pb2.DateRange, department: str) -> KpiPanel:
        try:
            stub = self.peers.stub(source.peer, source.service, source.stub_class)
            report = getattr(stub, source.rpc)(
                source.request_class(period=period, department_path=department or ""),
                timeout=self.timeout_seconds,
            )
        except grpc.RpcError as exc:
            error = describe_rpc_error(exc)
            return KpiPanel.unavailable(source.peer, REASONS.get(error.code, FAILED))
        return KpiPanel(service=source.peer, status="available", report=report)

    def gather(self, period: types_pb2.DateRange, department: str = "",
               services: Iterable[str] | None = None, *, refresh: bool = False
               ) -> list[KpiPanel]:
        """Every source's panel (or those of ``services``), in the sources' order, asked in
        parallel (unless kept and not ``refresh``); a call that has not answered a second
        after its deadline is a timeout."""
        wanted = set(services) if services is not None else None
        pool = self._executor()
        futures = {
            source.peer: pool.submit(
                contextvars.copy_context().run, self.fetch, source, period, department,
                refresh=refresh,
            )
            for source in self.sources
            if wanted is None or source.peer in wanted
        }
        wait(futures.values(), timeout=self.timeout_seconds + 1)
        panels = []
        for peer, future in futures.items():
            if future.done() and future.exception() is None:
                panels.append(future.result())
            else:
                panels.append(KpiPanel.unavailable(peer, TIMEOUT))
        return panels

    def close(self) -> None:
        with self._lock:
            if self._pool is not None and self._pid == os.getpid():
                self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
