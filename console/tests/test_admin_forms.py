"""Administration and profile forms turned into requests (pure logic, no services)."""

from __future__ import annotations

from crm.common.v1 import rules_pb2, types_pb2
from crm.ticket.v1 import ticket_pb2
from crm_console.views.admin import condition_from_form, condition_values, known_roles, words
from crm_console.views.admin.directory import department_tree, user_changes, user_from_form
from crm_console.views.admin.ticket_setup import (
    calendar_errors,
    calendar_from_form,
    duration_of,
    hours,
    routing_rule_from_form,
    routing_rule_values,
)
from crm_console.views.profile import preference_values, preferences_from_form, profile_changes
from werkzeug.datastructures import MultiDict

CONTAINS_ANY = rules_pb2.CONDITION_OPERATOR_CONTAINS_ANY


def test_a_routing_rule_form_becomes_the_rule_and_back():
    form = MultiDict({
        "display_name": "质量问题转产品部", "target_department_path": "/hq/product",
        "agent_selection": str(ticket_pb2.AGENT_SELECTION_SKILL_MATCH), "priority": "20",
        "required_skills": "质量，售后; 硬件", "enabled": "true", "condition.match": "2",
        "condition.conditions[0].field": "text",
        "condition.conditions[0].operator": str(CONTAINS_ANY),
        "condition.conditions[0].values": "质量, 开裂",
        "condition.conditions[1].field": "", "condition.conditions[1].operator": "",
        "condition.conditions[1].values": "",
    })
    rule = routing_rule_from_form(form)
    assert rule.priority == 20 and rule.enabled
    assert list(rule.required_skills) == ["质量", "售后", "硬件"]
    assert rule.condition.match == rules_pb2.MATCH_MODE_ANY
    assert len(rule.condition.conditions) == 1  # the empty row is dropped
    assert list(rule.condition.conditions[0].values) == ["质量", "开裂"]
    values = routing_rule_values(rule)
    assert values["condition.conditions[0].values"] == "质量, 开裂"
    assert routing_rule_from_form(MultiDict(values)).condition == rule.condition


def test_a_condition_without_rows_matches_everything():
    group = condition_from_form(MultiDict({"condition.match": "1"}))
    assert not group.conditions
    assert condition_values(group) == {"condition.match": "1"}


def test_words_split_on_commas_of_either_width_and_new_lines():
    assert words("a, b，c；d\ne,, ") == ["a", "b", "c", "d", "e"]


def test_a_new_user_form_leaves_optional_fields_to_the_gateways_defaults():
    body = user_from_form(MultiDict([("username", " rep.wu "), ("password", "secret pass"),
                                     ("display_name", "吴芳"), ("department_path", ""),
                                     ("email", ""), ("roles", "sales_rep"),
                                     ("roles", "manager")]))
    assert body == {"username": "rep.wu", "password": "secret pass", "display_name": "吴芳",
                    "department_path": "", "roles": ["sales_rep", "manager"]}


def test_editing_a_user_sends_only_what_changed():
    user = {"display_name": "吴芳", "email": "wu@example.com", "phone": "", "job_title": "",
            "department_path": "/hq/sales/east", "data_scope": "own", "locale": "zh-CN",
            "roles": ["sales_rep"], "active": True}
    form = MultiDict([("display_name", "吴芳"), ("email", "wu@example.com"), ("phone", ""),
                      ("job_title", ""), ("department_path", "/hq/sales/north"),
                      ("data_scope", "own"), ("locale", "zh-CN"), ("roles", "sales_rep"),
                      ("password", "")])
    assert user_changes(form, user) == {"department_path": "/hq/sales/north", "active": False}


def test_departments_are_listed_as_a_tree():
    found = [{"path": "/hq/sales/east"}, {"path": "/hq"}, {"path": "/hq/service"},
             {"path": "/hq/sales"}]
    tree = department_tree(found)
    assert [(d["path"], d["depth"]) for d in tree] == [
        ("/hq", 0), ("/hq/sales", 1), ("/hq/sales/east", 2), ("/hq/service", 1)]


def test_the_roles_offered_are_the_suites_and_never_the_service_role():
    roles = known_roles(extra=["service", "auditor"])
    assert {"admin", "sales_rep", "sales_lead", "agent", "marketer", "auditor"} <= set(roles)
    assert "service" not in roles


def test_sla_targets_are_edited_in_hours():
    assert duration_of("1.5").seconds == 5400 and duration_of("") is None
    assert duration_of("x").seconds == -1  # the service names the field
    assert hours(duration_of("24")) == "24" and hours(duration_of("0.25")) == "0.25"


def test_a_calendars_errors_land_on_the_weekday_rows_of_the_form():
    form = MultiDict({"display_name": "总部", "hours[1].opens_at": "09:00",
                      "hours[1].closes_at": "18:00", "hours[3].opens_at": "25:00",
                      "hours[3].closes_at": "18:00", "holidays": "2026-10-01 国庆节\n"})
    sent = calendar_from_form(form)
    assert [h.day for h in sent.working_hours] == [1, 3]
    assert sent.holidays[0].date == "2026-10-01" and sent.holidays[0].name == "国庆节"
    errors = calendar_errors({"working_hours[1].opens_at": "must be HH:MM",
                              "holidays[0].date": "bad"}, sent)
    assert errors == {"hours[3].opens_at": "must be HH:MM", "holidays": "bad"}


def test_the_profile_sends_only_changed_fields_and_unknown_ones_only_when_typed():
    me = {"display_name": "张伟", "email": "rep.zhang@example.com", "locale": "zh-CN"}
    form = MultiDict({"display_name": "张伟", "email": "rep.zhang@example.com", "phone": "",
                      "job_title": "高级销售", "locale": "en-US"})
    assert profile_changes(form, me) == {"job_title": "高级销售", "locale": "en-US"}


def test_notification_preferences_round_trip_through_the_form():
    from crm.notification.v1 import notification_pb2

    categories = ["ticket.transferred", "ticket.escalated"]
    stored = notification_pb2.NotificationPreferences(
        quiet_hours=notification_pb2.QuietHours(enabled=True, starts_at="22:00",
                                                ends_at="08:00", allow_urgent=True),
        default_channels=[types_pb2.DELIVERY_CHANNEL_IN_APP, types_pb2.DELIVERY_CHANNEL_SMS],
        categories=[notification_pb2.CategoryPreference(
            category="ticket.transferred",
            channels=[types_pb2.DELIVERY_CHANNEL_IN_APP, types_pb2.DELIVERY_CHANNEL_EMAIL])])
    values = preference_values(stored, categories)
    assert values["default_channels"] == ["sms"]
    assert values["categories[0].channels"] == ["email"] and values["categories[0].own"]
    assert not values["categories[1].own"] and not values["categories[1].muted"]

    form = MultiDict([("quiet_hours.enabled", "true"), ("quiet_hours.starts_at", "22:00"),
                      ("quiet_hours.ends_at", "08:00"), ("quiet_hours.allow_urgent", "true"),
                      ("default_channels", "sms"), ("categories[0].own", "true"),
                      ("categories[0].channels", "email"), ("categories[1].muted", "true")])
    sent, mask = preferences_from_form(form, categories)
    assert sent.quiet_hours == stored.quiet_hours
    assert list(sent.default_channels) == list(stored.default_channels)
    assert sent.categories[0] == stored.categories[0]
    assert sent.categories[1].category == "ticket.escalated" and sent.categories[1].muted
    assert set(mask) == {"quiet_hours", "time_zone", "default_channels", "categories"}
