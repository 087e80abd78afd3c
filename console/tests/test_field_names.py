"""An error on a field the form does not show names the field in words, in the reader's
language (zh-CN and English, through the catalogs), never by its API path in code font: the
new-customer form through the console's real app against a customer service that refuses as
the services do (``crm_shared``'s BadRequest violations); and the lookup of a path's label."""

from __future__ import annotations

import pytest
from crm.customer.v1 import customer_pb2_grpc
from crm_console import field_labels
from crm_shared.errors import FieldViolation, InvalidArgument
from crm_shared.grpc.status import to_grpc_status

VIOLATIONS = [
    FieldViolation("customer.address", "is required"),  # a field the form has no input for
    FieldViolation("customer.external_ids[0].system", "is required"),  # one with no label
]


class Customers(customer_pb2_grpc.CustomerServiceServicer):
    def CreateCustomer(self, request, context):
        context.abort_with_status(to_grpc_status(InvalidArgument(VIOLATIONS)))


@pytest.fixture(scope="module")
def console(serve_grpc, console_for):
    return console_for(serve_grpc(Customers()))


def _errors_above_the_form(client) -> str:
    form = client.get("/customers/new?type=individual").get_data(as_text=True)
    token = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        "/customers/new", data={"csrf_token": token, "type": "individual", "display_name": "李雷"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    start = page.find('<div class="message message-error"')
    return page[start : page.find("</div>", start)]


@pytest.mark.parametrize(
    ("language", "address", "other", "required"),
    [
        ("zh-CN", "地址", "本表单未显示的一项信息", "为必填项"),
        ("en-US", "Address", "A detail not on this form", "is required"),
    ],
)
def test_an_error_on_a_field_the_form_does_not_show_names_it_in_words(
    console, language, address, other, required
):
    errors = _errors_above_the_form(console.client("rep.zhang", language))
    assert f"{address}: {required}" in errors
    assert f"{other}: {required}" in errors
    for path in ("<code>", "address", "external_ids", "system"):
        assert path not in errors


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("enterprise.legal_name", "Legal name"),
        ("customer.enterprise.legal_name", "Legal name"),  # a lead's conversion: the message first
        ("opportunity.amount", "Amount"),
        ("line_items[2].quantity", "Quantity"),  # a list's position
        ("period.end_date", "End date"),
        ("customer.external_ids[0].system", None),
    ],
)
def test_a_path_is_named_by_its_own_label_or_that_of_its_last_parts(path, label):
    assert field_labels.label_id(path) == label
