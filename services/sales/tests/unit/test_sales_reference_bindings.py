"""The sales binding gives ``crm_shared.references`` the customer, contact and campaign
look-ups its declared RPCs need (without one the server refuses them UNAVAILABLE)."""

from crm.sales.v1 import sales_pb2
from crm_shared.references import ACTIVITY, CAMPAIGN, CONTACT, CUSTOMER, REFERENCES
from sales_service.api import build_bindings
from sales_service.settings import SalesApiSettings

SERVICE = sales_pb2.DESCRIPTOR.services_by_name["SalesService"]


def test_every_declared_kind_of_the_sales_service_has_its_lookup():
    settings = SalesApiSettings.model_construct(customer_addr="127.0.0.1:1",
                                                customer_timeout_seconds=1.0)
    [binding] = build_bindings(None, settings)
    kinds = {kind for method, declared in REFERENCES.items()
             if method.startswith(f"/{SERVICE.full_name}/") for reference in declared
             for kind in filter(None, (reference.kind, reference.belongs_via))}
    assert kinds == {CUSTOMER, CONTACT, ACTIVITY, CAMPAIGN} and set(binding.references) == kinds
    declared = {m.split("/")[-1] for m in REFERENCES if m.startswith(f"/{SERVICE.full_name}/")}
    assert declared == {"CreateLead", "SubmitLeadForm", "UpdateLead", "ConvertLead",
                        "CreateOpportunity", "UpdateOpportunity", "CreateContract",
                        "RecordPurchase", "CreateActivity", "UpdateActivity"}
