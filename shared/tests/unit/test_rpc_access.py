"""``crm_shared.access``: every RPC of every service of the contracts declares who may call it,
with roles and scopes that exist, and the rule lets people in by role and service accounts in
by scope only.

``test_every_rpc_of_every_service_declares_who_may_call_it`` is the listing: it prints every
RPC with its requirement (``pytest -s``) and fails, naming it, on an RPC that declares none.
"""

from __future__ import annotations

import importlib
import pkgutil

import crm
import pytest
from crm_shared.access import Requirement, allows, check_access, full_method_name, requirement_of
from crm_shared.auth import DataScope, Principal, principal_scope
from crm_shared.auth.roles import REVEAL_ROLES, ROLE_ALIASES, ROLES
from crm_shared.auth.scopes import SCOPES
from crm_shared.errors import PermissionDenied

SERVICES = ("crm.customer.v1.CustomerService", "crm.sales.v1.SalesService",
            "crm.ticket.v1.TicketService", "crm.marketing.v1.MarketingService",
            "crm.notification.v1.NotificationService")


def _contract_services():
    """Every service of every generated module of the contracts (``crm.*``)."""
    found = {}
    for module in pkgutil.walk_packages(crm.__path__, "crm."):
        if module.name.endswith("_pb2"):
            for service in importlib.import_module(module.name).DESCRIPTOR.services_by_name.values():
                found[service.full_name] = service
    return found


def _every_rpc():
    return [(full_method_name(method), requirement_of(method))
            for service in _contract_services().values() for method in service.methods]


def test_every_service_of_the_suite_is_found():
    assert sorted(_contract_services()) == sorted(SERVICES)


def test_every_rpc_of_every_service_declares_who_may_call_it():
    listing = _every_rpc()
    print("\n".join(f"{name}: {req.describe() if req else 'NOT DECLARED'}"
                    for name, req in listing))
    undeclared = [name for name, requirement in listing
                  if requirement is None or requirement.open_to_nobody]
    assert not undeclared, (
        "these RPCs declare no `option (crm.common.v1.access)` that lets anyone call them, so "
        "every call is refused; say who may call each:\n" + "\n".join(undeclared))
    assert len(listing) > 200  # the five services, not one of them


def test_declared_roles_and_scopes_are_the_suites():
    unknown = [(name, sorted(requirement.roles - set(ROLES)), sorted(requirement.scopes - set(SCOPES)))
               for name, requirement in _every_rpc()
               if requirement.roles - set(ROLES) or requirement.scopes - set(SCOPES)]
    assert not unknown, unknown


def test_every_scope_opens_some_rpc():
    used = set().union(*(requirement.scopes for _, requirement in _every_rpc()))
    assert used == set(SCOPES)


def test_the_personal_data_rpcs_name_the_suites_privacy_roles():
    """The contracts name the roles ``crm_shared.auth.roles.REVEAL_ROLES`` declares (older
    names through ``ROLE_ALIASES``), so the gate and the services' own checks agree."""
    privacy = {ROLE_ALIASES.get(role, role) for role in REVEAL_ROLES}
    names = [name for name, _ in _every_rpc()
             if name.endswith(("/ExportCustomerData", "/EraseCustomer", "/ListAccessLogEntries",
                               "/GetErasureRequest", "/ListErasureRequests"))]
    assert len(names) == 9
    requirements = dict(_every_rpc())
    for name in names:
        assert requirements[name] == Requirement(roles=frozenset(privacy)), name


def test_an_older_role_name_counts_as_the_role_it_is_now():
    export = Requirement(roles=frozenset({"admin", "dpo"}))
    assert allows(export, person("data_protection_officer"))
    assert not allows(export, account(roles=("data_protection_officer",)))


def test_the_privacy_and_configuration_rpcs_are_not_open_to_every_person():
    requirements = dict(_every_rpc())
    for name, requirement in requirements.items():
        if name.endswith(("/ExportCustomerData", "/EraseCustomer", "/UpdateSalesPolicy",
                          "/UpdateTicketPolicy", "/UpdateMarketingPolicy",
                          "/UpdateClassificationPolicy", "/ReplayDeadLetter", "/SendMessages")):
            assert not requirement.any_staff and requirement.roles <= {"admin", "dpo"}, name


# --- the rule -------------------------------------------------------------------------------


def person(*roles: str) -> Principal:
    return Principal("u-1", "someone", frozenset(roles), "/hq", DataScope.ALL)


def account(*scopes: str, roles: tuple[str, ...] = ()) -> Principal:
    return Principal("svc-1", "svc.x", frozenset({"service", *roles}), "/hq", DataScope.ALL,
                     scopes=frozenset(scopes))


ADMIN_OR_SEND = Requirement(roles=frozenset({"admin"}), scopes=frozenset({"notification.send"}))
STAFF = Requirement(any_staff=True)


@pytest.mark.parametrize(("requirement", "caller", "allowed"), [
    (STAFF, person("sales_rep"), True),
    (STAFF, person(), True),
    (STAFF, account("customers.read"), False),  # every *person*: accounts need a scope
    (ADMIN_OR_SEND, person("admin"), True),
    (ADMIN_OR_SEND, person("manager", "marketer"), False),
    (ADMIN_OR_SEND, account("notification.send"), True),
    (ADMIN_OR_SEND, account(), False),  # any service account is no longer an operator
    (ADMIN_OR_SEND, account("customers.write", roles=("admin",)), False),  # roles never count
    (ADMIN_OR_SEND, person("admin", "service"), False),  # the service role makes an account
    (None, person("admin"), False),  # undeclared: nobody
    (Requirement(), person("admin"), False),
])
def test_people_pass_by_role_and_service_accounts_by_scope(requirement, caller, allowed):
    assert allows(requirement, caller) is allowed


def test_a_refusal_says_what_was_missing():
    table = {"/crm.x.v1.X/Send": ADMIN_OR_SEND, "/crm.x.v1.X/New": None}
    with principal_scope(account()), pytest.raises(PermissionDenied, match="notification.send"):
        check_access("/crm.x.v1.X/Send", table)
    with principal_scope(person("marketer")), pytest.raises(PermissionDenied, match="admin"):
        check_access("/crm.x.v1.X/Send", table)
    with principal_scope(person("admin")), pytest.raises(PermissionDenied, match="declares no"):
        check_access("/crm.x.v1.X/New", table)
    with principal_scope(person("admin")), pytest.raises(PermissionDenied):
        check_access("/crm.x.v1.X/Unknown", table)
    with principal_scope(person("admin")):
        check_access("/crm.x.v1.X/Send", table)
