"""Who may write a rule that moves work into a department (ticket routing rules, lead
assignment rules), declared once for every service that has such rules.

Rules are evaluated in priority order and the first match wins, so a rule decides what reaches
its department *and* what the rules after it never see. Each service already lets a department
lead write rules only for targets inside their own subtree; on top of that, two kinds of rule
would still let a lead pull other departments' work into theirs, and need the admin role:

- a *catch-all*: a rule with no condition (:func:`crm_shared.conditions.matches_everything`)
  takes every ticket or lead that reaches it;
- a rule *ahead of the company's rules*: one whose priority comes no later than a conditional
  rule the caller may not change (a rule of another department, or of a department above
  theirs). A lead's rule therefore only gets what the company's specific rules leave; a
  catch-all of the company (the fallback) is not counted, since it is last by design and only
  takes what every conditional rule left.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from crm_shared.auth import Principal
from crm_shared.errors import PermissionDenied

RULES_ADMIN_ROLE = "admin"
"""The role that may write catch-alls and order rules ahead of the company's."""


@dataclass(frozen=True)
class OtherRule:
    """A rule the caller may not change: where it stands in the order, and whether it is a
    catch-all."""

    priority: int
    catch_all: bool


def check_rule_reach(principal: Principal, *, what: str, catch_all: bool, priority: int,
                     others: Iterable[OtherRule]) -> None:
    """PERMISSION_DENIED unless ``principal`` may write a ``what`` (e.g. "routing rule") that is
    a ``catch_all`` or not at ``priority``; ``others`` are the rules they may not change."""
    if principal.has_role(RULES_ADMIN_ROLE):
        return
    if catch_all:
        raise PermissionDenied(f"only an admin may write a {what} without a condition: it would "
                               "take every one")
    last = max((rule.priority for rule in others if not rule.catch_all), default=None)
    if last is not None and priority <= last:
        raise PermissionDenied(f"only an admin may put a {what} ahead of the company's rules: "
                               f"give it a priority after {last}")
