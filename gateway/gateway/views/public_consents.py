"""The PUBLIC routes of unsubscribing (no account), over ``MarketingService``:

- ``POST /api/v1/public/unsubscribe/{token}``: the signed link every marketing e-mail carries
  (the console's unsubscribe page and a mail provider's RFC 8058 one-click POST reach it). The
  customer's marketing consent is withdrawn (source ``unsubscribe_link``) and the marketing
  service stops sending to them at once; ``200 {"channel": ...}``, the same for a repeat. A link
  that is not genuine or has expired is 404, with one detail that does not say which.
- ``POST /api/v1/public/sms/inbound``: the SMS gateway's inbound webhook, a text message a
  customer sent back. It is signed like the suite's own calls to the SMS gateway
  (``X-CRM-Signature: t=<unix>,v1=<HMAC-SHA256 of "<t>.<body>">``, ``crm_shared.
  webhook_signatures``) with ``SMS_INBOUND_SECRET``; a missing or wrong signature, or one more
  than five minutes old, is 401 and changes nothing. An opt-out reply ("T", "TD", "退订")
  withdraws the marketing consent of the customers texted at that number (source
  ``sms_reply``); any other reply changes nothing.

Both call the marketing service as the gateway holding only ``consents.unsubscribe``
(``gateway.public_access``).
"""

from __future__ import annotations

import time
from datetime import datetime

from crm.common.v1 import types_pb2
from crm.marketing.v1 import marketing_pb2
from crm_shared.errors import FieldViolation, InvalidArgument, Unauthenticated
from crm_shared.timestamps import to_timestamp
from crm_shared.webhook_signatures import SIGNATURE_HEADER
from crm_shared.webhook_signatures import verify as signature_verifies
from flask import current_app, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gateway.endpoints import operation
from gateway.public_access import call_public, limit_public
from gateway.views import json_response
from gateway.views.marketing_segments import PEER, marketing_stub

PUBLIC = "/api/v1/public"
SCOPES = ("consents.unsubscribe",)
MAX_SIGNATURE_AGE_SECONDS = 300
MAX_INBOUND_BYTES = 4096


class UnsubscribePath(BaseModel):
    token: str = Field(min_length=1, max_length=300, description="From the unsubscribe link.")


class Unsubscribed(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"channel": "email"}]})

    channel: str = Field(
        description="`email` or `sms`: the channel of the message the link "
        "was in. The customer no longer gets marketing messages."
    )


class SmsInbound(BaseModel):
    """What the SMS gateway posts for a text message it received."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {"from": "+8613912345678", "text": "退订", "received_at": "2026-03-01T08:30:00Z"}
            ]
        },
    )

    from_: str = Field(
        alias="from",
        min_length=1,
        max_length=40,
        description="The sender's number (E.164 or a mainland mobile number).",
    )
    text: str = Field(max_length=500)
    received_at: datetime | None = None


class SmsReplyHandled(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"opt_out": True, "unsubscribed_count": 1}]})

    opt_out: bool = Field(description="True when the reply was an opt-out (T, TD, 退订).")
    unsubscribed_count: int = Field(
        description="Customers texted at that number who were unsubscribed."
    )


def _signed_body() -> bytes:
    """The body of a genuine inbound call; 401 for anything else (checked before the body is
    read as JSON, so an unsigned caller learns nothing of what a good body looks like)."""
    secret = current_app.extensions["crm.gateway"].settings.sms_inbound_secret
    body = request.get_data(cache=True)[: MAX_INBOUND_BYTES + 1]
    header = request.headers.get(SIGNATURE_HEADER, "")
    stamp = dict(part.split("=", 1) for part in header.split(",") if "=" in part).get("t", "")
    fresh = stamp.isdigit() and abs(time.time() - int(stamp)) <= MAX_SIGNATURE_AGE_SECONDS
    if (
        not secret
        or len(body) > MAX_INBOUND_BYTES
        or not fresh
        or not signature_verifies(secret, header, body)
    ):
        raise Unauthenticated("the inbound message's signature does not verify")
    return body


def register(app, deps) -> None:
    api = APIBlueprint("public_consents", __name__, abp_tags=[Tag(name="public")])

    def stub():
        return marketing_stub(deps)

    @operation(
        api,
        "post",
        f"{PUBLIC}/unsubscribe/<token>",
        operation_id="unsubscribe",
        public=True,
        summary="Unsubscribe from marketing through a link's token (RFC 8058 one-click)",
        responses={200: Unsubscribed},
        calls_services=True,
        problems=(404, 429),
    )
    def unsubscribe(path: UnsubscribePath):
        limit_public("unsubscribe", target=path.token)
        done = call_public(
            deps.issuer, SCOPES, PEER, stub().Unsubscribe,
            marketing_pb2.UnsubscribeRequest(token=path.token),
        )
        channel = types_pb2.DeliveryChannel.Name(done.channel).removeprefix("DELIVERY_CHANNEL_")
        return json_response(Unsubscribed(channel=channel.lower()))

    @operation(
        api,
        "post",
        f"{PUBLIC}/sms/inbound",
        operation_id="receiveSmsReply",
        public=True,
        summary="The SMS gateway's inbound webhook (signed): a customer's "
        "reply; 退订 / T / TD unsubscribes",
        responses={200: SmsReplyHandled},
        calls_services=True,
        problems=(401, 422),
        description='Body: `{"from": "+86…", "text": "退订", "received_at": '
        "RFC 3339}`, signed with `SMS_INBOUND_SECRET` in `X-CRM-Signature`.",
    )
    def sms_inbound():
        body = _signed_body()
        try:
            reply = SmsInbound.model_validate_json(body)
        except ValidationError as exc:
            raise InvalidArgument(
                [
                    FieldViolation(".".join(str(p) for p in e["loc"]) or "body", e["msg"])
                    for e in exc.errors()
                ]
            ) from None
        sent = marketing_pb2.HandleSmsReplyRequest(phone=reply.from_, text=reply.text)
        if reply.received_at is not None:
            sent.receive_time.CopyFrom(to_timestamp(reply.received_at))
        handled = call_public(deps.issuer, SCOPES, PEER, stub().HandleSmsReply, sent)
        return json_response(
            SmsReplyHandled(opt_out=handled.opt_out, unsubscribed_count=handled.unsubscribed_count)
        )

    app.register_api(api)
