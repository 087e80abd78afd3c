"""The public help centre's RPCs, in-process on SQLite and PostgreSQL: a service request filed
from the public form is created and routed as an agent's ticket by phone is; its status is
found only with its number and the phone or e-mail it was filed with, the same NOT_FOUND for an
unknown number and a wrong contact, and shows public replies only; the public knowledge base
finds and reads only published articles marked public (Chinese search as inside); each RPC is
opened by its own scope only; bad input is refused field by field and stores nothing."""

from __future__ import annotations

import uuid

import grpc
import pytest
from crm.ticket.v1 import ticket_pb2
from google.protobuf.field_mask_pb2 import FieldMask
from ticket_service.models import KnowledgeArticle, Ticket, TicketCommentRecord

pytestmark = [
    pytest.mark.integration,
    pytest.mark.parametrize("api", ["sqlite", "postgresql"], indirect=True),
]

INTAKE, STATUS, KB = "svc-intake", "svc-status", "svc-kb"
ADMIN, AGENT = "u-admin", "u-wang"
COMPLAINT = ticket_pb2.TICKET_TYPE_COMPLAINT
PUBLISHED = ticket_pb2.KNOWLEDGE_ARTICLE_STATE_PUBLISHED
DRAFT = ticket_pb2.KNOWLEDGE_ARTICLE_STATE_DRAFT
TEXT = "收到的洗衣机外壳有裂缝，产品质量有问题，要求更换"


def submit(api, caller=INTAKE, **fields):
    values = {
        "type": COMPLAINT,
        "description": TEXT,
        "reporter_name": "李女士",
        "reporter_phone": "+86 138-0013-8000",
    }
    values.update(fields)
    return api.stub(caller).SubmitServiceRequest(ticket_pb2.SubmitServiceRequestRequest(**values))


def lookup(api, number, contact, caller=STATUS):
    return api.stub(caller).LookupTicketStatus(
        ticket_pb2.LookupTicketStatusRequest(number=number, contact=contact)
    )


def ticket_by_number(api, number) -> ticket_pb2.Ticket:
    found = api.stub(ADMIN).ListTickets(ticket_pb2.ListTicketsRequest(query=number))
    (ticket,) = [t for t in found.tickets if t.number == number]
    return api.stub(ADMIN).GetTicket(
        ticket_pb2.GetTicketRequest(id=ticket.id, view=ticket_pb2.TICKET_VIEW_FULL)
    )


def comment(api, ticket_id, body, visibility):
    api.stub(ADMIN).CreateTicketComment(
        ticket_pb2.CreateTicketCommentRequest(
            comment=ticket_pb2.TicketComment(ticket_id=ticket_id, body=body, visibility=visibility)
        )
    )


# -- the service-request form ----------------------------------------------------------------------


def test_a_filed_request_is_created_and_routed_as_an_agents_ticket_by_phone(api):
    number = submit(api, request_id=str(uuid.uuid4())).number
    filed = ticket_by_number(api, number)
    by_agent = api.create(
        AGENT, type=COMPLAINT, title=filed.title, description=TEXT, reporter_phone="13800138000"
    )

    assert filed.channel == ticket_pb2.TICKET_CHANNEL_WEB
    assert (filed.customer_id, filed.reporter_phone, filed.reporter_name) == (
        "",
        "+86 138-0013-8000",
        "李女士",
    )
    assert filed.title == TEXT  # short enough to be its own title
    assert filed.state == ticket_pb2.TICKET_STATE_ROUTED
    assert (filed.category, filed.department_path, filed.priority) == (
        by_agent.category,
        by_agent.department_path,
        by_agent.priority,
    )
    assert filed.sla.resolution_due_time.seconds
    assert len(api.events("ticket.routed")) == 2  # published as the agent's ticket is


def test_a_resent_form_files_one_ticket(api):
    key = str(uuid.uuid4())
    assert submit(api, request_id=key).number == submit(api, request_id=key).number
    assert api.count(Ticket) == 1


def test_bad_input_is_refused_field_by_field_and_stores_nothing(api, rpc_error):
    error = rpc_error(
        submit,
        api,
        type=ticket_pb2.TICKET_TYPE_UNSPECIFIED,
        description=" ",
        reporter_phone="",
        reporter_email="not-an-address",
        request_id="x",
    )
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT
    assert {v.field for v in error.violations} == {
        "type",
        "description",
        "reporter_email",
        "request_id",
    }
    nothing = rpc_error(submit, api, reporter_phone="", reporter_email="")
    assert {v.field for v in nothing.violations} == {"reporter_phone"}
    long = rpc_error(submit, api, description="长" * 5001, reporter_phone="abc")
    assert {v.field for v in long.violations} == {"description", "reporter_phone"}
    assert api.count(Ticket) == 0


# -- the status page -------------------------------------------------------------------------------


def test_the_status_shows_the_state_and_public_replies_never_internal_notes(api):
    number = submit(api).number
    ticket = ticket_by_number(api, number)
    comment(
        api,
        ticket.id,
        "内部备注：客户上次也投诉过，先查物流",
        ticket_pb2.COMMENT_VISIBILITY_INTERNAL,
    )
    comment(
        api,
        ticket.id,
        "您好，我们已安排更换，请保持电话畅通。",
        ticket_pb2.COMMENT_VISIBILITY_PUBLIC,
    )

    for contact in ("13800138000", "+8613800138000", "0086 138 0013 8000"):
        status = lookup(api, number.lower(), contact)
        assert (status.number, status.state, status.type) == (
            number,
            ticket_pb2.TICKET_STATE_ROUTED,
            COMPLAINT,
        )
        assert [reply.body for reply in status.replies] == [
            "您好，我们已安排更换，请保持电话畅通。"
        ]
    assert "内部备注" not in str(status)
    # nothing of the staff's side is in the answer's contract at all
    assert {f.name for f in ticket_pb2.PublicTicketStatus.DESCRIPTOR.fields}.isdisjoint(
        {"assignee_id", "department_path", "account_manager_id", "customer_id"}
    )
    assert {f.name for f in ticket_pb2.PublicReply.DESCRIPTOR.fields} == {"body", "create_time"}


def test_a_ticket_filed_by_e_mail_is_found_by_that_e_mail_in_any_case(api):
    number = submit(api, reporter_phone="", reporter_email="Li.Nv@Example.com").number
    assert lookup(api, number, "li.nv@example.COM").number == number


def test_an_unknown_number_and_a_wrong_contact_answer_the_same(api, rpc_error):
    number = submit(api).number
    unknown = rpc_error(lookup, api, "T20990101-0001", "13800138000")
    wrong = rpc_error(lookup, api, number, "13900139000")
    assert unknown.code is wrong.code is grpc.StatusCode.NOT_FOUND
    assert unknown.message == wrong.message
    assert unknown.violations == wrong.violations == []


def test_a_lookup_without_number_or_contact_is_refused_field_by_field(api, rpc_error):
    error = rpc_error(lookup, api, " ", "")
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT
    assert {v.field for v in error.violations} == {"number", "contact"}


# -- scopes ---------------------------------------------------------------------------------------


def test_each_public_rpc_is_opened_by_its_own_scope_only(api, rpc_error):
    number = submit(api).number
    for caller in (AGENT, STATUS, KB):
        assert rpc_error(submit, api, caller=caller).code is grpc.StatusCode.PERMISSION_DENIED
    for caller in (AGENT, INTAKE, KB):
        assert (
            rpc_error(lookup, api, number, "13800138000", caller=caller).code
            is grpc.StatusCode.PERMISSION_DENIED
        )
    search = ticket_pb2.SearchPublicKnowledgeArticlesRequest(query="退款")
    for caller in (AGENT, INTAKE, STATUS):
        assert (
            rpc_error(api.stub(caller).SearchPublicKnowledgeArticles, search).code
            is grpc.StatusCode.PERMISSION_DENIED
        )
    # and a public token opens nothing of the staff's
    assert (
        rpc_error(
            api.stub(KB).SearchKnowledgeArticles,
            ticket_pb2.SearchKnowledgeArticlesRequest(query="退款"),
        ).code
        is grpc.StatusCode.PERMISSION_DENIED
    )
    assert (
        rpc_error(api.stub(STATUS).ListTickets, ticket_pb2.ListTicketsRequest()).code
        is grpc.StatusCode.PERMISSION_DENIED
    )


# -- the public knowledge base ---------------------------------------------------------------------


def write(api, **fields):
    values = {
        "kind": ticket_pb2.KNOWLEDGE_ARTICLE_KIND_FAQ,
        "title": "Title",
        "body": "",
        "state": PUBLISHED,
        "locale": "zh-CN",
    }
    values.update(fields)
    return api.stub("u-agent").CreateKnowledgeArticle(
        ticket_pb2.CreateKnowledgeArticleRequest(article=ticket_pb2.KnowledgeArticle(**values))
    )


def public_search(api, query, **fields):
    return api.stub(KB).SearchPublicKnowledgeArticles(
        ticket_pb2.SearchPublicKnowledgeArticlesRequest(query=query, **fields)
    )


def test_only_published_articles_marked_public_are_found_and_read(api, rpc_error):
    shown = write(
        api,
        title="退款多久到账",
        body="退款审核通过后3到5个工作日原路退回。",
        keywords=["退款"],
        public=True,
    )
    internal = write(api, title="退款内部处理流程", body="财务每周二批量处理退款。")
    draft = write(api, title="退款草稿", body="退款说明草稿", public=True, state=DRAFT)
    assert shown.public and not internal.public

    hits = public_search(api, "退款什么时候到账").results
    assert [hit.article.title for hit in hits] == ["退款多久到账"]
    assert "原路退回" in hits[0].snippet
    got = api.stub(KB).GetPublicKnowledgeArticle(
        ticket_pb2.GetPublicKnowledgeArticleRequest(id=shown.id)
    )
    assert (got.title, got.body) == (shown.title, shown.body)
    for hidden in (internal, draft):
        assert (
            rpc_error(
                api.stub(KB).GetPublicKnowledgeArticle,
                ticket_pb2.GetPublicKnowledgeArticleRequest(id=hidden.id),
            ).code
            is grpc.StatusCode.NOT_FOUND
        )
    # the staff still find the internal one as before
    staff = api.stub("u-agent").SearchKnowledgeArticles(
        ticket_pb2.SearchKnowledgeArticlesRequest(query="退款")
    )
    assert {r.article.title for r in staff.results} == {"退款多久到账", "退款内部处理流程"}


def test_an_article_is_made_public_and_internal_again_by_its_maintainers(api):
    article = write(api, title="发票开具说明", body="登录后在订单页申请发票。")
    assert not public_search(api, "发票").results
    made = api.stub("u-agent").UpdateKnowledgeArticle(
        ticket_pb2.UpdateKnowledgeArticleRequest(
            article=ticket_pb2.KnowledgeArticle(id=article.id, public=True, etag=article.etag),
            update_mask=FieldMask(paths=["public"]),
        )
    )
    assert made.public
    assert [hit.article.id for hit in public_search(api, "发票").results] == [article.id]
    api.stub("u-agent").UpdateKnowledgeArticle(
        ticket_pb2.UpdateKnowledgeArticleRequest(
            article=ticket_pb2.KnowledgeArticle(id=article.id, public=False),
            update_mask=FieldMask(paths=["public"]),
        )
    )
    assert not public_search(api, "发票").results
    with api.database.unit_of_work(readonly=True) as uow:
        assert uow.session.get(KnowledgeArticle, article.id).public is False


def test_a_public_search_without_text_is_refused(api, rpc_error):
    error = rpc_error(public_search, api, " ", locale="fr-FR")
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT
    assert {v.field for v in error.violations} == {"query", "locale"}
    assert api.count(TicketCommentRecord) == 0
