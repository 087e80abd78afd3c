"""Set-up of the ticket service through its api, in-process on SQLite and PostgreSQL: business
calendars, SLA policies (and which one applies to a ticket) and the ticket policy, with the
defaults the migration seeds, validation, and who may change what."""

from __future__ import annotations

from datetime import timedelta

import grpc
import pytest
from crm.common.v1 import types_pb2
from crm.ticket.v1 import ticket_pb2
from google.protobuf.duration_pb2 import Duration
from google.protobuf.field_mask_pb2 import FieldMask
from ticket_service.calendars import calendar_for
from ticket_service.models import BusinessCalendar
from ticket_service.sla_policies import policy_for, ticket_policy

pytestmark = [pytest.mark.integration,
              pytest.mark.parametrize("api", ["sqlite", "postgresql"], indirect=True)]

MONDAY, SATURDAY = 1, 6

# callers: user ids of the organisation in conftest.PEOPLE
ADMIN, SERVICE_LEAD, AGENT, TECH_LEAD = "u-admin", "u-service-lead", "u-agent", "u-tech-lead"


def hours(value: float) -> Duration:
    duration = Duration()
    duration.FromTimedelta(timedelta(hours=value))
    return duration


def weekdays(opens="09:00", closes="18:00"):
    return [ticket_pb2.WorkingHours(day=day, opens_at=opens, closes_at=closes) for day in range(1, 6)]


def new_calendar(path="/hq/service", **fields):
    values = {"display_name": "Service desk", "department_path": path,
              "time_zone": "Asia/Shanghai", "working_hours": weekdays()}
    values.update(fields)
    return ticket_pb2.BusinessCalendar(**values)


# -- calendars ---------------------------------------------------------------------------------


def test_the_default_head_office_calendar_is_seeded(api):
    listed = api.stub(AGENT).ListBusinessCalendars(ticket_pb2.ListBusinessCalendarsRequest())
    [seeded] = listed.calendars
    assert seeded.department_path == "/hq"
    assert seeded.time_zone == "Asia/Shanghai"
    assert [(h.day, h.opens_at, h.closes_at) for h in seeded.working_hours] == [
        (day, "09:00", "18:00") for day in range(1, 6)]


def test_a_lead_creates_reads_updates_and_deletes_a_calendar_of_their_subtree(api, rpc_error):
    lead = api.stub(SERVICE_LEAD)
    created = lead.CreateBusinessCalendar(ticket_pb2.CreateBusinessCalendarRequest(calendar=new_calendar(
        holidays=[ticket_pb2.CalendarDay(date="2026-10-01", name="National Day")],
        extra_working_days=[ticket_pb2.CalendarDay(date="2026-10-10", name="make-up",
                                                   weekday_like=MONDAY)])))
    assert created.id and created.created_by == SERVICE_LEAD
    assert api.stub(AGENT).GetBusinessCalendar(ticket_pb2.GetBusinessCalendarRequest(id=created.id)) == created

    changed = lead.UpdateBusinessCalendar(ticket_pb2.UpdateBusinessCalendarRequest(
        calendar=ticket_pb2.BusinessCalendar(id=created.id, time_zone="Europe/Berlin",
                                             display_name="ignored: not in the mask"),
        update_mask=FieldMask(paths=["time_zone"])))
    assert changed.time_zone == "Europe/Berlin"
    assert changed.display_name == "Service desk"
    assert list(changed.holidays) == list(created.holidays)

    lead.DeleteBusinessCalendar(ticket_pb2.DeleteBusinessCalendarRequest(id=created.id))
    error = rpc_error(lead.GetBusinessCalendar, ticket_pb2.GetBusinessCalendarRequest(id=created.id))
    assert error.code is grpc.StatusCode.NOT_FOUND


def test_calendar_for_a_department_is_its_own_or_the_nearest_ancestors(api):
    api.stub(SERVICE_LEAD).CreateBusinessCalendar(
        ticket_pb2.CreateBusinessCalendarRequest(calendar=new_calendar("/hq/service")))
    with api.database.unit_of_work(readonly=True) as uow:
        assert calendar_for(uow.session, "/hq/service/vip/gold").department_path == "/hq/service"
        assert calendar_for(uow.session, "/hq/service").department_path == "/hq/service"
        assert calendar_for(uow.session, "/hq/tech").department_path == "/hq"
        assert calendar_for(uow.session, "/elsewhere") is None


def test_bad_calendar_fields_are_refused_and_nothing_is_stored(api, rpc_error):
    bad = new_calendar(time_zone="Mars/Olympus",
                       working_hours=[ticket_pb2.WorkingHours(day=MONDAY, opens_at="9am", closes_at="18:00")],
                       holidays=[ticket_pb2.CalendarDay(date="2026-13-01")])
    error = rpc_error(api.stub(ADMIN).CreateBusinessCalendar,
                      ticket_pb2.CreateBusinessCalendarRequest(calendar=bad))
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT
    assert {v.field for v in error.violations} == {
        "calendar.time_zone", "calendar.working_hours[0].opens_at", "calendar.holidays[0].date"}
    with api.database.unit_of_work(readonly=True) as uow:
        assert len(uow.session.query(BusinessCalendar).all()) == 1  # the seeded one


def test_a_second_calendar_for_a_department_already_exists(api, rpc_error):
    create = api.stub(ADMIN).CreateBusinessCalendar
    create(ticket_pb2.CreateBusinessCalendarRequest(calendar=new_calendar()))
    error = rpc_error(create, ticket_pb2.CreateBusinessCalendarRequest(calendar=new_calendar()))
    assert error.code is grpc.StatusCode.ALREADY_EXISTS


def test_calendars_outside_the_callers_subtree_or_by_agents_are_refused(api, rpc_error):
    for caller, path in ((TECH_LEAD, "/hq/service"), (AGENT, "/hq/service"), (SERVICE_LEAD, "")):
        error = rpc_error(api.stub(caller).CreateBusinessCalendar,
                          ticket_pb2.CreateBusinessCalendarRequest(calendar=new_calendar(path)))
        assert error.code is grpc.StatusCode.PERMISSION_DENIED, (caller, path)
    seeded = api.stub(AGENT).ListBusinessCalendars(ticket_pb2.ListBusinessCalendarsRequest()).calendars[0]
    error = rpc_error(api.stub(SERVICE_LEAD).UpdateBusinessCalendar, ticket_pb2.UpdateBusinessCalendarRequest(
        calendar=ticket_pb2.BusinessCalendar(id=seeded.id, time_zone="UTC"),
        update_mask=FieldMask(paths=["time_zone"])))
    assert error.code is grpc.StatusCode.PERMISSION_DENIED


def test_updates_need_a_mask_and_refuse_unknown_paths(api, rpc_error):
    seeded = api.stub(ADMIN).ListBusinessCalendars(ticket_pb2.ListBusinessCalendarsRequest()).calendars[0]
    update = api.stub(ADMIN).UpdateBusinessCalendar
    for mask in ([], ["id"]):
        error = rpc_error(update, ticket_pb2.UpdateBusinessCalendarRequest(
            calendar=ticket_pb2.BusinessCalendar(id=seeded.id), update_mask=FieldMask(paths=mask)))
        assert error.code is grpc.StatusCode.INVALID_ARGUMENT


def test_a_retried_create_returns_the_first_result(api):
    request = ticket_pb2.CreateBusinessCalendarRequest(
        calendar=new_calendar(), request_id="6d3f3c1e-2a55-4f7e-9a55-1f5e0d3c9b21")
    first = api.stub(ADMIN).CreateBusinessCalendar(request)
    assert api.stub(ADMIN).CreateBusinessCalendar(request) == first


def test_the_default_calendar_cannot_be_deleted(api, rpc_error):
    default = api.stub(ADMIN).CreateBusinessCalendar(
        ticket_pb2.CreateBusinessCalendarRequest(calendar=new_calendar("")))
    error = rpc_error(api.stub(ADMIN).DeleteBusinessCalendar,
                      ticket_pb2.DeleteBusinessCalendarRequest(id=default.id))
    assert error.code is grpc.StatusCode.FAILED_PRECONDITION


# -- SLA policies ---------------------------------------------------------------------------------


def test_seeded_policies_follow_the_requirements(api):
    with api.database.unit_of_work(readonly=True) as uow:
        complaint = policy_for(uow.session, "complaint", "normal")
        assert complaint.resolution_seconds == 24 * 3600 and not complaint.business_hours_only
        demand = policy_for(uow.session, "demand", "low")
        assert demand.resolution_seconds == 27 * 3600 and demand.business_hours_only
        urgent = policy_for(uow.session, "fault", "urgent")
        assert (urgent.ticket_type, urgent.priority) == (None, "urgent")
        assert urgent.first_response_seconds == 3600 and not urgent.business_hours_only
        normal = policy_for(uow.session, "consultation", "")
        assert normal.first_response_seconds == 8 * 3600 and normal.business_hours_only
        assert normal.untouched_reminder_seconds == 24 * 3600
        assert normal.escalate_after_seconds == 24 * 3600
        assert normal.warning_before_seconds == 8 * 3600 // 5


def test_the_most_specific_enabled_policy_applies(api):
    admin = api.stub(ADMIN)

    def create(name, **fields):
        return admin.CreateSlaPolicy(ticket_pb2.CreateSlaPolicyRequest(policy=ticket_pb2.SlaPolicy(
            display_name=name, first_response_target=hours(2), enabled=True, **fields)))

    fault_only = create("Faults", ticket_type=ticket_pb2.TICKET_TYPE_FAULT)
    fault_high = create("Faults high", ticket_type=ticket_pb2.TICKET_TYPE_FAULT,
                        priority=ticket_pb2.TICKET_PRIORITY_HIGH)
    with api.database.unit_of_work(readonly=True) as uow:
        assert policy_for(uow.session, "fault", "high").id == fault_high.id
        assert policy_for(uow.session, "fault", "low").id == fault_only.id
        assert policy_for(uow.session, "consultation", "high").priority == "high"
    admin.UpdateSlaPolicy(ticket_pb2.UpdateSlaPolicyRequest(
        policy=ticket_pb2.SlaPolicy(id=fault_high.id, enabled=False),
        update_mask=FieldMask(paths=["enabled"])))
    with api.database.unit_of_work(readonly=True) as uow:
        assert policy_for(uow.session, "fault", "high").id == fault_only.id


def test_sla_policy_crud_round_trips_durations(api, rpc_error):
    admin = api.stub(ADMIN)
    created = admin.CreateSlaPolicy(ticket_pb2.CreateSlaPolicyRequest(policy=ticket_pb2.SlaPolicy(
        display_name="VIP faults", ticket_type=ticket_pb2.TICKET_TYPE_FAULT,
        first_response_target=hours(0.5), resolution_target=hours(8), warning_before=hours(0.25),
        business_hours_only=True, enabled=True)))
    got = api.stub(AGENT).GetSlaPolicy(ticket_pb2.GetSlaPolicyRequest(id=created.id))
    assert got.first_response_target.ToTimedelta() == timedelta(minutes=30)
    assert got.resolution_target.ToTimedelta() == timedelta(hours=8)
    assert not got.HasField("escalate_after")
    updated = admin.UpdateSlaPolicy(ticket_pb2.UpdateSlaPolicyRequest(
        policy=ticket_pb2.SlaPolicy(id=created.id, resolution_target=hours(12)),
        update_mask=FieldMask(paths=["resolution_target"])))
    assert updated.resolution_target.ToTimedelta() == timedelta(hours=12)
    assert updated.first_response_target.ToTimedelta() == timedelta(minutes=30)
    faults = admin.ListSlaPolicies(ticket_pb2.ListSlaPoliciesRequest(
        ticket_type=ticket_pb2.TICKET_TYPE_FAULT))
    assert [policy.id for policy in faults.policies] == [created.id]
    admin.DeleteSlaPolicy(ticket_pb2.DeleteSlaPolicyRequest(id=created.id))
    assert rpc_error(admin.GetSlaPolicy, ticket_pb2.GetSlaPolicyRequest(id=created.id)).code \
        is grpc.StatusCode.NOT_FOUND


def test_bad_sla_policies_are_refused(api, rpc_error):
    error = rpc_error(api.stub(ADMIN).CreateSlaPolicy, ticket_pb2.CreateSlaPolicyRequest(
        policy=ticket_pb2.SlaPolicy(display_name="", first_response_target=hours(-1),
                                    priority=99)))
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT
    assert {"policy.display_name", "policy.first_response_target", "policy.priority"} <= {
        v.field for v in error.violations}


def test_only_administrators_manage_sla_policies(api, rpc_error):
    request = ticket_pb2.CreateSlaPolicyRequest(policy=ticket_pb2.SlaPolicy(
        display_name="x", first_response_target=hours(1)))
    for caller in (SERVICE_LEAD, AGENT):
        assert rpc_error(api.stub(caller).CreateSlaPolicy, request).code is grpc.StatusCode.PERMISSION_DENIED


# -- the ticket policy -------------------------------------------------------------------------------


def test_the_ticket_policy_has_its_defaults(api):
    policy = api.stub(AGENT).GetTicketPolicy(ticket_pb2.GetTicketPolicyRequest())
    assert list(policy.raise_priority_value_classes) == [types_pb2.VALUE_CLASS_A]
    assert policy.raise_priority_when_at_risk
    assert policy.callback_within.ToTimedelta() == timedelta(hours=24)
    assert policy.service_record_within.ToTimedelta() == timedelta(hours=2)
    assert policy.auto_close_after.ToTimedelta() == timedelta(hours=72)


def test_an_administrator_changes_the_ticket_policy_by_mask(api):
    changed = api.stub(ADMIN).UpdateTicketPolicy(ticket_pb2.UpdateTicketPolicyRequest(
        policy=ticket_pb2.TicketPolicy(
            raise_priority_value_classes=[types_pb2.VALUE_CLASS_A, types_pb2.VALUE_CLASS_B],
            callback_within=hours(48), auto_close_after=hours(0)),
        update_mask=FieldMask(paths=["raise_priority_value_classes", "callback_within",
                                     "auto_close_after"])))
    assert changed.updated_by == ADMIN
    assert changed.raise_priority_when_at_risk  # not in the mask
    with api.database.unit_of_work(readonly=True) as uow:
        policy = ticket_policy(uow.session)
    assert policy.raise_priority_value_classes == {"A", "B"}
    assert policy.callback_within == timedelta(hours=48)
    assert policy.auto_close_after is None


def test_the_ticket_policy_refuses_bad_values_and_non_administrators(api, rpc_error):
    bad = ticket_pb2.UpdateTicketPolicyRequest(
        policy=ticket_pb2.TicketPolicy(callback_within=hours(-2)),
        update_mask=FieldMask(paths=["callback_within"]))
    assert rpc_error(api.stub(ADMIN).UpdateTicketPolicy, bad).code is grpc.StatusCode.INVALID_ARGUMENT
    good = ticket_pb2.UpdateTicketPolicyRequest(
        policy=ticket_pb2.TicketPolicy(callback_within=hours(2)),
        update_mask=FieldMask(paths=["callback_within"]))
    assert rpc_error(api.stub(SERVICE_LEAD).UpdateTicketPolicy, good).code is grpc.StatusCode.PERMISSION_DENIED


# -- public holidays ------------------------------------------------------------------------------


def test_the_seeded_calendar_has_the_public_holidays_and_make_up_days(api):
    [seeded] = api.stub(AGENT).ListBusinessCalendars(ticket_pb2.ListBusinessCalendarsRequest()).calendars
    assert "2026-02-17" in {day.date for day in seeded.holidays}
    assert ("2026-02-14", MONDAY) in {(day.date, day.weekday_like) for day in seeded.extra_working_days}


def test_a_lead_fills_a_year_once_and_typed_days_are_kept(api):
    lead = api.stub(SERVICE_LEAD)
    typed = ticket_pb2.CalendarDay(date="2026-02-17", name="Duty day", weekday_like=MONDAY)
    created = lead.CreateBusinessCalendar(ticket_pb2.CreateBusinessCalendarRequest(
        calendar=new_calendar(extra_working_days=[typed])))
    first = lead.FillPublicHolidays(ticket_pb2.FillPublicHolidaysRequest(calendar_id=created.id, year=2026))
    assert first.holidays_added > 0 and first.extra_working_days_added > 0
    assert "2026-10-01" in {day.date for day in first.calendar.holidays}
    assert "2026-02-17" not in {day.date for day in first.calendar.holidays}
    assert typed in first.calendar.extra_working_days
    again = lead.FillPublicHolidays(ticket_pb2.FillPublicHolidaysRequest(calendar_id=created.id, year=2026))
    assert (again.holidays_added, again.extra_working_days_added) == (0, 0)
    stored = lead.GetBusinessCalendar(ticket_pb2.GetBusinessCalendarRequest(id=created.id))
    assert list(stored.holidays) == list(first.calendar.holidays)
    assert list(stored.extra_working_days) == list(first.calendar.extra_working_days)


def test_filling_an_unknown_year_or_a_calendar_outside_the_subtree_is_refused(api, rpc_error):
    created = api.stub(SERVICE_LEAD).CreateBusinessCalendar(
        ticket_pb2.CreateBusinessCalendarRequest(calendar=new_calendar()))
    error = rpc_error(api.stub(SERVICE_LEAD).FillPublicHolidays,
                      ticket_pb2.FillPublicHolidaysRequest(calendar_id=created.id, year=2999))
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in error.violations] == ["year"]
    error = rpc_error(api.stub(TECH_LEAD).FillPublicHolidays,
                      ticket_pb2.FillPublicHolidaysRequest(calendar_id=created.id, year=2026))
    assert error.code is grpc.StatusCode.PERMISSION_DENIED
    stored = api.stub(ADMIN).GetBusinessCalendar(ticket_pb2.GetBusinessCalendarRequest(id=created.id))
    assert list(stored.holidays) == [] and list(stored.extra_working_days) == []
