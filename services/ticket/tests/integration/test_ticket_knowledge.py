"""The knowledge base through the api, in-process on SQLite and PostgreSQL: articles' life
(draft, published, archived) with etags and who sees and changes what, and search in Chinese
and English, by text and by a ticket."""

from __future__ import annotations

import grpc
import pytest
from crm.ticket.v1 import ticket_pb2
from google.protobuf.field_mask_pb2 import FieldMask

pytestmark = [pytest.mark.integration,
              pytest.mark.parametrize("api", ["sqlite", "postgresql"], indirect=True)]

SOLVED = ticket_pb2.KNOWLEDGE_ARTICLE_KIND_SOLVED_CASE
TEMPLATE = ticket_pb2.KNOWLEDGE_ARTICLE_KIND_REPLY_TEMPLATE
FAQ = ticket_pb2.KNOWLEDGE_ARTICLE_KIND_FAQ
DRAFT = ticket_pb2.KNOWLEDGE_ARTICLE_STATE_DRAFT
PUBLISHED = ticket_pb2.KNOWLEDGE_ARTICLE_STATE_PUBLISHED
ARCHIVED = ticket_pb2.KNOWLEDGE_ARTICLE_STATE_ARCHIVED

# callers: user ids of the organisation in conftest.PEOPLE
SERVICE_LEAD, AGENT, TECH_LEAD = "u-service-lead", "u-agent", "u-tech-lead"
OTHER_AGENT = "u-agent-2"


def write(api, caller=AGENT, **fields):
    values = {"kind": SOLVED, "title": "Title", "body": "", "state": PUBLISHED, "locale": "zh-CN"}
    values.update(fields)
    return api.stub(caller).CreateKnowledgeArticle(ticket_pb2.CreateKnowledgeArticleRequest(
        article=ticket_pb2.KnowledgeArticle(**values)))


def search(api, caller=AGENT, **fields):
    return api.stub(caller).SearchKnowledgeArticles(ticket_pb2.SearchKnowledgeArticlesRequest(**fields))


def titles(response) -> list[str]:
    return [result.article.title for result in response.results]


@pytest.fixture
def library(api):
    """A small knowledge base in two languages."""
    write(api, title="退款到账时间说明", body="退款申请审核通过后，款项将在3到5个工作日内原路退回。",
          keywords=["退款", "到账"], category="billing")
    write(api, title="路由器无法联网的排查步骤", body="请先重启路由器，再检查网线与指示灯。",
          keywords=["路由器", "断网"], category="technical", product="X-200")
    write(api, kind=TEMPLATE, title="致歉回复模板",
          body="{{customer_name}}您好，对给您带来的不便深表歉意，我们将尽快处理您的退款。")
    write(api, kind=FAQ, title="How do I reset my router?", locale="en-US",
          body="Hold the reset button for ten seconds, then wait for the router to restart.",
          keywords=["router", "reset"], category="technical")
    write(api, title="退款草稿", body="还没写完的退款说明", state=DRAFT)
    write(api, title="旧的退款政策", body="退款政策已更新", state=ARCHIVED)
    return api


# -- articles -------------------------------------------------------------------------------------


def test_an_article_is_created_read_changed_with_its_etag_and_deleted(api, rpc_error):
    created = write(api, title="发票开具说明", body="登录后在订单页申请发票。", keywords=["发票"],
                    ticket_types=[ticket_pb2.TICKET_TYPE_CONSULTATION], state=DRAFT)
    assert (created.created_by, created.department_path, created.locale) == (
        AGENT, "/hq/service", "zh-CN")
    assert created.etag
    got = api.stub(AGENT).GetKnowledgeArticle(ticket_pb2.GetKnowledgeArticleRequest(id=created.id))
    assert got.view_count == 1 and got.title == "发票开具说明"

    published = api.stub(AGENT).UpdateKnowledgeArticle(ticket_pb2.UpdateKnowledgeArticleRequest(
        article=ticket_pb2.KnowledgeArticle(id=created.id, state=PUBLISHED, etag=created.etag),
        update_mask=FieldMask(paths=["state"])))
    assert published.state == PUBLISHED and published.etag != created.etag
    stale = rpc_error(api.stub(AGENT).UpdateKnowledgeArticle, ticket_pb2.UpdateKnowledgeArticleRequest(
        article=ticket_pb2.KnowledgeArticle(id=created.id, title="x", etag=created.etag),
        update_mask=FieldMask(paths=["title"])))
    assert stale.code is grpc.StatusCode.ABORTED

    api.stub(AGENT).DeleteKnowledgeArticle(ticket_pb2.DeleteKnowledgeArticleRequest(id=created.id))
    assert rpc_error(api.stub(AGENT).GetKnowledgeArticle, ticket_pb2.GetKnowledgeArticleRequest(
        id=created.id)).code is grpc.StatusCode.NOT_FOUND


def test_bad_articles_are_refused_with_their_fields(api, rpc_error):
    error = rpc_error(api.stub(AGENT).CreateKnowledgeArticle, ticket_pb2.CreateKnowledgeArticleRequest(
        article=ticket_pb2.KnowledgeArticle(title=" ", locale="fr-FR", keywords=[""],
                                            department_path="/hq/tech")))
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT
    assert {v.field for v in error.violations} == {
        "article.kind", "article.title", "article.locale", "article.keywords[0]",
        "article.department_path"}


def test_a_solved_case_names_a_ticket_the_author_can_see(api, rpc_error):
    seen = api.add_ticket(department_path="/hq/service")
    hidden = api.add_ticket(department_path="/hq/tech")
    assert write(api, source_ticket_id=seen.id).source_ticket_id == seen.id
    error = rpc_error(write, api, source_ticket_id=hidden.id)
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in error.violations] == ["article.source_ticket_id"]


def test_drafts_are_seen_by_their_author_and_department_leads_published_by_everyone(library):
    api = library
    listed = {caller: sorted(a.title for a in api.stub(caller).ListKnowledgeArticles(
        ticket_pb2.ListKnowledgeArticlesRequest()).articles)
        for caller in (AGENT, OTHER_AGENT, SERVICE_LEAD, TECH_LEAD)}
    assert "退款草稿" in listed[AGENT] and "退款草稿" in listed[SERVICE_LEAD]
    assert "退款草稿" not in listed[OTHER_AGENT] and "退款草稿" not in listed[TECH_LEAD]
    assert len(listed[TECH_LEAD]) == 4  # the published ones
    drafts = api.stub(SERVICE_LEAD).ListKnowledgeArticles(ticket_pb2.ListKnowledgeArticlesRequest(
        state=DRAFT))
    assert [a.title for a in drafts.articles] == ["退款草稿"]


def test_only_the_author_and_leads_above_change_an_article(library, rpc_error):
    api = library
    [article] = api.stub(AGENT).ListKnowledgeArticles(ticket_pb2.ListKnowledgeArticlesRequest(
        kind=FAQ)).articles
    change = ticket_pb2.UpdateKnowledgeArticleRequest(
        article=ticket_pb2.KnowledgeArticle(id=article.id, category="router"),
        update_mask=FieldMask(paths=["category"]))
    assert rpc_error(api.stub(OTHER_AGENT).UpdateKnowledgeArticle, change).code \
        is grpc.StatusCode.PERMISSION_DENIED
    assert rpc_error(api.stub(TECH_LEAD).UpdateKnowledgeArticle, change).code \
        is grpc.StatusCode.PERMISSION_DENIED
    assert api.stub(SERVICE_LEAD).UpdateKnowledgeArticle(change).category == "router"


# -- search ---------------------------------------------------------------------------------------


def test_chinese_search_finds_articles_without_spaces_best_first(library):
    response = search(library, query="退款多久到账")
    assert titles(response)[0] == "退款到账时间说明"
    assert "致歉回复模板" in titles(response)
    assert "退款草稿" not in titles(response) and "旧的退款政策" not in titles(response)
    best = response.results[0]
    assert best.score > response.results[-1].score > 0
    assert "退" in best.snippet


def test_english_search_is_case_insensitive_and_filters_by_locale_and_kind(library):
    assert titles(search(library, query="Router RESET")) [0] == "How do I reset my router?"
    assert titles(search(library, query="router", locale="zh-CN")) == []
    assert titles(search(library, query="退款", kinds=[TEMPLATE])) == ["致歉回复模板"]


def test_search_by_a_ticket_uses_its_title_description_and_keywords(library, rpc_error):
    ticket = library.add_ticket(title="路由器断网", description="家里的网络一直连不上",
                                keywords=["断网"], category="technical", department_path="/hq/service")
    assert titles(search(library, ticket_id=ticket.id))[0] == "路由器无法联网的排查步骤"
    hidden = library.add_ticket(title="路由器", department_path="/hq/tech")
    assert rpc_error(search, library, ticket_id=hidden.id).code is grpc.StatusCode.NOT_FOUND


def test_search_pages_and_needs_a_query(library, rpc_error):
    first = search(library, query="退款 路由器", page_size=2)
    second = search(library, query="退款 路由器", page_size=2, page_token=first.next_page_token)
    assert len(first.results) == 2 and first.next_page_token
    assert not set(titles(first)) & set(titles(second))
    assert rpc_error(search, library).code is grpc.StatusCode.INVALID_ARGUMENT
    assert rpc_error(search, library, query="x", page_token="nonsense").code is grpc.StatusCode.INVALID_ARGUMENT
