"""The marketing pages in a real browser, as marketer.chen: a segment's rules built row by row
with a live member count that agrees with the API, a bad rule answered next to its row, an A/B
campaign planned and launched with its results as chart data, a survey written with the
question builder, and the segment list on a phone."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from crm_devstack.waiting import wait_until
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
EQUALS, GREATER_THAN, EXISTS = "1", "5", "14"  # crm.common.v1.ConditionOperator numbers


def _ok(response, status=200):
    assert response.status == status, response
    return response.body


def _industry_rule(industry: str, *more) -> dict:
    return {"match": "all", "conditions": [
        {"field": "industry", "operator": "equals", "values": [industry]}, *more], "groups": []}


def _api_count(http, token, rule) -> int:
    return _ok(http.call("POST", "/api/v1/segments/preview", {"rule": rule}, token=token))[
        "member_count"]


@pytest.fixture(scope="module")
def audience(running_suite):
    """Three enterprises of an industry of this module's own (rep.zhang's), one of them with
    marketing consent, once marketing's read model has them all."""
    http = running_suite.http
    rep, marketer = http.login("rep.zhang"), http.login("marketer.chen")
    industry = f"e2e-mkt-{uuid.uuid4().hex[:8]}"
    ids, phones = [], []
    for index in range(3):
        name = f"苏州某某精密{index}号有限公司"
        phones.append(f"+86138{uuid.uuid4().int % 10**8:08d}")
        ids.append(_ok(http.call("POST", "/api/v1/customers", {
            "type": "enterprise", "display_name": name, "phone": phones[-1],
            "enterprise": {"legal_name": name, "industry": industry}}, token=rep), 201)["id"])
    _ok(http.call("POST", f"/api/v1/customers/{ids[0]}/consents", {
        "purpose": "marketing", "source": "web_form", "evidence": "e2e"}, token=rep))
    consenting = _industry_rule(industry, {"field": "marketing_consent", "operator": "equals",
                                           "values": ["true"]})
    wait_until(lambda: _api_count(http, marketer, _industry_rule(industry)) == 3
               and _api_count(http, marketer, consenting) == 1, timeout=45,
               message="the customers never reached marketing's read model")
    return {"industry": industry, "customer_ids": ids, "phones": phones, "http": http,
            "marketer": marketer}


def test_a_marketer_builds_a_segment_and_the_live_preview_counts_what_the_api_counts(
        console, audience):
    http, marketer, industry = audience["http"], audience["marketer"], audience["industry"]
    page = console.page_as("marketer.chen", language="zh-CN")
    page.goto(f"{console.url}/marketing/segments/new")
    page.select_option("#f-rule-conditions-0-field", "industry")
    page.select_option("#f-rule-conditions-0-operator", EQUALS)
    page.fill("#f-rule-conditions-0-values", industry)
    page.press("#f-rule-conditions-0-values", "Tab")  # a change: the count follows by htmx
    expected = _api_count(http, marketer, _industry_rule(industry))
    expect(page.locator("#preview-count")).to_have_attribute("data-count", str(expected))
    assert expected == 3

    page.get_by_role("button", name="添加条件").click()  # a second row, without a page load
    page.select_option("#f-rule-conditions-1-field", "marketing_consent")
    page.select_option("#f-rule-conditions-1-operator", EQUALS)
    page.fill("#f-rule-conditions-1-values", "true")
    page.press("#f-rule-conditions-1-values", "Tab")
    expected = _api_count(http, marketer, _industry_rule(industry, {
        "field": "marketing_consent", "operator": "equals", "values": ["true"]}))
    expect(page.locator("#preview-count")).to_have_attribute("data-count", str(expected))
    assert expected == 1
    expect(page.locator("#segment-preview")).to_contain_text("苏州某某精密0号有限公司")

    page.fill("#f-display_name", f"已授权 {industry}")
    page.get_by_role("button", name="保存细分群体").click()
    page.wait_for_url(re.compile(r"/marketing/segments/[0-9a-f-]{36}$"))
    segment_id = page.url.rsplit("/", 1)[1]
    saved = _ok(http.call("GET", f"/api/v1/segments/{segment_id}", token=marketer))
    assert saved["member_count"] == 1 and len(saved["rule"]["conditions"]) == 2
    expect(page.locator("table.data")).to_contain_text("苏州某某精密0号有限公司")


def test_saving_an_invalid_rule_shows_the_error_next_to_the_field_and_keeps_the_rows(
        console, audience):
    page = console.page_as("marketer.chen", language="zh-CN")
    page.goto(f"{console.url}/marketing/segments/new")
    page.fill("#f-display_name", "RFM 测试")
    page.select_option("#f-rule-conditions-0-field", "industry")
    page.select_option("#f-rule-conditions-0-operator", EQUALS)
    page.fill("#f-rule-conditions-0-values", audience["industry"])
    page.get_by_role("button", name="添加条件").click()
    page.select_option("#f-rule-conditions-1-field", "rfm_recency_score")
    page.select_option("#f-rule-conditions-1-operator", GREATER_THAN)
    page.fill("#f-rule-conditions-1-values", "很高")
    with page.expect_response(lambda r: r.request.method == "POST"
                              and r.url.endswith("/marketing/segments/new")) as answer:
        page.get_by_role("button", name="保存细分群体").click()
    assert answer.value.status == 422
    error = page.locator("#f-rule-conditions-1-values-error")
    expect(error).to_have_text("须为数字")
    # the error sits in the field of the row it is about, and both rows are as typed
    assert page.locator(".rule-row").nth(1).locator(".field.has-error #f-rule-conditions-1-values").count() == 1
    expect(page.locator("#f-rule-conditions-1-values")).to_have_value("很高")
    expect(page.locator("#f-rule-conditions-1-field")).to_have_value("rfm_recency_score")
    expect(page.locator("#f-rule-conditions-0-values")).to_have_value(audience["industry"])
    expect(page.locator("#f-display_name")).to_have_value("RFM 测试")
    assert page.locator("#f-rule-conditions-0-values-error").count() == 0


def test_an_ab_campaign_is_planned_and_launched_and_its_results_page_holds_the_chart_data(
        console, audience):
    http, marketer = audience["http"], audience["marketer"]
    segment = _ok(http.call("POST", "/api/v1/segments", {
        "display_name": f"A/B {audience['industry']}",
        "rule": _industry_rule(audience["industry"])}, token=marketer), 201)
    page = console.page_as("marketer.chen", language="zh-CN")
    page.goto(f"{console.url}/marketing/campaigns/new?segment_id={segment['id']}")
    expect(page.locator(f"input[name=segment_ids][value='{segment['id']}']")).to_be_checked()
    page.fill("#f-name", "精密件春季促销")
    expect(page.locator("#f-variants-0-weight_percent")).to_have_value("50")
    expect(page.locator("#f-variants-1-weight_percent")).to_have_value("50")
    page.fill("#f-variants-0-body", "{{display_name}}，春季 9 折")
    page.fill("#f-variants-1-body", "{{display_name}}，春季满减")
    page.get_by_role("button", name="保存营销活动").click()
    page.wait_for_url(re.compile(r"/marketing/campaigns/[0-9a-f-]{36}$"))
    campaign_id = page.url.rsplit("/", 1)[1]
    planned = _ok(http.call("GET", f"/api/v1/campaigns/{campaign_id}", token=marketer))
    assert planned["state"] == "draft"
    assert [(v["id"], v["weight_percent"]) for v in planned["variants"]] == [("A", 50), ("B", 50)]

    page.get_by_role("button", name="立即启动").click()
    expect(page.locator("button[data-move=pause]")).to_be_visible()
    launched = _ok(http.call("GET", f"/api/v1/campaigns/{campaign_id}", token=marketer))
    assert launched["state"] == "running"
    assert launched["stats"]["audience_count"] == 3

    funnel = json.loads(page.locator("#chart-campaign-funnel-option").text_content())
    assert funnel["series"][0]["data"][0] == launched["stats"]["audience_count"]
    variants = json.loads(page.locator("#chart-campaign-variants-option").text_content())
    assert variants["xAxis"]["data"] == ["A", "B"]
    assert [len(series["data"]) for series in variants["series"]] == [2, 2, 2]
    allotted = {v["variant_id"]: v["audience_count"] for v in launched["stats"]["variants"]}
    assert sorted(allotted.values()) == [1, 2]  # 3 customers split 50/50, exactly


def test_a_move_the_state_no_longer_allows_is_a_readable_message(console, audience):
    """Two tabs on one running campaign: one pauses it; the other, still offering "pause",
    is told why not instead of a stack trace."""
    http, marketer = audience["http"], audience["marketer"]
    segment = _ok(http.call("POST", "/api/v1/segments", {
        "display_name": f"暂停 {audience['industry']}",
        "rule": _industry_rule(audience["industry"])}, token=marketer), 201)
    campaign = _ok(http.call("POST", "/api/v1/campaigns", {
        "name": "两个标签页", "channel": "sms", "segment_ids": [segment["id"]],
        "variants": [{"id": "A", "weight_percent": 100, "body": "{{display_name}} 您好"}]},
        token=marketer), 201)
    _ok(http.call("POST", f"/api/v1/campaigns/{campaign['id']}/launch", {}, token=marketer))
    first = console.page_as("marketer.chen", language="zh-CN")
    second = first.context.new_page()
    for page in (first, second):
        page.goto(f"{console.url}/marketing/campaigns/{campaign['id']}")
    first.get_by_role("button", name="暂停").click()
    expect(first.locator("button[data-move=resume]")).to_be_visible()
    with second.expect_response(lambda r: r.request.method == "POST") as answer:
        second.get_by_role("button", name="暂停").click()
    assert answer.value.status == 409
    expect(second.locator("#messages [role=alert]")).to_contain_text("活动当前状态下不能执行此操作")
    expect(second.locator("button[data-move=resume]")).to_be_visible()  # the page as it now is
    assert _ok(http.call("GET", f"/api/v1/campaigns/{campaign['id']}", token=marketer))[
        "state"] == "paused"


def test_a_survey_with_questions_is_created_through_the_builder(console, running_suite):
    http = running_suite.http
    page = console.page_as("marketer.chen", language="zh-CN")
    page.goto(f"{console.url}/marketing/surveys/new")
    page.fill("#f-title", "安装服务回访")
    page.fill("#f-questions-0-text", "您对上门速度满意吗？")
    page.fill("#f-questions-0-dimension", "response_speed")
    page.fill("#f-questions-1-text", "您有多大可能向朋友推荐我们？")
    page.get_by_role("button", name="添加题目").click()  # htmx: a third question
    page.fill("#f-questions-2-text", "您是通过什么渠道联系我们的？")
    page.select_option("#f-questions-2-type", "4")  # single choice
    page.fill("#f-questions-2-options", "电话\n微信\n网站")
    page.uncheck("#f-questions-2-required")
    page.get_by_role("button", name="添加题目").click()
    page.get_by_role("button", name="删除题目").nth(3).click()  # and one too many removed
    expect(page.locator(".question")).to_have_count(3)
    page.get_by_role("button", name="保存调查").click()
    page.wait_for_url(re.compile(r"/marketing/surveys/[0-9a-f-]{36}$"))
    survey_id = page.url.rsplit("/", 1)[1]
    survey = _ok(http.call("GET", f"/api/v1/surveys/{survey_id}",
                           token=http.login("marketer.chen")))
    assert survey["title"] == "安装服务回访" and survey["state"] == "draft"
    assert [(q["id"], q["type"], q["dimension"], q["required"], q["options"])
            for q in survey["questions"]] == [
        ("q1", "rating_1_to_5", "response_speed", True, []),
        ("q2", "nps_0_to_10", "nps", True, []),
        ("q3", "single_choice", "", False, ["电话", "微信", "网站"])]


def test_survey_results_show_nps_dimension_scores_and_the_low_score_answers(
        console, audience, survey_link_texted_to):
    """A customer answers through the signed link of their text message with low scores; the
    survey page shows what the results RPC computed: NPS, the dimension chart's data, the share
    of low scores, and the answer in the low-score list."""
    http, marketer = audience["http"], audience["marketer"]
    survey = _ok(http.call("POST", "/api/v1/surveys", {
        "title": "季度回访", "kind": "relationship", "state": "active", "questions": [
            {"id": "q1", "dimension": "response_speed", "text": "响应速度", "type": "rating_1_to_5",
             "required": True},
            {"id": "q2", "dimension": "nps", "text": "推荐意愿", "type": "nps_0_to_10",
             "required": True}]}, token=marketer), 201)
    invitation = _ok(http.call("POST", f"/api/v1/surveys/{survey['id']}/invitations", {
        "customer_id": audience["customer_ids"][0], "channel": "sms"}, token=marketer), 201)
    assert invitation["link_url"] == ""  # the link is only in the customer's message
    path = survey_link_texted_to(audience["phones"][0])
    _ok(http.call("POST", path, {"answers": [{"question_id": "q1", "score": 2},
                                             {"question_id": "q2", "score": 3}],
                                 "comment": "上门太慢"}), 201)
    results = _ok(http.call("GET", f"/api/v1/surveys/{survey['id']}/results", token=marketer))
    assert results["nps"]["score"] == -100

    page = console.page_as("marketer.chen", language="zh-CN")
    page.goto(f"{console.url}/marketing/surveys/{survey['id']}")
    expect(page.locator("#survey-nps")).to_have_text("-100.0")
    expect(page.locator("#survey-low-share")).to_have_text("100.0%")
    chart = json.loads(page.locator("#chart-survey-dimensions-option").text_content())
    assert chart["xAxis"]["data"] == ["响应速度"]
    assert chart["series"][0]["data"] == [results["dimensions"][0]["average_score"]] == [2.0]
    assert chart["series"][1]["data"] == [100.0]
    expect(page.locator("#low-scores table.data")).to_contain_text("上门太慢")


def test_the_segment_list_fits_a_phone_without_horizontal_scroll(console):
    page = console.page_as("marketer.chen", language="zh-CN", viewport=PHONE)
    page.goto(f"{console.url}/marketing/segments/")
    expect(page.locator("table.data tbody tr").first).to_be_visible()
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
