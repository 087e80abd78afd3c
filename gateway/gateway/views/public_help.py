"""The PUBLIC routes of the web forms and the help centre (no account, ``/api/v1/public``): what a
company's website calls from its own server, and what the console's public pages call.

- ``POST /api/v1/public/leads``: web-to-lead. The lead is created with source ``website_form``
  and the form's campaign and UTM parameters, graded and assigned like any lead
  (``SalesService.SubmitLeadForm``); the answer is ``202 {"received": true}`` and nothing else,
  for a new lead, a duplicate, and a filled honeypot (``website``: a robot is not told it was
  caught, and nothing is stored). The form may name a campaign that has gone out only (running,
  paused or completed; the sales service checks it); any other is dropped and the lead lands
  unattributed.
- ``POST /api/v1/public/tickets``: a service request or complaint, filed as an agent's ticket
  by phone is (``TicketService.SubmitServiceRequest``); ``201 {"number": ...}``.
- ``POST /api/v1/public/tickets/status``: a ticket's state and public replies by its number and
  the phone or e-mail it was filed with (a POST, so neither lands in a URL or an access log).
  An unknown number and a wrong contact are one and the same 404.
- ``GET /api/v1/public/kb/articles`` and ``/api/v1/public/kb/articles/{id}``: the knowledge
  articles marked public, searched as inside (Chinese too).

Each route calls its service as the gateway holding only its own scope
(``gateway.public_access.as_public``) and is counted per client address and, where it names
one, per target (``limit_public``) before it calls anything.
"""

from __future__ import annotations

from datetime import datetime

from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm.ticket.v1 import ticket_pb2
from crm_shared.lead_intake import CAMPAIGN_ID, INTAKE_PARAMS, TRACKING
from crm_shared.protojson import enum_number, to_json
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field, create_model
from werkzeug.exceptions import BadRequest

from gateway.endpoints import operation
from gateway.problems import UpstreamCallFailed
from gateway.public_access import call_public, limit_public
from gateway.views import json_response
from gateway.views.knowledge import ArticleKindWord, LocaleWord
from gateway.views.ticket_schemas import StateWord, TicketTypeWord
from gateway.views.tickets import PEER as TICKET_PEER
from gateway.views.tickets import ticket_stub

PUBLIC = "/api/v1/public"
SALES_PEER = "sales"
SALES = sales_pb2.DESCRIPTOR.services_by_name["SalesService"]
HONEYPOT = Field(
    "",
    max_length=200,
    description="Honeypot: leave empty. A website renders it as an input people never see; "
    "a robot fills it in, and its request is dropped.",
)


# --- web-to-lead ----------------------------------------------------------------------------------


class _LeadAnswers(BaseModel):
    """What the visitor wrote; :data:`LeadSubmission` adds the tracking fields."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "contact_name": "王经理",
                    "company_name": "杭州某某电子有限公司",
                    "phone": "13712345678",
                    "need_description": "想了解贵司的设备维护服务",
                    "utm_source": "baidu",
                    "utm_medium": "cpc",
                    "utm_campaign": "spring-expo",
                }
            ]
        },
    )

    contact_name: str = Field("", max_length=200, description="Required unless `company_name`.")
    company_name: str = Field("", max_length=300)
    job_title: str = Field("", max_length=100)
    phone: str = Field("", max_length=40, description="Phone or e-mail is required.")
    email: str = Field("", max_length=254)
    need_description: str = Field("", max_length=5000)
    product_interests: list[str] = Field(default_factory=list, max_length=20)
    request_id: str = Field(
        "",
        max_length=64,
        description="A UUID the website makes per form it shows: a resent form creates one lead.",
    )
    website: str = HONEYPOT


# The tracking fields a website sends along with a lead are declared once
# (crm_shared.lead_intake), where the console's lead form reads them too.
LeadSubmission = create_model(
    "LeadSubmission",
    __base__=_LeadAnswers,
    **{
        name: (str, Field("", max_length=field.max_length, description=field.description))
        for name, field in TRACKING.items()
    },
)


class LeadReceived(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"received": True}]})

    received: bool


# --- service requests and their status ------------------------------------------------------------


class ServiceRequestSubmission(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "type": "complaint",
                    "description": "收到的洗衣机外壳有裂缝，要求更换",
                    "reporter_name": "李女士",
                    "reporter_phone": "13800138000",
                }
            ]
        },
    )

    type: TicketTypeWord
    title: str = Field("", max_length=300, description="Default: the description's start.")
    description: str = Field(min_length=1, max_length=5000)
    reporter_name: str = Field("", max_length=200)
    reporter_phone: str = Field("", max_length=40, description="Phone or e-mail is required.")
    reporter_email: str = Field("", max_length=254)
    product: str = Field("", max_length=100)
    request_id: str = Field(
        "", max_length=64, description="A UUID per form shown: sent twice, one ticket."
    )
    website: str = HONEYPOT


class ServiceRequestFiled(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"number": "T20260301-0007"}]})

    number: str = Field(description="What the customer quotes to look the ticket up.")


class StatusLookup(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"number": "T20260301-0007", "contact": "13800138000"}]},
    )

    number: str = Field(min_length=1, max_length=32)
    contact: str = Field(
        min_length=1, max_length=254, description="The phone or e-mail the ticket was filed with."
    )


class PublicReply(BaseModel):
    body: str
    create_time: datetime | None = None


class PublicTicketStatus(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "number": "T20260301-0007",
                    "type": "complaint",
                    "title": "收到的洗衣机外壳有裂缝",
                    "state": "in_progress",
                    "create_time": "2026-03-01T08:30:00Z",
                    "update_time": "2026-03-01T09:10:00Z",
                    "resolve_time": None,
                    "close_time": None,
                    "replies": [
                        {"body": "您好，我们已安排更换。", "create_time": "2026-03-01T09:10:00Z"}
                    ],
                }
            ]
        },
    )

    number: str
    type: TicketTypeWord | None = None
    title: str
    state: StateWord | None = None
    create_time: datetime | None = None
    update_time: datetime | None = None
    resolve_time: datetime | None = None
    close_time: datetime | None = None
    replies: list[PublicReply] = Field(description="Replies to the customer, oldest first.")


# --- the public knowledge base --------------------------------------------------------------------


class PublicArticleSearchQuery(BaseModel):
    q: str = Field(min_length=1, max_length=500, description="Search text (Chinese or English).")
    locale: LocaleWord | None = None
    page_size: int | None = Field(None, ge=1, le=50, description="Default 10.")
    page_token: str = Field("", max_length=200)


class PublicArticlePath(BaseModel):
    article_id: str = Field(min_length=1, max_length=64)


_ARTICLE_EXAMPLE = {
    "id": "0c6f7a52-9d1e-4a57-8f0a-2b7d1e4c9a10",
    "kind": "faq",
    "title": "打印机卡纸怎么办",
    "body": "1. 关闭电源；2. 打开后盖，轻轻取出纸张。",
    "category": "硬件故障",
    "product": "激光打印机 P200",
    "locale": "zh-CN",
    "update_time": "2026-03-01T08:00:00Z",
}


class PublicArticle(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [_ARTICLE_EXAMPLE]})

    id: str
    kind: ArticleKindWord | None = None
    title: str
    body: str = Field(description="Markdown.")
    category: str
    product: str
    locale: str
    update_time: datetime | None = None


class PublicArticleHit(BaseModel):
    article: PublicArticle
    score: float
    snippet: str


class PublicArticlePage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "results": [{"article": _ARTICLE_EXAMPLE, "score": 0.82,
                     "snippet": "打开后盖，轻轻取出纸张"}],
        "next_page_token": "",
    }]})

    results: list[PublicArticleHit]
    next_page_token: str


def register(app, deps) -> None:
    api = APIBlueprint(
        "public_help",
        __name__,
        abp_tags=[
            Tag(
                name="public",
                description="No account: web forms and "
                "the help centre, for a company's website and customers",
            )
        ],
    )

    def sales_stub() -> sales_pb2_grpc.SalesServiceStub:
        return deps.peers.stub(SALES_PEER, SALES, sales_pb2_grpc.SalesServiceStub)

    def issuer():
        return deps.issuer

    @operation(
        api,
        "post",
        f"{PUBLIC}/leads",
        operation_id="submitPublicLead",
        public=True,
        summary="Web-to-lead: leave a lead from the company's website",
        description="Creates a lead with source `website_form` and the UTM parameters, "
        "graded and assigned like any lead. Answers only that it was received (also "
        "for a duplicate, for a `campaign_id` of a campaign that has not gone out, which the lead "
        "is then not attributed to, and for a filled honeypot, which stores nothing).",
        responses={202: LeadReceived},
        calls_services=True,
        problems=(429,),
    )
    def submit_lead(body: LeadSubmission):
        limit_public("lead", target=body.phone or body.email)
        if body.website:
            return json_response(LeadReceived(received=True), status=202)
        params = {
            key: getattr(body, key).strip() for key in INTAKE_PARAMS if getattr(body, key).strip()
        }
        request = sales_pb2.SubmitLeadFormRequest(
            contact_name=body.contact_name,
            company_name=body.company_name,
            job_title=body.job_title,
            phone=body.phone,
            email=body.email,
            need_description=body.need_description,
            product_interests=body.product_interests,
            intake_params=params,
            campaign_id=body.campaign_id,
            request_id=body.request_id,
        )
        try:
            call_public(issuer(), ["leads.intake"], SALES_PEER, sales_stub().SubmitLeadForm, request)
        except UpstreamCallFailed as refused:
            if [v.field for v in refused.error.violations] != [CAMPAIGN_ID]:
                raise
            # The form names a campaign that is not running (a landing page outlives its
            # campaign, or the id is mistyped): the sales service may not attribute the lead to
            # it (issue 15), but the visitor's lead is not lost for that. It lands without the
            # campaign (its UTM parameters kept), and the visitor is told what any visitor is.
            request.campaign_id = ""
            call_public(issuer(), ["leads.intake"], SALES_PEER, sales_stub().SubmitLeadForm, request)
        return json_response(LeadReceived(received=True), status=202)

    @operation(
        api,
        "post",
        f"{PUBLIC}/tickets",
        operation_id="submitServiceRequest",
        public=True,
        summary="File a service request or complaint (answers its number)",
        responses={201: ServiceRequestFiled},
        calls_services=True,
        problems=(400, 429),
    )
    def submit_ticket(body: ServiceRequestSubmission):
        limit_public("ticket", target=body.reporter_phone or body.reporter_email)
        if body.website:  # a number cannot be faked: the robot is refused, nothing stored
            raise BadRequest("this request could not be accepted")
        request = ticket_pb2.SubmitServiceRequestRequest(
            type=enum_number(ticket_pb2.TicketType.DESCRIPTOR, body.type),
            title=body.title,
            description=body.description,
            reporter_name=body.reporter_name,
            reporter_phone=body.reporter_phone,
            reporter_email=body.reporter_email,
            product=body.product,
            request_id=body.request_id,
        )
        filed = call_public(
            issuer(), ["tickets.intake"], TICKET_PEER, ticket_stub(deps).SubmitServiceRequest,
            request,
        )
        return json_response(ServiceRequestFiled(number=filed.number), status=201)

    @operation(
        api,
        "post",
        f"{PUBLIC}/tickets/status",
        operation_id="lookupTicketStatus",
        public=True,
        summary="A ticket's state and public replies, by its number and "
        "the phone or e-mail it was filed with",
        description="404 alike for a number that does not exist and a contact that "
        "does not match. Counted per client address and per ticket number.",
        responses={200: PublicTicketStatus},
        calls_services=True,
        problems=(429,),
    )
    def lookup_status(body: StatusLookup):
        limit_public("ticket-status", target=body.number)
        status = call_public(
            issuer(),
            ["tickets.status"],
            TICKET_PEER,
            ticket_stub(deps).LookupTicketStatus,
            ticket_pb2.LookupTicketStatusRequest(number=body.number, contact=body.contact),
        )
        return json_response(PublicTicketStatus.model_validate(to_json(status)))

    @operation(
        api,
        "get",
        f"{PUBLIC}/kb/articles",
        operation_id="searchPublicArticles",
        public=True,
        summary="Search the public knowledge base, best match first",
        responses={200: PublicArticlePage},
        calls_services=True,
        problems=(429,),
    )
    def search_articles(query: PublicArticleSearchQuery):
        limit_public("kb")
        page = call_public(
            issuer(),
            ["kb.read_public"],
            TICKET_PEER,
            ticket_stub(deps).SearchPublicKnowledgeArticles,
            ticket_pb2.SearchPublicKnowledgeArticlesRequest(
                query=query.q,
                locale=query.locale or "",
                page_size=query.page_size or 0,
                page_token=query.page_token,
            ),
        )
        return json_response(PublicArticlePage.model_validate(to_json(page)))

    @operation(
        api,
        "get",
        f"{PUBLIC}/kb/articles/<article_id>",
        operation_id="getPublicArticle",
        public=True,
        summary="Read one public knowledge article",
        responses={200: PublicArticle},
        calls_services=True,
        problems=(429,),
    )
    def get_article(path: PublicArticlePath):
        limit_public("kb")
        article = call_public(
            issuer(),
            ["kb.read_public"],
            TICKET_PEER,
            ticket_stub(deps).GetPublicKnowledgeArticle,
            ticket_pb2.GetPublicKnowledgeArticleRequest(id=path.article_id),
        )
        return json_response(PublicArticle.model_validate(to_json(article)))

    app.register_api(api)
