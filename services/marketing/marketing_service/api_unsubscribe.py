"""The RPCs of unsubscribing (:mod:`marketing_service.unsubscribe`): ``Unsubscribe`` (a signed
link, from the public page or a mail provider's one-click POST) and ``HandleSmsReply`` (a text
message the SMS gateway received), both called by the gateway's public routes with a token
whose only scope is ``consents.unsubscribe``.

Each first withdraws the consent in the customer service, then marks the read model, so a
withdrawal the customer service did not record (it is down: UNAVAILABLE) leaves nothing half
done here and the caller may simply repeat it (the request id makes the repeat one change).
"""

from __future__ import annotations

import logging

import grpc
from crm.marketing.v1 import marketing_pb2
from crm_shared.auth import current_principal
from crm_shared.db import utcnow
from crm_shared.errors import (
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    Unavailable,
)
from crm_shared.grpc.fields import refuse_unsupported
from crm_shared.signed_links import ExpiredLink, InvalidLink
from crm_shared.timestamps import from_timestamp

from marketing_service import unsubscribe

log = logging.getLogger(__name__)

LINK_REFUSED = "this unsubscribe link is not valid or has expired"
MAX_REPLY = 500


class UnsubscribeRpcs:
    database = None
    settings = None

    def _withdrawal(self) -> unsubscribe.ConsentWithdrawal:
        withdrawal = getattr(self, "_consent_withdrawal", None)
        if withdrawal is None:
            withdrawal = unsubscribe.withdrawal_for(self.settings)
            if withdrawal is None:
                raise FailedPrecondition(
                    "unsubscribing needs the marketing service's account "
                    "(SERVICE_TOKEN_URL, SERVICE_CLIENT_ID, "
                    "SERVICE_CLIENT_SECRET)"
                )
            self._consent_withdrawal = withdrawal
        return withdrawal

    def _withdraw(self, customer_id: str, *, source: str, channel: str, key: str, when) -> None:
        try:
            self._withdrawal()(customer_id, source=source, channel=channel, key=key, when=when)
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.NOT_FOUND:  # an erased customer: nothing to stop
                # Nothing is marked here either: the caller (the page, the SMS gateway) tries
                # again, and the request id makes the repeat one withdrawal.
                log.warning("withdrawing a consent failed: %s", exc.code().name)
                raise Unavailable(
                    "the withdrawal could not be recorded now; try again shortly"
                ) from None
        with self.database.unit_of_work() as uow:
            unsubscribe.stop_sending(uow.session, customer_id, channel, utcnow())

    def Unsubscribe(self, request, context):
        current_principal()
        refuse_unsupported(request, {"token"})
        if not request.token:
            raise InvalidArgument(FieldViolation("token", "is required"))
        secret = getattr(self.settings, "survey_link_secret", None)
        if not secret:
            raise NotFound(LINK_REFUSED)
        now = utcnow()
        try:
            found = unsubscribe.verify(secret, request.token, now)
        except (InvalidLink, ExpiredLink):
            raise NotFound(LINK_REFUSED) from None
        # One withdrawal per customer and channel's link and day, however often it is
        # followed that day; a customer who re-subscribed and follows it again later is
        # unsubscribed again.
        self._withdraw(
            found.customer_id,
            source=unsubscribe.SOURCE_LINK,
            channel=found.channel,
            key=f"{found.channel}:{now.date().isoformat()}",
            when=now,
        )
        return marketing_pb2.UnsubscribeResponse(channel=unsubscribe.CHANNEL_VALUES[found.channel])

    def HandleSmsReply(self, request, context):
        current_principal()
        refuse_unsupported(request, {"phone", "text", "receive_time"})
        violations = []
        if not unsubscribe.phone_forms(request.phone) or len(request.phone) > 40:
            violations.append(FieldViolation("phone", "must be a phone number"))
        if len(request.text) > MAX_REPLY:
            violations.append(FieldViolation("text", f"must be at most {MAX_REPLY} characters"))
        if violations:
            raise InvalidArgument(violations)
        if not unsubscribe.is_opt_out(request.text):
            return marketing_pb2.HandleSmsReplyResponse(opt_out=False)
        now = utcnow()
        when = from_timestamp(request.receive_time) if request.HasField("receive_time") else now
        when = min(when, now)
        with self.database.unit_of_work(readonly=True) as uow:
            customers = unsubscribe.texted_customers(uow.session, request.phone)
        for customer_id in customers:
            self._withdraw(
                customer_id,
                source=unsubscribe.SOURCE_SMS,
                channel="sms",
                key=f"sms:{int(when.timestamp())}",
                when=when,
            )
        return marketing_pb2.HandleSmsReplyResponse(opt_out=True, unsubscribed_count=len(customers))
