"""``/api/v1/surveys`` (with the public form a customer answers by link), ``/api/v1/triggers``
and the improvement list, against the real marketing service on one SQLite database for the
module."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from crm.customer.v1 import customer_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm_shared.db import Database, utcnow
from crm_shared.grpc.server import GrpcApi, service_verifier
from crm_shared.migrations import upgrade
from crm_shared.settings import load_settings
from gateway.identity.demo import USERS
from marketing_service import outbound, read_model, survey_links
from marketing_service.api import build_bindings
from marketing_service.settings import MarketingApiSettings

pytestmark = pytest.mark.integration

USER_IDS = {user.username: user.user_id for user in USERS}
PROBLEM = "application/problem+json"
RESPOND = "/api/v1/surveys/respond"
REFUSED = "this survey link is not valid or has expired"
SURVEY_LINK_SECRET = "a-secret-for-the-gateway-tests"
QUESTIONS = [
    {"id": "q1", "dimension": "response_speed", "text": "响应速度？", "type": "rating_1_to_5",
     "required": True},
    {"id": "q2", "dimension": "nps", "text": "推荐？", "type": "nps_0_to_10"},
    {"id": "q3", "text": "意见？", "type": "text"},
]


@pytest.fixture(scope="module")
def marketing(tmp_path_factory, signing_keys):
    """The real marketing api signing survey links; yields (address, database, settings)."""
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('marketing')) / 'marketing.db'}"
    upgrade("marketing_service", url)
    database = Database(url)
    settings = load_settings(
        MarketingApiSettings, service_name="marketing", database_url=url,
        jwt_public_key_file=signing_keys.public, amqp_url="amqp://guest:guest@127.0.0.1:1/%2F",
        outbox_relay=False, grpc_reflection=False, health_check_seconds=3600,
        outbound_dispatch=False,
        survey_link_secret=SURVEY_LINK_SECRET,
        survey_link_base_url="https://crm.example.com")
    api = GrpcApi(settings, database, build_bindings(database, settings),
                  service_verifier(settings))
    port = api.start("127.0.0.1:0")
    yield f"127.0.0.1:{port}", database, settings
    api.stop(grace=0)
    database.dispose()


@pytest.fixture
def client(make_app, marketing):
    return make_app(marketing_addr=marketing[0],
                    rate_limit_user_requests=1_000_000).test_client()


def _customer(marketing, owner: str = "rep.zhang", department: str = "/hq/sales/east") -> str:
    customer_id = str(uuid.uuid4())
    event = customer_events.CustomerCreated(customer=customer_pb2.Customer(
        id=customer_id, type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL, display_name="李雷",
        owner_id=USER_IDS[owner], department_path=department, etag='W/"1"',
        email="li.lei@example.com"))
    now = utcnow()
    with marketing[1].unit_of_work() as uow:
        read_model.record_event(uow, event, event_id=str(uuid.uuid4()), occurred_at=now, now=now)
    return customer_id


def _survey(client, headers) -> dict:
    created = client.post("/api/v1/surveys", headers=headers, json={
        "title": "服务满意度", "kind": "service_satisfaction", "questions": QUESTIONS,
        "state": "active"})
    assert created.status_code == 201, created.get_data(as_text=True)
    return created.get_json()


def _sent_link(marketing, customer_id: str) -> str:
    """The link in the message the customer gets: the sending queue signs it as it hands the
    message to the notification service (the first step of its dispatcher makes that request)."""
    claimed = outbound.claim_due(marketing[1], utcnow(), settings=marketing[2])
    (request,) = [item.request for item in claimed if item.request.customer_id == customer_id]
    return request.variables["survey_url"]


def test_a_customer_answers_by_link_without_an_account_and_only_once(client, auth_header,
                                                                     marketing):
    headers = auth_header("marketer.chen")
    survey = _survey(client, headers)
    customer_id = _customer(marketing)
    invited = client.post(f"/api/v1/surveys/{survey['id']}/invitations", headers=headers,
                          json={"customer_id": customer_id})
    assert invited.status_code == 201, invited.get_data(as_text=True)
    link = _sent_link(marketing, customer_id)
    assert link.startswith("https://crm.example.com/s/")  # the console's survey page
    path = RESPOND + "/" + link.removeprefix("https://crm.example.com/s/")

    form = client.get(path)  # no Authorization header: the link is the key
    assert form.status_code == 200, form.get_data(as_text=True)
    assert [q["id"] for q in form.get_json()["questions"]] == ["q1", "q2", "q3"]
    assert form.get_json()["answered"] is False

    bad = client.post(path, json={"answers": [{"question_id": "q1", "score": 9}]})
    assert bad.status_code == 422 and bad.content_type == PROBLEM
    assert [e["field"] for e in bad.get_json()["errors"]] == ["answers[0].score"]

    answered = client.post(path, json={
        "answers": [{"question_id": "q1", "score": 3}, {"question_id": "q2", "score": 10},
                    {"question_id": "q3", "text": "等待时间有点长"}], "comment": "谢谢"})
    assert answered.status_code == 201, answered.get_data(as_text=True)
    body = answered.get_json()
    assert (body["overall_score"], body["nps"], body["low_score"]) == (3.0, 10, True)

    again = client.post(path, json={"answers": [{"question_id": "q1", "score": 5}]})
    assert again.status_code == 409 and again.content_type == PROBLEM
    assert client.get(path).get_json()["answered"] is True

    results = client.get(f"/api/v1/surveys/{survey['id']}/results", headers=headers).get_json()
    assert results["answer_count"] == 1
    assert results["dimensions"][0]["low_score_share"] == 1.0


def test_staff_get_the_invitations_state_and_no_link_that_answers_it(client, auth_header,
                                                                   marketing):
    """What the invitation routes show a marketer or an admin carries no link (``link_url`` is
    empty); whatever they show, the public form takes none of it. The customer's link works."""
    headers = auth_header("marketer.chen")
    survey = _survey(client, headers)
    customer_id = _customer(marketing)
    created = client.post(f"/api/v1/surveys/{survey['id']}/invitations", headers=headers,
                          json={"customer_id": customer_id, "channel": "email"})
    assert created.status_code == 201, created.get_data(as_text=True)
    shown = [created.get_json()]
    for person in ("marketer.chen", "admin"):
        listed = client.get(f"/api/v1/surveys/{survey['id']}/invitations",
                            headers=auth_header(person))
        assert listed.status_code == 200, listed.get_data(as_text=True)
        shown += listed.get_json()["invitations"]
    for invitation in shown:
        assert invitation["link_url"] == ""
        assert (invitation["state"], invitation["channel"]) == ("pending", "email")
        assert invitation["expire_time"] and invitation["create_time"]
        texts = {value for value in invitation.values() if isinstance(value, str) and value}
        for text in texts | {text.rsplit("/", 1)[-1] for text in texts}:
            form = client.get(f"{RESPOND}/{quote(text, safe='')}")
            answer = client.post(f"{RESPOND}/{quote(text, safe='')}",
                                 json={"answers": [{"question_id": "q1", "score": 5}]})
            assert form.status_code == answer.status_code == 404, text

    # The customer's link opens the public page (/s/<token>); its token answers through the API.
    path = f"{RESPOND}/{_sent_link(marketing, customer_id).rsplit('/', 1)[1]}"
    assert client.get(path).status_code == 200
    assert client.post(path, json={"answers": [{"question_id": "q1", "score": 5}]}
                       ).status_code == 201


def _garbage_tokens(genuine: str) -> dict[str, str]:
    """Path segments that are not a genuine, unexpired link, by what is wrong with them."""
    return {
        "garbage": "garbage",
        "not a token of ours": "bm90LWE.c2lnbmF0dXJl",
        "truncated": genuine[:-6],
        "tampered": genuine[:-4] + ("AAAA" if not genuine.endswith("AAAA") else "BBBB"),
        "expired": survey_links.sign(SURVEY_LINK_SECRET, str(uuid.uuid4()),
                                     datetime(2020, 1, 1, tzinfo=UTC)),
        "unknown invitation": survey_links.sign(SURVEY_LINK_SECRET, str(uuid.uuid4()),
                                                datetime(2099, 1, 1, tzinfo=UTC)),
        "not UTF-8": "%FF%FE%FD",  # decoded by the gateway as replacement characters
        "not ASCII": quote("问卷.链接"),
        "a genuine token and more": genuine + quote("é"),
        "dots": "..a.b",
    }


def test_a_link_that_is_not_genuine_is_a_404_problem_that_tells_nothing_more(client,
                                                                            auth_header,
                                                                            marketing):
    """The fuzzer's ``GET /respond/<garbage>`` answered 500: garbage, truncated, tampered,
    expired, foreign, non-UTF-8 and non-ASCII links are a 404 problem, GET and POST alike,
    with one detail that does not say which."""
    headers = auth_header("marketer.chen")
    customer_id = _customer(marketing)
    client.post(f"/api/v1/surveys/{_survey(client, headers)['id']}/invitations",
                headers=headers, json={"customer_id": customer_id})
    genuine = _sent_link(marketing, customer_id).rsplit("/", 1)[1]
    for why, token in _garbage_tokens(genuine).items():
        for response in (client.get(f"{RESPOND}/{token}"),
                         client.post(f"{RESPOND}/{token}",
                                     json={"answers": [{"question_id": "q1", "score": 5}]})):
            assert response.status_code == 404, (why, response.get_data(as_text=True))
            assert response.content_type == PROBLEM
            assert response.get_json()["detail"] == REFUSED, why
    assert client.get(f"{RESPOND}/{genuine}").status_code == 200


def test_a_very_long_link_is_a_field_error(client):
    for response in (client.get(f"{RESPOND}/{'a' * 301}.{'b' * 43}"),
                     client.post(f"{RESPOND}/{'a' * 5000}", json={"answers": []})):
        assert response.status_code == 422 and response.content_type == PROBLEM
        assert [e["field"] for e in response.get_json()["errors"]] == ["token"]


def test_surveys_are_written_by_marketers_and_read_by_leads(client, auth_header, marketing):
    questions = [{"id": "q1", "text": "?", "type": "rating_1_to_5"}]
    assert client.post("/api/v1/surveys", headers=auth_header("rep.zhang"), json={
        "title": "x", "questions": questions}).status_code == 403
    bad = client.post("/api/v1/surveys", headers=auth_header("marketer.chen"),
                      json={"title": "x", "questions": questions})
    assert bad.status_code == 422
    assert [e["field"] for e in bad.get_json()["errors"]] == ["questions[0].dimension"]
    survey = _survey(client, auth_header("marketer.chen"))
    assert client.get(f"/api/v1/surveys/{survey['id']}",
                      headers=auth_header("service.lead")).status_code == 200
    closed = client.patch(f"/api/v1/surveys/{survey['id']}", headers=auth_header("marketer.chen"),
                          json={"state": "closed", "etag": survey["etag"]})
    assert closed.status_code == 200 and closed.get_json()["state"] == "closed"


def test_triggers_and_the_improvement_list(client, auth_header):
    headers = auth_header("marketer.chen")
    seeded = client.get("/api/v1/triggers?kind=ticket_closed", headers=headers).get_json()
    assert [t["action"]["kind"] for t in seeded["triggers"]] == ["send_survey"]
    bad = client.post("/api/v1/triggers", headers=headers, json={
        "display_name": "生日", "kind": "birthday", "offset_days": 3,
        "action": {"kind": "send_message"}})
    assert bad.status_code == 422
    assert [e["field"] for e in bad.get_json()["errors"]] == ["action.template_key"]
    created = client.post("/api/v1/triggers", headers=headers, json={
        "display_name": "生日", "kind": "birthday", "offset_days": 3,
        "action": {"kind": "send_message", "template_key": "birthday_greeting"}})
    assert created.status_code == 201, created.get_data(as_text=True)
    trigger = created.get_json()
    assert trigger["action"]["channel"] == "email" and trigger["condition"] is None
    disabled = client.patch(f"/api/v1/triggers/{trigger['id']}", headers=headers,
                            json={"enabled": False})
    assert disabled.get_json()["enabled"] is False
    assert client.get("/api/v1/triggers/firings", headers=headers).status_code == 200

    item = client.post("/api/v1/surveys/improvement-items", headers=auth_header("service.lead"),
                       json={"dimension": "response_speed", "title": "首次响应提速",
                             "due_date": "2026-06-30"})
    assert item.status_code == 201, item.get_data(as_text=True)
    assert item.get_json()["department_path"] == "/hq/service"
    done = client.patch(f"/api/v1/surveys/improvement-items/{item.get_json()['id']}",
                        headers=auth_header("service.lead"), json={"state": "done"})
    assert done.status_code == 200 and done.get_json()["state"] == "done"
    listed = client.get("/api/v1/surveys/improvement-items?state=done",
                        headers=headers).get_json()["items"]
    assert item.get_json()["id"] in {i["id"] for i in listed}


def test_an_improvement_item_is_changed_only_by_whoever_it_belongs_to(client, auth_header):
    """Issue 15 (low): the sales director reads the service department's item but may not
    close it (403, nothing stored); its department's lead may."""
    item = client.post("/api/v1/surveys/improvement-items", headers=auth_header("service.lead"),
                       json={"dimension": "communication", "title": "回访话术"}).get_json()
    url = f"/api/v1/surveys/improvement-items/{item['id']}"

    refused = client.patch(url, headers=auth_header("sales.lead"), json={"state": "dismissed"})
    assert refused.status_code == 403, refused.get_data(as_text=True)
    listed = client.get("/api/v1/surveys/improvement-items?state=open",
                        headers=auth_header("admin")).get_json()["items"]
    assert item["id"] in {i["id"] for i in listed}
    done = client.patch(url, headers=auth_header("service.lead"), json={"state": "done"})
    assert done.status_code == 200 and done.get_json()["state"] == "done"
