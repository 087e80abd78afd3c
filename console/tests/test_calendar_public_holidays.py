"""The calendar page's "fill public holidays" button in process, against a small ticket service
that fills with the real service's merge (``ticket_service.public_holidays``): a year fills
holidays and make-up days and says how many; a year the holiday data does not know shows its
error next to the year, in Chinese on a Chinese page, with what was typed kept."""

from __future__ import annotations

import pytest
from crm.ticket.v1 import ticket_pb2, ticket_pb2_grpc
from crm_shared.errors import FieldViolation, InvalidArgument
from crm_shared.grpc.status import to_grpc_status
from ticket_service.public_holidays import UnknownYear, fill_year

T = ticket_pb2
ADMIN = {
    "user_id": "u-admin",
    "username": "admin",
    "roles": ["admin"],
    "department_path": "/hq",
    "data_scope": "all",
}
WEEKDAYS = [{"day": day, "opens_at": "09:00", "closes_at": "18:00"} for day in range(1, 6)]


class Tickets(ticket_pb2_grpc.TicketServiceServicer):
    def __init__(self):
        self.holidays, self.extra = [], []

    def _calendar(self):
        return T.BusinessCalendar(
            id="cal-1",
            display_name="总部工作时间",
            department_path="/hq",
            time_zone="Asia/Shanghai",
            working_hours=[T.WorkingHours(**hours) for hours in WEEKDAYS],
            holidays=[T.CalendarDay(**day) for day in self.holidays],
            extra_working_days=[T.CalendarDay(**day) for day in self.extra],
        )

    def GetBusinessCalendar(self, request, context):
        return self._calendar()

    def FillPublicHolidays(self, request, context):
        try:
            filled = fill_year(request.year, self.holidays, self.extra, WEEKDAYS)
        except UnknownYear as exc:
            context.abort_with_status(
                to_grpc_status(InvalidArgument(FieldViolation("year", str(exc))))
            )
        self.holidays, self.extra = filled.holidays, filled.extra_working_days
        return T.FillPublicHolidaysResponse(
            calendar=self._calendar(),
            holidays_added=filled.holidays_added,
            extra_working_days_added=filled.extra_working_days_added,
        )


@pytest.fixture(scope="module")
def tickets():
    return Tickets()


@pytest.fixture(scope="module")
def console(serve_grpc, console_for, tickets):
    return console_for(serve_grpc(tickets, workers=4))


def _csrf(page: str) -> str:
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def test_a_year_is_filled_and_the_page_lists_the_make_up_days(console, tickets):
    client = console.client(ADMIN)
    form = client.get("/admin/calendars/cal-1").get_data(as_text=True)
    assert 'action="/admin/calendars/cal-1/public-holidays"' in form
    assert 'for="fill-year"' in form

    response = client.post(
        "/admin/calendars/cal-1/public-holidays", data={"csrf_token": _csrf(form), "year": "2026"}
    )

    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    added = len(tickets.holidays)
    assert f"2026: added {added} holidays and {len(tickets.extra)} make-up working days." in page
    assert "2026-02-14 春节调休 (Spring Festival)" in page
    assert "works like Monday" in page


def test_an_unknown_year_shows_its_error_next_to_the_year_in_chinese(console, tickets):
    before = (list(tickets.holidays), list(tickets.extra))
    client = console.client(ADMIN, "zh-CN")
    form = client.get("/admin/calendars/cal-1").get_data(as_text=True)
    response = client.post(
        "/admin/calendars/cal-1/public-holidays", data={"csrf_token": _csrf(form), "year": "2999"}
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="fill-year-error"' in page
    assert "2999 年的法定节假日尚未发布" in page
    assert 'value="2999"' in page
    assert (tickets.holidays, tickets.extra) == before
