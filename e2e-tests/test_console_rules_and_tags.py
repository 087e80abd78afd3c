"""The console's rule builder and tag catalogue in a real browser: choosing a segment rule
row's field narrows its operator list to what the marketing service accepts for that field
(console.js, from crm_shared.segment_operators) and the live count still counts; a lead
curates the tag catalogue on a phone, a taken name answered next to its field, with no serious
accessibility violation and nothing the page's content security policy blocks."""

from __future__ import annotations

import uuid

import pytest
from axe_playwright_python.sync_playwright import Axe
from crm_shared.segment_operators import SEGMENT_RULE_OPERATORS
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
OPERATOR = "select[name='rule.conditions[0].operator']"
FIELD = "select[name='rule.conditions[0].field']"


def _offered(page) -> set[int]:
    return {int(value) for value in page.eval_on_selector_all(
        f"{OPERATOR} option", "options => options.map(o => o.value)")}


def test_choosing_a_field_offers_only_the_operators_the_service_accepts_for_it(console):
    page = console.page_as("marketer.chen", language="zh-CN")
    page.goto(f"{console.url}/marketing/segments/new")
    assert len(_offered(page)) > len(SEGMENT_RULE_OPERATORS["at_risk"])
    page.select_option(FIELD, "at_risk")
    assert _offered(page) == SEGMENT_RULE_OPERATORS["at_risk"]
    page.select_option(OPERATOR, "2")  # not equals: kept while the next field takes it too
    page.select_option(FIELD, "value_class")
    assert _offered(page) == SEGMENT_RULE_OPERATORS["value_class"]
    assert page.input_value(OPERATOR) == "2"
    page.select_option(FIELD, "tags")  # takes no "not equals": the first it takes is chosen
    assert _offered(page) == SEGMENT_RULE_OPERATORS["tags"]
    assert int(page.input_value(OPERATOR)) in SEGMENT_RULE_OPERATORS["tags"]
    page.select_option(FIELD, "value_class")
    page.select_option(OPERATOR, "1")
    page.fill("input[name='rule.conditions[0].values']", "VALUE_CLASS_A")
    page.locator("input[name='rule.conditions[0].values']").dispatch_event("change")
    expect(page.locator("#preview-count")).to_be_visible()  # the service took the rule
    assert console.csp_violations == []


def test_a_lead_curates_the_tag_catalogue_on_a_phone(console):
    page = console.page_as("sales.lead", language="zh-CN", viewport=PHONE)
    name = f"展会意向{uuid.uuid4().hex[:6]}"
    page.goto(f"{console.url}/admin/tags/new?dimension=need_intent")
    page.fill("#f-name", name)
    page.fill("#f-description", "展会上表达过明确需求")
    page.click("form.stacked button[type=submit]")
    row = page.locator("tr.just-saved")
    expect(row).to_contain_text(name)
    page.goto(f"{console.url}/admin/tags/new?dimension=need_intent")
    page.fill("#f-name", name)
    page.click("form.stacked button[type=submit]")
    expect(page.locator("#f-name-error")).to_be_visible()  # taken in its dimension
    assert page.input_value("#f-name") == name
    page.goto(f"{console.url}/admin/tags")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    serious = [(v["id"], v["impact"]) for v in Axe().run(page).response["violations"]
               if v["impact"] in ("critical", "serious")]
    assert serious == []
    assert console.csp_violations == []
