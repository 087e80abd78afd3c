"""The steady load and its ledger: customers created, leads created and converted, tickets
created (each routed at once) and every other one transferred, and an SMS campaign launched,
all through the gateway. Every request is an ``Intent`` with a marker of its own (a name or a
title no one else uses), so the checks afterwards can count its effects in the databases."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta

from chaos.client import Client, Outcome

# (title, description): the texts pick the routing rule, so the load reaches every department
PROBLEMS = (
    ("产品质量问题", "收到的产品外壳破损，质量有问题"),
    ("系统故障", "登录时报错，无法使用"),
    ("物流延迟", "快递一周还没有配送到"),
    ("客服态度差", "客服人员服务态度恶劣"),
)
TRANSFER_TO = ("/hq/tech", "/hq/logistics")  # the first that is not where the ticket is


@dataclass
class Intent:
    kind: str  # customer | lead | conversion | ticket | transfer | campaign
    marker: str
    key: str = field(default_factory=lambda: str(uuid.uuid4()))
    accepted: bool = False
    refused: str = ""
    record_id: str = ""
    detail: dict = field(default_factory=dict)
    server_errors: int = 0
    attempts: int = 0

    def settle(self, outcome: Outcome, ok: tuple[int, ...]) -> bool:
        self.server_errors += outcome.server_errors
        self.attempts += outcome.attempts
        if outcome.status in ok:
            self.accepted = True
            return True
        self.refused = outcome.gave_up or f"{outcome.status} {str(outcome.body)[:200]}"
        return False


@dataclass
class Plan:
    seconds: float
    ticket_rate: float
    customer_rate: float
    lead_rate: float
    campaign_audience: int
    min_tickets: int = 0


class Workload:
    def __init__(self, client: Client, run_id: str, plan: Plan) -> None:
        self.client = client
        self.run_id = run_id
        self.plan = plan
        self.intents: list[Intent] = []
        self._lock = threading.Lock()
        self._numbers = iter(range(10**9))
        self.customer_id = ""
        self.campaign_id = ""
        self.campaign_phones: list[str] = []
        self.industry = f"chaos-{run_id}"

    def _intent(self, kind: str, marker: str) -> Intent:
        intent = Intent(kind, marker)
        with self._lock:
            self.intents.append(intent)
        return intent

    def marker(self, prefix: str) -> str:
        with self._lock:
            number = next(self._numbers)
        return f"{prefix} chaos-{self.run_id}-{number}"

    # -- before the faults ---------------------------------------------------------------
    def prepare(self, wait_until) -> None:
        """The ticket's customer and the campaign's audience (consenting customers with a
        phone, in marketing's read model), its segment and the campaign, ready to launch."""
        self.customer_id = self.create_customer("混沌测试客户公司").record_id
        ids = []
        for index in range(self.plan.campaign_audience):
            phone = f"+86137{uuid.uuid4().int % 10**8:08d}"
            intent = self.create_customer(f"混沌短信客户{index}", phone=phone)
            consent = self.client.call(
                "POST",
                f"/api/v1/customers/{intent.record_id}/consents",
                {"purpose": "marketing", "source": "web_form", "evidence": "chaos"},
                user="rep.zhang",
            )
            if consent.status != 200:
                raise RuntimeError(f"consent refused: {consent}")
            ids.append(intent.record_id)
            self.campaign_phones.append(phone)

        profiles: dict[str, str] = {}

        def consenting(customer_id: str) -> bool:
            found = self.client.call(
                "GET", f"/api/v1/marketing/profiles/{customer_id}", user="marketer.chen"
            )
            profiles[customer_id] = f"{found.status} {str(found.body)[:300]}"
            return found.status == 200 and found.body["marketing_consent"]

        wait_until(
            lambda: all(consenting(i) for i in ids),
            timeout=90,
            message=lambda: f"the audience never reached marketing's read model: {profiles}",
        )
        segment = self.client.call(
            "POST",
            "/api/v1/segments",
            {
                "display_name": f"混沌 {self.industry}",
                "rule": {
                    "match": "all",
                    "conditions": [
                        {"field": "industry", "operator": "equals", "values": [self.industry]}
                    ],
                    "groups": [],
                },
            },
            user="marketer.chen",
            key=str(uuid.uuid4()),
        )
        campaign = self.client.call(
            "POST",
            "/api/v1/campaigns",
            {
                "name": f"混沌短信 {self.run_id}",
                "channel": "sms",
                "segment_ids": [segment.body["id"]],
                "variants": [
                    {
                        "id": "A",
                        "weight_percent": 100,
                        "body": "{{display_name}}，新品上市，回复 TD 退订",
                    }
                ],
            },
            user="marketer.chen",
            key=str(uuid.uuid4()),
        )
        if campaign.status != 201:
            raise RuntimeError(f"campaign refused: {campaign}")
        self.campaign_id = campaign.body["id"]

    # -- the operations ------------------------------------------------------------------
    def create_customer(self, prefix: str, phone: str = "") -> Intent:
        intent = self._intent("customer", self.marker(prefix))
        body = {
            "type": "enterprise",
            "display_name": intent.marker,
            "enterprise": {"legal_name": intent.marker, "industry": self.industry},
        }
        if phone:
            body["phone"] = phone
        outcome = self.client.call(
            "POST", "/api/v1/customers", body, user="rep.zhang", key=intent.key
        )
        if intent.settle(outcome, (201,)):
            intent.record_id = outcome.body["id"]
        return intent

    def lead_converted(self) -> None:
        lead = self._intent("lead", self.marker("混沌线索公司"))
        phone = f"139{uuid.uuid4().int % 10**8:08d}"
        outcome = self.client.call(
            "POST",
            "/api/v1/leads",
            {
                "contact_name": "周杰",
                "company_name": lead.marker,
                "phone": phone,
                "intent_level": "high",
                "need_clarity": "clear",
                "need_description": "设备维护",
                "budget": {"currency_code": "CNY", "amount_minor": 60_000_000},
                "decision_maker": "总经理",
            },
            user="sales.lead",
            key=lead.key,
        )
        if not lead.settle(outcome, (201,)):
            return
        lead.record_id = outcome.body["id"]
        conversion = self._intent("conversion", lead.marker)
        conversion.detail["lead_id"] = lead.record_id
        outcome = self.client.call(
            "POST",
            f"/api/v1/leads/{lead.record_id}/convert",
            {
                "customer": {"industry": "manufacturing"},
                "opportunity": {
                    "name": f"{lead.marker} 维护合同",
                    "expected_close_date": (date.today() + timedelta(30)).isoformat(),
                },
            },
            user="admin",
        )
        if conversion.settle(outcome, (200,)):
            conversion.record_id = outcome.body["customer_id"]

    def ticket(self, index: int) -> None:
        title, description = PROBLEMS[index % len(PROBLEMS)]
        intent = self._intent("ticket", self.marker(title))
        outcome = self.client.call(
            "POST",
            "/api/v1/tickets",
            {
                "type": "complaint",
                "channel": "phone",
                "title": intent.marker,
                "description": description,
                "customer_id": self.customer_id,
            },
            user="agent.wang",
            key=intent.key,
        )
        if not intent.settle(outcome, (201,)):
            return
        ticket = outcome.body
        intent.record_id = ticket["id"]
        if index % 2:
            self.transfer(ticket)

    def transfer(self, ticket: dict) -> None:
        target = next(t for t in TRANSFER_TO if t != ticket["department_path"])
        intent = self._intent("transfer", ticket["id"])
        intent.record_id, intent.detail["to"] = ticket["id"], target
        etag = ticket.get("etag", "")
        for _ in range(3):
            outcome = self.client.call(
                "POST",
                f"/api/v1/tickets/{ticket['id']}/transfer",
                {"department_path": target, "reason": "混沌测试转派", "etag": etag},
                user="admin",
            )
            if outcome.status != 409:
                intent.settle(outcome, (200,))
                return
            # a stale etag: an earlier attempt of ours may have transferred it already, or
            # the routing assigned it meanwhile; the ticket as it is now tells which
            now = self.client.call("GET", f"/api/v1/tickets/{ticket['id']}", user="admin")
            if now.status == 200 and now.body["department_path"] == target:
                intent.accepted, intent.attempts = True, intent.attempts + outcome.attempts
                return
            etag = now.body.get("etag", "") if now.status == 200 else etag
        intent.settle(outcome, (200,))

    def launch_campaign(self) -> None:
        intent = self._intent("campaign", self.campaign_id)
        intent.record_id = self.campaign_id
        outcome = self.client.call(
            "POST", f"/api/v1/campaigns/{self.campaign_id}/launch", {}, user="marketer.chen"
        )
        if outcome.status == 409:  # an earlier attempt launched it, its answer lost
            now = self.client.call(
                "GET", f"/api/v1/campaigns/{self.campaign_id}", user="marketer.chen"
            )
            if now.status == 200 and now.body.get("state") not in ("draft", "scheduled"):
                intent.accepted = True
                return
        intent.settle(outcome, (200,))

    # -- the steady schedule ---------------------------------------------------------------
    def run(self, stop: threading.Event) -> float:
        """Offer the planned rates for the planned seconds (a steady schedule, whatever the
        answers), launch the campaign a third of the way in, keep offering tickets at the same
        rate while fewer than the planned minimum can still be accepted (faults on a busy
        machine refuse more), then wait for every request to end. Returns the seconds taken."""
        plan = self.plan
        started = time.monotonic()
        streams = [
            (self.ticket, plan.ticket_rate),
            (lambda _: self.create_customer("混沌客户"), plan.customer_rate),
            (lambda _: self.lead_converted(), plan.lead_rate),
        ]
        schedule = sorted(
            (
                (index / rate, order, index, operation)
                for order, (operation, rate) in enumerate(streams)
                if rate > 0
                for index in range(int(rate * plan.seconds))
            ),
            key=lambda item: item[:3],
        )
        launch_at = plan.seconds / 3
        tickets: list[Future] = []
        with ThreadPoolExecutor(max_workers=24) as pool:
            launched = False
            for at, _, index, operation in schedule:
                if not launched and at >= launch_at and self.campaign_id:
                    pool.submit(self.launch_campaign)
                    launched = True
                if stop.wait(max(0.0, started + at - time.monotonic())):
                    return time.monotonic() - started
                future = pool.submit(operation, index)
                if operation == self.ticket:
                    tickets.append(future)
            index = len(tickets)
            while time.monotonic() - started < 4 * plan.seconds and not stop.is_set():
                in_flight = sum(1 for f in tickets if not f.done())
                if self.accepted("ticket") + in_flight >= plan.min_tickets:
                    break
                tickets.append(pool.submit(self.ticket, index))
                index += 1
                stop.wait(1 / plan.ticket_rate)
        return time.monotonic() - started

    def accepted(self, kind: str) -> int:
        with self._lock:
            return sum(1 for i in self.intents if i.kind == kind and i.accepted)
