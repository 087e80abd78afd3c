"""``/api/v1/knowledge``: the knowledge base (solved cases, reply templates, FAQs) over
``crm.ticket.v1.TicketService``: articles CRUD and full-text search.

Suggestions for one ticket (``GET /api/v1/tickets/{id}/knowledge``) are the same search, by
the ticket's own text, and are declared here too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from crm.ticket.v1 import ticket_pb2
from crm_shared.auth import current_principal
from crm_shared.protojson import enum_number, from_json, to_json
from flask import Response
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field

from gateway.endpoints import operation
from gateway.idempotency import current_key
from gateway.peers import call
from gateway.views import json_response
from gateway.views.customers import idempotency_request_id
from gateway.views.ticket_schemas import (
    KnowledgeSuggestionQuery,
    TicketPageQuery,
    TicketPath,
    TicketTypeWord,
    all_fields,
    department_path_field,
    partial_model,
    sent_fields,
    words,
)
from gateway.views.tickets import PEER, ticket_stub

COLLECTION = "/api/v1/knowledge"
ArticleKindWord = words(ticket_pb2.KnowledgeArticleKind)
ArticleStateWord = words(ticket_pb2.KnowledgeArticleState)
LocaleWord = Literal["zh-CN", "en-US"]

ARTICLE_EXAMPLE = {
    "id": "8b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d1e",
    "kind": "solved_case",
    "title": "路由器频繁掉线",
    "body": "## 现象\n路由器每小时掉线一次。\n## 处理\n升级固件到 2.1.3。",
    "category": "technical",
    "product": "R-100",
    "keywords": ["路由器", "掉线"],
    "ticket_types": ["fault"],
    "source_ticket_id": "9d1c2b3a-4e5f-4a6b-8c7d-0e1f2a3b4c5d",
    "locale": "zh-CN",
    "state": "published",
    "department_path": "/hq/tech",
    "public": False,
    "view_count": 12,
    "use_count": 3,
    "create_time": "2026-03-01T08:30:00Z",
    "update_time": "2026-03-02T08:30:00Z",
    "created_by": "0b8a3c52-6f43-5e1d-9a7b-3c2d1e0f4a5b",
    "updated_by": "0b8a3c52-6f43-5e1d-9a7b-3c2d1e0f4a5b",
    "etag": "2",
}


class _ArticleFields(BaseModel):
    kind: ArticleKindWord
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(
        "",
        max_length=100_000,
        description="Markdown; templates may hold `{{customer_name}}`-style placeholders.",
    )
    category: str = Field("", max_length=64)
    product: str = Field("", max_length=200)
    keywords: list[str] = Field(default_factory=list, max_length=50)
    ticket_types: list[TicketTypeWord] = Field(default_factory=list)
    source_ticket_id: str = Field("", max_length=64)
    locale: LocaleWord | None = Field(None, description="Default `zh-CN`.")
    state: ArticleStateWord | None = Field(
        None, description="Default `draft`; only `published` articles are found by search."
    )
    department_path: str = department_path_field("Department that maintains it.")
    public: bool = Field(
        False,
        description="Shown in the public help centre (`/api/v1/public/kb`) without an account "
        "while published; default false (staff only).",
    )


class ArticleCreate(_ArticleFields):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "reply_template",
                    "title": "物流延误致歉",
                    "body": "{{customer_name}} 您好，您的包裹因天气原因延误……",
                    "category": "delivery",
                    "state": "published",
                }
            ]
        },
    )


class _ArticleChanges(_ArticleFields):
    etag: str = Field(
        max_length=64, description="`etag` as read; sent, a concurrent change is a 409."
    )


ArticleUpdate = partial_model(
    _ArticleChanges,
    "KnowledgeArticleUpdate",
    "The fields to change (including `state`: publish or archive).",
    [{"state": "published"}, {"title": "路由器频繁掉线（固件问题）", "etag": "2"}],
)


class ArticlePath(BaseModel):
    article_id: str = Field(min_length=1, max_length=64)


class ArticleListQuery(TicketPageQuery):
    kind: ArticleKindWord | None = None
    state: ArticleStateWord | None = None
    category: str = Field("", max_length=64)
    product: str = Field("", max_length=200)
    locale: LocaleWord | None = None


class ArticleSearchQuery(TicketPageQuery):
    q: str = Field(min_length=1, max_length=500, description="Search text.")
    kind: list[ArticleKindWord] = Field(default_factory=list, description="Any of these kinds.")
    locale: LocaleWord | None = None


class KnowledgeArticle(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [ARTICLE_EXAMPLE]})

    id: str
    kind: ArticleKindWord | None = None
    title: str
    body: str
    category: str
    product: str
    keywords: list[str]
    ticket_types: list[TicketTypeWord]
    source_ticket_id: str
    locale: str
    state: ArticleStateWord | None = None
    department_path: str
    public: bool = False
    view_count: int
    use_count: int
    create_time: datetime | None = None
    update_time: datetime | None = None
    created_by: str
    updated_by: str
    etag: str


class KnowledgeArticlePage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"articles": [ARTICLE_EXAMPLE], "next_page_token": ""}]}
    )

    articles: list[KnowledgeArticle]
    next_page_token: str


class KnowledgeSearchResult(BaseModel):
    article: KnowledgeArticle | None = None
    score: float = Field(description="Relevance, higher is better.")
    snippet: str = Field(description="Excerpt around the match.")


class KnowledgeSearchPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "results": [
                        {"article": ARTICLE_EXAMPLE, "score": 0.87, "snippet": "升级固件到 2.1.3"}
                    ],
                    "next_page_token": "",
                }
            ]
        }
    )

    results: list[KnowledgeSearchResult] = Field(description="Best first.")
    next_page_token: str


def search_page(reply: ticket_pb2.SearchKnowledgeArticlesResponse) -> KnowledgeSearchPage:
    return KnowledgeSearchPage.model_validate(to_json(reply))


def article_of(message: ticket_pb2.KnowledgeArticle) -> KnowledgeArticle:
    return KnowledgeArticle.model_validate(to_json(message))


def register(app, deps) -> None:
    api = APIBlueprint("knowledge", __name__, abp_tags=[Tag(name="knowledge")])

    def stub():
        return ticket_stub(deps)

    @operation(
        api,
        "post",
        COLLECTION,
        operation_id="createKnowledgeArticle",
        summary="Write a knowledge article (solved case, reply template or FAQ)",
        responses={201: KnowledgeArticle},
        calls_services=True,
        creates=True,
        response_headers={201: ["Location"]},
    )
    def create_article(body: ArticleCreate):
        created = call(
            PEER,
            stub().CreateKnowledgeArticle,
            ticket_pb2.CreateKnowledgeArticleRequest(
                article=from_json(all_fields(body), ticket_pb2.KnowledgeArticle()),
                request_id=idempotency_request_id(current_principal().user_id, current_key()),
            ),
            field_prefix="article.",
        )
        return json_response(
            article_of(created), status=201, headers={"Location": f"{COLLECTION}/{created.id}"}
        )

    @operation(
        api,
        "get",
        COLLECTION,
        operation_id="listKnowledgeArticles",
        summary="Knowledge articles, most recently changed first",
        responses={200: KnowledgeArticlePage},
        calls_services=True,
    )
    def list_articles(query: ArticleListQuery):
        page = call(
            PEER,
            stub().ListKnowledgeArticles,
            ticket_pb2.ListKnowledgeArticlesRequest(
                page_size=query.page_size or 0,
                page_token=query.page_token,
                kind=enum_number(ticket_pb2.KnowledgeArticleKind.DESCRIPTOR, query.kind),
                state=enum_number(ticket_pb2.KnowledgeArticleState.DESCRIPTOR, query.state),
                category=query.category,
                product=query.product,
                locale=query.locale or "",
            ),
        )
        return json_response(KnowledgeArticlePage.model_validate(to_json(page)))

    @operation(
        api,
        "get",
        f"{COLLECTION}/search",
        operation_id="searchKnowledgeArticles",
        summary="Search the published articles by text, best match first",
        responses={200: KnowledgeSearchPage},
        calls_services=True,
    )
    def search_articles(query: ArticleSearchQuery):
        page = call(
            PEER,
            stub().SearchKnowledgeArticles,
            ticket_pb2.SearchKnowledgeArticlesRequest(
                query=query.q,
                page_size=query.page_size or 0,
                page_token=query.page_token,
                kinds=[
                    enum_number(ticket_pb2.KnowledgeArticleKind.DESCRIPTOR, k) for k in query.kind
                ],
                locale=query.locale or "",
            ),
            field_prefix="",
        )
        return json_response(search_page(page))

    @operation(
        api,
        "get",
        "/api/v1/tickets/<ticket_id>/knowledge",
        operation_id="suggestTicketKnowledge",
        summary="Published knowledge articles matching a ticket's text, best first",
        responses={200: KnowledgeSearchPage},
        calls_services=True,
    )
    def suggest_for_ticket(path: TicketPath, query: KnowledgeSuggestionQuery):
        page = call(
            PEER,
            stub().SearchKnowledgeArticles,
            ticket_pb2.SearchKnowledgeArticlesRequest(
                ticket_id=path.ticket_id,
                page_size=query.page_size or 0,
                page_token=query.page_token,
                locale=query.locale or "",
            ),
        )
        return json_response(search_page(page))

    @operation(
        api,
        "get",
        f"{COLLECTION}/<article_id>",
        operation_id="getKnowledgeArticle",
        summary="Get a knowledge article",
        responses={200: KnowledgeArticle},
        calls_services=True,
    )
    def get_article(path: ArticlePath):
        found = call(
            PEER,
            stub().GetKnowledgeArticle,
            ticket_pb2.GetKnowledgeArticleRequest(id=path.article_id),
        )
        return json_response(article_of(found))

    @operation(
        api,
        "patch",
        f"{COLLECTION}/<article_id>",
        operation_id="updateKnowledgeArticle",
        summary="Change a knowledge article, publish or archive it",
        responses={200: KnowledgeArticle},
        calls_services=True,
    )
    def update_article(path: ArticlePath, body: ArticleUpdate):  # type: ignore[valid-type]
        changes = sent_fields(body)
        article = from_json(changes, ticket_pb2.KnowledgeArticle(id=path.article_id))
        request = ticket_pb2.UpdateKnowledgeArticleRequest(article=article)
        request.update_mask.paths.extend(sorted(set(changes) - {"etag"}))
        updated = call(PEER, stub().UpdateKnowledgeArticle, request, field_prefix="article.")
        return json_response(article_of(updated))

    @operation(
        api,
        "delete",
        f"{COLLECTION}/<article_id>",
        operation_id="deleteKnowledgeArticle",
        summary="Delete a knowledge article",
        responses={204: None},
        calls_services=True,
    )
    def delete_article(path: ArticlePath):
        call(
            PEER,
            stub().DeleteKnowledgeArticle,
            ticket_pb2.DeleteKnowledgeArticleRequest(id=path.article_id),
        )
        return Response(status=204)

    app.register_api(api)
