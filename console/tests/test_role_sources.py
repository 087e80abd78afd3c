"""Role sets the console offers and a service enforces come from one declaration
(``crm_shared.auth.roles``): the console offers "reveal" to exactly the roles the customer
service lets read personal fields in clear, and assignment rules list exactly the users the
sales service's rep directory takes."""

from __future__ import annotations

import pathlib
import re

from crm_console.views import customers
from crm_console.views.admin import sales_rules
from crm_shared.auth import Principal, roles
from crm_shared.auth.principal import DataScope
from customer_service import personal_data
from sales_service import reps

CONSOLE = pathlib.Path(customers.__file__).resolve().parents[1]


def _principal(*held: str) -> Principal:
    return Principal(user_id="u", username="u", roles=frozenset(held), department_path="/hq",
                     data_scope=DataScope.OWN)


def test_reveal_is_offered_to_exactly_the_roles_the_customer_service_honours():
    assert customers.REVEAL_ROLES is personal_data.REVEAL_ROLES is roles.REVEAL_ROLES
    for role in sorted(roles.ROLES) + ["data_protection_officer"]:
        principal = _principal(role)
        offered = principal.has_role(*customers.REVEAL_ROLES)
        assert offered == personal_data.may_reveal(principal) == (role in roles.REVEAL_ROLES)


def test_assignment_rules_offer_the_users_the_sales_service_takes_as_reps():
    assert sales_rules.SALES_ROLES is reps.REP_ROLES is roles.SALES_REP_ROLES
    assert reps.qualifies(["sales_rep"], is_department_lead=False, department_path="/hq/x")
    assert not reps.qualifies(["agent"], is_department_lead=False, department_path="/hq/x")


def test_no_console_module_spells_out_a_service_role_set_again():
    copies = []
    shared = {roles.REVEAL_ROLES, roles.SALES_REP_ROLES}
    literal = re.compile(r"=\s*(?:frozenset\(\{|\(|\{)([^)}]*)[)}]")
    for path in CONSOLE.rglob("*.py"):
        for match in literal.finditer(path.read_text(encoding="utf-8")):
            names = frozenset(re.findall(r'"([a-z_]+)"', match.group(1)))
            if names in shared:
                copies.append(f"{path.relative_to(CONSOLE)}: {sorted(names)}")
    assert not copies, copies
