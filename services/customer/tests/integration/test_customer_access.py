"""Who may call the customer service (issue 15, finding 5), over real gRPC against the real
servicer: every RPC refuses the callers its contract (``crm.common.v1.access``) excludes
before its handler runs; a service account gets in by its scopes only.
"""

from __future__ import annotations

import grpc
import pytest
from crm.customer.v1 import customer_pb2
from crm_devstack.access_checks import refusals
from crm_shared.auth import DataScope, Principal

pytestmark = pytest.mark.integration

SERVICE = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]


def person(user_id: str, *roles: str, scope: DataScope = DataScope.OWN) -> Principal:
    return Principal(user_id, user_id, frozenset(roles), "/hq/sales/east", scope)


def account(user_id: str, *scopes: str, roles: tuple[str, ...] = ()) -> Principal:
    return Principal(user_id, user_id, frozenset({"service", *roles}), "/hq", DataScope.ALL,
                     scopes=frozenset(scopes))


def test_roles_the_contract_excludes_are_refused(start_customer_api, rpc_error):
    api = start_customer_api()
    lead = api.stub(person("u-lead", "manager", "sales_lead", scope=DataScope.DEPARTMENT))
    rep = api.stub(person("u-rep", "sales_rep"))
    for call, request in (
            (lead.UpdateClassificationPolicy, customer_pb2.UpdateClassificationPolicyRequest()),
            (rep.ExportCustomerData, customer_pb2.ExportCustomerDataRequest(customer_id="c-1")),
            (rep.EraseCustomer, customer_pb2.EraseCustomerRequest(customer_id="c-1")),
            (lead.ListAccessLogEntries, customer_pb2.ListAccessLogEntriesRequest())):
        error = rpc_error(call, request)
        assert error.code is grpc.StatusCode.PERMISSION_DENIED, (call, error)


def test_a_service_account_is_let_in_by_its_scopes_only(start_customer_api, rpc_error):
    api = start_customer_api()
    new = customer_pb2.CreateCustomerRequest(customer=customer_pb2.Customer(
        type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL, display_name="韩梅梅"))
    reader = api.stub(account("svc-reader", "customers.read"))
    assert reader.ListCustomers(customer_pb2.ListCustomersRequest()).customers == []
    assert rpc_error(reader.CreateCustomer, new).code is grpc.StatusCode.PERMISSION_DENIED
    writer = api.stub(account("svc-writer", "customers.write", "customers.read"))
    created = writer.CreateCustomer(new)
    assert [c.id for c in reader.ListCustomers(customer_pb2.ListCustomersRequest()).customers] \
        == [created.id]
    # an admin role on an account opens nothing; no scope of this service, nothing either
    for who in (account("svc-admin", roles=("admin",)), account("svc-send", "notification.send")):
        error = rpc_error(api.stub(who).ListCustomers, customer_pb2.ListCustomersRequest())
        assert error.code is grpc.StatusCode.PERMISSION_DENIED, who


def test_every_rpc_refuses_the_callers_its_contract_excludes(start_customer_api):
    api = start_customer_api()
    assert refusals(api.target, SERVICE, api.issuer) == []
