"""The checked-in generated code is what the .proto files produce, and it imports."""

from __future__ import annotations

import importlib

import pytest


def test_generated_code_is_current(generate):
    stale = generate.check()
    assert not stale, (
        "generated code is stale; run `make protos` (uv run python protos/generate.py):\n"
        + "\n".join(stale)
    )


def _generated_modules(generate) -> list[str]:
    modules = []
    for proto in generate.proto_files():
        stem = proto[: -len(".proto")].replace("/", ".")
        modules += [f"{stem}_pb2", f"{stem}_pb2_grpc"]
    return modules


def test_every_generated_module_imports(generate):
    modules = _generated_modules(generate)
    assert len(modules) >= 2 * 15
    for name in modules:
        importlib.import_module(name)


@pytest.mark.parametrize(
    ("module", "service", "stub"),
    [
        ("crm.customer.v1.customer_pb2_grpc", "CustomerService", "CustomerServiceStub"),
        ("crm.sales.v1.sales_pb2_grpc", "SalesService", "SalesServiceStub"),
        ("crm.ticket.v1.ticket_pb2_grpc", "TicketService", "TicketServiceStub"),
        ("crm.marketing.v1.marketing_pb2_grpc", "MarketingService", "MarketingServiceStub"),
        (
            "crm.notification.v1.notification_pb2_grpc",
            "NotificationService",
            "NotificationServiceStub",
        ),
    ],
)
def test_each_package_has_its_service_stub_and_servicer(module, service, stub):
    generated = importlib.import_module(module)
    assert hasattr(generated, stub)
    assert hasattr(generated, f"{service}Servicer")
    assert hasattr(generated, f"add_{service}Servicer_to_server")
