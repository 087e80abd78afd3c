"""Routing rules and agents' service profiles (mixed into the servicer in :mod:`ticket_service.api`).

Anyone may read the rules and agents. Rules are changed by callers whose scope covers the
rule's target department (``all``, or a department scope over it); a catch-all or a rule ahead
of one the caller may not change needs the admin role (:mod:`crm_shared.rule_reach`). An
agent's profile is changed by such a caller, and an agent may change their own availability.
"""

from __future__ import annotations

import json
import uuid

from crm.common.v1 import rules_pb2
from crm.ticket.v1 import ticket_pb2
from crm_shared.auth import Principal, current_principal
from crm_shared.auth.principal import DataScope
from crm_shared.auth.visibility import in_subtree
from crm_shared.conditions import matches_everything
from crm_shared.db import utcnow
from crm_shared.errors import (
    FieldViolation,
    NotFound,
    PermissionDenied,
)
from crm_shared.grpc.fields import request_id_violations, unsupported_fields
from crm_shared.grpc.paging import keyset_page_by, page_size_of
from crm_shared.repeated_requests import earlier_request
from crm_shared.rule_reach import OtherRule, check_rule_reach
from crm_shared.timestamps import from_timestamp
from google.protobuf import json_format
from google.protobuf.empty_pb2 import Empty
from sqlalchemy import String, cast, select

from ticket_service import routing, tickets
from ticket_service.models import Agent, RoutingRuleRecord
from ticket_service.validation import refuse
from ticket_service.views import SELECTIONS, agent_to_proto, condition_to_json, rule_to_proto

RULE_FIELDS = {"display_name", "description", "condition", "target_department_path",
               "agent_selection", "required_skills", "priority", "enabled"}
RULE_OUTPUT_ONLY = {"id", "create_time", "update_time", "created_by", "updated_by"}
AGENT_FIELDS = {"skills", "max_open_tickets", "available", "available_again_time"}
SELF_SERVICE_AGENT_FIELDS = {"available", "available_again_time"}


def _manages(principal: Principal, department_path: str) -> bool:
    if principal.data_scope is DataScope.ALL:
        return True
    return principal.data_scope is DataScope.DEPARTMENT and in_subtree(
        department_path, principal.department_path)


def _check_reach(session, principal: Principal, row: RoutingRuleRecord) -> None:
    """The rule as it would be stored: a catch-all, or one ahead of a rule the caller may not
    change, needs the admin role (:mod:`crm_shared.rule_reach`)."""
    others = [OtherRule(other.priority, matches_everything(_condition(other.condition)))
              for other in session.scalars(select(RoutingRuleRecord)
                                           .where(RoutingRuleRecord.id != row.id))
              if not _manages(principal, other.target_department_path)]
    check_rule_reach(principal, what="routing rule",
                     catch_all=matches_everything(_condition(row.condition)),
                     priority=row.priority, others=others)


def _condition(stored: dict | None) -> rules_pb2.ConditionGroup:
    return json_format.ParseDict(stored or {}, rules_pb2.ConditionGroup())


def _rule_violations(rule: ticket_pb2.RoutingRule, fields: set[str]) -> list[FieldViolation]:
    violations = []
    if "display_name" in fields and not rule.display_name.strip():
        violations.append(FieldViolation("rule.display_name", "is required"))
    if "display_name" in fields and len(rule.display_name) > 200:
        violations.append(FieldViolation("rule.display_name", "must be at most 200 characters"))
    if "target_department_path" in fields and not tickets.valid_department_path(
            rule.target_department_path):
        violations.append(FieldViolation("rule.target_department_path",
                                         "must be a path like /hq/tech"))
    if "condition" in fields:
        violations += [FieldViolation(path, message) for path, message in
                       routing.condition_violations(condition_to_json(rule.condition))]
    if "required_skills" in fields and any(not skill.strip() or len(skill) > 50
                                           for skill in rule.required_skills):
        violations.append(FieldViolation("rule.required_skills",
                                         "must be non-empty names of at most 50 characters"))
    if "priority" in fields and rule.priority < 0:
        violations.append(FieldViolation("rule.priority", "must not be negative"))
    return violations


def _apply_rule(row: RoutingRuleRecord, rule: ticket_pb2.RoutingRule, fields: set[str]) -> None:
    for name in fields:
        if name == "condition":
            row.condition = condition_to_json(rule.condition)
        elif name == "agent_selection":
            row.agent_selection = SELECTIONS.name(rule.agent_selection) or "least_loaded"
        elif name == "required_skills":
            row.required_skills = [skill.strip() for skill in rule.required_skills]
        elif name in ("display_name", "description", "target_department_path"):
            setattr(row, name, getattr(rule, name).strip())
        else:
            setattr(row, name, getattr(rule, name))


class RoutingRpcs:
    """Routing rules and agents."""

    # -- routing rules ----------------------------------------------------------------------------

    def CreateRoutingRule(self, request, context):
        principal = current_principal()
        rule = request.rule
        violations = unsupported_fields(request, {"rule", "request_id"})
        violations += unsupported_fields(rule, RULE_FIELDS, prefix="rule.", ignored=RULE_OUTPUT_ONLY)
        violations += _rule_violations(rule, RULE_FIELDS)
        violations += request_id_violations(request.request_id)
        refuse(violations)
        if not _manages(principal, rule.target_department_path):
            raise PermissionDenied("you may not route tickets to departments outside your scope")
        with self.database.unit_of_work() as uow:
            earlier = earlier_request(uow.session, RoutingRuleRecord, request.request_id,
                                      principal.user_id)
            if earlier is not None:
                return rule_to_proto(earlier)
            now = utcnow()
            row = RoutingRuleRecord(id=str(uuid.uuid4()), created_by=principal.user_id,
                                    updated_by=principal.user_id, create_time=now,
                                    update_time=now, request_id=request.request_id or None)
            _apply_rule(row, rule, RULE_FIELDS)
            _check_reach(uow.session, principal, row)
            uow.session.add(row)
            uow.session.flush()
            return rule_to_proto(row)

    def GetRoutingRule(self, request, context):
        current_principal()
        refuse(unsupported_fields(request, {"id"}))
        with self.database.unit_of_work(readonly=True) as uow:
            row = uow.session.get(RoutingRuleRecord, request.id) if request.id else None
            if row is None:
                raise NotFound(f"routing rule {request.id} not found")
            return rule_to_proto(row)

    def ListRoutingRules(self, request, context):
        current_principal()
        refuse(unsupported_fields(request, {"page_size", "page_token",
                                                 "target_department_path", "enabled"}))
        size = page_size_of(request.page_size)
        query = select(RoutingRuleRecord)
        if request.target_department_path:
            query = query.where(
                RoutingRuleRecord.target_department_path == request.target_department_path)
        if request.HasField("enabled"):
            query = query.where(RoutingRuleRecord.enabled.is_(request.enabled))
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page_by(
                uow.session, query, order_column=RoutingRuleRecord.priority,
                id_column=RoutingRuleRecord.id, descending=False, page_size=size,
                page_token=request.page_token)
            return ticket_pb2.ListRoutingRulesResponse(
                rules=[rule_to_proto(row) for row in rows], next_page_token=token)

    def UpdateRoutingRule(self, request, context):
        principal = current_principal()
        rule = request.rule
        paths = set(request.update_mask.paths)
        violations = unsupported_fields(request, {"rule", "update_mask"})
        if not paths:
            violations.append(FieldViolation("update_mask", "must name the fields to change"))
        violations += [FieldViolation("update_mask", f"`{path}` cannot be updated")
                       for path in sorted(paths - RULE_FIELDS)]
        violations += _rule_violations(rule, paths & RULE_FIELDS)
        refuse(violations)
        with self.database.unit_of_work() as uow:
            row = uow.session.get(RoutingRuleRecord, rule.id) if rule.id else None
            if row is None:
                raise NotFound(f"routing rule {rule.id} not found")
            targets = {row.target_department_path}
            if "target_department_path" in paths:
                targets.add(rule.target_department_path)
            if not all(_manages(principal, target) for target in targets):
                raise PermissionDenied("you may not change rules for departments outside your scope")
            _apply_rule(row, rule, paths)
            _check_reach(uow.session, principal, row)
            row.updated_by = principal.user_id
            row.update_time = utcnow()
            uow.session.flush()
            return rule_to_proto(row)

    def DeleteRoutingRule(self, request, context):
        principal = current_principal()
        refuse(unsupported_fields(request, {"id"}))
        with self.database.unit_of_work() as uow:
            row = uow.session.get(RoutingRuleRecord, request.id) if request.id else None
            if row is None:
                raise NotFound(f"routing rule {request.id} not found")
            if not _manages(principal, row.target_department_path):
                raise PermissionDenied("you may not delete rules for departments outside your scope")
            uow.session.delete(row)
        return Empty()

    # -- agents -----------------------------------------------------------------------------------

    def GetAgent(self, request, context):
        current_principal()
        refuse(unsupported_fields(request, {"user_id"}))
        with self.database.unit_of_work(readonly=True) as uow:
            agent = uow.session.get(Agent, request.user_id) if request.user_id else None
            if agent is None:
                raise NotFound(f"agent {request.user_id} not found")
            counts = tickets.open_ticket_counts(uow.session, [agent.user_id])
            return agent_to_proto(agent, counts[agent.user_id])

    def ListAgents(self, request, context):
        current_principal()
        refuse(unsupported_fields(request, {"page_size", "page_token", "department_path",
                                                 "skill", "available"}))
        size = page_size_of(request.page_size)
        query = select(Agent)
        if request.department_path:
            query = query.where(Agent.department_path == request.department_path)
        if request.HasField("available"):
            query = query.where(Agent.available.is_(request.available))
        if request.skill:  # skills are a JSON list of strings: match the quoted element, portably
            query = query.where(cast(Agent.skills, String).contains(json.dumps(request.skill)))
        with self.database.unit_of_work(readonly=True) as uow:
            page, token = keyset_page_by(
                uow.session, query, order_column=Agent.user_id, id_column=Agent.user_id,
                descending=False, page_size=size, page_token=request.page_token)
            counts = tickets.open_ticket_counts(uow.session, [row.user_id for row in page])
            return ticket_pb2.ListAgentsResponse(
                agents=[agent_to_proto(row, counts[row.user_id]) for row in page],
                next_page_token=token)

    def UpdateAgent(self, request, context):
        principal = current_principal()
        data = request.agent
        paths = set(request.update_mask.paths)
        violations = unsupported_fields(request, {"agent", "update_mask"})
        if not paths:
            violations.append(FieldViolation("update_mask", "must name the fields to change"))
        violations += [FieldViolation("update_mask", f"`{path}` cannot be updated")
                       for path in sorted(paths - AGENT_FIELDS)]
        if "max_open_tickets" in paths and data.max_open_tickets < 0:
            violations.append(FieldViolation("agent.max_open_tickets", "must not be negative"))
        if "skills" in paths and any(not skill.strip() or len(skill) > 50 for skill in data.skills):
            violations.append(FieldViolation("agent.skills",
                                             "must be non-empty names of at most 50 characters"))
        refuse(violations)
        with self.database.unit_of_work() as uow:
            agent = uow.session.get(Agent, data.user_id) if data.user_id else None
            if agent is None:
                raise NotFound(f"agent {data.user_id} not found")
            own_availability = (agent.user_id == principal.user_id
                                and paths <= SELF_SERVICE_AGENT_FIELDS)
            if not own_availability and not _manages(principal, agent.department_path):
                raise PermissionDenied("you may not change this agent's profile")
            if "skills" in paths:
                agent.skills = sorted({skill.strip() for skill in data.skills})
            if "max_open_tickets" in paths:
                agent.max_open_tickets = data.max_open_tickets
            if "available" in paths:
                agent.available = data.available
            if "available_again_time" in paths:
                agent.available_again_time = (from_timestamp(data.available_again_time)
                                              if data.HasField("available_again_time") else None)
            agent.update_time = utcnow()
            uow.session.flush()
            counts = tickets.open_ticket_counts(uow.session, [agent.user_id])
            return agent_to_proto(agent, counts[agent.user_id])
