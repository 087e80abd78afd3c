"""GetTicketKpis through the api, in-process on SQLite and PostgreSQL, over tickets, transfers
and call-backs stored as the ticket core stores them: figures of the period and the previous
one, the department subtree and its breakdown, and who may ask."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from crm.common.v1 import types_pb2
from crm.ticket.v1 import ticket_pb2
from crm_shared.db import utcnow
from ticket_service.models import CallbackTask, TicketHistoryEntry

pytestmark = [pytest.mark.integration,
              pytest.mark.parametrize("api", ["sqlite", "postgresql"], indirect=True)]

# March 2026 in Beijing time (the seeded /hq calendar's zone) starts at 16:00 UTC on 28 Feb.
MARCH = datetime(2026, 2, 28, 16, tzinfo=UTC)
H = timedelta(hours=1)

# callers: user ids of the organisation in conftest.PEOPLE
ADMIN, VIP_LEAD, AGENT = "u-admin", "u-vip-lead", "u-agent"


def kpis(api, caller=ADMIN, department_path="/hq/service", group=False, start="2026-03-01",
         end="2026-03-31"):
    report = api.stub(caller).GetTicketKpis(ticket_pb2.GetTicketKpisRequest(
        period=types_pb2.DateRange(start_date=start, end_date=end),
        department_path=department_path, group_by_department=group))
    return report


def by_key(kpi_list):
    return {kpi.key: kpi for kpi in kpi_list}


@pytest.fixture
def history(api):
    """Tickets of /hq/service (and its VIP desk) in February and March, one of /hq/tech."""
    def ticket(created, dept="/hq/service", **fields):
        return api.add_ticket(create_time=created, department_path=dept, **fields)

    ticket(MARCH + 1 * H, first_response_time=MARCH + 2 * H, first_response_due_time=MARCH + 4 * H,
           resolve_time=MARCH + 10 * H, state="resolved")
    ticket(MARCH + 2 * H, dept="/hq/service/vip", first_response_time=MARCH + 8 * H,
           first_response_due_time=MARCH + 4 * H, first_response_breached=True)
    ticket(MARCH + 3 * H, type="complaint", resolve_time=MARCH + 20 * H, resolution_due_time=MARCH + 27 * H,
           reopen_count=1, state="resolved")
    ticket(MARCH - 100 * H)  # February, still open: backlog
    ticket(MARCH - 200 * H, first_response_time=MARCH - 199 * H)  # February
    ticket(MARCH + 5 * H, dept="/hq/tech")
    moved = ticket(MARCH + 6 * H, dept="/hq/tech")
    with api.database.unit_of_work() as uow:
        uow.session.add(TicketHistoryEntry(ticket_id=moved.id, kind="transferred", occur_time=MARCH + 7 * H,
                                           from_department_path="/hq/service", to_department_path="/hq/tech"))
        now = utcnow()
        for due, done in ((MARCH + 30 * H, MARCH + 29 * H), (MARCH + 30 * H, None)):
            uow.session.add(CallbackTask(
                id=str(uuid.uuid4()), ticket_id=moved.id, ticket_number="T1", customer_id="c",
                assignee_id="u-am", department_path="/hq/service", due_time=due,
                state="done" if done else "overdue", complete_time=done, create_time=now, update_time=now))
    return api


def test_the_period_figures_of_a_department_subtree(history):
    report = kpis(history)
    assert report.source_service == "ticket"
    assert (report.period.start_date, report.period.end_date) == ("2026-03-01", "2026-03-31")
    assert (report.previous_period.start_date, report.previous_period.end_date) == ("2026-01-29", "2026-02-28")
    figures = by_key(report.kpis)
    assert figures["ticket_count"].value == 3
    assert figures["backlog"].value == 3  # the vip one, and two from February
    assert figures["first_response_hours_avg"].value == pytest.approx(3.5)  # 1 h and 6 h
    assert figures["first_response_sla_rate"].value == pytest.approx(0.5)
    assert figures["complaint_timeliness_rate"].value == pytest.approx(1.0)
    assert figures["resolution_hours_avg"].value == pytest.approx(13.0)  # 9 h and 17 h
    assert figures["transfer_count"].value == 1
    assert figures["reopen_rate"].value == pytest.approx(0.5)
    assert figures["callback_on_time_rate"].value == pytest.approx(0.5)
    assert figures["ticket_count"].previous_value == 2
    assert figures["first_response_hours_avg"].previous_value == pytest.approx(1.0)
    assert not figures["callback_on_time_rate"].HasField("previous_value")


def test_the_breakdown_is_per_direct_sub_department(history):
    report = kpis(history, department_path="/hq", group=True)
    assert by_key(report.kpis)["ticket_count"].value == 5
    groups = {group.key: by_key(group.kpis)["ticket_count"].value for group in report.groups}
    assert groups == {"/hq/service": 3, "/hq/tech": 2}


def test_a_lead_sees_their_subtree_only_and_agents_none(history, rpc_error):
    assert by_key(kpis(history, caller=VIP_LEAD, department_path="").kpis)["ticket_count"].value == 1
    error = rpc_error(kpis, history, caller=VIP_LEAD, department_path="/hq/service")
    assert error.code is grpc.StatusCode.PERMISSION_DENIED
    assert rpc_error(kpis, history, caller=AGENT).code is grpc.StatusCode.PERMISSION_DENIED


def test_bad_periods_are_refused(api, rpc_error):
    error = rpc_error(kpis, api, start="2026-3-1", end="2026-02-30")
    assert {v.field for v in error.violations} == {"period.start_date", "period.end_date"}
    assert rpc_error(kpis, api, start="2026-03-31", end="2026-03-01").code is grpc.StatusCode.INVALID_ARGUMENT
