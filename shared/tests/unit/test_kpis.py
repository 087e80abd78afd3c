"""crm_shared.kpis: every service's panel, asked in parallel inside the caller's context; a
failing or slow service marks only its own panel unavailable, with the reason."""

import threading
import time
from datetime import date

import grpc
import pytest
from crm.common.v1 import reporting_pb2
from crm_shared.auth import Principal, current_principal
from crm_shared.auth.principal import DataScope, principal_scope
from crm_shared.kpis import (
    PERIODS,
    SERVICES,
    KpiGatherer,
    date_range,
    period_range,
    previous_range,
)


class StatusError(grpc.RpcError):
    def __init__(self, code: grpc.StatusCode) -> None:
        self._code = code

    def code(self):
        return self._code

    def details(self):
        return self._code.name

    def trailing_metadata(self):
        return ()


class FakeStub:
    """Answers any ``Get<Svc>Kpis`` with ``behaviour(request)``; records who asked."""

    def __init__(self, peer, behaviour, seen) -> None:
        self.peer, self.behaviour, self.seen = peer, behaviour, seen

    def __getattr__(self, rpc):
        def call(request, timeout=None):
            self.seen.append((self.peer, rpc, request, current_principal(required=False), timeout))
            return self.behaviour(request)

        return call


class FakePeers:
    def __init__(self, behaviours) -> None:
        self.behaviours = behaviours
        self.seen = []

    def stub(self, peer, service, stub_class):
        assert service.name == stub_class.__name__.removesuffix("Stub")
        return FakeStub(peer, self.behaviours[peer], self.seen)


def report(request, value=0.5):
    return reporting_pb2.KpiReport(period=request.period, kpis=[
        reporting_pb2.Kpi(key="win_rate", value=value, previous_value=0.4, unit="ratio")])


def fails_with(code):
    def behaviour(_request):
        raise StatusError(code)

    return behaviour


PRINCIPAL = Principal(user_id="u-1", username="sales.lead", roles=frozenset({"manager"}),
                      department_path="/hq/sales", data_scope=DataScope.DEPARTMENT, token="t")


def test_each_service_has_its_panel_in_order_and_only_failures_are_unavailable():
    release = threading.Event()

    def slow(request):
        release.wait(5)
        return report(request)

    peers = FakePeers({
        "customer": report,
        "sales": slow,
        "ticket": fails_with(grpc.StatusCode.UNAVAILABLE),
        "marketing": fails_with(grpc.StatusCode.PERMISSION_DENIED),
        "notification": fails_with(grpc.StatusCode.UNIMPLEMENTED),
    })
    gatherer = KpiGatherer(peers, timeout_seconds=0.5)
    period = date_range(date(2026, 5, 1), date(2026, 5, 30))
    started = time.monotonic()
    try:
        with principal_scope(PRINCIPAL):
            panels = gatherer.gather(period, "/hq/sales")
    finally:
        release.set()
        gatherer.close()

    assert time.monotonic() - started < 3  # in parallel, bounded by the deadline
    assert [p.service for p in panels] == list(SERVICES)
    by_service = {p.service: p for p in panels}
    assert by_service["customer"].available
    assert by_service["customer"].report.kpis[0].value == 0.5
    assert [(p.status, p.reason) for p in panels[1:]] == [
        ("unavailable", "timeout"), ("unavailable", "unavailable"),
        ("unavailable", "permission_denied"), ("unavailable", "not_implemented")]
    assert by_service["ticket"].detail == "the ticket service is unavailable"
    # Each call carried the caller (its token goes with it), the period, the department and
    # the deadline.
    for peer, rpc, request, principal, timeout in peers.seen:
        assert rpc.startswith("Get") and rpc.endswith("Kpis")
        assert principal is PRINCIPAL
        assert request.period == period and request.department_path == "/hq/sales"
        assert timeout == 0.5


def test_one_service_can_be_asked_alone():
    peers = FakePeers({"ticket": report})
    gatherer = KpiGatherer(peers, timeout_seconds=1)
    period = date_range(date(2026, 5, 1), date(2026, 5, 7))
    try:
        assert [p.service for p in gatherer.gather(period, services=["ticket"])] == ["ticket"]
    finally:
        gatherer.close()
    panel = gatherer.fetch("ticket", period)
    assert panel.available and panel.report.period == period


@pytest.mark.parametrize("word, first", [
    ("last_7_days", date(2026, 5, 14)),
    ("last_30_days", date(2026, 4, 21)),
    ("last_90_days", date(2026, 2, 20)),
    ("month_to_date", date(2026, 5, 1)),
    ("quarter_to_date", date(2026, 4, 1)),
    ("year_to_date", date(2026, 1, 1)),
])
def test_period_words_are_ranges_ending_today_and_the_previous_period_has_their_length(word,
                                                                                     first):
    today = date(2026, 5, 20)
    assert word in PERIODS
    start, end = period_range(word, today)
    assert (start, end) == (first, today)
    before_start, before_end = previous_range(start, end)
    assert (before_end - before_start) == (end - start)
    assert (start - before_end).days == 1


def test_a_periods_days_are_counted_in_the_callers_zone():
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from crm_shared.kpis import period_in_zone, time_zone

    shanghai_1am_on_1_march = datetime(2026, 2, 28, 17, 0, tzinfo=UTC)
    assert period_in_zone("month_to_date", ZoneInfo("Asia/Shanghai"),
                          shanghai_1am_on_1_march) == (date(2026, 3, 1), date(2026, 3, 1))
    assert period_in_zone("month_to_date", ZoneInfo("UTC"),
                          shanghai_1am_on_1_march) == (date(2026, 2, 1), date(2026, 2, 28))
    assert time_zone("Asia/Shanghai") == ZoneInfo("Asia/Shanghai")
    for unknown in ("Mars/Olympus_Mons", "../etc/passwd", ""):
        with pytest.raises(ValueError, match="IANA time zone"):
            time_zone(unknown)


OTHER = Principal(user_id="u-2", username="rep.li", roles=frozenset({"sales_rep"}),
                  department_path="/hq/sales/east", data_scope=DataScope.OWN, token="t2")


def test_a_kept_panel_is_the_same_callers_only_and_refresh_asks_again():
    calls = []

    def counted(request):
        calls.append(current_principal(required=False).user_id)
        return report(request, value=len(calls))

    peers = FakePeers({"sales": counted})
    gatherer = KpiGatherer(peers, timeout_seconds=1, cache_seconds=600)
    period = date_range(date(2026, 5, 1), date(2026, 5, 7))
    try:
        with principal_scope(PRINCIPAL):
            first = gatherer.gather(period, services=["sales"])[0]
            again = gatherer.gather(period, services=["sales"])[0]
            assert calls == ["u-1"] and again.report.kpis[0].value == first.report.kpis[0].value
            # Another period or department is another report.
            gatherer.gather(period, "/hq/sales/east", services=["sales"])
            assert calls == ["u-1", "u-1"]
        # Another caller never gets the first one's figures.
        with principal_scope(OTHER):
            theirs = gatherer.gather(period, services=["sales"])[0]
        assert calls == ["u-1", "u-1", "u-2"] and theirs.report.kpis[0].value == 3
        # A refresh asks the service and keeps the new answer.
        with principal_scope(PRINCIPAL):
            fresh = gatherer.gather(period, services=["sales"], refresh=True)[0]
            assert calls[-1] == "u-1" and fresh.report.kpis[0].value == 4
            assert gatherer.gather(period, services=["sales"])[0].report.kpis[0].value == 4
        assert len(calls) == 4
    finally:
        gatherer.close()


def test_failures_and_anonymous_calls_are_not_kept_and_kept_panels_expire():
    outcomes = [fails_with(grpc.StatusCode.UNAVAILABLE), report, report, report]
    calls = []

    def next_outcome(request):
        calls.append(request)
        return outcomes[min(len(calls) - 1, len(outcomes) - 1)](request)

    gatherer = KpiGatherer(FakePeers({"ticket": next_outcome}), timeout_seconds=1,
                           cache_seconds=0.3)
    period = date_range(date(2026, 5, 1), date(2026, 5, 7))
    try:
        with principal_scope(PRINCIPAL):
            assert not gatherer.fetch("ticket", period).available
            assert gatherer.fetch("ticket", period).available  # the failure was not kept
            assert len(calls) == 2
            assert gatherer.fetch("ticket", period).available and len(calls) == 2  # kept
            deadline = time.monotonic() + 5
            while len(calls) == 2 and time.monotonic() < deadline:
                gatherer.fetch("ticket", period)  # until the kept panel expires
            assert len(calls) == 3
        gatherer.fetch("ticket", period)
        gatherer.fetch("ticket", period)
        assert len(calls) == 5  # no caller, nothing kept
    finally:
        gatherer.close()


def test_without_cache_seconds_every_gather_asks():
    calls = []
    gatherer = KpiGatherer(FakePeers({"sales": lambda r: calls.append(r) or report(r)}),
                           timeout_seconds=1)
    period = date_range(date(2026, 5, 1), date(2026, 5, 7))
    with principal_scope(PRINCIPAL):
        gatherer.fetch("sales", period)
        gatherer.fetch("sales", period)
    assert len(calls) == 2
