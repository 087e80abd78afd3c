"""The tag catalogue page in process, against a small customer service that validates tags
with the real service's rules (``customer_service.api_tags``): leads and admins see the tags
grouped by dimension, reps are refused before anything is read; a refused name shows next to
its field with what was typed kept; a rename sends only what UpdateTag may change; retiring
asks for a confirmation first."""

from __future__ import annotations

import pytest
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm_console.views.admin import tags as tag_page
from crm_shared.auth import DataScope, Principal
from crm_shared.errors import AlreadyExists, InvalidArgument, PermissionDenied
from crm_shared.grpc.status import to_grpc_status
from customer_service import api as _customer_api  # noqa: F401 - loads api_tags in order
from customer_service import api_tags
from customer_service import tags as service_tags

C = customer_pb2


def _catalogue():
    return [C.Tag(id="t-free", name="老客户转介绍", dimension="free", color="#aa3300",
                  customer_count=3),
            C.Tag(id="t-ind", name="制造业", dimension="industry", description="工厂客户",
                  customer_count=1234),
            C.Tag(id="t-sys", name="A 类客户", dimension="value", system=True)]


class Customers(customer_pb2_grpc.CustomerServiceServicer):
    def __init__(self):
        self.calls = []

    def _refuse(self, context, error):
        context.abort_with_status(to_grpc_status(error))

    def ListTags(self, request, context):
        self.calls.append(("ListTags", request))
        found = [t for t in _catalogue() if not request.dimension or t.dimension == request.dimension]
        return C.ListTagsResponse(tags=found)

    def CreateTag(self, request, context):
        self.calls.append(("CreateTag", request))
        _clean, problems = api_tags._tag_violations(
            request.tag, ("name", "dimension", "description", "color"))
        if problems:
            self._refuse(context, InvalidArgument(problems))
        if request.tag.name == "制造业":
            self._refuse(context, AlreadyExists("a tag named '制造业' exists in dimension industry"))
        created = C.Tag()
        created.CopyFrom(request.tag)
        created.id = "t-new"
        return created

    def UpdateTag(self, request, context):
        self.calls.append(("UpdateTag", request))
        if request.tag.id == "t-sys":
            self._refuse(context, PermissionDenied("system tags are maintained by the service"))
        _clean, problems = api_tags._tag_violations(request.tag, request.update_mask.paths)
        if problems:
            self._refuse(context, InvalidArgument(problems))
        saved = next(t for t in _catalogue() if t.id == request.tag.id)
        saved.name = request.tag.name
        return saved

    def DeleteTag(self, request, context):
        self.calls.append(("DeleteTag", request))
        from google.protobuf import empty_pb2

        return empty_pb2.Empty()


@pytest.fixture(scope="module")
def customers():
    return Customers()


@pytest.fixture(scope="module")
def console(serve_grpc, console_for, customers):
    return console_for(serve_grpc(customers, workers=4))


LEAD = {"user_id": "u-lead", "username": "service.lead", "roles": ["service_lead"],
        "department_path": "/hq/service", "data_scope": "department"}


@pytest.fixture
def calls(customers):
    customers.calls.clear()
    return customers.calls


def _main(page: str) -> str:
    return page.split("<main", 1)[1]


def test_the_page_is_offered_to_whoever_the_customer_service_lets_curate():
    assert tuple(name for name, _label in tag_page.DIMENSIONS) == service_tags.DIMENSIONS
    for scope in DataScope:
        principal = Principal(user_id="u", username="u", roles=frozenset({"manager"}),
                              department_path="/hq", data_scope=scope)
        try:
            api_tags._require_curator(principal)
            service_allows = True
        except PermissionDenied:
            service_allows = False
        assert tag_page.may_curate(principal) is service_allows


def test_a_lead_sees_the_tags_grouped_by_dimension_and_a_rep_is_refused(console, calls):
    response = console.client(LEAD).get("/admin/tags")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, _main(page)[:2000]
    assert 'href="/admin/tags"' in page  # the sidebar offers it to a lead
    main = _main(page)
    # dimensions in the contract's order: industry, value, free
    assert main.index("制造业") < main.index("A 类客户") < main.index("老客户转介绍")
    assert ">1,234<" in main and 'fill="#aa3300"' in main
    assert 'href="/admin/tags/t-ind"' in main and 'href="/admin/tags/t-sys"' not in main
    assert "Maintained by the system" in main and 'translate="no">制造业' in main

    calls.clear()
    refused = console.client("rep.zhang").get("/admin/tags")
    assert refused.status_code == 403 and not calls  # refused before anything is read
    assert 'href="/admin/tags"' not in console.client("rep.zhang").get(
        "/admin/tags").get_data(as_text=True)


def test_the_chinese_page_names_the_dimensions_in_chinese(console, calls):
    page = console.client(LEAD, "zh-CN").get("/admin/tags").get_data(as_text=True)
    assert "标签库" in page and "行业" in page and "自定义标签" in page and "由系统维护" in page


def test_a_refused_tag_shows_its_error_next_to_the_field_and_keeps_what_was_typed(
        console, calls):
    client = console.client(LEAD)
    form = client.get("/admin/tags/new?dimension=free").get_data(as_text=True)
    assert 'value="free" selected' in form
    token = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    typed = {"csrf_token": token, "name": "", "dimension": "free", "description": "转介绍来源",
             "color": "#112233", "request_id": "0b0b0b0b-0000-4000-8000-000000000001"}
    response = client.post("/admin/tags/new", data=typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="f-name-error">is required, at most 100 characters' in page
    assert "转介绍来源</textarea>" in page and 'value="#112233"' in page

    taken = client.post("/admin/tags/new", data={**typed, "name": "制造业",
                                                 "dimension": "industry"})
    assert taken.status_code == 422
    assert 'id="f-name-error">a tag named' in taken.get_data(as_text=True)

    done = client.post("/admin/tags/new", data={**typed, "name": "转介绍"})
    assert done.status_code == 302 and "saved=t-new" in done.headers["Location"]
    sent = calls[-1][1]
    assert (sent.tag.name, sent.tag.dimension, sent.tag.color) == ("转介绍", "free", "#112233")
    assert sent.request_id == typed["request_id"]


def test_a_rename_sends_only_what_update_tag_may_change_and_a_system_tag_is_a_refusal(
        console, calls):
    client = console.client(LEAD)
    form = client.get("/admin/tags/t-ind").get_data(as_text=True)
    assert 'value="制造业"' in form and "Retire this tag" in form
    assert 'name="dimension"' not in form  # shown, not editable
    token = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    done = client.post("/admin/tags/t-ind", data={
        "csrf_token": token, "name": "高端制造", "dimension": "free", "description": "",
        "color": "#00aa00"})
    assert done.status_code == 302
    sent = [request for name, request in calls if name == "UpdateTag"][-1]
    assert list(sent.update_mask.paths) == ["name", "description", "color"]
    assert (sent.tag.id, sent.tag.name, sent.tag.dimension) == ("t-ind", "高端制造", "")

    bad = client.post("/admin/tags/t-ind", data={"csrf_token": token, "name": "x",
                                                 "color": "red"})
    assert bad.status_code == 422 and 'id="f-color-error">must be #RRGGBB' in bad.get_data(
        as_text=True)
    refused = client.post("/admin/tags/t-sys", data={"csrf_token": token, "name": "x"})
    assert refused.status_code == 403  # not the form's to fix: the readable refusal page
    assert "Traceback" not in refused.get_data(as_text=True)


def test_retiring_asks_for_a_confirmation_before_deleting(console, calls):
    client = console.client(LEAD)
    form = client.get("/admin/tags/t-free").get_data(as_text=True)
    token = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    unconfirmed = client.post("/admin/tags/t-free/retire", data={"csrf_token": token})
    assert unconfirmed.status_code == 422
    assert 'id="retire-confirm-error"' in unconfirmed.get_data(as_text=True)
    assert not [name for name, _r in calls if name == "DeleteTag"]
    done = client.post("/admin/tags/t-free/retire", data={"csrf_token": token,
                                                           "confirm": "true"})
    assert done.status_code == 302 and "retired=" in done.headers["Location"]
    assert [r.id for name, r in calls if name == "DeleteTag"] == ["t-free"]
