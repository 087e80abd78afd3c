"""After the load: wait for quiescence, then count every intent's effects where they live.

- every accepted request's effect exists exactly once (a refused one at most once: its first
  attempt may have done the work before the answer was lost — an *orphan*, reported, not lost);
- every event's notifications exist exactly once per recipient (in-app entries per subject,
  category and recipient; e-mails in the mail sink per recipient and subject; campaign texts in
  the SMS sink per phone);
- every outbox drained, every consumer queue empty, no dead letters;
- every ticket's trace complete: its history holds ``created`` and ``routed`` (and
  ``transferred`` once when it was transferred) and its routing decision is stored.
"""

from __future__ import annotations

import json
import mailbox
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import quote

from crm_shared.events.deadletters import list_dead_letters
from notification_service.deliveries import DUE_STATUSES
from sqlalchemy import create_engine, text

from chaos.client import Client
from chaos.load import Workload
from chaos.stack import COMPONENTS, Stack

CATEGORIES = ("customer.created", "ticket.routed", "ticket.transferred")
MAIL_DELIVERY_HEADER = "X-CRM-Delivery-Id"


@dataclass
class Verdict:
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    incomplete_traces: list[str] = field(default_factory=list)
    pending_outbox: dict = field(default_factory=dict)
    queue_backlog: dict = field(default_factory=dict)
    dead_letters: dict = field(default_factory=dict)
    dead_letter_details: list[str] = field(default_factory=list)
    quiescence_seconds: float | None = None
    settled: dict = field(default_factory=dict)  # seconds until each condition of quiescence

    @property
    def holds(self) -> bool:
        return (
            not (
                self.lost
                or self.duplicated
                or self.incomplete_traces
                or self.pending_outbox
                or self.queue_backlog
                or self.dead_letters
            )
            and self.quiescence_seconds is not None
        )


class Checker:
    def __init__(self, stack: Stack, workload: Workload, client: Client) -> None:
        self.stack = stack
        self.workload = workload
        self.client = client
        self._engines = {
            c: create_engine(url, pool_pre_ping=True) for c, url in stack.database_urls.items()
        }

    def close(self) -> None:
        for engine in self._engines.values():
            engine.dispose()

    def _rows(self, component: str, statement: str, **params) -> list:
        with self._engines[component].connect() as conn:
            return conn.execute(text(statement), params).all()

    def _intents(self, kind: str):
        return [i for i in self.workload.intents if i.kind == kind]

    # -- quiescence ----------------------------------------------------------------------
    def pending_outbox(self) -> dict[str, int]:
        counts = {
            c: self._rows(c, "SELECT count(*) FROM outbox WHERE status = 'pending'")[0][0]
            for c in COMPONENTS
        }
        return {c: n for c, n in counts.items() if n}

    def queues(self) -> tuple[dict, dict]:
        """(consumer and retry queues still holding messages, dead-letter queues that do)."""
        backlog, dead = {}, {}
        for name, count in self.stack.queues().items():
            if count:
                (dead if name.endswith(".dead-letters") else backlog)[name] = count
        return backlog, dead

    def inbox(self) -> dict[tuple[str, str], Counter]:
        rows = self._rows(
            "notification",
            "SELECT subject_id, category, recipient_id FROM inbox_entries "
            "WHERE category IN ('customer.created', 'ticket.routed', "
            "'ticket.transferred')",
        )
        entries: dict[tuple[str, str], Counter] = defaultdict(Counter)
        for subject, category, recipient in rows:
            entries[(subject, category)][recipient] += 1
        return entries

    def expected_notifications(self) -> list[tuple[str, str]]:
        """(subject, category) of every event an accepted request caused that tells someone."""
        expected = [
            (i.record_id, "customer.created")
            for i in (*self._intents("customer"), *self._intents("conversion"))
            if i.accepted
        ]
        expected += [(i.record_id, "ticket.routed") for i in self._intents("ticket") if i.accepted]
        expected += [
            (i.record_id, "ticket.transferred") for i in self._intents("transfer") if i.accepted
        ]
        return expected

    def quiesce(self, timeout: float) -> float | None:
        """Seconds until the outboxes are drained, the queues empty and every expected in-app
        notification and campaign text there; None if that never happened within ``timeout``.
        ``self.settled`` keeps when each of them first held (what a slow quiescence waited on)."""
        started = time.monotonic()
        expected = self.expected_notifications()
        conditions = {
            "outboxes drained": lambda: not self.pending_outbox(),
            "queues empty": lambda: not self.queues()[0],
            "everyone told": lambda: all(self.inbox().get(pair) for pair in expected),
            "campaign texted": self._texted_all,
            # a delivery still due (a claim of a killed worker running out, a retry's
            # back-off) is an event still to come: notification.delivered and its consumers
            "deliveries settled": lambda: (
                not self._rows(
                    "notification",
                    "SELECT count(*) FROM deliveries WHERE status IN "
                    f"({', '.join(str(int(status)) for status in DUE_STATUSES)})",
                )[0][0]
            ),
        }
        self.settled: dict[str, float] = {}
        quiet_passes = 0
        while time.monotonic() - started < timeout:
            for name, holds in conditions.items():
                try:
                    if holds():
                        self.settled.setdefault(name, round(time.monotonic() - started, 1))
                    else:
                        self.settled.pop(name, None)
                except Exception:  # noqa: BLE001 - a server still recovering: not yet
                    self.settled.pop(name, None)
            # twice in a row: the last text's own events (notification.delivered) are written
            # after it lands and must be relayed too
            quiet_passes = quiet_passes + 1 if len(self.settled) == len(conditions) else 0
            if quiet_passes == 2:
                return time.monotonic() - started
            time.sleep(1.0)
        return None

    # -- the checks ------------------------------------------------------------------------
    def verdict(self, quiescence_timeout: float) -> Verdict:
        verdict = Verdict(
            quiescence_seconds=self.quiesce(quiescence_timeout), settled=dict(self.settled)
        )
        verdict.pending_outbox = self.pending_outbox()
        verdict.queue_backlog, verdict.dead_letters = self.queues()
        for queue in verdict.dead_letters:  # what each one is and why it was given up on
            service = queue.removesuffix(".dead-letters")
            verdict.dead_letter_details += [
                f"{service}: {letter.event_type} on {letter.queue} after {letter.attempts} "
                f"attempt(s): {letter.error[:300]}"
                for letter in list_dead_letters(self.stack.rabbit.amqp_url, service)
            ]
        self._tickets(verdict)
        self._customers(verdict)
        self._leads(verdict)
        self._notifications(verdict)
        self._campaign(verdict)
        return verdict

    @staticmethod
    def _tally(verdict: Verdict, intent, found: int, what: str) -> None:
        if found > 1:
            verdict.duplicated.append(f"{what} {intent.marker!r}: {found} times")
        elif found == 0 and intent.accepted:
            verdict.lost.append(f"{what} {intent.marker!r}: accepted, not stored")
        elif found == 1 and not intent.accepted:
            verdict.orphans.append(f"{what} {intent.marker!r} ({intent.refused})")

    def _tickets(self, verdict: Verdict) -> None:
        run = f"%chaos-{self.workload.run_id}-%"
        stored = defaultdict(list)
        for ticket_id, title in self._rows(
            "ticket", "SELECT id, title FROM tickets WHERE title LIKE :run", run=run
        ):
            stored[title].append(ticket_id)
        history = defaultdict(Counter)
        for ticket_id, kind in self._rows(
            "ticket",
            "SELECT h.ticket_id, h.kind FROM ticket_history h JOIN tickets t "
            "ON t.id = h.ticket_id WHERE t.title LIKE :run",
            run=run,
        ):
            history[ticket_id][kind] += 1
        decided = {
            row[0]
            for row in self._rows(
                "ticket",
                "SELECT DISTINCT d.ticket_id FROM routing_decisions d JOIN tickets t "
                "ON t.id = d.ticket_id WHERE t.title LIKE :run",
                run=run,
            )
        }
        transfers = {i.record_id: i for i in self._intents("transfer")}
        for intent in self._intents("ticket"):
            ids = stored.get(intent.marker, [])
            self._tally(verdict, intent, len(ids), "ticket")
            for ticket_id in ids:
                kinds = history[ticket_id]
                missing = [k for k in ("created", "routed") if not kinds[k]]
                if ticket_id not in decided:
                    missing.append("routing decision")
                transfer = transfers.get(ticket_id)
                moved = kinds["transferred"]
                if transfer is not None:
                    self._tally(verdict, transfer, moved, "transfer of")
                elif moved:
                    verdict.duplicated.append(f"ticket {intent.marker!r}: transferred unasked")
                if transfer is not None and transfer.accepted and not moved:
                    missing.append("transferred")
                if missing:
                    verdict.incomplete_traces.append(f"{intent.marker!r}: no {', '.join(missing)}")

    def _customers_named(self, name: str) -> int:
        found = self.client.call(
            "GET", f"/api/v1/customers?query={quote(name)}&page_size=50", user="admin"
        )
        if found.status != 200:
            raise RuntimeError(f"cannot list customers: {found}")
        return sum(1 for c in found.body["customers"] if c["display_name"] == name)

    def _customers(self, verdict: Verdict) -> None:
        for intent in self._intents("customer"):
            self._tally(verdict, intent, self._customers_named(intent.marker), "customer")

    def _leads(self, verdict: Verdict) -> None:
        run = f"%chaos-{self.workload.run_id}-%"
        leads = Counter(
            row[0]
            for row in self._rows(
                "sales", "SELECT company_name FROM leads WHERE company_name LIKE :run", run=run
            )
        )
        opportunities = Counter(
            row[0]
            for row in self._rows(
                "sales",
                "SELECT l.company_name FROM opportunities o JOIN leads l ON l.id = o.lead_id "
                "WHERE l.company_name LIKE :run",
                run=run,
            )
        )
        for intent in self._intents("lead"):
            self._tally(verdict, intent, leads[intent.marker], "lead")
        for intent in self._intents("conversion"):
            self._tally(verdict, intent, opportunities[intent.marker], "opportunity of lead")
            self._tally(
                verdict, intent, self._customers_named(intent.marker), "customer of converted lead"
            )

    def _notifications(self, verdict: Verdict) -> None:
        entries = self.inbox()
        for subject, category in self.expected_notifications():
            if not entries.get((subject, category)):
                verdict.lost.append(f"{category} about {subject}: nobody told")
        for (subject, category), recipients in entries.items():
            for recipient, count in recipients.items():
                if count > 1:
                    verdict.duplicated.append(
                        f"{category} about {subject}: {count} entries for {recipient}"
                    )
        # one e-mail per delivery (its id is in every message the dispatcher sends)
        mails = Counter()
        for message in mailbox.Maildir(self.stack.config.mail_dir, create=True):
            mails[(message["To"], message[MAIL_DELIVERY_HEADER] or message["Subject"])] += 1
        for (to, delivery), count in mails.items():
            if count > 1:
                verdict.duplicated.append(f"e-mail of delivery {delivery} to {to}: {count} times")

    def texts(self) -> Counter:
        """Text messages the SMS sink took, per phone number."""
        folder = self.stack.config.sms_dir
        return (
            Counter(json.loads(path.read_text())["to"] for path in folder.glob("*.json"))
            if folder.exists()
            else Counter()
        )

    def _texted_all(self) -> bool:
        if not any(i.accepted for i in self._intents("campaign")):
            return True
        texts = self.texts()
        return all(texts[phone] for phone in self.workload.campaign_phones)

    def _campaign(self, verdict: Verdict) -> None:
        launched = [i for i in self._intents("campaign") if i.accepted]
        texts = self.texts()
        for phone in self.workload.campaign_phones:
            if texts[phone] > 1:
                verdict.duplicated.append(f"campaign text to {phone}: {texts[phone]} times")
            elif launched and not texts[phone]:
                verdict.lost.append(f"campaign text to {phone}: never sent")
