"""The delivery dispatcher: sends due e-mail, webhook and SMS deliveries.

Three steps, so no network I/O ever runs inside a transaction (SQLite has one writer; a slow
SMTP server must not stall every event handler): claim due rows in one short transaction
(hiding them for ``claim_seconds`` so a second dispatcher or a crash mid-send cannot double
them up), send outside any transaction, then record each result in its own transaction with
its event (``notification.delivered`` / ``notification.delivery_failed``). A failure is
retried with exponential back-off; after ``max_attempts`` the delivery is FAILED (parked) and
can be retried by hand (RetryDelivery). A message no sender here can take (SMS without a
gateway) is SUPPRESSED with the reason at once: retrying cannot help; so is a webhook whose
URL the address policy refuses now (``target_refused``, see :mod:`webhook_targets`).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from crm.notification.v1 import events_pb2
from crm_shared.db import Database, database_unreachable, utcnow
from sqlalchemy import select

from notification_service import channels, deliveries, webhook_targets
from notification_service.deliveries import C, S
from notification_service.models import Delivery, DeliveryAttempt, Preferences
from notification_service.settings import NotificationWorkerSettings

log = logging.getLogger(__name__)


def backoff_delay(attempt: int, base_seconds: float, max_seconds: float) -> timedelta:
    """Wait after failed attempt ``attempt`` (1, 2, ...): base, 2·base, 4·base ..., capped."""
    return timedelta(seconds=min(base_seconds * 2 ** (attempt - 1), max_seconds))


@dataclass(frozen=True)
class Job:
    """What a claimed delivery needs to be sent, copied out of its transaction."""

    id: str
    channel: int
    address: str
    subject: str
    body: str
    payload_json: str
    secret: str


class DeliveryDispatcher:
    def __init__(self, database: Database, settings: NotificationWorkerSettings,
                 clock: Callable[[], datetime] = utcnow,
                 resolver: webhook_targets.Resolver = webhook_targets.resolve,
                 tls_verify: bool | str = True) -> None:
        """``resolver`` and ``tls_verify`` (a CA bundle for webhooks' certificates): the
        system's unless a test brings its own."""
        self.database = database
        self.settings = settings
        self.clock = clock
        self.webhook_targets = settings.webhook_targets(resolver)
        self.tls_verify = tls_verify

    def run_once(self) -> int:
        """Claim, send and record one batch; return how many were attempted."""
        jobs = self.claim()
        for job in jobs:
            outcome = self.send(job)
            self.record_sent(job, outcome)
        return len(jobs)

    def record_sent(self, job: Job, outcome: channels.Outcome) -> None:
        """``record``, waiting out a database that cannot be reached (a restart, a failover):
        the message has gone, and a result left unrecorded would let the claim run out and the
        message go a second time (the chaos harness saw a PostgreSQL restart do that). It waits
        at most half the claim, while no other dispatcher may take the row."""
        deadline = time.monotonic() + self.settings.delivery_claim_seconds / 2
        pause = 0.5
        while True:
            try:
                self.record(job, outcome)
                return
            except Exception as exc:
                if not database_unreachable(exc) or time.monotonic() + pause > deadline:
                    raise
                log.warning("delivery %s sent, its result not yet recorded (%s); retrying",
                            job.id, type(exc).__name__)
                time.sleep(pause)  # the worker's eventlet yields meanwhile
                pause = min(pause * 2, 5.0)

    def claim(self) -> list[Job]:
        now = self.clock()
        with self.database.unit_of_work() as uow:
            query = (
                select(Delivery)
                .where(Delivery.status.in_(deliveries.DUE_STATUSES),
                       Delivery.next_attempt_time <= now)
                .order_by(Delivery.next_attempt_time, Delivery.id)
                .limit(self.settings.delivery_batch_size)
            )
            if not self.database.is_sqlite:
                query = query.with_for_update(skip_locked=True)
            jobs = []
            for row in uow.session.scalars(query):
                if row.expire_time is not None and row.expire_time <= now:
                    row.status, row.suppress_reason = S.DELIVERY_STATUS_SUPPRESSED, "expired"
                    row.next_attempt_time, row.update_time = None, now
                    continue
                row.next_attempt_time = now + timedelta(seconds=self.settings.delivery_claim_seconds)
                secret = ""
                if row.channel == C.DELIVERY_CHANNEL_WEBHOOK and row.recipient_id:
                    prefs = uow.session.get(Preferences, row.recipient_id)
                    secret = prefs.webhook_secret if prefs is not None else ""
                jobs.append(Job(row.id, row.channel, row.address, row.subject, row.body,
                                row.payload_json, secret))
            return jobs

    def send(self, job: Job) -> channels.Outcome:
        try:
            marketing = channels.MarketingMarks.of(job.payload_json)
            if job.channel == C.DELIVERY_CHANNEL_EMAIL:
                return channels.send_email(self.settings.smtp, to=job.address, subject=job.subject,
                                           body=job.body, delivery_id=job.id,
                                           unsubscribe_url=marketing.unsubscribe_url)
            if job.channel == C.DELIVERY_CHANNEL_WEBHOOK:
                return self.send_webhook(job)
            if job.channel == C.DELIVERY_CHANNEL_SMS:
                text = channels.with_opt_out(job.body, self.settings.sms_opt_out_text) \
                    if marketing.marketing else job.body
                return channels.send_sms(self.settings.sms, to=job.address, text=text,
                                         delivery_id=job.id,
                                         timestamp=int(self.clock().timestamp()))
        except Exception as exc:
            log.exception("delivery %s: sender failed", job.id)
            return channels.Outcome(False, "", f"{type(exc).__name__}: {exc}")
        return channels.Outcome(False, "", f"no sender for channel {job.channel}")

    def send_webhook(self, job: Job) -> channels.Outcome:
        """Check the URL again now (the allow-list or DNS may have changed since it was
        registered) and POST to the address that was checked."""
        try:
            target = self.webhook_targets.check(job.address)
        except webhook_targets.TargetRefused as refused:
            return channels.Outcome(False, "", f"webhook URL refused: it {refused}",
                                    suppress_reason="target_refused")
        except webhook_targets.TargetUnresolved:
            return channels.Outcome(False, "", "the webhook's host name does not resolve")
        payload = {**json.loads(job.payload_json), "delivery_id": job.id}
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
        return channels.post_webhook(
            target, secret=job.secret, body=body, delivery_id=job.id,
            timestamp=int(self.clock().timestamp()),
            timeout_seconds=self.settings.webhook_timeout_seconds, verify=self.tls_verify)

    def record(self, job: Job, outcome: channels.Outcome) -> None:
        now = self.clock()
        with self.database.unit_of_work() as uow:
            row = uow.session.get(Delivery, job.id)
            if row is None or row.status not in deliveries.DUE_STATUSES:
                return  # cancelled or retried by hand meanwhile
            row.update_time = now
            if outcome.suppress_reason:
                row.status, row.suppress_reason = S.DELIVERY_STATUS_SUPPRESSED, outcome.suppress_reason
                row.next_attempt_time, row.last_error = None, outcome.error[:2000]
                log.warning("delivery %s suppressed: %s", row.id, outcome.error)
                return
            row.attempt_count += 1
            uow.session.add(DeliveryAttempt(
                delivery_id=row.id, number=row.attempt_count, attempt_time=now,
                success=outcome.success, error=outcome.error[:2000],
                response_code=outcome.response_code))
            if outcome.success:
                row.status, row.deliver_time, row.next_attempt_time = (
                    S.DELIVERY_STATUS_DELIVERED, now, None)
                row.last_error = ""
            else:
                row.last_error = outcome.error[:2000]
                final = row.attempt_count >= self.settings.delivery_max_attempts
                if final:
                    row.status, row.next_attempt_time = S.DELIVERY_STATUS_FAILED, None
                else:
                    row.status = S.DELIVERY_STATUS_RETRYING
                    row.next_attempt_time = now + backoff_delay(
                        row.attempt_count, self.settings.delivery_retry_base_seconds,
                        self.settings.delivery_retry_max_seconds)
            uow.session.flush()
            proto = deliveries.to_proto(row, deliveries.attempts_of(uow.session, row.id))
            key = row.recipient_id or row.customer_id or row.id
            if outcome.success:
                uow.emit(events_pb2.NotificationDelivered(delivery=proto), key=key)
            else:
                log.warning("delivery %s attempt %d failed: %s", row.id, row.attempt_count,
                            outcome.error)
                uow.emit(events_pb2.NotificationDeliveryFailed(delivery=proto, final=final), key=key)
