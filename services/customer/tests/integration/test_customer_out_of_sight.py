"""A write's error betrays no customer the caller may not see (issue 15, low): an external id
held by another customer is refused — an id of another system names one record — but the
answer names the holder only to a caller who may see it."""

from __future__ import annotations

import grpc
import pytest
from crm.customer.v1 import customer_pb2
from crm_shared.auth import DataScope, Principal
from google.protobuf.field_mask_pb2 import FieldMask

pytestmark = pytest.mark.integration

ZHANG = Principal("u-rep", "rep.zhang", frozenset({"sales_rep"}), "/hq/sales/east", DataScope.OWN)
LI = Principal("u-rep-2", "rep.li", frozenset({"sales_rep"}), "/hq/sales/north", DataScope.OWN)
LEAD = Principal("u-lead", "sales.lead", frozenset({"manager", "sales_lead"}), "/hq/sales",
                 DataScope.DEPARTMENT)


def _new(stub, who, name: str, **external_ids) -> customer_pb2.Customer:
    return stub(who).CreateCustomer(customer_pb2.CreateCustomerRequest(
        customer=customer_pb2.Customer(type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL,
                                       display_name=name, external_ids=external_ids)))


def test_an_external_id_held_out_of_sight_is_refused_without_naming_its_holder(
        start_customer_api, rpc_error):
    stub = start_customer_api().stub
    hidden = _new(stub, LI, "北方客户", erp="K-1001")
    mine = _new(stub, ZHANG, "华东客户")

    created = rpc_error(stub(ZHANG).CreateCustomer, customer_pb2.CreateCustomerRequest(
        customer=customer_pb2.Customer(type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL,
                                       display_name="又一个", external_ids={"erp": "K-1001"})))
    updated = rpc_error(stub(ZHANG).UpdateCustomer, customer_pb2.UpdateCustomerRequest(
        customer=customer_pb2.Customer(id=mine.id, external_ids={"erp": "K-1001"}),
        update_mask=FieldMask(paths=["external_ids"])))
    for error in (created, updated):
        assert error.code is grpc.StatusCode.ALREADY_EXISTS
        assert error.message == "the erp id K-1001 is already in use"
    # a caller who sees the holder is told which customer has it
    seen = rpc_error(stub(LEAD).UpdateCustomer, customer_pb2.UpdateCustomerRequest(
        customer=customer_pb2.Customer(id=mine.id, external_ids={"erp": "K-1001"}),
        update_mask=FieldMask(paths=["external_ids"])))
    assert seen.code is grpc.StatusCode.ALREADY_EXISTS
    assert seen.message == f"customer {hidden.number} already has the erp id K-1001"
