"""A record's page names the record in the document title (name or number, then its kind, then
the suite), so browser tabs and history tell records apart; in the reader's language, the
record's own words as they are."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from flask import g

NAME = "上海某某科技有限公司"


class Customers(customer_pb2_grpc.CustomerServiceServicer):
    def GetCustomerPortrait(self, request, context):
        return customer_pb2.CustomerPortrait(
            customer=customer_pb2.Customer(
                id=request.customer_id,
                number="C00000042",
                display_name=NAME,
                type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL,
                owner_id="u-rep",
            )
        )


@pytest.fixture(scope="module")
def console(serve_grpc, console_for):
    return console_for(serve_grpc(Customers()))


def _title(page: str) -> str:
    return page.split("<title>", 1)[1].split("</title>", 1)[0]


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("zh-CN", f"{NAME} · 客户 · CRM"),
        ("en-US", f"{NAME} · Customer · CRM"),
    ],
)
def test_the_customer_360_page_is_titled_with_the_customers_name(console, language, title):
    response = console.client("rep.zhang", language).get("/customers/c-1")
    assert response.status_code == 200
    assert _title(response.get_data(as_text=True)) == title


RECORDS = {
    "tickets/ticket.html": (
        {"ticket": SimpleNamespace(number="T20260301-0007", title="外壳破损")},
        "T20260301-0007 外壳破损 · 工单",
        "T20260301-0007 外壳破损 · Ticket",
    ),
    "sales/opportunity.html": (
        {"opportunity": SimpleNamespace(name="三期扩容")},
        "三期扩容 · 商机",
        "三期扩容 · Opportunity",
    ),
    "sales/lead.html": (
        {"lead": SimpleNamespace(contact_name="", company_name="杭州西湖科技")},
        "杭州西湖科技 · 线索",
        "杭州西湖科技 · Lead",
    ),
    "marketing/campaign.html": (
        {"campaign": SimpleNamespace(name="春季回访")},
        "春季回访 · 营销活动",
        "春季回访 · Campaign",
    ),
    "marketing/segment.html": (
        {"segment": SimpleNamespace(display_name="华东重点客户")},
        "华东重点客户 · 细分群体",
        "华东重点客户 · Segment",
    ),
    "marketing/survey.html": (
        {"survey": SimpleNamespace(title="售后满意度")},
        "售后满意度 · 问卷",
        "售后满意度 · Survey",
    ),
}


@pytest.mark.parametrize("template_name", sorted(RECORDS))
@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
def test_each_record_page_puts_the_record_first_in_its_title(console, template_name, language):
    variables, chinese, english = RECORDS[template_name]
    app = console.app
    with app.test_request_context():
        g.language = language
        g.translations = app.extensions["crm.console"].catalogs[language]
        template = app.jinja_env.get_template(template_name)
        title = "".join(template.blocks["title"](template.new_context(variables))).strip()
    assert title == (chinese if language == "zh-CN" else english)
