"""KPI periods and department breakdown: pure date and path arithmetic (the figures
themselves are aggregates the database computes: ``integration/test_ticket_kpi_figures.py``)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from ticket_service.kpis import direct_children, periods


def test_periods_are_local_days_and_the_previous_has_the_same_length():
    current, previous, first, last = periods(date(2026, 3, 1), date(2026, 3, 31), ZoneInfo("Asia/Shanghai"))
    assert current.start == datetime(2026, 2, 28, 16, tzinfo=UTC)
    assert current.end == datetime(2026, 3, 31, 16, tzinfo=UTC)
    assert (first, last) == (date(2026, 1, 29), date(2026, 2, 28))
    assert previous.end == current.start


def test_direct_children_of_a_department():
    paths = ["/hq/service", "/hq/service/vip/gold", "/hq/service/web", "/hq/tech"]
    assert direct_children("/hq/service", paths) == ["/hq/service/vip", "/hq/service/web"]
    assert direct_children("", paths) == ["/hq"]
