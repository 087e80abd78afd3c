"""Rules as data: reading an event by path, conditions, and finding recipients."""

from crm.common.v1 import rules_pb2, types_pb2
from crm.notification.v1 import notification_pb2
from crm.ticket.v1 import events_pb2, ticket_pb2
from crm_shared.errors import FieldViolation
from google.protobuf import duration_pb2, timestamp_pb2
from notification_service import rules
from notification_service.models import Preferences
from notification_service.preferences import Choice, channels_for

K = notification_pb2.RecipientKind
Op = rules_pb2.ConditionOperator
IN_APP, EMAIL, WEBHOOK = (types_pb2.DELIVERY_CHANNEL_IN_APP, types_pb2.DELIVERY_CHANNEL_EMAIL,
                          types_pb2.DELIVERY_CHANNEL_WEBHOOK)


class Org:
    """An in-memory directory: /hq/tech led by lead-tech, with two agents."""

    def __init__(self) -> None:
        self.leads = {"/hq/tech": "lead-tech", "/hq/service": "lead-service"}
        self.members = {"/hq/tech": ["agent-1", "agent-2", "lead-tech"], "/hq/service": ["agent-9"]}
        self.roles = {("service_lead", "/hq"): ["lead-tech", "lead-service"]}

    def department_lead(self, path):
        return self.leads.get(path)

    def department_members(self, path):
        return list(self.members.get(path, []))

    def users_with_role(self, role, path):
        return list(self.roles.get((role, path), []))


def transferred(assignee: str = "") -> dict:
    return rules.event_document(events_pb2.TicketTransferred(
        ticket=ticket_pb2.Ticket(id="t-1", number="T1", department_path="/hq/tech",
                                 assignee_id=assignee),
        from_department_path="/hq/service", to_department_path="/hq/tech", reason="tech"))


def who(kind, path="", **fields):
    return notification_pb2.RecipientSelector(kind=kind, field_path=path, **fields)


def test_lookup_reads_snake_case_paths_and_misses_quietly():
    document = transferred()
    assert rules.lookup(document, "ticket.department_path") == "/hq/tech"
    assert rules.lookup(document, "to_department_path") == "/hq/tech"
    assert rules.lookup(document, "ticket.assignee_id") is None  # unset in proto3
    assert rules.lookup(document, "nothing.here") is None


def test_the_new_departments_lead_comes_first_then_its_members_each_once():
    found = rules.recipients(
        [who(K.RECIPIENT_KIND_DEPARTMENT_LEAD, "to_department_path"),
         who(K.RECIPIENT_KIND_DEPARTMENT_MEMBERS, "to_department_path")],
        transferred(), Org())
    assert found == ["lead-tech", "agent-1", "agent-2"]


def test_event_user_fixed_user_role_and_fixed_department():
    document = transferred(assignee="agent-2")
    assert rules.recipients([who(K.RECIPIENT_KIND_EVENT_USER, "ticket.assignee_id")],
                            document, Org()) == ["agent-2"]
    assert rules.recipients([who(K.RECIPIENT_KIND_USER, user_id="boss")], document,
                            Org()) == ["boss"]
    assert rules.recipients([who(K.RECIPIENT_KIND_ROLE, department_path="/hq",
                                 role="service_lead")], document, Org()) == [
        "lead-tech", "lead-service"]
    assert rules.recipients([who(K.RECIPIENT_KIND_DEPARTMENT_LEAD,
                                 department_path="/hq/service")], document, Org()) == [
        "lead-service"]


def test_an_empty_field_or_unknown_department_finds_nobody():
    document = transferred()
    assert rules.recipients([who(K.RECIPIENT_KIND_EVENT_USER, "ticket.assignee_id"),
                             who(K.RECIPIENT_KIND_DEPARTMENT_LEAD, "nope.department_path"),
                             who(K.RECIPIENT_KIND_DEPARTMENT_MEMBERS,
                                 department_path="/hq/none")], document, Org()) == []


def condition(*conditions, match=rules_pb2.MATCH_MODE_ALL, groups=()):
    return rules_pb2.ConditionGroup(match=match, conditions=list(conditions), groups=list(groups))


def test_conditions_pick_the_assignee_or_else_the_lead():
    assigned, unassigned = transferred("agent-1"), transferred()
    has = condition(rules_pb2.Condition(field="ticket.assignee_id",
                                        operator=Op.CONDITION_OPERATOR_EXISTS))
    lacks = condition(rules_pb2.Condition(field="ticket.assignee_id",
                                          operator=Op.CONDITION_OPERATOR_NOT_EXISTS))
    assert (rules.matches(has, assigned), rules.matches(lacks, assigned)) == (True, False)
    assert (rules.matches(has, unassigned), rules.matches(lacks, unassigned)) == (False, True)


def test_equals_in_contains_and_any_all_groups():
    document = transferred()
    to_tech = rules_pb2.Condition(field="to_department_path",
                                  operator=Op.CONDITION_OPERATOR_EQUALS, values=["/hq/tech"])
    from_sales = rules_pb2.Condition(field="from_department_path",
                                     operator=Op.CONDITION_OPERATOR_IN, values=["/hq/sales"])
    says_tech = rules_pb2.Condition(field="reason", operator=Op.CONDITION_OPERATOR_CONTAINS,
                                    values=["TECH"])
    assert rules.matches(condition(), document)  # no condition: always
    assert rules.matches(condition(to_tech, says_tech), document)
    assert not rules.matches(condition(to_tech, from_sales), document)
    assert rules.matches(condition(to_tech, from_sales, match=rules_pb2.MATCH_MODE_ANY), document)
    assert not rules.matches(condition(groups=[condition(from_sales)]), document)


def test_unsupported_operators_and_missing_selector_parts_are_field_violations():
    bad = condition(rules_pb2.Condition(field="x", operator=Op.CONDITION_OPERATOR_BETWEEN,
                                        values=["1", "2"]))
    assert rules.condition_violations(bad, "rule.condition") == [
        FieldViolation("rule.condition.conditions[0].operator",
                       "must be EQUALS, NOT_EQUALS, IN, NOT_IN, CONTAINS, EXISTS or NOT_EXISTS")]
    violations = rules.selector_violations(
        [who(K.RECIPIENT_KIND_EVENT_USER), who(K.RECIPIENT_KIND_ROLE, "x")], "rule.recipients")
    assert [v.field for v in violations] == ["rule.recipients[0].field_path",
                                              "rule.recipients[1].role"]


def test_selectors_and_conditions_survive_storage_unchanged():
    selectors = [who(K.RECIPIENT_KIND_DEPARTMENT_LEAD, "to_department_path")]
    group = condition(rules_pb2.Condition(field="a", operator=Op.CONDITION_OPERATOR_IN,
                                          values=["1", "2"]))
    assert rules.load_selectors(rules.dump_selectors(selectors)) == selectors
    assert rules.load_condition(rules.dump_condition(group)) == group
    assert rules.load_channels(rules.dump_channels([EMAIL, WEBHOOK])) == [EMAIL, WEBHOOK]


def _prefs(**fields) -> Preferences:
    base = {"default_channels_json": "[]", "categories_json": "[]"}
    return Preferences(**{**base, **fields})


def test_channels_default_to_inbox_and_email_and_follow_preferences():
    assert channels_for(None, "ticket.routed", []) == Choice((IN_APP, EMAIL))
    webhook_only = _prefs(default_channels_json=rules.dump_channels([WEBHOOK]))
    assert channels_for(webhook_only, "ticket.routed", []) == Choice((IN_APP, WEBHOOK))
    assert channels_for(webhook_only, "ticket.routed", [EMAIL]) == Choice((IN_APP, EMAIL))
    muted = _prefs(categories_json='[{"category": "ticket.routed", "muted": true}, '
                                   '{"category": "ticket.sla_breached", "muted": true}]')
    assert channels_for(muted, "ticket.routed", []) == Choice((), muted=True)
    assert channels_for(muted, "ticket.sla_breached", []) == Choice((IN_APP, EMAIL))  # mandatory


def test_template_values_read_times_durations_and_enums_as_people_do():
    reminder = events_pb2.TicketSlaReminder(
        ticket=ticket_pb2.Ticket(number="T1", priority=ticket_pb2.TICKET_PRIORITY_HIGH,
                                 keywords=["登录", "密码"]),
        untouched_duration=duration_pb2.Duration(seconds=24 * 3600))
    warning = events_pb2.TicketSlaWarning(
        due_time=timestamp_pb2.Timestamp(seconds=1772452800),
        remaining=duration_pb2.Duration(seconds=90 * 60))
    values = rules.template_values(reminder) | rules.template_values(warning)
    assert values["ticket.number"] == "T1"
    assert values["ticket.priority"] == "TICKET_PRIORITY_HIGH"
    assert values["ticket.keywords"] == "登录, 密码"
    assert values["untouched_duration"] == "24h"
    assert values["remaining"] == "90min"
    assert values["due_time"] == "2026-03-02 12:00 UTC"
    assert "ticket.assignee_id" not in values  # unset: the template shows nothing
