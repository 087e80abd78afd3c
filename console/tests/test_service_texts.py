"""The services' English refusals reach a page in the reader's language: a form's field
errors and a refused page (403/404/409) read Chinese on a zh-CN page and English on an
en-US one, through the console's real app against a customer service that refuses as the
services do (``crm_shared``'s status details: ErrorInfo reason, BadRequest violations)."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import grpc
import pytest
from babel.messages.pofile import read_po
from crm.customer.v1 import customer_pb2_grpc
from crm_console import service_texts
from crm_shared.errors import (
    Conflict,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from crm_shared.grpc.status import to_grpc_status

VIOLATIONS = [
    FieldViolation("customer.enterprise.legal_name", "is required"),
    FieldViolation("customer.display_name", "must be at most 200 characters"),
    FieldViolation("customer.email", "is not an e-mail address"),
    FieldViolation("customer.enterprise.industry", "must rhyme with the legal name"),  # unknown
]
REFUSALS = {
    "c-denied": PermissionDenied("you may see the customers of your department subtree only"),
    "c-missing": NotFound("customer c-missing not found"),
    "c-busy": Conflict("the customer changed since it was read; read it again and retry"),
    "c-merged": FailedPrecondition("customer c-merged is merged and read-only"),
}


class Customers(customer_pb2_grpc.CustomerServiceServicer):
    def CreateCustomer(self, request, context):
        context.abort_with_status(to_grpc_status(InvalidArgument(VIOLATIONS)))

    def _refuse(self, customer_id, context):
        context.abort_with_status(to_grpc_status(REFUSALS[customer_id]))

    def GetCustomerPortrait(self, request, context):
        self._refuse(request.customer_id, context)

    def GetCustomer(self, request, context):
        self._refuse(request.id, context)

    def ListSatisfactionRecords(self, request, context):
        self._refuse(request.customer_id, context)

    def ListTags(self, request, context):
        context.abort(grpc.StatusCode.UNAVAILABLE, "not needed")


@pytest.fixture(scope="module")
def console(serve_grpc, console_for):
    return console_for(serve_grpc(Customers()))


def _main(response) -> str:
    page = response.get_data(as_text=True)
    return page[page.find("<main") : page.find("</main>")]


def _post_new_customer(client):
    form = client.get("/customers/new?type=enterprise").get_data(as_text=True)
    token = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    return client.post(
        "/customers/new",
        data={
            "csrf_token": token,
            "type": "enterprise",
            "display_name": "上海某某科技",
            "email": "not-an-address",
            "enterprise.legal_name": "",
            "enterprise.industry": "制造",
        },
    )


def test_a_chinese_form_shows_the_services_field_errors_in_chinese_and_keeps_the_input(console):
    response = _post_new_customer(console.client("rep.zhang", "zh-CN"))
    main = _main(response)
    assert response.status_code == 422
    assert "为必填项" in main and "最多 200 个字符" in main and "不是有效的邮箱地址" in main
    assert "此项的值不被接受" in main  # a text the console does not know: a plain sentence
    for english in ("is required", "characters", "e-mail", "rhyme"):
        assert english not in main
    assert 'value="上海某某科技"' in main


def test_an_english_form_shows_the_services_own_words(console):
    main = _main(_post_new_customer(console.client("rep.zhang", "en-US")))
    for text in (
        "is required",
        "must be at most 200 characters",
        "is not an e-mail address",
        "must rhyme with the legal name",
    ):
        assert text in main


@pytest.mark.parametrize(
    ("customer_id", "status", "chinese", "english"),
    [
        ("c-denied", 403, "您无权访问此内容", "department subtree only"),
        ("c-missing", 404, "未找到，或您无权查看", "Not found, or not visible to you."),
        ("c-busy", 409, "该记录已被他人修改，请刷新后重试", "read it again and retry"),
        ("c-merged", 409, "该记录的当前状态下无法执行此操作", "merged and read-only"),
    ],
)
def test_a_refused_page_is_a_readable_message_in_the_readers_language(
    console, customer_id, status, chinese, english
):
    zh = console.client("rep.zhang", "zh-CN").get(f"/customers/{customer_id}")
    assert zh.status_code == status
    main = _main(zh)
    assert chinese in main
    assert english not in main and customer_id not in main and "Traceback" not in main
    en = console.client("rep.zhang", "en-US").get(f"/customers/{customer_id}")
    assert en.status_code == status and english in _main(en)


# -- the texts the console knows are the services' own ---------------------------------------

REPO = Path(__file__).resolve().parents[2]
SERVICE_SOURCES = [REPO / "services", REPO / "shared" / "crm_shared", REPO / "gateway" / "gateway"]


def _text(node: ast.expr) -> str | None:
    """A string literal, or an f-string with each value as ``7``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "7" for v in node.values)
    return None


@functools.cache
def services_texts() -> frozenset[str]:
    """Every string the services' code writes (grepped; an f-string with each value as ``7``):
    their FieldViolation descriptions among them, whether written in the call or returned by a
    rule (``customer_service.rules``) or held in a constant (``crm_shared.grpc.fields``)."""
    found = set()
    for root in SERVICE_SOURCES:
        for path in root.rglob("*.py"):
            if "tests" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.JoinedStr | ast.Constant):
                    text = _text(node)
                    if text:
                        found.add(text)
    return frozenset(found)


def test_every_family_of_field_texts_is_one_the_services_write():
    texts = services_texts()
    assert "is required" in texts  # the grep found the services' code
    # Short texts only: a description is a phrase, not a docstring.
    phrases = [text for text in texts if len(text) < 200]
    unused = [
        p.pattern
        for p, _id in service_texts.FIELD_TEXTS
        if not any(p.fullmatch(text) for text in phrases)
    ]
    assert not unused, unused


def test_every_service_text_in_the_catalog_is_one_the_services_write():
    """service_texts.po's word-for-word entries translate the services' literal texts; one a
    service no longer writes is stale."""
    texts = services_texts()
    families = {message_id for _p, message_id in service_texts.FIELD_TEXTS}
    other = {
        *service_texts.STATUS_TITLES.values(),
        *service_texts.REASON_TEXTS.values(),
        service_texts.UNKNOWN_FIELD_TEXT,
    }
    with (Path(service_texts.__file__).parent / "translations" / "zh_CN" / "service_texts.po").open(
        "rb"
    ) as handle:
        ids = {message.id for message in read_po(handle) if message.id}
    stale = sorted(ids - texts - families - other)
    assert not stale, stale
