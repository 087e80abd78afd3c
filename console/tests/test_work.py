"""My work: who gathers what, and the order of urgency (pure logic, no services)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crm_console.views.work import (
    KIND_FIRST_CONTACT,
    KIND_FOLLOW_UP,
    KIND_TICKET,
    WorkItem,
    end_of_day,
    sort_by_urgency,
    sources_for,
)

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _item(title, due_in_hours, overdue=False, kind=KIND_FOLLOW_UP):
    due = None if due_in_hours is None else NOW + timedelta(hours=due_in_hours)
    return WorkItem(kind=kind, title=title, url="/x", due=due, overdue=overdue)


def test_overdue_items_come_first_then_by_due_time_and_undated_last():
    items = [_item("later", 30), _item("undated", None), _item("soon", 1),
             _item("flagged overdue", 5, overdue=True), _item("past due", -2)]
    ordered = sort_by_urgency(items, now=NOW)
    assert [i.title for i in ordered] == ["past due", "flagged overdue", "soon", "later",
                                          "undated"]


def test_an_item_past_its_due_time_is_overdue_even_when_its_source_did_not_say_so():
    past, future = _item("past", -0.5), _item("future", 0.5)
    sort_by_urgency([past, future], now=NOW)
    assert past.overdue and not future.overdue


def test_a_due_date_counts_until_the_end_of_that_day_in_the_consoles_time_zone(app_context):
    assert end_of_day("2026-03-02") == datetime(2026, 3, 2, 15, 59, 59, tzinfo=UTC)
    assert end_of_day("not a date") is None and end_of_day("") is None


def test_each_role_gathers_only_the_sources_it_uses():
    assert sources_for(frozenset({"marketer"}), leads_department=False) == []
    rep = sources_for(frozenset({"sales_rep"}), leads_department=False)
    assert rep == ["follow_up_tasks", "follow_up_plans", "first_contacts", "callbacks"]
    assert "team_first_contacts" in sources_for(frozenset({"sales_lead"}), leads_department=True)
    assert sources_for(frozenset({"agent"}), leads_department=False) == ["my_tickets"]
    lead = sources_for(frozenset({"manager", "service_lead"}), leads_department=True)
    assert lead == ["my_tickets", "breaching_tickets"]
    # A manager who leads no department sees no department-wide breaches.
    assert "breaching_tickets" not in sources_for(frozenset({"manager"}), leads_department=False)


def test_a_failing_source_is_noted_and_the_others_still_count(monkeypatch):
    from crm_console.refusals import Refusal
    from crm_console.views import work

    def broken():
        raise Refusal(status=503, message="down")

    monkeypatch.setitem(work.SOURCES, "first_contacts",
                        work.Source("first_contacts", "Leads to contact", broken))
    monkeypatch.setitem(work.SOURCES, "my_tickets", work.Source(
        "my_tickets", "My tickets", lambda: [_item("T1", -1, kind=KIND_TICKET)]))
    gathered = work.gather(["first_contacts", "my_tickets"])
    assert gathered.failed == ["Leads to contact"]
    assert [i.title for i in gathered.items] == ["T1"] and gathered.items[0].overdue
    assert KIND_FIRST_CONTACT  # the kinds are message ids


def test_a_generated_task_is_named_by_its_reason_in_the_readers_language(monkeypatch, app_context):
    """The sales service writes generated tasks' titles in English ("Regular contact (A class,
    every 7 days)"); the page names them by reason, translated; a person's own task keeps its
    title; a segment contact strategy's task names its segment under the label."""
    from crm.sales.v1 import sales_pb2
    from crm_console.i18n import load_catalogs
    from crm_console.views import work
    from flask import g

    tasks = sales_pb2.ListFollowUpTasksResponse(tasks=[
        sales_pb2.FollowUpTask(id="t1", customer_id="c1", due_date="2026-03-03",
                               reason=sales_pb2.FOLLOW_UP_REASON_CADENCE,
                               title="Regular contact (A class, every 7 days)"),
        sales_pb2.FollowUpTask(id="t2", customer_id="c1", due_date="2026-03-04",
                               reason=sales_pb2.FOLLOW_UP_REASON_NEXT_STEP, title="送样品给王总"),
        sales_pb2.FollowUpTask(id="t3", customer_id="c2", due_date="2026-03-08",
                               reason=sales_pb2.FOLLOW_UP_REASON_CONTACT_STRATEGY,
                               title="Follow-up call or visit (流失风险客户 At risk)",
                               segment_name="流失风险客户 At risk"),
    ])
    monkeypatch.setattr(work, "call", lambda *args, **kwargs: tasks)
    g.principal = type("P", (), {"user_id": "u-rep"})()
    generated, own, strategy = work._follow_up_tasks()

    assert (generated.label, own.label, own.title) == ("Regular contact", "", "送样品给王总")
    assert (strategy.label, strategy.detail) == ("Segment contact strategy", "流失风险客户 At risk")
    chinese = load_catalogs()["zh-CN"]
    assert {label: chinese.gettext(label) for label in work.GENERATED_TASK_LABELS.values()} == {
        "Regular contact": "定期联系",
        "Senior contact by the department lead": "部门负责人高层联系",
        "Re-contact: need confirmed": "再次联系：需求已确认",
        "Re-contact: proposal sent": "再次联系：方案已发送",
        "Segment contact strategy": "细分群体联系策略",
        "Win-back visit: ask why they left": "流失客户回访：询问流失原因",
    }
