"""The console as a whole, in a real browser: every page a person can reach from the sidebar
is in one language (English pages carry no untranslated Chinese and Chinese pages no
untranslated English, apart from the users' own data, marked ``translate="no"``), nothing
is fetched from anywhere but the console itself (no CDN), the Content-Security-Policy blocks
nothing on any of them, and axe-core finds no critical or serious accessibility violation on
the main pages."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.e2e

# Text nodes of the page (hidden ones too: a screen reader reads them) outside the users' data (translate="no"), scripts, code and elements
# that declare another language (the language switcher's own name). Each: [text, tag path].
_UI_TEXT = """
() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const pageLang = document.documentElement.lang;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    if (!text) continue;
    const el = node.parentElement;
    if (el.closest('[translate="no"], script, style, code, noscript, template')) continue;
    const declared = el.closest('[lang]');
    if (declared && declared !== document.documentElement && declared.lang !== pageLang) continue;
    out.push([text, el.tagName + (el.className ? '.' + el.className : '')]);
  }
  for (const el of document.querySelectorAll('[placeholder], [aria-label], [title], img[alt]')) {
    if (el.closest('[translate="no"]')) continue;
    for (const attr of ['placeholder', 'aria-label', 'title', 'alt']) {
      const value = el.getAttribute(attr);
      if (value && value.trim()) out.push([value.trim(), el.tagName + '@' + attr]);
    }
  }
  out.push([document.title, 'title']);
  return out;
}
"""
_CJK = r"[\u3400-\u9fff]"
_LATIN_WORD = r"\b[a-z]{3,}\b"


# Shows a chart's first tooltip (as hovering would) and waits until the browser has painted
# it and reported what the policy blocked; true when the chart has a tooltip to show.
_SHOW_TOOLTIP = """
(el) => new Promise((resolve) => {
  const chart = echarts.getInstanceByDom(el);
  if (!chart || !(chart.getOption().tooltip || []).length) return resolve(false);
  chart.dispatchAction({type: "showTip", seriesIndex: 0, dataIndex: 0});
  requestAnimationFrame(() => setTimeout(() => resolve(true), 0));
})
"""


def _sidebar_links(page) -> list[str]:
    return page.eval_on_selector_all("#sidebar a[href]", "els => els.map(e => e.href)")


@pytest.fixture(scope="module")
def records(running_suite):
    """A customer (rep.zhang's) and a ticket about it, for the record pages."""
    http = running_suite.http
    rep = http.login("rep.zhang")
    customer = http.call("POST", "/api/v1/customers", {
        "type": "enterprise", "display_name": "宁波某某电器有限公司", "phone": "13700001111",
        "enterprise": {"legal_name": "宁波某某电器有限公司", "industry": "manufacturing"},
    }, token=rep)
    assert customer.status == 201, customer
    ticket = http.call("POST", "/api/v1/tickets", {
        "type": "complaint", "channel": "phone", "title": "产品质量问题",
        "description": "外壳开裂", "customer_id": customer.body["id"],
    }, token=http.login("agent.wang"))
    assert ticket.status == 201, ticket
    return {"customer": customer.body, "ticket": ticket.body}


@pytest.mark.parametrize("username", ["admin", "sales.lead", "agent.wang", "marketer.chen"])
def test_english_pages_have_no_untranslated_chinese(console, username):
    import re

    page = console.page_as(username, language="en-US")
    assert page.evaluate("document.documentElement.lang") == "en-US"
    offenders = []
    for url in [console.url + "/", *_sidebar_links(page)]:
        page.goto(url)
        assert page.evaluate("document.documentElement.lang") == "en-US", url
        offenders += [(url, text, where) for text, where in page.evaluate(_UI_TEXT)
                      if re.search(_CJK, text)]
    assert not offenders, "Chinese on English pages:\n" + "\n".join(map(str, offenders[:40]))
    assert console.csp_violations == []


@pytest.mark.parametrize("username", ["admin", "sales.lead", "agent.wang", "marketer.chen"])
def test_chinese_pages_have_no_untranslated_english(console, username):
    import re

    page = console.page_as(username, language="zh-CN")
    offenders = []
    for url in [console.url + "/", *_sidebar_links(page)]:
        page.goto(url)
        assert page.evaluate("document.documentElement.lang") == "zh-CN", url
        offenders += [(url, text, where) for text, where in page.evaluate(_UI_TEXT)
                      if re.search(_LATIN_WORD, text)]
    assert not offenders, "English on Chinese pages:\n" + "\n".join(map(str, offenders[:40]))
    assert console.csp_violations == []


def test_no_request_leaves_the_console(console, records):
    page = console.page_as("admin", language="zh-CN")
    for url in [console.url + "/", *_sidebar_links(page),
                f"{console.url}/customers/{records['customer']['id']}",
                f"{console.url}/tickets/{records['ticket']['id']}"]:
        page.goto(url)
        page.wait_for_load_state("networkidle")
    assert console.requests, "the browser made no request at all"
    assert console.foreign_requests() == []
    assert console.csp_violations == []


def test_the_pages_break_no_rule_of_their_content_security_policy(console, records):
    """The console's policy allows no inline script or style. Every page a person reaches,
    the charts with their tooltips included, runs with nothing blocked:
    a blocked script would be a broken page, a blocked style a misdrawn one."""
    response = console.new_page().goto(f"{console.url}/sign-in")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "style-src 'self';" in policy
    assert response.headers["x-frame-options"] == "DENY"
    page = console.page_as("admin", language="zh-CN")
    tooltips: list[bool] = []
    for url in [console.url + "/", *_sidebar_links(page),
                f"{console.url}/customers/{records['customer']['id']}",
                f"{console.url}/tickets/{records['ticket']['id']}"]:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        tooltips += [page.evaluate(_SHOW_TOOLTIP, chart)
                     for chart in page.query_selector_all("[data-chart]")]
    assert any(tooltips), "no chart showed a tooltip"
    assert console.csp_violations == []


def _serious(results) -> list[tuple[str, str, list[str]]]:
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5])
            for v in results.response["violations"] if v["impact"] in ("critical", "serious")]


@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
def test_main_pages_have_no_serious_accessibility_violations(console, records, language):
    axe = Axe()
    page = console.new_page(language=language)
    page.goto(f"{console.url}/sign-in?lang={language}")
    found = {"sign-in": _serious(axe.run(page))}
    page = console.page_as("admin", language=language)
    for name, path in (("customer 360", f"/customers/{records['customer']['id']}"),
                       ("ticket", f"/tickets/{records['ticket']['id']}"),
                       ("dashboard", "/dashboard")):
        page.goto(console.url + path)
        page.wait_for_load_state("networkidle")
        found[name] = _serious(axe.run(page))
    assert all(not violations for violations in found.values()), found
