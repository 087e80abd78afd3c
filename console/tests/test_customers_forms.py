"""The customer pages' pure translation: the new-customer form into a Customer, the list's
filter bar into a ListCustomersRequest, and what a search box text is looked up as."""

from __future__ import annotations

from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm_console.views import customers_forms as forms
from werkzeug.datastructures import MultiDict


def test_an_enterprise_form_fills_the_enterprise_profile_and_leaves_empty_fields_unset():
    customer, errors = forms.customer_from_form({
        "type": "enterprise", "display_name": " 杭州西湖科技 ", "phone": "13800138000",
        "email": "", "enterprise.legal_name": "杭州西湖科技有限公司",
        "enterprise.industry": "manufacturing", "enterprise.staff_count": "120",
        "source": "exhibition", "individual.age": "30"})
    assert errors == {}
    assert customer.type == customer_pb2.CUSTOMER_TYPE_ENTERPRISE
    assert customer.display_name == "杭州西湖科技"
    assert customer.WhichOneof("profile") == "enterprise"
    assert customer.enterprise.legal_name == "杭州西湖科技有限公司"
    assert customer.enterprise.staff_count == 120
    assert customer.source == types_pb2.SOURCE_CHANNEL_EXHIBITION
    assert not customer.email


def test_an_enterprise_form_without_its_required_fields_still_goes_to_the_service():
    """The service names the missing fields; the form only catches what it cannot send."""
    customer, errors = forms.customer_from_form({"type": "enterprise", "display_name": "x",
                                                 "enterprise.staff_count": "many"})
    assert errors == {"enterprise.staff_count": "must be a whole number"}
    assert customer.HasField("enterprise") and not customer.enterprise.legal_name


def test_an_individual_form_fills_gender_and_age():
    customer, errors = forms.customer_from_form({
        "type": "individual", "display_name": "王芳", "individual.gender": "female",
        "individual.age": "34", "individual.occupation": "教师"})
    assert errors == {}
    assert customer.WhichOneof("profile") == "individual"
    assert customer.individual.gender == customer_pb2.GENDER_FEMALE
    assert customer.individual.age == 34
    assert customer.individual.occupation == "教师"


def test_the_filter_bar_becomes_the_services_filters_and_ignores_unknown_values():
    filters = forms.list_filters(MultiDict([
        ("q", " 西湖 "), ("tag", "t1"), ("tag", "t2"), ("value_class", "A"),
        ("stage", "intent"), ("at_risk", "1"), ("owner", "u-9"), ("type", "bogus")]))
    request = forms.list_request(filters, page_size=50, page_token="tok")
    assert request.query == "西湖" and request.page_token == "tok" and request.page_size == 50
    assert list(request.tag_ids) == ["t1", "t2"]
    assert list(request.value_classes) == [types_pb2.VALUE_CLASS_A]
    assert list(request.lifecycle_stages) == [types_pb2.LIFECYCLE_STAGE_INTENT]
    assert request.HasField("at_risk") and request.at_risk is True
    assert request.type == customer_pb2.CUSTOMER_TYPE_UNSPECIFIED
    assert request.owner_id == ""  # only leads filter by owner
    assert forms.list_request(filters, page_size=50, may_filter_owner=True).owner_id == "u-9"


def test_not_at_risk_is_a_filter_and_no_choice_is_none():
    assert forms.list_request(forms.list_filters(MultiDict({"at_risk": "0"})),
                              page_size=10).at_risk is False
    assert not forms.list_request(forms.list_filters(MultiDict()),
                                  page_size=10).HasField("at_risk")
    assert not forms.list_filters(MultiDict()).active


def test_a_search_text_is_looked_up_by_what_it_looks_like():
    assert forms.search_plan("t20261123-0001").ticket_number == "T20261123-0001"
    assert forms.search_plan("c00000042").customer_number == "C00000042"
    assert forms.search_plan("138 0013 8000").phone == "13800138000"
    assert forms.search_plan("+86 138-0013-8000").phone == "+8613800138000"
    plan = forms.search_plan("  杭州  西湖 ")
    assert plan.text == "杭州 西湖" and not plan.exact
    assert not forms.search_plan("12").exact


def test_a_contact_form_becomes_a_contact_of_the_customer_with_a_stable_request_id():
    contact, request_id = forms.contact_from_form("c-1", {
        "name": " 赵工 ", "job_title": "设备工程师", "decision_role": "decision_maker",
        "reports_to_contact_id": "k-1", "primary": "true", "phone": "",
        "request_id": "0b6f6c5e-6d0a-4f5e-9a57-3d8d2b8f7a10"})
    assert contact.customer_id == "c-1" and contact.name == "赵工"
    assert contact.decision_role == customer_pb2.DECISION_ROLE_DECISION_MAKER
    assert contact.reports_to_contact_id == "k-1" and contact.primary and not contact.phone
    assert request_id == "0b6f6c5e-6d0a-4f5e-9a57-3d8d2b8f7a10"  # a retry is the same create
    assert forms.contact_from_form("c-1", {"request_id": "x"})[1] != "x"
